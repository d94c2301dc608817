"""Checkpointed scans: the gradient stores the states at segment boundaries
only and recomputes each segment's states (docs/gradients.md, "Memory:
checkpointing").

`scan_checkpoints` is PyTensor's: an outer scan over segments of
`save_every_N` steps, each an inner scan keeping its last state, whose
outputs are those of every `save_every_N`-th step.

`scan(..., checkpoint=True)` (or a segment length) keeps the plain scan for
the forward results and gives the node a gradient (`checkpointed_grad`) that
is the gradient of the same loop run as an outer scan over segments of about
√T steps (T known at run time), then a scan of the remaining steps."""

from __future__ import annotations

from scanjit.dtypes import is_float
from scanjit.graph import clone_replace
from scanjit.tensor.basic import as_tensor_variable, constant
from scanjit.tensor.elemwise import cast, ceil, eq, maximum, minimum, neq, sqrt, switch
from scanjit.tensor.gradient import backprop
from scanjit.tensor.join import concatenate
from scanjit.tensor.shape import Shape
from scanjit.tensor.subtensor import flip, set_subtensor


def _as_list(x) -> list:
    if x is None:
        return []
    return list(x) if isinstance(x, list | tuple) else [x]


def _segments(x, count, length):
    """x's count * length rows as `count` segments of `length` rows."""
    return x.reshape([count, length] + [x.shape[a] for a in range(1, x.ndim)], ndim=x.ndim + 1)


def scan_checkpoints(fn, sequences=None, outputs_info=None, non_sequences=None, name="checkpointscan_fn",
                     n_steps=None, save_every_N=10, padding=True, return_updates=True):
    """PyTensor's `scan_checkpoints`: `scan` whose outputs are those of every
    `save_every_N`-th step (and the last), whose gradient recomputes the
    steps in between. Sequences are zero-padded to a multiple of
    `save_every_N` steps (a copy) unless `padding=False`."""
    from scanjit.scan import scan
    from scanjit.tensor.creation import ones, zeros

    sequences, non_sequences = _as_list(sequences), _as_list(non_sequences)
    outputs_info = outputs_info if isinstance(outputs_info, list) else [outputs_info]
    if any(isinstance(entry, dict) and "taps" in entry for entry in outputs_info):
        raise RuntimeError("scan_checkpoints doesn't work with taps.")
    sequences = [as_tensor_variable(s) for s in sequences]
    if n_steps is None:
        n_steps = sequences[0].shape[0]
    outer_steps = cast(ceil(n_steps / save_every_N), "int64")
    remainder = n_steps % save_every_N
    inner_steps = ones((outer_steps,), "int64") * save_every_N
    inner_steps = set_subtensor(inner_steps[-1], switch(eq(remainder, 0), save_every_N, remainder))
    if padding:
        for k, s in enumerate(sequences):
            missing = (save_every_N - s.shape[0] % save_every_N) * neq(s.shape[0] % save_every_N, 0)
            sequences[k] = concatenate([s, zeros([missing] + [s.shape[a] for a in range(1, s.ndim)], s.dtype)])
    segmented = [_segments(s, s.shape[0] // save_every_N, save_every_N) for s in sequences]
    n_seqs, n_states = len(segmented), sum(entry is not None for entry in outputs_info)

    def outer_step(*args):
        rows, count = list(args[:n_seqs]), args[n_seqs]
        states, params = list(args[n_seqs + 1:n_seqs + 1 + n_states]), list(args[n_seqs + 1 + n_states:])
        found = scan(fn, sequences=rows, outputs_info=states + [None] * (len(outputs_info) - n_states),
                     non_sequences=params, name=name + "_inner", n_steps=count, return_updates=return_updates)
        results, updates = found if return_updates else (found, {})
        return [r[-1] for r in _as_list(results)], updates

    return scan(outer_step, sequences=segmented + [inner_steps], outputs_info=outputs_info,
                non_sequences=non_sequences, name=name + "_outer", n_steps=outer_steps,
                return_updates=return_updates)


def check_checkpoint(info, checkpoint) -> None:
    """`scan(checkpoint=...)`: True (segments of about √T steps) or a
    segment length, for the forms `checkpointed_grad` handles."""
    if checkpoint is True or (isinstance(checkpoint, int) and not isinstance(checkpoint, bool) and checkpoint > 0):
        if info.until is not None or info.updates:
            raise NotImplementedError("scan(checkpoint=...) with until or updates")
        if any(taps != [0] for taps in info.seq_taps) or \
                any(taps not in (None, [-1]) for taps in info.output_taps):
            raise NotImplementedError("scan(checkpoint=...) with taps other than [0] (sequences) "
                                      "and [-1] (states)")
        return
    raise ValueError(f"checkpoint must be True, False or a positive segment length, got {checkpoint!r}")


def checkpointed_grad(op, inputs, outputs, output_grads) -> list:
    """The gradients of the inputs of the checkpointed ScanOp `op`'s node:
    those of the same loop run as an outer scan over segments (storing the
    states at their boundaries), then a scan over the remaining steps."""
    from scanjit.scan import scan

    info, n_seqs, recurrent = op.info, op.n_seqs, op.info.recurrent
    seqs, initials = inputs[1:1 + n_seqs], inputs[1 + n_seqs:1 + n_seqs + len(recurrent)]
    outer = inputs[1 + n_seqs + len(recurrent):]
    n_out = len(info.inner_outputs)
    stacked_grads, final_grads = output_grads[:n_out], output_grads[n_out:n_out + len(recurrent)]
    wanted = [k for k, g in enumerate(stacked_grads) if g is not None]  # stacks the cost reads

    steps = inputs[0] if op.n_steps_given else Shape(0)(seqs[0])
    for seq in seqs[1:] if not op.n_steps_given else []:
        steps = minimum(steps, Shape(0)(seq))
    length = constant(op.checkpoint, dtype="int64") if op.checkpoint is not True else \
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

    segmented = scan(segment, sequences=[_segments(b[:done], count, length) for b in bases],
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
