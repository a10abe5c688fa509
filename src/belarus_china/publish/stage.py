"""Publishing the written files: a staging folder beside the published package, into which the caller
renders the new package file by file (`written.py`), validated by the caller, then moved into place
through the publishing journal (`base/journal.py`), so that an error, an interrupt or a SIGKILL at any
moment leaves the old package or the new one, never a mixture.

The caller holds the build lock (`base/lock.py`) from before it reads its inputs until `publish`
returns. A build only replaces what builds make: a file in datasets/ or docs/ that neither the
published package nor the new one lists stops it (`unknown_files`).
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from ..base.journal import (
    BACK,
    ITEMS,
    PREVIOUS_PREFIX,
    STAGING_PREFIX,
    Journal,
    JournalError,
    apply,
    finish,
    folder_id,
    fsync_tree,
    read_journal,
    write_journal,
)
from ..base.package_source import DataPackageError, PackageSource
from ..base.problems import Problem, ProblemsFound, write_error
from ..base.published_files import listed_files, unlisted_files
from ..base.rawstore import RAW_FOLDER
from .written import StagedFiles

STEP = "publishing"
T = TypeVar("T")


def _write_failed(what: str, exc: BaseException) -> ProblemsFound:
    return ProblemsFound(STEP, [Problem("write-failed", f"{what} failed: {write_error(exc)}; nothing was published "
                                        "and the partial staging folder was removed")])


def stage(root: Path, render: Callable[[StagedFiles], T]) -> tuple[Path, StagedFiles, T]:
    """Write the package beside the published one: `render` writes its files into the staging folder (each as
    it is rendered), then raw/ is copied so that the package validates on its own. Returns the folder, what
    was written (sizes and hashes) and what `render` returned.
    A write that fails (a full disk) removes what was written and raises ProblemsFound (write-failed);
    anything else `render` raises removes it too and is raised as it is."""
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=root))
    try:
        out = StagedFiles(staging)
        rendered = render(out)
        shutil.copytree(root / RAW_FOLDER, staging / RAW_FOLDER)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise _write_failed("writing the new package", exc) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging, out, rendered


def discard(staging: Path) -> None:
    """Remove a staging folder that no journal refers to (a failed or refused build)."""
    if staging.is_dir() and not staging.is_symlink():
        shutil.rmtree(staging, ignore_errors=True)


def _made_by_builds(root: Path) -> set[str]:
    """The files the published package's descriptor lists (tables and generated files)."""
    try:
        source = PackageSource(root)
    except DataPackageError:
        return set()
    try:
        return listed_files(source.descriptor)
    finally:
        source.close()


def unknown_files(root: Path, files: Iterable[str]) -> list[str]:
    """Files (and links) in datasets/ and docs/ that neither the published package nor the new one lists."""
    return unlisted_files(root, _made_by_builds(root) | set(files))


def refuse_unknown_files(root: Path, files: Iterable[str]) -> None:
    unknown = unknown_files(root, files)
    if unknown:
        raise ProblemsFound(STEP, [Problem("unknown-published-file", "was not made by a build, and publishing replaces "
                                           f"{path.split('/')[0]}/ whole: move it out of the folder, then build again",
                                           file=path) for path in unknown])


def publish(root: Path, staging: Path) -> str | None:
    """Move the staged items into place through the journal; returns a note when something is left to tidy.

    A failure while moving (an error or an interrupt) is undone: the old files are put back and the
    failure is raised (an OSError as ProblemsFound, write-failed). When undoing fails too, nothing is
    deleted: the journal and both copies stay, ProblemsFound (publish-incomplete) says so, and the next
    build finishes the job."""
    items = tuple(item for item in ITEMS if os.path.lexists(staging / item))
    previous = root / f"{PREVIOUS_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
    journal = None
    try:
        fsync_tree(staging)
        # Made before the journal, which records both folders' identities: recovery then moves and removes
        # only these very folders, never ones a copied or forged journal names.
        previous.mkdir()
        journal = Journal(staging.name, previous.name, items, ids=(folder_id(staging), folder_id(previous)))
        write_journal(root, journal)  # the commit point
    except OSError as exc:
        if journal is None or read_journal_or_none(root) != journal:
            discard(staging)
            if previous.is_dir() and not previous.is_symlink():
                previous.rmdir()
            raise _write_failed("writing the publishing journal", exc) from None
    assert journal is not None
    try:
        apply(root, journal)
    except BaseException as failure:
        _undo(root, journal, failure)
        if isinstance(failure, OSError | JournalError):
            raise ProblemsFound(STEP, [Problem("write-failed", f"moving the new files into place failed ({failure}); "
                                               "it was undone: nothing was published")]) from None
        raise
    try:
        finish(root, journal)
        return None
    except OSError as exc:  # the new package is in place; only leftovers remain, which the next run removes
        return f"the new package is in place (removing the old copy failed: {exc}; the next build does it)"


def read_journal_or_none(root: Path) -> Journal | None:
    try:
        return read_journal(root)
    except JournalError:
        return None


def _undo(root: Path, journal: Journal, failure: BaseException) -> None:
    back = replace(journal, direction=BACK)
    try:
        write_journal(root, back)  # recorded first, so an interrupted undo is finished the same way
        apply(root, back)
    except (OSError, JournalError) as second:
        raise ProblemsFound(STEP, [Problem(
            "publish-incomplete",
            f"moving the new files into place failed ({failure}), and so did putting the old ones back ({second}). "
            f"Nothing was deleted: the journal {root.name}/.publish-journal.json, the new files in {journal.staging}/ "
            f"and the old ones in {journal.previous}/ are kept; run `belarus-china build` to finish it")]) \
            from None
    try:
        finish(root, back)
    except OSError:
        pass  # the old package is in place; the next build removes the leftovers
