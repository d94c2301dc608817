"""JIT-compile a module in xDSL's llvm dialect with llvmlite (MCJIT, O2, host CPU).

    compiled = compile_module(module)
    fn = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_void_p)(
        compiled.address("f"))

`compiled.errors` lists the `scanjit.errors` messages: a non-zero status k
returned by a function means `errors[k - 1]`.
"""

import re
import time
from functools import cache, cached_property

import llvmlite.binding as llvm_binding
from llvmlite.binding.executionengine import ExecutionEngine

from scanjit import runtime
from scanjit.runtime import lapack, llvm as host
from scanjit.runtime.library import bind_library, library_calls
from scanjit.runtime.numpy_random import NUMPY_RANDOM_FUNCTIONS, bind_numpy_random
from scanjit.dialects.abi import ALWAYS_INLINE, ERRORS, FRESH_RESULT, RESULT_OFFSETS


@cache
def _initialize() -> None:
    host.initialize()
    runtime.address("scanjit_alloc")  # binds scanjit_alloc/scanjit_free for the modules
    runtime.catch_interrupts()  # again: signal.signal(SIGINT, ...) may have replaced it


def _bind_symbols(llvm_ir: str) -> None:
    """Bind NumPy's random functions when the code (`llvm_ir`) calls them
    (loading numpy.random's extension modules costs ~15 ms), and scanjit's
    own (`bind_library`); then every function it declares must have an
    address, since MCJIT would call address 0."""
    declared = [name for name in _DECLARED.findall(llvm_ir) if not name.startswith("llvm.")]
    if any(name in NUMPY_RANDOM_FUNCTIONS for name in declared):
        bind_numpy_random()
    for name in library_calls(llvm_ir):
        bind_library(name)
    lapack.check_available(declared)
    unbound = [name for name in declared if not llvm_binding.address_of_symbol(name)]
    if unbound:
        raise RuntimeError(f"compiled code calls {', '.join(unbound)}, which no library defines")


# O2, not O3: the same run time on bench.py's workloads 1-4, 7 and 8 (their
# hot loops vectorize alike), about 20% less time in LLVM (docs/performance.md).
SPEED_LEVEL = 2

_DECLARED = re.compile(r'^declare [^@\n]*@"?([^"(\s]+)"?\(', re.MULTILINE)  # the functions a module declares


class Compiled:
    """A compiled module: `llvm_ir` as translated from xDSL, `llvm_ir_opt`
    after the O2 pipeline, `errors` the messages of the error codes (status
    k means errors[k - 1]), `object_code` the host object code MCJIT
    generated (what the compile cache stores), `result_offsets` per result
    the leading rows the caller skips (a scan's initial values), `timings`
    the seconds per phase (emit, each pass, LLVM IR (translation to text),
    LLVM parse (parse, verify), LLVM opt, codegen or cache load), and
    `cache_hit` whether the object code came from the compile cache. A plain
    class: a dataclass cost a cache hit 1.5 ms to define."""

    def __init__(self, llvm_ir: str, llvm_ir_opt: str, errors: list[str], engine: ExecutionEngine,
                 object_code: bytes, result_offsets: list[int], timings: dict[str, float],
                 cache_hit: bool = False):
        self.llvm_ir, self.llvm_ir_opt, self.errors = llvm_ir, llvm_ir_opt, errors
        self._engine, self.object_code, self.result_offsets = engine, object_code, result_offsets
        self.timings, self.cache_hit = timings, cache_hit

    def address(self, name: str) -> int:
        address = self._engine.get_function_address(name)
        if not address:
            raise KeyError(f"no function @{name} in the compiled module")
        return address

    @cached_property
    def asm(self) -> str:
        """Host assembly, generated from `llvm_ir_opt` independently of the engine."""
        return host.target_machine().emit_assembly(llvm_binding.parse_assembly(self.llvm_ir_opt))


def compile_module(module) -> Compiled:
    """Translate, verify, optimize (O2) and JIT-compile `module`, an xDSL
    ModuleOp in the llvm dialect only."""
    from xdsl.backend.llvm.convert import convert_module
    from xdsl.dialects import llvm
    from xdsl.dialects.builtin import ArrayAttr, StringAttr

    setup = time.perf_counter()
    _initialize()
    start = time.perf_counter()
    ir_module = convert_module(module, fallback_target_triple=llvm_binding.get_process_triple())
    # The translator makes every function external and drops function
    # attributes: restore internal linkage so that LLVM inlines single-use
    # helpers (and keeps their noalias facts), `alwaysinline`, and an
    # allocator's `noalias` result.
    for op in module.ops:
        if isinstance(op, llvm.FuncOp):
            function = ir_module.get_global(op.sym_name.data)
            if FRESH_RESULT in op.attributes:
                function.return_value.attributes.add("noalias")
            if not op.body.blocks:
                continue
            linkage = op.linkage.linkage.data
            if linkage in ("internal", "private"):
                function.linkage = linkage
            if ALWAYS_INLINE in op.attributes:
                function.attributes.add("alwaysinline")
    llvm_ir = str(ir_module)
    translated = time.perf_counter()

    mod = llvm_binding.parse_assembly(llvm_ir)
    mod.verify()
    parsed = time.perf_counter()
    mod = host.optimize(mod, SPEED_LEVEL)
    llvm_ir_opt = str(mod)
    optimized = time.perf_counter()

    # MCJIT code generation mutates `mod`: everything textual is captured above.
    _bind_symbols(llvm_ir_opt)
    engine, object_code = host.machine_code(mod)
    errors = module.attributes.get(ERRORS, ArrayAttr([]))
    assert isinstance(errors, ArrayAttr)
    offsets = module.attributes.get(RESULT_OFFSETS)
    return Compiled(
        llvm_ir, llvm_ir_opt, [s.data for s in errors if isinstance(s, StringAttr)], engine,
        object_code, list(offsets.get_values()) if offsets else [],
        {"LLVM setup": start - setup, "LLVM IR": translated - start, "LLVM parse": parsed - translated,
         "LLVM opt": optimized - parsed, "codegen": time.perf_counter() - optimized},
    )


def load_compiled(llvm_ir: str, llvm_ir_opt: str, errors: list[str], object_code: bytes,
                  result_offsets: list[int]) -> Compiled:
    """A Compiled from a cache entry: MCJIT loads `object_code` instead of
    generating code (the IR is not parsed)."""
    setup = time.perf_counter()
    _initialize()
    start = time.perf_counter()
    _bind_symbols(llvm_ir_opt)
    engine = host.load_machine_code(object_code)
    return Compiled(llvm_ir, llvm_ir_opt, errors, engine, object_code, result_offsets,
                    {"LLVM setup": start - setup, "cache load": time.perf_counter() - start}, cache_hit=True)
