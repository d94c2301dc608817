"""`debugprint` (`dprint`): a graph as a text tree, as PyTensor's.

Each line shows the op (`.k` for output k of a multi-output node) or the
variable, an id, the type (with `print_type=True`) and the name. A node reached again is printed
without its inputs. The body of every Scan follows under "Inner graphs:",
one `←` tree per step output, until condition and shared-variable update.

`pydotprint` draws the same graph with Graphviz (`dot_text` is its input).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from string import ascii_uppercase

from scanjit.graph import Apply, Constant, Variable, toposort
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
        roots = [("", v) for k, v in enumerate(info.inner_outputs) if k not in info.intermediate_outputs]
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


def dot_text(outputs: Variable | Sequence[Variable]) -> str:
    """The graph in Graphviz's dot language: an ellipse per op, a box per
    input, constant, shared variable and output, the body of each Scan as a
    cluster (its placeholders and results inside, dashed edges to the Scan)."""
    return _Dot().graph([outputs] if isinstance(outputs, Variable) else list(outputs))


class _Dot:
    def __init__(self):
        self.names: dict[int, str] = {}
        self.lines: list[str] = []
        self.clusters = 0

    def name(self, key: object) -> str:
        return self.names.setdefault(id(key), f"n{len(self.names)}")

    def node(self, key: object, label: str, shape: str, indent: str) -> str:
        name = self.name(key)
        self.lines.append(f'{indent}{name} [label="{_escape(label)}", shape={shape}];')
        return name

    def graph(self, outputs: list[Variable]) -> str:
        self.lines = ["digraph scanjit {", "  node [fontname=monospace];"]
        self.body(outputs, {}, "  ")
        for k, out in enumerate(outputs):
            sink = self.node(("output", k), f"output {k}: {_type(out)}", "box, style=rounded", "  ")
            self.lines.append(f"  {self.source(out)} -> {sink};")
        return "\n".join(self.lines + ["}"]) + "\n"

    def source(self, var: Variable) -> str:
        return self.name(var.owner) if var.owner is not None else self.name(var)

    def body(self, outputs: list[Variable], known: dict[int, str], indent: str) -> None:
        """The nodes computing `outputs` (stopping at the variables in `known`) and their edges."""
        for node in toposort(outputs, stop=lambda v: id(v) in known):
            label = str(node.op) + (f"\n{_type(node.outputs[0])}" if len(node.outputs) == 1 else "")
            name = self.node(node, label, "ellipse", indent)
            for k, var in enumerate(node.inputs):
                if var.owner is None and id(var) not in self.names:
                    kind = var.name or (repr(var) if isinstance(var, Constant) else "shared")
                    self.node(var, f"{kind}\n{_type(var)}", "box", indent)
                source = known.get(id(var)) or self.source(var)
                index = f".{var.index}" if var.owner is not None and len(var.owner.outputs) > 1 else ""
                self.lines.append(f'{indent}{source} -> {name} [label="{k}{index}"];')
            if isinstance(node.op, ScanOp):
                self.scan(node, name, indent)

    def scan(self, node: Apply, scan_name: str, indent: str) -> None:
        info = node.op.info
        self.clusters += 1
        inner = indent + "  "
        self.lines += [f"{indent}subgraph cluster_{self.clusters} {{", f'{inner}label="{_escape(str(node.op))} body";',
                       f"{inner}style=dashed;"]
        known = {id(p): self.node(p, f"{p.name or 'step input'}\n{_type(p)}", "box", inner)
                 for p in info.placeholders}
        self.body(info.roots, known, inner)
        self.lines.append(f"{indent}}}")
        for k, root in enumerate(info.roots):
            source = known.get(id(root)) or self.source(root)
            self.lines.append(f'{indent}{source} -> {scan_name} [style=dashed, label="step {k}"];')


def _escape(label: str) -> str:
    return label.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def pydotprint(fct, outfile: str | None = None, format: str | None = None, **options) -> str:
    """Draw the graph of `fct` (a compiled function, a variable or a list of
    them), as PyTensor's `pydotprint`: the dot text (`format="dot"` or a
    `.dot` file) always; SVG, PNG, PDF ... through Graphviz's `dot` program,
    an ImportError naming it when it is not installed. `outfile` defaults to
    `scanjit.<format>`; PyTensor's display options are accepted. Returns the
    path written."""
    format = format or (Path(outfile).suffix.lstrip(".") if outfile and Path(outfile).suffix else "png")
    outfile = outfile or f"scanjit.{format}"
    text = dot_text(getattr(fct, "graph_outputs", fct))
    if format == "dot":
        Path(outfile).write_text(text)
        return outfile
    dot = shutil.which("dot")
    if dot is None:
        raise ImportError(f"pydotprint: format {format!r} needs Graphviz's `dot` program, which is "
                          f"not installed (e.g. apt install graphviz); format='dot' writes the graph as text")
    run = subprocess.run([dot, f"-T{format}", "-o", outfile], input=text, capture_output=True, text=True)
    if run.returncode != 0:
        raise ValueError(f"pydotprint: dot -T{format} failed: {run.stderr.strip()}")
    return outfile
