"""Writers given hostile metadata or a full disk: the workbook with metadata of the wrong shape, the SQLite
export when a write fails (the build's report of it: test_crash_safety's full-disk test). Each ends in a
clear report, never a traceback or a misleading message."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import openpyxl
import pytest

from belarus_china.publish.workbook import WorkbookError, write_workbook


@pytest.fixture
def package(built_package, tmp_path):
    """A published package (its descriptor, tables and docs) to rewrite the descriptor of."""
    root = tmp_path / "package"
    root.mkdir()
    for name in ("datapackage.json", "CITATION.cff"):
        shutil.copy(built_package / name, root / name)
    for folder in ("datasets", "raw", "docs"):
        shutil.copytree(built_package / folder, root / folder)
    return root


def _edit(root, change) -> None:
    path = root / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    change(descriptor)
    path.write_text(json.dumps(descriptor), encoding="utf-8")


METADATA = {
    "licenses as a string": lambda d: d.update(licenses="CC-BY-4.0"),
    "contributors as a string": lambda d: d.update(contributors="Someone"),
    "sources as a string": lambda d: d.update(sources="somewhere"),
    "lists of strings": lambda d: d.update(licenses=["CC-BY-4.0"], contributors=["A"], sources=["B"]),
    "title a number": lambda d: d.update(title=5, version=["1"]),
}


@pytest.mark.parametrize("change", METADATA.values(), ids=METADATA.keys())
def test_the_workbook_takes_metadata_of_any_shape_as_text(package, tmp_path, change):
    _edit(package, change)
    out = write_workbook(package, tmp_path / "book.xlsx")
    readme = openpyxl.load_workbook(out, read_only=True)["README"]
    rows = {row[0]: row[1] for row in readme.iter_rows(min_row=3, max_row=9, max_col=2, values_only=True) if row[0]}
    assert {"version", "licence", "cite as", "source documents"} <= set(rows)


def _delimiter(value):
    def change(descriptor):
        for resource in descriptor["resources"]:
            for field in resource["schema"]["fields"]:
                if "delimiter" in field:
                    field["delimiter"] = value
    return change


@pytest.mark.parametrize("value", [5, None, ["|"], ""], ids=["number", "null", "list", "empty"])
def test_a_delimiter_that_is_not_a_text_is_refused_with_a_code(package, tmp_path, value):
    _edit(package, _delimiter(value))
    with pytest.raises((WorkbookError, ValueError)) as caught:
        write_workbook(package, tmp_path / "book.xlsx")
    assert getattr(caught.value, "code", None) == "descriptor-shape", caught.value
    assert not (tmp_path / "book.xlsx").exists() and not list(tmp_path.glob(".book.xlsx*"))


SQLITE_UNDER_A_SIZE_LIMIT = """
import resource, signal, sys
from pathlib import Path
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # a write past the limit fails (EFBIG), as on a full disk
resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))
from belarus_china.contract.registry import load_registry
from belarus_china.publish.sqlite import write_sqlite
try:
    write_sqlite(Path(sys.argv[1]), Path(sys.argv[2]), load_registry())
except Exception as exc:
    print(type(exc).__name__, exc, getattr(exc, "sqlite_errorname", ""))
"""


def test_a_write_failing_in_the_sqlite_export_is_reported_as_itself(built_package, tmp_path):
    """A real write failure makes SQLite roll the transaction back itself; the export used to hide the
    failure behind its own ROLLBACK's "cannot rollback - no transaction is active"."""
    out = tmp_path / "dist" / "out.sqlite"
    run = subprocess.run([sys.executable, "-c", SQLITE_UNDER_A_SIZE_LIMIT, str(built_package), str(out)],
                         capture_output=True, text=True, timeout=300)
    assert "cannot rollback" not in run.stdout + run.stderr
    assert "OperationalError disk I/O error SQLITE_IOERR" in run.stdout, run.stdout + run.stderr
    assert not out.exists() and list(out.parent.iterdir()) == []
