"""Global settings, as `pytensor.config`."""

floatX = "float64"
"""The dtype of float constants and of typed constructors without a prefix."""

on_unused_input = "raise"
"""What `function` does with an input its outputs do not need: "raise"
(`UnusedInputError`), "warn" or "ignore"."""

flush_denormals = False
"""Whether compiled calls flush subnormal numbers to zero (scanjit's own;
`function(..., flush_denormals=...)` overrides it): faster where the CPU
computes subnormals slowly, results no longer NumPy's bit for bit."""
