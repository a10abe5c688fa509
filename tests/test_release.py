"""The release workflow (.github/workflows/release.yml) does what it says: its steps after .ci/run are run
here, as GitHub runs them (bash -eo pipefail, GITHUB_ENV, GITHUB_REF_NAME), on a built copy of the
project, with a fake `gh` that records what it was asked to do. The README's "Download" section names
the files the workflow attaches, and CITATION.cff names the code repository only when the metadata does."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from belarus_china.pipeline import SQLITE_PATH
from belarus_china.publish.descriptor import version
from belarus_china.publish.release import citation_cff

WORKFLOW = yaml.safe_load((ROOT / ".github/workflows/release.yml").read_text(encoding="utf-8"))
CI = yaml.safe_load((ROOT / ".github/workflows/ci.yml").read_text(encoding="utf-8"))
STEPS = WORKFLOW["jobs"]["release"]["steps"]
VERSION = version(ROOT)
ZIP = f"dist/belarus-china-{VERSION}.zip"
XLSX = "dist/belarus-china.xlsx"

FAKE_GH = """#!/usr/bin/env bash
# Records every call; `gh release view` fails unless the release was marked as existing.
echo "$*" >> "$GH_LOG"
if [ "$1 $2" = "release view" ] && [ ! -e "$GH_RELEASE_EXISTS" ]; then exit 1; fi
exit 0
"""


def _after_ci(steps):
    names = [s.get("run") for s in steps]
    return steps[names.index("bash .ci/run") + 1:]


def _run_steps(project: Path, tag: str, tmp_path: Path, *, exists: bool = False):
    """Run the workflow's steps after .ci/run in `project`; returns (completed process of the last step run, gh calls)."""
    (project / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    fake = tmp_path / "bin"
    fake.mkdir(exist_ok=True)
    (fake / "gh").write_text(FAKE_GH, encoding="utf-8")
    (fake / "gh").chmod(0o755)
    log, github_env = tmp_path / "gh.log", tmp_path / "github_env"
    github_env.write_text("", encoding="utf-8")
    env = {**os.environ, "PATH": f"{fake}:{os.environ['PATH']}", "GH_LOG": str(log), "GITHUB_REF_NAME": tag,
           "GITHUB_ENV": str(github_env), "GH_RELEASE_EXISTS": str(tmp_path / ("exists" if exists else "absent"))}
    if exists:
        (tmp_path / "exists").touch()
    result = None
    for step in _after_ci(STEPS):
        # the variables earlier steps wrote to GITHUB_ENV, as the runner passes them on
        env.update(line.split("=", 1) for line in github_env.read_text(encoding="utf-8").splitlines() if "=" in line)
        env.update({key: "token" for key in step.get("env") or {}})  # ${{ github.token }}: the fake gh needs none
        script = tmp_path / "step.sh"
        script.write_text(step["run"], encoding="utf-8")
        result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=project, env=env,
                                capture_output=True, text=True, timeout=600)
        if result.returncode != 0:
            break
    calls = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return result, calls


def test_the_workflow_runs_on_version_tags_after_the_ci_checks():
    assert WORKFLOW[True] == {"push": {"tags": ["v*"]}}  # YAML reads the key `on` as True
    assert WORKFLOW["permissions"] == {"contents": "write"}
    ci_steps = CI["jobs"]["check"]["steps"]
    # the same runner, actions and Python as CI, and CI's own script before anything is released
    assert WORKFLOW["jobs"]["release"]["runs-on"] == CI["jobs"]["check"]["runs-on"]
    assert [s["uses"] for s in STEPS if "uses" in s] == [s["uses"] for s in ci_steps if "uses" in s]
    assert [s.get("with") for s in STEPS if "uses" in s] == [s.get("with") for s in ci_steps if "uses" in s]
    runs = [s.get("run", "") for s in STEPS]
    assert runs.index("bash .ci/run") < min(i for i, r in enumerate(runs) if "gh release" in r)


def test_a_tag_that_is_not_the_version_releases_nothing(project, tmp_path):
    result, calls = _run_steps(project, "v0.0.1", tmp_path)
    assert result.returncode != 0 and f"is not v{VERSION}" in result.stderr
    assert calls == [] and not (project / ZIP).exists()


def test_the_release_gets_the_checked_zip_and_the_sqlite_database(project, tmp_path):
    assert (project / SQLITE_PATH).is_file() and not (project / XLSX).exists()
    result, calls = _run_steps(project, f"v{VERSION}", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "the release has no workbook" in result.stdout
    with zipfile.ZipFile(project / ZIP) as archive:
        assert "datapackage.json" in archive.namelist()
    assert calls[0] == f"release view v{VERSION}"
    assert calls[1].startswith(f"release create v{VERSION} --verify-tag --title belarus-china {VERSION} --notes-file")
    assert calls[2] == f"release upload v{VERSION} {ZIP} {SQLITE_PATH} --clobber"
    notes = (project / "release-notes.md").read_text(encoding="utf-8")
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    section = changelog.split(f"## [{VERSION}]", 1)[1].split("\n## [", 1)[0].split("\n", 1)[1]
    assert notes.startswith(section) and "CITATION.cff" in notes


def test_a_workbook_is_attached_when_the_build_made_one_and_an_existing_release_is_reused(project, tmp_path):
    (project / XLSX).write_bytes(b"workbook")
    result, calls = _run_steps(project, f"v{VERSION}", tmp_path, exists=True)
    assert result.returncode == 0, result.stderr
    assert calls == [f"release view v{VERSION}", f"release upload v{VERSION} {ZIP} {SQLITE_PATH} {XLSX} --clobber"]


def test_a_package_that_fails_validation_is_not_released(project, tmp_path):
    (project / "datasets/csv/quotes.csv").write_bytes(b"damaged")
    result, calls = _run_steps(project, f"v{VERSION}", tmp_path)
    assert result.returncode != 0 and calls == []


def test_the_readme_download_section_names_the_released_files():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Download", 1)[1].split("\n## ", 1)[0]
    for name in ("belarus-china-<version>.zip", Path(SQLITE_PATH).name, Path(XLSX).name, "CITATION.cff",
                 "release.yml"):
        assert name in section, name
    attach = next(s["run"] for s in STEPS if "gh release upload" in s.get("run", ""))
    assert SQLITE_PATH in attach and XLSX in attach and "belarus-china-$VERSION.zip" in attach


@pytest.mark.parametrize("repository", [None, "https://github.com/example/belarus-china"])
def test_citation_names_the_code_repository_only_when_the_metadata_does(repository):
    from belarus_china.contract.registry import read_package_metadata

    metadata = read_package_metadata(ROOT / "validation")
    assert "repository" not in metadata  # not known yet: CITATION.cff must not invent one
    if repository:
        metadata = {**metadata, "repository": repository}
    citation = yaml.safe_load(citation_cff(ROOT, metadata, VERSION))
    assert citation.get("repository-code") == repository
    assert ("repository-code" in (ROOT / "CITATION.cff").read_text(encoding="utf-8")) is False
