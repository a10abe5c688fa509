"""The evidence as W3C Web Annotations (docs/annotations/): valid against the Working Group's own test
schemas (tests/web_annotation/, vendored), every selector anchored in the raw text, and byte-reproducible."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from belarus_china.contract.registry import read_package_metadata
from belarus_china.loader import load
from belarus_china.publish import viewer
from belarus_china.publish import web_annotations as annotations

SCHEMAS = Path(__file__).parent / "web_annotation"
BASE = "https://schemas.invalid/web-annotation-tests/"   # any absolute base: the schemas refer to each other by file name
MUSTS = json.loads((SCHEMAS / "annotations/annotationMusts.test").read_text(encoding="utf-8"))["assertions"]
# Optional features the export uses, each detected by the model's own assertion (valid = implemented).
FEATURES = ["annotations/specificResource/4.2.4-textQuoteSelector.json", "annotations/specificResource/4.2.4-prefix.json",
            "annotations/specificResource/4.2.4-suffix.json", "annotations/specificResource/4.2.5-textPositionSelector.json",
            "annotations/bodiesTargets/3.3.5-bodyPurpose.json", "annotations/bodiesTargets/3.2.1-bodyLanguage.json",
            "annotations/bodiesTargets/3.2.1-bodyFormat.json", "annotations/3.3.5-annotationMotivationImplemented.json"]


def _schema(path: Path) -> dict:
    # Their `id` is a bare file name, which draft-04 would resolve against nothing useful: the registry key is the URI.
    return {k: v for k, v in json.loads(path.read_text(encoding="utf-8")).items() if k != "id"}


def _uri(relative: str) -> str:
    # Definitions under their file names (how the assertions refer to them), assertions flattened beside them.
    return BASE + (relative.removeprefix("definitions/") if relative.startswith("definitions/") else relative.replace("/", "--"))


class ModelChecks:
    def __init__(self):
        files = sorted([*SCHEMAS.glob("definitions/*.json"), *SCHEMAS.glob("annotations/**/*.json")])
        self.schemas = {str(p.relative_to(SCHEMAS)): _schema(p) for p in files}
        self.registry = Registry().with_resources(
            (_uri(rel), Resource.from_contents(schema, default_specification=DRAFT4)) for rel, schema in self.schemas.items())
        self.assertions = {rel: self.validator({"$ref": _uri(rel)}) for rel in self.schemas if rel.startswith("annotations/")}

    def validator(self, schema: dict) -> Draft4Validator:
        return Draft4Validator(schema, registry=self.registry, format_checker=Draft4Validator.FORMAT_CHECKER)

    def failed_musts(self, item: dict) -> list[str]:
        """The MUST assertions an annotation fails (each passes when the verdict is its expectedResult)."""
        return [rel for rel in MUSTS
                if self.assertions[rel].is_valid(item) != (self.schemas[rel].get("expectedResult", "valid") == "valid")]

    def implements(self, item: dict, rel: str) -> bool:
        return self.assertions[rel].is_valid(item)

    def collection_errors(self, document: dict) -> list[str]:
        """An AnnotationCollection with an embedded first AnnotationPage, by the model's collection definitions."""
        definitions = BASE + "collections.json#/definitions/"
        collection = {"allOf": [{"$ref": definitions + name} for name in (
            "annotationCollectionTypeValueFound", "labelDefinition", "totalDefinition", "firstFound",
            "firstRequiredIfTotalMoreThanZero", "lastValidIfPresent")],
            "properties": {"@context": {"$ref": definitions + "contextValueFound"},
                           "id": {"$ref": BASE + "id.json#/definitions/stringUri"}},
            "required": ["@context", "id"]}
        page = {"allOf": [{"$ref": definitions + name} for name in (
            "annotationPageTypeValueFound", "itemsFound", "startIndexDefinition", "partOfValidIfPresent",
            "nextValidIfPresent", "prevValidIfPresent")]}
        errors = [e.message for e in self.validator(collection).iter_errors(document)]
        return errors + [e.message for e in self.validator(page).iter_errors(document.get("first", {}))]


@pytest.fixture(scope="module")
def checks() -> ModelChecks:
    return ModelChecks()


@pytest.fixture(scope="module")
def written(built_package) -> dict[str, dict]:
    """source_id -> its published annotation collection."""
    folder = built_package / "docs/annotations"
    return {p.name.removesuffix(".jsonld"): json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.iterdir())}


def _items(document: dict) -> list[dict]:
    # An annotation taken out of its collection keeps the collection's JSON-LD context (as a consumer reads it).
    return [{"@context": document["@context"], **item} for item in document["first"]["items"]]


def test_uris_are_really_checked():
    """Without a URI checker "format": "uri" passes anything, and the MUST tests would be hollow."""
    checker = Draft4Validator.FORMAT_CHECKER
    assert "uri" in checker.checkers
    assert not checker.conforms("raw/000_29bc6fcb3a36808d.txt", "uri")
    assert checker.conforms("urn:x-belarus-china:raw/000_29bc6fcb3a36808d.txt", "uri")


def test_every_annotation_meets_every_must_of_the_model(written, checks):
    assert len(MUSTS) == 54
    missing = set(FEATURES)
    for source_id, document in written.items():
        assert checks.collection_errors(document) == [], source_id
        for item in _items(document):
            assert checks.failed_musts(item) == [], item["id"]
            missing -= {rel for rel in missing if checks.implements(item, rel)}
    assert missing == set()   # (an excerpt at the very start of a document has no prefix, so not every one has all)


def test_the_model_checks_catch_broken_annotations(written, checks):
    """Each kind of damage is caught by the MUST assertions: they are not vacuous on our annotations."""
    item = _items(next(iter(written.values())))[0]
    broken = []
    for damage in ("context", "relative source", "negative start", "no exact", "body and bodyValue", "relative id"):
        bad = copy.deepcopy(item)
        selectors = bad["target"]["selector"]
        if damage == "context":
            bad["@context"] = "http://example.org/ctx"
        elif damage == "relative source":
            bad["target"]["source"] = "raw/000_29bc6fcb3a36808d.txt"
        elif damage == "negative start":
            selectors[1]["start"] = -1
        elif damage == "no exact":
            del selectors[0][annotations.EXACT]
        elif damage == "body and bodyValue":
            bad["bodyValue"] = "x"
        else:
            bad["id"] = "docs/annotations/x.jsonld#a"
        broken.append((damage, bool(checks.failed_musts(bad))))
    assert broken == [(damage, True) for damage, _ in broken]
    assert checks.collection_errors({**next(iter(written.values())), "total": -1})


def test_selectors_anchor_each_evidence_row_in_its_raw_text(written, built_package):
    sources = load("sources", built_package).set_index("source_id")
    evidence = load("evidence", built_package)
    base = annotations.package_base(read_package_metadata(built_package / "validation"))
    assert set(written) == set(sources.index)
    for source_id, document in written.items():
        raw_path = sources.raw_path[source_id]
        text = (built_package / raw_path).read_text(encoding="utf-8")
        rows = evidence[evidence.source_id == source_id].set_index("evidence_id")
        items = document["first"]["items"]
        assert document["total"] == len(items) == len(rows)
        assert document["id"] == base + f"docs/annotations/{source_id}.jsonld"
        assert len({item["id"] for item in items}) == len(items)
        positions = []
        for item in items:
            row = rows.loc[item["id"].rsplit("#", 1)[1]]
            target = item["target"]
            assert target["source"]["id"] == base + raw_path
            assert target["source"][annotations.LANGUAGE] == sources.language[source_id]
            quote, position = target["selector"]
            start, end = position["start"], position["end"]
            assert (start, end) == (row.char_start, row.char_end)
            assert text[start:end] == quote[annotations.EXACT] == row.excerpt   # positions are code points
            assert quote.get("prefix", "") == text[max(0, start - annotations.AFFIX):start]
            assert quote.get("suffix", "") == text[end:end + annotations.AFFIX]
            assert len(quote.get("prefix", "")) == min(annotations.AFFIX, start)
            identifying = [b for b in item["body"] if b.get("purpose") == "identifying"]
            assert [b["value"] for b in identifying] == [f"{row.record_table}/{row.record_id}"]
            link = item["body"][0]["id"]
            assert link == base + viewer.page_path(source_id) + "#" + viewer.record_anchor(row.record_table, row.record_id)
            positions.append((start, end))
        assert positions == sorted(positions)


def test_every_key_is_a_term_of_the_model_context(written):
    """JSON-LD drops keys its context does not define: every key written is a term of anno.jsonld."""
    context = json.loads((SCHEMAS / "anno.jsonld").read_text(encoding="utf-8"))["@context"]

    def keys(value):
        if isinstance(value, dict):
            for key, inner in value.items():
                yield key
                yield from keys(inner)
        elif isinstance(value, list):
            for inner in value:
                yield from keys(inner)

    used = {key for document in written.values() for key in keys(document)}
    assert used - set(context) == {"@context"}


def test_annotations_are_the_same_bytes_from_the_same_tables(registry, built_package):
    from corrupt import read_table  # the tables as the build hands them over (a list is its joined text)

    frames = {name: read_table(built_package, registry, name) for name in registry.names}
    texts = {p: (built_package / p).read_text(encoding="utf-8") for p in frames["sources"].raw_path}
    metadata = read_package_metadata(built_package / "validation")
    first = annotations.render(registry, frames, texts, metadata)
    shuffled = {name: frame.sample(frac=1, random_state=3) for name, frame in frames.items()}
    assert annotations.render(registry, shuffled, texts, metadata) == first
    assert first == {p: (built_package / p).read_bytes() for p in first}


def test_a_homepage_in_the_metadata_becomes_the_base_of_every_iri():
    assert annotations.package_base({"name": "belarus-china"}) == "urn:x-belarus-china:"
    assert annotations.package_base({"name": "x", "homepage": "https://example.org/data/"}) == "https://example.org/data/"
