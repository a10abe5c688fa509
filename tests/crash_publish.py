"""Publish a staged package, or recover a folder, and SIGKILL this process just before its Nth file
operation: `python crash_publish.py publish|recover ROOT STAGING N`.

The file operations counted are the ones that change what is on disk: os.replace, os.rename, os.mkdir,
os.unlink, os.rmdir and shutil.rmtree. A removal inside shutil.rmtree counts only once, as its
first step (so that a kill can land in the middle of removing a folder); the rest of it goes
uncounted. N=0 runs to the end and prints how many operations there were. Nothing here is in the
production code: the hooks are installed on the os and shutil modules of this process only.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
from pathlib import Path

COUNTED = ("replace", "rename", "mkdir", "unlink", "rmdir")
state = {"count": 0, "target": 0, "in_rmtree": 0, "inner": 0}


def _step() -> None:
    state["count"] += 1
    if state["count"] == state["target"]:
        sys.stdout.flush()
        os.kill(os.getpid(), signal.SIGKILL)


def _counted(real):
    def operation(*args, **kwargs):
        if state["in_rmtree"]:
            state["inner"] += 1
            if state["inner"] == 1:
                _step()
        else:
            _step()
        return real(*args, **kwargs)
    return operation


def _rmtree(real):
    def rmtree(*args, **kwargs):
        _step()
        state["in_rmtree"] += 1
        state["inner"] = 0
        try:
            return real(*args, **kwargs)
        finally:
            state["in_rmtree"] -= 1
    return rmtree


def main(mode: str, root: str, staging: str, target: int) -> None:
    from belarus_china.base import journal
    from belarus_china.publish import stage

    state["target"] = target
    for name in COUNTED:
        setattr(os, name, _counted(getattr(os, name)))
    shutil.rmtree = _rmtree(shutil.rmtree)
    if mode == "publish":
        stage.publish(Path(root), Path(staging))
    else:
        journal.recover(Path(root))
    print(state["count"])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
