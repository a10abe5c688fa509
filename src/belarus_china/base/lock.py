"""The build lock: one build (and one recovery, or one `add`) at a time in a folder.

An `fcntl.flock` on `<root>/.build.lock`. The kernel releases it when its holder exits, however it
exits, so a lock is never stale; the file keeps the holder's process id and start time only to name
it in the message a second build prints. A build takes the lock before it reads any input and keeps
it until its package is published, so the package published last was always built from the inputs
read last (two builds can no longer publish out of order).
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

LOCK_FILE = ".build.lock"
POLL_SECONDS = 0.2
LOCK_TIMEOUT = 300.0  # seconds a build (or `add`) waits for another in the same folder


class LockHeld(RuntimeError):
    """Another process holds the lock; the message names it."""


def _holder(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        info = json.loads(os.read(fd, 4096).decode("utf-8") or "{}")
        return f"process {int(info['pid'])}, since {info['since']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "another process"


class BuildLock:
    """`with BuildLock(root, timeout=...)`: waits up to `timeout` seconds (0: not at all), then LockHeld."""

    def __init__(self, root: Path, timeout: float = 0.0, report: Callable[[str], None] | None = None):
        self.path = Path(root) / LOCK_FILE
        self.timeout = timeout
        self.report = report
        self.fd: int | None = None

    def acquire(self) -> BuildLock:
        # O_NOFOLLOW: a lock file planted as a link is refused rather than written through.
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        deadline = time.monotonic() + self.timeout
        announced = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
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
        os.pwrite(fd, json.dumps({"pid": os.getpid(), "since": since}).encode("utf-8"), 0)
        self.fd = fd
        return self

    def release(self) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> BuildLock:
        return self.acquire()

    def __exit__(self, *exc_info) -> None:
        self.release()
