"""Global settings, as `pytensor.config`."""

import functools

floatX = "float64"
"""The dtype of float constants and of typed constructors without a prefix."""

on_unused_input = "raise"
"""What `function` does with an input its outputs do not need: "raise"
(`UnusedInputError`), "warn" or "ignore"."""

flush_denormals = False
"""Whether compiled calls flush subnormal numbers to zero (scanjit's own;
`function(..., flush_denormals=...)` overrides it): faster where the CPU
computes subnormals slowly, results no longer NumPy's bit for bit."""

FLAGS = ("floatX", "on_unused_input", "flush_denormals")


class change_flags:  # noqa: N801  (PyTensor's name)
    """`with config.change_flags(floatX="float32"):` or as a decorator, as
    PyTensor's: sets the flags for the block (or the call) and restores
    them after, errors included. An unknown flag raises `KeyError`."""

    def __init__(self, **flags):
        for name in flags:
            if name not in FLAGS:
                raise KeyError(name)
        self.flags = flags
        self.saved: list[dict] = []

    def __enter__(self):
        self.saved.append({name: globals()[name] for name in self.flags})
        globals().update(self.flags)
        return self

    def __exit__(self, *exc):
        globals().update(self.saved.pop())

    def __call__(self, func):
        @functools.wraps(func)
        def with_flags(*args, **kwargs):
            with self:
                return func(*args, **kwargs)
        return with_flags
