"""The docs stay true: every ```python and ```bash block of README.md and
docs/*.md runs (bash with -euo pipefail) and prints what it shows
(`print(...)  # expected output`). A block that cannot run (an
installation, the whole test suite, a synopsis with placeholders) says so on
the line before it: `<!-- not run: why -->`."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^(?P<before>[^\n]*)\n```(?P<lang>python|bash)\n(?P<code>.*?)^```$", re.M | re.S)
SKIP = re.compile(r"<!-- not run: .+ -->")


def blocks():
    for page in PAGES:
        for found in FENCE.finditer(page.read_text()):
            line = page.read_text().count("\n", 0, found.start("code"))
            marks = [pytest.mark.skip(reason="marked not run")] if SKIP.fullmatch(found["before"]) else []
            yield pytest.param(found["lang"], found["code"], id=f"{page.name}:{line}", marks=marks)


def workspace(tmp_path: Path) -> Path:
    """A directory where the repository's examples, filecheck and docs are at hand."""
    for name in ("examples", "filecheck", "docs", "passes"):
        (tmp_path / name).symlink_to(ROOT / name)
    return tmp_path


def expected_python(code: str) -> list[str]:
    return [m.group(1).strip() for m in re.finditer(r"^\s*print\(.*\)\s+# (.+)$", code, re.M)]


@pytest.mark.parametrize("lang, code", list(blocks()))
def test_doc_block(lang, code, tmp_path):
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))
    command = [sys.executable, "-c", code] if lang == "python" else ["bash", "-euo", "pipefail", "-c", code]
    run = subprocess.run(command, cwd=workspace(tmp_path), capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    if lang == "python":
        expected = expected_python(code)
        printed = [" ".join(line.split()) for line in run.stdout.splitlines()]
        assert printed[:len(expected)] == [" ".join(e.split()) for e in expected]
