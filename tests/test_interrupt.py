"""Ctrl-C stops a long compiled call (`poll-interrupts`,
scanjit/runtime/interrupt.py): a real SIGINT in a subprocess raises
KeyboardInterrupt within a block of steps, Python's own handler still runs
(the user's, if set), and the function, its shared variables and later
calls are as if the call had not happened."""

import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SIGINT is caught on Linux")

PROGRAM = """
import os, signal, threading, time
import numpy as np
import scanjit, scanjit.tensor as pt
{setup}
n = pt.lscalar("n")
total = scanjit.shared(np.zeros(2), name="total")
out = scanjit.scan(lambda h: h * 0.999999 + 1.0, outputs_info=[np.float64(0.0)], n_steps=n,
                   return_updates=False)
f = scanjit.function([n], out[-1], updates={total: total + out[-1]})
expected = f(1000)
total.set_value(np.zeros(2))
threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
start = time.perf_counter()
try:
    f(10**12)  # hours, uninterrupted
    print("finished")
except KeyboardInterrupt:
    print("interrupted", time.perf_counter() - start < 5)
print("shared untouched", not total.get_value().any())
print("same results after", f(1000) == expected)
print("handler ran", bool(globals().get("seen", [1])))
"""


def run(setup: str = "") -> list[str]:
    done = subprocess.run([sys.executable, "-c", PROGRAM.replace("{setup}", textwrap.dedent(setup))],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_ctrl_c_interrupts_a_long_call():
    assert run() == ["interrupted True", "shared untouched True", "same results after True", "handler ran True"]


def test_a_python_handler_still_runs():
    """A handler set before the function is compiled (one set later takes
    effect with the next compile: scanjit/runtime/interrupt.py)."""
    lines = run("""
        seen = []
        signal.signal(signal.SIGINT, lambda *_: seen.append(1))
        """)
    assert lines == ["interrupted True", "shared untouched True", "same results after True", "handler ran True"]
