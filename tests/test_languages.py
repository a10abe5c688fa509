"""Language tags say what the words are (contract.languages): a quotation's text_language and a
document's language match the text's script and commonest words; original_language, like publisher and
author, is shown by a supporting excerpt (CLDR's names of the language) or is a marked inference."""

from __future__ import annotations

import pytest
from conftest import copy_project
from documents import FRENCH, add_files, french_curation, problems_of

from belarus_china.contract.languages import language_names, mismatch


@pytest.mark.parametrize("text, language", [
    ("We are ready to cooperate with China.", "en"), ("Nous sommes prêts", "fr"), ("no-limits", "fr"),
    ("Vi er klar til samarbejde", "da"), ("Мы готовы к сотрудничеству", "ru"), ("我们准备好了", "zh"),
    ("Wir sind bereit", "de"),
])
def test_a_text_in_its_language_matches(text, language):
    assert mismatch(text, language) is None


@pytest.mark.parametrize("text, language, why", [
    ("Nous sommes prêts", "en", "'fr'"),                       # French words tagged en
    ("Vi er klar til samarbejde", "en", "commonest words"),
    ("Мы готовы к сотрудничеству", "en", "cyrillic"),
    ("We are ready to cooperate with the Chinese side", "ru", "latin"),
    ("我们准备好了", "ru", "cjk"),
])
def test_a_text_in_another_language_or_script_does_not(text, language, why):
    assert why in mismatch(text, language)


def test_a_language_has_its_names_in_every_language_the_reader_knows():
    names = language_names("ru")
    assert {"Russian", "russe", "Russisch", "русский", "russisk", "俄语"} <= set(names)


WRONG = """    text_language: en
    original_language: ru
"""


def test_french_words_tagged_english_and_an_unstated_original_language_are_refused(tmp_path):
    root = copy_project(tmp_path / "project")
    raw_file = add_files(root, FRENCH, lambda name: french_curation(name, quote=WRONG).replace(
        "    text_en: We are ready\n    translated_by: curator\n", ""))
    found = {(p.code, p.column) for p in problems_of(root)}
    assert found == {("language-mismatch", "text_language"), ("value-not-shown", "original_language")}, found
    # Marked as inferences, with the reasons, both are accepted (the tag then says it is the curator's).
    inferred = WRONG + ("    inferred:\n      text_language: a test of the marking\n"
                        "      original_language: {reason: known from outside the text, basis: external}\n")
    (root / "build" / f"{raw_file[:-4]}.yaml").write_text(french_curation(raw_file, quote=inferred).replace(
        "    text_en: We are ready\n    translated_by: curator\n", ""), encoding="utf-8")
    assert problems_of(root) == []
