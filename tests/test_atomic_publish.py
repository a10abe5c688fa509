"""A build that fails at any step, even while writing or swapping, leaves the published files as they were
(a SIGKILL at any moment: tests/test_crash_safety.py)."""

from __future__ import annotations

import errno
import os

import pytest
from conftest import snapshot

from belarus_china.base.problems import ProblemsFound
from belarus_china.cli import main
from belarus_china.pipeline import build
from belarus_china.publish import stage as publish
from belarus_china.publish import written


def _change_a_value(root):
    path = root / "build/002_c5e2ce6a28da5d25.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("whose statistics China Daily used.", "whose statistics China Daily used (edited).", 1),
                    encoding="utf-8")


@pytest.mark.parametrize("failure, raised", [(OSError(errno.ENOSPC, "No space left on device"), ProblemsFound),
                                             (KeyboardInterrupt(), KeyboardInterrupt)], ids=["error", "interrupt"])
def test_a_failure_while_writing_changes_nothing(project, monkeypatch, failure, raised):
    _change_a_value(project)  # so that a completed build would change the published files
    before = snapshot(project)
    real_open = written.open_for_writing
    opened = []

    def write_some_then_fail(path):
        # Files are written into staging one by one as they are rendered: fail at the 20th, with a
        # tables' and the docs' files already on disk.
        opened.append(path)
        if len(opened) == 20:
            raise failure
        return real_open(path)

    monkeypatch.setattr(written, "open_for_writing", write_some_then_fail)
    with pytest.raises(raised) as caught:
        build(project, use_frictionless=False)
    if raised is ProblemsFound:
        assert [p.code for p in caught.value.problems] == ["write-failed"]
    assert len(opened) == 20
    assert snapshot(project) == before
    assert not list(project.glob(".staging-*"))  # the partial staging folder does not keep the disk full


def test_a_failure_during_the_swap_restores_the_old_files(project, monkeypatch):
    _change_a_value(project)
    before = snapshot(project)
    real_replace, calls = os.replace, []

    def replace_then_fail(src, dst):
        calls.append(dst)
        if len(calls) == 5:  # the old files are moved aside, the first new one is in place
            raise OSError("power cut")
        return real_replace(src, dst)

    monkeypatch.setattr(publish.os, "replace", replace_then_fail)
    with pytest.raises(ProblemsFound, match="power cut.*undone: nothing was published"):
        build(project, use_frictionless=False)
    monkeypatch.setattr(publish.os, "replace", real_replace)
    assert snapshot(project) == before
    assert not list(project.glob(".previous-*")) and not list(project.glob(".staging-*"))
    assert not (project / ".publish-journal.json").exists()


def test_a_failing_sqlite_step_changes_nothing(project, monkeypatch, capsys):
    """It used to run after the swap: a full disk there failed a build that had already published."""
    import belarus_china.pipeline as pipeline

    _change_a_value(project)
    before = snapshot(project)
    database = (project / "dist/belarus-china.sqlite").read_bytes()

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pipeline, "write_sqlite", full_disk)
    assert main(["build", "--root", str(project), "--no-frictionless"]) == 1
    err = capsys.readouterr().err
    assert "nothing was published" in err and "[write-failed]" in err and "Traceback" not in err
    assert snapshot(project) == before and (project / "dist/belarus-china.sqlite").read_bytes() == database
    assert not list(project.glob(".staging-*"))


def test_a_completed_build_does_change_them(project):
    _change_a_value(project)
    before = snapshot(project)
    build(project, use_frictionless=False)
    after = snapshot(project)
    assert after != before and not list(project.glob(".staging-*"))
