"""The evidence as W3C Web Annotations (JSON-LD): `docs/annotations/<source_id>.jsonld`, one
AnnotationCollection per source document whose one embedded AnnotationPage holds an annotation per
evidence row, in text order.

Each annotation targets the raw document (`raw/…` in the package) with a TextQuoteSelector (the
excerpt, and up to AFFIX code points before and after it) and a TextPositionSelector (the evidence
row's code-point offsets), so a tool can anchor it by position and fall back to the quote. Its bodies
name the record the excerpt supports: a link to the record's section of the evidence viewer, the
record as `table/id` (purpose identifying) and a sentence saying which columns it supports.

The model wants absolute IRIs; the package has no homepage in its metadata, so ids are built on
`package_base`: the metadata's `homepage` when there is one, else a URN naming the package
(`urn:x-belarus-china:`), followed by the path in the package. No timestamps: same tables, same bytes.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator

import pandas as pd

from ..contract.registry import Registry
from ..contract.vocabulary import Evidence, Sources
from .viewer import Rows, annotations_path, page_path, record_anchor, record_label, row_dicts
from .web_annotation_terms import EXACT, LANGUAGE

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
AFFIX = 32  # code points of text kept before and after an excerpt, enough to tell repeated quotes apart


def package_base(metadata: dict) -> str:
    """The absolute IRI that package paths are appended to."""
    homepage = metadata.get("homepage")
    if homepage:
        return str(homepage).rstrip("/") + "/"
    return f"urn:x-{metadata['name']}:"


def text_quote(text: str, start: int, end: int) -> dict:
    """A TextQuoteSelector: the span and its context (an empty prefix or suffix is left out)."""
    selector = {"type": "TextQuoteSelector", EXACT: text[start:end]}
    if start > 0:
        selector["prefix"] = text[max(0, start - AFFIX):start]
    if end < len(text):
        selector["suffix"] = text[end:end + AFFIX]
    return selector


def annotation(row: dict, text: str, source: dict, base: str, label: str, delimiter: str) -> dict:
    start, end = int(row[Evidence.char_start]), int(row[Evidence.char_end])
    table, record_id = row[Evidence.record_table], row[Evidence.record_id]
    supports = row[Evidence.supports].split(delimiter) if row[Evidence.supports] else []
    what = f"supports {', '.join(supports)}" if supports else "supports the record as a whole"
    # No `rights`: an annotation quotes its document (TextQuoteSelector), and the quoted words are not under
    # the package's licence (README, "Citing and licences").
    return {
        "id": f"{base}{annotations_path(source[Sources.id])}#{row[Evidence.id]}",
        "type": "Annotation",
        "motivation": "linking",
        "body": [
            {"id": f"{base}{page_path(source[Sources.id])}#{record_anchor(table, record_id)}", "type": "Text",
             "format": "text/html"},
            {"type": "TextualBody", "purpose": "identifying", "format": "text/plain", "value": f"{table}/{record_id}"},
            {"type": "TextualBody", "purpose": "describing", "format": "text/plain", LANGUAGE: "en",
             "value": f"Evidence for the {table} record “{label}” ({record_id}): the excerpt {what}."},
        ],
        "target": {
            "type": "SpecificResource",
            "source": {"id": f"{base}{source[Sources.raw_path]}", "type": "Text", "format": "text/plain",
                       LANGUAGE: source[Sources.language]},
            "selector": [text_quote(text, start, end), {"type": "TextPositionSelector", "start": start, "end": end}],
        },
    }


def collection(source: dict, evidence: list[dict], text: str, base: str, labels: dict, delimiter: str) -> dict:
    source_id = source[Sources.id]
    collection_id = f"{base}{annotations_path(source_id)}"
    evidence = sorted(evidence, key=lambda r: (r[Evidence.char_start], r[Evidence.char_end], r[Evidence.id]))
    items = [annotation(row, text, source, base, labels[(row[Evidence.record_table], row[Evidence.record_id])],
                        delimiter) for row in evidence]
    document: dict = {
        "@context": CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": f"Evidence excerpts of “{source[Sources.title] or source_id}” ({source[Sources.raw_path]})",
        "total": len(items),
    }
    if items:
        document["first"] = {"id": f"{collection_id}#page-1", "type": "AnnotationPage", "partOf": collection_id,
                             "startIndex": 0, "items": items}
    return document


def render(registry: Registry, frames: dict[str, pd.DataFrame], texts: dict[str, str], metadata: dict) -> dict[str, bytes]:
    """`docs/annotations/<source_id>.jsonld` for every source document. `texts` maps each source's
    `raw_path` to its text; `metadata` is the package metadata (validation/package.yaml)."""
    return dict(render_files(registry, frames, texts, metadata))


def render_files(registry: Registry, frames: dict[str, pd.DataFrame], texts: dict[str, str],
                 metadata: dict) -> Iterator[tuple[str, bytes]]:
    """The annotation files one at a time, (path, bytes): a build writes each before rendering the next."""
    base = package_base(metadata)
    rows = Rows(registry, frames)
    evidence_of: dict[str, list[dict]] = defaultdict(list)
    labels = {}
    for row in row_dicts(frames[Evidence.table]):
        evidence_of[row[Evidence.source_id]].append(row)
        key = (row[Evidence.record_table], row[Evidence.record_id])
        if key not in labels:
            labels[key] = record_label(registry[key[0]], rows.get(*key), key[1])
    for source in row_dicts(frames[Sources.table]):
        document = collection(source, evidence_of[source[Sources.id]], texts[source[Sources.raw_path]], base, labels,
                              registry.list_delimiter)
        yield annotations_path(source[Sources.id]), (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
