"""Table rules for quotations: the words are in quotation marks in the document (or marked as
reported speech), and each speaker is named in the quotation's attribution.

- Marked: the quotation's text lies inside a pair of quotation marks of some script (QUOTE_MARKS:
  “…”, «…», „…“, 「…」, ...) or on a line led by a dash ("– Vi er klar, siger han."), the way
  Scandinavian, Russian and French typography set speech. Narration with no marks is a quotation
  only when `quote_kind` says it is reported speech (`REPORTED`).
- Attributed: the sentence that holds the quotation (from the sentence end before its opening mark
  to the one after its closing mark), outside the quoted words, names the speaker (one of the
  actor's aliases as a whole word, not as a possessive: "Lukashenko's discussions" names no
  speaker) and has a speech verb (SPEECH_WORDS: "said", "a déclaré", "sagte", "заявил", "ifølge",
  "表示") or a colon. A speaker the attribution leaves to a pronoun ("he replied") or to another
  sentence is a marked inference of `speaker_ids`.
A vocabulary module: the quotation marks and speech verbs of each language are not in CLDR as
Babel ships it, so they are the tables below (the coverage audit looks for quotations with the
same marks).
"""

from __future__ import annotations

import re
from functools import cache

import pandas as pd

from ..base.problems import Problem
from .frames import Rows
from .registry import Registry
from .vocabulary import Actors, Inferences, Quotes, Sources

# Quotation marks each language uses (opening, closing); every pair is looked for in every document.
QUOTE_MARKS: dict[str, tuple[tuple[str, str], ...]] = {
    "en": (("“", "”"), ("‘", "’"), ('"', '"')),
    "da": (("”", "”"), ("»", "«"), ("„", "“")),
    "sv": (("”", "”"), ("»", "»")),
    "no": (("«", "»"), ("“", "”")),
    "nb": (("«", "»"), ("“", "”")),
    "nn": (("«", "»"), ("“", "”")),
    "fi": (("”", "”"), ("»", "»")),
    "de": (("„", "“"), ("»", "«"), ("‚", "‘")),
    "nl": (("„", "”"), ("“", "”"), ("‘", "’")),
    "fr": (("«", "»"), ("‹", "›")),
    "ru": (("«", "»"), ("„", "“")),
    "be": (("«", "»"), ("„", "“")),
    "uk": (("«", "»"), ("„", "“")),
    "pl": (("„", "”"), ("«", "»")),
    "zh": (("“", "”"), ("「", "」"), ("『", "』")),
}
# Languages whose typography sets a quotation as a line or clause led by a dash.
DASH_QUOTES = {"da", "sv", "no", "nb", "nn", "fi", "ru", "be", "uk", "fr", "pl", "es", "it", "pt"}
# The words after a dash that begins a line or follows a colon ("sagde han: – Vi er klar."), up to the
# next dash or the end of the line.
DASH_LINE = re.compile(r"(?m)(?:^|:)[ \t\xa0]*[–—―][ \t\xa0]+([^–—―\n]+?)(?=[ \t\xa0]+[–—―][ \t\xa0]|[ \t\xa0]*$)")
# Words that attribute words to a speaker, by language (not in CLDR); matched as whole words, any case.
SPEECH_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("said", "says", "say", "told", "tells", "stated", "states", "added", "adds", "replied", "asked", "noted",
           "declared", "declares", "wrote", "writes", "according to", "insisted", "stressed", "emphasized",
           "emphasised", "remarked", "explained", "warned", "argued", "claimed", "announced", "commented",
           "vowed", "pledged", "promised", "called", "dubbed", "described", "urged", "quoted", "cited",
           "continued", "concluded", "reiterated", "accused", "praised", "hailed", "calling", "saying", "telling",
           "dismissed", "thanked", "hinted", "denied", "rejected", "branded", "labelled", "labeled", "termed"),
    "fr": ("a dit", "dit", "a déclaré", "déclare", "a-t-il déclaré", "a-t-elle déclaré", "a affirmé", "affirme",
           "a ajouté", "ajoute", "a-t-il ajouté", "a souligné", "selon", "a-t-il dit", "a répondu", "a expliqué"),
    "de": ("sagte", "sagt", "erklärte", "erklärt", "so", "laut", "betonte", "fügte", "antwortete", "schrieb"),
    "ru": ("сказал", "сказала", "заявил", "заявила", "отметил", "отметила", "по словам", "подчеркнул",
           "добавил", "ответил", "написал", "говорит", "сообщил"),
    "uk": ("сказав", "заявив", "зазначив", "за словами", "наголосив", "додав"),
    "be": ("сказаў", "заявіў", "адзначыў", "па словах"),
    "da": ("sagde", "siger", "ifølge", "udtalte", "tilføjede", "skriver", "skrev", "svarede"),
    "sv": ("sade", "sa", "säger", "enligt", "skriver"),
    "no": ("sa", "sier", "ifølge", "skriver"),
    "es": ("dijo", "afirmó", "declaró", "según", "añadió", "señaló"),
    "zh": ("说", "表示", "称", "指出", "强调", "宣布"),
}
REPORTED = Quotes.reported
_CLOSING = "”»“\"’」』›«"
_SENTENCE_END = re.compile(rf"[.!?。！？][{_CLOSING}]*(?=\s)|\n")
_POSSESSIVE = re.compile(r"[’']s\b|[’']\B")
# Words right before a name that make it the one spoken to, not the speaker ("told Xi", "a dit à Xi").
_ADDRESSED = re.compile(r"(?<!\w)(?:told|tells|asked|thanked|urged|with|à|an|сказал[аи]?|заявил[аи]?)\s+"
                        r"(?:\w+\s+){0,2}$", re.IGNORECASE)


@cache
def _mark_patterns() -> tuple[re.Pattern, ...]:
    pairs = dict.fromkeys(pair for pairs in QUOTE_MARKS.values() for pair in pairs)
    patterns = []
    for opening, closing in pairs:
        if (opening, closing) == ("‘", "’"):   # not an apostrophe: no letter just outside the marks
            patterns.append(re.compile(r"(?<!\w)‘([^’\n]+?)’(?!\w)"))
        elif opening == closing:
            patterns.append(re.compile(f"{re.escape(opening)}([^{re.escape(closing)}\\n]+){re.escape(closing)}"))
        else:
            patterns.append(re.compile(f"{re.escape(opening)}([^{re.escape(closing)}\\n]+?){re.escape(closing)}"))
    return tuple(patterns)


def quoted_spans(text: str, language: str | None = None) -> list[tuple[int, int, int, int, bool]]:
    """(outer start, outer end, inner start, inner end, led by a dash) of every quoted passage: the marks
    and what they hold, and, in a language that sets speech so, a line led by a dash."""
    spans = []
    for pattern in _mark_patterns():
        for match in pattern.finditer(text):
            spans.append((match.start(), match.end(), match.start(1), match.end(1), False))
    if language in DASH_QUOTES:
        spans += [(m.start(), m.end(), m.start(1), m.end(1), True) for m in DASH_LINE.finditer(text)]
    return spans


def _occurrences(text: str, words: str) -> list[tuple[int, int]]:
    pattern = r"\s+".join(re.escape(w) for w in words.split())
    return [m.span() for m in re.finditer(pattern, text)] if pattern else []


SENTENCE_REACH = 5_000   # how far before a quotation its sentence's start is looked for (a bound on the work)


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around text[start:end]: from the sentence end before it to the one after it."""
    before = [m.end() for m in _SENTENCE_END.finditer(text, max(0, start - SENTENCE_REACH), start)]
    if text[start:end].rstrip(_CLOSING)[-1:] in (".", "!", "?", "。", "！", "？") and text[end:end + 1].isspace():
        return (before[-1] if before else 0), end   # the quoted words end the sentence
    after = _SENTENCE_END.search(text, end)
    return (before[-1] if before else 0), (after.end() if after else len(text))


@cache
def _speech_pattern() -> re.Pattern:
    words = sorted({w for ws in SPEECH_WORDS.values() for w in ws}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)|:|：|"
                      + "|".join(re.escape(w) for w in SPEECH_WORDS["zh"]), re.IGNORECASE)


def _names(attribution: str, aliases: list[str]) -> bool:
    """Some alias occurs as a whole word, not as a possessive ("Lukashenko's discussions") nor as the one
    spoken to ("Lukashenko told Xi")."""
    for alias in aliases:
        for match in re.finditer(rf"(?<!\w){re.escape(alias)}(?!\w)", attribution):
            spoken_to = _ADDRESSED.search(attribution, max(0, match.start() - 40), match.start())
            if not _POSSESSIVE.match(attribution, match.end()) and spoken_to is None:
                return True
    return False


def attribution(text: str, quote: str, language: str | None = None,
                spans: list[tuple[int, int, int, int, bool]] | None = None) -> list[str] | None:
    """The attribution of each quoted occurrence of `quote` in `text`: its sentence without the quoted
    words (a passage in marks is left out whole; on a dash-led line, whose attribution follows the words
    on the line, only the words). None when no occurrence is quoted. `spans`: the text's quoted_spans,
    when already found (once per document, not once per quotation)."""
    spans = quoted_spans(text, language) if spans is None else spans
    found = []
    for start, end in _occurrences(text, quote):
        holding = [s for s in spans if s[2] <= start and end <= s[3]]
        if not holding:
            continue
        marked = [s for s in holding if not s[4]]
        cut_start, cut_end = (min(s[0] for s in marked), max(s[1] for s in marked)) if marked else (start, end)
        low, high = _sentence(text, cut_start, cut_end)
        found.append(text[low:cut_start] + " " + text[cut_end:high])
    return found or None


def check_quotations(registry: Registry, frames: dict[str, pd.DataFrame], texts: dict[str, str],
                     ids: dict[str, pd.Series], rows: Rows) -> list[Problem]:
    sources = frames[Sources.table]
    text_of = {s: (texts.get(p), language) for s, p, language in zip(
        sources[Sources.id].tolist(), sources[Sources.raw_path].tolist(), sources[Sources.language].tolist(),
        strict=True)}
    actors = frames[Actors.table]
    delimiter = registry.list_delimiter
    aliases = {a: (n or "").split(delimiter) for a, n in zip(actors[Actors.id].tolist(),
                                                             actors[Actors.aliases].astype(object).where(
                                                                 actors[Actors.aliases].notna(), None).tolist(),
                                                             strict=True)}
    inferences = frames[Inferences.table]
    inferred = set(zip(inferences[Inferences.record_table].tolist(), inferences[Inferences.record_id].tolist(),
                       inferences[Inferences.field].tolist(), strict=True))
    problems = []
    spans: dict[str, list] = {}   # source -> its document's quoted passages
    for record_id, row in zip(ids[Quotes.table].tolist(), rows[Quotes.table], strict=True):
        (document, language), words = text_of.get(row.get(Quotes.source_id), (None, None)), row.get(Quotes.text)
        if document is None or not isinstance(words, str):
            continue   # a missing document or text is reported as such
        where = {"table": Quotes.table, "record": record_id}
        source = str(row.get(Quotes.source_id))
        if source not in spans:
            spans[source] = quoted_spans(document, language)
        said = attribution(document, words, language, spans[source])
        if said is None:
            if row.get(Quotes.kind) != REPORTED:
                problems.append(Problem("quote-unmarked", f"{words[:60]!r} is in no quotation marks in the document: "
                                                          f"give the words a quotation mark holds, or {Quotes.kind} "
                                                          f"{REPORTED} for reported speech", column=Quotes.text,
                                        **where))
            continue
        if (Quotes.table, record_id, Quotes.speakers) in inferred:
            continue
        speakers = (row.get(Quotes.speakers) or "").split(delimiter)
        attributed = [a for a in said if _speech_pattern().search(a)]
        for speaker in speakers:
            if not any(_names(a, aliases.get(speaker, [])) for a in attributed):
                problems.append(Problem("speaker-unattributed", f"{speaker!r} is not named, with a speech verb or a "
                                                                "colon, in the sentence that holds the quotation; "
                                                                f"mark {Quotes.speakers} as an inference (with the "
                                                                "reason) if another sentence or a pronoun names them",
                                        column=Quotes.speakers, **where))
    return problems
