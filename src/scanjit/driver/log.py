"""The `scanjit` logger: a compile longer than `SLOW` seconds logs one INFO
line with the function's name and where the time went; every compile logs
one DEBUG line. `SCANJIT_LOG=info` (or `debug`) prints them on stderr;
otherwise configure `logging.getLogger("scanjit")` as any logger."""

from __future__ import annotations

import logging
import os
import warnings

logger = logging.getLogger("scanjit")
SLOW = 1.0
LEVELS = ("debug", "info", "warning", "error")


def configure_from_environment() -> None:
    """Honour SCANJIT_LOG (once, at the first compile): a level name."""
    level = os.environ.get("SCANJIT_LOG", "").strip().lower()
    if not level:
        return
    if level not in LEVELS:
        warnings.warn(f"SCANJIT_LOG={level!r} is not one of {', '.join(LEVELS)}: ignored", stacklevel=2)
        return
    logger.setLevel(level.upper())
    if not any(getattr(h, "scanjit", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("scanjit: %(message)s"))
        handler.scanjit = True
        logger.addHandler(handler)


def where_the_time_went(timings: dict[str, float], total: float) -> str:
    """`imports 700 ms, emit 3 ms, passes 120 ms (bufferize 40 ms, cse 30 ms, ...), LLVM opt 300 ms, codegen 500 ms`."""
    phases = ("imports", "cache key", "emit", "LLVM setup", "LLVM IR", "LLVM parse", "LLVM opt", "codegen",
              "cache load")
    passes = {name: t for name, t in timings.items() if name not in phases}
    parts = [f"{name} {1e3 * timings[name]:.0f} ms" for name in phases[:3] if name in timings]
    if passes:
        slowest = sorted(passes, key=passes.get, reverse=True)[:3]
        parts.append(f"passes {1e3 * sum(passes.values()):.0f} ms ("
                     + ", ".join(f"{n} {1e3 * passes[n]:.0f} ms" for n in slowest)
                     + (", ..." if len(passes) > 3 else "") + ")")
    parts += [f"{name} {1e3 * timings[name]:.0f} ms" for name in phases[3:] if timings.get(name, 0) > 0.0005]
    other = total - sum(timings.values())
    if other > 0.0005:
        parts.append(f"other {1e3 * other:.0f} ms")
    return ", ".join(parts)


def compiled(name: str, seconds: float, timings: dict[str, float], cache_hit: bool) -> None:
    """Log one compile: INFO when slow, else DEBUG."""
    level = logging.INFO if seconds > SLOW else logging.DEBUG
    if logger.isEnabledFor(level):
        how = "loaded from the cache" if cache_hit else "compiled"
        logger.log(level, "%s %s in %.2f s: %s", how, name, seconds, where_the_time_went(timings, seconds))
