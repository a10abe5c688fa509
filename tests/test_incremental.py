"""Incremental rebuilds: curation files parsed before come from the parse cache (curate/cache.py), a
rebuild after editing one file parses only that file, and what it publishes is byte for byte what a
clean build of the same inputs publishes. A damaged or tampered cache entry is never used."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from pathlib import Path

import pytest

from belarus_china import pipeline
from belarus_china.curate import cache, yaml_reader

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
PUBLISHED = ("datasets", "docs", "datapackage.json", "CITATION.cff")


def _generate(root: Path, docs: int) -> None:
    spec = importlib.util.spec_from_file_location("benchmark_generate", BENCH / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    module.generate(root, docs)


def _published(root: Path) -> dict[str, bytes]:
    files = {}
    for name in PUBLISHED:
        path = root / name
        for item in ([path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())):
            files[str(item.relative_to(root))] = item.read_bytes()
    return files


def _edit(root: Path) -> str:
    """Change a published value (a dismissal's reason, printed in docs/coverage.md) in one curation file."""
    path = sorted(p for p in (root / "build").glob("*.yaml") if p.name != "actors.yaml")[1]
    text = path.read_text(encoding="utf-8")
    assert 'reason: "site navigation"' in text
    path.write_text(text.replace('reason: "site navigation"', 'reason: "site navigation links"', 1), encoding="utf-8")
    return f"build/{path.name}"


def test_a_rebuild_parses_only_the_edited_file_and_publishes_what_a_clean_build_does(tmp_path, monkeypatch):
    cached, clean = tmp_path / "cached", tmp_path / "clean"
    _generate(cached, 4)
    _generate(clean, 4)
    pipeline.build(cached, use_frictionless=False)
    assert len(list((cached / cache.FOLDER).glob("*.json"))) == 5  # four documents and actors.yaml
    before = _published(cached)

    edited = _edit(cached)
    assert _edit(clean) == edited
    parsed: list[str] = []
    original = yaml_reader._parse
    monkeypatch.setattr(yaml_reader, "_parse", lambda data, problems, label: parsed.append(label) or
                        original(data, problems, label))
    pipeline.build(cached, use_frictionless=False)
    assert parsed == [edited]
    monkeypatch.undo()

    assert not (clean / cache.FOLDER).exists()
    pipeline.build(clean, use_frictionless=False)
    after, expected = _published(cached), _published(clean)
    assert after == expected
    assert after != before  # the edit reached the published files
    assert not any(name.startswith(".cache") for name in after)


def _entry(tmp_path: Path, document) -> tuple[cache.ParseCache, str, Path]:
    store = cache.ParseCache(tmp_path)
    key = store.key(b"raw bytes of a curation file")
    store.put(key, document)
    return store, key, tmp_path / cache.FOLDER / f"{key}.json"


def test_an_entry_is_used_only_when_whole_and_made_for_these_bytes_and_this_code(tmp_path):
    document = {"raw_file": "a.txt", "quotes": [{"quote_id": "q1", "text": "“Да”"}]}
    store, key, path = _entry(tmp_path, document)
    assert store.get(key) == document
    assert store.key(b"other bytes") != key

    entry = json.loads(path.read_text(encoding="utf-8"))
    entry["document"]["quotes"][0]["text"] = "edited"            # damaged: its sha256 no longer holds
    path.write_text(json.dumps(entry), encoding="utf-8")
    assert store.get(key) is None

    entry["sha256"] = hashlib.sha256(cache._encode(entry["document"])).hexdigest()
    entry["key"] = "0" * 64                                       # made for other bytes or other code
    path.write_text(json.dumps(entry), encoding="utf-8")
    assert store.get(key) is None

    entry["key"], entry["document"] = key, {"quotes": [1, None]}  # not what a parse gives
    entry["sha256"] = hashlib.sha256(cache._encode(entry["document"])).hexdigest()
    path.write_text(json.dumps(entry), encoding="utf-8")
    assert store.get(key) is None

    path.write_bytes(b"[" * 100_000)                              # hostile JSON: refused before parsing
    assert store.get(key) is None


@pytest.mark.parametrize("garbage", [b"", b"not json", b'{"format": "curation-yaml-1"}'])
def test_a_broken_entry_is_parsed_again_and_replaced(tmp_path, garbage):
    store, key, path = _entry(tmp_path, {"a": "b"})
    path.write_bytes(garbage)
    assert store.parsed(b"raw bytes of a curation file", lambda: {"a": "b"}) == {"a": "b"}
    assert store.misses == 1 and store.get(key) == {"a": "b"}


def test_a_link_is_not_followed(tmp_path):
    store, key, path = _entry(tmp_path, {"a": "b"})
    target = tmp_path / "elsewhere.json"
    path.rename(target)
    path.symlink_to(target)
    assert store.get(key) is None
