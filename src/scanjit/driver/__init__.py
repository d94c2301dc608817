"""The compiler driver: the one importer of the emitter, the passes and the
runtime. `compile` emits a graph, runs `scanjit.passes.PIPELINE` and JIT-
compiles the result, through the compile cache (cache.py, which holds the
runtime's object code too); pipeline.py runs the passes, jit.py turns LLVM
IR into machine code, stages.py shows every stage as text, log.py is the
`scanjit` logger."""

from scanjit import runtime
from scanjit.driver import cache, log, stages  # noqa: F401
from scanjit.driver.cache import compile  # noqa: F401
from scanjit.runtime import native_entry  # noqa: F401

log.configure_from_environment()
runtime.use_object_cache(cache.load_runtime, cache.store_runtime)
