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
and can itself be interrupted and run again. The next `build` finds the journal and rolls the
publish forward (a journal is only written once the new package has validated); if publishing
failed inside the build (an error, not a crash), the build rolls it back and records that direction
first, and recovery finishes in the recorded direction. B is only removed once every new item is in
place, and S only once nothing needs it: no step deletes the only copy of anything. Readers
(`validate`) never recover: they report the pending publish (`publish-pending`) and change nothing.

Recovery runs under the build lock (`lock.py`), never beside a live build. The journal may come
with an untrusted package folder (unzipped or copied over a checkout, or forged), so it is checked
against the disk before anything moves: its folders must be `.staging-*`/`.previous-*` folders
directly in the package folder with the very device and inode it recorded (a copied, unzipped or
re-created folder has others), its items the six known names, and every item's state one a publish
can leave; a journal that fails any check is refused as a whole (`journal-refused`): nothing is
moved or deleted, and nothing moved is followed through a link.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from .limits import MAX_JOURNAL_BYTES
from .paths import CROISSANT, DESCRIPTOR
from .problems import Problem
from .safe_files import PackageFileError, parse_json, read_inside

JOURNAL_FILE = ".publish-journal.json"
SQLITE_ITEM = "dist/belarus-china.sqlite"
ITEMS = ("datasets", "docs", DESCRIPTOR, CROISSANT, "CITATION.cff", SQLITE_ITEM)  # in the order they are moved
FORWARD, BACK, DONE = "forward", "back", "done"
LEFTOVER_REMOVED = ("a leftover publishing journal was removed: it was marked done and names no folder that is still "
                    "here, so nothing was moved")
STAGING_PREFIX, PREVIOUS_PREFIX = ".staging-", ".previous-"
_WORK_FOLDER = re.compile(r"^\.(staging|previous)-(\d+)-[A-Za-z0-9_]+$")
_JOURNAL_TEMPORARY = re.compile(r"^\.publish-journal-[A-Za-z0-9_]+\.tmp$")
_FOLDER_ID = re.compile(r"^\d{1,20}:\d{1,20}$")
VERSION = 2


class JournalError(RuntimeError):
    """The journal is damaged, or the folders are not in a state it can explain: nothing more is moved."""


class JournalRefused(JournalError):
    """The journal does not describe the folders on disk (forged, copied, unzipped or stale): nothing is moved."""


@dataclass(frozen=True)
class Journal:
    staging: str
    previous: str
    items: tuple[str, ...]
    direction: str = FORWARD
    finished: str | None = None  # when done: which way it went (forward: the new package is in place)
    ids: tuple[str, str] = ("", "")  # folder_id of staging and of previous, as they were when the journal was written

    def to_bytes(self) -> bytes:
        return (json.dumps({"version": VERSION, "staging": self.staging, "previous": self.previous,
                            "items": list(self.items), "direction": self.direction, "finished": self.finished,
                            "ids": list(self.ids)}, indent=2) + "\n").encode("utf-8")


def folder_id(path: Path) -> str:
    """`device:inode` of a folder: what ties a journal to the folders it was written beside."""
    info = os.lstat(path)
    return f"{info.st_dev}:{info.st_ino}"


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
    """The journal in `root`, checked; None when there is none. A build writes it by a rename, so one that
    cannot be read or is not of the shape a build writes was never a build's: JournalRefused."""
    if not _lexists(root / JOURNAL_FILE):
        return None
    try:
        data = parse_json(read_inside(root, JOURNAL_FILE, limit=MAX_JOURNAL_BYTES), JOURNAL_FILE, depth=4)
    except PackageFileError as exc:
        raise JournalRefused(f"the publishing journal {JOURNAL_FILE} cannot be read: {exc}") from None
    if not isinstance(data, dict):
        raise JournalRefused(f"the publishing journal {JOURNAL_FILE} is not a JSON object")
    if data.get("version") != VERSION:
        raise JournalRefused(f"the publishing journal {JOURNAL_FILE} is not of version {VERSION} (an older build's, "
                             "or not a build's at all)")
    staging, previous, items, direction, finished, ids = (data.get(k) for k in ("staging", "previous", "items",
                                                                                "direction", "finished", "ids"))
    if not (isinstance(ids, list) and len(ids) == 2 and all(isinstance(i, str) and _FOLDER_ID.match(i) for i in ids)):
        raise JournalRefused(f"the publishing journal {JOURNAL_FILE} does not identify its folders")
    for name, prefix in ((staging, STAGING_PREFIX), (previous, PREVIOUS_PREFIX)):
        if not (isinstance(name, str) and name.startswith(prefix) and _WORK_FOLDER.match(name)):
            raise JournalRefused(f"the publishing journal names {str(name)[:80]!r}, not a {prefix}* folder of the package")
    if not (isinstance(items, list) and items and all(item in ITEMS for item in items)
            and len(set(items)) == len(items)):
        raise JournalRefused(f"the publishing journal lists items other than {', '.join(ITEMS)}")
    if direction not in (FORWARD, BACK, DONE) or (direction == DONE and finished not in (FORWARD, BACK)):
        raise JournalRefused(f"the publishing journal's direction is {str(direction)[:20]!r}, not forward, back or done")
    return Journal(str(staging), str(previous), tuple(items), direction, finished if direction == DONE else None,
                   (ids[0], ids[1]))


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


def _moves(root: Path, journal: Journal) -> list[tuple[Path, Path]]:
    """Every move the journal asks for, in order, worked out from the folders before anything moves, so that
    a state no publish can leave refuses the whole journal rather than half of it."""
    staging, previous = root / journal.staging, root / journal.previous
    moves = []
    forward = journal.direction == FORWARD
    for item in journal.items if forward else reversed(journal.items):
        new, old, live = (_lexists(path) for path in (staging / item, previous / item, root / item))
        if forward:
            if new and live and old:
                raise JournalRefused(f"{item}: a new copy, a published copy and an old copy all exist; "
                                     "which one is which cannot be told")
            if not new and not live:
                raise JournalRefused(f"{item} is neither in {journal.staging} nor in place")
            if new:
                moves += [(root / item, previous / item)] if live else []
                moves.append((staging / item, root / item))
        else:
            if new and live and old:
                raise JournalRefused(f"{item}: both an old copy and a published copy exist beside the new one")
            if live and not new:
                moves.append((root / item, staging / item))  # the new copy goes back; the old one comes back below
            if old:
                moves.append((previous / item, root / item))
    return moves


def _check_folders(root: Path, journal: Journal) -> None:
    """The journal's folders are the very ones it was written beside (a forged, copied or unzipped journal
    names folders that are missing or have other inodes), and nothing on the way is a link."""
    for name, recorded in zip((journal.staging, journal.previous), journal.ids, strict=True):
        path = root / name
        if _lexists(path) and not _real_folder(path):
            raise JournalRefused(f"{name} is not a folder (a link?); the journal is not followed")
        if _lexists(path) and folder_id(path) != recorded:
            raise JournalRefused(f"{name} is not the folder the journal was written beside (it was copied, unzipped "
                                 "or made again)")
        if not _lexists(path) and journal.direction != DONE:
            raise JournalRefused(f"{name}, which holds copies until the publish is finished, is missing")
    for item in journal.items:
        for base in (root, root / journal.staging, root / journal.previous):
            parent = (base / item).parent
            if parent != base and _lexists(parent) and not _real_folder(parent):
                raise JournalRefused(f"{parent.relative_to(root)} is not a folder (a link?); the journal is not followed")


def apply(root: Path, journal: Journal) -> None:
    """Move every item the way the journal says (forward or back); safe to run again after any interruption."""
    _check_folders(root, journal)
    if journal.direction == DONE:
        return
    for source, target in _moves(root, journal):
        _move(source, target)
        fsync_folder(target.parent)
    fsync_folder(root)


def finish(root: Path, journal: Journal) -> str:
    """After `apply`: mark the journal done, remove the staging and old copies, then the journal."""
    if journal.direction != DONE:
        # Marked done before anything is removed: once the copies are being deleted, which item is
        # where can no longer be read off the folders.
        journal = replace(journal, direction=DONE, finished=journal.direction)
        write_journal(root, journal)
    for name, recorded in zip((journal.staging, journal.previous), journal.ids, strict=True):
        # Checked again just before: only the folders this journal was written beside are ever removed.
        if _real_folder(root / name) and folder_id(root / name) == recorded:
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
    if journal.direction == DONE and not any(_lexists(root / name) for name in (journal.staging, journal.previous)):
        # Nothing is left to move or remove, so nothing here shows a publish happened (the journal may be
        # forged): say only what is done.
        finish(root, journal)
        return LEFTOVER_REMOVED
    return f"an interrupted publish was finished: {finish(root, journal)}"


def recover(root: Path) -> str | None:
    """What `build` does first (holding the build lock): finish an interrupted publish, then remove dead
    builds' leftovers. Returns what was finished; JournalError (JournalRefused for a journal that does not
    match the disk) leaves everything as it is, the leftovers too."""
    done = complete(root)
    clean_stale(root)
    return done


def clean_stale(root: Path, keep: frozenset[str] = frozenset()) -> list[str]:
    """Remove staging folders and journal temporaries of dead builds. The caller holds the build lock,
    so no live build (which would hold it) can own them; a folder whose process still runs is kept
    anyway. A `.previous-*` folder is removed only when empty (a build killed before writing its journal):
    outside a journal it may hold the only copy. Called only with no journal present."""
    removed = []
    for entry in os.scandir(root):
        match = _WORK_FOLDER.match(entry.name)
        if match and entry.name not in keep and entry.is_dir(follow_symlinks=False):
            pid = int(match.group(2))
            if pid != os.getpid() and _alive(pid):
                continue
            if match.group(1) == "staging":
                shutil.rmtree(entry.path)
            elif _empty(entry.path):
                os.rmdir(entry.path)
            else:
                continue
            removed.append(entry.name)
        elif _JOURNAL_TEMPORARY.match(entry.name) and entry.is_file(follow_symlinks=False):
            os.unlink(entry.path)
            removed.append(entry.name)
    return removed


def _empty(folder: str) -> bool:
    with os.scandir(folder) as entries:
        return next(entries, None) is None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def pending(root: Path) -> list[Problem]:
    """What a reader (`validate`) says about a folder with a publishing journal: that a publish is pending,
    which only `build` finishes. Nothing is moved, removed or locked: a reader never changes a package."""
    if not _lexists(Path(root) / JOURNAL_FILE):
        return []
    return [Problem("publish-pending", "a publish into this folder was interrupted (or this journal came with "
                    "the folder from elsewhere), so the files in place may be a mixture: run `belarus-china build` "
                    "here, which finishes it under the build lock, or refuses a journal that does not match the "
                    "folders on disk", file=JOURNAL_FILE)]
