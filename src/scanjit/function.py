"""`scanjit.function`: compile a graph and call the native code.

A call goes through the native entry (scanjit/runtime/pyentry.py): a
built-in function that takes the argument arrays, runs the compiled code
(see passes/convert_func_to_llvm.py for its convention) and returns the
result arrays, or the failed check's status and values. Arguments that are
not arrays of the inputs' types are converted here first.
"""

from __future__ import annotations

import builtins
import contextlib
import ctypes
import functools
import sys
import threading
import time
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

import numpy as np

from scanjit import config
from scanjit.calling import Signature, check_unused_inputs, function_graph, is_generator
from scanjit.dialects.abi import fill_message, placeholder_count
from scanjit.graph import Variable, graph_inputs
from scanjit.shared import with_default_updates

class Function(Signature):
    """A compiled function: call it with arrays, Python scalars or lists.

    Shared variables the graph reads are passed implicitly. A random
    generator listed in `updates` advances in place during the call (the
    native code draws from its state); one that is not is drawn from a copy,
    so its numbers repeat. Other updates are computed as extra outputs and
    stored after the call.

    `f.stages` names the compilation stages and `f.dump(stage)` returns one as
    text (see scanjit/driver/stages.py)."""

    _flush_denormals = False

    @property
    def flush_denormals(self) -> bool:
        """`function(..., flush_denormals=True)`: calls flush subnormals to zero."""
        return self._flush_denormals

    @flush_denormals.setter
    def flush_denormals(self, on: bool) -> None:
        self._flush_denormals = bool(on)  # the native entry leaves the mode alone
        self._entry = self._native if self._plain and not on else None

    def __init__(self, inputs: Sequence[Variable], outputs, updates=None,
                 allow_input_downcast=None, name: str = "function"):
        from scanjit import driver  # xDSL, llvmlite and the passes load with the first compile

        super().__init__(inputs, outputs, updates, allow_input_downcast)
        self.name = name
        graph_outputs = self.graph_outputs
        start = time.perf_counter()
        self.compiled = driver.compile(self.inputs + self.shared, graph_outputs, self._keep_emitted)
        self.compile_time = time.perf_counter() - start
        offsets = self.compiled.result_offsets or [0] * len(graph_outputs)
        # (dtype, ndim) per input; ndim -1 sends inputs with static
        # lengths through TensorType.filter's checks.
        self._input_specs = [(np.dtype(object), -1) if is_generator(v) else
                             (np.dtype(v.dtype), v.ndim if all(s is None for s in v.type.shape) else -1)
                             for v in self.inputs]
        # Room for the results, or for a failed check's values (dialects/abi.py).
        values = max((placeholder_count(m) for m in self.compiled.errors), default=0)
        self._native = driver.native_entry(
            self.compiled.address("main"),
            [_argument_type(v) for v in self.inputs + self.shared],
            [(o.dtype, o.ndim, skip) for o, skip in zip(graph_outputs, offsets)],
            max(sum(o.ndim + 1 for o in graph_outputs), 1 + values), self.single and len(graph_outputs) == 1)
        self._lock = threading.Lock() if self.updates() else None
        # Arrays of the inputs' types go straight to the native entry when
        # there is nothing else to pass or store.
        self._plain = not (self._lock or self.shared or -1 in (ndim for _, ndim in self._input_specs))
        self._entry = self._native if self._plain else None
        driver.stages.compiled(self)

    def __reduce__(self):
        """Pickled as its graph: unpickling compiles it again (in another
        process too, e.g. for a ProcessPoolExecutor)."""
        outputs = self.outputs[0] if self.single else self.outputs
        compile_again = functools.partial(function, updates=self.updates(), on_unused_input="ignore")
        return (compile_again, (self.ins, outputs), {"name": self.name,
                                                        "allow_input_downcast": self.allow_input_downcast,
                                                        "flush_denormals": self.flush_denormals})

    def __setstate__(self, state):
        self.name = state["name"]
        self.allow_input_downcast = state["allow_input_downcast"]
        self.flush_denormals = state.get("flush_denormals", False)

    @cached_property
    def emitted(self):
        """The emitted module (kept at compile time; emitted again after a cache hit)."""
        from scanjit.emit import emit_function

        return emit_function(self.inputs + self.shared, self.graph_outputs)

    def _keep_emitted(self, stage: str, module) -> None:
        if stage == "emit":
            self.emitted = module.clone()  # cheaper than printing; printed on demand

    @property
    def stages(self) -> list[str]:
        """The stage names, in order: graph, emit, each pass, llvm, llvm-opt, asm."""
        from scanjit.driver import stages

        return stages.names()

    @cached_property
    def stage_texts(self) -> dict[str, str]:
        """Every stage's text, made on first use by re-running the pipeline."""
        from scanjit.driver import stages

        return stages.stage_texts(self)

    def dump(self, stage: str) -> str:
        """The text of one stage: a graph print, MLIR, LLVM IR or assembly."""
        if stage not in self.stages:
            raise ValueError(f"unknown stage {stage!r}; the stages are {', '.join(self.stages)}")
        return self.stage_texts[stage]

    def __call__(self, *args, **kwargs):
        if self._entry is not None and not kwargs:
            out = self._entry(*args)  # NotImplemented: an argument needs converting
            if out is not NotImplemented:
                return out if type(out) is not bytes else self._report(out)
        if kwargs:
            args = self.bind(args, kwargs)
        if len(args) != len(self._input_specs):
            raise TypeError(f"expected {len(self.inputs)} arguments, got {len(args)}")
        arrays = [a if type(a) is np.ndarray and a.dtype is dtype and a.ndim == ndim and a.flags.carray
                  else self.convert(k, a) for k, (a, (dtype, ndim)) in enumerate(zip(args, self._input_specs))]
        if self._lock is None:
            return self._run(arrays)
        with self._lock:
            return self._run(arrays)

    def _report(self, report: bytes):
        """Raise the error the native entry reported: its status, then the result slots."""
        words = np.frombuffer(report, np.int64).tolist()
        self._raise(words[0], words[1:])

    def _call_native(self, arrays: list) -> list:
        """The values of `graph_outputs`, computed from the checked `arrays`."""
        if self.flush_denormals:
            from scanjit import runtime

            with runtime.flushing_denormals():
                out = self._native(*arrays)
        else:
            out = self._native(*arrays)
        if out is NotImplemented:  # convert() and the shared variables' filter make them so
            raise RuntimeError(f"{self.name}: an argument is not an aligned C-contiguous array of its type")
        if type(out) is bytes:
            self._report(out)
        return out if type(out) is list else [out]

    def _raise(self, status: int, results):
        """Raise the error of the failed check `status`, with the values it stored."""
        kind, _, text = self.compiled.errors[status - 1].partition(": ")
        if kind == "KeyboardInterrupt":  # poll-interrupts: Python's SIGINT handler is pending
            ctypes.pythonapi.PyErr_CheckSignals()  # runs it now: it raises (by default)
            raise KeyboardInterrupt(text)
        exception = np.linalg.LinAlgError if kind == "LinAlgError" else getattr(builtins, kind, None)
        if not (isinstance(exception, type) and issubclass(exception, Exception)):
            exception = RuntimeError
        raise exception(fill_message(text, list(results[1:1 + results[0]])))

    def _run(self, arrays: list):
        """Call the native code on the arguments and the shared variables'
        values, a generator as the address of its state."""
        generators = {id(v): a for v, a in zip(self.inputs, arrays) if is_generator(v)}
        generators.update((id(v), v.container) for v in self.shared if is_generator(v))
        # NumPy's own methods hold a generator's lock while they draw: so do we
        # while the native code draws from (or we copy) each, every distinct
        # lock once, in one global order (no deadlock between functions).
        locks = {id(lock): lock for lock in (g.bit_generator.lock for g in generators.values())}
        with contextlib.ExitStack() as held:
            for _, lock in sorted(locks.items()):
                held.enter_context(lock)
            drawn_from = self.drawn_from(generators)  # alive until the call returns: the code uses their state
            arrays = [np.array(drawn_from[id(v)].bit_generator.ctypes.bit_generator.value, np.int64)
                      if is_generator(v) else a for v, a in zip(self.inputs + self.shared,
                                                               arrays + [v.container for v in self.shared])]
            values = self._call_native(arrays)
        return self.results(values, drawn_from)


def _argument_type(var: Variable) -> tuple[np.dtype, int]:
    """The (dtype, ndim) a variable is passed as: a random generator as
    the 0-d int64 address of its state."""
    return (np.dtype(np.int64), 0) if is_generator(var) else (var.dtype, var.ndim)


# PyTensor's mode names: scanjit has one backend, so they all compile alike.
MODES = {None, "FAST_RUN", "FAST_COMPILE", "NUMBA", "JAX", "PYTORCH", "C", "CVM", "C|PY", "VM",
         "DebugMode", "DEBUG_MODE", "NanGuardMode", "MLX"}


def function(inputs, outputs=None, mode=None, updates=None, givens=None, no_default_updates=False,
             accept_inplace=False, name=None, rebuild_strict=True, allow_input_downcast=None,
             profile=None, on_unused_input=None, trust_input=False, flush_denormals=None) -> Function:
    """Compile `outputs` as a function of `inputs`, with PyTensor's signature.

    `mode="py"` runs the NumPy reference interpreter instead (for debugging);
    PyTensor's mode names compile alike. As in PyTensor, the shared variables
    the function reads are also updated by their `default_update` (a
    RandomStream's generators), but for those in `updates` and all of them
    (`no_default_updates=True`) or those listed in `no_default_updates`.
    `accept_inplace`, `rebuild_strict`, `profile` and `trust_input` are
    accepted and ignored (docs/porting-from-pytensor.md says why).

    `flush_denormals=True` (default: `config.flush_denormals`), scanjit's
    own: calls run with subnormal numbers flushed to zero (results and
    operands, on every thread of the call), faster where the CPU computes
    them slowly; the caller's mode is restored after each call. The
    reference interpreter (`mode="py"`) ignores it."""
    if mode != "py" and (mode not in MODES if isinstance(mode, str | type(None)) else True):
        raise ValueError(f"unknown mode {mode!r}; scanjit compiles every PyTensor mode alike, "
                         "and mode='py' runs the reference interpreter")
    if name is None:  # name it after the line calling us, for dumps
        caller = sys._getframe(1)
        name = f"{Path(caller.f_code.co_filename).stem}-line{caller.f_lineno}"
    ins, outputs, updates = function_graph(list(inputs), [] if outputs is None else outputs, updates, givens)
    needed = outputs if isinstance(outputs, list) else [outputs]
    updates = with_default_updates(needed, updates, no_default_updates)
    check_unused_inputs([entry.variable for entry in ins], needed + [v for _, v in updates], on_unused_input)
    make = Function
    if mode == "py":  # the NumPy reference interpreter, for debugging
        from scanjit.reference import ReferenceFunction as make
    made = make(ins, outputs, updates, allow_input_downcast, name)
    made.flush_denormals = config.flush_denormals if flush_denormals is None else bool(flush_denormals)
    return made


def evaluate(var: Variable, inputs_to_values=None, **kwargs):
    """`var.eval({x: value, "y": value})`, as PyTensor's: the value of `var`
    given its inputs' (keys are variables or their names), compiled once per
    set of inputs and `function` keywords (kept on `var`)."""
    values = {}
    for key, value in (inputs_to_values or {}).items():
        if isinstance(key, str):
            found = [v for v in graph_inputs([var]) if v.name == key]
            if len(found) != 1:
                raise ValueError(f"{'no' if not found else 'several'} inputs of the graph are named {key!r}")
            key = found[0]
        values[key] = value
    inputs = sorted(values, key=id)
    cache_key = (tuple(map(id, inputs)), tuple(sorted(kwargs.items())))
    cache = var.__dict__.setdefault("_eval_functions", {})
    if cache_key not in cache:
        cache[cache_key] = function(inputs, var, **kwargs)
    return cache[cache_key](*[values[v] for v in inputs])


Variable.eval = evaluate
