"""A publishing journal the build did not write here (forged, unzipped or copied over a package, or stale) is
refused and never obeyed into a move or a deletion; `validate` never recovers, it reports a pending publish."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from belarus_china.base import journal
from belarus_china.base.problems import ProblemsFound
from belarus_china.cli import main
from belarus_china.pipeline import build

PUBLISHED = ("datasets", "docs", "datapackage.json", "CITATION.cff")


def every_file(root: Path) -> dict[str, str]:
    """sha256 of every file under root (the journal aside), by path."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and p.name not in (journal.JOURNAL_FILE, ".build.lock")}


def _journal(root: Path, **fields) -> None:
    data = {"version": 1, "staging": ".staging-1-x", "previous": ".previous-1-x", "items": list(PUBLISHED),
            "direction": "back", "finished": None, **fields}
    (root / journal.JOURNAL_FILE).write_text(json.dumps(data), encoding="utf-8")


def _build_refuses(root: Path) -> ProblemsFound:
    with pytest.raises(ProblemsFound) as caught:
        build(root, use_frictionless=False)
    return caught.value


# The journals of the review, and their variants: each names folders that are not the ones it was written beside.
FORGED = {
    "back, no staging folder (the review's)": {},
    "back, version 2 with made-up folder ids": {"version": 2, "ids": ["1:2", "3:4"]},
    "forward, version 2, no staging folder": {"version": 2, "ids": ["1:2", "3:4"], "direction": "forward"},
    "done, version 2": {"version": 2, "ids": ["1:2", "3:4"], "direction": "done", "finished": "back"},
}


@pytest.mark.parametrize("fields", FORGED.values(), ids=FORGED.keys())
def test_a_forged_journal_deletes_nothing_in_validate_or_build(project, fields, capsys):
    before = every_file(project)
    _journal(project, **fields)
    assert main(["validate", str(project), "--no-frictionless"]) == 1
    out, _ = capsys.readouterr()
    assert "[publish-pending]" in out and "back in place" not in out
    assert every_file(project) == before
    if fields.get("direction") == "done":
        # Nothing left to move or remove: the journal is ignored (removed) and the build goes on, reproducing
        # the same package.
        messages: list[str] = []
        build(project, use_frictionless=False, report=messages.append)
        assert not (project / journal.JOURNAL_FILE).exists()
        # adversarial review 4, F8: it said "an interrupted publish was finished: ... in place"
        assert f"  {journal.LEFTOVER_REMOVED}" in messages
        assert not any("interrupted publish was finished" in message for message in messages)
    else:
        refused = _build_refuses(project)
        assert {p.code for p in refused.problems} == {"journal-refused"}
        assert (project / journal.JOURNAL_FILE).exists()
    assert every_file(project) == before
    assert not list(project.glob(".staging-*")) and not list(project.glob(".previous-*"))


def test_a_journal_unzipped_with_its_folders_over_a_package_is_refused(project):
    """Journal and folders from another copy: the folders exist with the right names, but are new folders."""
    before = every_file(project)
    staging, previous = project / ".staging-77-abc", project / ".previous-77-abc"
    (staging / "docs").mkdir(parents=True)
    (staging / "docs" / "planted.md").write_text("planted\n", encoding="utf-8")
    previous.mkdir()
    _journal(project, version=2, staging=staging.name, previous=previous.name, direction="forward", items=["docs"],
             ids=["64768:1", "64768:2"])
    planted = every_file(project)
    assert {p.code for p in _build_refuses(project).problems} == {"journal-refused"}
    assert every_file(project) == planted  # docs/ not replaced, the planted folders not removed
    assert set(before) < set(planted)


def test_a_stale_done_journal_does_not_remove_a_previous_folder_it_did_not_make(project):
    kept = project / ".previous-5-old"
    (kept / "docs").mkdir(parents=True)
    (kept / "docs" / "only-copy.md").write_text("the only copy\n", encoding="utf-8")
    info = os.lstat(project / "docs")  # a real folder's id, but not this folder's
    _journal(project, version=2, previous=kept.name, direction="done", finished="forward",
             ids=["1:1", f"{info.st_dev}:{info.st_ino}"])
    assert {p.code for p in _build_refuses(project).problems} == {"journal-refused"}
    assert (kept / "docs" / "only-copy.md").read_text(encoding="utf-8") == "the only copy\n"


def test_a_journal_whose_folder_is_a_link_is_refused(project, tmp_path):
    outside = tmp_path / "outside"
    (outside / "docs").mkdir(parents=True)
    (project / ".staging-9-ln").symlink_to(outside, target_is_directory=True)
    (project / ".previous-9-ln").mkdir()
    previous_id = journal.folder_id(project / ".previous-9-ln")
    _journal(project, version=2, staging=".staging-9-ln", previous=".previous-9-ln", direction="forward",
             items=["docs"], ids=[journal.folder_id(outside), previous_id])
    before = every_file(project)
    assert {p.code for p in _build_refuses(project).problems} == {"journal-refused"}
    assert every_file(project) == before and (outside / "docs").is_dir()


def test_a_journal_of_its_own_folders_in_an_impossible_state_moves_nothing(project):
    """Every move is worked out before the first: an item in no place refuses the whole journal, not half of it."""
    staging, previous = project / ".staging-8-st", project / ".previous-8-st"
    shutil.copytree(project / "docs", staging / "docs")
    previous.mkdir()
    _journal(project, version=2, staging=staging.name, previous=previous.name, direction="forward",
             items=["docs", "CITATION.cff"], ids=[journal.folder_id(staging), journal.folder_id(previous)])
    (project / "CITATION.cff").unlink()  # neither new nor in place: no publish leaves this
    before = every_file(project)
    assert {p.code for p in _build_refuses(project).problems} == {"journal-refused"}
    assert every_file(project) == before


@pytest.mark.parametrize("content", ["{not json", "[]", json.dumps({"version": 2, "ids": "1:2"})],
                         ids=["not JSON", "not an object", "ids not a pair"])
def test_a_journal_no_build_could_have_written_is_refused(project, content):
    (project / journal.JOURNAL_FILE).write_text(content, encoding="utf-8")
    before = every_file(project)
    assert {p.code for p in _build_refuses(project).problems} == {"journal-refused"}
    assert every_file(project) == before
