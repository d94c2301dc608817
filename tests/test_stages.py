"""Compilation stages: `f.stages`, `f.dump`, SCANJIT_DUMP_DIR, and the round trip
of every dumped MLIR stage through text."""

import contextlib
import io
import os
import pathlib
import runpy
import subprocess
import sys

import numpy as np
import pytest
from xdsl.parser import Parser

import scanjit as pytensor
import scanjit.tensor as pt
from scanjit.driver import stages
from scanjit.driver.pipeline import context, lower
from scanjit.emit import emit_function
from scanjit.driver.jit import compile_module
from scanjit.passes import PIPELINE, get_pass

ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def tutorial_functions() -> list:
    functions = []
    with stages.listening(functions.append), contextlib.redirect_stdout(io.StringIO()):
        runpy.run_path(str(ROOT / "examples" / "seed_tutorial.py"), run_name="__main__")
    assert len(functions) == 7
    return functions


def assert_stages_round_trip(f) -> None:
    """Parsing any stage and running the rest of PIPELINE gives the direct compile's IR."""
    module = emit_function(f.inputs + f.shared, f.graph_outputs)
    direct = str(lower(module))
    texts = f.stage_texts
    for k, stage in enumerate(["emit", *PIPELINE]):
        parsed = Parser(context(), texts[stage]).parse_module()
        parsed.verify()
        assert str(lower(parsed, PIPELINE[k:])) == direct, (f.name, stage)
    assert compile_module(parsed).llvm_ir == f.compiled.llvm_ir, f.name
    whole = Parser(context(), texts["emit"]).parse_module()
    get_pass("scanjit-lower").apply(context(), whole)
    assert str(whole) == direct, f.name


def test_every_mlir_stage_round_trips(tutorial_functions):
    for f in tutorial_functions:
        assert_stages_round_trip(f)


def test_constant_globals_round_trip():
    """Constants of each kind (bool, int8, float32; over 100 elements: hex
    in the IR) become memref.globals, then llvm.mlir.globals, in every stage."""
    x = pt.fmatrix("x")
    flags = pt.constant(np.arange(300).reshape(150, 2) % 3 == 0)
    small = pt.constant(np.arange(300, dtype=np.int8).reshape(150, 2))
    weights = pt.constant(np.linspace(-1, 1, 300, dtype=np.float32).reshape(150, 2))
    f = pytensor.function([x], [pt.switch(flags, x * weights, small), weights])
    assert "memref.global" in f.dump("bufferize") and "llvm.mlir.global" in f.dump("reconcile-unrealized-casts")
    assert_stages_round_trip(f)


def example4():
    def step(f_minus2, f_minus1):
        new_f = f_minus2 + f_minus1
        return new_f, new_f / f_minus1

    f_init = pt.fvector("f_init")
    out, updates = pytensor.scan(step, outputs_info=[dict(initial=f_init, taps=[-2, -1]), None],
                                 n_steps=10)
    return pytensor.function([f_init], out, updates=updates)


def test_stages_and_dump():
    f = example4()
    assert f.stages == ["graph", "emit", *PIPELINE, "llvm", "llvm-opt", "asm"]
    assert f.name == f"test_stages-line{example4.__code__.co_firstlineno + 8}"
    graph = f.dump("graph")
    assert graph.startswith("Scan.0 [id A] <float32, shape=(?,)>\n")
    assert "f_init [id" in graph and "Inner graphs:" in graph and "← Elemwise{add}" in graph
    assert "scf.for" in f.dump("emit") and "iter_args" in f.dump("emit")
    bufferized = f.dump("bufferize")
    assert "memref.alloc" in bufferized and "tensor<" not in bufferized
    assert f.dump("reconcile-unrealized-casts").count("llvm.func") >= 2
    assert f.dump("llvm") == f.compiled.llvm_ir and f.dump("llvm-opt") == f.compiled.llvm_ir_opt
    assert "main:" in f.dump("asm")
    with pytest.raises(ValueError, match="unknown stage 'nope'; the stages are graph, emit"):
        f.dump("nope")


def test_named_function_and_lazy_stages():
    x = pt.dvector("x")
    f = pytensor.function([x], x * 2.0, name="double")
    assert f.name == "double"
    assert "stage_texts" not in vars(f)  # nothing printed until asked
    assert "arith.mulf" in f.dump("emit")


SCRIPT = """
import scanjit as pytensor
import scanjit.tensor as pt
x = pt.dvector("x")
f = pytensor.function([x], x + 1.0, name="plus one")
g = pytensor.function([x], x.sum())
print(f([1.0, 2.0]), g([1.0, 2.0]))
"""


def test_dump_dir(tmp_path):
    script = tmp_path / "two.py"
    script.write_text(SCRIPT)
    env = {**os.environ, "SCANJIT_DUMP_DIR": str(tmp_path / "out")}
    run = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout == "[2. 3.] 3.0\n"
    folders = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert folders == ["01-plus_one", "02-two-line6"]
    names = sorted(p.name for p in (tmp_path / "out" / "01-plus_one").iterdir())
    n = len(PIPELINE)
    assert names == ["00-graph.txt", "01-emit.mlir",
                     *[f"{k + 2:02d}-{p}.mlir" for k, p in enumerate(PIPELINE)],
                     f"{n + 2:02d}-llvm.ll", f"{n + 3:02d}-llvm-opt.ll", "asm.s", "summary.txt"]
    emitted = (tmp_path / "out" / "02-two-line6" / "01-emit.mlir").read_text()
    assert '"sj.reduce"' in emitted
