"""The persistent compile cache.

An entry maps a key to the LLVM IR and the object code MCJIT generated. The
key hashes the whole calling convention (every input in order with its type
and name, used or not, shared variables included; the output graphs) and all
else that changes the code: the host CPU, the pipeline, the versions of
llvmlite, xdsl and scanjit and the stamps of scanjit's source files. On a hit
neither the xDSL passes nor LLVM's optimizer or code generator run.

The runtime's object code (scanjit.runtime, else JIT-compiled once per
process) has an entry too, `runtime-<key>.entry`, keyed by its LLVM IR and
the same toolchain, its header only the key and the object code's size, so
that a process whose functions all hit compiles nothing.

An entry is data only, never code (no pickle): magic bytes, the format
version and the size of a JSON header (key, signature, errors, result
offsets, both LLVM IR texts, object code size), the header, the object code,
and a SHA-256 of all that. It is used only when whole and when its stored key
and signature (the input and output types it was compiled for) are the ones
asked for; any other entry is recompiled and overwritten.

Entries live in SCANJIT_CACHE_DIR (default: $XDG_CACHE_HOME/scanjit or
~/.cache/scanjit, created with mode 0o700); SCANJIT_CACHE=0 disables the
cache. Whoever can write the directory could plant code, so, as pip and
ccache do, a directory not owned by the user or writable by group or others
is not used (one CacheWarning), nor is an entry that is such a file or a
link. Writes go to a temporary file renamed into place, so concurrent writers
are safe; a failed write (a full disk) leaves no temporary file.

The cache holds at most SCANJIT_CACHE_MAX_MB megabytes (default 512): after
each write the least recently used entries are removed (an entry's time is
its last use: a hit refreshes it). `scanjit cache info` and `scanjit cache
clear` show and empty it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import json
import math
import os
import struct
import sys
import tempfile
import time
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from scanjit.graph import Constant, MissingInputError, Variable, toposort
from scanjit.version import __version__

MAGIC = b"scanjit-cache\0"
FORMAT = 3
_PREFIX = struct.Struct("<14sIQ")  # magic, format, header size
_CHECKSUM_SIZE = 32
DEFAULT_MAX_MB = 512


def enabled() -> bool:
    return os.environ.get("SCANJIT_CACHE", "1") != "0"


def directory() -> Path:
    if "SCANJIT_CACHE_DIR" in os.environ:
        return Path(os.environ["SCANJIT_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "scanjit"


def max_bytes() -> int:
    """The size limit: SCANJIT_CACHE_MAX_MB megabytes (of 2**20 bytes), 512 if unset or empty."""
    text = os.environ.get("SCANJIT_CACHE_MAX_MB") or str(DEFAULT_MAX_MB)
    try:
        megabytes = float(text)
    except ValueError:
        megabytes = math.nan
    if not (math.isfinite(megabytes) and megabytes >= 0):
        raise ValueError(f"SCANJIT_CACHE_MAX_MB must be a number of megabytes (0 or more), got {text!r}")
    return int(megabytes * 2**20)


class CacheWarning(UserWarning):
    """The cache directory is not safe to use: scanjit compiles without it."""


_warned: set[Path] = set()


def usable_directory(create: bool = False) -> Path | None:
    """The cache directory if it exists (or is created, mode 0o700) and is
    safe; else None, with one warning per directory when it is unsafe."""
    folder = directory()
    try:
        if create:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        problem = unsafe(os.stat(folder))
    except OSError:  # missing, or cannot be created: nothing to warn about
        return None
    if problem is None:
        return folder
    if folder not in _warned:
        _warned.add(folder)
        warnings.warn(f"scanjit: not using the compile cache {folder}: it {problem}", CacheWarning)
    return None


def unsafe(status: os.stat_result) -> str | None:
    """Why a file or directory with this status must not be trusted (as pip
    and ccache judge it), or None: whoever else can write it could plant code."""
    if status.st_uid != os.getuid():
        return "is owned by another user"
    if status.st_mode & 0o022:
        return "is writable by group or others"
    return None


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
        raise MissingInputError(var)

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
    """Size and time of every source file of scanjit's compiler (Python and
    LLVM IR), so that an edited (e.g. editable-installed) scanjit never loads
    stale code."""
    files: list[tuple[str, int, int]] = []
    for package in ("scanjit", "scanjit.dialects", "scanjit.passes"):
        _stamp_sources(importlib.util.find_spec(package).submodule_search_locations[0], files)
    return tuple(sorted(files))


def _stamp_sources(folder: str, files: list) -> None:
    """Add (path, size, time) of the .py and .ll files under `folder` to
    `files`; with os.scandir, whose entries know their kind without a system
    call (os.walk's `islink` of every folder was a third of a hit's key)."""
    with os.scandir(folder) as listing:
        for item in listing:
            if item.is_dir(follow_symlinks=False):
                if item.name != "__pycache__":
                    _stamp_sources(item.path, files)
            elif item.name.endswith((".py", ".ll")):
                stat = item.stat()
                files.append((item.path, stat.st_size, stat.st_mtime_ns))


@functools.cache
def _toolchain() -> tuple:
    """What the code depends on besides the graph and the pipeline: the host
    CPU, the versions of llvmlite, xdsl and scanjit and the stamps of
    scanjit's sources. Gathered once per process (0.5 ms a time), as the code
    it describes was imported once."""
    import llvmlite
    import llvmlite.binding as llvm
    import xdsl

    from scanjit.runtime.llvm import host_cpu

    # NumPy too: compiled code calls its C random functions on its generators' layout.
    return (llvm.get_process_triple(), *host_cpu(), llvmlite.__version__, _installed(xdsl), np.__version__, _installed(np), __version__,
            _compiler_sources())


def key(inputs: Sequence[Variable], outputs: Sequence[Variable]) -> str:
    """The cache key of compiling `outputs` as a function of `inputs`: the
    whole calling convention (every input in order, used or not, with its
    type and name; the outputs) and all else that changes the code."""
    from scanjit.passes import PIPELINE

    refs = {id(v): ("input", k) for k, v in enumerate(inputs)}
    identity = (FORMAT, [(v.type.dtype, v.type.shape, v.name) for v in inputs],
                _graph_signature(outputs, refs), tuple(PIPELINE), _toolchain())
    return hashlib.sha256(repr(identity).encode()).hexdigest()


def signature(inputs: Sequence[Variable], outputs: Sequence[Variable]) -> dict:
    """What the native code was compiled to be called with: the types of the
    inputs (one pointer each) and of the outputs, in order."""
    return {"inputs": [[v.type.dtype, list(v.type.shape)] for v in inputs],
            "outputs": [[v.type.dtype, list(v.type.shape)] for v in outputs]}


def compile(inputs: Sequence[Variable], outputs: Sequence[Variable], after_pass=None):
    """scanjit.driver.pipeline.compile_graph, through the cache: on a hit only the
    stored object code is loaded: neither the passes nor LLVM run."""
    start = time.perf_counter()
    from scanjit.driver.jit import load_compiled

    imports, hashing = time.perf_counter() - start, 0.0
    if enabled():
        limit = max_bytes()  # a bad setting raises on a hit too
        start = time.perf_counter()
        entry_key, expected = key(inputs, outputs), signature(inputs, outputs)
        hashing = time.perf_counter() - start
        if (contents := load(entry_key, expected)) is not None:
            return _timed(load_compiled(**contents), imports=imports, **{"cache key": hashing})
    start = time.perf_counter()
    from scanjit.driver.pipeline import compile_graph  # the first compile imports xDSL and the passes

    imports += time.perf_counter() - start
    compiled = compile_graph(inputs, outputs, after_pass)
    if enabled():
        store(entry_key, expected, compiled, limit)
    return _timed(compiled, imports=imports, **{"cache key": hashing})


def _timed(compiled, **timings: float):
    """`compiled` with `timings` (those over half a millisecond) first in its timings."""
    compiled.timings = {**{k: t for k, t in timings.items() if t > 5e-4}, **compiled.timings}
    return compiled


def load(entry_key: str, expected: dict) -> dict | None:
    """The entry's contents for `load_compiled`, or None when it is missing,
    damaged, not ours (a link, another owner, writable by others) or not the
    entry of this key and signature (then it is recompiled and overwritten)."""
    return _read(f"{entry_key}.entry", lambda blob: decode(blob, entry_key, expected))


def store(entry_key: str, expected: dict, compiled, limit: int) -> None:
    """Write the entry of `compiled` (see `_write`)."""
    _write(f"{entry_key}.entry", encode(entry_key, expected, compiled), limit)


def runtime_key(llvm_ir: str) -> str:
    """The cache key of the runtime's object code: its LLVM IR and all else
    that changes the code, and the Python whose objects its native entry reads."""
    identity = (FORMAT, "runtime", llvm_ir, _toolchain(), sys.version)
    return hashlib.sha256(repr(identity).encode()).hexdigest()


def load_runtime(llvm_ir: str) -> bytes | None:
    """The runtime's object code compiled from `llvm_ir` (see scanjit.runtime),
    or None, as `load` judges entries (then it is recompiled and overwritten)."""
    if not enabled():
        return None
    entry_key = runtime_key(llvm_ir)
    return _read(f"runtime-{entry_key}.entry", lambda blob: _runtime_object(blob, entry_key))


def store_runtime(llvm_ir: str, object_code: bytes) -> None:
    """Write the runtime's entry (see `_write`), unless the cache is disabled
    or SCANJIT_CACHE_MAX_MB is bad (`compile` reports that)."""
    try:
        limit = max_bytes()
    except ValueError:
        return
    if enabled():
        entry_key = runtime_key(llvm_ir)
        header = {"key": entry_key, "object_size": len(object_code)}
        _write(f"runtime-{entry_key}.entry", _pack(header, object_code), limit)


def _runtime_object(blob: bytes, entry_key: str) -> bytes | None:
    """The object code of `blob`, or None unless it is a whole runtime entry of this key."""
    unpacked = _unpack(blob)
    if unpacked is None:
        return None
    header, object_code = unpacked
    return object_code if header == {"key": entry_key, "object_size": len(object_code)} else None


def _read(name: str, decode_blob):
    """`decode_blob` of the entry file `name`'s bytes, or None when the file is
    missing or not ours (a link, another owner, writable by others); a decoded
    entry is marked used now."""
    if (folder := usable_directory()) is None:
        return None
    try:
        descriptor = os.open(folder / name, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as file:
        if unsafe(os.fstat(descriptor)):
            return None
        contents = decode_blob(file.read())
        if contents is not None:
            with contextlib.suppress(OSError):
                os.utime(descriptor)  # used now: the last to be evicted
        return contents


def _write(name: str, blob: bytes, limit: int) -> None:
    """Write the entry file `name` atomically, then evict entries past `limit`
    bytes. A cache that cannot be written (full, read-only) is skipped, and no
    failure leaves a temporary file behind; an entry larger than the limit is
    not written."""
    if len(blob) > limit or (folder := usable_directory(create=True)) is None:
        return
    try:
        descriptor, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(blob)
        os.replace(temporary, folder / name)
    except BaseException as error:  # OSError, or an interrupt mid-write
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if not isinstance(error, OSError):
            raise
        return
    evict(folder, limit)


def entries(folder: Path) -> list[tuple[int, int, str]]:
    """(time of last use in ns, size, path) of each entry in `folder`."""
    found = []
    with contextlib.suppress(OSError), os.scandir(folder) as listing:
        for item in listing:
            if item.name.endswith(".entry"):
                with contextlib.suppress(OSError):
                    status = item.stat(follow_symlinks=False)
                    found.append((status.st_mtime_ns, status.st_size, item.path))
    return found


def evict(folder: Path, limit: int) -> None:
    """Remove the least recently used entries until those left hold at most `limit` bytes."""
    found = entries(folder)
    total = sum(size for _, size, _ in found)
    for _, size, path in sorted(found):
        if total <= limit:
            return
        with contextlib.suppress(OSError):
            os.unlink(path)
        total -= size


def encode(entry_key: str, expected: dict, compiled) -> bytes:
    """A function's entry (see `_pack`)."""
    return _pack({
        "key": entry_key, "signature": expected, "errors": compiled.errors,
        "result_offsets": compiled.result_offsets, "llvm_ir": compiled.llvm_ir,
        "llvm_ir_opt": compiled.llvm_ir_opt, "object_size": len(compiled.object_code),
    }, compiled.object_code)


def decode(blob: bytes, entry_key: str, expected: dict) -> dict | None:
    """`encode`'s fields, or None unless `blob` is a whole entry of this
    format, key and signature. Data only: nothing in it is ever executed."""
    unpacked = _unpack(blob)
    if unpacked is None:
        return None
    header, object_code = unpacked
    if not _is_entry_of(header, entry_key, expected, len(object_code)):
        return None
    return {"llvm_ir": header["llvm_ir"], "llvm_ir_opt": header["llvm_ir_opt"],
            "errors": header["errors"], "object_code": object_code,
            "result_offsets": header["result_offsets"]}


def _pack(header: dict, object_code: bytes) -> bytes:
    """An entry: the prefix (magic, format, header size), a JSON header, the
    object code, and the SHA-256 of all that."""
    header_text = json.dumps(header).encode()
    body = _PREFIX.pack(MAGIC, FORMAT, len(header_text)) + header_text + object_code
    return body + hashlib.sha256(body).digest()


def _unpack(blob: bytes) -> tuple[object, bytes] | None:
    """`_pack`'s header (any JSON value: its fields are the caller's to
    check) and object code, or None unless `blob` is a whole entry of this format."""
    body, checksum = blob[:-_CHECKSUM_SIZE], blob[-_CHECKSUM_SIZE:]
    if len(body) < _PREFIX.size or hashlib.sha256(body).digest() != checksum:
        return None
    magic, version, header_size = _PREFIX.unpack_from(body)
    if (magic, version) != (MAGIC, FORMAT):
        return None
    try:
        header = json.loads(body[_PREFIX.size:_PREFIX.size + header_size])
    except (ValueError, RecursionError):  # not JSON, or nested too deep
        return None
    return header, body[_PREFIX.size + header_size:]


def _is_entry_of(header, entry_key: str, expected: dict, object_size: int) -> bool:
    """The header is this key's and signature's, and its fields have the right types."""
    if not isinstance(header, dict):
        return False
    offsets, errors = header.get("result_offsets"), header.get("errors")
    return (header.get("key") == entry_key and header.get("signature") == expected
            and header.get("object_size") == object_size
            and isinstance(offsets, list) and len(offsets) in (0, len(expected["outputs"]))
            and all(type(k) is int and k >= 0 for k in offsets)
            and isinstance(errors, list) and all(isinstance(e, str) for e in errors)
            and isinstance(header.get("llvm_ir"), str) and isinstance(header.get("llvm_ir_opt"), str))


def info() -> dict:
    """For `scanjit cache info`: the directory, whether it is used, its
    entries' count and bytes, the limit in bytes."""
    folder = directory()
    found = entries(folder)
    return {"directory": folder, "status": _status(folder), "entries": len(found),
            "bytes": sum(size for _, size, _ in found), "limit": max_bytes()}


def _status(folder: Path) -> str:
    if not enabled():
        return "disabled (SCANJIT_CACHE=0)"
    try:
        problem = unsafe(os.stat(folder))
    except FileNotFoundError:
        return "in use (empty: not created yet)"
    except OSError as error:
        return f"not usable: {error.strerror}"
    return f"not used: it {problem}" if problem else "in use"


def clear() -> tuple[int, int]:
    """Remove every entry, and temporary files left by killed writers:
    (files removed, bytes freed). Another user's directory is left alone."""
    folder = directory()
    if folder.exists() and folder.stat().st_uid != os.getuid():
        raise PermissionError(f"not clearing {folder}: it is owned by another user")
    removed = freed = 0
    for pattern in ("*.entry", "*.tmp"):
        for path in folder.glob(pattern):
            with contextlib.suppress(OSError):
                size = path.lstat().st_size
                path.unlink()
                removed, freed = removed + 1, freed + size
    return removed, freed
