"""Crash-safe publishing: a SIGKILL at every file operation of publishing (and of recovery), a double
fault, the build lock and two concurrent builds, stale staging folders, a full disk, files the build
did not make. After each, the next command leaves a complete package, old or new, that validates."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

from belarus_china.base import journal
from belarus_china.base.problems import ProblemsFound
from belarus_china.contract.validate import validate_package
from belarus_china.pipeline import build
from belarus_china.publish import stage as publishing

CRASH = Path(__file__).with_name("crash_publish.py")
EDITED_FILE = "build/002_c5e2ce6a28da5d25.yaml"
OLD_WORDS, NEW_WORDS = "whose statistics China Daily used.", "whose statistics China Daily used (edited)."
# File operations of one publish, each of which a SIGKILL is injected before: the folder for the old
# copies (1), the journal (1), twelve moves (two for each of the six items) and the folder for the old
# SQLite file (13), the journal marked
# done (1), the two removals counted at their start and at their first step (4), the journal removed (1).
# test_the_crash_points_are_every_file_operation checks the count on a real run; the README states it.
CRASH_POINTS = 21
ITEMS = journal.ITEMS


def published_state(root: Path) -> dict[str, str]:
    """sha256 of every published file: datasets/, docs/, the descriptor, CITATION.cff and the SQLite file."""
    found = {}
    for item in ITEMS:
        path = root / item
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path] if path.is_file() else []
        found.update({str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files})
    return found


def _edit(root: Path) -> None:
    path = root / EDITED_FILE
    path.write_text(path.read_text(encoding="utf-8").replace(OLD_WORDS, NEW_WORDS, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def versions(built_package, tmp_path_factory):
    """An old published project and the new package a build of edited inputs stages, with both states."""
    work = tmp_path_factory.mktemp("crash")
    old = work / "old"
    shutil.copytree(built_package, old)
    new = work / "new"
    shutil.copytree(built_package, new)
    _edit(new)
    build(new, use_frictionless=False)
    old_state, new_state = published_state(old), published_state(new)
    assert old_state != new_state and set(old_state) == set(new_state)
    return old, new, old_state, new_state


def _prepare(versions, tmp_path) -> tuple[Path, Path]:
    """A copy of the old project with the new package staged in it, as a build leaves it before publishing."""
    old, new, _, _ = versions
    root = tmp_path / "project"
    shutil.copytree(old, root)
    staging = root / f".staging-{os.getpid()}-crashtest"
    for item in (*ITEMS, "raw"):
        source, target = new / item, staging / item
        target.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, target)
    return root, staging


def _crash(mode: str, root: Path, staging: Path, point: int) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(CRASH), mode, str(root), str(staging), str(point)],
                          capture_output=True, text=True, timeout=120)


def _leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith((".previous-", ".publish-journal")))


def test_the_crash_points_are_every_file_operation(versions, registry, tmp_path):
    root, staging = _prepare(versions, tmp_path)
    run = _crash("publish", root, staging, 0)
    assert run.returncode == 0, run.stderr
    assert int(run.stdout.split()[-1]) == CRASH_POINTS
    assert published_state(root) == versions[3]
    assert validate_package(versions[0], registry, use_frictionless=False) == []  # both ends validate
    assert validate_package(root, registry, use_frictionless=False) == []


# Where `validate` runs after the kill too (it reports the pending publish and changes nothing); at every
# point the recovery a build starts with is run, and the package is then byte for byte the old or the new
# one, both of which validate.
FULLY_VALIDATED = {1, 2, 3, CRASH_POINTS // 2, CRASH_POINTS}
JOURNAL_WRITTEN = 2  # the operation that writes the journal: a kill after it leaves the new package


@pytest.mark.parametrize("point", range(1, CRASH_POINTS + 1))
def test_a_sigkill_at_any_file_operation_of_publishing_leaves_a_package_the_next_build_completes(
        versions, registry, tmp_path, point):
    _, _, old_state, new_state = versions
    root, staging = _prepare(versions, tmp_path)
    run = _crash("publish", root, staging, point)
    assert run.returncode == -signal.SIGKILL, (run.returncode, run.stderr)
    if point in FULLY_VALIDATED:
        before = _all_files(root)
        problems = validate_package(root, registry, use_frictionless=False)
        assert [p.code for p in problems] == (["publish-pending"] if point > JOURNAL_WRITTEN else [])
        assert _all_files(root) == before  # a reader moves and removes nothing
    finished = journal.recover(root)
    state = published_state(root)
    assert state in (old_state, new_state), f"a mixture after a kill at operation {point}"
    assert _leftovers(root) == [] and not list(root.glob(".staging-*"))
    if point > JOURNAL_WRITTEN:  # the journal was written: the new package was completed, and recovery said so
        # killed after both copies were removed, the journal (marked done) is all that is left of the publish
        assert state == new_state and finished in ("an interrupted publish was finished: the new package is in place",
                                                   journal.LEFTOVER_REMOVED)
    else:
        assert state == old_state and finished is None
    if point in FULLY_VALIDATED:
        assert validate_package(root, registry, use_frictionless=False) == []


@pytest.mark.parametrize("point, recovery_point", [(4, 1), (7, 3), (15, 2)])
def test_a_sigkill_during_recovery_is_recovered_too(versions, registry, tmp_path, point, recovery_point):
    root, staging = _prepare(versions, tmp_path)
    assert _crash("publish", root, staging, point).returncode == -signal.SIGKILL
    assert _crash("recover", root, staging, recovery_point).returncode == -signal.SIGKILL
    assert journal.recover(root) == "an interrupted publish was finished: the new package is in place"
    assert validate_package(root, registry, use_frictionless=False) == []
    assert published_state(root) == versions[3] and _leftovers(root) == []


def test_the_next_build_finishes_a_killed_publish_and_removes_its_staging(versions, tmp_path, capsys):
    root, staging = _prepare(versions, tmp_path)
    assert _crash("publish", root, staging, 6).returncode == -signal.SIGKILL
    messages: list[str] = []
    build(root, use_frictionless=False, report=messages.append)
    assert "  an interrupted publish was finished: the new package is in place" in messages
    assert published_state(root) == versions[2]  # then it builds its own inputs: the old ones
    assert not list(root.glob(".staging-*")) and _leftovers(root) == []


def _all_files(root: Path) -> dict[str, list[str]]:
    """Where each file content (by hash) is, anywhere under root."""
    found: dict[str, list[str]] = {}
    for path in root.rglob("*"):
        if path.is_file():
            found.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), []).append(str(path.relative_to(root)))
    return found


def test_a_failed_swap_whose_undo_fails_too_loses_nothing(versions, registry, tmp_path, monkeypatch):
    """The double fault of the review: the old code's `finally` then deleted the old copies."""
    _, _, old_state, new_state = versions
    root, staging = _prepare(versions, tmp_path)
    real_replace, calls = os.replace, []

    def failing_replace(src, dst, **kwargs):
        calls.append(dst)
        if len(calls) == 5 or len(calls) >= 8:  # a move of the publish, then every move of the undo after the first
            raise OSError(errno.EIO, "input/output error")
        return real_replace(src, dst, **kwargs)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(ProblemsFound) as caught:
        publishing.publish(root, staging)
    monkeypatch.setattr(os, "replace", real_replace)
    (problem,) = caught.value.problems
    assert problem.code == "publish-incomplete" and "Nothing was deleted" in problem.message
    everywhere = _all_files(root)
    assert set(old_state.values()) <= set(everywhere) and set(new_state.values()) <= set(everywhere)
    assert journal.recover(root) == "an interrupted publish was finished: the previous package is back in place"
    assert published_state(root) == old_state  # the undo was recorded, so recovery finishes the undo
    assert validate_package(root, registry, use_frictionless=False) == []
    assert _leftovers(root) == []


def test_a_killed_publish_copied_elsewhere_is_refused_there_and_finished_here(versions, tmp_path):
    """The copy's journal names folders of the same names, but not the folders it was written beside."""
    root, staging = _prepare(versions, tmp_path)
    assert _crash("publish", root, staging, 6).returncode == -signal.SIGKILL
    copy = tmp_path / "copy"
    shutil.copytree(root, copy, symlinks=True)
    before = _all_files(copy)
    with pytest.raises(journal.JournalRefused, match="not the folder the journal was written beside"):
        journal.recover(copy)
    assert _all_files(copy) == before
    assert journal.recover(root) == "an interrupted publish was finished: the new package is in place"
    assert published_state(root) == versions[3] and _leftovers(root) == []


# --- the build lock -----------------------------------------------------------------------------------

HOLD_LOCK = """
import sys, time
from pathlib import Path
from belarus_china.base.lock import BuildLock
lock = BuildLock(Path(sys.argv[1])).acquire()
print("locked", flush=True)
sys.stdin.readline()          # until the test says: let go of the lock
lock.release()
print("released", flush=True)
sys.stdin.readline()          # then stay alive until told to exit
"""


def _holder(root: Path) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(root)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "locked"
    return process


def test_a_second_build_refuses_with_a_clear_message_while_the_lock_is_held(project):
    holder = _holder(project)
    try:
        with pytest.raises(ProblemsFound) as caught:
            build(project, use_frictionless=False, lock_timeout=0)
        (problem,) = caught.value.problems
        assert problem.code == "build-locked" and f"process {holder.pid}" in problem.message
    finally:
        holder.communicate("\n\n", timeout=30)


def test_a_waiting_build_cleans_dead_builds_staging_but_never_a_live_ones(project):
    holder = _holder(project)
    try:
        dead = project / ".staging-4194304-deadbuild"  # above the kernel's largest pid: no such process
        live = project / f".staging-{holder.pid}-livebuild"
        for folder in (dead, live):
            folder.mkdir()
            (folder / "datapackage.json").write_text("{}")
        messages: list[str] = []
        holder.stdin.write("\n")
        holder.stdin.flush()
        build(project, use_frictionless=False, lock_timeout=60, report=messages.append)
        assert holder.stdout.readline().strip() == "released"
        assert not dead.exists() and live.is_dir()
    finally:
        holder.communicate("\n\n", timeout=30)


# The first build lingers 3 s after reading its inputs (a test-side patch in its own process), so that the
# second one certainly starts while the first still has to publish, whatever the machine's speed.
SLOW_BUILD = """
import sys, time
import belarus_china.pipeline as pipeline
audit = pipeline.coverage
pipeline.coverage = lambda *args: (time.sleep(3), audit(*args))[1]
from belarus_china.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_two_concurrent_builds_publish_the_newer_inputs_and_never_traceback(project):
    arguments = ["build", "--root", str(project), "--no-frictionless"]
    command = [sys.executable, "-m", "belarus_china.cli", *arguments]
    first = subprocess.Popen([sys.executable, "-c", SLOW_BUILD, *arguments], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
    seen = []
    for line in first.stdout:  # the first build holds the lock once it starts reading its inputs
        seen.append(line)
        if "auditing coverage" in line:
            break
    _edit(project)  # newer inputs, after the first build has read its own
    second = subprocess.run(command, capture_output=True, text=True, timeout=300)
    rest = first.communicate(timeout=300)[0]
    outputs = "".join(seen) + rest + second.stdout + second.stderr
    assert first.returncode == 0 and second.returncode == 0, outputs
    assert "Traceback" not in outputs
    assert "waiting for the build lock" in second.stdout
    assert NEW_WORDS in (project / "datasets/csv/trade_figures.csv").read_text(encoding="utf-8")


# --- full disk, strangers' files ----------------------------------------------------------------------

FILE_SIZE_LIMIT = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # a write past the limit fails with EFBIG instead
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), int(sys.argv[1])))
from belarus_china.cli import main
sys.exit(main(["build", "--root", sys.argv[2], "--no-frictionless"]))
"""


def _between_the_largest_file_and_the_database(project) -> int:
    """A file size limit above every published file but below the SQLite database (read from the built copy)."""
    published = [p for folder in ("datasets", "docs") for p in (project / folder).rglob("*") if p.is_file()]
    largest = max(p.stat().st_size for p in [*published, project / "datapackage.json"])
    database = (project / "dist/belarus-china.sqlite").stat().st_size
    assert largest * 1.2 < database, (largest, database)
    return int(largest * 1.1)


@pytest.mark.parametrize("limit, failing", [(None, "dist/belarus-china.sqlite"), (30_000, "writing the new package")],
                         ids=["sqlite step", "staging"])
def test_a_full_disk_changes_nothing_and_is_reported_without_a_traceback(project, limit, failing):
    """Real write failures (a per-file size limit makes the kernel refuse the write): the SQLite file (the
    largest file a build writes) or the largest CSV (about 50 KB) cannot be written."""
    limit = limit or _between_the_largest_file_and_the_database(project)
    _edit(project)
    before = published_state(project)
    run = subprocess.run([sys.executable, "-c", FILE_SIZE_LIMIT, str(limit), str(project)], capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Traceback" not in run.stderr and "[write-failed]" in run.stderr and failing in run.stderr
    assert "nothing was published" in run.stderr
    assert "cannot rollback" not in run.stderr and "the disk may be full" in run.stderr
    assert published_state(project) == before
    assert not list(project.glob(".staging-*")) and _leftovers(project) == []


@pytest.mark.parametrize("stranger", ["docs/my-notes.md", "datasets/csv/extra.csv"])
def test_a_file_the_build_did_not_make_stops_it_and_is_kept(project, stranger):
    _edit(project)
    (project / stranger).write_text("mine\n")
    before = published_state(project)
    with pytest.raises(ProblemsFound) as caught:
        build(project, use_frictionless=False)
    assert [(p.code, p.file) for p in caught.value.problems] == [("unknown-published-file", stranger)]
    assert (project / stranger).read_text() == "mine\n" and published_state(project) == before


def test_a_file_an_earlier_build_made_is_not_a_stranger(project):
    """docs/ files a previous build listed (generated_files) may go away when a build stops making them."""
    import json

    descriptor = json.loads((project / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["generated_files"].append({"path": "docs/old-chart.svg", "bytes": 1, "hash": "sha256:" + "0" * 64})
    (project / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    (project / "docs/old-chart.svg").write_text("x")
    build(project, use_frictionless=False)
    assert not (project / "docs/old-chart.svg").exists()


def test_the_lock_and_journal_files_are_ignored_by_git():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert {"/.build.lock", "/.publish-journal*", "/.staging-*/", "/.previous-*/"} <= set(ignored)


def test_a_build_waits_no_longer_than_its_lock_timeout(project):
    holder = _holder(project)
    try:
        started = time.monotonic()
        with pytest.raises(ProblemsFound, match="after waiting 1 s"):
            build(project, use_frictionless=False, lock_timeout=1)
        assert 0.9 < time.monotonic() - started < 10
    finally:
        holder.communicate("\n\n", timeout=30)


def test_a_failing_build_after_a_kill_first_finishes_the_publish_then_says_nothing_was_published(versions, tmp_path,
                                                                                                  capsys):
    """The review's case: the old code printed "nothing was published" over a half-published package."""
    from belarus_china.cli import main

    root, staging = _prepare(versions, tmp_path)
    assert _crash("publish", root, staging, 3).returncode == -signal.SIGKILL
    path = root / EDITED_FILE
    path.write_text(path.read_text(encoding="utf-8").replace("    change_pct: 83.6\n", "    change_pct: a lot\n", 1),
                    encoding="utf-8")
    assert main(["build", "--root", str(root), "--no-frictionless"]) == 1
    out, err = capsys.readouterr()
    assert "an interrupted publish was finished: the new package is in place" in out
    assert "nothing was published" in err and "[value-unparseable]" in err
    assert published_state(root) == versions[3] and _leftovers(root) == []


@pytest.mark.parametrize("folder", ["raw", "datasets/csv", "docs", "build", "validation"])
def test_package_refuses_to_write_the_zip_into_the_package(project, folder, capsys):
    from belarus_china.cli import main

    before = sorted(p.name for p in (project / folder).iterdir())
    assert main(["package", "--root", str(project), "--out", str(project / folder / "x.zip")]) == 2
    assert f"inside {folder.split('/')[0]}/" in capsys.readouterr().err
    assert sorted(p.name for p in (project / folder).iterdir()) == before
