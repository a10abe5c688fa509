"""Made-up documents (written for the tests, not taken from any publication) put into a project copy
with their curation files, to check what the contract reads in a document's own words."""

from __future__ import annotations

import hashlib
from pathlib import Path

from belarus_china.base.problems import ProblemsFound
from belarus_china.contract.registry import read_registry
from belarus_china.pipeline import make_tables

FRENCH = """Loukachenko à Pékin

Publié le 3 mars 2023.
Le président biélorusse Alexander Lukashenko a parlé mardi soir 28 février à Pékin : « Nous sommes prêts », \
a-t-il déclaré.
"""


def french_curation(raw_file: str, *, quote: str = "") -> str:
    return f"""raw_file: {raw_file}

source:
  source_id: exemple-loukachenko-a-pekin
  title: Loukachenko à Pékin
  date_as_reported: 3 mars 2023
  doc_kind: news
  language: fr
  evidence:
    - excerpt: Loukachenko à Pékin
      supports: [title]
    - excerpt: Publié le 3 mars 2023.
      supports: [date_as_reported]

quotes:
  - quote_id: lukashenko-nous-sommes-prets
    text: Nous sommes prêts
    text_en: We are ready
    translated_by: curator
    speaker_ids: [alexander-lukashenko]
    date_as_reported: mardi soir 28 février
    date_anchor: source
    quote_kind: speech
    channel: not_stated
{quote}    evidence:
      - excerpt: "Alexander Lukashenko a parlé mardi soir 28 février à Pékin : « Nous sommes prêts », a-t-il déclaré."
        supports: [text, speaker_ids, date_as_reported, quote_kind]
"""


def add_files(root: Path, text: str, curation) -> str:
    """The document in raw/ (with its manifest line) and its curation file, as `add` and a curator would
    leave them; `curation` gives the file's text from the raw file's name."""
    data = text.encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    raw_file = f"005_{digest[:16]}.txt"
    (root / "raw" / raw_file).write_bytes(data)
    with (root / "raw/SHA256SUMS").open("a", encoding="utf-8") as manifest:
        manifest.write(f"{digest}  {raw_file}\n")
    (root / "build" / raw_file.replace(".txt", ".yaml")).write_text(curation(raw_file), encoding="utf-8")
    return raw_file


def problems_of(root: Path) -> list:
    """Every problem the build's curation and contract find (no audit, nothing written)."""
    try:
        make_tables(root, read_registry(root / "validation"))
    except ProblemsFound as found:
        return found.problems
    return []


QUOTING = """Example Daily: Minsk and Beijing

Lukashenko told reporters: “We are ready.”
The State Department said it was “deeply concerned” about Lukashenko’s discussions with Xi.
Lukashenko said that Belarus would never join the war.
“Nothing will change,” he added.
"""

DANISH_QUOTING = """Eksempelavisen: Minsk og Beijing

– Kina er vores ven, siger Lukashenko.
"""


def _quote(quote_id: str, text: str, excerpt: str, *, kind: str = "speech", extra: str = "") -> str:
    return f"""  - quote_id: {quote_id}
    text: "{text}"
    speaker_ids: [alexander-lukashenko]
    quote_kind: {kind}
    channel: not_stated
{extra}    evidence:
      - excerpt: "{excerpt}"
        supports: [text, speaker_ids, quote_kind]
"""


def quoting_curation(raw_file: str, *, fixed: bool) -> str:
    """Four quotations of QUOTING: attributed with a colon; the State Department's words credited to
    Lukashenko through a possessive; narration as speech; a speaker named by a pronoun. `fixed`: the
    second left out, the third marked as reported speech and the fourth's speaker as an inference."""
    inferred = '    inferred:\n      speaker_ids: Its pronoun he is Lukashenko, named in the sentence before.\n'
    quotes = [_quote("lukashenko-we-are-ready", "We are ready", "Lukashenko told reporters: “We are ready.”")]
    if not fixed:
        quotes.append(_quote("lukashenko-deeply-concerned", "deeply concerned",
                             "The State Department said it was “deeply concerned” about Lukashenko’s discussions"))
    quotes.append(_quote("lukashenko-never-join-the-war", "Belarus would never join the war",
                         "Lukashenko said that Belarus would never join the war.", kind="reported" if fixed else "speech"))
    quotes.append(_quote("lukashenko-nothing-will-change", "Nothing will change",
                         "Lukashenko said that Belarus would never join the war.\\n“Nothing will change,” he added.",
                         extra=inferred if fixed else ""))
    return f"""raw_file: {raw_file}

source:
  source_id: example-daily-minsk-and-beijing
  title: "Example Daily: Minsk and Beijing"
  doc_kind: news
  language: en
  evidence:
    - excerpt: "Example Daily: Minsk and Beijing"
      supports: [title]

quotes:
{"".join(quotes)}"""


def danish_quoting_curation(raw_file: str) -> str:
    quote = _quote("lukashenko-kina-er-vores-ven", "Kina er vores ven", "– Kina er vores ven, siger Lukashenko.",
                   extra="    text_en: China is our friend\n    translated_by: curator\n")
    return f"""raw_file: {raw_file}

source:
  source_id: eksempelavisen-minsk-og-beijing
  title: "Eksempelavisen: Minsk og Beijing"
  doc_kind: news
  language: da
  evidence:
    - excerpt: "Eksempelavisen: Minsk og Beijing"
      supports: [title]

quotes:
{quote}"""
