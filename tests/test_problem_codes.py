"""The problem catalogue: every code is documented, produced by some bad input in the tests, and
nothing outside the catalogue is ever reported."""

from __future__ import annotations

import dataclasses

import pytest
import test_curation_errors
import test_fault_injection
import test_untrusted
from conftest import ROOT
from corrupt import read_table

from belarus_china.base.problems import CATALOGUE, Problem, catalogue_markdown
from belarus_china.contract.frames import to_frame
from belarus_china.contract.rules import _pandera_problems, check_tables

# Codes that no file of a package or curation input can produce through the checks that run before
# them; each is injected here at the level where it can occur.


def _frames(root, registry):
    return {t.name: read_table(root, registry, t.name) for t in registry}


def test_a_frame_of_the_wrong_type_is_column_dtype(built_package, registry):
    """CSV and Parquet readers type every column first, so only a frame built in code can carry a
    wrong dtype; the contract then reports it as column-dtype."""
    frames = _frames(built_package, registry)
    frames["evidence"]["char_start"] = frames["evidence"]["char_start"].astype("string")
    problems = check_tables(registry, frames, {})
    assert any(p.code == "column-dtype" and p.table == "evidence" and p.column == "char_start" for p in problems)


def test_a_text_below_its_minimum_length_is_min_length(registry):
    """The only min_length in the registry is 1 (evidence.excerpt), which an empty or blank text
    breaks first as required or blank-text; a longer minimum shows the check itself."""
    table = registry["evidence"]
    longer = dataclasses.replace(table, columns=tuple(
        dataclasses.replace(c, min_length=5) if c.name == "excerpt" else c for c in table.columns))
    row = {"evidence_id": "e-1", "record_table": "quotes", "record_id": "q", "source_id": "s", "excerpt": "abc",
           "char_start": 0, "char_end": 3}
    frame = to_frame(longer, [row])
    problems = _pandera_problems(longer, frame)
    assert [p.code for p in problems if p.column == "excerpt"] == ["min-length"]


UNIT_INJECTED = {"column-dtype", "min-length"}
BY_TABLE = {code for _, _, code, _ in test_fault_injection.CORRUPTIONS}
BY_CURATION = {code for _, _, code, _ in test_curation_errors.CASES}
BY_UNTRUSTED = ({code for _, _, code in test_untrusted.FOLDER_ATTACKS}
                | {code for _, _, code in test_untrusted.ZIP_ATTACKS if code != "valid"})
OTHER_TESTS = {"raw-file-unlisted": "test_foundation.test_build_names_a_missing_and_an_extra_raw_file",
               "document-not-text": "test_adding_a_document.test_add_refuses_what_is_not_a_text_document_and_bad_metadata",
               "capture-metadata": "test_adding_a_document.test_add_refuses_what_is_not_a_text_document_and_bad_metadata",
               "document-present": "test_adding_a_document.test_a_document_already_in_raw_is_refused_and_named",
               "curation-file-exists": "test_adding_a_document.test_add_refuses_to_overwrite_a_curation_file",
               "language-mismatch":
                   "test_languages.test_french_words_tagged_english_and_an_unstated_original_language_are_refused",
               "quote-unmarked": "test_quotations.test_unmarked_narration_and_unattributed_speakers_are_refused_then_fixed",
               "speaker-unattributed":
                   "test_quotations.test_unmarked_narration_and_unattributed_speakers_are_refused_then_fixed",
               "frictionless": "test_fault_injection.test_an_error_only_frictionless_sees_is_reported_with_its_code",
               "zip-too-large": "test_untrusted.test_zip_bombs_are_refused_in_under_a_second_and_200_mb",
               "parquet-too-large": "test_untrusted.test_a_parquet_dictionary_bomb_is_refused_before_it_is_decoded",
               "build-locked": "test_crash_safety.test_a_second_build_refuses_with_a_clear_message_while_the_lock_is_held",
               "unknown-published-file": "test_crash_safety.test_a_file_the_build_did_not_make_stops_it_and_is_kept",
               "write-failed": "test_crash_safety.test_a_full_disk_changes_nothing_and_is_reported_without_a_traceback",
               "publish-incomplete": "test_crash_safety.test_a_failed_swap_whose_undo_fails_too_loses_nothing",
               "view-mismatch": "test_views.test_an_edited_view_is_view_mismatch",
               "cache-unsafe": "test_sqlite_serve.test_planted_links_in_the_cache_are_refused_or_replaced_never_followed",
               "package-changed": "test_serve_untrusted.test_a_package_that_changes_while_serve_reads_it_is_refused",
               "not-a-checkout": "test_package_cli.test_package_outside_a_checkout_is_refused_with_a_code",
               "publish-pending": "test_journal_trust.test_a_forged_journal_deletes_nothing_in_validate_or_build",
               "journal-refused": "test_journal_trust.test_a_journal_unzipped_with_its_folders_over_a_package_is_refused",
               "document-too-large": "test_add_bounds.test_a_document_over_the_limit_is_refused_without_being_read",
               "document-write-failed": "test_add_bounds.test_a_failing_manifest_write_removes_what_add_wrote",
               "release-link": "test_release_links.test_package_refuses_a_link_and_writes_no_zip",
               "evidence-disagrees":
                   "test_fidelity_rules.test_an_unmarked_or_wrongly_marked_disagreement_is_reported",
               "distinction-unfounded": "test_fidelity_rules.test_a_distinction_naming_no_real_difference_is_reported",
               "window-inherited":
                   "test_fidelity_rules.test_a_window_copied_from_the_visit_without_an_inference_is_reported"}


def test_the_other_tests_named_exist():
    import importlib

    for test in OTHER_TESTS.values():
        module, name = test.split(".")
        assert callable(getattr(importlib.import_module(module), name)), test


def test_every_code_in_the_catalogue_has_a_test_that_injects_it():
    injected = UNIT_INJECTED | BY_TABLE | BY_CURATION | BY_UNTRUSTED | set(OTHER_TESTS)
    assert sorted(set(CATALOGUE) - injected) == []
    assert sorted(injected - set(CATALOGUE)) == []


def test_every_code_is_documented_in_docs_problems_md(built_package):
    generated = (built_package / "docs/problems.md").read_text(encoding="utf-8")
    assert generated == catalogue_markdown()
    assert (ROOT / "docs/problems.md").read_text(encoding="utf-8") == generated
    for code, entry in CATALOGUE.items():
        assert f"| `{code}` | {entry.title} |" in generated
        assert entry.description.strip()


def test_a_problem_with_an_unknown_code_cannot_be_made():
    with pytest.raises(ValueError, match="not in the catalogue"):
        Problem("no-such-code", "message")
