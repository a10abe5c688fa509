"""The loader, describe() and validate where the OS has no O_NOFOLLOW, O_DIRECTORY, O_CLOEXEC, O_NONBLOCK,
`*at` calls or `fcntl` (as on Windows): a subprocess removes them before importing belarus_china, then
loads, describes and validates the committed package, and is shown planted links, which it must still
refuse. The real Windows and macOS runs are the `portable` job of .github/workflows/ci.yml."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Runs before anything imports belarus_china: what Windows lacks is removed from this interpreter.
WITHOUT_POSIX = """
import os, sys
for flag in ("O_NOFOLLOW", "O_DIRECTORY", "O_CLOEXEC", "O_NONBLOCK"):
    if hasattr(os, flag):  # on Windows they are missing already
        delattr(os, flag)
os.supports_dir_fd = set()
os.supports_fd = set()
sys.modules["fcntl"] = None  # `import fcntl` now raises ImportError
"""

CHECKS = """
import json
import belarus_china as bc
from belarus_china.base import no_follow
from belarus_china.contract.validate import validate_package
package, planted = sys.argv[1], sys.argv[2:]
assert not no_follow.POSIX, "the portable path was not chosen"
out = {"quotes": len(bc.load("quotes", package=package)),
       "describe": list(bc.describe("visits", package=package)["column"])[:3],
       "problems": [p.code for p in validate_package(package, use_frictionless=False)],
       "refused": {}}
for folder in planted:
    try:
        bc.load("quotes", package=folder)
        out["refused"][folder] = None
    except bc.DataPackageError as exc:
        out["refused"][folder] = exc.code
    out.setdefault("validated", {})[folder] = sorted({p.code for p in validate_package(folder, use_frictionless=False)})
print(json.dumps(out))
"""


def _run(*args: str) -> dict:
    result = subprocess.run([sys.executable, "-c", WITHOUT_POSIX + CHECKS, *args], capture_output=True, text=True,
                            timeout=600, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def _copy_package(target: Path) -> Path:
    target.mkdir()
    shutil.copy2(ROOT / "datapackage.json", target / "datapackage.json")
    shutil.copytree(ROOT / "datasets", target / "datasets")
    shutil.copytree(ROOT / "raw", target / "raw")
    return target


def _descriptor_paths(package: Path, table: str) -> list[str]:
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    text = json.dumps([r for r in descriptor["resources"] if r.get("name") == table])
    return [p for p in (f"datasets/csv/{table}.csv", f"datasets/parquet/{table}.parquet") if p in text
            or (package / p).exists()]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links on this OS")
def test_load_describe_validate_and_refuse_links_without_posix_flags(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    file_link = _copy_package(tmp_path / "file-link")
    for relative in _descriptor_paths(file_link, "quotes"):
        # a link to the very same bytes, kept outside the package: refused although its content is right
        target = outside / Path(relative).name
        shutil.move(file_link / relative, target)
        os.symlink(target, file_link / relative)
    folder_link = _copy_package(tmp_path / "folder-link")
    shutil.move(folder_link / "datasets", outside / "datasets")
    os.symlink(outside / "datasets", folder_link / "datasets", target_is_directory=True)

    out = _run(str(ROOT), str(file_link), str(folder_link))

    assert out["quotes"] > 0 and out["problems"] == []
    assert out["describe"] == ["visit_id", "guest_id", "guest_country"]
    assert out["refused"] == {str(file_link): "path-unsafe", str(folder_link): "path-unsafe"}
    assert all("path-unsafe" in codes for codes in out["validated"].values())


def test_build_lock_is_portable_and_exclusive(tmp_path):
    """The build lock through filelock: a second holder in another process is refused while the first holds it,
    and the holder is named (its record starts at byte 1, which Windows leaves readable)."""
    from belarus_china.base.lock import BuildLock, LockHeld

    held = subprocess.Popen([sys.executable, "-c", "import sys\nfrom belarus_china.base.lock import BuildLock\n"
                             "lock = BuildLock(sys.argv[1]).acquire()\nprint('held', flush=True)\nsys.stdin.read()",
                             str(tmp_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert held.stdout.readline().strip() == "held"
        with pytest.raises(LockHeld, match=f"process {held.pid}"):
            BuildLock(tmp_path, timeout=0).acquire()
    finally:
        held.communicate("", timeout=30)
    with BuildLock(tmp_path, timeout=0):  # released when its holder exits
        pass


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links on this OS")
def test_build_lock_refuses_a_planted_link_without_o_nofollow(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    root = tmp_path / "root"
    root.mkdir()
    os.symlink(victim, root / ".build.lock")
    script = WITHOUT_POSIX + ("from belarus_china.base.lock import BuildLock\n"
                              "try:\n    BuildLock(sys.argv[1]).acquire()\nexcept OSError as exc:\n    print('refused', exc)\n")
    result = subprocess.run([sys.executable, "-c", script, str(root)], capture_output=True, text=True, timeout=120)
    assert result.stdout.startswith("refused"), result.stdout + result.stderr
    assert victim.read_text(encoding="utf-8") == "keep me"


def test_browser_tests_skip_with_a_reason_where_no_chromium_can_be_installed(monkeypatch):
    import browser

    monkeypatch.setattr(browser, "CHROMIUM", Path("/nonexistent/chromium"))
    monkeypatch.setattr(browser.shutil, "which", lambda name: None)  # no browser and no apt-get on the PATH
    with pytest.raises(pytest.skip.Exception, match="no Chromium is installed"):
        browser.install_chromium()
    monkeypatch.setattr(browser.shutil, "which", lambda name: "/opt/bin/chrome" if name == "google-chrome" else None)
    assert browser.install_chromium() == Path("/opt/bin/chrome")  # one already installed is used, not apt-get's


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links on this OS")
@pytest.mark.parametrize("swapped", ["file", "folder"])
def test_a_link_swapped_in_between_the_look_and_the_open_is_refused(tmp_path, monkeypatch, swapped):
    """The portable path's second line: without O_NOFOLLOW the open follows a link planted after the lstat,
    so the file opened (fstat) and the folders on the way (looked at again) must be the ones looked at."""
    from belarus_china.base import no_follow
    from belarus_china.base.safe_files import PackageFileError, read_inside

    package = tmp_path / "package"
    (package / "datasets").mkdir(parents=True)
    (package / "datasets" / "quotes.csv").write_text("inside\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "quotes.csv").write_text("outside\n", encoding="utf-8")
    monkeypatch.setattr(no_follow, "POSIX", False)
    monkeypatch.setattr(no_follow, "_FILE_FLAGS", no_follow._FILE_FLAGS & ~no_follow._NOFOLLOW)  # as on Windows
    monkeypatch.setattr(no_follow, "_NOFOLLOW", 0)
    assert read_inside(package, "datasets/quotes.csv") == b"inside\n"  # nothing swapped: read as usual

    real_open = os.open

    def swap_then_open(path, flags, *args, **kwargs):
        if swapped == "file":
            os.replace(package / "datasets" / "quotes.csv", tmp_path / "moved.csv")
            os.symlink(elsewhere / "quotes.csv", package / "datasets" / "quotes.csv")
        else:
            os.replace(package / "datasets", tmp_path / "moved")
            os.symlink(elsewhere, package / "datasets", target_is_directory=True)
        monkeypatch.setattr(no_follow.os, "open", real_open)
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(no_follow.os, "open", swap_then_open)
    with pytest.raises(PackageFileError) as refused:
        read_inside(package, "datasets/quotes.csv")
    assert refused.value.code == "path-unsafe"
    assert "replaced while it was opened" in str(refused.value)
