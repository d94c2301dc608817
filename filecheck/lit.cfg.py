"""lit configuration for scanjit's FileCheck tests (run `lit -v filecheck`)."""

import os
import sys

import lit.formats

config.name = "scanjit"  # noqa: F821 (injected by lit)
config.test_format = lit.formats.ShTest()  # noqa: F821
config.suffixes = [".mlir", ".py"]  # noqa: F821  (.py: graphs built in Python, IR printed)
config.excludes = ["lit.cfg.py", "print_stage.py"]  # noqa: F821
config.substitutions.append(("%python", sys.executable))  # noqa: F821
config.test_source_root = os.path.dirname(__file__)  # noqa: F821
# Find this interpreter's scanjit-opt and filecheck without activating a venv.
path = config.environment.get("PATH", os.environ.get("PATH", ""))  # noqa: F821
config.environment["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), path])  # noqa: F821
