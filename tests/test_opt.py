"""`scanjit-opt` as mlir-opt and xdsl-opt users expect it: help, version,
standard input, one-line diagnostics, pass timing and diffs."""

import subprocess
import sys

import pytest

from scanjit.driver.irdiff import normalize, unchanged, unified_diff
from scanjit.passes import PIPELINE

OK = "func.func @f(%a: i32) -> i32 {\n  func.return %a : i32\n}\n"
UNDEFINED = "func.func @f(%a: i32) -> i32 {\n  %b = arith.addi %a, %c : i32\n  func.return %b : i32\n}\n"


def opt(*args, stdin: str = "", cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scanjit.tools.opt", *args], input=stdin,
                          capture_output=True, text=True, cwd=cwd)


def test_help_opens_with_scanjit_and_lists_its_passes_first():
    run = opt("--help")
    assert run.returncode == 0
    assert run.stdout.startswith("scanjit-opt: run scanjit's and xDSL's passes")
    ours = run.stdout.index("scanjit's passes")
    assert ours < run.stdout.index("xDSL's passes:")
    listed = run.stdout[ours:run.stdout.index("xDSL's passes:")]
    for name in PIPELINE:
        if name != "cse":
            line = next(line for line in listed.splitlines() if line.split()[:1] == [name])
            assert len(line.split()) > 2  # a description follows the name
    assert "  bufferize  " in listed and "Tensors -> memrefs" in listed


def test_version_names_scanjit_xdsl_and_llvmlite():
    run = opt("--version")
    assert run.returncode == 0 and run.stdout.startswith("scanjit-opt 0.1.0 (xDSL 0.74")
    assert "llvmlite" in run.stdout


@pytest.mark.parametrize("args", [["-"], []])
def test_standard_input(args):
    run = opt(*args, stdin=OK)
    assert run.returncode == 0, run.stderr
    assert "func.func @f(%a: i32) -> i32" in run.stdout


@pytest.mark.parametrize("text", ["", "\n  \n", "// only a comment\n"])
def test_an_empty_input_is_an_empty_module(text):
    run = opt("-", stdin=text)
    assert (run.returncode, run.stdout.strip(), run.stderr) == (0, "builtin.module {\n}", "")


def one_line_error(run: subprocess.CompletedProcess) -> str:
    assert run.returncode == 1 and run.stdout == ""
    assert "Traceback" not in run.stderr and run.stderr.count("\n") == 1, run.stderr
    return run.stderr.rstrip("\n")


@pytest.mark.parametrize("args, stdin, message", [
    (["-p", "canonicalise"], OK, "scanjit-opt: error: unknown pass 'canonicalise'; did you mean 'canonicalize'?"),
    (["-p", "cse,zzzz"], OK, "scanjit-opt: error: unknown pass 'zzzz' (scanjit-opt --help lists them)"),
    (["-p", "cse{"], OK, "scanjit-opt: error: Error parsing pass pipeline specification: "),
    (["missing.mlir"], "", "scanjit-opt: error: cannot read missing.mlir: No such file or directory"),
    (["--no-such-option"], "", "scanjit-opt: error: unrecognized arguments: --no-such-option"),
    ([], UNDEFINED, "stdin:2:23: error: values used but not defined: [%c]"),
    ([], "func.func @f() {\n  %x = arith.constant 1 : i32\n  %y = arith.bogus %x\n}\n",
     "stdin:3:20: error: Operation arith.bogus is not registered"),
    (["-p", "cse", "--emit", "asm"], "func.func @f() {\n  func.return\n}\n",
     "scanjit-opt: error: --emit asm needs a module in the llvm dialect"),
])
def test_errors_are_one_diagnostic_line(args, stdin, message):
    assert one_line_error(opt(*args, stdin=stdin)).startswith(message)


def test_a_failing_pass_is_named_with_the_op():
    splat = ("func.func @f(%x: f64) -> tensor<4xf64> {\n  %r = tensor.splat %x : tensor<4xf64>\n"
             "  func.return %r : tensor<4xf64>\n}\n")
    line = one_line_error(opt("-p", "canonicalize,bufferize", stdin=splat))
    assert line.startswith("scanjit-opt: error: bufferize: ") and "tensor.splat" in line


def test_a_verifier_error_names_the_op_and_verify_diagnostics_prints_it():
    wrong = "func.func @f(%a: i32) -> i64 {\n  func.return %a : i32\n}\n"
    line = one_line_error(opt(stdin=wrong))
    assert line.startswith("scanjit-opt: error: ") and line.endswith('(at "func.return"(%a) : (i32) -> ())')
    run = opt("--verify-diagnostics", stdin=wrong)  # as xDSL: the message on stdout, status 0
    assert run.returncode == 0 and "func.return" in run.stdout and run.stderr == ""


def test_time_passes_is_a_table_on_stderr():
    plain = opt("-p", "canonicalize,cse", stdin=OK)
    timed = opt("-p", "canonicalize,cse", "--time-passes", stdin=OK)
    assert timed.returncode == 0 and timed.stdout == plain.stdout
    rows = [line.split() for line in timed.stderr.splitlines()]
    assert rows[0] == ["pass", "time", "(ms)", "%"]
    assert [r[0] for r in rows[1:]] == ["canonicalize", "cse", "total"]
    assert float(rows[-1][1]) == pytest.approx(float(rows[1][1]) + float(rows[2][1]), abs=2e-3)


def test_time_passes_expands_the_pipeline():
    run = opt("-p", "scanjit-lower", "--time-passes", stdin=OK)
    assert run.returncode == 0, run.stderr
    assert [line.split()[0] for line in run.stderr.splitlines()[1:-1]] == PIPELINE


def test_normalize_erases_numbers_only():
    assert normalize("%12 = arith.addi %x_3, %arg0 : i32") == "% = arith.addi %x_, %arg0 : i32"
    assert normalize("cf.br ^bb2(%0 : i64)") == "cf.br ^bb(% : i64)"


def test_diff_survives_renumbering_but_not_a_changed_operand():
    old = "%0 = a\n%1 = b %0\n%2 = c %1\n%3 = d %2, %1\nreturn %3\n"
    renumbered = "%7 = a\n%8 = b %7\n%9 = c %8\n%10 = d %9, %8\nreturn %10\n"
    assert unchanged(old, renumbered) and unified_diff(old, renumbered, "x", "y") == ""
    removed = "%0 = a\n%1 = c %0\n%2 = d %1, %0\nreturn %2\n"  # b removed, its uses now use a
    assert unified_diff(old, removed, "x", "y") == (
        "--- x\n+++ y\n@@ -1,5 +1,4 @@\n %0 = a\n-%1 = b %0\n-%2 = c %1\n-%3 = d %2, %1\n"
        "+%1 = c %0\n+%2 = d %1, %0\n return %2\n")
    swapped = "%0 = a\n%1 = b %0\n%2 = c %1\n%3 = d %1, %2\nreturn %3\n"
    assert not unchanged(old, swapped)
    assert "-%3 = d %2, %1\n+%3 = d %1, %2\n" in unified_diff(old, swapped, "x", "y")
