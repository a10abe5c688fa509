"""Evidence rows for curated records: each excerpt located in its document, and each actor alias
placed at its first whole-word occurrence in every document that names it.
"""

from __future__ import annotations

import re
from collections import defaultdict

from ..base.problems import Problem
from ..contract.text_match import first_whole_word
from ..contract.vocabulary import Actors, Evidence
from .locate import LocateError, locate
from .records import EvidenceItem, Record

_TIMESTAMP = re.compile(r'data-t="(\d{2}:\d{2}:\d{2})"')


def video_time(text: str, end: int) -> str | None:
    """The yt-timestamp anchor that follows the excerpt on the same line, if any."""
    line_end = text.find("\n", end)
    match = _TIMESTAMP.search(text, end, len(text) if line_end == -1 else line_end)
    return match.group(1) if match else None


class WordIndex:
    """Which raw files contain a given word (a maximal run of `\\w` characters), to search an alias
    only in the documents that can hold it.

    A whole-word match of an alias contains each maximal run of word characters of the alias as a
    maximal run of the text: inside the alias a run is bounded by the alias's own non-word
    characters, at its ends by the whole-word condition. So a document lacking one of the alias's
    words cannot match, and skipping it changes no result; it only avoids searching every document
    for every alias (actors x documents, quadratic as both grow).
    """

    _WORD = re.compile(r"\w+")

    def __init__(self, texts: dict[str, str]):
        self.names = sorted(texts)
        self.files_with: dict[str, list[str]] = defaultdict(list)  # word -> raw files, in sorted order
        for raw_file in self.names:
            for word in set(self._WORD.findall(texts[raw_file])):
                self.files_with[word].append(raw_file)

    def candidates(self, alias: str) -> list[str]:
        """The raw files, in sorted order, that contain the alias's rarest word (all files if it has none)."""
        words = set(self._WORD.findall(alias))
        if not words:
            return self.names
        return min((self.files_with.get(w, []) for w in words), key=len)


class EvidenceLocator:
    """Places excerpts and aliases in the raw documents and collects the evidence rows."""

    def __init__(self, texts: dict[str, str], source_of_raw: dict[str, str], video_sources: set[str],
                 problems: list[Problem]):
        self.texts = texts
        self.source_of_raw = source_of_raw
        self.video_sources = video_sources
        self.problems = problems
        self.rows: list[dict] = []
        self.of_record: dict[tuple[str, str], list[dict]] = defaultdict(list)  # (file, record label) -> rows

    def _problem(self, code: str, record: Record, message: str) -> None:
        self.problems.append(Problem(code, message, file=record.file, record=record.label, column=Evidence.table))

    def _add(self, record: Record, raw_file: str, start: int, end: int, supports) -> None:
        source_id = self.source_of_raw.get(raw_file)
        if source_id is None:
            return  # the document's own source record is broken; reported there
        text = self.texts[raw_file]
        row = {
            Evidence.id: f"{record.id}-{source_id}-{start}-{end}",
            Evidence.record_table: record.table,
            Evidence.record_id: record.id,
            Evidence.supports: list(supports) or None,
            Evidence.source_id: source_id,
            Evidence.excerpt: text[start:end],
            Evidence.char_start: start,
            Evidence.char_end: end,
            Evidence.video_time: video_time(text, end) if source_id in self.video_sources else None,
        }
        self.rows.append(row)
        self.of_record[(record.file, record.label)].append(row)

    def excerpt(self, record: Record, item: EvidenceItem) -> None:
        raw_file = item.raw_file or record.raw_file
        if raw_file is None:
            self._problem("evidence-raw-file", record, "an excerpt in a shared file must name its raw_file")
            return
        text = self.texts.get(raw_file)
        if text is None:
            self._problem("evidence-raw-file", record, f"names raw file {raw_file!r}, which is not in raw/")
            return
        try:
            start, end = locate(text, item.excerpt, within=item.within, occurrence=item.occurrence)
        except LocateError as exc:
            self._problem(exc.code, record, f"excerpt {item.excerpt.strip()[:80]!r} in raw/{raw_file}: {exc}")
            return
        self._add(record, raw_file, start, end, item.supports)

    def record(self, record: Record) -> None:
        for item in record.evidence:
            self.excerpt(record, item)

    def aliases(self, actors: list[Record]) -> None:
        """Evidence for each alias's first whole-word occurrence in every document (placed by the build)."""
        index = WordIndex(self.texts)
        for record in actors:
            for alias in record.values.get(Actors.aliases, []):
                found = False
                for raw_file in index.candidates(alias):
                    span = first_whole_word(self.texts[raw_file], alias)
                    if span is not None:
                        found = True
                        self._add(record, raw_file, *span, supports=[Actors.aliases])
                if not found:
                    self.problems.append(Problem("alias-not-found", f"{alias!r} occurs in no raw document (as a whole word)",
                                                 file=record.file, record=record.label, column=Actors.aliases))

    def cited(self, record: Record) -> list[dict]:
        return self.of_record.get((record.file, record.label), [])
