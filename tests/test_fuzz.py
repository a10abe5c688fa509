"""Fuzzing (hypothesis): mutated descriptors, zips and curation YAML give a clean report or are valid,
never an exception, each within a time bound, and all of them together within a memory bound.

Bounded for CI: a few dozen examples each, no deadline per example (the machine is shared) but an
explicit bound on each example's time, and the peak memory of the whole run compared before and after.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import time
from pathlib import Path

import pytest
import zips
from conftest import copy_project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from belarus_china.base.package_source import DataPackageError
from belarus_china.base.problems import Problem, ProblemsFound
from belarus_china.contract.validate import validate_package
from belarus_china.loader import load, tables
from belarus_china.pipeline import make_tables

SECONDS_PER_EXAMPLE = 20
MEMORY_GROWTH_MB = 500
# Examples per test in CI; FUZZ_SCALE=10 (say) for a longer hunt on a quiet machine.
SCALE = float(os.environ.get("FUZZ_SCALE", "1"))
EXAMPLES = {"descriptors": 20, "zips": 100, "curation": 20}


def fuzz(kind: str):
    return settings(max_examples=max(1, round(EXAMPLES[kind] * SCALE)), deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large])

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30) | st.sampled_from(["http://127.0.0.1:9/x.json", "../x", "/etc/passwd", "datasets",
                                             "sha256:" + "0" * 64, "datapackage.json", "raw/SHA256SUMS"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12)


@pytest.fixture(scope="module")
def clean(built_package, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz") / "package"
    folder.mkdir()
    for name in ("datapackage.json", "CITATION.cff", "datasets", "docs", "raw"):
        (shutil.copytree if (built_package / name).is_dir() else shutil.copy2)(built_package / name, folder / name)
    return folder


def _paths(value, prefix=()):
    """Every position in a JSON value, as a tuple of keys and indexes."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


def _mutate(descriptor, data) -> object:
    result = copy.deepcopy(descriptor)
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        positions = list(_paths(result))
        path = data.draw(st.sampled_from(positions), label="where")
        action = data.draw(st.sampled_from(["replace", "delete", "duplicate"]), label="action")
        if not path:
            result = data.draw(JSON_VALUES, label="whole") if action == "replace" else result
            continue
        parent = result
        for step in path[:-1]:
            parent = parent[step]
        key = path[-1]
        if action == "replace":
            parent[key] = data.draw(JSON_VALUES, label="value")
        elif action == "delete":
            del parent[key]
        elif isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
    return result


def _entry_points(target: Path, registry) -> list[Problem]:
    """validate, load and tables on `target`: problems, or DataPackageError; nothing else may escape."""
    started = time.perf_counter()
    problems = validate_package(target, registry, use_frictionless=False)
    assert all(isinstance(p, Problem) for p in problems)
    for call in (lambda: load("quotes", target), lambda: tables(target)):
        try:
            call()
        except DataPackageError as exc:
            assert exc.code and str(exc)
    assert time.perf_counter() - started < SECONDS_PER_EXAMPLE
    return problems


def test_mutated_descriptors_give_a_report_never_an_exception(clean, registry, tmp_path, memory_bound):
    original = json.loads((clean / "datapackage.json").read_text(encoding="utf-8"))
    package = tmp_path / "package"
    shutil.copytree(clean, package)

    @fuzz("descriptors")
    @given(data=st.data())
    def run(data):
        mutated = _mutate(original, data)
        (package / "datapackage.json").write_text(json.dumps(mutated), encoding="utf-8")
        problems = _entry_points(package, registry)
        if mutated == original:
            assert problems == []

    memory_bound(run)


def test_mutated_zips_give_a_report_never_an_exception(clean, registry, tmp_path, memory_bound):
    names = zips.package_names(clean)
    whole = zips.write(tmp_path / "clean.zip", [zips.Member(n, (clean / n).read_bytes()) for n in names]).read_bytes()
    directory_start = whole.rfind(b"PK\x01\x02", 0, whole.rfind(b"PK\x05\x06"))
    archive = tmp_path / "package.zip"

    @fuzz("zips")
    @given(data=st.data())
    def run(data):
        mutated = bytearray(whole)
        for _ in range(data.draw(st.integers(1, 4), label="mutations")):
            action = data.draw(st.sampled_from(["flip", "flip in the directory", "truncate", "insert"]), label="action")
            low = directory_start if action == "flip in the directory" else 0
            at = data.draw(st.integers(min(low, len(mutated) - 1), len(mutated) - 1), label="at")
            if action.startswith("flip"):
                mutated[at] ^= data.draw(st.integers(1, 255), label="bits")
            elif action == "truncate":
                del mutated[at:]
            else:
                mutated[at:at] = data.draw(st.binary(min_size=1, max_size=64), label="bytes")
            if not mutated:
                mutated = bytearray(b"PK")
        archive.write_bytes(bytes(mutated))
        _entry_points(archive, registry)

    memory_bound(run)


HOSTILE_YAML = ["&a x", "*a", "<<: {a: 1}", "{a: 1, a: 2}", "[" * 50 + "]" * 50, '"\\u202E"', '"\\a"', "? [a, b]\n: c",
                "!!python/object:os.system x", "- - - - x", "excerpt: " + "x" * 6000, "\t", "\ufeff", "%YAML 1.1\n---",
                "--- a\n--- b", "key: |\n  block\n text", "'unterminated", "@", "a: b: c", "source:", "quotes: []",
                "evidence: [excerpt]", "occurrence: 0", "within: nowhere"]


def test_mutated_curation_yaml_gives_a_report_never_an_exception(registry, tmp_path, memory_bound):
    """The build's reading stages on a mutated curation file: YAML, records, excerpts located, tables checked."""
    root = copy_project(tmp_path / "project")
    target = root / "build/002_c5e2ce6a28da5d25.yaml"
    lines = target.read_text(encoding="utf-8").split("\n")

    @fuzz("curation")
    @given(data=st.data())
    def run(data):
        mutated = list(lines)
        for _ in range(data.draw(st.integers(1, 4), label="mutations")):
            at = data.draw(st.integers(0, len(mutated) - 1), label="line")
            action = data.draw(st.sampled_from(["insert", "delete", "duplicate", "edit"]), label="action")
            if action == "insert":
                snippet = data.draw(st.sampled_from(HOSTILE_YAML) | st.text(max_size=40), label="snippet")
                indent = " " * data.draw(st.sampled_from([0, 2, 4, 6]), label="indent")
                mutated.insert(at, indent + snippet)
            elif action == "delete":
                del mutated[at]
            elif action == "duplicate":
                mutated.insert(at, mutated[at])
            else:
                column = data.draw(st.integers(0, max(0, len(mutated[at]))), label="column")
                mutated[at] = mutated[at][:column] + data.draw(st.text(max_size=8), label="text") + mutated[at][column:]
            if not mutated:
                mutated = [""]
        target.write_text("\n".join(mutated), encoding="utf-8", errors="surrogatepass")
        started = time.perf_counter()
        try:
            make_tables(root, registry)
        except ProblemsFound as exc:
            assert exc.problems and all(isinstance(p, Problem) for p in exc.problems)
        assert time.perf_counter() - started < SECONDS_PER_EXAMPLE

    memory_bound(run)
