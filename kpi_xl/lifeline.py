"""Helper processes die with the process that started them, even when it is killed with SIGKILL.

A render worker blocked in its pool's queue never learns that its parent is gone: after ``kill -9``
of ``kpi-xl send`` or ``report`` the workers (about 100 MB each) and multiprocessing's resource
tracker, which lives as long as any of them holds its pipe, stayed for good, holding the caller's
stdout open so that a script waiting for end of file hung. :func:`die_with_parent`, a pool's worker
initializer, ties each worker to its parent:

- Linux: ``prctl(PR_SET_PDEATHSIG, SIGKILL)``, the kernel's own parent-death signal;
- elsewhere (and on Linux as a second line): a daemon thread that ends the process once its parent
  is gone (its parent id changes on macOS and other Unixes; on Windows it waits on the parent's
  process handle).

The resource tracker then sees the last holder of its pipe close and exits by itself.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading

__all__ = ["die_with_parent"]

_PR_SET_PDEATHSIG = 1
_POLL = 1.0   # seconds between looks at the parent, where no signal or handle says it


def die_with_parent() -> None:
    """Ends this process when its parent ends (a pool's ``initializer``; safe to call twice)."""
    import multiprocessing

    # The pid the parent had when it started this process: it may already be gone (its child then has
    # a new parent), since a spawned worker imports for a second or more before its initializer runs.
    started_by = multiprocessing.parent_process()
    parent = started_by.pid if started_by is not None and started_by.pid else os.getppid()
    if sys.platform.startswith("linux"):
        _linux_death_signal()
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), name="kpi_xl-lifeline", daemon=True).start()


def _linux_death_signal() -> None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # no libc to call: the watching thread still does it
        pass


def _watch(parent: int) -> None:
    if sys.platform == "win32":
        _wait_for_windows_process(parent)
        os._exit(1)
    stop = threading.Event()
    while os.getppid() == parent:
        stop.wait(_POLL)
    os._exit(1)


def _wait_for_windows_process(pid: int) -> None:
    kernel32 = ctypes.WinDLL("kernel32")  # type: ignore[attr-defined]
    synchronize, infinite = 0x00100000, 0xFFFFFFFF
    handle = kernel32.OpenProcess(synchronize, False, pid)
    if not handle:  # already gone
        return
    kernel32.WaitForSingleObject(handle, infinite)
