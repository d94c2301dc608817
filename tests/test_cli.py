"""The `scanjit` command line, run as a user runs it."""

import os
import re
import pathlib
import subprocess
import sys

import pytest

from scanjit.driver.stages import file_name

SCRIPT = """
import sys
import scanjit as pytensor
import scanjit.tensor as pt
x = pt.dvector("x")
f = pytensor.function([x], x * 2.0, name="double")
g = pytensor.function([x], x.sum())
print("script output", sys.argv[1:])
"""


def scanjit(*args, cwd, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scanjit.tools.cli", *args], cwd=cwd,
                          capture_output=True, text=True, env=dict(os.environ, **env))


@pytest.fixture
def script(tmp_path) -> pathlib.Path:
    path = tmp_path / "user.py"
    path.write_text(SCRIPT)
    return path


def test_version_and_help(tmp_path):
    run = scanjit("--version", cwd=tmp_path)
    assert run.returncode == 0 and run.stdout.startswith("scanjit 0.1.0 (xDSL 0.74")
    run = scanjit("--help", cwd=tmp_path)
    assert run.returncode == 0 and all(command in run.stdout for command in ("dump", "run", "cache"))


def test_dump_writes_one_folder_per_function(script, tmp_path):
    run = scanjit("dump", script.name, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout == ""  # the script's prints go to stderr
    assert "script output []" in run.stderr
    out = tmp_path / "scanjit-dump"
    assert sorted(p.name for p in out.iterdir()) == ["01-double", "02-user-line7"]
    assert (out / "01-double" / file_name("bufferize")).read_text().startswith("builtin.module")
    assert (out / "02-user-line7" / "asm.s").exists()


def test_dump_one_stage_of_one_function(script, tmp_path):
    run = scanjit("dump", script.name, "--function", "double", "--stage", "emit", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("builtin.module {\n  func.func @main(%x: tensor<?xf64>)")
    assert "arith.mulf" in run.stdout
    run = scanjit("dump", script.name, "--function", "2", "--stage", "graph", cwd=tmp_path)
    assert run.stdout.startswith("Reduce{add, axes=[0], float64} [id A] <float64, shape=()>\n └─ x [id B]")
    both = scanjit("dump", script.name, "--stage", "graph", cwd=tmp_path).stdout
    assert both.startswith("==> 01-double <==\n") and "==> 02-user-line7 <==\n" in both


def test_dump_to_chosen_folder(script, tmp_path):
    run = scanjit("dump", script.name, "--function", "02-user-line7", "--out", "here", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert [p.name for p in (tmp_path / "here").iterdir()] == ["02-user-line7"]


@pytest.mark.parametrize("args, message", [
    (["dump", "missing.py"], "scanjit: error: no such file: missing.py\n"),
    (["run", "missing.py"], "scanjit: error: no such file: missing.py\n"),
    (["dump", "user.py", "--stage", "nope"], "scanjit: error: unknown stage 'nope'; the stages are "),
    (["dump", "user.py", "--function", "nope"],
     "scanjit: error: no function 'nope'; user.py compiled: 01-double, 02-user-line7\n"),
])
def test_user_errors_are_one_line(script, tmp_path, args, message):
    run = scanjit(*args, cwd=tmp_path)
    assert run.returncode == 1
    last = run.stderr.splitlines()[-1] + "\n"
    assert last.startswith(message) and "Traceback" not in run.stderr


def test_script_errors(tmp_path):
    (tmp_path / "bad.py").write_text("raise ValueError('boom')\n")
    run = scanjit("dump", "bad.py", cwd=tmp_path)
    assert (run.returncode, run.stderr) == (1, "scanjit: error: bad.py raised ValueError: boom\n")
    run = scanjit("dump", "bad.py", "--traceback", cwd=tmp_path)
    assert run.returncode == 1 and "Traceback" in run.stderr and 'bad.py", line 1' in run.stderr
    (tmp_path / "exits.py").write_text("import sys; sys.exit(3)\n")
    run = scanjit("run", "exits.py", cwd=tmp_path)
    assert (run.returncode, run.stderr) == (1, "scanjit: error: exits.py exited with status 3\n")
    (tmp_path / "empty.py").write_text("print('nothing compiled')\n")
    for command in ("dump", "run"):
        run = scanjit(command, "empty.py", cwd=tmp_path)
        assert (run.returncode, run.stderr.splitlines()[-1]) == (
            1, "scanjit: error: empty.py compiled no function")


def test_run_reports_compile_times_and_dumps(script, tmp_path):
    run = scanjit("run", "--out", "d", script.name, "a", "--b", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout == "script output ['a', '--b']\n"
    lines = run.stderr.splitlines()
    assert [line.rsplit(" in ", 1)[0] for line in lines[:2]] == [
        "scanjit: compiled 01-double", "scanjit: compiled 02-user-line7"]
    assert all(line.endswith((" ms", " ms (cache hit)")) for line in lines[:2])
    assert lines[2].startswith("scanjit: 2 function(s) in ") and lines[2].endswith(" from the compile cache")
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == ["01-double", "02-user-line7"]


def test_run_reports_cache_hits(script, tmp_path):
    cache = str(tmp_path / "cache")
    first = scanjit("run", script.name, cwd=tmp_path, SCANJIT_CACHE_DIR=cache).stderr.splitlines()
    again = scanjit("run", script.name, cwd=tmp_path, SCANJIT_CACHE_DIR=cache).stderr.splitlines()
    assert not any(line.endswith("(cache hit)") for line in first)
    assert first[-1].endswith(", 0 from the compile cache")
    assert all(line.endswith(" ms (cache hit)") for line in again[:2])
    assert again[-1].endswith(", 2 from the compile cache")


def test_dump_passes_arguments_to_the_script(script, tmp_path):
    run = scanjit("dump", script.name, "a", "--stage", "emit", "--function", "1", "--", "--b", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "script output ['a', '--b']" in run.stderr


def test_dump_one_stage_to_a_folder(script, tmp_path):
    run = scanjit("dump", script.name, "--stage", "cse", "--out", "here", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert [p.name for p in (tmp_path / "here" / "01-double").iterdir()] == [file_name("cse")]


def test_dump_diff_and_unchanged_passes(script, tmp_path):
    run = scanjit("dump", script.name, "--function", "double", "--diff", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "=== convert-dot-to-gemm: unchanged\n" in run.stdout  # no matrix product
    assert f"--- {file_name('convert-dot-to-gemm')}\n+++ {file_name('convert-sj-to-loops')}\n@@ " in run.stdout
    assert re.search(r'\n-    %\d+ = "sj.map"\(%x, %\d+\) \(\{\n', run.stdout)  # the sj op that convert-sj-to-loops lowers
    assert "=== fold-tensor-dims: unchanged\n" in run.stdout
    one = scanjit("dump", script.name, "--function", "double", "--diff", "--stage", "bufferize", cwd=tmp_path)
    assert one.stdout.startswith(f"--- {file_name('hoist-loop-invariants')}\n+++ {file_name('bufferize')}\n")
    assert "+" + "    %" in one.stdout and "memref" in one.stdout
    assert scanjit("dump", script.name, "--out", "d", cwd=tmp_path).returncode == 0
    summary = (tmp_path / "d" / "01-double" / "summary.txt").read_text().splitlines()
    rows = {line.split()[0]: line for line in summary}
    assert rows[file_name("fold-tensor-dims")].endswith(" ms  unchanged")
    assert rows[file_name("bufferize")].endswith(" ms") and rows[file_name("asm")].endswith(" lines")
    assert len(summary) == len(rows) == len(os.listdir(tmp_path / "d" / "01-double")) - 1


def info_fields(run: subprocess.CompletedProcess) -> dict:
    """`scanjit cache info`'s lines as a dict."""
    assert run.returncode == 0, run.stderr
    return {name: value.strip() for name, value in (line.split(":", 1) for line in run.stdout.splitlines())}


def test_cache_info_and_clear(script, tmp_path):
    folder = tmp_path / "cache"
    info = info_fields(scanjit("cache", "info", cwd=tmp_path, SCANJIT_CACHE_DIR=str(folder)))
    assert info == {"directory": str(folder), "status": "in use (empty: not created yet)", "entries": "0",
                    "size": "0.0 MB", "limit": "512.0 MB (SCANJIT_CACHE_MAX_MB, default 512)"}
    assert scanjit("run", script.name, cwd=tmp_path, SCANJIT_CACHE_DIR=str(folder)).returncode == 0
    (folder / "left-by-a-killed-writer.tmp").write_bytes(b"partial")
    info = info_fields(scanjit("cache", "info", cwd=tmp_path, SCANJIT_CACHE_DIR=str(folder),
                               SCANJIT_CACHE_MAX_MB="64"))
    size = sum(p.stat().st_size for p in folder.glob("*.entry"))
    # the script's two functions and the runtime
    assert (info["status"], info["entries"], info["size"]) == ("in use", "3", f"{size / 2**20:.1f} MB")
    assert info["limit"].startswith("64.0 MB")
    run = scanjit("cache", "clear", cwd=tmp_path, SCANJIT_CACHE_DIR=str(folder))
    assert run.returncode == 0 and run.stdout.startswith("scanjit: removed 4 file(s), ")
    assert list(folder.iterdir()) == []
    info = info_fields(scanjit("cache", "info", cwd=tmp_path, SCANJIT_CACHE_DIR=str(folder)))
    assert info["entries"] == "0"


@pytest.mark.parametrize("env, mode, status", [
    ({"SCANJIT_CACHE": "0"}, 0o700, "disabled (SCANJIT_CACHE=0)"),
    ({}, 0o777, "not used: it is writable by group or others"),
    ({}, 0o720, "not used: it is writable by group or others"),
])
def test_cache_info_says_when_the_cache_is_not_used(tmp_path, env, mode, status):
    folder = tmp_path / "cache"
    folder.mkdir()
    folder.chmod(mode)
    info = info_fields(scanjit("cache", "info", cwd=tmp_path, SCANJIT_CACHE_DIR=str(folder), **env))
    assert info["status"] == status


def test_a_bad_cache_limit_is_one_line(tmp_path):
    run = scanjit("cache", "info", cwd=tmp_path, SCANJIT_CACHE_MAX_MB="lots")
    assert (run.returncode, run.stderr) == (
        1, "scanjit: error: SCANJIT_CACHE_MAX_MB must be a number of megabytes (0 or more), got 'lots'\n")
