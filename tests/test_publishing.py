"""Publishing: generated codebook and datasheet, charts, citation, release zip, diff."""

from __future__ import annotations

import json
import shutil
import tomllib
import xml.dom.minidom
import zipfile

import pandas as pd
import yaml
from conftest import ROOT
from corrupt import edit_table, rehash

from belarus_china.browse.diff import diff_packages, render
from belarus_china.contract.registry import read_package_metadata
from belarus_china.loader import load, tables
from belarus_china.pipeline import chart_caption
from belarus_china.publish import charts
from belarus_china.publish.descriptor import version
from belarus_china.publish.release import write_zip

VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def test_codebook_documents_every_column_with_its_meaning(built_package, registry):
    codebook = (built_package / "docs/codebook.md").read_text(encoding="utf-8")
    for table in registry:
        assert f"## {table.name}" in codebook
        rows = len(load(table.name, built_package))
        assert f"- Rows: {rows}" in codebook
        for column in table.columns:
            assert f"| `{column.name}` |" in codebook
            for value in column.enum or {}:
                assert f"`{value}`: " in codebook


def test_datasheet_figures_are_the_tables_figures(built_package):
    datasheet = (built_package / "docs/datasheet.md").read_text(encoding="utf-8")
    for section in ("Motivation", "Composition", "Collection process", "Preprocessing and curation", "Uses",
                    "Distribution", "Maintenance"):
        assert f"## {section}" in datasheet
    claims = load("claims", built_package)
    assert f"({int((claims.agrees == False).sum())} claims that disagree" in datasheet  # noqa: E712
    assert f"({len(load('inferences', built_package))} rows)" in datasheet
    assert f"| `evidence` | {len(load('evidence', built_package))} |" in datasheet


def test_one_version_everywhere(built_package):
    package = json.loads((built_package / "datapackage.json").read_text(encoding="utf-8"))
    citation = yaml.safe_load((built_package / "CITATION.cff").read_text(encoding="utf-8"))
    assert package["version"] == citation["version"] == VERSION
    assert f"## [{VERSION}] - {citation['date-released']}" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def test_citation_has_the_fields_cff_1_2_requires(built_package):
    citation = yaml.safe_load((built_package / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0"
    assert citation["message"] and citation["title"] and citation["type"] == "dataset"
    assert all(isinstance(a, dict) and ("name" in a or "family-names" in a) for a in citation["authors"])
    assert citation["license"] == "CC-BY-4.0"


def test_charts_are_deterministic_valid_svg(built_package, registry):
    frames = {name: load(name, built_package) for name in tables(built_package)}
    frames = {k: v.astype({c: "string" for c in v.columns if isinstance(v[c].dtype, pd.CategoricalDtype)})
              for k, v in frames.items()}
    caption = chart_caption(read_package_metadata(ROOT / "validation")["name"], version(built_package))
    first, second = charts.render(frames, caption, registry), charts.render(frames, caption, registry)
    assert first == second
    for name, data in first.items():
        assert (built_package / name).read_bytes() == data
        xml.dom.minidom.parseString(data)  # well-formed
    assert b"Lukashenko" in first["docs/charts/timeline.svg"]
    assert b"$6.45 billion" in first["docs/charts/trade_figures.svg"]


def test_release_zip_is_reproducible_complete_and_loadable(built_package, tmp_path):
    for name in ("README.md", "CHANGELOG.md", "LICENSE", "LICENSE-DATA.md"):
        shutil.copy(ROOT / name, built_package / name) if not (built_package / name).exists() else None
    first = write_zip(built_package, tmp_path / "a.zip")
    second = write_zip(built_package, tmp_path / "b.zip")
    assert first.read_bytes() == second.read_bytes()
    names = zipfile.ZipFile(first).namelist()
    assert names == sorted(names)
    for required in ("datapackage.json", "README.md", "CITATION.cff", "LICENSE", "LICENSE-DATA.md", "CHANGELOG.md",
                     "docs/codebook.md", "docs/datasheet.md", "datasets/csv/quotes.csv",
                     "datasets/parquet/quotes.parquet", "raw/003_e34279620fbde07c.txt"):
        assert required in names
    assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in zipfile.ZipFile(first).infolist())
    pd.testing.assert_frame_equal(load("quotes", first), load("quotes", built_package))
    unpacked = tmp_path / "unpacked"
    zipfile.ZipFile(first).extractall(unpacked)
    pd.testing.assert_frame_equal(load("visits", unpacked), load("visits", built_package))

    from frictionless import Package
    assert Package(str(first)).validate().valid


def test_diff_reports_exactly_a_changed_cell_a_removed_row_and_an_added_column(built_package, project, registry):
    def change(frame):
        frame.loc[frame.visit_id == "lukashenko-china-2023-02-28", "city"] = "Shanghai"
        return frame
    edit_table(project, registry, "visits", change)
    removed = load("quotes", project)["quote_id"].iloc[0]
    edit_table(project, registry, "quotes", lambda f: f[f.quote_id != removed])
    # An added column: in the files and in the descriptor's schema.
    actors = pd.read_csv(project / "datasets/csv/actors.csv", dtype=str, keep_default_na=False)
    actors.assign(nickname="").to_csv(project / "datasets/csv/actors.csv", index=False, lineterminator="\n")
    import pyarrow as pa
    import pyarrow.parquet as pq
    table = pq.read_table(project / "datasets/parquet/actors.parquet")
    pq.write_table(table.append_column("nickname", pa.array([None] * len(table), pa.string())),
                   project / "datasets/parquet/actors.parquet")
    descriptor = json.loads((project / "datapackage.json").read_text(encoding="utf-8"))
    next(r for r in descriptor["resources"] if r["name"] == "actors")["schema"]["fields"].append(
        {"name": "nickname", "type": "string"})
    (project / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    rehash(project)

    result = diff_packages(built_package, project)
    changed = {t.name: t for t in result.tables if not t.empty}
    assert set(changed) == {"visits", "quotes", "actors"}
    assert changed["visits"].changed == {"lukashenko-china-2023-02-28": {"city": ("Beijing", "Shanghai")}}
    assert not changed["visits"].added and not changed["visits"].removed
    assert changed["quotes"].removed == [removed] and not changed["quotes"].changed
    assert changed["actors"].columns_added == ["nickname"] and not changed["actors"].changed
    assert result.bump() == "minor"
    text = render(result)
    assert "row changed: lukashenko-china-2023-02-28\n    city: Beijing → Shanghai" in text
    assert f"row removed: {removed}" in text and "column added: nickname" in text
    assert "version bump needed: minor" in text
    # Both packages carry the same version: the advice says which version to give the new one.
    major, minor, _ = (int(p) for p in result.new_version.split("."))
    assert result.bump_made() == "none"
    assert text.endswith(f"bump the version in pyproject.toml to {major}.{minor + 1}.0 and add its CHANGELOG heading")
    assert diff_packages(built_package, built_package).bump() == "none"


def test_diff_compares_the_versions_it_is_given(built_package, project):
    descriptor = json.loads((project / "datapackage.json").read_text(encoding="utf-8"))
    major, minor, patch = (int(p) for p in descriptor["version"].split("."))
    fields = next(r for r in descriptor["resources"] if r["name"] == "visits")["schema"]["fields"]
    fields[:] = [f for f in fields if f["name"] != "city"]   # needs major
    for given, verdict in ((f"{major + 1}.0.0", "enough"), (f"{major}.{minor + 1}.0", "bump the version"),
                           (f"{major}.{minor}.{patch}", "bump the version"), ("0.0.1", "goes backwards")):
        descriptor["version"] = given
        (project / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
        advice = diff_packages(built_package, project).version_advice()
        assert verdict in advice, (given, advice)


def test_removing_a_column_needs_a_major_bump(built_package, project):
    descriptor = json.loads((project / "datapackage.json").read_text(encoding="utf-8"))
    fields = next(r for r in descriptor["resources"] if r["name"] == "visits")["schema"]["fields"]
    fields[:] = [f for f in fields if f["name"] != "city"]
    (project / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert diff_packages(built_package, project).bump() == "major"


def test_ci_workflow_for_forks_runs_the_same_script():
    workflow = (ROOT / ".github/workflows/ci.yml").read_text(encoding="utf-8")
    assert "bash .ci/run" in workflow and "3.11" in workflow
