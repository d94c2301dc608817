"""Ctrl-C during a compiled call (Linux only).

`install()` puts `scanjit_on_sigint` (interrupt.ll) in front of the process's
SIGINT handler, Python's, which it then calls: Python still sees every
Ctrl-C. The handler counts the signal; the loops of compiled code
(`poll-interrupts`, also in `until` scans and in the parts the thread pool
runs) compare that count with the one the call started with, every
`POLL_WORK` inner iterations or so, and stop with a `KeyboardInterrupt`
check, freeing what the call allocated. A handler that is not a plain function (SIG_DFL,
SIG_IGN, or an SA_SIGINFO one) is left alone: calls then run to the end.
`signal.signal(SIGINT, ...)` puts Python's handler back, so `install()`
runs again with every compile (it does nothing when already in place).
"""

from __future__ import annotations

import ctypes
import signal
import sys

SA_SIGINFO = 4


class _SigAction(ctypes.Structure):  # glibc's struct sigaction on x86-64 and AArch64
    _fields_ = [("handler", ctypes.c_void_p), ("mask", ctypes.c_ulong * 16), ("flags", ctypes.c_int),
                ("restorer", ctypes.c_void_p)]


def install(on_sigint: int, set_chained) -> None:
    """Make `on_sigint` the SIGINT handler, chaining to the current one."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    current = _SigAction()
    if libc.sigaction(signal.SIGINT, None, ctypes.byref(current)) != 0:
        return
    if current.handler == on_sigint or (current.handler or 0) <= 1 or current.flags & SA_SIGINFO:
        return
    set_chained(current.handler)
    ours = _SigAction()
    ctypes.memmove(ctypes.byref(ours), ctypes.byref(current), ctypes.sizeof(_SigAction))
    ours.handler = on_sigint
    libc.sigaction(signal.SIGINT, ctypes.byref(ours), None)
