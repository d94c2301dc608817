"""The `scanjit` logger: slow compiles log one INFO line saying where the time went."""

import logging
import os
import subprocess
import sys

import scanjit
import scanjit.tensor as pt
from scanjit.driver import log


def test_a_slow_compile_logs_one_info_line(caplog, monkeypatch):
    monkeypatch.setattr(log, "SLOW", 0.0)  # every compile is slow
    x = pt.dvector("x")
    with caplog.at_level(logging.INFO, logger="scanjit"):
        scanjit.function([x], pt.exp(x).sum(), name="slow_one")
    [record] = [r for r in caplog.records if r.name == "scanjit"]
    assert record.levelno == logging.INFO
    message = record.getMessage()
    assert message.startswith(("compiled slow_one in ", "loaded from the cache slow_one in "))
    assert "LLVM" in message or "cache load" in message


def test_a_fast_compile_logs_at_debug_only(caplog):
    x = pt.dvector("x")
    with caplog.at_level(logging.DEBUG, logger="scanjit"):
        scanjit.function([x], x + 1.0, name="fast_one")
    assert [r.levelno for r in caplog.records if r.name == "scanjit"] == [logging.DEBUG]


def test_where_the_time_went_names_the_slowest_passes():
    timings = {"emit": 0.003, "a": 0.010, "b": 0.040, "c": 0.020, "d": 0.001, "LLVM opt": 0.3, "codegen": 0.5}
    assert log.where_the_time_went(timings, 0.9) == (
        "emit 3 ms, passes 71 ms (b 40 ms, c 20 ms, a 10 ms, ...), LLVM opt 300 ms, codegen 500 ms, other 26 ms")


def run_with(level: str) -> subprocess.CompletedProcess:
    code = "import scanjit, scanjit.tensor as pt; x = pt.dvector('x'); scanjit.function([x], x * 3.0, name='env')"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=dict(os.environ, SCANJIT_LOG=level))


def test_scanjit_log_from_the_environment():
    assert run_with("debug").stderr.startswith(("scanjit: compiled env in ", "scanjit: loaded from the cache env in "))
    assert run_with("error").stderr == ""
    assert "SCANJIT_LOG='loud' is not one of debug, info, warning, error" in run_with("loud").stderr
