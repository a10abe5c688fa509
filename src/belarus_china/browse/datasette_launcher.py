"""Run by `serve` as `python datasette_launcher.py PARENT_PID datasette-arguments...` (by path, so that
it imports nothing of the package): asks Linux to send this process SIGTERM when its parent dies, even
by SIGKILL (PR_SET_PDEATHSIG, which survives exec), then becomes Datasette (exec), so that the
server can never outlive `serve`. Elsewhere it just becomes Datasette.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def main(argv: list[str]) -> None:
    parent = int(argv[1])
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the request was made: nothing would stop us
            sys.exit(1)
    os.execv(sys.executable, [sys.executable, "-m", "datasette", *argv[2:]])


if __name__ == "__main__":
    main(sys.argv)
