"""Quotations (contract.quotations): in quotation marks of some script or on a dash-led line, or
marked as reported speech; each speaker named with a speech verb or a colon in the quotation's own
sentence, or a marked inference. Made-up documents (tests/documents.py)."""

from __future__ import annotations

from conftest import copy_project
from corrupt import edit_table
from documents import DANISH_QUOTING, QUOTING, add_files, danish_quoting_curation, problems_of, quoting_curation

from belarus_china.contract.quotations import attribution
from belarus_china.contract.validate import validate_package


def test_attribution_is_the_quotations_own_sentence_without_its_words():
    text = "Xi spoke first. Lukashenko told reporters: “We are ready.” Then they ate."
    assert attribution(text, "We are ready") == [" Lukashenko told reporters:  "]
    assert attribution("Lukashenko said we are ready.", "we are ready") is None
    assert attribution("– Vi er klar, siger han.\n", "Vi er klar", "da") == ["–  , siger han."]
    assert attribution("– Vi er klar, siger han.\n", "Vi er klar", "en") is None   # no dash-led speech in English
    assert attribution("他说：“我们准备好了。”", "我们准备好了", "zh") == ["他说： "]


def test_unmarked_narration_and_unattributed_speakers_are_refused_then_fixed(tmp_path):
    root = copy_project(tmp_path / "project")
    raw_file = add_files(root, QUOTING, lambda name: quoting_curation(name, fixed=False))
    found = {(p.code, p.record, p.column) for p in problems_of(root)}
    assert found == {
        ("speaker-unattributed", "quotes[lukashenko-deeply-concerned]", "speaker_ids"),   # "Lukashenko’s discussions"
        ("quote-unmarked", "quotes[lukashenko-never-join-the-war]", "text"),
        ("speaker-unattributed", "quotes[lukashenko-nothing-will-change]", "speaker_ids"),  # "he added"
    }, found
    (root / "build" / f"{raw_file[:-4]}.yaml").write_text(quoting_curation(raw_file, fixed=True), encoding="utf-8")
    assert problems_of(root) == []


def test_a_dash_led_line_is_a_quotation_in_a_language_that_sets_speech_so(tmp_path):
    root = copy_project(tmp_path / "project")
    add_files(root, DANISH_QUOTING, danish_quoting_curation)
    assert problems_of(root) == []


def test_a_published_quote_credited_to_the_one_it_was_said_to_is_refused(project, registry):
    """ "... ," Lukashenko told Xi on Monday: Xi is named, but as the one spoken to."""
    def credit_xi(frame):
        row = frame.index[frame["quote_id"] == "lukashenko-reliable-partner-for-china"][0]
        frame.loc[row, "speaker_ids"] = "alexander-lukashenko | xi-jinping"
        return frame
    edit_table(project, registry, "quotes", credit_xi)
    problems = validate_package(project, registry, use_frictionless=False)
    assert [(p.code, p.record) for p in problems if p.code == "speaker-unattributed"] == \
        [("speaker-unattributed", "lukashenko-reliable-partner-for-china")]
