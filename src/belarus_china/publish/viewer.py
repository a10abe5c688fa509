"""The evidence viewer: one static HTML page per source document (`docs/sources/<source_id>.html`)
and an index (`docs/sources/index.html`).

A page shows the raw document exactly (escaped, white space kept) with every evidence excerpt
highlighted (`highlight.render`: one `<mark id="ev-…">` per evidence row, overlaps nested or split),
each highlight linking to the record it supports; beside it, one section per record with its table,
id, curated values, its excerpts (linking back) and flags: a claim of this document that disagrees
with the curated value, and values inferred rather than stated.

No JavaScript, no timestamps, everything sorted: two builds give the same bytes. Records are read
generically, from whatever table an evidence row points at (`evidence.record_table`/`record_id`),
and named by the registry's `browse.fact_label` (else the primary key), so a new table needs no code.
"""

from __future__ import annotations

import html
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pandas as pd

from ..base.codec import csv_cell
from ..contract.registry import Registry, Table, field_descriptor
from ..contract.vocabulary import Claims, Evidence, Inferences, Sources
from . import highlight

FOLDER = "docs/sources"
INDEX = f"{FOLDER}/index.html"
ANNOTATIONS_FOLDER = "docs/annotations"   # written by publish.web_annotations; linked from the pages
CONFLICT, INFERRED = "conflict", "inferred"
LABEL_LENGTH = 110   # a record's heading; the full value is in its values list
LONG_VALUE = 180     # longer values are folded (<details>) in the values list


def page_path(source_id: str) -> str:
    return f"{FOLDER}/{source_id}.html"


def annotations_path(source_id: str) -> str:
    return f"{ANNOTATIONS_FOLDER}/{source_id}.jsonld"


def evidence_anchor(evidence_id: str) -> str:
    return f"ev-{evidence_id}"


def record_anchor(table: str, record_id: str) -> str:
    return f"r-{table}-{record_id}"


# --- what the page flags: claims that disagree, inferred values ----------------------------------

@dataclass(frozen=True)
class Note:
    """Something a page flags on a record, for one document: its claim that disagrees with the
    curated value (CONFLICT) or a value inferred rather than stated (INFERRED)."""
    kind: str
    fields: tuple[str, ...]           # the record's columns it is about
    message: str                      # what the page says
    evidence_ids: tuple[str, ...] = ()  # the excerpts behind it; none: those supporting `fields`


def record_notes(frames: dict[str, pd.DataFrame], delimiter: str) -> dict[tuple[str, str, str], list[Note]]:
    """(record table, record id, source id) -> the notes of that record for that document.

    The one place that reads `claims` and `inferences` (one claim row per record, field and source)."""
    notes: dict[tuple[str, str, str], list[Note]] = defaultdict(list)
    for row in row_dicts(frames[Claims.table]):
        if row[Claims.agrees] is not False:   # nullable: only a stated disagreement is a conflict
            continue
        fields = (row[Claims.field],)
        words = f" (its words: “{row[Claims.value_as_reported]}”)" if row[Claims.value_as_reported] else ""
        message = (f"{row[Claims.field]}: this document says {row[Claims.claimed_value]}{words}, which is not the "
                   f"curated value; the rule that chose it: {row[Claims.rule]}.")
        cited = tuple(str(row[Claims.evidence_ids]).split(delimiter)) if row[Claims.evidence_ids] else ()
        notes[(row[Claims.record_table], row[Claims.record_id], row[Claims.source_id])].append(
            Note(CONFLICT, fields, message, cited))
    for row in row_dicts(frames[Inferences.table]):
        notes[(row[Inferences.record_table], row[Inferences.record_id], row[Inferences.source_id])].append(
            Note(INFERRED, (row[Inferences.field],), f"{row[Inferences.field]} is inferred: {row[Inferences.reason]}"))
    return {key: sorted(found, key=lambda n: (n.kind, n.fields, n.message)) for key, found in sorted(notes.items())}


def row_dicts(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts with None for every missing value (pandas gives NA, NaT or NaN)."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def _kinds(evidence: dict, supports: tuple[str, ...], notes: Iterable[Note]) -> tuple[str, ...]:
    """The flags a highlight carries: a note citing it, or (a note citing nothing) about a column it supports."""
    found = {note.kind for note in notes
             if evidence[Evidence.id] in note.evidence_ids or (not note.evidence_ids and set(supports) & set(note.fields))}
    return tuple(kind for kind in (CONFLICT, INFERRED) if kind in found)


# --- records ---------------------------------------------------------------------------------------

@dataclass
class Record:
    table: Table
    record_id: str
    row: dict | None        # the curated row; None if the table has no such row (the contract forbids it)
    number: int = 0         # its number on the page, shown on the highlights that support it

    @property
    def anchor(self) -> str:
        return record_anchor(self.table.name, self.record_id)


def record_label(table: Table, row: dict | None, record_id: str) -> str:
    """The first `browse.fact_label` item of the table whose columns are all filled (a list of columns
    is joined by ": "), else the record id: the same label the Datasette "facts of a source" query uses."""
    if row is None:
        return record_id
    for item in table.browse.get("fact_label", []):
        columns = item if isinstance(item, list) else [item]
        values = [_text(table, column, row.get(column)) for column in columns]
        if all(values):
            return ": ".join(values)
    return record_id


def _text(table: Table, column: str, value) -> str:
    """A value as the CSV writes it ("" when missing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return csv_cell(value, field_descriptor(table, table.column(column)))


def _short(text: str, limit: int = LABEL_LENGTH) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


class Rows:
    """The curated rows of every table, by primary key (tables with a one-column key: those evidence can cite)."""

    def __init__(self, registry: Registry, frames: dict[str, pd.DataFrame]):
        self.registry = registry
        self._frames = frames
        self._by_id: dict[str, dict[str, dict]] = {}

    def get(self, table: str, record_id: str) -> dict | None:
        if table not in self._by_id:
            key = self.registry[table].primary_key
            frame = self._frames.get(table)
            rows = row_dicts(frame) if frame is not None and len(key) == 1 else []
            self._by_id[table] = {str(row[key[0]]): row for row in rows}
        return self._by_id[table].get(record_id)


# --- HTML ------------------------------------------------------------------------------------------

def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _plural(n: int, word: str) -> str:
    """"1 record", "2 records" (words of the page's English, not names of the registry)."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def _excerpts(n: int) -> str:
    return f"{n} excerpt{'' if n == 1 else 's'}"


STYLE = """
:root { color-scheme: light; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1b;
  background: #fff; }
a { color: #0b4a8f; }
a:focus-visible, summary:focus-visible { outline: 3px solid #1d3a7a; outline-offset: 2px; border-radius: 2px; }
.skip { position: absolute; left: -10000px; top: 0; }
.skip:focus { left: 1rem; top: 1rem; z-index: 2; background: #fff; padding: .5rem 1rem; }
header { padding: 1rem 1.5rem .5rem; border-bottom: 1px solid #b8b8b8; }
header h1 { margin: .25rem 0 .5rem; font-size: 1.5rem; line-height: 1.25; }
h2 { font-size: 1.15rem; margin: 0 0 .75rem; }
h3 { font-size: 1rem; margin: 1.25rem 0 .5rem; }
h4 { font-size: 1rem; margin: 0 0 .25rem; }
h5 { font-size: .85rem; margin: .6rem 0 .2rem; text-transform: uppercase; letter-spacing: .03em; color: #3d3d3d; }
code { font: .85em/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
.muted { color: #4a4a4a; }
dl.meta, dl.values { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .1rem .9rem; margin: .4rem 0; }
dl.meta { font-size: .9rem; }
dl.values { font-size: .875rem; }
dt { color: #3d3d3d; font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .82rem; }
dd { margin: 0; overflow-wrap: anywhere; }
.legend { font-size: .9rem; margin: .5rem 0; }
.layout { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); align-items: start; }
.doc { padding: 1rem 1.5rem 2rem; }
.records { position: sticky; top: 0; max-height: 100vh; overflow-y: auto; box-sizing: border-box;
  padding: 1rem 1.25rem 2rem; border-left: 1px solid #b8b8b8; background: #f6f6f6; }
@media (max-width: 62rem) {
  .layout { grid-template-columns: minmax(0, 1fr); }
  .records { position: static; max-height: none; border-left: 0; border-top: 1px solid #b8b8b8; }
}
pre.raw { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; font: 1rem/1.85 Georgia, "Times New Roman", serif; }
mark.ev { color: inherit; background: #fff3bf; border-radius: 2px; }
mark.d2 { background: #ffe58a; }
mark.d3 { background: #ffd257; }
mark.d4 { background: #ffbf2e; }
mark.conflict { text-decoration: underline wavy #a4001d; text-decoration-thickness: 1.5px; text-underline-offset: 4px; }
mark.inferred { text-decoration: underline dotted #5b2a86; text-decoration-thickness: 2px; text-underline-offset: 4px; }
mark.conflict.inferred { text-decoration-style: wavy; }
mark.ev:target { outline: 3px solid #1d3a7a; outline-offset: 1px; }
a.ref { text-decoration: none; }
a.ref::before { content: attr(data-r); display: inline-block; margin: 0 .1rem; padding: 0 .3rem; border-radius: .55rem;
  font: 700 .68rem/1.25 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; vertical-align: .35em;
  color: #fff; background: #1d3a7a; }
mark.inferred > a.ref::before { background: #5b2a86; }
mark.conflict > a.ref::before { background: #a4001d; }
a.ref:hover::before { background: #000; }
.rnum, .badge { display: inline-block; padding: 0 .4rem; border-radius: .55rem; font-size: .78rem; font-weight: 700;
  color: #fff; background: #1d3a7a; }
.badge.conflict { background: #a4001d; }
.badge.inferred { background: #5b2a86; }
article.record { margin: 0 0 .9rem; padding: .7rem .9rem; border: 1px solid #b8b8b8; border-radius: 6px; background: #fff; }
article.record:target { outline: 3px solid #1d3a7a; outline-offset: 1px; }
.rid { margin: 0 0 .25rem; font-size: .85rem; }
ol.excerpts { margin: .2rem 0; padding-left: 1.3rem; font-size: .9rem; }
ol.excerpts li { margin-bottom: .4rem; }
blockquote { margin: .15rem 0 0; padding: 0 0 0 .6rem; border-left: 3px solid #d9a400; white-space: pre-wrap;
  font-family: Georgia, "Times New Roman", serif; }
ul.notes { margin: .2rem 0; padding-left: 1.2rem; font-size: .875rem; }
table.documents { border-collapse: collapse; margin: 1rem 0; font-size: .95rem; }
table.documents th, table.documents td { border: 1px solid #b8b8b8; padding: .35rem .6rem; text-align: left;
  vertical-align: top; }
table.documents td.n, table.documents th.n { text-align: right; font-variant-numeric: tabular-nums; }
table.documents caption { text-align: left; font-weight: 700; margin-bottom: .4rem; }
main.index { padding: 1rem 1.5rem 2rem; max-width: 80rem; }
""".strip()


def _page(title: str, body: str, head: str = "") -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{_e(title)}</title>\n<style>\n{STYLE}\n</style>\n{head}</head>\n<body>\n{body}</body>\n</html>\n")


def _values(table: Table, row: dict | None, css: str = "values") -> str:
    """Every filled column of a row (the primary key is named above it), long values folded."""
    if row is None:
        return "<p class=\"muted\">The table has no such row.</p>\n"
    items = []
    for column in table.columns:
        if column.name in table.primary_key:
            continue
        text = _text(table, column.name, row.get(column.name))
        if not text:
            continue
        if len(text) > LONG_VALUE:
            value = f"<details><summary>{_e(_short(text, 70))}</summary>{_e(text)}</details>"
        else:
            value = _e(text)
        items.append(f"<dt title=\"{_e(column.description)}\">{_e(column.name)}</dt><dd>{value}</dd>")
    return f"<dl class=\"{css}\">" + "".join(items) + "</dl>\n"


def _flag_badges(kinds: Iterable[str]) -> str:
    words = {CONFLICT: "conflict", INFERRED: "inferred"}
    return "".join(f" <span class=\"badge {kind}\">{words[kind]}</span>" for kind in kinds)


def _supports(supports: tuple[str, ...], disagrees: tuple[str, ...] = ()) -> str:
    """What an excerpt supports; the columns it disagrees on (evidence.disagrees) are its source's claim, not support
    of the published value, and are said so."""
    agreeing = [c for c in supports if c not in disagrees]
    said = "supports " + (", ".join(f"<code>{_e(c)}</code>" for c in agreeing) if agreeing else
                          "the record as a whole" if not supports else "nothing published")
    if disagrees:
        said += ("; <strong class=\"disagrees\">disagrees with the curated value</strong> of "
                 + ", ".join(f"<code>{_e(c)}</code>" for c in disagrees) + " (evidence of this document's own claim)")
    return said


@dataclass
class Excerpt:
    row: dict
    supports: tuple[str, ...]
    kinds: tuple[str, ...]
    number: int          # its place in the document, 1 = first
    disagrees: tuple[str, ...] = ()


def _record_section(record: Record, excerpts: list[Excerpt], notes: list[Note], language: str) -> str:
    table = record.table
    label = record_label(table, record.row, record.record_id)
    kinds = sorted({note.kind for note in notes}, key=(CONFLICT, INFERRED).index)
    heading_id = f"h-{record.anchor}"
    parts = [f"<article class=\"record\" id=\"{_e(record.anchor)}\" aria-labelledby=\"{_e(heading_id)}\">",
             f"<h4 id=\"{_e(heading_id)}\"><span class=\"rnum\" aria-hidden=\"true\">{record.number}</span> "
             f"{_e(_short(label))}{_flag_badges(kinds)}</h4>",
             f"<p class=\"rid\">{_e(table.title)} · <code>{_e(record.record_id)}</code></p>",
             _values(table, record.row)]
    items = []
    for excerpt in excerpts:
        row = excerpt.row
        video = f", video time {_e(row[Evidence.video_time])}" if row.get(Evidence.video_time) else ""
        items.append(
            f"<li><a href=\"#{_e(evidence_anchor(row[Evidence.id]))}\">Excerpt {excerpt.number}, characters "
            f"{row[Evidence.char_start]}–{row[Evidence.char_end]}</a>{video}{_flag_badges(excerpt.kinds)}; "
            f"{_supports(excerpt.supports, excerpt.disagrees)}"
            f"<blockquote lang=\"{_e(language)}\">{_e(row[Evidence.excerpt])}</blockquote></li>")
    parts.append(f"<h5>{_excerpts(len(excerpts))} in this document</h5>\n<ol class=\"excerpts\">"
                 + "".join(items) + "</ol>")
    for kind, heading in ((CONFLICT, "Disagrees with the curated value"), (INFERRED, "Inferred, not stated")):
        chosen = [note for note in notes if note.kind == kind]
        if chosen:
            parts.append(f"<h5>{heading}</h5>\n<ul class=\"notes {kind}\">"
                         + "".join(f"<li>{_e(note.message)}</li>" for note in chosen) + "</ul>")
    return "\n".join(parts) + "\n</article>\n"


def _ref_label(excerpt: Excerpt, record: Record, total: int) -> str:
    """What a screen reader says for a highlight's link: which excerpt, what it supports, its flags."""
    label = _short(record_label(record.table, record.row, record.record_id), 80)
    flags = {CONFLICT: "; this document's claim disagrees with the curated value",
             INFERRED: "; a value it bears on is inferred, not stated"}
    return (f"Excerpt {excerpt.number} of {total}: supports {record.table.title.lower()} record {record.number}, "
            f"“{label}” ({', '.join(excerpt.supports) or 'the record as a whole'})"
            + (f"; disagrees with the curated {', '.join(excerpt.disagrees)}" if excerpt.disagrees else "")
            + "".join(flags[k] for k in excerpt.kinds) + ". Go to the record.")


def _document_page(source: dict, text: str, evidence: list[dict], registry: Registry, rows: Rows,
                   notes: dict[tuple[str, str, str], list[Note]]) -> tuple[str, dict]:
    """One document's page, and its counts for the index."""
    source_id = source[Sources.id]
    language = source[Sources.language]
    delimiter = registry.list_delimiter
    order = {name: i for i, name in enumerate(registry.names)}
    evidence = sorted(evidence, key=lambda r: (r[Evidence.char_start], r[Evidence.char_end], r[Evidence.id]))
    records: dict[tuple[str, str], Record] = {}
    for row in evidence:
        key = (row[Evidence.record_table], row[Evidence.record_id])
        if key not in records:
            records[key] = Record(registry[key[0]], key[1], rows.get(*key))
    ordered = sorted(records.values(), key=lambda r: (order.get(r.table.name, len(order)), r.record_id))
    for number, record in enumerate(ordered, start=1):
        record.number = number
    notes_of = {key: notes.get((*key, source_id), []) for key in records}

    excerpts: dict[tuple[str, str], list[Excerpt]] = defaultdict(list)
    spans = []
    for number, row in enumerate(evidence, start=1):
        key = (row[Evidence.record_table], row[Evidence.record_id])
        supports = tuple(row[Evidence.supports].split(delimiter)) if row[Evidence.supports] else ()
        disagrees = tuple(row[Evidence.disagrees].split(delimiter)) if row.get(Evidence.disagrees) else ()
        kinds = _kinds(row, supports, notes_of[key])
        kinds = kinds if not disagrees or CONFLICT in kinds else (CONFLICT, *kinds)
        excerpt = Excerpt(row, supports, kinds, number, disagrees)
        excerpts[key].append(excerpt)
        record = records[key]
        marker = str(record.number) + ("≠" if CONFLICT in excerpt.kinds else "") + ("~" if INFERRED in excerpt.kinds else "")
        lead = (f"<a class=\"ref\" href=\"#{_e(record.anchor)}\" data-r=\"{_e(marker)}\" "
                f"aria-label=\"{_e(_ref_label(excerpt, record, len(evidence)))}\"></a>")
        spans.append(highlight.Span(evidence_anchor(row[Evidence.id]), row[Evidence.char_start], row[Evidence.char_end],
                                    classes=excerpt.kinds, attributes=(("data-record", f"{key[0]}/{key[1]}"),), lead=lead))
    marked = highlight.render(text, spans)

    conflicts = sum(1 for key in records for n in notes_of[key] if n.kind == CONFLICT)
    inferred = sum(1 for key in records for n in notes_of[key] if n.kind == INFERRED)
    title = source[Sources.title] or source_id
    groups = []
    for table_name in dict.fromkeys(r.table.name for r in ordered):
        in_table = [r for r in ordered if r.table.name == table_name]
        sections = "".join(_record_section(r, excerpts[(r.table.name, r.record_id)], notes_of[(r.table.name, r.record_id)],
                                           language) for r in in_table)
        groups.append(f"<h3>{_e(registry[table_name].title)} ({len(in_table)})</h3>\n{sections}")
    raw_path = source[Sources.raw_path]
    own = records.get((Sources.table, source_id))
    about = (f" Its bibliographic record is <a href=\"#{_e(own.anchor)}\">record {own.number}</a>." if own else "")
    # The newline right after <pre> is dropped by every HTML parser, so a text that starts with one keeps it.
    body = f"""<a class="skip" href="#records">Skip to the records</a>
<header>
<nav aria-label="Breadcrumb"><a href="index.html">All source documents</a></nav>
<h1>{_e(title)}</h1>
<p>{_excerpts(len(evidence))} of this document support {_plural(len(ordered), 'record')};
{conflicts} of its claims {'disagrees' if conflicts == 1 else 'disagree'} with the curated value;
{_plural(inferred, 'value')} {'is' if inferred == 1 else 'are'} inferred from it.{about}
Verbatim text: <a href="../../{_e(raw_path)}"><code>{_e(raw_path)}</code></a>.
The same excerpts as W3C Web Annotations:
<a href="../annotations/{_e(source_id)}.jsonld"><code>{_e(annotations_path(source_id))}</code></a>.</p>
<p class="legend">How to read it: <mark class="ev">a highlight</mark> is an excerpt cited as evidence;
<mark class="ev d2">darker</mark> where excerpts overlap; the number before it is the record it supports (a link).
<mark class="ev conflict">Wavy red underline, ≠</mark>: this document's claim disagrees with the curated value.
<mark class="ev inferred">Dotted purple underline, ~</mark>: a value it bears on is inferred, not stated.</p>
</header>
<main class="layout">
<section class="doc" aria-labelledby="doc-heading">
<h2 id="doc-heading">Document text</h2>
<pre class="raw" lang="{_e(language)}">
{marked}</pre>
</section>
<section class="records" id="records" aria-labelledby="records-heading">
<h2 id="records-heading">What this document supports: {_plural(len(ordered), 'record')}</h2>
{''.join(groups)}</section>
</main>
"""
    counts = {"excerpts": len(evidence), "records": len(ordered), CONFLICT: conflicts, INFERRED: inferred}
    return _page(f"{title} — evidence", body), counts


def _index_page(sources: list[dict], counts: dict[str, dict], head: str = "") -> str:
    rows = []
    for source in sources:
        source_id = source[Sources.id]
        c = counts[source_id]
        rows.append(
            f"<tr><td><a href=\"{_e(source_id)}.html\">{_e(source[Sources.title] or source_id)}</a><br>"
            f"<code class=\"muted\">{_e(source_id)}</code></td><td>{_e(source[Sources.doc_kind])}</td>"
            f"<td>{_e(source[Sources.language])}</td><td class=\"n\">{source[Sources.char_count]}</td>"
            f"<td class=\"n\">{c['excerpts']}</td><td class=\"n\">{c['records']}</td>"
            f"<td class=\"n\">{c[CONFLICT]}</td><td class=\"n\">{c[INFERRED]}</td>"
            f"<td><a href=\"../../{_e(source[Sources.raw_path])}\">raw text</a> · "
            f"<a href=\"../annotations/{_e(source_id)}.jsonld\">annotations</a></td></tr>")
    total = {k: sum(c[k] for c in counts.values()) for k in ("excerpts", "records", CONFLICT, INFERRED)}
    body = f"""<main class="index">
<h1>Source documents and their evidence</h1>
<p>Each document of the package, shown verbatim with every excerpt the tables cite as evidence highlighted and
linked to the record it supports. {_plural(len(sources), 'document')}, {_excerpts(total['excerpts'])};
a record cited by several documents is counted once per document.</p>
<table class="documents">
<caption>Documents, with what each supports</caption>
<thead><tr><th scope="col">Document</th><th scope="col">Kind</th><th scope="col">Language</th>
<th scope="col" class="n">Characters</th><th scope="col" class="n">Excerpts</th><th scope="col" class="n">Records</th>
<th scope="col" class="n">Conflicting claims</th><th scope="col" class="n">Inferred values</th>
<th scope="col">Files</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
<p>Generated by <code>belarus-china build</code> from the tables and <code>raw/</code>; do not edit.</p>
</main>
"""
    return _page("Source documents and their evidence", body, head)


def render(registry: Registry, frames: dict[str, pd.DataFrame], texts: dict[str, str], head: str = "") -> dict[str, bytes]:
    """The viewer's files: a page per source document and the index. `texts` maps each source's
    `raw_path` to its text."""
    return dict(render_files(registry, frames, texts, head))


def render_files(registry: Registry, frames: dict[str, pd.DataFrame], texts: dict[str, str],
                 head: str = "") -> Iterator[tuple[str, bytes]]:
    """The viewer's files one at a time, (path, bytes), so that a build writes each page before rendering the
    next instead of holding them all; `head` goes into the index page's <head> (the package's JSON-LD)."""
    sources = sorted(row_dicts(frames[Sources.table]), key=lambda s: (s[Sources.raw_path], s[Sources.id]))
    evidence_of: dict[str, list[dict]] = defaultdict(list)
    for row in row_dicts(frames[Evidence.table]):
        evidence_of[row[Evidence.source_id]].append(row)
    notes = record_notes(frames, registry.list_delimiter)
    rows = Rows(registry, frames)
    counts = {}
    for source in sources:
        page, counts[source[Sources.id]] = _document_page(source, texts[source[Sources.raw_path]],
                                                           evidence_of[source[Sources.id]], registry, rows, notes)
        yield page_path(source[Sources.id]), page.encode("utf-8")
    yield INDEX, _index_page(sources, counts, head).encode("utf-8")
