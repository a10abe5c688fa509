"""The benchmark's --quick path, checked for correctness only (no timing is asserted: the machine is shared).

`benchmarks/run.py --quick` generates tiny synthetic corpora (benchmarks/generate.py), builds each with
the real pipeline, validates it, runs frictionless and our validator on the clean package and on
injected errors (benchmarks/inject.py), times the loads, and writes its report. The tests read what
it kept: the synthetic package builds with every record kind, conflicting claims and a clean coverage
audit, and both validators accept it and catch the same injected errors.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from belarus_china.contract.registry import read_registry
from belarus_china.contract.validate import validate_package

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


def _generate_module():
    spec = importlib.util.spec_from_file_location("benchmark_generate", BENCH / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def quick(tmp_path_factory) -> dict:
    work = tmp_path_factory.mktemp("benchmark")
    out, raw = work / "RESULTS.md", work / "results.json"
    result = subprocess.run([sys.executable, str(BENCH / "run.py"), "--quick", "--keep", "--work", str(work / "work"),
                             "--out", str(out), "--json", str(raw)], capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    return {"report": out.read_text(encoding="utf-8"), "results": json.loads(raw.read_text(encoding="utf-8")),
            "work": work / "work"}


def test_generator_is_deterministic(tmp_path):
    generate = _generate_module()
    a, b = tmp_path / "a", tmp_path / "b"
    generate.generate(a, 5, seed=3, check=True)
    generate.generate(b, 5, seed=3)
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files)


def test_synthetic_package_builds_and_validates_with_every_record_kind(quick):
    largest = quick["results"]["sizes"][-1]
    root = Path(largest["root"])
    registry = read_registry(root / "validation")
    assert validate_package(root, registry) == []  # frictionless included
    assert all(n > 0 for n in largest["rows"].values()), largest["rows"]
    assert largest["rows"]["evidence"] > 30 * largest["docs"]
    claims = (root / "datasets/csv/claims.csv").read_text(encoding="utf-8")
    # the merge rules are exercised: a majority, the finer date, a curator's resolution, and conflicts
    for rule in ("majority of sources", "narrowest window", "curator's resolution", ",false,"):
        assert rule in claims
    coverage = (root / "docs/coverage.md").read_text(encoding="utf-8")
    assert " 0 uncovered" in coverage and "dismissed" in coverage
    assert ",00:" in (root / "datasets/csv/evidence.csv").read_text(encoding="utf-8")  # video times


def test_both_validators_catch_the_same_injected_errors(quick):
    results = quick["results"]["injections"]
    clean, *injected = results
    assert clean["ours_valid"] and clean["frictionless_valid"]
    assert [r["rule"] for r in injected] == ["type", "primary key", "foreign key", "enumeration"]
    for r in injected:
        assert not r["ours_valid"] and r["ours"], r
        assert not r["frictionless_valid"] and r["frictionless"], r
    assert quick["results"]["all_caught"]


def test_quick_report_has_every_section(quick):
    text = quick["report"]
    for heading in ("## Targets", "## Per size", "### How cost grows", "## Validate: ours vs frictionless", "## Load:"):
        assert heading in text
    assert "Both catch every injected error and accept the clean package: **yes**." in text
    assert "imports none of pandera, frictionless" in text
