"""Global settings, as `pytensor.config`: only `floatX` for now."""

floatX = "float64"
