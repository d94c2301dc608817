"""The random variable Ops: one class per kind of draw, each node with two
outputs, `(next_rng, sample)`, as in PyTensor.

`perform` is the Generator's own method (for `categorical`, which the
Generator lacks, PyTensor's `rng_fn`); the compiled code (scanjit/emit/random.py)
calls NumPy's C distribution functions on the generator's `bitgen_t`, so
samples are bit-identical. Parameters broadcast against each other and
against `size` as NumPy's, but for PyTensor's rule that only a length
statically 1 broadcasts (as scanjit's elementwise ops): a mismatch raises
NumPy's error, before NumPy's checks of the parameters' values."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from scanjit.dtypes import is_float
from scanjit.graph import Apply, Constant, NullTypeGradError, Op, TensorType, Variable
from scanjit.shared import RandomGeneratorType
from scanjit.tensor.basic import broadcast_lengths, broadcast_shape, sized_axes
from scanjit.tensor.elemwise import SCALARS


def is_rng(var) -> bool:
    return isinstance(var, Variable) and isinstance(var.type, RandomGeneratorType)


class RandomVariable(Op):
    """A draw of `name`: inputs are the generator, the parameters, then, if
    `lengths` (a size of symbolic lengths, `size=x.shape`), one int64 scalar
    per axis of the size. `size` (a tuple of ints, None where a length is
    symbolic; or None) is the shape of the draws, as NumPy's."""

    pure = False  # each call advances the generator

    def __init__(self, name: str, dtype: str, size: tuple[int | None, ...] | None, lengths: bool = False):
        self.name, self.dtype, self.size, self.lengths = name, dtype, size, lengths

    def split(self, inputs: Sequence) -> tuple[object, list, list]:
        """(generator, parameters, the size's lengths) of the inputs or their values."""
        end = len(inputs) - (len(self.size) if self.lengths else 0)
        return inputs[0], list(inputs[1:end]), list(inputs[end:])

    def make_node(self, rng, *inputs) -> Apply:
        if not is_rng(rng):
            raise TypeError("rng must be a shared numpy.random.Generator (scanjit.shared)")
        _, params, _ = self.split([rng, *inputs])
        sample = Variable(TensorType(self.dtype, self.sample_shape(params)))
        return Apply(self, [rng, *inputs], [Variable(RandomGeneratorType()), sample])

    def sample_shape(self, params: Sequence[Variable]) -> tuple[int | None, ...]:
        raise NotImplementedError

    def size_lengths(self, node: Apply, dims) -> list:
        """The size's lengths in infer_shape's algebra."""
        _, _, lengths = self.split(node.inputs)
        return [dims.size(n) for n in lengths] if self.lengths else [dims.const(s) for s in self.size]

    def perform(self, node, inputs):
        rng, params, lengths = self.split(inputs)
        size = self.size
        if self.lengths:
            for n, var in zip(lengths, self.split(node.inputs)[2]):
                if n < 0:
                    raise ValueError(f"negative dimensions are not allowed ({self.name}'s size "
                                     f"{var.label()} is {n})")
            size = tuple(int(n) for n in lengths)
        return [rng, np.asarray(self.draw(node, rng, params, size), self.dtype)]

    def draw(self, node: Apply, rng: np.random.Generator, params: list[np.ndarray],
             size: tuple[int, ...] | None):
        """The sample of `size` (or None), as the Generator's method draws
        it, after the checks the compiled code makes first."""
        raise NotImplementedError

    def __call__(self, *inputs):
        return self.make_node(*inputs).outputs[1]

    def wanted_L_op(self, inputs, outputs, output_grads, wanted):
        """The size's lengths and integer parameters get none, as integers in
        PyTensor (a draw of size `x.shape` does not stop `x`'s gradient);
        a float parameter's is undefined."""
        if any(is_float(inputs[k].dtype) for k in wanted):
            return self.grad(inputs, output_grads)
        return [None] * len(inputs)

    def grad(self, inputs, output_grads):
        raise NullTypeGradError(f"`grad` encountered a NaN: the grad method of {self} is undefined. "
                                "No gradient defined for random variables")

    def R_op(self, inputs, outputs, tangents):
        """As PyTensor's: the draws' tangents are disconnected from the parameters'."""
        return [None, None]

    def __str__(self):
        return f"RandomVariable{{{self.name}}}"


def static_shapes(node: Apply) -> list[tuple[int | None, ...]]:
    """The parameters' static shapes."""
    return [p.type.shape for p in node.op.split(node.inputs)[1]]


# -- broadcasting --------------------------------------------------------------

def broadcast_pairs(shapes: Sequence[tuple]) -> list[tuple[int, int, int, int]]:
    """The lengths that must agree for arrays of these static shapes to
    broadcast by PyTensor's rule, as (i, k, j, l): axis k of array i, the
    first not of static length 1 there (aligned on the right), and axis l of
    a later array j."""
    return [(*sized[0], *other) for sized in sized_axes(shapes) for other in sized[1:]]


def tuple_text(parts: Sequence[str], sep: str = ", ") -> str:
    """A shape as Python writes a tuple (`sep=","`: as NumPy's ufunc errors)."""
    return "(" + sep.join(parts) + ("," if len(parts) == 1 else "") + ")"


def mismatch(shapes: Sequence[Sequence[str]], i: int, j: int) -> str:
    """NumPy's error for arrays i and j of a broadcast (of `shapes`, lengths as text)."""
    return ("shape mismatch: objects cannot be broadcast to a single shape.  Mismatch is between "
            f"arg {i} with shape {tuple_text(shapes[i])} and arg {j} with shape {tuple_text(shapes[j])}.")


def operands_mismatch(shapes: Sequence[Sequence[str]], i: int, j: int) -> str:
    """NumPy's error for the operands of a ufunc that do not broadcast."""
    return ("operands could not be broadcast together with shapes "
            + "".join(tuple_text(s, ",") + " " for s in shapes))


def remapped_mismatch(shapes: Sequence[Sequence[str]], i: int, j: int) -> str:
    """`np.broadcast_to(array, requested)`'s error (shapes: requested, array)."""
    return ("operands could not be broadcast together with remapped shapes [original->remapped]: "
            f"{tuple_text(shapes[1], ',')}  and requested shape {tuple_text(shapes[0], ',')}")


def check_rows_fit(size: tuple[int, ...], static: tuple, shape: tuple[int, ...]) -> None:
    """`np.broadcast_to(x, (*size, row length))`'s check of rows x (static
    shape `static`): size's lengths never broadcast."""
    check_broadcast([(None,) * len(size) + static[-1:], static], [(*size, shape[-1]), shape], remapped_mismatch)


def check_broadcast(static: Sequence[tuple], shapes: Sequence[tuple[int, ...]], message=mismatch,
                    ones: Sequence[int] = ()) -> None:
    """What the compiled code checks (`broadcast_pairs`), with NumPy's
    message; a length of the arrays numbered in `ones` also passes where it is 1."""
    for i, k, j, l in broadcast_pairs(static):
        if shapes[i][k] != shapes[j][l] and not (i in ones and shapes[i][k] == 1):
            raise ValueError(message([[str(n) for n in s] for s in shapes], i, j))


def check_size_rank(size: tuple[int, ...], params: Sequence[Variable], core: Sequence[int]) -> None:
    """PyTensor's check: a parameter may not have more batch axes than `size`."""
    for i, (p, c) in enumerate(zip(params, core)):
        if p.ndim - c > len(size):
            raise ValueError(f"Size length is incompatible with batched dimensions of parameter {i} "
                             f"{p}: len(size) = {len(size)}, len(batched dims {p}) = {p.ndim - c}. "
                             f"Size must be None or have length >= {p.ndim - c}")


# -- distributions of scalar parameters ------------------------------------------

@dataclass(frozen=True)
class Param:
    name: str  # as NumPy's messages call it
    dtype: str = "float64"  # what NumPy converts it to
    constraint: str | None = None  # NumPy's check of its values (emit/random.py CONSTRAINTS)


@dataclass(frozen=True)
class Distribution:
    """A draw of NumPy's C `function` per element. Where PyTensor draws
    otherwise than with the parameters as they are, the function's `args`
    and the `transform` of its draw `z` into the sample are expressions of
    the parameters (see `evaluate`), as PyTensor, or SciPy for it, computes them."""
    function: str  # NumPy's C function drawing one value
    params: tuple[Param, ...]  # in the order NumPy checks them and passes them to `function`
    kind: str  # "float" or "int"
    method: Callable  # the Generator's method: (generator, *args, size) -> draws
    args: tuple | None = None  # `function`'s arguments, if not the parameters
    transform: object = "z"  # the sample
    # (expression, ValueError's message): any element where it holds raises, before NumPy's `constraint`s
    checks: tuple = ()
    scipy: bool = False  # SciPy's `rvs`: without `size`, `function` draws the parameters' broadcast shape

    def sample(self, rng: np.random.Generator, params: list[np.ndarray], size):
        """The sample, as PyTensor's `rng_fn` draws it."""
        named = dict(zip((p.name for p in self.params), params))
        for expr, message in self.checks:
            if np.any(evaluate(expr, named, numpy_scalar)):
                raise ValueError(message)
        if self.scipy and size is None:
            size = np.broadcast_shapes(*(np.shape(p) for p in params))
        args = params if self.args is None else [evaluate(a, named, numpy_scalar) for a in self.args]
        return evaluate(self.transform, {**named, "z": self.method(rng, *args, size)}, numpy_scalar)


def evaluate(expr, leaves: dict, apply: Callable):
    """An expression: a number, a name in `leaves`, or a tuple (scalar op,
    *operands) of tensor/elemwise.py's SCALARS that `apply(op, operands)`
    computes (numbers among the operands too)."""
    if isinstance(expr, str):
        return leaves[expr]
    if isinstance(expr, tuple):
        return apply(expr[0], [evaluate(x, leaves, apply) for x in expr[1:]])
    return expr


def numpy_scalar(name: str, operands: list):
    """`evaluate`'s apply, in NumPy."""
    return SCALARS[name].numpy(*operands)


def scipy_domain(name: str, valid) -> tuple:
    """SciPy's check of the parameters of its distribution `name` (`valid` where they are)."""
    return ("invert", valid), scipy_domain_error(name)


def scipy_domain_error(name: str) -> str:
    return ("Domain error in arguments. The `scale` parameter must be positive for all distributions, and many "
            "distributions have restrictions on shape parameters. Please see the "
            f"`scipy.stats.{name}` documentation for details.")


def scipy_scaled(z, loc="loc") -> tuple:
    """SciPy's `rvs`: its standard draws times the scale plus the location."""
    return ("add", ("mul", z, "scale"), loc)


def positive(*shapes) -> tuple:
    """All these shape parameters > 0 (SciPy's default check) and the scale >= 0."""
    valid = ("ge", "scale", 0.0)
    for shape in shapes:
        valid = ("and", ("gt", shape, 0.0), valid)
    return valid


POISSON_LAM_MAX = float(np.iinfo("int64").max) - np.sqrt(np.iinfo("int64").max) * 10  # NumPy's
# A double in [0, 1) as SciPy's `uniform(size=size)` draws it (0 + 1 * next_double)
UNIFORM = dict(function="random_standard_uniform", method=np.random.Generator.random, args=(), scipy=True)
# Boost's Cauchy quantile, SciPy's: -1 / tan(pi p) of p in (-1/2, 1/2], p the draw minus 1 above 1/2
CAUCHY_QUANTILE = ("true_div", -1.0, ("tan", ("mul", np.pi, ("switch", ("gt", "z", 0.5), ("sub", "z", 1.0), "z"))))


SCALAR_PARAMS = {
    # NumPy checks uniform's high - low (emit/random.py)
    "uniform": Distribution("random_uniform", (Param("low"), Param("high")), "float",
                            np.random.Generator.uniform),
    "normal": Distribution("random_normal", (Param("loc"), Param("scale", constraint="non_negative")),
                           "float", np.random.Generator.normal),
    "beta": Distribution("random_beta", (Param("a", constraint="positive"),
                                         Param("b", constraint="positive")), "float",
                         np.random.Generator.beta),
    "gamma": Distribution("random_gamma", (Param("shape", constraint="non_negative"),
                                           Param("scale", constraint="non_negative")), "float",
                          np.random.Generator.gamma),
    "exponential": Distribution("random_exponential", (Param("scale", constraint="non_negative"),), "float",
                                np.random.Generator.exponential),
    "poisson": Distribution("random_poisson", (Param("lam", constraint="poisson"),), "int",
                            np.random.Generator.poisson),
    "lognormal": Distribution("random_lognormal", (Param("mean"), Param("sigma", constraint="non_negative")),
                              "float", np.random.Generator.lognormal),
    "laplace": Distribution("random_laplace", (Param("loc"), Param("scale", constraint="non_negative")), "float",
                            np.random.Generator.laplace),
    "logistic": Distribution("random_logistic", (Param("loc"), Param("scale", constraint="non_negative")),
                             "float", np.random.Generator.logistic),
    "weibull": Distribution("random_weibull", (Param("a", constraint="non_negative"),), "float",
                            np.random.Generator.weibull),
    "wald": Distribution("random_wald", (Param("mean", constraint="positive"), Param("scale", constraint="positive")),
                         "float", np.random.Generator.wald),
    "vonmises": Distribution("random_vonmises", (Param("mu"), Param("kappa", constraint="non_negative")), "float",
                             np.random.Generator.vonmises),
    "geometric": Distribution("random_geometric", (Param("p", constraint="bounded_gt_0_1"),), "int",
                              np.random.Generator.geometric),
    # NumPy checks p, then n, and random_binomial takes (p, n)
    "binomial": Distribution("random_binomial", (Param("p", constraint="bounded_0_1"),
                                                 Param("n", "int64", "non_negative")), "int",
                             lambda g, p, n, size: g.binomial(n, p, size)),
    # PyTensor's: 1 / gamma(shape, 1 / scale); NumPy's checks of 1 / scale are those of scale
    "invgamma": Distribution("random_gamma", (Param("shape", constraint="non_negative"),
                                              Param("scale", constraint="non_negative")), "float",
                             np.random.Generator.gamma, args=("shape", ("true_div", 1.0, "scale")),
                             transform=("true_div", 1.0, "z")),
    "triangular": Distribution("random_triangular", (Param("left"), Param("mode"), Param("right")), "float",
                               np.random.Generator.triangular,
                               checks=((("gt", "left", "mode"), "left > mode"),
                                       (("gt", "mode", "right"), "mode > right"),
                                       (("eq", "left", "right"), "left == right"))),
    "hypergeometric": Distribution(
        "random_hypergeometric", (Param("ngood", "int64", "non_negative"), Param("nbad", "int64", "non_negative"),
                                  Param("nsample", "int64", "non_negative")), "int",
        np.random.Generator.hypergeometric,
        checks=((("or", ("ge", "ngood", 10**9), ("ge", "nbad", 10**9)),
                 "both ngood and nbad must be less than 1000000000"),
                (("lt", ("add", "ngood", "nbad"), "nsample"), "ngood + nbad < nsample"))),
    # the distributions PyTensor draws with SciPy's `rvs`
    "halfnormal": Distribution("random_standard_normal", (Param("loc"), Param("scale")), "float",
                               np.random.Generator.standard_normal, args=(), transform=scipy_scaled(("abs", "z")),
                               checks=(scipy_domain("halfnorm", positive()),), scipy=True),
    "t": Distribution("random_standard_t", (Param("df"), Param("loc"), Param("scale")), "float",
                      np.random.Generator.standard_t, args=("df",), transform=scipy_scaled("z"),
                      checks=(scipy_domain("t", positive("df")),), scipy=True),
    "gengamma": Distribution("random_standard_gamma", (Param("alpha"), Param("p"), Param("scale")), "float",
                             np.random.Generator.standard_gamma, args=(("true_div", "alpha", "p"),),
                             transform=scipy_scaled(("pow", "z", ("true_div", 1.0, "p")), 0.0), scipy=True,
                             checks=(scipy_domain("gengamma", ("and", positive(("true_div", "alpha", "p")),
                                                                    ("neq", "p", 0.0))),)),
    "cauchy": Distribution(params=(Param("loc"), Param("scale")), kind="float", transform=scipy_scaled(CAUCHY_QUANTILE),
                           checks=(scipy_domain("cauchy", positive()),), **UNIFORM),
    "halfcauchy": Distribution(params=(Param("loc"), Param("scale")), kind="float",
                               transform=scipy_scaled(("tan", ("mul", np.pi / 2, "z"))),
                               checks=(scipy_domain("halfcauchy", positive()),), **UNIFORM),
    "gumbel": Distribution(params=(Param("loc"), Param("scale")), kind="float",
                           transform=scipy_scaled(("neg", ("log", ("neg", ("log", "z"))))),
                           checks=(scipy_domain("gumbel_r", positive()),), **UNIFORM),
    "pareto": Distribution(params=(Param("b"), Param("scale")), kind="float",
                           transform=scipy_scaled(("pow", ("sub", 1.0, "z"), ("true_div", -1.0, "b")), 0.0),
                           checks=(scipy_domain("pareto", positive("b")),), **UNIFORM),
    "truncexpon": Distribution(params=(Param("b"), Param("loc"), Param("scale")), kind="float",
                               transform=scipy_scaled(("neg", ("log1p", ("mul", "z", ("expm1", ("neg", "b")))))),
                               checks=(scipy_domain("truncexpon", positive("b")),), **UNIFORM),
    # NumPy checks, after SciPy, that its Poisson draws' rate stays below POISSON_LAM_MAX
    "negative_binomial": Distribution(
        "random_negative_binomial", (Param("n"), Param("p")), "int", np.random.Generator.negative_binomial,
        checks=(scipy_domain("nbinom", ("and", ("and", ("gt", "n", 0.0), ("gt", "p", 0.0)), ("le", "p", 1.0))),
                (("gt", ("mul", ("true_div", ("sub", 1.0, "p"), "p"), ("add", "n", ("mul", 10.0, ("sqrt", "n")))),
                  POISSON_LAM_MAX), "n too large or p too small, see Generator.negative_binomial Notes")),
        scipy=True),
}


class ScalarParamsRV(RandomVariable):
    """A draw from a distribution of SCALAR_PARAMS: one value per element of
    `size` or, without it, of the parameters broadcast together, in C order
    (as NumPy's `cont` and `disc`)."""

    def sample_shape(self, params):
        if self.size is None:
            return broadcast_shape([p.type for p in params])
        check_size_rank(self.size, params, [0] * len(params))
        return self.size

    def infer_shape(self, node, shapes, dims):
        if self.size is not None:
            return [[], self.size_lengths(node, dims)]
        return [[], broadcast_lengths(static_shapes(node), shapes[1:], dims.const(1))]

    def draw(self, node, rng, params, size):
        static, shapes = static_shapes(node), [p.shape for p in params]
        if self.name == "uniform":  # NumPy's high - low first
            check_broadcast(static[::-1], shapes[::-1], operands_mismatch)
            static = [static[0], broadcast_shape([p.type for p in self.split(node.inputs)[1]])]
            shapes = [shapes[0], tuple(broadcast_lengths(static_shapes(node), shapes, 1))]
        if size is not None:
            static, shapes = [self.size, *static], [size, *shapes]
        check_broadcast(static, shapes, ones=[0] if size is not None else [])  # NumPy's: size's 1s broadcast
        return SCALAR_PARAMS[self.name].sample(rng, params, size)


# -- distributions of vector parameters ------------------------------------------

class MultinomialRV(RandomVariable):
    """`Generator.multinomial(n, p)` (int64 counts): one draw for a scalar n
    and a vector p, else one per batch index (PyTensor's): of `size`, to
    which n and p's rows are broadcast (as `np.broadcast_to`), or of n and
    p's rows broadcast together; in C order, each checked as NumPy checks
    one draw before it is made."""

    def batched(self, node) -> bool:
        n, p = static_shapes(node)
        return len(n) > 0 or len(p) > 1 or self.size is not None

    def sample_shape(self, params):
        n, p = params
        if p.ndim == 0:
            raise ValueError("multinomial needs p with at least one axis")
        if self.size is not None:
            check_size_rank(self.size, params, [0, 1])
            return (*self.size, p.type.shape[-1])
        return (*broadcast_shape([n.type, TensorType(p.dtype, p.type.shape[:-1])]), p.type.shape[-1])

    def infer_shape(self, node, shapes, dims):
        if self.size is not None:
            return [[], [*self.size_lengths(node, dims), shapes[2][-1]]]
        n, p = static_shapes(node)
        return [[], [*broadcast_lengths([n, p[:-1]], [shapes[1], shapes[2][:-1]], dims.const(1)), shapes[2][-1]]]

    def draw(self, node, rng, params, size):
        n, p = params
        if not self.batched(node):
            return self.one(rng, n, p)
        static_n, static_p = static_shapes(node)
        if size is None:
            check_broadcast([static_n, static_p[:-1]], [n.shape, p.shape[:-1]])
            size = np.broadcast_shapes(n.shape, p.shape[:-1])
        else:  # size's lengths never broadcast (np.broadcast_to)
            check_broadcast([(None,) * len(size), static_n], [size, n.shape], remapped_mismatch)
            check_rows_fit(size, static_p, p.shape)
        n, p = np.broadcast_to(n, size), np.broadcast_to(p, (*size, p.shape[-1]))
        samples = np.empty(p.shape, "int64")
        for index in np.ndindex(tuple(size)):
            samples[index] = self.one(rng, n[index], p[index])
        return samples

    @staticmethod
    def one(rng, n, p):
        """One draw, after the compiled checks (NumPy's messages; its sum is compensated)."""
        if n < 0:
            raise ValueError("n < 0")
        if len(p) == 0:
            raise ValueError("pvals must have at least 1 element")
        if not np.all((p >= 0) & (p <= 1)):
            raise ValueError("pvals < 0, pvals > 1 or pvals contains NaNs")
        if sum(p[:-1].tolist()) > 1.0 + 1e-12:
            raise ValueError("sum(pvals[:-1]) > 1.0")
        return rng.multinomial(int(n), p)


class CategoricalRV(RandomVariable):
    """PyTensor's categorical (the Generator has none): per draw (in C
    order over `size`, or over p's batch axes) one uniform double u, then the
    number of entries of cumsum(p) (its row for the draw) below u. p is not
    checked: probabilities summing below 1 can give len(p)."""

    def sample_shape(self, params):
        (p,) = params
        if p.ndim == 0:
            raise ValueError("categorical needs p with at least one axis")
        if self.size is None:
            return p.type.shape[:-1]
        check_size_rank(self.size, params, [1])
        return self.size

    def infer_shape(self, node, shapes, dims):
        if self.size is not None:
            return [[], self.size_lengths(node, dims)]
        return [[], shapes[1][:-1]]

    def draw(self, node, rng, params, size):
        (p,) = params
        batch = p.shape[:-1]
        if size is None:
            size = batch
        else:
            check_size_fits(size, batch)
            check_broadcast([node.inputs[1].type.shape[:-1], self.size], [batch, size])
        draws = rng.uniform(size=size)
        return np.vectorize(np.searchsorted, otypes=[int], signature="(n),()->()")(p.cumsum(axis=-1), draws)


def check_size_fits(size: tuple[int, ...], batch: tuple[int, ...]) -> None:
    """PyTensor's categorical: a length 1 of `size` takes only a length 1 of p's batch."""
    for s, b in zip(reversed(size), reversed(batch)):
        if s == 1 and b != 1:
            raise ValueError("`size` is incompatible with the shape of `p`")


class DirichletRV(RandomVariable):
    """`Generator.dirichlet(alpha)` per row of alpha (PyTensor's: rows
    broadcast to `size`), or `dirichlet(alpha, size)` for a vector alpha.
    A negative alpha anywhere raises before any draw."""

    def sample_shape(self, params):
        (alpha,) = params
        if alpha.ndim == 0:
            raise ValueError("dirichlet needs alpha with at least one axis")
        if self.size is None:
            return alpha.type.shape
        check_size_rank(self.size, params, [1])
        return (*self.size, alpha.type.shape[-1])

    def infer_shape(self, node, shapes, dims):
        if self.size is not None:
            return [[], [*self.size_lengths(node, dims), shapes[1][-1]]]
        return [[], shapes[1]]

    def draw(self, node, rng, params, size):
        (alpha,) = params
        if np.any(np.less(alpha, 0)):
            raise ValueError("alpha < 0")
        if alpha.ndim == 1:
            return rng.dirichlet(alpha, size)
        if size is not None:
            check_rows_fit(size, node.inputs[1].type.shape, alpha.shape)
            alpha = np.broadcast_to(alpha, (*size, alpha.shape[-1]))
        samples = np.empty(alpha.shape)
        for index in np.ndindex(alpha.shape[:-1]):
            samples[index] = rng.dirichlet(alpha[index])
        return samples


class PermutationRV(RandomVariable):
    """`Generator.permutation(x)`: of arange(x) for an integer x, else of
    x's rows (NumPy's Fisher-Yates shuffle with random_interval)."""

    def sample_shape(self, params):
        (x,) = params
        if x.ndim:
            return x.type.shape
        return (max(int(x.data), 0),) if isinstance(x, Constant) else (None,)

    def infer_shape(self, node, shapes, dims):
        x = node.inputs[1]
        return [[], [dims.at_least_zero(dims.size(x), 0)] if x.ndim == 0 else shapes[1]]

    def draw(self, node, rng, params, size):
        (x,) = params
        return rng.permutation(int(x) if x.ndim == 0 else x)


class ChoiceRV(RandomVariable):
    """`Generator.choice(a, size, replace, p)`: samples of arange(a) for an
    integer a, else of a's rows; p (or None) is its last input."""

    def __init__(self, dtype: str, size: tuple[int, ...] | None, replace: bool, has_p: bool):
        super().__init__("choice", dtype, size)
        self.replace, self.has_p = replace, has_p

    def sample_shape(self, params):
        a = params[0]
        return (*(self.size or ()), *a.type.shape[1:])

    def infer_shape(self, node, shapes, dims):
        return [[], [*(dims.const(s) for s in self.size or ()), *shapes[1][1:]]]

    def draw(self, node, rng, params, size):
        a, p = params if self.has_p else (*params, None)
        return rng.choice(int(a) if a.ndim == 0 else a, size, self.replace, p)


class IntegersRV(RandomVariable):
    """`Generator.integers(low, high, size)` for scalar bounds (int64)."""

    def sample_shape(self, params):
        return self.size or ()

    def infer_shape(self, node, shapes, dims):
        return [[], self.size_lengths(node, dims) if self.size is not None else []]

    def draw(self, node, rng, params, size):
        low, high = (int(x) for x in params)
        if low >= high:
            raise ValueError("low >= high")
        return rng.integers(low, high, size, dtype=np.int64)
