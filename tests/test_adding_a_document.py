"""The maintainer's workflow for a new document, on made-up documents (written for this test, not
taken from any publication): add, audit, curate, build, diff; with the mistakes a newcomer makes."""

from __future__ import annotations

import hashlib
import re
import shutil
from datetime import date

import pytest
import yaml
from conftest import snapshot

from belarus_china.base.problems import ProblemsFound
from belarus_china.browse.diff import diff_packages, render
from belarus_china.browse.renames import resolve_id
from belarus_china.cli import main
from belarus_china.curate.add import add_document
from belarus_china.loader import load
from belarus_china.pipeline import audit_report, build

WIRE = """Example Wire: Lukashenko back in Beijing

MINSK, Dec. 5, 2023 (Example Wire) — Belarusian President Alexander Lukashenko paid a working visit to \
Beijing on Monday (Dec 4), meeting Chinese President Xi Jinping.
"""

DANISH = """Lukasjenko i Beijing igen

Den 4. december 2023 mødtes Lukasjenko og Xi i Beijing. ”Vi er klar til samarbejde,” sagde han ifølge \
eksempelavisen.
– Kina er vores ven, siger Lukasjenko.
I februar sidste år var han også i Kina.
"""

SECOND_TRIP = "lukashenko-china-2023-second-trip"


def _curation(raw_file: str, visit_id: str) -> str:
    return f"""raw_file: {raw_file}

source:
  source_id: example-wire-lukashenko-back-in-beijing
  title: "Example Wire: Lukashenko back in Beijing"
  publisher: Example Wire
  date_as_reported: Dec. 5, 2023
  doc_kind: news
  language: en
  retrieved_from: https://example.org/wire/lukashenko-beijing
  retrieved_on: 2023-12-05
  copy_extent: whole
  evidence:
    - excerpt: "Example Wire: Lukashenko back in Beijing"
      supports: [title]
    - excerpt: "MINSK, Dec. 5, 2023 (Example Wire)"
      supports: [publisher, date_as_reported]

visits:  # one excerpt, split for the line length: the build folds its white space as the locator does
  - visit_id: {visit_id}
    guest_id: alexander-lukashenko
    host_id: xi-jinping
    host_country: CHN
    city: Beijing
    date_as_reported: Monday (Dec 4)
    date_anchor: source
    visit_type: working_visit
    visit_type_as_reported: working visit
    evidence:
      - excerpt: "Belarusian President Alexander Lukashenko paid a working visit to Beijing on Monday (Dec 4),
          meeting Chinese President Xi Jinping."
        supports: [guest_id, host_id, host_country, city, date_as_reported, visit_type, visit_type_as_reported]

dismissed:
  - excerpt: "Example Wire: Lukashenko back in Beijing"
    reason: The headline; the wire service is the publisher.
  - excerpt: "(Example Wire)"
    reason: The wire service's name in the dateline (the publisher), not a person.
"""


def _next_number(project) -> str:
    """The number `add` gives the next document: one past the highest in raw/ (the guide's rule), so these
    tests hold however many documents the corpus has."""
    return f"{max(int(p.name[:3]) for p in (project / 'raw').glob('*.txt')) + 1:03d}"


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_new_document_from_add_to_diff(project, built_package, tmp_path, capsys):
    # 1. add: the copy, its manifest line, and a curation file listing the candidates.
    source = _write(tmp_path, "wire.txt", WIRE)
    number = _next_number(project)
    assert main(["add", str(source), "--root", str(project), "--kind", "news", "--retrieved-from",
                 "https://example.org/wire/lukashenko-beijing", "--retrieved-on", "2023-12-05"]) == 0
    printed = capsys.readouterr().out
    raw_file = re.search(r"added raw/(\S+)", printed).group(1)
    digest = hashlib.sha256(WIRE.encode("utf-8")).hexdigest()
    assert re.fullmatch(rf"{number}_{digest[:16]}\.txt", raw_file)
    assert (project / "raw" / raw_file).read_bytes() == WIRE.encode("utf-8")
    assert f"{digest}  {raw_file}\n" in (project / "raw/SHA256SUMS").read_text(encoding="utf-8")
    skeleton = (project / "build" / raw_file.replace(".txt", ".yaml")).read_text(encoding="utf-8")
    assert "retrieved_from: https://example.org/wire/lukashenko-beijing" in skeleton
    assert "retrieved_on: '2023-12-05'" in skeleton and "copy_extent: whole" in skeleton
    assert re.search(r"#\s+date\s+\d+-\d+\s+'on Monday'", skeleton), skeleton
    assert "look for the record it may already be" in printed

    # 2. audit runs on the uncurated document and shows its candidates uncovered.
    report, complete = audit_report(project)
    assert not complete and f"UNCOVERED raw/{raw_file}" in report

    # 3. curate, with the newcomer's mistake: a new id for a trip already in the tables.
    curation = project / "build" / raw_file.replace(".txt", ".yaml")
    curation.write_text(_curation(raw_file, "lukashenko-china-2023-12-04"), encoding="utf-8")
    before = snapshot(project)
    with pytest.raises(ProblemsFound) as caught:
        build(project, use_frictionless=False)
    assert snapshot(project) == before
    alike = [p for p in caught.value.problems if p.code == "lookalike-record"]
    assert len(alike) == 1 and SECOND_TRIP in alike[0].message and "build/002_c5e2ce6a28da5d25.yaml" in alike[0].message
    assert "lukashenko-china-2023-12-04" in str(alike[0]) and "distinct_from" in alike[0].message

    # 4. the fix: the existing id; the exact day joins the trip and narrows its window.
    curation.write_text(_curation(raw_file, SECOND_TRIP), encoding="utf-8")
    result = build(project, use_frictionless=False)
    trip = load("visits", project).set_index("visit_id").loc[SECOND_TRIP]
    assert trip["date_earliest"].date() == trip["date_latest"].date() == date(2023, 12, 4)
    sources = load("sources", project).set_index("source_id")
    assert sources.loc["example-wire-lukashenko-back-in-beijing", "retrieved_from"] == \
        "https://example.org/wire/lukashenko-beijing"
    # The merge review points at 002's notes, which still give the trip's old window.
    reviewed = [str(item) for item in result.review]
    assert any(f"visits[{SECOND_TRIP}].date_earliest" in r and "2 October" in r for r in reviewed), reviewed
    assert "merge review:" in result.summary()

    # 5. diff: the changed window old → new, the new source, and the version advice.
    text = render(diff_packages(built_package, project))
    assert f"row changed: {SECOND_TRIP}" in text and "date_earliest: 2023-10-02 → 2023-12-04" in text
    assert "row added: example-wire-lukashenko-back-in-beijing" in text
    assert "version bump needed: minor" in text and "bump the version in pyproject.toml" in text


def test_a_document_already_in_raw_is_refused_and_named(project, tmp_path):
    copy = tmp_path / "again.txt"
    shutil.copy(project / "raw/003_e34279620fbde07c.txt", copy)
    before = sorted(p.name for p in (project / "raw").iterdir())
    with pytest.raises(ProblemsFound) as caught:
        add_document(project, copy)
    assert [p.code for p in caught.value.problems] == ["document-present"]
    assert "003_e34279620fbde07c.txt" in caught.value.problems[0].message
    assert sorted(p.name for p in (project / "raw").iterdir()) == before


def test_add_refuses_what_is_not_a_text_document_and_bad_metadata(project, tmp_path):
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Minsk \xe9t\xe9".encode("latin-1"))
    cases = [(latin, {}, "document-not-text", "iconv"), (tmp_path / "missing.txt", {}, "document-not-text", "regular"),
             (_write(tmp_path, "a.txt", WIRE), {"language": "Danish"}, "capture-metadata", "ISO 639-1"),
             (_write(tmp_path, "b.txt", WIRE), {"retrieved_from": "ftp://x"}, "capture-metadata", "http(s)"),
             (_write(tmp_path, "c.txt", WIRE), {"doc_kind": "blog"}, "capture-metadata", "news")]
    manifest = (project / "raw/SHA256SUMS").read_bytes()
    for path, options, code, hint in cases:
        with pytest.raises(ProblemsFound) as caught:
            add_document(project, path, **options)
        assert [p.code for p in caught.value.problems] == [code] and hint in caught.value.problems[0].message
    assert (project / "raw/SHA256SUMS").read_bytes() == manifest


def test_add_refuses_to_overwrite_a_curation_file(project, tmp_path):
    source = _write(tmp_path, "wire.txt", WIRE)
    digest = hashlib.sha256(WIRE.encode("utf-8")).hexdigest()
    number = _next_number(project)
    (project / "build" / f"{number}_{digest[:16]}.yaml").write_text("# someone's work\n", encoding="utf-8")
    with pytest.raises(ProblemsFound) as caught:
        add_document(project, source)
    assert [p.code for p in caught.value.problems] == ["curation-file-exists"]
    assert not (project / "raw" / f"{number}_{digest[:16]}.txt").exists()


def test_a_file_put_into_raw_by_hand_is_named_with_what_to_do(project):
    (project / f"raw/{_next_number(project)}_0123456789abcdef.txt").write_text(WIRE, encoding="utf-8")
    with pytest.raises(ProblemsFound) as caught:
        build(project, use_frictionless=False)
    problem = next(p for p in caught.value.problems if p.code == "raw-file-unlisted")
    assert "belarus-china add" in problem.message


def test_the_audit_finds_the_quotations_and_dates_of_a_danish_document(project, tmp_path):
    added = add_document(project, _write(tmp_path, "dansk.txt", DANISH), language="da", doc_kind="news")
    report, _ = audit_report(project)
    uncovered = [line for line in report.splitlines() if line.startswith(f"UNCOVERED raw/{added.raw_file}")]
    for expected in ("quotation: 'Vi er klar til samarbejde,'", "quotation: 'Kina er vores ven, siger Lukasjenko.'",
                     "date: '4. december 2023'", "date: 'februar'", "date: 'sidste år'"):
        assert any(expected in line for line in uncovered), (expected, uncovered)
    skeleton = (project / added.curation_file).read_text(encoding="utf-8")
    assert "'Vi er klar til samarbejde,'" in skeleton and "language: da" in skeleton


def test_a_renamed_id_resolves_and_diff_reports_the_rename(project, built_package):
    old, new = "xi-kazakhstan-2022-09", "xi-kazakhstan-2022-09-received"
    for path in (project / "build").glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        if old in text:
            path.write_text(text.replace(old, new), encoding="utf-8")
    file = project / "build/001_25d60bc68a19f325.yaml"
    text = file.read_text(encoding="utf-8")
    file.write_text(text.replace(f"  - visit_id: {new}\n", f"  - visit_id: {new}\n    replaces: [{old}]\n", 1),
                    encoding="utf-8")
    build(project, use_frictionless=False)
    assert resolve_id("visits", old, project) == new and resolve_id("visits", new, project) == new
    result = diff_packages(built_package, project)
    visits = next(t for t in result.tables if t.name == "visits")
    assert visits.renamed == {old: new} and old not in visits.removed and new not in visits.added
    assert f"row renamed: {old} → {new}" in render(result)


def test_add_never_makes_a_title_from_the_text(project, tmp_path):
    """A copy with no headline: its lead's first words must not become the title (issue 20)."""
    lead = ("MINSK, Dec. 5, 2023 (Example Wire) — Belarusian President Alexander Lukashenko paid a working visit "
            "to Beijing on Monday (Dec 4), meeting Chinese President Xi Jinping, who welcomed him at length.\n")
    added = add_document(project, _write(tmp_path, "headless.txt", lead), doc_kind="news")
    skeleton = (project / added.curation_file).read_text(encoding="utf-8")
    source = yaml.safe_load(skeleton)["source"]
    assert "title" not in source and "evidence" not in source, source
    assert "# title: left blank: copy the headline exactly as printed" in skeleton
    assert "MINSK, Dec. 5, 2023 (Example Wire)" in skeleton.split("# title: left blank", 1)[1]
