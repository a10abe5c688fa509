"""One escaping policy per output, tested with hostile curated text: charts draw a `$` as a dollar sign (never
mathtext), the generated Markdown shows data as text (never HTML or table syntax), and the terminal shows a
package's control characters escaped (never an ESC sequence)."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET

import pytest
from markdown_it import MarkdownIt

from belarus_china.browse.diff import diff_packages, render
from belarus_china.cli import main
from belarus_china.contract.vocabulary import Sources
from belarus_china.loader import load, tables
from belarus_china.publish import charts, docs
from belarus_china.publish.coverage_report import coverage

SVG = "{http://www.w3.org/2000/svg}"
MACRO, DOLLARS = r"RFE/RL $\undefinedmacro{x}$", "RFE/RL $5 and $6 Media"


def _frames(package) -> dict:
    return {name: load(name, package) for name in tables(package)}


def _with_publishers(frames: dict, *publishers: str) -> dict:
    sources = frames[Sources.table].copy()
    for row, publisher in enumerate(publishers):
        sources.loc[sources.index[row], Sources.publisher] = publisher
    return {**frames, Sources.table: sources}


# --- charts -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("publisher", [MACRO, DOLLARS], ids=["unknown macro", "two dollars"])
def test_a_dollar_in_curated_text_is_drawn_as_a_dollar(built_package, registry, publisher):
    frames = _frames(built_package)
    frames = _with_publishers(frames, *[publisher] * len(frames[Sources.table]))
    drawn = charts.render(frames, "caption $x$", registry)  # the review's crash: an unknown macro in mathtext
    texts = "\n".join("".join(t.itertext()) for t in ET.fromstring(drawn[charts.TRADE]).iter(f"{SVG}text"))
    assert publisher in texts and "caption $x$" in texts


# --- Markdown -----------------------------------------------------------------------------------------

HOSTILE = ["<img src=x onerror=alert(1)>", "A | B | C", "*not bold* and `not code` [not](a link)", "line\nbreak",
           "&amp; stays as typed, back\\slash ~strike~ _under_"]
RENDER = MarkdownIt("commonmark").enable("table")


def _table_after(markdown: str, header: str) -> list[list[str]]:
    """The cells (as rendered text) of the Markdown table starting with the row `header`."""
    block = markdown.split(header, 1)[1].split("\n\n", 1)[0]
    tokens = RENDER.parse(header + block)
    rows, row = [], None
    for token in tokens:
        if token.type == "tr_open":
            row = []
        elif token.type == "inline" and row is not None:
            row.append("".join(child.content for child in token.children if child.type in ("text", "code_inline")))
        elif token.type == "tr_close":
            rows.append(row)
            row = None
    return rows


def test_curated_text_in_the_datasheet_is_shown_as_text(built_package, registry):
    frames = _with_publishers(_frames(built_package), *HOSTILE)
    markdown = docs.datasheet(registry, frames, [], "1.0.0")
    html = RENDER.render(markdown)
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<em>not bold" not in html and "<code>not code" not in html
    rows = _table_after(markdown, "| source | kind | publisher |")
    assert all(len(row) == 6 for row in rows), rows  # no `|` shifted a column
    shown = [row[2] for row in rows[1:len(HOSTILE) + 1]]
    assert shown == [" ".join(value.split()) for value in HOSTILE]


class _Candidate:
    def __init__(self, reason: str, status: str = "dismissed", text: str = "x"):
        self.raw_file, self.kind, self.start, self.end = "000_a.txt", "date", 0, 1
        self.text, self.status, self.reason = text, status, reason


def test_curated_reasons_in_the_coverage_report_are_shown_as_text():
    markdown = coverage([_Candidate(value) for value in HOSTILE] + [_Candidate("", "uncovered", "<b>x</b>")], ["date"])
    html = RENDER.render(markdown)
    assert "<img src=x" not in html and "<b>" not in html
    rows = _table_after(markdown, "| reason | candidates |")
    assert all(len(row) == 2 for row in rows) and len(rows) == len(HOSTILE) + 1


# --- the terminal -------------------------------------------------------------------------------------

ESCAPES = "\x1b[2J\x1b[H\x1b[32mquotes is valid\x1b[0m\r\n"


@pytest.fixture
def hostile_names(built_package, tmp_path):
    """The package with a table renamed to terminal escape codes (the descriptor only)."""
    root = tmp_path / "hostile"
    shutil.copytree(built_package, root, ignore=shutil.ignore_patterns("dist"))
    path = root / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] == "quotes":
            resource["name"] = ESCAPES
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    return root


def _no_escapes(text: str) -> None:
    assert "\x1b" not in text and "\r" not in text
    assert "\\x1b[2J" in text


def test_validate_tables_and_diff_print_control_characters_escaped(built_package, hostile_names, capsys):
    assert main(["validate", str(hostile_names), "--no-frictionless"]) == 1
    _no_escapes(capsys.readouterr().out)
    main(["tables", "--package", str(hostile_names)])
    captured = capsys.readouterr()
    _no_escapes(captured.out + captured.err)
    _no_escapes(render(diff_packages(built_package, hostile_names)))
