"""The persistent compile cache: hits run neither the passes nor LLVM; the key covers
the calling convention; damaged, malformed or misplaced entries are recompiled and
nothing in an entry is ever run as Python; SCANJIT_CACHE=0 disables it; concurrent
writers are safe."""

import errno
import hashlib
import io
import json
import os
import pickle
import shutil
import subprocess
import sys
import time

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt
from scanjit.driver import cache
from scanjit.driver import pipeline as compiler

SCRIPT = """
import numpy as np
import scanjit as pytensor
import scanjit.tensor as pt
from scanjit.driver import pipeline as compiler
ran = []
compiler.lower = lambda *a, _lower=compiler.lower, **k: ran.append("passes") or _lower(*a, **k)
compiler.compile_module = lambda *a, _c=compiler.compile_module: ran.append("llvm") or _c(*a)
M, s = pt.dmatrix("M"), pt.dvector("s")
out, _ = pytensor.scan(lambda row, acc: row + acc, sequences=[M], outputs_info=[s])
f = pytensor.function([M, s], out)
assert (f(np.ones((3, 2)), np.zeros(2))[-1] == 3).all()
print("compiled" if ran == ["passes", "llvm"] else "loaded" if not ran else ran)
"""


# Constants, data in the module (read-only globals): read, and returned as copies.
CONSTANTS = SCRIPT.replace(
    "f = pytensor.function([M, s], out)",
    "c = np.arange(2000.0).reshape(1000, 2)\n"
    "f = pytensor.function([M, s], [out[-1] * pt.constant(c), pt.constant(c > 10)])").replace(
    "assert (f(np.ones((3, 2)), np.zeros(2))[-1] == 3).all()",
    "product, flags = f(np.ones((3, 2)), np.zeros(2))\n"
    "assert (product == 3 * c).all() and (flags == (c > 10)).all()")


def run(cache_dir, script=SCRIPT, **env):
    environment = dict(os.environ, SCANJIT_CACHE_DIR=str(cache_dir), **env)
    return subprocess.run([sys.executable, "-c", script], env=environment, capture_output=True,
                          text=True, check=True).stdout.strip()


def entries(cache_dir):
    """The functions' entries (the runtime's aside: tests/test_runtime_cache.py)."""
    return sorted(p for p in cache_dir.glob("*.entry") if not p.name.startswith("runtime-"))


HIT_IMPORTS = """
import sys
import numpy as np
import scanjit as pytensor
import scanjit.tensor as pt
M, s = pt.dmatrix("M"), pt.dvector("s")
out, _ = pytensor.scan(lambda row, acc: row + acc, sequences=[M], outputs_info=[s])
f = pytensor.function([M, s], out)
assert (f(np.ones((3, 2)), np.zeros(2))[-1] == 3).all()
print(sorted(m for m in ("scanjit.driver.pipeline", "scanjit.passes.bufferize", "xdsl.dialects.builtin")
             if m in sys.modules))
"""


def test_a_hit_imports_neither_the_passes_nor_xdsl_dialects(tmp_path):
    assert run(tmp_path, HIT_IMPORTS) == "['scanjit.driver.pipeline', 'scanjit.passes.bufferize', " \
                                         "'xdsl.dialects.builtin']"  # a miss compiles
    assert run(tmp_path, HIT_IMPORTS) == "[]"


def test_a_hit_runs_neither_the_passes_nor_llvm(tmp_path):
    assert run(tmp_path) == "compiled"
    assert len(entries(tmp_path)) == 1
    assert run(tmp_path) == "loaded"


def test_a_module_with_constants_is_cached(tmp_path):
    assert run(tmp_path, CONSTANTS) == "compiled"
    assert run(tmp_path, CONSTANTS) == "loaded"


# A scan drawing with scanjit's own `scanjit_multinomial`, a module of its own
# (runtime/numpy_random.py's `bind_library`) that the cached code calls by name.
DRAWS = SCRIPT[:SCRIPT.index("M, s =")] + """
rng = pytensor.shared(np.random.default_rng(7))
p = pt.dvector("p")
def step(rng):
    next_rng, sample = pt.random.multinomial(n=1, p=p, rng=rng).owner.outputs
    return sample, {rng: next_rng}
out, updates = pytensor.scan(step, non_sequences=[rng], n_steps=50)
f = pytensor.function([p], out, updates=updates)
numpys = np.random.default_rng(7)
assert (f(np.array([0.2, 0.3, 0.5])) == [numpys.multinomial(1, [0.2, 0.3, 0.5]) for _ in range(50)]).all()
print("compiled" if ran == ["passes", "llvm"] else "loaded" if not ran else ran)
"""


def test_a_module_calling_a_random_function_of_scanjit_s_is_cached(tmp_path):
    assert run(tmp_path, DRAWS) == "compiled"
    assert run(tmp_path, DRAWS) == "loaded"


@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_corrupt_entries_are_discarded_and_recompiled(tmp_path, damage):
    run(tmp_path)
    (entry,) = entries(tmp_path)
    blob = entry.read_bytes()
    entry.write_bytes(blob[:len(blob) // 2] if damage == "truncate" else blob[:-1] + bytes([blob[-1] ^ 1]))
    assert run(tmp_path) == "compiled"
    assert run(tmp_path) == "loaded"


def test_cache_can_be_disabled(tmp_path):
    assert run(tmp_path, SCANJIT_CACHE="0") == "compiled"
    assert list(tmp_path.iterdir()) == []  # nor the runtime's


def test_concurrent_writers_leave_one_valid_entry(tmp_path):
    environment = dict(os.environ, SCANJIT_CACHE_DIR=str(tmp_path))
    procs = [subprocess.Popen([sys.executable, "-c", SCRIPT], env=environment, stdout=subprocess.PIPE)
             for _ in range(4)]
    assert all(p.wait() == 0 for p in procs)
    assert len(entries(tmp_path)) == 1
    assert len(list(tmp_path.glob("runtime-*.entry"))) == 1
    assert list(tmp_path.glob("*.tmp")) == []
    assert run(tmp_path) == "loaded"


def test_different_graphs_do_not_collide(tmp_path):
    run(tmp_path)
    other = SCRIPT.replace("row + acc", "row * acc").replace("== 3", "== 0")
    environment = dict(os.environ, SCANJIT_CACHE_DIR=str(tmp_path))
    subprocess.run([sys.executable, "-c", other], env=environment, check=True, capture_output=True)
    assert len(entries(tmp_path)) == 2


def calling_conventions() -> list:
    """(inputs, outputs) computing the same `x * 2`, each called differently:
    unused inputs of several types before and after, other orders, more outputs."""
    x, y = pt.dvector("x"), pt.dvector("y")
    out = x * 2
    return [([x], [out]), ([x, y], [out]), ([y, x], [out]), ([x, pt.fvector("u")], [out]),
            ([x, pt.imatrix("u")], [out]), ([pt.lscalar("u"), x], [out]), ([x, y, pt.bscalar("u")], [out]),
            ([x, x], [out]), ([x], [out, out]), ([x, y], [out, y]), ([x, pytensor.shared(np.ones(2))], [out])]


def test_the_key_covers_the_whole_calling_convention():
    keys = [cache.key(inputs, outputs) for inputs, outputs in calling_conventions()]
    assert len(set(keys)) == len(keys)


def test_the_same_graph_rebuilt_has_the_same_key():
    assert [cache.key(*c) for c in calling_conventions()] == [cache.key(*c) for c in calling_conventions()]


# End to end through scanjit.function, whose functions take one pointer per
# input, used or not. It passes on_unused_input="ignore" (PyTensor's option),
# since function() raises for unused inputs by default.
UNUSED_INPUTS_SCRIPT = """
import sys
import numpy as np
import scanjit as pytensor
import scanjit.tensor as pt
x = pt.dvector("x")
unused = {"dvector": (pt.dvector, np.ones(2)), "imatrix": (pt.imatrix, np.ones((2, 2), np.int32)),
          "fscalar": (pt.fscalar, np.float32(1))}
for convention in sys.argv[1:]:
    names = convention.split(",")
    extra = {n: unused[n] for n in names if n != "x"}
    inputs = [x if n == "x" else extra[n][0](n) for n in names]
    args = [np.arange(3.0) if n == "x" else extra[n][1] for n in names]
    f = pytensor.function(inputs, x * 2, on_unused_input="ignore")
    assert (f(*args) == [0.0, 2.0, 4.0]).all(), convention
print("ok")
"""


def test_functions_with_unused_inputs_never_load_each_others_code(tmp_path):
    conventions = ["x,dvector", "x", "imatrix,x", "x,fscalar,dvector", "dvector,x"]
    environment = dict(os.environ, SCANJIT_CACHE_DIR=str(tmp_path))
    for order in (conventions, conventions[::-1]):  # in one process, then from the disk
        run_ = subprocess.run([sys.executable, "-c", UNUSED_INPUTS_SCRIPT, *order], env=environment,
                              capture_output=True, text=True)
        assert (run_.returncode, run_.stdout) == (0, "ok\n"), run_.stderr
    assert len(entries(tmp_path)) == len(conventions)


@pytest.fixture
def compiled_graphs(tmp_path, monkeypatch) -> list:
    """The cache in tmp_path; the output lists compiled (not loaded) since."""
    monkeypatch.setenv("SCANJIT_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("SCANJIT_CACHE", raising=False)
    ran, compile_graph = [], compiler.compile_graph
    def counted(inputs, outputs, after_pass=None):
        ran.append(outputs)
        return compile_graph(inputs, outputs, after_pass)

    monkeypatch.setattr(compiler, "compile_graph", counted)
    return ran


def entry_path(folder, inputs, outputs):
    return folder / f"{cache.key(inputs, outputs)}.entry"


def double():
    x = pt.dvector("x")
    return [x], [x * 2]


def triple():
    x = pt.dvector("x")
    return [x], [x * 3]


def double_with_unused():
    x = pt.dvector("x")
    return [x, pt.dvector("y")], [x * 2]


def double_float32():
    x = pt.fvector("x")
    return [x], [x * 2]


def double_twice():
    x = pt.dvector("x")
    return [x], [x * 2, x * 2]


def running_sum():
    x = pt.dvector("x")
    out, _ = pytensor.scan(lambda v, acc: acc + v, sequences=[x], outputs_info=[np.array(0.0)])
    return [x], [out]


OTHER_SIGNATURES = [(double, double_with_unused), (double_with_unused, double), (double, double_float32),
                    (double, double_twice), (double_twice, double)]


@pytest.mark.parametrize("wanted, other", [(triple, double), (running_sum, double), *OTHER_SIGNATURES])
def test_an_entry_copied_over_another_is_recompiled_and_overwritten(tmp_path, compiled_graphs, wanted, other):
    wanted, other = wanted(), other()
    cache.compile(*wanted)
    cache.compile(*other)
    shutil.copyfile(entry_path(tmp_path, *other), entry_path(tmp_path, *wanted))
    compiled_graphs.clear()
    cache.compile(*wanted)
    cache.compile(*wanted)
    assert compiled_graphs == [wanted[1]]


@pytest.mark.parametrize("wanted, other", OTHER_SIGNATURES)
def test_an_entry_for_another_signature_is_not_loaded_even_under_the_same_key(
        compiled_graphs, monkeypatch, wanted, other):
    monkeypatch.setattr(cache, "key", lambda inputs, outputs: "0" * 64)  # a key missing something
    wanted, other = wanted(), other()
    cache.compile(*other)
    cache.compile(*wanted)
    assert compiled_graphs == [other[1], wanted[1]]


def test_a_renamed_entry_runs_no_wrong_code(tmp_path, monkeypatch):
    monkeypatch.setenv("SCANJIT_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("SCANJIT_CACHE", raising=False)
    x = pt.dvector("x")
    pytensor.function([x], x * 2)
    (entry,) = entries(tmp_path)
    entry.rename(entry_path(tmp_path, [x], [x * 3]))
    np.testing.assert_array_equal(pytensor.function([x], x * 3)(np.arange(3.0)), [0.0, 3.0, 6.0])


def reencoded(blob: bytes, edit) -> bytes:
    """`blob`, an entry, with `edit(header, object_code)` applied to its parts
    and a valid checksum: only the checks after the checksum can reject it."""
    size = cache._PREFIX.size
    magic, version, header_size = cache._PREFIX.unpack_from(blob)
    header = json.loads(blob[size:size + header_size])
    header, object_code = edit(header, blob[size + header_size:-32])
    header = header if isinstance(header, bytes) else json.dumps(header).encode()
    body = cache._PREFIX.pack(magic, version, len(header)) + header + object_code
    return body + hashlib.sha256(body).digest()


MALFORMED = {
    "object code cut": lambda h, code: (h, code[:-1]),
    "object code extended": lambda h, code: (h, code + b"\0"),
    "other key": lambda h, code: ({**h, "key": "1" * 64}, code),
    "other input types": lambda h, code: (
        {**h, "signature": {**h["signature"], "inputs": [["float32", [None]]]}}, code),
    "one more output": lambda h, code: (
        {**h, "signature": {**h["signature"], "outputs": h["signature"]["outputs"] * 2}}, code),
    "too many result offsets": lambda h, code: ({**h, "result_offsets": [0, 0]}, code),
    "negative result offset": lambda h, code: ({**h, "result_offsets": [-1]}, code),
    "errors not text": lambda h, code: ({**h, "errors": [1]}, code),
    "no IR": lambda h, code: ({k: v for k, v in h.items() if k != "llvm_ir"}, code),
    "header a list": lambda h, code: ([h], code),
    "header not JSON": lambda h, code: (b"{" + json.dumps(h).encode(), code),
    "header nested too deep": lambda h, code: (b"[" * 100_000 + b"]" * 100_000, code),
    "header not UTF-8": lambda h, code: (b"\xff" + json.dumps(h).encode(), code),
}


@pytest.mark.parametrize("damage", MALFORMED)
def test_entries_with_a_valid_checksum_but_malformed_are_recompiled(tmp_path, compiled_graphs, damage):
    graph = double()
    cache.compile(*graph)
    path = entry_path(tmp_path, *graph)
    path.write_bytes(reencoded(path.read_bytes(), MALFORMED[damage]))
    compiled_graphs.clear()
    cache.compile(*graph)
    assert compiled_graphs == [graph[1]]


class CreatesMarker:
    """Unpickling this creates the file `path`: code run from the cache."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return open, (self.path, "w")


@pytest.mark.parametrize("layout", ["pickle", "checksum + pickle (the old format)"])
def test_a_pickle_planted_in_the_cache_is_never_run(tmp_path, compiled_graphs, layout):
    marker = tmp_path.parent / f"{tmp_path.name}-marker"
    payload = pickle.dumps(CreatesMarker(marker))
    graph = triple()
    entry_path(tmp_path, *graph).write_bytes(
        payload if layout == "pickle" else hashlib.sha256(payload).digest() + payload)
    pytensor.function(*graph)
    assert not marker.exists()
    assert compiled_graphs == [graph[1]]
    assert entry_path(tmp_path, *graph).read_bytes().startswith(cache.MAGIC)


# A disk that fills up: the process may write files of at most 4 KiB (an entry
# is larger), and writing more fails with EFBIG instead of killing it.
FULL_DISK_SCRIPT = """
import resource, signal
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
""" + SCRIPT


def test_a_full_disk_leaves_no_temporary_file(tmp_path):
    environment = dict(os.environ, SCANJIT_CACHE_DIR=str(tmp_path))
    run_ = subprocess.run([sys.executable, "-c", FULL_DISK_SCRIPT], env=environment,
                          capture_output=True, text=True)
    assert (run_.returncode, run_.stdout) == (0, "compiled\n"), run_.stderr
    assert list(tmp_path.iterdir()) == []


class FailingFile(io.BytesIO):
    def __init__(self, error):
        super().__init__()
        self.error = error

    def write(self, data):
        raise self.error


def failing_replace(*args):
    raise PermissionError("read-only")


@pytest.mark.parametrize("fail", ["write", "rename", "interrupt"])
def test_a_failed_write_leaves_no_temporary_file(tmp_path, compiled_graphs, monkeypatch, fail):
    descriptors = []
    if fail == "rename":
        monkeypatch.setattr(os, "replace", failing_replace)
    else:
        error = OSError(errno.ENOSPC, "No space left on device") if fail == "write" else KeyboardInterrupt()
        monkeypatch.setattr(os, "fdopen", lambda fd, mode: descriptors.append(fd) or FailingFile(error))
    graph = double()
    if fail == "interrupt":
        with pytest.raises(KeyboardInterrupt):
            cache.compile(*graph)
    else:
        cache.compile(*graph)
    for fd in descriptors:
        os.close(fd)
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    monkeypatch.setenv("SCANJIT_CACHE_DIR", str(tmp_path))
    cache.compile(*graph)  # the cache works again
    assert len(entries(tmp_path)) == 1


def as_another_user(monkeypatch):
    """Files we own now look like another user's (we may not chown)."""
    uid = os.getuid()
    monkeypatch.setattr(os, "getuid", lambda: uid + 1)


def reports_another_owner(stat):
    """`stat` (os.stat, os.fstat) saying that each file is owned by another user."""
    def another_owner(*args):
        status = stat(*args)
        return os.stat_result((*status[:4], status.st_uid + 1, *status[5:]))
    return another_owner


@pytest.mark.parametrize("mode, foreign", [
    (0o777, False), (0o770, False), (0o702, False), (0o1777, False), (0o700, True), (0o755, True)],
    ids=["0o777", "0o770", "0o702", "0o1777", "0o700-foreign", "0o755-foreign"])
def test_an_unsafe_directory_is_not_used(tmp_path, compiled_graphs, monkeypatch, mode, foreign):
    graph = triple()
    cache.compile(*graph)  # an entry that must not be loaded from now on
    tmp_path.chmod(mode)
    if foreign:
        as_another_user(monkeypatch)
    compiled_graphs.clear()
    with pytest.warns(cache.CacheWarning, match="not using the compile cache") as warned:
        cache.compile(*graph)
        cache.compile(*double())
    assert len(warned) == 1
    assert len(compiled_graphs) == 2
    assert len(entries(tmp_path)) == 1


@pytest.mark.parametrize("damage", ["group-writable", "world-writable", "foreign", "symlink"])
def test_an_entry_that_is_not_ours_is_recompiled_and_replaced(tmp_path, compiled_graphs, monkeypatch, damage):
    graph = triple()
    cache.compile(*graph)
    path = entry_path(tmp_path, *graph)
    if damage == "symlink":
        target = tmp_path.parent / f"{tmp_path.name}-elsewhere"
        path.rename(target)
        path.symlink_to(target)
    elif damage == "foreign":
        monkeypatch.setattr(os, "fstat", reports_another_owner(os.fstat))
    else:
        path.chmod(0o620 if damage == "group-writable" else 0o602)
    compiled_graphs.clear()
    cache.compile(*graph)
    monkeypatch.undo()
    monkeypatch.setenv("SCANJIT_CACHE_DIR", str(tmp_path))
    assert compiled_graphs == [graph[1]]
    assert not path.is_symlink() and path.stat().st_mode & 0o777 == 0o600
    assert cache.load(cache.key(*graph), cache.signature(*graph)) is not None


def test_the_directory_is_created_private(tmp_path, compiled_graphs, monkeypatch):
    folder = tmp_path / "new" / "scanjit"
    monkeypatch.setenv("SCANJIT_CACHE_DIR", str(folder))
    cache.compile(*double())
    assert folder.stat().st_mode & 0o777 == 0o700
    assert len(entries(folder)) == 1


def test_a_cache_path_that_is_a_file_is_skipped(tmp_path, compiled_graphs, monkeypatch):
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("SCANJIT_CACHE_DIR", str(tmp_path / "file"))
    x = pt.dvector("x")
    np.testing.assert_array_equal(pytensor.function([x], x * 3)(np.ones(2)), [3.0, 3.0])


def times(k):
    x = pt.dvector("x")
    return [x], [x * float(k)]


def entry_sizes(graphs, folder, monkeypatch) -> list[int]:
    """The size of each graph's entry, compiled in a cache of its own."""
    monkeypatch.setenv("SCANJIT_CACHE_DIR", str(folder))
    for graph in graphs:
        cache.compile(*graph)
    return [entry_path(folder, *graph).stat().st_size for graph in graphs]


def set_megabytes(monkeypatch, size: int):
    monkeypatch.setenv("SCANJIT_CACHE_MAX_MB", repr(size / 2**20))


def test_the_least_recently_used_entries_go_first(tmp_path, compiled_graphs, monkeypatch):
    a, b, c, d = graphs = [times(k) for k in (3, 5, 7, 9)]
    size_a, _, size_c, size_d = entry_sizes(graphs, tmp_path / "sizes", monkeypatch)
    folder = tmp_path / "cache"
    monkeypatch.setenv("SCANJIT_CACHE_DIR", str(folder))
    for age, graph in zip((30, 20, 10), (a, b, c)):  # a, then b, then c used last
        cache.compile(*graph)
        os.utime(entry_path(folder, *graph), ns=(1, time.time_ns() - age * 10**9))
    compiled_graphs.clear()
    cache.compile(*a)  # a hit: a is now the last used, b the least recently used
    set_megabytes(monkeypatch, size_a + size_c + size_d)
    cache.compile(*d)
    assert compiled_graphs == [d[1]]
    assert sorted(p.name for p in entries(folder)) == sorted(
        entry_path(folder, *g).name for g in (a, c, d))


@pytest.mark.parametrize("room", [0.5, 1, 2.5, 4])
def test_the_cache_stays_within_its_limit(tmp_path, compiled_graphs, monkeypatch, room):
    graphs = [times(k) for k in range(3, 11)]
    sizes = entry_sizes(graphs, tmp_path / "sizes", monkeypatch)
    limit = int(room * max(sizes))
    folder = tmp_path / "cache"
    monkeypatch.setenv("SCANJIT_CACHE_DIR", str(folder))
    set_megabytes(monkeypatch, limit)
    for graph in graphs:
        cache.compile(*graph)
        assert sum(p.stat().st_size for p in entries(folder)) <= limit
    assert len(entries(folder)) >= int(room)


@pytest.mark.parametrize("value, megabytes", [(None, 512), ("", 512), ("64", 64), ("0.5", 0.5), ("0", 0)])
def test_the_limit_is_512_megabytes_unless_set(monkeypatch, value, megabytes):
    monkeypatch.delenv("SCANJIT_CACHE_MAX_MB", raising=False)
    if value is not None:
        monkeypatch.setenv("SCANJIT_CACHE_MAX_MB", value)
    assert cache.max_bytes() == megabytes * 2**20


@pytest.mark.parametrize("value", ["lots", "-1", "nan", "inf", "1e400"])
def test_a_bad_limit_is_a_clear_error(compiled_graphs, monkeypatch, value):
    monkeypatch.setenv("SCANJIT_CACHE_MAX_MB", value)
    with pytest.raises(ValueError, match="SCANJIT_CACHE_MAX_MB must be a number of megabytes"):
        cache.compile(*double())


def test_clear_leaves_another_users_directory_alone(tmp_path, compiled_graphs, monkeypatch):
    cache.compile(*double())
    as_another_user(monkeypatch)
    with pytest.raises(PermissionError, match="not clearing .*: it is owned by another user"):
        cache.clear()
    assert len(entries(tmp_path)) == 1
