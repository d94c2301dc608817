"""scanjit's version (a leaf module: the compile cache keys on it)."""

__version__ = "0.1.0"
