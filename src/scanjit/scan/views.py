"""map, reduce, foldl, foldr and filter: scans with a fixed shape (`pytensor.scan.views`)."""

from scanjit.scan import scan


def map(fn, sequences, non_sequences=None, truncate_gradient=-1, go_backwards=False, mode=None, name=None,
        return_updates=True):
    return scan(fn, sequences=sequences, non_sequences=non_sequences, truncate_gradient=truncate_gradient,
                go_backwards=go_backwards, mode=mode, name=name, return_updates=return_updates)


def reduce(fn, sequences, outputs_info, non_sequences=None, go_backwards=False, mode=None,
           name=None, return_updates=True):
    """Like scan, but only the last state of each output is returned."""
    result = scan(fn, sequences=sequences, outputs_info=outputs_info, non_sequences=non_sequences,
                  go_backwards=go_backwards, mode=mode, name=name, return_updates=return_updates)
    outputs, updates = result if return_updates else (result, None)
    last = [o[-1] for o in outputs] if isinstance(outputs, list) else outputs[-1]
    return (last, updates) if return_updates else last


def foldl(fn, sequences, outputs_info, non_sequences=None, mode=None, name=None,
          return_updates=True):
    return reduce(fn, sequences, outputs_info, non_sequences, False, mode, name, return_updates)


def foldr(fn, sequences, outputs_info, non_sequences=None, mode=None, name=None,
          return_updates=True):
    return reduce(fn, sequences, outputs_info, non_sequences, True, mode, name, return_updates)


def filter(fn, sequences, non_sequences=None, go_backwards=False, mode=None, name=None):  # noqa: A001
    """The elements of `sequences` (a list: of each) for which `fn` is true:
    one mask per sequence if `fn` returns several, else one for all. With
    `go_backwards` the masks are put back in the sequences' order (PyTensor
    applies the reversed masks to the sequences as they are)."""
    mask = scan(fn, sequences=sequences, non_sequences=non_sequences, go_backwards=go_backwards,
                mode=mode, name=name, return_updates=False)
    if go_backwards:
        mask = [m[::-1] for m in mask] if isinstance(mask, list | tuple) else mask[::-1]
    if isinstance(mask, list | tuple):
        if not isinstance(sequences, list | tuple):
            raise TypeError("If multiple masks are returned, sequences must be a list or tuple.")
        if len(mask) != len(sequences):
            raise ValueError("Number of masks must match number of sequences.")
        return [seq[m] for seq, m in zip(sequences, mask)]
    if isinstance(sequences, list | tuple):
        return [seq[mask] for seq in sequences]
    return sequences[mask]
