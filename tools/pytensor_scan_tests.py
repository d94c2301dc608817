"""Run PyTensor's own scan tests against scanjit, imports swapped.

    python tools/pytensor_scan_tests.py [pytest arguments]

copies PyTensor's tests/scan (and tests/unittest_tools.py) from
/work/pytensor-tests, or else from the git mirror of pymc-devs/pytensor, into
a temporary directory, rewrites every `import pytensor...` so that it reads
scanjit's name of the same path (`pytensor.tensor.math.exp` → `scanjit.tensor.math`'s,
else the nearest scanjit module above it that has it, else scanjit, scanjit.tensor
or scanjit.scan), and runs pytest there. A name scanjit lacks becomes a
`Missing` placeholder that raises `MissingAPI` (a NotImplementedError) when
used, so one missing name fails only the tests using it. PyTensor's modes
become mode names (scanjit compiles every mode alike): `Mode(...)`,
`get_mode(...)` and `get_default_mode()` give "FAST_RUN", whose
`including`/`excluding` give itself. docs/reliability.md classifies the results.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

COPY = Path("/work/pytensor-tests/tests")
MIRROR = Path("/work/.mirror/pymc-devs+pytensor/repo")
FILES = ["__init__.py", "unittest_tools.py", "scan/__init__.py", "scan/test_basic.py", "scan/test_views.py",
         "scan/test_utils.py", "scan/test_checkpoints.py"]

SHIM = '''"""Resolves PyTensor's import paths to scanjit's names (tools/pytensor_scan_tests.py)."""
import importlib
import scanjit


class MissingAPI(NotImplementedError):
    """A PyTensor name that scanjit lacks, used by a test."""


class _MissingMeta(type):
    def __getattr__(cls, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        raise MissingAPI(f"scanjit lacks {cls.__name__} (used: .{attr})")

    def __call__(cls, *args, **kwargs):
        raise MissingAPI(f"scanjit lacks {cls.__name__} (called)")


def Missing(name):
    """A placeholder class (so that isinstance answers False) raising MissingAPI when used."""
    return _MissingMeta(name, (), {})


class ModeName(str):
    """PyTensor's Mode objects, as the mode names scanjit's function takes."""
    def including(self, *tags):
        return self

    excluding = requiring = including

    def clone(self, **kwargs):
        return self

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        raise MissingAPI(f"scanjit lacks Mode.{attr}")


def mode(*args, **kwargs):
    return ModeName("FAST_RUN")


class Config:
    """scanjit.config, with PyTensor's `mode` and `cxx` for the tests' module-level checks."""
    mode = ModeName("FAST_RUN")
    cxx = ""

    def __getattr__(self, attr):
        try:
            return getattr(scanjit.config, attr)
        except AttributeError:
            return Missing(f"config.{attr}")

    def change_flags(self, **flags):
        """PyTensor's other flags (mode, on_opt_error, ...) mean nothing to scanjit."""
        return scanjit.config.change_flags(**{k: v for k, v in flags.items() if k in scanjit.config.FLAGS})

    def __setattr__(self, attr, value):
        setattr(scanjit.config, attr, value)


def _allclose(a, b, rtol=None, atol=None):
    """The tests' comparison (unittest_tools.assert_allclose): PyTensor's tolerances."""
    from pytensor.tensor.math import _allclose as pytensor_allclose
    return pytensor_allclose(a, b, rtol=rtol, atol=atol)


SHIMS = {"_allclose": _allclose, "Mode": mode, "get_mode": mode, "get_default_mode": mode, "config": Config()}
FALLBACKS = ["scanjit", "scanjit.tensor", "scanjit.scan", "scanjit.tensor.random"]


def _import(name):
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def module(path):
    """`import pytensor.a.b`: scanjit.a.b, or a placeholder."""
    found = _import("scanjit" + path[len("pytensor"):])
    return found if found is not None else Missing(path)


def resolve(path, name):
    """`from pytensor.a.b import name`."""
    if name in SHIMS:
        return SHIMS[name]
    parts = ("scanjit" + path[len("pytensor"):]).split(".")
    candidates = [".".join(parts[:i]) for i in range(len(parts), 0, -1)] + FALLBACKS
    for candidate in candidates:
        found = _import(candidate)
        if found is None:
            continue
        try:
            return getattr(found, name)
        except (AttributeError, NotImplementedError):
            pass
        sub = _import(f"{candidate}.{name}") if candidate == ".".join(parts) else None
        if sub is not None:
            return sub
    return Missing(f"{path}.{name}")
'''


def rewrite(source: str) -> str:
    """The source with its `pytensor` imports replaced by shim calls, line numbers kept."""
    lines = source.splitlines()
    for node in sorted(ast.walk(ast.parse(source)), key=lambda n: -getattr(n, "lineno", 0)):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "pytensor" for a in node.names):
            stmts = []
            for alias in node.names:
                if alias.asname:
                    stmts.append(f"{alias.asname} = _sj.module({alias.name!r})")
                else:
                    stmts.append(f"{alias.name.split('.')[0]} = _sj.module('pytensor')")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "pytensor":
            stmts = [f"{a.asname or a.name} = _sj.resolve({node.module!r}, {a.name!r})" for a in node.names]
        else:
            continue
        first = lines[node.lineno - 1]
        indent = first[: len(first) - len(first.lstrip())]
        span = node.end_lineno - node.lineno + 1
        lines[node.lineno - 1: node.end_lineno] = [indent + "; ".join(stmts)] + [""] * (span - 1)
    lines[:1] = ["import _scanjit_shim as _sj; " + "".join(lines[:1])]
    return "\n".join(lines) + "\n"


def fetch(dest: Path) -> None:
    """PyTensor's test files into dest/tests, imports rewritten."""
    for name in FILES:
        if COPY.exists():
            text = (COPY / name).read_text()
        else:
            text = subprocess.run(["git", "-C", str(MIRROR), "show", f"HEAD:tests/{name}"], check=True,
                                  capture_output=True, text=True).stdout
        target = dest / "tests" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(rewrite(text))
    (dest / "_scanjit_shim.py").write_text(SHIM)


def main(argv: list[str]) -> int:
    work = Path(tempfile.mkdtemp(prefix="pytensor-scan-tests-"))
    try:
        fetch(work)
        env = dict(os.environ, PYTHONPATH=str(work))
        args = argv or ["tests/scan", "-q", "-rfEs", "--tb=line"]
        return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
                              cwd=work, env=env).returncode
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
