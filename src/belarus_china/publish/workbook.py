"""The spreadsheet workbook: every table and view of a published package as one .xlsx, for readers who
work in Excel or LibreOffice rather than with CSV (whose UTF-8 a double-click may misread).

`write_workbook(package, out)` reads the package through the loader (sizes and hashes checked) and writes:

- a first sheet `README`: the package's title, version, licence, how to cite it, which sheet holds
  what, and the codebook (every column of every table and view: type, required, description, unit,
  allowed values, as `loader.describe` gives them);
- one sheet per table, then one per view, in descriptor order: a bold header row that stays in view
  and filters, then the rows. Dates are Excel dates (`yyyy-mm-dd`), numbers and booleans are numbers
  and booleans, a list is its CSV text (items joined by the list delimiter), every text is written as
  text (never read as a formula, number or link); a missing value is an empty cell.

Byte-reproducible: XlsxWriter writes its zip members with a fixed time, and the document's created and
modified times are set to the package's release date (CITATION.cff `date-released`), else 1980-01-01,
so the same package and XlsxWriter version give the same bytes. The file is written under a temporary
name and moved into place. Needs XlsxWriter (`pip install "belarus-china[xlsx]"`).
"""

from __future__ import annotations

import os
import secrets
from datetime import datetime
from pathlib import Path

import pandas as pd

from ..base.codec import spreadsheet_cell
from ..base.package_source import PackageSource, open_package
from ..base.paths import CITATION, DESCRIPTOR
from ..base.safe_files import PackageFileError
from ..base.safe_yaml import parse_yaml
from ..loader import describe, load_from

README_SHEET = "README"
FIXED_TIME = datetime(1980, 1, 1)       # when the package names no release date
MAX_WIDTH, MIN_WIDTH = 60, 8            # column widths, in characters
EXCEL_CELL_LIMIT = 32767                # characters in one cell
CODEBOOK_COLUMNS = ["column", "type", "required", "description", "unit", "allowed_values"]


class WorkbookError(RuntimeError):
    """The package cannot be written as a workbook (a value too long for a cell, a list delimiter that is not a
    text, XlsxWriter missing); `code` is the problem code when the package is at fault."""

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.code = code


def _entries(value, key: str) -> list[dict]:
    """A descriptor or citation list (contributors, licenses, sources, authors), whatever shape an untrusted
    file gives it: a text stands for an entry of that `key`, anything else that is not an object is skipped."""
    items = value if isinstance(value, list) else [value]
    return [item if isinstance(item, dict) else {key: item} for item in items if isinstance(item, dict | str)]


def _text(value) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


def _citation(source: PackageSource) -> dict:
    """CITATION.cff of the package when it carries one (a checkout, a release zip), else {}."""
    if not source.has_member(CITATION):
        return {}
    try:  # untrusted YAML: the bounded reader (no aliases, depth and size limits), every value text
        loaded = parse_yaml(source.read_member(CITATION), CITATION)
    except PackageFileError as exc:
        raise WorkbookError(f"{CITATION}: {exc} [{exc.code}]") from None
    return loaded if isinstance(loaded, dict) else {}


def _created(citation: dict) -> datetime:
    released = citation.get("date-released")
    try:
        return datetime.fromisoformat(str(released)) if released else FIXED_TIME
    except ValueError:
        return FIXED_TIME


def cite_as(descriptor: dict, citation: dict) -> str:
    """One line to cite the package by: authors (year). Title (version) [Data set]. Identifier."""
    authors = [_text(a.get("name")) or " ".join(filter(None, (_text(a.get("given-names")), _text(a.get("family-names")))))
               for a in _entries(citation.get("authors", []), "name")] or [
        _text(c.get("title")) for c in _entries(descriptor.get("contributors", []), "title")]
    year = str(citation.get("date-released", ""))[:4]
    title = citation.get("title") or descriptor.get("title") or descriptor.get("name", "")
    version = citation.get("version") or descriptor.get("version")
    return (f"{'; '.join(a for a in authors if a)}{f' ({year})' if year else ''}. {title}"
            f"{f' (version {version})' if version else ''} [Data set]. {descriptor.get('id') or descriptor.get('name', '')}.")


def _width(header: str, cells: list) -> int:
    longest = max([len(header), *(len(str(c)) for c in cells[:500] if c is not None)])
    return max(MIN_WIDTH, min(MAX_WIDTH, longest + 2))


def write_workbook(package, out: Path) -> Path:
    """Write every table and view of the package at `package` (folder, descriptor or release zip) to the
    workbook `out`; returns `out`. Deterministic for a given package and XlsxWriter version."""
    try:
        import xlsxwriter
    except ImportError:
        raise WorkbookError('the workbook needs XlsxWriter: pip install "belarus-china[xlsx]"') from None
    source = open_package(Path(package) if not isinstance(package, PackageSource) else package)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(f".{out.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        descriptor, citation = source.descriptor, _citation(source)
        resources = source.resources()
        delimiter = _delimiter(resources)  # checked before anything is written
        names = source.tables() + source.views()
        book = xlsxwriter.Workbook(str(temporary), {"constant_memory": True, "strings_to_urls": False,
                                                     "strings_to_formulas": False, "strings_to_numbers": False})
        try:
            authors = "; ".join(_text(c.get("title")) for c in _entries(descriptor.get("contributors", []), "title"))
            book.set_properties(dict(  # XlsxWriter's document properties; `created` sets the modified time too
                title=_text(descriptor.get("title")), author=authors, created=_created(citation),
                comments=f"Generated by belarus-china from {DESCRIPTOR} version {_text(descriptor.get('version'))}"))
            formats = {"bold": book.add_format({"bold": True}), "date": book.add_format({"num_format": "yyyy-mm-dd"}),
                       "title": book.add_format({"bold": True, "font_size": 14}),
                       "wrap": book.add_format({"text_wrap": True, "valign": "top"})}
            frames = {name: load_from(source, name) for name in names}
            _readme(book, formats, descriptor, citation, resources, names, frames, source, delimiter)
            for name in names:
                _sheet(book, formats, name, resources[name]["schema"], frames[name])
        finally:
            book.close()
        os.replace(temporary, out)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    return out


def _put(sheet, row: int, column: int, text, cell_format=None) -> None:
    if text is None or text == "":
        return
    if len(str(text)) > EXCEL_CELL_LIMIT or sheet.write_string(row, column, str(text), cell_format) == -2:
        raise WorkbookError(f"sheet {sheet.name}: a text of {len(str(text))} characters is longer than a cell holds")


def _readme(book, formats, descriptor, citation, resources, names, frames, source, delimiter: str) -> None:
    sheet = book.add_worksheet(README_SHEET)
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 1, 34)
    sheet.set_column(2, 3, 16)
    sheet.set_column(4, 4, 90)
    sheet.set_column(5, 6, 30)
    _put(sheet, 0, 0, descriptor.get("title") or descriptor.get("name"), formats["title"])
    licence = (_entries(descriptor.get("licenses"), "name") or [{}])[0]
    about = [
        ("version", descriptor.get("version")),
        ("licence", " — ".join(filter(None, (_text(licence.get("title") or licence.get("name")),
                                             _text(licence.get("path")))))),
        ("cite as", cite_as(descriptor, citation)),
        ("description", descriptor.get("description")),
        ("source documents", "; ".join(_text(s.get("title")) for s in _entries(descriptor.get("sources", []), "title"))
         + " — kept verbatim under raw/ in the package; they remain their publishers' work, not covered by the licence"),
        ("this workbook", "Generated from the published package (the CSV and Parquet files under datasets/ are the "
                          "reference): one sheet per table and per view. Dates are dates; a list is its items joined by "
                          f"“{delimiter}”; a missing value is an empty cell. Views are derived from the "
                          "tables: cite the tables' rows."),
    ]
    row = 2
    for label, value in about:
        _put(sheet, row, 0, label, formats["bold"])
        _put(sheet, row, 1, value)
        row += 1
    row += 1
    _put(sheet, row, 0, "sheet", formats["bold"])
    for column, header in enumerate(["title", "rows", "kind", "description"], start=1):
        _put(sheet, row, column, header, formats["bold"])
    row += 1
    for name in names:
        resource = resources[name]
        _put(sheet, row, 0, name)
        _put(sheet, row, 1, resource.get("title"))
        sheet.write_number(row, 2, len(frames[name]))
        _put(sheet, row, 3, "view (from " + ", ".join(resource["derivedFrom"]) + ")" if "derivedFrom" in resource
             else "table")
        _put(sheet, row, 4, resource.get("description"))
        row += 1
    row += 1
    _put(sheet, row, 0, "Codebook", formats["title"])
    row += 1
    for column, header in enumerate(["sheet", *CODEBOOK_COLUMNS]):
        _put(sheet, row, column, header, formats["bold"])
    row += 1
    for name in names:
        entry = describe(name, source)
        for record in entry[CODEBOOK_COLUMNS].to_dict("records"):
            _put(sheet, row, 0, name)
            for column, key in enumerate(CODEBOOK_COLUMNS, start=1):
                value = record[key]
                if isinstance(value, bool):
                    sheet.write_boolean(row, column, value)
                else:
                    _put(sheet, row, column, None if value is None or pd.isna(value) else str(value))
            row += 1


def _delimiter(resources: dict) -> str:
    """The list delimiter, checked on every field that has one: each a text that is not blank (the cells
    of a list are its items joined by it); WorkbookError (descriptor-shape) otherwise."""
    found = ""
    for name, resource in resources.items():
        for field in resource.get("schema", {}).get("fields", []):
            if "delimiter" in field:
                delimiter = field["delimiter"]
                if not isinstance(delimiter, str) or not delimiter.strip():
                    raise WorkbookError(f"table {name!r}, field {str(field.get('name'))[:80]!r}: the list delimiter "
                                        f"{str(delimiter)[:20]!r} is not a text that is not blank", "descriptor-shape")
                found = found or delimiter
    return found


def _sheet(book, formats, name: str, schema: dict, frame: pd.DataFrame) -> None:
    sheet = book.add_worksheet(name)
    fields = schema["fields"]
    columns = [[spreadsheet_cell(v, field) for v in frame[field["name"]].tolist()] for field in fields]
    for position, (field, cells) in enumerate(zip(fields, columns, strict=True)):
        shown = ["yyyy-mm-dd" if kind == "date" else value for kind, value in filter(None, cells)]
        sheet.set_column(position, position, _width(field["name"], shown))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(frame), 1), max(len(fields) - 1, 0))
    for position, field in enumerate(fields):
        sheet.write_string(0, position, field["name"], formats["bold"])
    writers = {"date": lambda r, c, v: sheet.write_datetime(r, c, v, formats["date"]),
               "number": sheet.write_number, "boolean": sheet.write_boolean,
               "string": lambda r, c, v: _put(sheet, r, c, v)}
    for row in range(len(frame)):
        for position, cells in enumerate(columns):
            cell = cells[row]
            if cell is not None:
                writers[cell[0]](row + 1, position, cell[1])
