"""The build lock: one build (and one recovery, or one `add`) at a time in a folder.

An OS lock on `<root>/.build.lock`, taken through `filelock.lock_descriptor` (`flock` on POSIX,
`LockFileEx` on byte 0 on Windows). The OS releases it when its holder exits, however it exits, so a
lock is never stale; the file keeps the holder's process id and start time (from byte 1 on, since
Windows forbids other processes to read the locked byte 0) only to name it in the message a second
build prints. A build takes the lock before it reads any input and keeps it until its package is
published, so the package published last was always built from the inputs read last (two builds can
no longer publish out of order).
"""

from __future__ import annotations

import errno
import json
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from filelock import lock_descriptor, unlock_descriptor

from .no_follow import is_link

LOCK_FILE = ".build.lock"
POLL_SECONDS = 0.2
_INFO_OFFSET = 1  # byte 0 is the one Windows locks
# O_NOFOLLOW where the OS has it: a lock file planted as a link is refused rather than written through.
_OPEN_FLAGS = (os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
               | getattr(os, "O_BINARY", 0))
LOCK_TIMEOUT = 300.0  # seconds a build (or `add`) waits for another in the same folder


class LockHeld(RuntimeError):
    """Another process holds the lock; the message names it."""


def _holder(fd: int) -> str:
    try:
        os.lseek(fd, _INFO_OFFSET, os.SEEK_SET)
        info = json.loads(os.read(fd, 4096).decode("utf-8") or "{}")
        return f"process {int(info['pid'])}, since {info['since']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "another process"


def _open_lock_file(path: Path) -> int:
    """The lock file, opened without following a link: by O_NOFOLLOW where it exists, else by an lstat
    before the open and a comparison of the file opened with the one looked at."""
    if hasattr(os, "O_NOFOLLOW"):
        return os.open(path, _OPEN_FLAGS, 0o644)
    try:
        before: os.stat_result | None = os.lstat(path)
    except FileNotFoundError:
        before = None
    if before is not None and is_link(before):
        raise OSError(errno.ELOOP, "the build lock file is a symbolic link; it is not written through", str(path))
    fd = os.open(path, _OPEN_FLAGS, 0o644)
    after, now = os.fstat(fd), os.lstat(path)
    same = (after.st_dev, after.st_ino) == (now.st_dev, now.st_ino) and not is_link(now)
    if not same or (before is not None and (before.st_dev, before.st_ino) != (after.st_dev, after.st_ino)):
        os.close(fd)
        raise OSError(errno.ELOOP, "the build lock file was replaced while it was opened", str(path))
    return fd


class BuildLock:
    """`with BuildLock(root, timeout=...)`: waits up to `timeout` seconds (0: not at all), then LockHeld."""

    def __init__(self, root: Path, timeout: float = 0.0, report: Callable[[str], None] | None = None):
        self.path = Path(root) / LOCK_FILE
        self.timeout = timeout
        self.report = report
        self.fd: int | None = None

    def acquire(self) -> BuildLock:
        fd = _open_lock_file(self.path)
        deadline = time.monotonic() + self.timeout
        announced = False
        while True:
            try:
                if lock_descriptor(fd, blocking=False):
                    break
            except OSError:
                os.close(fd)
                raise
            holder = _holder(fd)
            if time.monotonic() >= deadline:
                os.close(fd)
                waited = f" after waiting {self.timeout:g} s" if self.timeout else ""
                raise LockHeld(f"another build is running in {self.path.parent} ({holder}){waited}")
            if not announced and self.report is not None:
                self.report(f"  waiting for the build lock ({holder}) …")
                announced = True
            time.sleep(POLL_SECONDS)
        since = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, b"\n" + json.dumps({"pid": os.getpid(), "since": since}).encode("utf-8"))
        self.fd = fd
        return self

    def release(self) -> None:
        if self.fd is not None:
            unlock_descriptor(self.fd)
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> BuildLock:
        return self.acquire()

    def __exit__(self, *exc_info) -> None:
        self.release()
