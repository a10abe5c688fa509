"""`belarus-china package` from a folder other than the checkout: it packages the checkout given with
`--root`, and refuses a folder that is not one with a problem code (not-a-checkout), never a traceback."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from conftest import ROOT


def _package(cwd, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "belarus_china.cli", "package", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600)


def test_package_outside_a_checkout_is_refused_with_a_code(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = _package(elsewhere)
    assert result.returncode == 2
    assert "[not-a-checkout]" in result.stderr and "--root" in result.stderr and "Traceback" not in result.stderr
    assert list(elsewhere.iterdir()) == []  # nothing written

    (elsewhere / "pyproject.toml").write_text('[project]\nname = "someone-else"\nversion = "9.9.9"\n', encoding="utf-8")
    other = _package(tmp_path, "--root", str(elsewhere))
    assert other.returncode == 2 and "'someone-else'" in other.stderr and "[not-a-checkout]" in other.stderr
    (elsewhere / "pyproject.toml").write_bytes(b"[project\n\xff")
    broken = _package(tmp_path, "--root", str(elsewhere))
    assert broken.returncode == 2 and "[not-a-checkout]" in broken.stderr and "Traceback" not in broken.stderr


def test_package_with_root_from_an_unrelated_folder(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out" / "release.zip"
    result = _package(elsewhere, "--root", str(ROOT), "--out", str(out))
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
    assert {"datapackage.json", "croissant.json", "CITATION.cff", "datasets/csv/quotes.csv"} <= names
    assert list(elsewhere.iterdir()) == []
