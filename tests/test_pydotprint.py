"""`scanjit.printing.pydotprint`: the graph in Graphviz's dot language, scan
bodies as clusters; pictures through the `dot` program when installed."""

import re
import shutil

import pytest

import scanjit
import scanjit.tensor as pt
from scanjit import printing


def scan_function():
    x, s0 = pt.dvector("x"), pt.dscalar("s0")

    def step(xi, acc):
        inner, _ = scanjit.scan(lambda a: a * 0.5, outputs_info=[acc], n_steps=2)
        return inner[-1] + xi * 2.0

    out, _ = scanjit.scan(step, sequences=[x], outputs_info=[s0])
    return scanjit.function([x, s0], out)


def test_dot_text_draws_ops_inputs_and_scan_bodies_as_clusters():
    text = printing.dot_text(scan_function().graph_outputs)
    assert text.startswith("digraph scanjit {") and text.endswith("}\n")
    assert text.count("subgraph cluster_") == 2  # the scan and the scan in its body
    assert re.search(r'n\d+ \[label="x\\n<float64, shape=\(\?,\)>", shape=box\];', text)
    assert 'label="Elemwise{mul}' in text and 'label="output 0: <float64' in text
    assert text.count('[style=dashed, label="step 0"]') == 2
    names = set(re.findall(r"^\s*(n\d+) \[", text, re.M))
    edges = re.findall(r"^\s*(n\d+) -> (n\d+)", text, re.M)
    assert edges and all(a in names and b in names for a, b in edges)  # no edge to an undeclared node
    assert text.count("{") == text.count("}")


def test_pydotprint_writes_dot_text(tmp_path):
    f = scan_function()
    path = printing.pydotprint(f, outfile=str(tmp_path / "g.dot"))
    assert (tmp_path / "g.dot").read_text() == printing.dot_text(f.graph_outputs)
    assert path == str(tmp_path / "g.dot")
    x = pt.dvector("x")
    printing.pydotprint([x + 1.0, x * 2.0], outfile=str(tmp_path / "two"), format="dot")
    assert "output 1:" in (tmp_path / "two").read_text()


def test_pydotprint_without_graphviz_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(ImportError, match="Graphviz's `dot` program, which is not installed"):
        printing.pydotprint(scan_function(), outfile=str(tmp_path / "g.svg"))
    assert not (tmp_path / "g.svg").exists()


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_pydotprint_draws_svg(tmp_path):
    printing.pydotprint(scan_function(), outfile=str(tmp_path / "g.svg"))
    assert "<svg" in (tmp_path / "g.svg").read_text()
