"""Ctrl-C stops a long compiled call (`poll-interrupts`,
scanjit/runtime/interrupt.py): a real SIGINT in a subprocess raises
KeyboardInterrupt within a block of steps (of a scan, an `until` scan, the
parts of a parallel map or of column blocks), Python's own handler still runs
(the user's, if set), and the function, its shared variables and later
calls are as if the call had not happened."""

import os
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SIGINT is caught on Linux")

PROGRAM = """
import os, signal, threading, time
import numpy as np
import scanjit, scanjit.tensor as pt
from scanjit.scan.utils import until
{setup}
n = pt.lscalar("n")
total = scanjit.shared(np.zeros(2), name="total")
{construct}
f = scanjit.function([n], out, updates={total: total + out.sum()})
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
print("same results after", np.array_equal(f(1000), expected))
print("handler ran", bool(globals().get("seen", [1])))
"""

# Each runs for minutes or more with n = 10**12: its loops are the ones that must poll.
CONSTRUCTS = {
    "scan": """out = scanjit.scan(lambda h: h * 0.999999 + 1.0, outputs_info=[np.float64(0.0)], n_steps=n,
                       return_updates=False)[-1]""",
    "until": """out = scanjit.scan(lambda h: (h * 0.999999 + 1.0, until(h < -1.0)), outputs_info=[np.float64(0.0)],
                       n_steps=n, return_updates=False)[-1]""",
    # a parallel map of 40,000 steps of n / 10**6 elements each (minutes)
    "parallel map": """out = scanjit.scan(lambda a: pt.exp(a * pt.arange(n // 10**6 + 3)).sum(), sequences=[pt.ones(40000)],
                       return_updates=False)""",
    # block-recurrence-columns: each thread's column block runs every step
    "column blocks": """out = scanjit.scan(lambda s: 0.5 * s + 1.0, outputs_info=[pt.zeros(100000)], n_steps=n,
                       return_updates=False)[-1]""",
}
EXPECTED = ["interrupted True", "shared untouched True", "same results after True", "handler ran True"]


def run(construct: str = "scan", setup: str = "", threads: int = 2) -> list[str]:
    program = PROGRAM.replace("{setup}", textwrap.dedent(setup)).replace("{construct}", CONSTRUCTS[construct])
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "SCANJIT_NUM_THREADS": str(threads)})
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


@pytest.mark.parametrize("construct", CONSTRUCTS)
def test_ctrl_c_interrupts_a_long_call(construct):
    assert run(construct) == EXPECTED


@pytest.mark.parametrize("construct", ["parallel map", "column blocks"])
def test_ctrl_c_interrupts_parts_on_one_thread_and_on_four(construct):
    assert run(construct, threads=1) == EXPECTED
    assert run(construct, threads=4) == EXPECTED


def test_a_python_handler_still_runs():
    """A handler set before the function is compiled (one set later takes
    effect with the next compile: scanjit/runtime/interrupt.py)."""
    lines = run(setup="""
        seen = []
        signal.signal(signal.SIGINT, lambda *_: seen.append(1))
        """)
    assert lines == EXPECTED
