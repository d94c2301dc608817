"""Shared by the .py FileCheck tests: print a graph's IR after a pipeline stage."""

import sys

from scanjit.driver.pipeline import lower
from scanjit.emit import emit_function
from scanjit.passes import PIPELINE


def print_stage(inputs, outputs, stage: str) -> None:
    """Print the IR after `stage` ("emit" or a PIPELINE pass name)."""
    module = emit_function(inputs, outputs)
    if stage != "emit":
        lower(module, PIPELINE[:PIPELINE.index(stage) + 1])
    print(module)
    sys.stdout.flush()
