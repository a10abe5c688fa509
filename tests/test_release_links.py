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
