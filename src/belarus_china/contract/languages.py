"""Which language a text is in, and the names of a language: for the rules that a text's language tag
says what its words are, and that a language a document is said to report from is one it names.

- The names of a language are CLDR's (through Babel), in each language of
  contract.date_languages.LANGUAGES: "Russian", "russe", "Russisch", "русский", "russisk", "俄语".
- A text matches a language when its letters are in the language's script (CLDR's likely script:
  Latin for French, Cyrillic for Russian, Han for Chinese) and, for a text long enough to tell, its
  commonest words are not another language's: STOP_WORDS, a few of each language's most frequent
  words (not in CLDR), are counted, and a text with at least MIN_EVIDENCE of another language's and
  none of its own is another language's. A text too short to tell ("no-limits") matches on its
  script alone.
A vocabulary module: its tables are languages' words, not registry names.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import cache

import pandas as pd
from babel import Locale, UnknownLocaleError
from babel.core import get_global

from ..base.problems import Problem
from .date_languages import LANGUAGES
from .frames import Rows
from .registry import Registry
from .vocabulary import Inferences, Sources

MIN_EVIDENCE = 2
STOP_WORDS: dict[str, frozenset[str]] = {language: frozenset(words.split()) for language, words in {
    "en": "the and of to in is was are that it for with as on be this have has not but by from they we",
    "fr": "le la les des est et une un du que qui dans pour pas sur au avec nous sont ce il elle sommes vous",
    "de": "der die das und ist nicht ein eine zu den mit von auf sich des dem wir sind auch es im",
    "da": "og er det en at til af på ikke med for de har som vi den et jeg fra",
    "nb": "og er det en at til av på ikke med for de har som vi den et jeg fra",
    "sv": "och är det en att till av på inte med för de har som vi den ett jag från",
    "nl": "de het en een van is niet dat op te in met zijn voor wij",
    "es": "el la los las de y es en que un una por con no se para del al somos",
    "it": "il la gli le di e è in che un una per con non si del siamo",
    "pt": "o a os as de e é em que um uma por com não se para do da somos",
    "pl": "i w na nie się z do to jest że jak po jesteśmy",
    "ru": "и в не на что с по это как он она мы они к у из за для то мы",
    "uk": "і в не на що з по це як він вона ми вони до у із за для та",
    "be": "і ў не на што з па гэта як ён яна мы яны да у з за для",
}.items()}
_SCRIPTS = {"Latn": "LATIN", "Cyrl": "CYRILLIC", "Hans": "CJK", "Hant": "CJK", "Jpan": "CJK", "Grek": "GREEK",
            "Arab": "ARABIC", "Hebr": "HEBREW", "Kore": "HANGUL"}


@cache
def language_names(code: str) -> tuple[str, ...]:
    """The language's names in every language of LANGUAGES (and capitalised), from CLDR."""
    names = set()
    for language in LANGUAGES:
        name = Locale.parse(language).languages.get(code)
        if name:
            names |= {name, name[:1].upper() + name[1:]}
    return tuple(sorted(names))


@cache
def script_of(language: str) -> str | None:
    """The Unicode script name prefix of the language's likely script (CLDR), e.g. LATIN, CYRILLIC, CJK."""
    try:
        likely = get_global("likely_subtags").get(Locale.parse(language).language)
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    parts = str(likely or "").split("_")
    return _SCRIPTS.get(parts[1]) if len(parts) > 1 else None


def _scripts(text: str) -> Counter:
    found: Counter = Counter()
    for char in text:
        if char.isalpha():
            name = unicodedata.name(char, "")
            script = next((s for s in ("LATIN", "CYRILLIC", "GREEK", "ARABIC", "HEBREW", "HANGUL") if name.startswith(s)),
                          "CJK" if name.startswith(("CJK", "HIRAGANA", "KATAKANA")) else "OTHER")
            found[script] += 1
    return found


def mismatch(text: str, language: str) -> str | None:
    """Why `text` is not in `language` (its script, or another language's words), or None when it may be."""
    scripts = _scripts(text)
    expected = script_of(language)
    if scripts and expected:
        main, _ = scripts.most_common(1)[0]
        if main != expected:
            return f"its letters are {main.lower()}, not the {expected.lower()} script of {language!r}"
    words = Counter(re.findall(r"\w+", text.casefold()))
    hits = {other: sum(words[w] for w in stop) for other, stop in STOP_WORDS.items()}
    own = hits.get(language, 0)
    best = max((other for other in hits if script_of(other) == expected), key=lambda o: hits[o], default=None)
    if best is not None and best != language and own == 0 and hits[best] >= MIN_EVIDENCE and language in STOP_WORDS:
        return f"it has {hits[best]} of {best!r}'s commonest words and none of {language!r}'s"
    return None


def check_languages(registry: Registry, frames: dict[str, pd.DataFrame], texts: dict[str, str],
                    ids: dict[str, pd.Series], rows: Rows) -> list[Problem]:
    """A quotation's text_language (each table's `translation` language) and a document's language say
    what the words are: a text in another script or another language's words is refused unless the
    language is a marked inference."""
    inferences = frames[Inferences.table]
    inferred = set(zip(inferences[Inferences.record_table].tolist(), inferences[Inferences.record_id].tolist(),
                       inferences[Inferences.field].tolist(), strict=True))
    problems = []
    for table in registry:
        role = table.translation
        checks = [(role.text, role.language)] if role is not None else []
        if table.name == Sources.table:
            checks.append((Sources.raw_path, Sources.language))
        for record_id, row in zip(ids[table.name].tolist(), rows[table.name], strict=True):
            for text_column, language_column in checks:
                text, language = row.get(text_column), row.get(language_column)
                if text_column == Sources.raw_path:
                    text = texts.get(text) if isinstance(text, str) else None
                if not isinstance(text, str) or not isinstance(language, str):
                    continue
                if (table.name, record_id, language_column) in inferred:
                    continue
                why = mismatch(text, language)
                if why:
                    problems.append(Problem("language-mismatch", f"is {language!r} but {why}; give the language "
                                                                 "the words are in, or mark it as an inference",
                                            table=table.name, record=record_id, column=language_column))
    return problems
