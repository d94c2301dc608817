"""Products written with index letters: `einsum`, and `batched_dot` and
`batched_tensordot` (products of each index of a leading batch axis).

An einsum is composed of the ops it needs, as PyTensor composes it: the
diagonal of a letter repeated in one operand, sums over letters no other
operand and not the output has, then one `Dot` (or, with nothing to sum
over, a broadcast product) for each operand in turn, left to right, and a
transposition to the output's order. Its gradient is theirs."""

from __future__ import annotations

import string
import warnings

from scanjit.graph import Variable
from scanjit.tensor.basic import as_tensor_variable
from scanjit.tensor.diagonal import diagonal
from scanjit.tensor.elemwise import mul
from scanjit.tensor.math import sum
from scanjit.tensor.products import Dot
from scanjit.tensor.shape import dimshuffle


def _parse(subscripts: str, ndims: list[int]) -> tuple[list[str], str]:
    """Each operand's letters and the output's, "..." spelled out in letters
    the subscripts do not use (aligned on the right, as NumPy broadcasts)."""
    subscripts = subscripts.replace(" ", "")
    inputs, arrow, output = subscripts.partition("->")
    terms = inputs.split(",")
    if len(terms) != len(ndims):
        raise ValueError(f"einsum: {subscripts!r} has {len(terms)} operands' subscripts, got {len(ndims)} operands")
    spare = max([ndim - len(term.replace("...", "")) for term, ndim in zip(terms, ndims) if "..." in term] + [0])
    ellipsis = "".join(c for c in string.ascii_letters if c not in subscripts)[:spare]
    letters = []
    for term, ndim in zip(terms, ndims):
        named = term.replace("...", "")
        fits = len(named) == ndim or "..." in term and len(named) <= ndim
        if not fits or not all(c in string.ascii_letters for c in named):
            raise ValueError(f"einsum: subscripts {term!r} do not fit an operand of {ndim} axes")
        letters.append(term.replace("...", ellipsis[spare - (ndim - len(named)):]))
    every = "".join(letters)
    if not arrow:
        return letters, ellipsis + "".join(sorted(c for c in set(every) if c not in ellipsis and every.count(c) == 1))
    output = output.replace("...", ellipsis)
    if len(set(output)) != len(output) or any(c not in every for c in output):
        raise ValueError(f"einsum: output subscripts {output!r} repeat a letter or name one no operand has")
    return letters, output


def _own_diagonals(x: Variable, letters: str) -> tuple[Variable, str]:
    """x with each letter it repeats taken along its diagonal."""
    for c in letters:
        if letters.count(c) > 1:
            first = letters.index(c)
            second = letters.index(c, first + 1)
            x = diagonal(x, axis1=first, axis2=second)
            return _own_diagonals(x, letters.replace(c, "") + c)
    return x, letters


def _summed_out(x: Variable, letters: str, kept: str) -> tuple[Variable, str]:
    axes = [k for k, c in enumerate(letters) if c not in kept]
    return (sum(x, axis=axes) if axes else x), "".join(c for c in letters if c in kept)


def _product(a: Variable, la: str, b: Variable, lb: str, kept: str) -> tuple[Variable, str]:
    """a * b summed over their shared letters not in `kept`, and its letters.
    A Dot lays them out as (batch, a's free but the last, b's free but the
    last, [a's last free], summed) and (batch, ..., summed, [b's last free])."""
    a, la = _summed_out(a, la, lb + kept)
    b, lb = _summed_out(b, lb, la + kept)
    batch = [c for c in la if c in lb and c in kept]
    summed = [c for c in la if c in lb and c not in kept]
    free_a, free_b = [c for c in la if c not in lb], [c for c in lb if c not in la]
    if not summed:
        out = batch + free_a + free_b
        return mul(dimshuffle(a, *[la.index(c) if c in la else "x" for c in out]),
                   dimshuffle(b, *[lb.index(c) if c in lb else "x" for c in out])), "".join(out)
    m, n = free_a[-1:], free_b[-1:]
    order_a = [la.index(c) for c in batch + free_a[:-1]] + ["x"] * len(free_b[:-1]) + [la.index(c) for c in m + summed]
    order_b = ([lb.index(c) for c in batch] + ["x"] * len(free_a[:-1])
               + [lb.index(c) for c in free_b[:-1] + summed + n])
    out = Dot(len(batch) + len(free_a) + len(free_b) - len(m) - len(n), len(summed), (order_a, order_b), "einsum")(a, b)
    return out, "".join(batch + free_a[:-1] + free_b[:-1] + m + n)


def einsum(subscripts: str, *operands, optimize=None) -> Variable:
    """NumPy's einsum: products of the operands over their axes named by
    `subscripts` ("ij,jk->ik"; "..." for broadcast axes; without "->", the
    letters appearing once, in alphabetical order), summed over the letters
    the output does not name. `optimize` is accepted for PyTensor's
    signature: the operands are taken left to right."""
    operands = [as_tensor_variable(x) for x in operands]
    letters, output = _parse(subscripts, [x.ndim for x in operands])
    parts = [_own_diagonals(x, term) for x, term in zip(operands, letters)]
    x, lx = parts[0]
    for k, (y, ly) in enumerate(parts[1:], start=1):
        later = "".join(term for _, term in parts[k + 1:])
        x, lx = _product(x, lx, y, ly, output + later)
    x, lx = _summed_out(x, lx, output)
    return dimshuffle(x, *[lx.index(c) for c in output])


def batched_tensordot(x, y, axes=2) -> Variable:
    """tensordot of x[i] and y[i] for each i of the leading axis; int `axes`
    N sums over x's last N axes and y's N after the first, a pair of lists over
    those axes (counted with the batch axis)."""
    warnings.warn("batched_tensordot is deprecated. Use `tensordot` in conjuction with `tensor.vectorize` or "
                  "`graph.replace.vectorize_graph`", FutureWarning)
    x, y = as_tensor_variable(x), as_tensor_variable(y)
    return _batched_tensordot(x, y, axes)


def _batched_tensordot(x: Variable, y: Variable, axes) -> Variable:
    if isinstance(axes, int):
        axes = [list(range(x.ndim - axes, x.ndim)), list(range(1, axes + 1))]
    axes_x, axes_y = ([a % v.ndim for a in ax] for ax, v in zip(axes, (x, y)))
    if len(axes_x) != len(axes_y) or 0 in axes_x + axes_y:
        raise ValueError(f"batched_tensordot: cannot sum over axes {axes} (pairs, not the batch axis 0)")
    names = iter(string.ascii_lowercase[1:])
    lx = ["a"] + [next(names) for _ in range(1, x.ndim)]
    ly = ["a"] + [next(names) for _ in range(1, y.ndim)]
    for ax, ay in zip(axes_x, axes_y):
        ly[ay] = lx[ax]
    out = ["a"] + [c for k, c in enumerate(lx) if k and k not in axes_x] + [c for k, c in enumerate(ly) if k and k not in axes_y]
    return einsum(f"{''.join(lx)},{''.join(ly)}->{''.join(out)}", x, y)


def batched_dot(a, b) -> Variable:
    """dot(a[i], b[i]) for each i of the leading axis."""
    warnings.warn("batched_dot is deprecated. Use `dot` in conjunction with `tensor.vectorize` or "
                  "`graph.replace.vectorize_graph`", FutureWarning)
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    if a.ndim == 0:
        raise TypeError("a must have at least one (batch) axis")
    if b.ndim == 0:
        raise TypeError("b must have at least one (batch) axis")
    if a.ndim == 1 or b.ndim == 1:  # a scalar core multiplies
        return mul(dimshuffle(a, *range(a.ndim), *["x"] * (b.ndim - a.ndim)),
                   dimshuffle(b, *range(b.ndim), *["x"] * (a.ndim - b.ndim)))
    return _batched_tensordot(a, b, [[a.ndim - 1], [max(1, b.ndim - 2)]])
