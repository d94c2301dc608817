"""scanjit: a compiler for PyTensor-style scan loops.

`import scanjit as pytensor` and `import scanjit.tensor as pt` run PyTensor
scan code; `scanjit.function` compiles through xDSL and LLVM to native code.
"""

from scanjit import config
from scanjit.calling import In, Out, UnusedInputError
from scanjit.function import function
from scanjit import gradient
from scanjit.gradient import grad
from scanjit.graph import MissingInputError, clone_replace
from scanjit.printing import debugprint, dprint
from scanjit.scan import scan
from scanjit.shared import shared
from scanjit.scan.utils import until
from scanjit.scan.views import foldl, foldr, map, reduce
from scanjit import tensor  # noqa: F401  (attaches operators to Variable)
from scanjit.version import __version__  # noqa: F401

__all__ = ["config", "function", "In", "Out", "UnusedInputError", "MissingInputError", "clone_replace", "gradient", "grad",
           "debugprint", "dprint", "scan", "shared", "until", "map", "reduce", "foldl", "foldr", "tensor"]
