"""`scanjit dump --html`: a self-contained page with every stage."""

import shutil
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from scanjit.driver.stages import file_name, names

SCRIPT = """
import scanjit as pytensor
import scanjit.tensor as pt
x = pt.dvector("x")
f = pytensor.function([x], pt.cumsum(pt.exp(x) * 2.0), name="report_me")
"""
VOID = {"meta", "br", "img", "link", "hr", "input"}


class Page(HTMLParser):
    """Checks that tags nest and collects the stages and external references."""

    def __init__(self):
        super().__init__()
        self.open: list[str] = []
        self.stages: list[str] = []
        self.external: list[str] = []
        self.summaries: list[str] = []
        self._in_summary = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "link", "img") or "src" in attrs or "href" in attrs:
            self.external.append(tag)
        if "data-stage" in attrs:
            self.stages.append(attrs["data-stage"])
        if tag == "summary":
            self._in_summary = True
            self.summaries.append("")
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, (tag, self.open[-3:])
        self.open.pop()
        self._in_summary = self._in_summary and tag != "summary"

    def handle_data(self, data):
        if self._in_summary:
            self.summaries[-1] += data


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    (folder / "s.py").write_text(SCRIPT)
    run = subprocess.run([sys.executable, "-m", "scanjit.tools.cli", "dump", "s.py", "--html", "r.html"],
                         cwd=folder, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stderr.endswith("scanjit: wrote the report of 1 function(s) to r.html\n")
    assert not (folder / "scanjit-dump").exists()  # --html alone writes only the page
    return folder / "r.html"


def test_the_page_parses_and_holds_every_stage(report):
    page = Page()
    text = report.read_text()
    page.feed(text)
    page.close()
    assert page.open == [] and page.external == []
    assert page.stages == names()[1:]
    assert "CumOp{0, add}" in text  # the graph
    stage_summaries = [s for s in page.summaries if s != "full text"]
    assert any(s.endswith(", unchanged") for s in stage_summaries)
    assert any(s.startswith(f"{file_name('convert-sj-to-loops')}: ") and s.endswith(" ms") for s in stage_summaries)
    assert '<span class="del">-    %' in text and '<span class="add">+    %' in text


BROWSER = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)


@pytest.mark.skipif(BROWSER is None, reason="no Chromium installed")
def test_the_page_loads_in_a_headless_browser(report):
    run = subprocess.run([BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                          report.as_uri()], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert all(f'data-stage="{stage}"' in run.stdout for stage in names()[1:])
