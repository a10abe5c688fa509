"""The package end to end: build, publish, validate, load; bad input fails cleanly."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from conftest import ROOT, snapshot

from belarus_china.base.problems import ProblemsFound
from belarus_china.cli import main
from belarus_china.contract.validate import validate_package
from belarus_china.loader import load, tables
from belarus_china.pipeline import build

FIRST_VISIT = "lukashenko-china-2023-02-28"


def test_build_publishes_every_table_in_both_formats(built_package, registry):
    package = json.loads((built_package / "datapackage.json").read_text(encoding="utf-8"))
    assert package["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert [r["name"] for r in package["resources"]] == [table.name for table in registry.published]  # then the views
    for resource in package["resources"]:
        assert resource["hash"].startswith("sha256:") and resource["bytes"] > 0
        assert (built_package / resource["path"]).is_file()
        assert (built_package / resource["parquet"]["path"]).is_file()
        assert resource["schema"]["primaryKey"]
    for name in ("sources", "actors", "visits", "agreements", "trade_figures", "quotes", "evidence"):
        assert len(load(name, built_package)) > 0, name


# The five documents the dataset was founded on; each describes the February-March 2023 visit. A document
# added later need not, so this names them rather than taking every source.
FOUNDING = ("raw/000_29bc6fcb3a36808d.txt", "raw/001_25d60bc68a19f325.txt", "raw/002_c5e2ce6a28da5d25.txt",
            "raw/003_e34279620fbde07c.txt", "raw/004_736d6101656b867f.txt")


def test_every_document_is_a_source_and_every_founding_one_evidences_the_first_visit(built_package):
    sources = load("sources", built_package)
    manifest = (built_package / "raw/SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert len(sources) == len(manifest) >= len(FOUNDING)
    assert sorted(sources["raw_path"]) == sorted(f"raw/{p.name}" for p in (built_package / "raw").glob("*.txt"))
    evidence = load("evidence", built_package)
    cited = evidence[(evidence.record_table == "visits") & (evidence.record_id == FIRST_VISIT)]
    founding = sources[sources.raw_path.isin(FOUNDING)]
    assert len(founding) == len(FOUNDING)
    assert set(founding.source_id) <= set(cited.source_id)


def test_committed_package_is_what_a_build_makes_and_is_valid(built_package, registry):
    generated = [*(ROOT / "datasets").rglob("*.*"), *(ROOT / "docs").rglob("*.*")]
    for path in ["datapackage.json", "CITATION.cff", *(str(p.relative_to(ROOT)) for p in generated)]:
        assert (ROOT / path).read_bytes() == (built_package / path).read_bytes(), path
    assert validate_package(ROOT, registry) == []


def test_loader_gives_registry_dtypes(built_package):
    visits = load("visits", built_package)
    assert str(visits["start_date"].dtype) == "datetime64[ns]"
    assert isinstance(visits["visit_type"].dtype, pd.CategoricalDtype)
    assert "state_visit" in visits["visit_type"].cat.categories
    assert visits["visit_id"].dtype == "string"
    assert load("evidence", built_package)["char_start"].dtype == "Int64"
    assert tables(built_package)[:2] == ["sources", "actors"]


def test_loader_refuses_a_damaged_file(project):
    path = project / "datasets/parquet/quotes.parquet"
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(Exception, match="quotes.*(bytes|sha256)"):
        load("quotes", project)


def _break_and_build(project, edit) -> ProblemsFound:
    before = snapshot(project)
    edit(project)
    with pytest.raises(ProblemsFound) as caught:
        build(project, use_frictionless=False)
    assert snapshot(project) == before, "a failed build changed published files"
    return caught.value


def _replace(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_build_rejects_a_duplicate_record_id(project):
    def edit(root):
        path = root / "build/actors.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text + "\n  - actor_id: vladimir-putin\n    name: Putin again\n    aliases: [Putin]\n"
                        "    actor_kind: person\n", encoding="utf-8")
    failure = _break_and_build(project, edit)
    assert any(p.code == "unique" and p.record == "actors[vladimir-putin]" and "build/actors.yaml" in p.file
               for p in failure.problems)


def test_build_rejects_a_dangling_foreign_key(project):
    def edit(root):
        _replace(root / "build/001_25d60bc68a19f325.yaml", "guest_id: alexander-lukashenko",
                 "guest_id: alexander-lukashenka")
    failure = _break_and_build(project, edit)
    assert any(p.code == "foreign-key" and p.record == "visits[lukashenko-china-2023-02-28]" and p.column == "guest_id"
               and p.file == "build/001_25d60bc68a19f325.yaml" and "alexander-lukashenka" in p.message
               for p in failure.problems)


def test_build_refuses_an_edited_raw_file(project):
    def edit(root):
        path = root / "raw/002_c5e2ce6a28da5d25.txt"
        data = bytearray(path.read_bytes())
        data[100] = ord("X") if data[100] != ord("X") else ord("Y")
        path.write_bytes(bytes(data))
    failure = _break_and_build(project, edit)
    assert [(p.code, p.file) for p in failure.problems] == [("raw-checksum", "raw/002_c5e2ce6a28da5d25.txt")]


def test_build_names_a_missing_and_an_extra_raw_file(project):
    def edit(root):
        (root / "raw/004_736d6101656b867f.txt").unlink()
        (root / "raw/005_extra.txt").write_text("new", encoding="utf-8")
    named = [(p.code, p.file) for p in _break_and_build(project, edit).problems]
    assert ("raw-file-missing", "raw/004_736d6101656b867f.txt") in named
    assert ("raw-file-unlisted", "raw/005_extra.txt") in named


def _problems(project, registry):
    return [(p.code, p.file, p.table, p.column) for p in validate_package(project, registry, use_frictionless=False)]


def test_validate_reports_an_edited_raw_file(project, registry):
    path = project / "raw/001_25d60bc68a19f325.txt"
    path.write_bytes(path.read_bytes().replace(b"Snapkou", b"Snapkov", 1))
    problems = _problems(project, registry)
    assert ("raw-checksum", "raw/001_25d60bc68a19f325.txt", None, None) in problems
    assert ("source-checksum", None, "sources", "sha256") in problems


def test_cli_validate_exit_codes_and_json(project, capsys):
    assert main(["validate", str(project), "--no-frictionless"]) == 0
    assert "is valid" in capsys.readouterr().out
    (project / "datasets/csv/visits.csv").write_bytes(b"visit_id\nbroken\n")
    assert main(["validate", str(project), "--json", "--no-frictionless"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False
    assert any(p.get("file") == "datasets/csv/visits.csv" and p["code"] == "size-mismatch" for p in report["problems"])


def test_cli_build_reports_problems_without_a_traceback(project, capsys):
    (project / "build/002_c5e2ce6a28da5d25.yaml").write_text("source: [unclosed\n", encoding="utf-8")
    assert main(["build", "--root", str(project), "--no-frictionless"]) == 1
    err = capsys.readouterr().err
    assert "build/002_c5e2ce6a28da5d25.yaml" in err and "[yaml-syntax]" in err and "Traceback" not in err


def test_two_builds_are_byte_identical(project):
    first = snapshot(project)
    shutil.rmtree(project / "datasets")
    build(project, use_frictionless=False)
    assert snapshot(project) == first
