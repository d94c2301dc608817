"""docs/walkthrough.md is what tools/gen_walkthrough.py generates now."""

import llvmlite.binding as llvm
import pytest

from scanjit.tools.gen_walkthrough import PAGE, render


@pytest.mark.skipif(llvm.get_process_triple() != "x86_64-unknown-linux-gnu",
                    reason="the page shows LLVM IR for x86_64 Linux")
def test_walkthrough_is_current():
    assert PAGE.read_text() == render(), "docs/walkthrough.md is stale: run tools/gen_walkthrough.py"
