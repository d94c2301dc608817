"""`scan(..., checkpoint=True)` (or a segment length): the forward results
are the plain scan's (the same node); its gradient stores the states at the
boundaries of segments of about √T steps (T known at run time) and
recomputes each segment's states from them (docs/gradients.md, "Memory:
checkpointing")."""

from __future__ import annotations

from scanjit.dtypes import is_float
from scanjit.graph import clone_replace
from scanjit.tensor.basic import constant
from scanjit.tensor.creation import arange, zeros_like
from scanjit.tensor.elemwise import cast, ceil, maximum, minimum, sqrt
from scanjit.tensor.gradient import backprop
from scanjit.tensor.join import concatenate
from scanjit.tensor.shape import Shape, expand_dims
from scanjit.tensor.subtensor import flip, set_subtensor


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
        """The gradients of the inputs of the ScanOp `op`'s node: a scan over
        the full segments storing the states after each, a scan of the
        remaining steps, then a scan over the segments backwards re-running
        each one's steps (storing them) and backpropagating through them.
        The segments' rows are gathered from the sequences where they are
        (`x[start + arange(length)]`: every segment's shapes are known before
        the loops), so nothing of the sequences' length is allocated but
        their gradients, where the cost asks for them."""
        from scanjit.scan.grad import connected_inputs

        scan, info, n_seqs, recurrent = self.scan, op.info, op.n_seqs, op.info.recurrent
        seqs, initials = inputs[1:1 + n_seqs], inputs[1 + n_seqs:1 + n_seqs + len(recurrent)]
        outer = inputs[1 + n_seqs + len(recurrent):]
        n_out = len(info.inner_outputs)
        stacked_grads, final_grads = output_grads[:n_out], output_grads[n_out:n_out + len(recurrent)]
        wanted = [k for k, g in enumerate(stacked_grads) if g is not None]  # stacks the cost reads
        floats = [j for j, init in enumerate(initials) if is_float(init.dtype)]
        summed = [v for v in outer if is_float(v.dtype)]
        steps = inputs[0] if op.n_steps_given else Shape(0)(seqs[0])
        for seq in seqs[1:] if not op.n_steps_given else []:
            steps = minimum(steps, Shape(0)(seq))
        length = constant(self.length, dtype="int64") if self.length is not True else \
            maximum(cast(ceil(sqrt(steps)), "int64"), 1)
        count = steps // length
        done = count * length
        bases = [flip(s, 0) if info.go_backwards else s for s in seqs]

        def step(*args):
            return clone_replace(info.inner_outputs, list(zip(info.placeholders, args)))

        def run(rows, n, states):
            """`n` steps from `states` over the sequences' `rows`."""
            states = iter(states)
            return scan(step, sequences=rows, n_steps=n, return_list=True, return_updates=False,
                        outputs_info=[None if taps is None else next(states) for taps in info.output_taps])

        def segment_rows(start):
            return [b[start + arange(length, dtype="int64")] for b in bases]

        def forward(start, *states):
            found = run(segment_rows(start), length, states)
            return [found[k][-1] for k in recurrent]

        starts = arange(count, dtype="int64") * length
        after = scan(forward, sequences=[starts], outputs_info=list(initials), n_steps=count,
                     return_list=True, return_updates=False)
        tail_inits = [states[-1] for states in after]
        tail_rows = [b[done:steps] for b in bases]
        tail = run(tail_rows, steps - done, tail_inits)
        seeds = {tail[k]: stacked_grads[k][done:] for k in wanted}
        seeds.update((tail[k][-1], final_grads[j]) for j, k in enumerate(recurrent) if final_grads[j] is not None)
        if not seeds:
            return [None] * len(inputs)
        got = backprop(seeds, [*tail_rows, *tail_inits, *summed])  # all stop it, integer states too
        tail_grads = got[:n_seqs]
        adjoints = [got[n_seqs + j] if got[n_seqs + j] is not None else zeros_like(tail_inits[j]) for j in floats]
        totals = [g if g is not None else zeros_like(v) for v, g in zip(summed, got[n_seqs + len(tail_inits):])]

        def backward(start, *args):
            states, grad_rows = args[:len(recurrent)], args[len(recurrent):len(recurrent) + len(wanted)]
            adjoints = args[len(recurrent) + len(wanted):len(recurrent) + len(wanted) + len(floats)]
            totals = args[len(recurrent) + len(wanted) + len(floats):]
            rows = segment_rows(start)
            found = run(rows, length, states)
            seeds = {found[k]: g for k, g in zip(wanted, grad_rows)}
            seeds.update((found[recurrent[j]][-1], a) for j, a in zip(floats, adjoints))
            got = backprop(seeds, [*rows, *[states[j] for j in floats], *summed])
            row_grads, state_grads = got[:n_seqs], got[n_seqs:n_seqs + len(floats)]
            outer_grads = got[n_seqs + len(floats):]
            return ([g if g is not None else zeros_like(a) for g, a in zip(state_grads, adjoints)]
                    + [t + g if g is not None else t for t, g in zip(totals, outer_grads)]
                    + [g if g is not None else zeros_like(r) for g, r in zip(row_grads, rows)])

        befores = [concatenate([expand_dims(init, 0), states[:-1]]) for init, states in zip(initials, after)]
        back = scan(backward, sequences=[starts, *befores, *[segments(stacked_grads[k][:done], count, length)
                                                             for k in wanted]],
                    outputs_info=adjoints + totals + [None] * n_seqs, go_backwards=True, n_steps=count,
                    return_list=True, return_updates=False)
        grads = [None] * len(inputs)  # by position: a variable may be two inputs
        finals = iter(back[:len(floats) + len(summed)])
        for k in [1 + n_seqs + j for j in floats] + [k for k in range(1 + n_seqs + len(recurrent), len(inputs))
                                                     if is_float(inputs[k].dtype)]:
            grads[k] = next(finals)[-1]
        for k, (base, stack, in_tail) in enumerate(zip(bases, back[len(floats) + len(summed):], tail_grads)):
            if not is_float(base.dtype):
                continue
            rows = [flip(stack, 0).reshape([done] + [base.shape[a] for a in range(1, base.ndim)], ndim=base.ndim)]
            rows += [in_tail] if in_tail is not None else []
            whole = set_subtensor(zeros_like(base)[:steps], concatenate(rows))
            grads[1 + k] = flip(whole, 0) if info.go_backwards else whole
        used = connected_inputs(info, inputs, stacked_grads, final_grads)  # zeros of integers, as scan_grad's
        return [(g if is_float(v.dtype) else 0) if ok else None for g, v, ok in zip(grads, inputs, used)]
