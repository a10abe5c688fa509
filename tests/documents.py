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
