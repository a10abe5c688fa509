"""The spreadsheet workbook, read back with openpyxl (an independent reader): a README sheet with the
codebook, licence and citation, one sheet per table and view holding the CSV's values with real dates
and numbers, and the same bytes from every build."""

from __future__ import annotations

import csv
import datetime
import hashlib
import json
import os
import subprocess
import sys
import zipfile

import openpyxl
import pytest
import yaml

from belarus_china.cli import main
from belarus_china.publish.workbook import write_workbook

SEP = " | "


@pytest.fixture(scope="module")
def workbook(built_package, tmp_path_factory):
    return write_workbook(built_package, tmp_path_factory.mktemp("xlsx") / "belarus-china.xlsx")


def _descriptor(root):
    return json.loads((root / "datapackage.json").read_text(encoding="utf-8"))


def _csv(root, name):
    with open(root / f"datasets/csv/{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_one_sheet_per_table_and_view_after_the_readme(built_package, workbook):
    book = openpyxl.load_workbook(workbook, read_only=True)
    resources = [r["name"] for r in _descriptor(built_package)["resources"]]
    assert book.sheetnames == ["README", *resources]
    assert {"quotes_in_context", "timeline", "trade_figures_in_context"} <= set(book.sheetnames)


def test_every_sheet_holds_its_csv_with_dates_numbers_and_lists_as_text(built_package, workbook):
    book = openpyxl.load_workbook(workbook, read_only=True)
    types = {r["name"]: {f["name"]: f["type"] for f in r["schema"]["fields"]} for r in _descriptor(built_package)["resources"]}
    seen = set()
    for name, columns in types.items():
        rows = [list(r) for r in book[name].iter_rows(values_only=True)]
        expected = _csv(built_package, name)
        assert rows[0] == expected[0] and len(rows) == len(expected), name
        for got_row, want_row in zip(rows[1:], expected[1:], strict=True):
            for column, got, want in zip(expected[0], got_row, want_row, strict=True):
                kind = columns[column]
                if want == "":
                    assert got is None, (name, column)
                elif kind == "date":
                    assert isinstance(got, datetime.datetime) and got.strftime("%Y-%m-%d") == want, (name, column)
                elif kind in ("integer", "number"):
                    assert isinstance(got, int | float) and float(got) == float(want), (name, column)
                elif kind == "boolean":
                    assert got is (want == "true"), (name, column)
                else:
                    assert got == want, (name, column)  # text as text, a list as its CSV text
                seen.add(kind)
    assert {"date", "integer", "number", "boolean", "list", "string"} <= seen


def test_a_date_cell_is_a_date_and_a_list_cell_the_joined_text(built_package, workbook):
    book = openpyxl.load_workbook(workbook)  # full mode: number formats and panes
    sheet = book["visits"]
    header = [c.value for c in sheet[1]]
    visits = {row[0]: row for row in _csv(built_package, "visits")[1:]}
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "lukashenko-china-2023-02-28")
    start = row[header.index("start_date")]
    assert start.is_date and start.number_format == "yyyy-mm-dd" and start.value == datetime.datetime(2023, 2, 28)
    delegation = row[header.index("delegation_ids")].value
    assert delegation == visits["lukashenko-china-2023-02-28"][header.index("delegation_ids")] and SEP in delegation
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    excerpts = book["quotes_in_context"]
    header = [c.value for c in excerpts[1]]
    listed = [r[header.index("excerpts")].value for r in excerpts.iter_rows(min_row=2)]
    assert any(value and SEP in value for value in listed)


def test_the_readme_sheet_has_licence_citation_and_the_codebook(built_package, workbook):
    book = openpyxl.load_workbook(workbook, read_only=True)
    cells = [list(r) for r in book["README"].iter_rows(values_only=True)]
    labels = {r[0]: r[1] for r in cells if r and r[0]}
    descriptor = _descriptor(built_package)
    assert descriptor["licenses"][0]["path"] in labels["licence"]
    assert descriptor["title"] in labels["cite as"] and descriptor["version"] in labels["cite as"]
    header = cells.index(["sheet", "column", "type", "required", "description", "unit", "allowed_values"]
                         + [None] * (len(cells[0]) - 7))
    codebook = [r for r in cells[header + 1:] if r[0]]
    fields = [(r["name"], f) for r in descriptor["resources"] for f in r["schema"]["fields"]]
    assert [(r[0], r[1]) for r in codebook] == [(name, f["name"]) for name, f in fields]
    row = next(r for r in codebook if r[:2] == ["sources", "doc_kind"])
    assert row[3] is True and "news" in row[6] and row[2] == "string"


def test_two_workbooks_of_one_package_are_the_same_bytes(built_package, workbook, tmp_path):
    """Also from another process in another time zone: no clock and no zone reaches the file."""
    again = tmp_path / "again.xlsx"
    code = "import sys; from belarus_china.publish.workbook import write_workbook; write_workbook(sys.argv[1], sys.argv[2])"
    subprocess.run([sys.executable, "-c", code, str(built_package), str(again)], check=True,
                   env={**os.environ, "TZ": "Pacific/Kiritimati"})
    assert hashlib.sha256(again.read_bytes()).digest() == hashlib.sha256(workbook.read_bytes()).digest()
    with zipfile.ZipFile(workbook) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 31, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode("utf-8")
    released = yaml.safe_load((built_package / "CITATION.cff").read_text(encoding="utf-8"))["date-released"]
    assert f'<dcterms:modified xsi:type="dcterms:W3CDTF">{released}T00:00:00Z' in core  # not the time of writing


def test_package_writes_the_workbook_beside_the_release_zip(built_package, tmp_path):
    out = tmp_path / "release" / "belarus-china.zip"
    assert main(["package", "--root", str(built_package), "--out", str(out)]) == 0
    assert out.is_file() and out.with_suffix(".xlsx").is_file()
    assert openpyxl.load_workbook(out.with_suffix(".xlsx"), read_only=True).sheetnames[0] == "README"
