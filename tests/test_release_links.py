"""`package` never follows a link: a README.md linked outside the checkout, a linked file or folder under
docs/ or datasets/, a FIFO: each is refused (release-link), named, and no zip is written."""

from __future__ import annotations

import os
import shutil

import pytest
from conftest import ROOT

from belarus_china.base.problems import ProblemsFound
from belarus_china.cli import main
from belarus_china.publish.release import write_zip

SECRET = "a secret outside the checkout\n"


@pytest.fixture
def release_root(project):
    for name in ("README.md", "CHANGELOG.md", "LICENSE", "LICENSE-DATA.md"):
        if not (project / name).exists():
            shutil.copy(ROOT / name, project / name)
    return project


def _plant(root, tmp_path, where: str) -> str:
    outside = tmp_path / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "secret.md").write_text(SECRET, encoding="utf-8")
    target = root / where
    if where == "README.md":
        target.unlink()
        target.symlink_to(outside / "secret.md")
    elif where.endswith("/"):
        target = root / where.rstrip("/")
        target.symlink_to(outside, target_is_directory=True)
    elif where == "docs/fifo":
        os.mkfifo(target)
    else:
        target.symlink_to(outside / "secret.md")
    return where.rstrip("/")


@pytest.mark.parametrize("where", ["README.md", "docs/linked.md", "docs/outside/", "docs/fifo"])
def test_package_refuses_a_link_and_writes_no_zip(release_root, tmp_path, where):
    planted = _plant(release_root, tmp_path, where)
    out = tmp_path / "dist" / "release.zip"
    with pytest.raises(ProblemsFound) as caught:
        write_zip(release_root, out)
    (problem,) = caught.value.problems
    assert problem.code == "release-link" and problem.file == planted
    assert not out.exists() and not list(out.parent.glob("*"))


def test_the_cli_names_the_link_without_a_traceback(release_root, tmp_path, capsys):
    _plant(release_root, tmp_path, "README.md")
    out = tmp_path / "release.zip"
    assert main(["package", "--root", str(release_root), "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert "README.md" in captured.err + captured.out and "[release-link]" in captured.err + captured.out
    assert "Traceback" not in captured.err and not out.exists()


def test_package_refuses_files_no_build_made_and_hard_links(release_root, tmp_path):
    """Adversarial review 4, F1: a private note, an editor's swap file and scratch output in docs/ and datasets/
    went into the release zip (the build refuses the very same files), and so did a hard link to a file
    outside the checkout."""
    out = tmp_path / "dist" / "release.zip"
    strays = ["docs/notes-private.txt", "docs/.codebook.md.swp", "datasets/tmp/scratch.csv"]
    for stray in strays:
        (release_root / stray).parent.mkdir(parents=True, exist_ok=True)
        (release_root / stray).write_text("private\n", encoding="utf-8")
    with pytest.raises(ProblemsFound) as caught:
        write_zip(release_root, out)
    assert sorted((p.code, p.file) for p in caught.value.problems) == sorted(
        ("unknown-published-file", stray) for stray in strays)
    assert not out.exists()
    for stray in strays:
        (release_root / stray).unlink()
    outside = tmp_path / "outside.txt"
    outside.write_text(SECRET, encoding="utf-8")
    (release_root / "docs" / "outside.txt").hardlink_to(outside)
    with pytest.raises(ProblemsFound) as caught:
        write_zip(release_root, out)
    assert [(p.code, p.file) for p in caught.value.problems] == [("release-link", "docs/outside.txt")]
    assert "2 hard links" in caught.value.problems[0].message
    assert not out.exists()
    (release_root / "docs" / "outside.txt").unlink()
    assert write_zip(release_root, out) == out  # the package itself is packaged
