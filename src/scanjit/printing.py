"""`debugprint` (`dprint`): a graph as a text tree, as PyTensor's.

Each line shows the op (`.k` for output k of a multi-output node) or the
variable, an id, the type (with `print_type=True`) and the name. A node reached again is printed
without its inputs. The body of every Scan follows under "Inner graphs:",
one `←` tree per step output, until condition and shared-variable update.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from string import ascii_uppercase

from scanjit.graph import Apply, Constant, Variable
from scanjit.scan.op import ScanOp
from scanjit.shared import SharedVariable


def _type(var: Variable) -> str:
    if var.dtype == "rng":
        return "<Generator>"
    dims = ", ".join("?" if s is None else str(s) for s in var.type.shape)
    return f"<{var.dtype}, shape=({dims}{',' if var.ndim == 1 else ''})>"


class _Printer:
    def __init__(self, print_type: bool):
        self.print_type = print_type
        self.lines: list[str] = []
        self.ids: dict[int, str] = {}
        self.expanded: set[int] = set()
        self.scans: list[Apply] = []

    def id(self, key: object) -> str:
        if id(key) not in self.ids:
            n, letters = len(self.ids), ""
            while True:
                n, r = divmod(n, 26)
                letters = ascii_uppercase[r] + letters
                if n == 0:
                    break
                n -= 1
            self.ids[id(key)] = letters
        return f"[id {self.ids[id(key)]}]"

    def line(self, var: Variable) -> str:
        node = var.owner
        typed = f" {_type(var)}" if self.print_type else ""
        if node is not None:
            label = str(node.op) + (f".{var.index}" if len(node.outputs) > 1 else "")
            return f"{label} {self.id(node)}{typed}" + (f" '{var.name}'" if var.name else "")
        if var.name is None and not isinstance(var, Constant | SharedVariable):
            return f"{_type(var)} {self.id(var)}"  # an unnamed input, as PyTensor prints it
        label = var.name or (repr(var) if isinstance(var, Constant) else "shared")
        return f"{label} {self.id(var)}{typed}"

    def tree(self, var: Variable, first: str, rest: str) -> None:
        """`var`'s line, then its inputs' trees (a stack, not a recursion:
        graphs may be thousands of nodes deep)."""
        pending = [(var, first, rest)]
        while pending:
            var, first, rest = pending.pop()
            self.lines.append(first + self.line(var))
            node = var.owner
            if node is None or id(node) in self.expanded:
                continue
            self.expanded.add(id(node))
            if isinstance(node.op, ScanOp):
                self.scans.append(node)
            for i, child in reversed(list(enumerate(node.inputs))):
                last = i == len(node.inputs) - 1
                pending.append((child, rest + ("└─ " if last else "├─ "), rest + ("   " if last else "│  ")))

    def inner(self, node: Apply) -> None:
        info = node.op.info
        self.lines += ["", f"{node.op} {self.id(node)}"]
        roots = [("", v) for v in info.inner_outputs]
        if info.until is not None:
            roots.append(("until: ", info.until))
        roots += [(f"update of {shared.name or 'shared'} {self.id(shared)}: ", new)
                  for shared, new in info.updates.items()]
        for prefix, var in roots:
            self.tree(var, f" ← {prefix}", "    ")


def debugprint(graph_like, depth: int = -1, print_type: bool = False, file=None, **options):
    """Print the graph computing `graph_like` (a variable, a list of them or
    a compiled function), with the inner graph of each Scan, as PyTensor's
    `debugprint`: to `file` (sys.stdout by default), or returned as a string
    with file="str". `depth` and PyTensor's other display options are
    accepted; the whole graph is printed."""
    outputs = getattr(graph_like, "graph_outputs", graph_like)
    text = graph_text(outputs, print_type)
    if file == "str":
        return text
    file = sys.stdout if file is None else file
    file.write(text)
    return file


dprint = debugprint


def graph_text(outputs: Variable | Sequence[Variable], print_type: bool = True) -> str:
    """The text `debugprint` prints."""
    printer = _Printer(print_type)
    for var in [outputs] if isinstance(outputs, Variable) else outputs:
        printer.tree(var, "", " ")
    if printer.scans:
        printer.lines.append("")
        printer.lines.append("Inner graphs:")
        done = 0
        while done < len(printer.scans):  # inner() may find nested scans
            printer.inner(printer.scans[done])
            done += 1
    return "\n".join(printer.lines) + "\n"
