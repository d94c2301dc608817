"""Checkpointed scans: PyTensor's `scan_checkpoints`, an outer scan over
segments of `save_every_N` steps, each an inner scan keeping its last state,
whose outputs are those of every `save_every_N`-th step; the gradient stores
the segment boundaries only and recomputes each segment's states. For
`scan(..., checkpoint=True)` see scan/checkpointing.py."""

from __future__ import annotations

from scanjit.scan import scan
from scanjit.scan.checkpointing import segments
from scanjit.tensor.basic import as_tensor_variable
from scanjit.tensor.creation import ones, zeros
from scanjit.tensor.elemwise import cast, ceil, eq, neq, switch
from scanjit.tensor.join import concatenate
from scanjit.tensor.subtensor import set_subtensor


def _as_list(x) -> list:
    if x is None:
        return []
    return list(x) if isinstance(x, list | tuple) else [x]


def scan_checkpoints(fn, sequences=None, outputs_info=None, non_sequences=None, name="checkpointscan_fn",
                     n_steps=None, save_every_N=10, padding=True, return_updates=True):
    """PyTensor's `scan_checkpoints`: `scan` whose outputs are those of every
    `save_every_N`-th step (and the last), whose gradient recomputes the
    steps in between. Sequences are zero-padded to a multiple of
    `save_every_N` steps (a copy) unless `padding=False`."""
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
    segmented = [segments(s, s.shape[0] // save_every_N, save_every_N) for s in sequences]
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
