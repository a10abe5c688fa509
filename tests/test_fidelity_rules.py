"""The fidelity rules of issue 20 (nothing wrong published silently): each with the bad input it catches,
on a published package (the contract), and the build's side that computes what the rule requires."""

from __future__ import annotations

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
