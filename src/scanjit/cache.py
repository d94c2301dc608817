"""The persistent compile cache.

An entry maps a key — a structural hash of the graph, plus the host CPU, the
pipeline, the versions of llvmlite, xdsl and scanjit and the stamps of
scanjit's source files — to the LLVM IR and
the object code MCJIT generated. On a hit neither the xDSL passes nor LLVM's
optimizer or code generator run.

Entries live in SCANJIT_CACHE_DIR (default: $XDG_CACHE_HOME/scanjit or
~/.cache/scanjit); SCANJIT_CACHE=0 disables the cache. Each entry carries a
checksum: a corrupt or truncated one is discarded and recompiled. Writes go to
a temporary file renamed into place, so concurrent writers are safe.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Sequence
from pathlib import Path

import scanjit
from scanjit.graph import Constant, Variable, toposort

FORMAT = 2


def enabled() -> bool:
    return os.environ.get("SCANJIT_CACHE", "1") != "0"


def directory() -> Path:
    if "SCANJIT_CACHE_DIR" in os.environ:
        return Path(os.environ["SCANJIT_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "scanjit"


def _op_signature(op, refs) -> tuple:
    """What identifies an Op: its class and parameters (recursively for Scan)."""
    from scanjit.scan.op import ScanOp

    if isinstance(op, ScanOp):
        info = op.info
        inner = dict(refs)
        for k, p in enumerate(info.placeholders):
            inner[id(p)] = ("placeholder", k, p.name)
        return ("Scan", op.n_seqs, op.n_steps_given, info.go_backwards, repr(info.seq_taps),
                repr(info.output_taps), [(p.type.dtype, p.type.shape) for p in info.placeholders],
                _graph_signature(info.roots, inner), info.until is not None,
                [refs.get(id(s)) for s in info.updates])
    params = {k: _op_signature(v, refs) if hasattr(v, "make_node") else repr(v)
              for k, v in sorted(vars(op).items())}
    return (type(op).__name__, tuple(params.items()))


def _graph_signature(outputs: Sequence[Variable], refs: dict) -> tuple:
    refs = dict(refs)
    nodes = []

    def ref(var: Variable):
        if id(var) in refs:
            return refs[id(var)]
        if isinstance(var, Constant):
            return ("constant", var.dtype, var.data.shape, var.data.tobytes())
        raise ValueError(f"{var.label()} is needed but is not an input of the function")

    for k, node in enumerate(toposort(outputs, stop=[v for v in outputs if id(v) in refs])):
        if all(id(o) in refs for o in node.outputs):
            continue
        nodes.append((_op_signature(node.op, refs), [ref(i) for i in node.inputs],
                      [(o.type.dtype, o.type.shape, o.name) for o in node.outputs]))
        for j, out in enumerate(node.outputs):
            refs[id(out)] = ("node", k, j)
    return tuple(nodes), tuple(ref(v) for v in outputs)


def _installed(package) -> tuple:
    """Where a package is installed and when: cheaper than asking
    importlib.metadata for its version (~30 ms for xdsl), and it changes
    whenever another version is installed."""
    stat = os.stat(package.__file__)
    return package.__file__, stat.st_size, stat.st_mtime_ns


def _compiler_sources() -> tuple:
    """Size and time of every source file of scanjit's compiler, so that an
    edited (e.g. editable-installed) scanjit never loads stale code."""
    import scanjit.dialects
    import scanjit.passes

    files = []
    for package in (scanjit, scanjit.dialects, scanjit.passes):
        for folder, _, names in os.walk(os.path.dirname(package.__file__)):
            for name in names:
                if name.endswith(".py"):
                    stat = os.stat(path := os.path.join(folder, name))
                    files.append((path, stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(files))


def key(inputs: Sequence[Variable], outputs: Sequence[Variable]) -> str:
    """The cache key of compiling `outputs` as a function of `inputs`: the
    whole calling convention (every input in order, used or not, with its
    type and name; the outputs) and all else that changes the code."""
    import llvmlite
    import llvmlite.binding as llvm
    import xdsl

    from scanjit.passes import PIPELINE

    refs = {id(v): ("input", k) for k, v in enumerate(inputs)}
    identity = (FORMAT, [(v.type.dtype, v.type.shape, v.name) for v in inputs],
                _graph_signature(outputs, refs), tuple(PIPELINE), llvm.get_process_triple(),
                llvm.get_host_cpu_name(), llvm.get_host_cpu_features().flatten(),
                llvmlite.__version__, _installed(xdsl), scanjit.__version__, _compiler_sources())
    return hashlib.sha256(repr(identity).encode()).hexdigest()


def compile(inputs: Sequence[Variable], outputs: Sequence[Variable], after_pass=None):
    """scanjit.compiler.compile_graph, through the cache: on a hit only the
    stored object code is loaded: neither the passes nor LLVM run."""
    from scanjit.jit import load_compiled

    entry_key = key(inputs, outputs) if enabled() else None
    if entry_key is not None and (entry := load(entry_key)) is not None:
        return load_compiled(**entry)
    from scanjit.compiler import compile_graph

    compiled = compile_graph(inputs, outputs, after_pass)
    if entry_key is not None:
        store(entry_key, {"llvm_ir": compiled.llvm_ir, "llvm_ir_opt": compiled.llvm_ir_opt,
                          "errors": compiled.errors, "object_code": compiled.object_code,
                          "result_offsets": compiled.result_offsets})
    return compiled


def load(entry_key: str) -> dict | None:
    """The entry's contents, or None (missing, corrupt: then removed)."""
    path = directory() / f"{entry_key}.entry"
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    checksum, payload = blob[:32], blob[32:]
    try:
        if hashlib.sha256(payload).digest() != checksum:
            raise ValueError("checksum mismatch")
        return pickle.loads(payload)
    except Exception:
        path.unlink(missing_ok=True)
        return None


def store(entry_key: str, contents: dict) -> None:
    """Write an entry atomically; a cache that cannot be written is skipped."""
    folder = directory()
    payload = pickle.dumps(contents, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".tmp") as out:
            out.write(hashlib.sha256(payload).digest() + payload)
        os.replace(out.name, folder / f"{entry_key}.entry")
    except OSError:
        return
