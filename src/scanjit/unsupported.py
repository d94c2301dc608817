"""PyTensor's public names that scanjit does not have (yet): reading one
raises `NotSupportedYet`, a `NotImplementedError` naming it. It is an
`AttributeError` too, so that `hasattr(pt, name)` and `getattr(pt, name,
default)` answer as for any missing name."""

from __future__ import annotations

from collections.abc import Callable


class NotSupportedYet(NotImplementedError, AttributeError):
    """A PyTensor name that scanjit does not support."""


def not_yet(groups: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """{name: why} from {why: names}."""
    return {name: why for why, names in groups.items() for name in names}


def module_getattr(module: str, missing: dict[str, str]) -> Callable[[str], object]:
    """A module's `__getattr__`: NotSupportedYet for the names of `missing`
    (with why, if said), AttributeError for the others."""
    def __getattr__(name: str):
        if name in missing:
            why = f" ({missing[name]})" if missing[name] else ""
            raise NotSupportedYet(f"scanjit does not support {module}.{name} yet{why}")
        raise AttributeError(f"module {module!r} has no attribute {name!r}")
    return __getattr__
