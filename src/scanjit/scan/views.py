"""map, reduce, foldl and foldr: scans with a fixed shape (`pytensor.scan.views`)."""

from scanjit.scan import scan


def map(fn, sequences, non_sequences=None, go_backwards=False, mode=None, name=None,
        return_updates=True):
    return scan(fn, sequences=sequences, non_sequences=non_sequences, go_backwards=go_backwards,
                mode=mode, name=name, return_updates=return_updates)


def reduce(fn, sequences, outputs_info, non_sequences=None, go_backwards=False, mode=None,
           name=None, return_updates=True):
    """Like scan, but only the last state of each output is returned."""
    outputs, updates = scan(fn, sequences=sequences, outputs_info=outputs_info,
                            non_sequences=non_sequences, go_backwards=go_backwards, mode=mode,
                            name=name)
    last = [o[-1] for o in outputs] if isinstance(outputs, list) else outputs[-1]
    return (last, updates) if return_updates else last


def foldl(fn, sequences, outputs_info, non_sequences=None, mode=None, name=None,
          return_updates=True):
    return reduce(fn, sequences, outputs_info, non_sequences, False, mode, name, return_updates)


def foldr(fn, sequences, outputs_info, non_sequences=None, mode=None, name=None,
          return_updates=True):
    return reduce(fn, sequences, outputs_info, non_sequences, True, mode, name, return_updates)
