"""Coverage audit: scan the raw documents for candidate facts and check each is curated.

A candidate is a quotation, a money amount, a percentage, a count with its unit, a date or
date phrase, or a person's name. It is
- covered: it lies inside the excerpt of some evidence row of its document (a name is also
  covered when it is the alias of a curated actor);
- dismissed: it lies inside a `dismissed` excerpt of the document's curation file, whose
  reason the report repeats;
- uncovered: neither. The build fails while any candidate is uncovered.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

KINDS = ("quotation", "money", "percentage", "count", "date", "person_name")

_NUMBER_WORDS = ("two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
                 "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|hundred|dozens?|several|a few")
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_RELATIVE = (r"last year|this year|next year|last week|this week|last month|this month|the other day|yesterday|"
             r"today|tomorrow|earlier this year|recent years|past (?:few )?(?:years|decades?|months)|"
             r"a few (?:days|weeks|months) (?:before|ago|earlier)|yearlong|decades?")

_PATTERNS = {
    "money": re.compile(r"(?:US)?\$\s?\d[\d,]*(?:\.\d+)?(?:\s*(?:billion|million|thousand|trillion|bn|mn)\b)?",
                        re.IGNORECASE),
    "percentage": re.compile(r"\b\d+(?:\.\d+)?\s*(?:%|percent\b|per cent\b)", re.IGNORECASE),
    "count": re.compile(rf"(?<![\d:.,])\b(?:\d{{1,3}}(?:,\d{{3}})*(?!\d)(?![.:,]\d)|(?:{_NUMBER_WORDS})\b)[ \xa0-]+"
                        rf"(?!(?:{_MONTHS})\b)(?!percent\b|per cent\b|billion\b|million\b)[A-Za-z][a-z]+",
                        re.IGNORECASE),
    # Month and weekday names are matched with their capital ("may" is a verb); relative phrases in any case.
    "date": re.compile(rf"\b(?:(?:\d{{1,2}}\s+)?(?:{_MONTHS})(?:\s+\d{{1,2}})?(?:,?\s+\d{{4}})?|(?:19|20)\d{{2}}s?"
                       rf"|(?:[Oo]n\s+)?(?:{_WEEKDAYS})|(?i:{_RELATIVE}))\b"),
    # Capitalised words joined by spaces on one line; leading titles and place words are dropped below.
    "person_name": re.compile(r"\b[A-Z][a-z]+(?:[’']s)?(?:[ \xa0]+[A-Z][a-z]+(?:[’']s)?)+\b"),
}
_QUOTES = [
    re.compile(r"“([^”\n]+)”"),
    re.compile(r"(?<![\w])‘([^’\n]+?)’(?![\w])"),
    re.compile(r"(?<![=\w])\"([^\"\n<>=]+)\"(?![\w>])"),
]
# Words that begin capitalised sequences that are not people (titles, places, institutions).
_NOT_PEOPLE = {
    "President", "Chinese", "Russian", "Belarusian", "Prime", "Minister", "Foreign", "First", "Deputy", "Great",
    "Hall", "People", "Republic", "Central", "Asia", "Shanghai", "Cooperation", "Organisation", "Organization",
    "Belt", "Road", "Initiative", "Industrial", "Park", "State", "Guesthouse", "Union", "Western", "Eastern",
    "Europe", "East", "Affairs", "United", "States", "Joint", "Statement", "China", "Russia", "Belarus", "Ukraine", "Kremlin",
    "Beijing", "Moscow", "Minsk", "Tiananmen", "Square", "Diaoyutai", "Comtrade", "Newsweek", "Xinhua", "Daily",
    "World", "Service", "Radio", "Free", "Liberty", "Realities", "Leave", "Reply", "Comment", "Home", "Opinions",
    "Voice", "About", "Read", "Photo", "Copyright", "Policy", "Magazine", "Post", "Morning", "South", "North",
    "Technology", "University", "Virginia", "Tech", "London", "British", "Columbia", "Group", "Wagner", "Between",
    "And", "The", "In", "On", "As", "But", "After", "Before", "During", "Despite", "This", "That", "It", "Both",
    "Some", "Kyiv", "Washington", "Yahoo", "News", "Taipei", "Taiwan", "Prague", "Atlantic", "Federation",
    "Objectives", "Visit", "Reaction", "Motivations", "Soviet", "Sino", "Kazakhstan", "Uzbekistan", "Crimea",
    "Georgia", "Abkhazia", "Sukhumi", "Donetsk", "Mogilev", "Vitebsk", "Lukashenkos", "Xinjiang", "Africa", "By",
}


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
    for pattern in _QUOTES:
        for match in pattern.finditer(masked):
            start, end = match.span(1)
            found.append(Candidate(raw_file, "quotation", start, end, text[start:end]))
    for kind, pattern in _PATTERNS.items():
        for match in pattern.finditer(masked):
            start, end = match.span()
            words = match.group(0)
            if kind == "person_name":
                words = [(m.start() + start, m.group(0)) for m in re.finditer(r"\S+", match.group(0))]
                while words and _bare(words[0][1]) in _NOT_PEOPLE:
                    words.pop(0)
                if len(words) < 2 or any(_bare(w) in _NOT_PEOPLE for _, w in words):
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
            out.append(Candidate(**{**c.__dict__, "status": "covered"}))
        elif c.kind == "person_name" and _bare(c.text) in aliases:
            out.append(Candidate(**{**c.__dict__, "status": "covered", "reason": "alias of a curated actor"}))
        elif (span := _inside(c, dismissed)) is not None:
            out.append(Candidate(**{**c.__dict__, "status": "dismissed", "reason": span[2]}))
        else:
            out.append(c)
    return out


def run_audit(assembled, actor_rows: list[dict]) -> list[Candidate]:
    aliases = {alias for row in actor_rows for alias in (row.get("aliases") or [])}
    result = []
    for raw_file, text in sorted(assembled.texts.items()):
        result.extend(classify(scan(raw_file, text), assembled.evidence_spans.get(raw_file, []),
                               assembled.dismissed.get(raw_file, []), aliases))
    return result


def counts(candidates: list[Candidate]) -> dict[str, Counter]:
    by: dict[str, Counter] = {}
    for c in candidates:
        by.setdefault(c.raw_file, Counter())[(c.kind, c.status)] += 1
    return by


def report_markdown(candidates: list[Candidate]) -> str:
    """The coverage report committed as docs/coverage.md (generated by the build)."""
    lines = ["# Coverage audit", "",
             "Generated by `belarus-china build` (do not edit). Candidates are found automatically in the raw",
             "documents (see `belarus_china/audit.py`); each is covered by a curated record's evidence, dismissed",
             "by the curator with a reason (in `build/<document>.yaml`), or uncovered (the build fails).", ""]
    status_totals = Counter(c.status for c in candidates)
    lines += [f"Total: {len(candidates)} candidates: {status_totals['covered']} covered, "
              f"{status_totals['dismissed']} dismissed, {status_totals['uncovered']} uncovered.", ""]
    lines += ["## Per document", "", "| document | candidates | covered | dismissed | uncovered |", "|---|---:|---:|---:|---:|"]
    by_file: dict[str, Counter] = {}  # one pass, not one per document
    for c in candidates:
        by_file.setdefault(c.raw_file, Counter())[c.status] += 1
    for raw_file, own in sorted(by_file.items()):
        lines.append(f"| {raw_file} | {sum(own.values())} | {own['covered']} | {own['dismissed']} | {own['uncovered']} |")
    lines += ["", "## Per kind", "", "| kind | candidates | covered | dismissed | uncovered |", "|---|---:|---:|---:|---:|"]
    for kind in KINDS:
        own = Counter(c.status for c in candidates if c.kind == kind)
        lines.append(f"| {kind} | {sum(own.values())} | {own['covered']} | {own['dismissed']} | {own['uncovered']} |")
    reasons = Counter(c.reason for c in candidates if c.status == "dismissed")
    lines += ["", "## Dismissal reasons", "", "| reason | candidates |", "|---|---:|"]
    lines += [f"| {reason} | {n} |" for reason, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))]
    uncovered = [c for c in candidates if c.status == "uncovered"]
    if uncovered:
        lines += ["", "## Uncovered", ""] + [f"- {c.raw_file} [{c.start}:{c.end}] {c.kind}: {c.text!r}" for c in uncovered]
    return "\n".join(lines) + "\n"
