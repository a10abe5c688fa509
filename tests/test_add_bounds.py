"""`add` under pressure: concurrent adds, the build lock, a document too large, a full disk, a killed add.
Each must leave raw/, its manifest and build/ consistent (every raw document listed once), or unchanged."""

from __future__ import annotations

import errno
import hashlib
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from conftest import copy_project

from belarus_china.base.limits import MAX_ADDED_DOCUMENT_BYTES, MAX_CURATION_FILE_BYTES, MAX_LISTED_CANDIDATES
from belarus_china.base.problems import ProblemsFound
from belarus_china.base.rawstore import check_raw
from belarus_china.curate.add import add_document

DOCUMENT = "Example Wire: a made-up note\n\nOn 4 December 2023 Lukashenko met Xi Jinping in Beijing.\n"


@pytest.fixture
def inputs(tmp_path) -> Path:
    """The build's inputs only (add reads nothing else)."""
    return copy_project(tmp_path / "project")


def _files(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for folder in ("raw", "build") for p in sorted((root / folder).iterdir()) if p.is_file()}


def _doc(tmp_path: Path, name: str, text: str = DOCUMENT) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _codes(caught: pytest.ExceptionInfo) -> list[str]:
    return [p.code for p in caught.value.problems]


def test_concurrent_adds_number_their_documents_apart_and_keep_every_manifest_line(inputs, tmp_path):
    documents = [_doc(tmp_path, f"d{i}.txt", DOCUMENT.replace("made-up note", f"made-up note {i}")) for i in range(4)]
    runs = [subprocess.Popen([sys.executable, "-m", "belarus_china.cli", "add", str(d), "--root", str(inputs)],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for d in documents]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert [run.returncode for run in runs] == [0] * 4, outputs
    manifest = (inputs / "raw/SHA256SUMS").read_text(encoding="utf-8").splitlines()
    added = sorted(line.split("  ")[1] for line in manifest[5:])
    assert len(manifest) == 9 and [name[:3] for name in added] == ["005", "006", "007", "008"]
    assert check_raw(inputs / "raw") == []
    assert all((inputs / "build" / name.replace(".txt", ".yaml")).is_file() for name in added)


HOLD_LOCK = """
import sys
from pathlib import Path
from belarus_china.base.lock import BuildLock
lock = BuildLock(Path(sys.argv[1])).acquire()
print("locked", flush=True)
sys.stdin.readline()
"""


def test_add_waits_for_the_build_lock_and_gives_up_after_its_timeout(inputs, tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(inputs)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        before = _files(inputs)
        with pytest.raises(ProblemsFound) as caught:
            add_document(inputs, _doc(tmp_path, "d.txt"), lock_timeout=0.5)
        assert _codes(caught) == ["build-locked"] and _files(inputs) == before
    finally:
        holder.communicate("\n", timeout=30)
    assert add_document(inputs, _doc(tmp_path, "d.txt"), lock_timeout=0.5).raw_file.startswith("005_")


def test_a_document_over_the_limit_is_refused_without_being_read(inputs, tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:  # sparse: the test itself stays small
        handle.truncate(MAX_ADDED_DOCUMENT_BYTES + 1)
    before = _files(inputs)
    tracemalloc.start()
    try:
        with pytest.raises(ProblemsFound) as caught:
            add_document(inputs, big)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert _codes(caught) == ["document-too-large"] and _files(inputs) == before
    assert peak < MAX_ADDED_DOCUMENT_BYTES // 4, peak  # the document was not read into memory


def test_the_curation_file_lists_a_bounded_number_of_candidates(inputs, tmp_path):
    many = "A list of dates\n\n" + "".join(f"On {1 + i % 28} March 2023 the delegation met.\n" for i in range(3000))
    added = add_document(inputs, _doc(tmp_path, "many.txt", many))
    assert added.candidates > MAX_LISTED_CANDIDATES
    text = (inputs / added.curation_file).read_text(encoding="utf-8")
    listed = [line for line in text.splitlines() if line.startswith("#   date ")]
    assert len(listed) == MAX_LISTED_CANDIDATES
    assert f"and {added.candidates - MAX_LISTED_CANDIDATES:,} more: `belarus-china audit`" in text
    assert len(text.encode("utf-8")) < MAX_CURATION_FILE_BYTES


FILE_SIZE_LIMIT = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # a write past the limit fails with EFBIG: a full disk
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), int(sys.argv[1])))
from belarus_china.cli import main
sys.exit(main(["add", sys.argv[2], "--root", sys.argv[3]]))
"""


@pytest.mark.parametrize("limit", [60, len(DOCUMENT.encode("utf-8")) + 10], ids=["document", "curation file"])
def test_a_full_disk_adds_nothing_says_so_and_a_retry_adds_the_same_number(inputs, tmp_path, limit):
    document = _doc(tmp_path, "d.txt")
    before = _files(inputs)
    run = subprocess.run([sys.executable, "-c", FILE_SIZE_LIMIT, str(limit), str(document), str(inputs)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 1 and "Traceback" not in run.stderr + run.stdout
    assert "[document-write-failed]" in run.stdout + run.stderr, run.stdout + run.stderr
    assert _files(inputs) == before
    assert not [p for p in (inputs / "raw").iterdir() if p.name.startswith(".")]  # no temporary left behind
    assert add_document(inputs, document).raw_file.startswith("005_")


def test_a_failing_manifest_write_removes_what_add_wrote(inputs, tmp_path, monkeypatch):
    real_replace, calls = os.replace, []

    def replace(source, target, **kwargs):
        calls.append(target)
        if str(target).endswith("SHA256SUMS"):
            raise OSError(errno.EROFS, "Read-only file system")
        return real_replace(source, target, **kwargs)

    before = _files(inputs)
    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(ProblemsFound) as caught:
        add_document(inputs, _doc(tmp_path, "d.txt"))
    assert _codes(caught) == ["document-write-failed"] and "Read-only file system" in caught.value.problems[0].message
    assert len(calls) == 3 and _files(inputs) == before


def test_a_document_a_killed_add_left_unlisted_is_added_under_its_own_name(inputs, tmp_path):
    document = _doc(tmp_path, "d.txt")
    digest = hashlib.sha256(document.read_bytes()).hexdigest()
    (inputs / "raw" / f"005_{digest[:16]}.txt").write_bytes(document.read_bytes())  # no manifest line
    assert add_document(inputs, document).raw_file == f"005_{digest[:16]}.txt"
    assert check_raw(inputs / "raw") == []


def test_junk_manifest_lines_give_a_bounded_report_and_a_huge_manifest_is_not_read(inputs):
    """Adversarial review 4, F7: 25 M junk lines in raw/SHA256SUMS made one Problem each (2.4 GB, then a
    MemoryError); now at most MAX_LINE_PROBLEMS of them and one more that counts the rest."""
    from belarus_china.base.limits import MAX_MANIFEST_BYTES
    from belarus_china.base.rawstore import MAX_LINE_PROBLEMS, parse_manifest

    manifest = inputs / "raw" / "SHA256SUMS"
    good = manifest.read_text(encoding="utf-8")
    tracemalloc.start()
    _, problems = parse_manifest(good + "x\n" * 200_000)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [p.code for p in problems] == ["raw-manifest-malformed"] * (MAX_LINE_PROBLEMS + 1)
    assert f"{200_000 - MAX_LINE_PROBLEMS:,} more malformed lines" in problems[-1].message
    assert peak < 100 * 2**20  # the text itself is 400 KB; a Problem per line was ~100 bytes x 200,000 more
    with manifest.open("ab") as handle:  # sparse: a manifest past the limit is refused by its size, unread
        handle.truncate(MAX_MANIFEST_BYTES + 1)
    assert [(p.code, p.file) for p in check_raw(inputs / "raw")] == [("file-too-large", "raw/SHA256SUMS")]


def test_add_with_a_manifest_that_is_not_utf8_names_it_and_writes_nothing(inputs, tmp_path):
    """Adversarial review 4, F5: a UnicodeDecodeError traceback."""
    manifest = inputs / "raw" / "SHA256SUMS"
    manifest.write_bytes(manifest.read_bytes() + b"\xff\xfe")
    before = _files(inputs)
    with pytest.raises(ProblemsFound) as caught:
        add_document(inputs, _doc(tmp_path, "new.txt"))
    assert [(p.code, p.file) for p in caught.value.problems] == [("raw-manifest-malformed", "raw/SHA256SUMS")]
    assert "not UTF-8" in caught.value.problems[0].message
    assert _files(inputs) == before
    assert [p.code for p in check_raw(inputs / "raw")] == ["raw-manifest-malformed"]
