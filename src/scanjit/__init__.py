"""scanjit: a compiler for PyTensor-style scan loops.

`import scanjit as pytensor` and `import scanjit.tensor as pt` run PyTensor
scan code; `scanjit.function` compiles through xDSL and LLVM to native code.
"""

from scanjit import config
from scanjit.calling import In, Out, UnusedInputError
from scanjit.function import function
from scanjit import gradient
from scanjit.gradient import Lop, Rop, grad, pullback, pushforward
from scanjit.graph import MissingInputError, clone_replace
from scanjit.ifelse import ifelse
from scanjit.printing import debugprint, dprint
from scanjit.scan import scan
from scanjit.scan.checkpoints import scan_checkpoints
from scanjit.shared import shared
from scanjit.scan.utils import until
from scanjit.scan.views import foldl, foldr, map, reduce
from scanjit import tensor  # noqa: F401  (attaches operators to Variable)
from scanjit.version import __version__  # noqa: F401
from scanjit.unsupported import NotSupportedYet, module_getattr, not_yet

__all__ = ["config", "function", "In", "Out", "UnusedInputError", "MissingInputError", "clone_replace",
           "gradient", "grad", "Lop", "Rop", "pullback", "pushforward",
           "debugprint", "dprint", "ifelse", "scan", "scan_checkpoints", "shared", "until", "map", "reduce", "foldl",
           "foldr", "tensor",
           "NotSupportedYet"]

NOT_YET = not_yet({
    "part of PyTensor's own compiler, backends or configuration": (
        "Mode", "get_mode", "compile", "link", "basic", "misc", "assumptions", "configdefaults", "configparser",
        "npy_2_compat", "sys", "utils", "scalar", "wrap_jax", "wrap_py", "d3viz", "ipython", "breakpoint"),
    "scanjit has no sparse tensors, typed lists or named-dimension tensors": ("sparse", "typed_list", "xtensor"),
    "": ("OpFromGraph",),
})
"""The public names of `pytensor` that scanjit does not have: why, or "" for
the ones still to do."""
__getattr__ = module_getattr("pytensor", NOT_YET)
