"""Enumeration values said by their evidence (contract.enum_words): the registry's words for each value,
in any language, found in a supporting excerpt (inflections included), or the value is an inference."""

from __future__ import annotations

import pytest
import yaml
from conftest import ROOT

from belarus_china.contract.enum_words import says
from belarus_china.contract.registry import RegistryError, read_registry


@pytest.fixture(scope="module")
def words(registry):
    return registry["visits"].column("visit_type").enum_words


@pytest.mark.parametrize("value, excerpt", [
    ("state_visit", "Lukashenka embarked on a three-day State Visit to Beijing"),
    ("state_visit", "Loukachenko est arrivé en visite d’État à Pékin"),
    ("state_visit", "Лукашенко прибыл в Китай с государственным визитом"),   # an inflection of the registry's stem
    ("state_visit", "Lukasjenko er på statsbesøg i Kina"),
    ("state_visit", "卢卡申科对中国进行国事访问"),
    ("working_visit", "Der Arbeitsbesuch dauerte zwei Tage"),
    ("contact", "Xi was the first foreign leader to congratulate Lukashenka"),
])
def test_a_value_is_said_in_any_language(words, value, excerpt):
    assert says(excerpt, words[value])


@pytest.mark.parametrize("value, excerpt", [
    ("state_visit", "Lukashenka paid an official visit to the People’s Republic of China"),
    ("state_visit", "Lukashenko's discussions with Xi in Beijing"),
    ("official_visit", "the official said the visit was a success"),   # the words, but not together
    ("summit", "they met again at the Kremlin"),
])
def test_words_that_do_not_say_the_value_do_not_count(words, value, excerpt):
    assert not says(excerpt, words[value])


def test_every_allowed_value_needs_its_words(tmp_path):
    folder = tmp_path / "validation"
    folder.mkdir()
    for path in (ROOT / "validation").glob("*.yaml"):
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    fields = yaml.safe_load((folder / "fields.yaml").read_text(encoding="utf-8"))
    del fields["visit_type"]["enum_words"]["trip"]
    (folder / "fields.yaml").write_text(yaml.safe_dump(fields, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RegistryError, match="enum_words must list every allowed value"):
        read_registry(folder)


@pytest.mark.parametrize("value, excerpt, said", [
    ("joint_statement", "In a joint statement at September’s Shanghai Cooperation Organization summit", True),
    ("joint_statement", "Лукашенко и Си подписали совместное заявление", True),
    ("commercial_contract", "Eight contracts or cooperation memoranda were signed", True),
    ("treaty", "a Union State treaty", True),
    ("treaty", "Eight contracts or cooperation memoranda were signed", False),
])
def test_the_kinds_of_agreement_have_their_words(registry, value, excerpt, said):
    assert says(excerpt, registry["agreements"].column("agreement_type").enum_words[value]) is said
