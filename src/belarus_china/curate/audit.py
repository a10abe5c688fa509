"""Coverage audit: scan the raw documents for candidate facts and check each is curated.

A candidate is a quotation, a money amount, a percentage, a count with its unit, a date or
date phrase, or a person's name (what they look like: `audit_patterns`). It is
- covered: it lies inside the excerpt of some evidence row of its document (a name is also
  covered when it is the alias of a curated actor);
- dismissed: it lies inside a `dismissed` excerpt of the document's curation file, whose
  reason the report repeats;
- uncovered: neither. The build fails while any candidate is uncovered.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from ..contract.vocabulary import Actors
from .audit_patterns import KINDS, NOT_PEOPLE, PATTERNS, QUOTES

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


def scan(raw_file: str, text: str) -> list[Candidate]:
    """Every candidate fact in one document, in order."""
    masked = _masked(text)
    found: list[Candidate] = []
    for pattern in QUOTES:
        for match in pattern.finditer(masked):
            start, end = match.span(1)
            found.append(Candidate(raw_file, "quotation", start, end, text[start:end]))
    for kind, pattern in PATTERNS.items():
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
    return sorted(found, key=lambda c: (c.start, c.end, c.kind))


def _inside(candidate: Candidate, spans) -> tuple[int, int, str] | None:
    for span in spans:
        if span[0] <= candidate.start and candidate.end <= span[1]:
            return span
    return None


def classify(candidates: list[Candidate], evidence_spans: list[tuple[int, int]],
             dismissed: list[tuple[int, int, str]], aliases: set[str]) -> list[Candidate]:
    out = []
    evidence = [(s, e, "") for s, e in evidence_spans]  # built once per document, not per candidate
    for c in candidates:
        if _inside(c, evidence):
            out.append(replace(c, status="covered"))
        elif c.kind == "person_name" and _bare(c.text) in aliases:
            out.append(replace(c, status="covered", reason="alias of a curated actor"))
        elif (span := _inside(c, dismissed)) is not None:
            out.append(replace(c, status="dismissed", reason=span[2]))
        else:
            out.append(c)
    return out


def run_audit(assembled) -> list[Candidate]:
    """Every candidate of every raw document, classified against the assembled evidence and dismissals."""
    aliases = {alias for row in assembled.rows[Actors.table] for alias in (row.get(Actors.aliases) or [])}
    result = []
    for raw_file, text in sorted(assembled.texts.items()):
        result.extend(classify(scan(raw_file, text), assembled.evidence_spans.get(raw_file, []),
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
