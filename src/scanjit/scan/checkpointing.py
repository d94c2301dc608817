"""`scan(..., checkpoint=True)` (or a segment length): the forward results
are the plain scan's (the same node); its gradient is that of the same loop
run as an outer scan over segments of about √T steps (T known at run time),
each an inner scan returning its last state, then a scan of the remaining
steps. The outer scan stores the segment boundaries only, and its backward
scan recomputes each segment's states (docs/gradients.md, "Memory:
checkpointing")."""

from __future__ import annotations

from scanjit.dtypes import is_float
from scanjit.graph import clone_replace
from scanjit.tensor.basic import constant
from scanjit.tensor.elemwise import cast, ceil, maximum, minimum, sqrt
from scanjit.tensor.gradient import backprop
from scanjit.tensor.join import concatenate
from scanjit.tensor.shape import Shape
from scanjit.tensor.subtensor import flip


def segments(x, count, length):
    """x's count * length rows as `count` segments of `length` rows."""
    return x.reshape([count, length] + [x.shape[a] for a in range(1, x.ndim)], ndim=x.ndim + 1)


class Checkpointing:
    """A ScanOp's checkpointed gradient: `length` (an int) or True (⌈√T⌉)
    steps per segment, the segments built by `scan` (scanjit.scan's, which
    this module cannot import: it imports this one)."""

    def __init__(self, info, length, scan):
        if not (length is True or (isinstance(length, int) and not isinstance(length, bool) and length > 0)):
            raise ValueError(f"checkpoint must be True, False or a positive segment length, got {length!r}")
        if info.until is not None or info.updates:
            raise NotImplementedError("scan(checkpoint=...) with until or updates")
        if any(taps != [0] for taps in info.seq_taps) or \
                any(taps not in (None, [-1]) for taps in info.output_taps):
            raise NotImplementedError("scan(checkpoint=...) with taps other than [0] (sequences) "
                                      "and [-1] (states)")
        self.length, self.scan = length, scan

    def grad(self, op, inputs, outputs, output_grads) -> list:
        """The gradients of the inputs of the ScanOp `op`'s node."""
        scan = self.scan
        info, n_seqs, recurrent = op.info, op.n_seqs, op.info.recurrent
        seqs, initials = inputs[1:1 + n_seqs], inputs[1 + n_seqs:1 + n_seqs + len(recurrent)]
        outer = inputs[1 + n_seqs + len(recurrent):]
        n_out = len(info.inner_outputs)
        stacked_grads, final_grads = output_grads[:n_out], output_grads[n_out:n_out + len(recurrent)]
        wanted = [k for k, g in enumerate(stacked_grads) if g is not None]  # stacks the cost reads

        steps = inputs[0] if op.n_steps_given else Shape(0)(seqs[0])
        for seq in seqs[1:] if not op.n_steps_given else []:
            steps = minimum(steps, Shape(0)(seq))
        length = constant(self.length, dtype="int64") if self.length is not True else \
            maximum(cast(ceil(sqrt(steps)), "int64"), 1)
        count = steps // length
        done = count * length
        bases = [(flip(s, 0) if info.go_backwards else s)[:steps] for s in seqs]

        def step(*args):
            return clone_replace(info.inner_outputs, list(zip(info.placeholders, args)))

        def infos(states):
            states = iter(states)
            return [None if taps is None else next(states) for taps in info.output_taps]

        def segment(*args):
            found = scan(step, sequences=list(args[:n_seqs]), outputs_info=infos(args[n_seqs:]), n_steps=length,
                         return_list=True, return_updates=False)
            return [found[k][-1] for k in recurrent] + [found[k] for k in wanted]

        segmented = scan(segment, sequences=[segments(b[:done], count, length) for b in bases],
                         outputs_info=list(initials) + [None] * len(wanted), n_steps=count,
                         return_list=True, return_updates=False)
        tail = scan(step, sequences=[b[done:] for b in bases],
                    outputs_info=infos([s[-1] for s in segmented[:len(recurrent)]]), n_steps=steps - done,
                    return_list=True, return_updates=False)
        seeds = {}
        for k, stack in zip(wanted, segmented[len(recurrent):]):
            rows = stack.reshape([done] + [stack.shape[a] for a in range(2, stack.ndim)], ndim=stack.ndim - 1)
            seeds[concatenate([rows, tail[k]])] = stacked_grads[k]
        for k, g in zip(recurrent, final_grads):
            if g is not None:
                seeds[tail[k][-1]] = g
        if not seeds:
            return [None] * len(inputs)
        wrt = [*seqs, *initials, *outer]
        found = backprop(seeds, wrt)
        return [None] + [g if is_float(v.dtype) else None for g, v in zip(found, wrt)]
