"""Shared fixtures: a throwaway copy of the project to build, break and validate."""

from __future__ import annotations

import hashlib
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from browser import install_chromium

from belarus_china.contract.registry import read_registry
from belarus_china.pipeline import build

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ("raw", "build", "validation", "pyproject.toml", "CHANGELOG.md")  # everything the build reads


def copy_project(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for name in INPUTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)
    return target


def snapshot(root: Path) -> dict[str, str]:
    """sha256 of every published file, to prove a failed build changed nothing."""
    files = [root / "datapackage.json", *sorted((root / "datasets").rglob("*"))]
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files if p.is_file()}


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory):
    """The whole session's XDG cache (`belarus-china serve` keeps its databases there): never the user's."""
    with pytest.MonkeyPatch.context() as patch:
        folder = tmp_path_factory.mktemp("xdg-cache")
        patch.setenv("XDG_CACHE_HOME", str(folder))
        yield folder


@pytest.fixture(scope="session")
def registry():
    return read_registry(ROOT / "validation")


@pytest.fixture(scope="session")
def built_package(tmp_path_factory) -> Path:
    """A project copy, built once (with the frictionless pass) and shared read-only by tests."""
    root = copy_project(tmp_path_factory.mktemp("built") / "project")
    build(root)
    return root


@pytest.fixture
def project(tmp_path, built_package) -> Path:
    """A fresh, already published project copy that a test may break."""
    root = tmp_path / "project"
    shutil.copytree(built_package, root)
    return root


@pytest.fixture(scope="module")
def memory_bound(request):
    """The fuzz tests' bound: the process's peak memory may grow by at most the test module's
    MEMORY_GROWTH_MB over a whole fuzz test."""
    limit = request.module.MEMORY_GROWTH_MB

    def check(run):
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        run()
        grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
        assert grown < limit, f"peak memory grew by {grown:.0f} MB"
    return check


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium for the browser tests (tests/browser.py), installed when missing."""
    return install_chromium()


@pytest.fixture(scope="session")
def installed_wheel(tmp_path_factory) -> Path:
    """The wheel, built from the checkout and installed with pip (no dependencies: they are this venv's) into a
    folder of its own: a regular, non-editable install, to put first on PYTHONPATH. Built once per session."""
    base = tmp_path_factory.mktemp("wheel")
    wheels, target = base / "wheels", base / "site"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(wheels), str(ROOT)], check=True)
    (wheel,) = wheels.glob("belarus_china-*.whl")
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True)
    return target
