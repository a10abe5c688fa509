"""Coverage audit: scan the raw documents for candidate facts and check each is curated.

A candidate is a quotation, a money amount, a percentage, a count with its unit, a rank, a date or
date phrase, or a person's name, found with the patterns of the document's language
(`audit_patterns`). It is
- covered: it lies inside an excerpt of a fact record that supports a column of its kind (a date
  by a date or window column, an amount by a number column or its words, a quotation by a column
  of the document's own words, a name by an actor column), or inside a value of the document's own
  words (a quotation's text, an as-reported phrase) found in an excerpt of its record; an excerpt
  that supports the record as a whole covers any kind. A document's own record (its title, its
  date) covers only what lies inside those of its values that are the document's words. A name
  is also covered when it is the alias of a curated actor;
- dismissed: it lies inside a `dismissed` excerpt of the document's curation file, whose
  reason the report repeats;
- uncovered: neither. The build fails while any candidate is uncovered.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from ..base.codec import codec_of
from ..contract.registry import Registry, Table
from ..contract.vocabulary import Actors, Evidence, Sources
from .audit_patterns import DURATION_KINDS, KINDS, NOT_PEOPLE, QUANTITIES, patterns_for

STATUSES = ("covered", "dismissed", "uncovered")


@dataclass(frozen=True)
class Candidate:
    raw_file: str
    kind: str
    start: int
    end: int
    text: str
    status: str = "uncovered"  # covered | dismissed | uncovered
    reason: str = ""


def _bare(word: str) -> str:
    return re.sub(r"[’']s$", "", word)


def _masked(text: str) -> str:
    """Markup replaced by spaces (offsets kept): HTML tags, [hh:mm:ss] stamps, wiki-link targets, front matter."""
    def blank(match: re.Match) -> str:
        return " " * len(match.group(0))
    text = re.sub(r"<[^>\n]*>", blank, text)
    text = re.sub(r"\[\d{2}:\d{2}:\d{2}\]", blank, text)
    text = re.sub(r"\[\[[^|\]]*\|", blank, text)  # [[target | label]]: keep the label only
    text = re.sub(r"\A---\n.*?\n---\n", lambda m: re.sub(r"^(\w+):", lambda k: " " * len(k.group(0)), m.group(0),
                                                         flags=re.MULTILINE), text, flags=re.DOTALL)
    return text


def scan(raw_file: str, text: str, language: str | None = None) -> list[Candidate]:
    """Every candidate fact in one document, in order."""
    masked = _masked(text)
    patterns = patterns_for(language)
    found: list[Candidate] = []
    for pattern in patterns.quotations:
        for match in pattern.finditer(masked):
            start, end = match.span(1)
            found.append(Candidate(raw_file, "quotation", start, end, text[start:end]))
    for kind, pattern in patterns.kinds.items():
        for match in pattern.finditer(masked):
            start, end = match.span()
            if kind == "person_name":
                words = [(m.start() + start, m.group(0)) for m in re.finditer(r"\S+", match.group(0))]
                while words and _bare(words[0][1]) in NOT_PEOPLE:
                    words.pop(0)
                if len(words) < 2 or any(_bare(w) in NOT_PEOPLE for _, w in words):
                    continue
                start = words[0][0]
            found.append(Candidate(raw_file, kind, start, end, text[start:end]))
    unique = {(c.start, c.end, c.kind): c for c in found}   # two quotation styles may find the same span
    return sorted(unique.values(), key=lambda c: (c.start, c.end, c.kind))


ANY_KIND = frozenset(KINDS)


@dataclass(frozen=True)
class Span:
    """Where a document's text is covered, and for which kinds of candidate."""
    start: int
    end: int
    kinds: frozenset[str]
    reason: str = ""


def _inside(candidate: Candidate, spans) -> Span | None:
    for span in spans:
        if span.start <= candidate.start and candidate.end <= span.end and candidate.kind in span.kinds:
            return span
    return None


def classify(candidates: list[Candidate], evidence: list[Span], dismissed: list[tuple[int, int, str]],
             aliases: set[str]) -> list[Candidate]:
    out = []
    dismissals = [Span(s, e, ANY_KIND, reason) for s, e, reason in dismissed]
    for c in candidates:
        if _inside(c, evidence):
            out.append(replace(c, status="covered"))
        elif c.kind == "person_name" and _bare(c.text) in aliases:
            out.append(replace(c, status="covered", reason="alias of a curated actor"))
        elif (span := _inside(c, dismissals)) is not None:
            out.append(replace(c, status="dismissed", reason=span.reason))
        else:
            out.append(c)
    return out


def column_kinds(table: Table) -> dict[str, frozenset[str]]:
    """The kinds of candidate an excerpt supporting each column covers (from the column's registry roles)."""
    kinds: dict[str, set[str]] = {c.name: set() for c in table.columns}
    for role in (table.window, table.period):
        if role is not None:
            for name in vars(role).values():
                if isinstance(name, str) and name in kinds:
                    kinds[name].add("date")
    for column in table.columns:
        codec = codec_of(column.type)
        if table.is_date(column.name):
            kinds[column.name].add("date")
        if codec.is_number:
            kinds[column.name] |= QUANTITIES
        if column.shown_as == "actor" or (column.references and column.references[0] == Actors.table):
            kinds[column.name].add("person_name")
        if codec.is_text and column.name in table.verbatim_columns:
            kinds[column.name].add("quotation")
    for words in table.words:
        kinds[words.column] |= QUANTITIES
    if table.window is not None and table.window.duration:
        kinds[table.window.duration] |= DURATION_KINDS
    return {name: frozenset(found) for name, found in kinds.items()}


def coverage_spans(registry: Registry, rows: dict[str, list[dict]]) -> dict[str, list[Span]]:
    """raw file -> the spans the curated evidence covers, each with the kinds it covers."""
    raw_of_source = {row[Sources.id]: str(row[Sources.raw_path]).rsplit("/", 1)[-1] for row in rows[Sources.table]}
    kinds_of = {t.name: column_kinds(t) for t in registry}
    records = {t.name: {"/".join(str(r.get(k)) for k in t.primary_key): r for r in rows[t.name]} for t in registry}
    spans: dict[str, list[Span]] = {}
    for ev in rows[Evidence.table]:
        table = registry[ev[Evidence.record_table]]
        start, excerpt = ev[Evidence.char_start], ev[Evidence.excerpt]
        supports = list(ev[Evidence.supports] or [])
        found = spans.setdefault(raw_of_source.get(ev[Evidence.source_id], ""), [])
        if not table.one_per_file:
            kinds = ANY_KIND if not supports else frozenset().union(*(kinds_of[table.name].get(c, frozenset())
                                                                      for c in supports))
            found.append(Span(start, ev[Evidence.char_end], kinds))
        # The record's own words found in the excerpt cover every candidate inside them; for a document's own
        # record (its title, publisher, byline, date line, address) that is every text it states.
        record = records[table.name].get(str(ev[Evidence.record_id]), {})
        own = [c.name for c in table.columns if codec_of(c.type).is_text] if table.one_per_file else []
        for column in sorted(table.verbatim_columns | set(own)):
            words = record.get(column)
            if not isinstance(words, str) or not words:
                continue
            at = excerpt.find(words)
            if at >= 0:
                found.append(Span(start + at, start + at + len(words), ANY_KIND))
    return spans


def run_audit(assembled, registry: Registry) -> list[Candidate]:
    """Every candidate of every raw document, classified against the assembled evidence and dismissals;
    a document without a curation file has every candidate uncovered."""
    aliases = {alias for row in assembled.rows[Actors.table] for alias in (row.get(Actors.aliases) or [])}
    language_of = {str(row[Sources.raw_path]).rsplit("/", 1)[-1]: row.get(Sources.language)
                   for row in assembled.rows[Sources.table]}
    spans = coverage_spans(registry, assembled.rows)
    result = []
    for raw_file, text in sorted(assembled.texts.items()):
        result.extend(classify(scan(raw_file, text, language_of.get(raw_file)), spans.get(raw_file, []),
                               assembled.dismissed.get(raw_file, []), aliases))
    return result


def report_table(candidates: list[Candidate], raw_files: list[str]) -> str:
    """The audit as a text table (`belarus-china audit`): statuses per document and per kind, then
    every uncovered candidate."""
    lines = [f"{'':<28}" + "".join(f"{s:>11}" for s in STATUSES)]
    for label, key in [(f, "raw_file") for f in sorted(raw_files)] + [(k, "kind") for k in KINDS]:
        own = Counter(c.status for c in candidates if getattr(c, key) == label)
        lines.append(f"{label:<28}" + "".join(f"{own[s]:>11}" for s in STATUSES))
    total = Counter(c.status for c in candidates)
    lines.append(f"{'total':<28}" + "".join(f"{total[s]:>11}" for s in STATUSES))
    lines += [f"UNCOVERED raw/{c.raw_file} chars {c.start}-{c.end} {c.kind}: {c.text!r}"
              for c in candidates if c.status == "uncovered"]
    return "\n".join(lines)
