"""The fidelity rules of issue 20 (nothing wrong published silently): each with the bad input it catches,
on a published package (the contract), and the build's side that computes what the rule requires."""

from __future__ import annotations

import pandas as pd
from corrupt import edit_table, read_table

from belarus_china.contract.validate import validate_package
from belarus_china.curate.verbatim import raw_slice

NBSP = "\u00a0"


# --- Text is verbatim ---------------------------------------------------------------------------------------

def test_typed_words_are_stored_as_the_documents_characters():
    excerpt = f"supplying its neighbor with dual-use{NBSP}deliveries of more\nadvanced technology"
    assert raw_slice("dual-use deliveries of more advanced", [excerpt]) == f"dual-use{NBSP}deliveries of more\nadvanced"
    assert raw_slice("neighbor", ["no match here", excerpt]) == "neighbor"


def test_words_no_excerpt_holds_are_left_for_the_contract_to_report():
    assert raw_slice("dual use deliveries", [f"dual-use{NBSP}deliveries"]) == "dual use deliveries"
    assert raw_slice("“quoted”", ['"quoted"']) == "“quoted”"   # quotation marks are never folded


def test_every_published_verbatim_value_is_a_slice_of_its_document(built_package, registry):
    sources = read_table(built_package, registry, "sources")
    texts = {s: (built_package / p).read_text(encoding="utf-8")
             for s, p in zip(sources.source_id, sources.raw_path, strict=True)}
    checked = 0
    for table in registry:
        if "source_id" not in table.column_names or table.mergeable or table.name == "sources":
            continue
        frame = read_table(built_package, registry, table.name)
        for column in sorted(table.verbatim_columns):
            for source, value in zip(frame.source_id, frame[column], strict=True):
                if isinstance(value, str):
                    assert value in texts[source], (table.name, column, value)
                    checked += 1
    assert checked > 0


def _lose_no_break_spaces(root, reg):
    frame = read_table(root, reg, "assessments")
    row = frame.index[frame.stance.fillna("").str.contains(NBSP)][0]

    def mutate(f):
        f.loc[row, "stance"] = f.loc[row, "stance"].replace(NBSP, " ")
        return f
    edit_table(root, reg, "assessments", mutate)
    return frame.loc[row, "assessment_id"]


def test_a_stance_that_lost_its_no_break_space_is_not_verbatim(project, registry):
    record = _lose_no_break_spaces(project, registry)
    problems = [p for p in validate_package(project, registry, use_frictionless=False) if p.code == "not-verbatim"]
    assert [(p.table, p.record, p.column) for p in problems] == [("assessments", record, "stance")]
    assert "white space folded" in problems[0].message


# --- No silent windows -----------------------------------------------------------------------------------

def _undated_contained(root, reg, table):
    """A row of `table` with no date words of its own and a window: its window is its container's."""
    frame = read_table(root, reg, table)
    undated = frame[frame.date_as_reported.isna() & frame.date_earliest.notna() & frame.visit_id.notna()]
    assert len(undated), f"the corpus has no undated {table} row within a visit"
    return undated.iloc[0][reg[table].primary_key[0]]


def test_a_window_taken_from_the_visit_is_a_marked_inference(built_package, registry):
    inferences = read_table(built_package, registry, "inferences")
    for table in ("visit_events", "agreements", "quotes"):
        record = _undated_contained(built_package, registry, table)
        marked = inferences[(inferences.record_table == table) & (inferences.record_id == record)]
        assert {"date_earliest", "date_latest"} <= set(marked.field), (table, record)
        assert marked[marked.field == "date_earliest"].reason.str.contains("visits/").all()


def _drop_window_inferences(table):
    def corrupt(root, reg):
        record = _undated_contained(root, reg, table)
        edit_table(root, reg, "inferences", lambda f: f[~((f.record_table == table) & (f.record_id == record)
                                                          & f.field.isin(["date_earliest", "date_latest"]))])
        return record
    return corrupt


def test_a_window_copied_from_the_visit_without_an_inference_is_reported(project, registry):
    records = {table: _drop_window_inferences(table)(project, registry) for table in ("quotes", "agreements")}
    problems = [p for p in validate_package(project, registry, use_frictionless=False) if p.code == "window-inherited"]
    found = {(p.table, p.record, p.column) for p in problems}
    assert found == {(t, r, b) for t, r in records.items() for b in ("date_earliest", "date_latest")}, problems


# --- An excerpt supports what it agrees with -------------------------------------------------------------

def _disputed_claims(root, reg):
    claims = read_table(root, reg, "claims")
    return claims[~claims.agrees.astype(bool)]


def test_an_excerpt_of_a_losing_claim_is_marked_as_disagreeing(built_package, registry):
    evidence = read_table(built_package, registry, "evidence")
    disputed = _disputed_claims(built_package, registry)
    assert len(disputed), "the corpus has no conflict between sources"
    for claim in disputed.itertuples():
        cited = evidence[evidence.evidence_id.isin(claim.evidence_ids.split(" | "))]
        marked = cited[cited.disagrees_on.notna()]
        assert len(marked), claim
        for row in marked.itertuples():
            assert set(row.disagrees_on.split(" | ")) <= set(row.supports.split(" | "))
    agreeing = evidence[~evidence.source_id.isin(disputed.source_id)]
    assert agreeing.disagrees_on.isna().all()


def test_the_viewer_says_which_excerpts_disagree(built_package, registry):
    evidence = read_table(built_package, registry, "evidence")
    for row in evidence[evidence.disagrees_on.notna()].itertuples():
        page = (built_package / f"docs/sources/{row.source_id}.html").read_text(encoding="utf-8")
        columns = ", ".join(f"<code>{c}</code>" for c in row.disagrees_on.split(" | "))
        assert f"disagrees with the curated value</strong> of {columns}" in page


def _set_disagrees(pick, value):
    def corrupt(root, reg):
        frame = read_table(root, reg, "evidence")
        row = frame.index[pick(frame)][0]

        def mutate(f):
            f["disagrees_on"] = f["disagrees_on"].astype(object)
            f.loc[row, "disagrees_on"] = value(f.loc[row])
            return f
        edit_table(root, reg, "evidence", mutate)
        return frame.loc[row, "evidence_id"]
    return corrupt


def test_an_unmarked_or_wrongly_marked_disagreement_is_reported(project, registry):
    unmarked = _set_disagrees(lambda f: f.disagrees_on.notna(), lambda r: None)(project, registry)
    invented = _set_disagrees(lambda f: f.disagrees_on.isna() & f.supports.notna(),
                              lambda r: r["supports"].split(" | ")[0])(project, registry)
    problems = [p for p in validate_package(project, registry, use_frictionless=False) if p.code == "evidence-disagrees"]
    assert {(p.table, p.record) for p in problems} == {("evidence", unmarked), ("evidence", invented)}


# --- Declared distinct -----------------------------------------------------------------------------------

def test_every_declared_distinction_is_published_with_what_differs(built_package, registry):
    distinctions = read_table(built_package, registry, "distinctions")
    assert len(distinctions), "the corpus declares no record distinct"
    for row in distinctions.itertuples():
        table = read_table(built_package, registry, row.record_table).set_index(
            registry[row.record_table].primary_key[0])
        for column in row.differs_in.split(" | "):
            mine, theirs = table.loc[row.record_id, column], table.loc[row.other_id, column]
            assert not (pd.isna(mine) and pd.isna(theirs)) and str(mine) != str(theirs), (row, column)


def _same_column(root, reg):
    """A column in which the first declared pair has the same value (what a bare reason would amount to)."""
    row = read_table(root, reg, "distinctions").iloc[0]
    table = read_table(root, reg, row.record_table).set_index(reg[row.record_table].primary_key[0])
    for column in table.columns:
        mine, theirs = table.loc[row.record_id, column], table.loc[row.other_id, column]
        if not pd.isna(mine) and str(mine) == str(theirs):
            return column
    raise AssertionError("the pair has no column in common")


def test_a_distinction_naming_no_real_difference_is_reported(project, registry):
    same = _same_column(project, registry)

    def mutate(f):
        f["differs_in"] = f["differs_in"].astype(object)
        f.loc[0, "differs_in"] = same
        f.loc[1, "differs_in"] = "colour"
        return f
    edit_table(project, registry, "distinctions", mutate)
    problems = [p for p in validate_package(project, registry, use_frictionless=False)
                if p.code == "distinction-unfounded"]
    messages = sorted(p.message for p in problems)
    assert len(problems) == 2 and all(p.table == "distinctions" for p in problems), problems
    assert any(f"same {same}" in m for m in messages) and any("'colour' is not a column" in m for m in messages)


def test_a_curated_distinction_naming_a_shared_value_is_traced_to_its_file(project):
    import pytest

    from belarus_china.base.problems import ProblemsFound
    from belarus_china.pipeline import build

    path = project / "build/004_736d6101656b867f.yaml"
    text = path.read_text(encoding="utf-8")
    bare = "        differs_in: [visit_type]\n"
    assert bare in text
    path.write_text(text.replace(bare, "        differs_in: [guest_id]\n", 1), encoding="utf-8")
    with pytest.raises(ProblemsFound) as caught:
        build(project, use_frictionless=False)
    found = [p for p in caught.value.problems if p.code == "distinction-unfounded"]
    assert len(found) == 1 and found[0].file == "build/004_736d6101656b867f.yaml", caught.value.problems
    assert "same guest_id" in found[0].message
