"""Crash-safe publishing of several paths at once: the journal, and recovery from it.

`os.replace` is atomic for one path, but a build publishes six (datasets/, docs/, datapackage.json,
croissant.json, CITATION.cff and dist/belarus-china.sqlite). So publishing goes like SQLite's commit:

1. the new package is written and validated in a staging folder S (`.staging-<pid>-<random>`) and
   flushed to disk (fsync);
2. the journal `.publish-journal.json` is written (temporary file, fsync, rename, fsync of the
   folder). It names S, the folder B (`.previous-<pid>-<random>`) that will hold the old copies, the
   items, and a direction (forward). From here on the publish is completed, never lost;
3. item by item, the old copy is moved into B and the new one from S into place (renames only);
4. the journal is marked done, then S and B are removed, then the journal.

Where each item is can be read off the folders: a new copy still in S means it has not been moved
in yet (so whatever is in place is the old one); none left in S means the one in place is new and
the old one, if there was one, is in B. So recovery needs nothing but the journal and the folders,
and can itself be interrupted and run again. The next `build` or `validate` finds the journal and
rolls the publish forward (a journal is only written once the new package has validated); if
publishing failed inside the build (an error, not a crash), the build rolls it back and records
that direction first, and recovery finishes in the recorded direction. B is only removed once every
new item is in place, and S only once nothing needs it: no step deletes the only copy of anything.

Recovery runs under the build lock (`lock.py`), never beside a live build. The journal may come
with an untrusted package folder, so it is checked before anything moves: its folders must be
`.staging-*`/`.previous-*` folders directly in the package folder, its items the six known names,
and nothing moved is followed through a link.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .limits import MAX_JOURNAL_BYTES
from .lock import BuildLock, LockHeld
from .paths import CROISSANT, DESCRIPTOR
from .problems import Problem
from .safe_files import PackageFileError, parse_json, read_inside

JOURNAL_FILE = ".publish-journal.json"
SQLITE_ITEM = "dist/belarus-china.sqlite"
ITEMS = ("datasets", "docs", DESCRIPTOR, CROISSANT, "CITATION.cff", SQLITE_ITEM)  # in the order they are moved
FORWARD, BACK, DONE = "forward", "back", "done"
STAGING_PREFIX, PREVIOUS_PREFIX = ".staging-", ".previous-"
_WORK_FOLDER = re.compile(r"^\.(staging|previous)-(\d+)-[A-Za-z0-9_]+$")
_JOURNAL_TEMPORARY = re.compile(r"^\.publish-journal-[A-Za-z0-9_]+\.tmp$")


class JournalError(RuntimeError):
    """The journal is damaged, or the folders are not in a state it can explain: nothing more is moved."""


@dataclass(frozen=True)
class Journal:
    staging: str
    previous: str
    items: tuple[str, ...]
    direction: str = FORWARD
    finished: str | None = None  # when done: which way it went (forward: the new package is in place)

    def to_bytes(self) -> bytes:
        return (json.dumps({"version": 1, "staging": self.staging, "previous": self.previous, "items": list(self.items),
                            "direction": self.direction, "finished": self.finished}, indent=2) + "\n").encode("utf-8")


def fsync_folder(folder: Path) -> None:
    if not hasattr(os, "O_DIRECTORY"):  # Windows: a folder cannot be opened to fsync; NTFS journals its renames
        return
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(folder: Path) -> None:
    """Flush every file and folder under `folder` to disk (links are not followed)."""
    for directory, _, files in os.walk(folder):
        for name in files:
            path = Path(directory) / name
            if path.is_symlink():
                continue
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_folder(Path(directory))


def write_journal(root: Path, journal: Journal) -> None:
    """Durably replace the journal (this is the commit point of a publish)."""
    fd, temporary = tempfile.mkstemp(prefix=".publish-journal-", suffix=".tmp", dir=root)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(journal.to_bytes())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, root / JOURNAL_FILE)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    fsync_folder(root)


def _lexists(path: Path) -> bool:
    return os.path.lexists(path)


def read_journal(root: Path) -> Journal | None:
    """The journal in `root`, checked; None when there is none."""
    if not _lexists(root / JOURNAL_FILE):
        return None
    try:
        data = parse_json(read_inside(root, JOURNAL_FILE, limit=MAX_JOURNAL_BYTES), JOURNAL_FILE, depth=4)
    except PackageFileError as exc:
        raise JournalError(f"the publishing journal {JOURNAL_FILE} cannot be read: {exc}") from None
    if not isinstance(data, dict):
        raise JournalError(f"the publishing journal {JOURNAL_FILE} is not a JSON object")
    staging, previous, items, direction, finished = (data.get(k) for k in
                                                     ("staging", "previous", "items", "direction", "finished"))
    for name, prefix in ((staging, STAGING_PREFIX), (previous, PREVIOUS_PREFIX)):
        if not (isinstance(name, str) and name.startswith(prefix) and _WORK_FOLDER.match(name)):
            raise JournalError(f"the publishing journal names {str(name)[:80]!r}, not a {prefix}* folder of the package")
    if not (isinstance(items, list) and items and all(item in ITEMS for item in items)
            and len(set(items)) == len(items)):
        raise JournalError(f"the publishing journal lists items other than {', '.join(ITEMS)}")
    if direction not in (FORWARD, BACK, DONE) or (direction == DONE and finished not in (FORWARD, BACK)):
        raise JournalError(f"the publishing journal's direction is {str(direction)[:20]!r}, not forward, back or done")
    return Journal(str(staging), str(previous), tuple(items), direction, finished if direction == DONE else None)


def _real_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except FileNotFoundError:
        return False


def _move(source: Path, target: Path) -> None:
    if not _real_folder(target.parent):
        if _lexists(target.parent):
            raise JournalError(f"{target.parent} is not a folder (a link?); nothing is moved through it")
        target.parent.mkdir(parents=True)
    os.replace(source, target)


def _forward(root: Path, journal: Journal) -> None:
    staging, previous = root / journal.staging, root / journal.previous
    for item in journal.items:
        new, old, live = staging / item, previous / item, root / item
        if _lexists(new):
            if _lexists(live):
                if _lexists(old):
                    raise JournalError(f"{item}: a new copy, a published copy and an old copy all exist; "
                                       "which one is which cannot be told")
                _move(live, old)
            _move(new, live)
            fsync_folder(live.parent)
        elif not _lexists(live):
            raise JournalError(f"{item} is neither in {journal.staging} nor in place")


def _back(root: Path, journal: Journal) -> None:
    staging, previous = root / journal.staging, root / journal.previous
    for item in reversed(journal.items):
        new, old, live = staging / item, previous / item, root / item
        if not _lexists(new) and _lexists(live):
            _move(live, new)  # the new copy goes back to staging; the old one (if any) comes back below
        if _lexists(old):
            if _lexists(live):
                raise JournalError(f"{item}: both an old copy and a published copy exist after taking the new one out")
            _move(old, live)
        fsync_folder(live.parent)


def _check_folders(root: Path, journal: Journal) -> None:
    for name in (journal.staging, journal.previous):
        path = root / name
        if _lexists(path) and not _real_folder(path):
            raise JournalError(f"{name} is not a folder (a link?); the journal is not followed")
    for item in journal.items:
        for base in (root, root / journal.staging, root / journal.previous):
            parent = (base / item).parent
            if parent != base and _lexists(parent) and not _real_folder(parent):
                raise JournalError(f"{parent.relative_to(root)} is not a folder (a link?); the journal is not followed")


def apply(root: Path, journal: Journal) -> None:
    """Move every item the way the journal says (forward or back); safe to run again after any interruption."""
    _check_folders(root, journal)
    if journal.direction != DONE:
        (_forward if journal.direction == FORWARD else _back)(root, journal)
        fsync_folder(root)


def finish(root: Path, journal: Journal) -> str:
    """After `apply`: mark the journal done, remove the staging and old copies, then the journal."""
    if journal.direction != DONE:
        # Marked done before anything is removed: once the copies are being deleted, which item is
        # where can no longer be read off the folders.
        journal = Journal(journal.staging, journal.previous, journal.items, DONE, journal.direction)
        write_journal(root, journal)
    for name in (journal.staging, journal.previous):
        if _real_folder(root / name):
            shutil.rmtree(root / name)
    (root / JOURNAL_FILE).unlink()
    fsync_folder(root)
    if journal.finished == FORWARD:
        return "the new package is in place"
    return "the previous package is back in place"


def complete(root: Path, journal: Journal | None = None) -> str | None:
    """Finish the publish a journal describes, in its direction (the caller holds the build lock).
    Returns what was done, None when there was no journal; JournalError leaves everything as it is."""
    root = Path(root)
    journal = journal or read_journal(root)
    if journal is None:
        return None
    apply(root, journal)
    return f"an interrupted publish was finished: {finish(root, journal)}"


def clean_stale(root: Path, keep: frozenset[str] = frozenset()) -> list[str]:
    """Remove staging folders and journal temporaries of dead builds. The caller holds the build lock,
    so no live build (which would hold it) can own them; a folder whose process still runs is kept
    anyway. `.previous-*` folders are never removed here: outside a journal they may hold the only copy."""
    removed = []
    for entry in os.scandir(root):
        match = _WORK_FOLDER.match(entry.name)
        if match and match.group(1) == "staging" and entry.name not in keep and entry.is_dir(follow_symlinks=False):
            pid = int(match.group(2))
            if pid != os.getpid() and _alive(pid):
                continue
            shutil.rmtree(entry.path)
            removed.append(entry.name)
        elif _JOURNAL_TEMPORARY.match(entry.name) and entry.is_file(follow_symlinks=False):
            os.unlink(entry.path)
            removed.append(entry.name)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _journal_temporaries(root: Path) -> list[str]:
    try:
        return [entry.name for entry in os.scandir(root)
                if _JOURNAL_TEMPORARY.match(entry.name) and entry.is_file(follow_symlinks=False)]
    except OSError:
        return []


def recover_folder(root: Path, report: Callable[[str], None] | None = None) -> list[Problem]:
    """What `validate` does first on a package folder: finish an interrupted publish, if any (under
    the lock), and say so through `report`; a problem when that cannot be done here. A journal
    temporary that a killed build left (a journal it did not finish writing) is removed too."""
    root = Path(root)
    has_journal = _lexists(root / JOURNAL_FILE)
    if not has_journal and not _journal_temporaries(root):
        return []
    try:
        lock = BuildLock(root, timeout=0).acquire()
    except LockHeld as exc:
        if not has_journal:
            return []  # the package in place is complete; the temporary is the live build's
        return [Problem("build-locked", f"{exc}: it is publishing this package now; validate it when it has finished",
                        file=JOURNAL_FILE)]
    except OSError as exc:
        if not has_journal:
            return []
        return [Problem("publish-incomplete", f"an interrupted publish cannot be finished here ({exc.strerror}); "
                        "run `belarus-china build` or `validate` where the folder is writable", file=JOURNAL_FILE)]
    try:
        done = complete(root)
        for name in _journal_temporaries(root):
            os.unlink(root / name)
    except (JournalError, OSError) as exc:
        return [Problem("publish-incomplete", f"an interrupted publish could not be finished: {exc}; "
                        "nothing more was moved", file=JOURNAL_FILE)]
    finally:
        lock.release()
    if done and report is not None:
        report(done)
    return []
