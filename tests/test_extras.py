"""A plain `pip install .` (no extras): the commands that need an extra say which one, never a traceback;
the ones that need none still work.

The installation without extras is emulated in a fresh interpreter whose import system cannot see the
distributions the extras add (pyproject.toml's optional-dependencies): `import pandera` fails and
`importlib.util.find_spec("pandera")` is None, as on a machine where it was never installed. That is
quick and needs no network, unlike a second virtual environment.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

import pytest
from conftest import ROOT, copy_project

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
BASE = {re.match(r"[A-Za-z0-9._-]+", r).group(0).lower() for r in PYPROJECT["project"]["dependencies"]}


def _extra(name: str) -> set[str]:
    """The modules an extra adds (the distributions whose import name is their name), following
    `belarus-china[other]` references."""
    found = set()
    for requirement in PYPROJECT["project"]["optional-dependencies"][name]:
        distribution = re.match(r"[A-Za-z0-9._-]+", requirement).group(0).lower()
        if distribution == PYPROJECT["project"]["name"]:
            for other in re.search(r"\[(.+)\]", requirement).group(1).split(","):
                found |= _extra(other.strip())
        else:
            found.add(distribution.replace("-", "_"))
    return found - BASE


HIDDEN = _extra("build") | _extra("serve")

RUN_WITHOUT = """
import importlib.machinery, importlib.util, sys
hidden = set(sys.argv[1].split(","))


class Without:
    '''The interpreter's finders, minus the hidden distributions (their modules and their metadata).'''
    def __init__(self, finders):
        self.finders = finders

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in hidden:
            return None
        for finder in self.finders:
            spec = finder.find_spec(name, path, target) if hasattr(finder, "find_spec") else None
            if spec is not None:
                return spec
        return None

    def find_distributions(self, context=None):
        for finder in self.finders:
            for distribution in getattr(finder, "find_distributions", lambda context: [])(context):
                if distribution.metadata["Name"].lower().replace("-", "_") not in hidden:
                    yield distribution

    def invalidate_caches(self):
        for finder in self.finders:
            getattr(finder, "invalidate_caches", lambda: None)()


sys.meta_path[:] = [Without(list(sys.meta_path))]
assert importlib.util.find_spec(sorted(hidden)[0]) is None
from belarus_china.cli import main
sys.exit(main(sys.argv[2:]))
"""


def _run(*arguments: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", RUN_WITHOUT, ",".join(sorted(HIDDEN)), *arguments], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_the_extras_are_what_the_emulation_hides():
    assert {"pandera", "frictionless", "pycountry", "matplotlib"} <= _extra("build")
    assert _extra("charts") <= _extra("build") and _extra("serve") == {"datasette"}


@pytest.mark.parametrize("command", [
    ["validate", "."],
    ["validate", ".", "--json"],
    ["validate", ".", "--no-frictionless"],
    ["build", "--root", "{project}"],
    ["audit", "--root", "{project}"],
    ["package", "--out", "{project}/release.zip"],
])
def test_a_command_that_needs_the_build_extra_says_so(command, tmp_path):
    project = copy_project(tmp_path / "project")
    result = _run(*[part.format(project=project) for part in command])
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "ModuleNotFoundError" not in result.stderr
    assert f"belarus-china {command[0]} needs " in result.stderr
    assert "[build] extra" in result.stderr
    assert "pip install 'belarus-china[build]'" in result.stderr
    assert not (project / "datasets").exists() and not (project / "release.zip").exists()  # nothing half-done


def test_serve_names_its_own_extra(tmp_path):
    result = _run("serve", "--sqlite", str(tmp_path / "db.sqlite"))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "belarus-china[serve]" in result.stderr


def test_the_commands_of_the_plain_install_still_work(built_package):
    listed = _run("tables")
    assert listed.returncode == 0, listed.stderr
    assert "visits" in listed.stdout.split()
    same = _run("diff", str(built_package), str(built_package))
    assert same.returncode == 0, same.stderr
    assert "version bump needed: none" in same.stdout and "enough" in same.stdout


def test_a_module_no_extra_provides_is_not_explained_away():
    from belarus_china.cli import missing_dependency

    assert missing_dependency(ModuleNotFoundError("No module named 'nosuchthing'", name="nosuchthing"),
                              "validate", "build") is None
    message = missing_dependency(ModuleNotFoundError("No module named 'matplotlib'", name="matplotlib.pyplot"),
                                 "build", "build")
    assert "[build] extra" in message
    # Without a preference, the smallest extra that brings the module.
    assert "[charts] extra" in missing_dependency(ModuleNotFoundError(name="matplotlib"), "tables", None)
