"""Interoperability: event-data codes (CAMEO, PLOVER) declared once in validation/event_codes.yaml, filled in
by the build and checked by validation; Wikidata ids of actors and countries, each with its source."""

from __future__ import annotations

import shutil

import pytest
import yaml
from conftest import ROOT
from corrupt import read_table

from belarus_china.contract.registry import RegistryError, read_registry
from belarus_china.contract.rules import check_tables

CODED = {"visits": "visit_type", "visit_events": "event_kind", "agreements": "agreement_type"}
# GDELT's labels for the CAMEO codes the mapping uses (CAMEO.eventcodes.txt, see event_codes.yaml `sources`):
# each code's meaning in fields.yaml starts with its official name.
CAMEO_NAMES = {"040": "Consult, not specified below", "042": "Make a visit", "043": "Host a visit",
               "046": "Engage in negotiation", "057": "Sign formal agreement"}


def _registry_copy(tmp_path, edit_file, edit):
    folder = tmp_path / "validation"
    shutil.copytree(ROOT / "validation", folder)
    path = folder / edit_file
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return folder


def test_every_kind_of_visit_event_and_agreement_has_its_codes_declared_once(registry):
    for name, source in CODED.items():
        role = registry[name].event_codes
        assert role is not None and role.source == source
        assert set(role.mapping) == set(registry[name].column(source).enum)
        assert set(role.columns) <= set(registry[name].column_names)
    visits = registry["visits"].event_codes
    assert visits.codes_for("state_visit") == {"cameo_code": "042", "cameo_host_code": "043",
                                               "plover_event_type": "CONSULT", "plover_mode": "visit"}
    assert registry["agreements"].event_codes.codes_for("position_paper") == {"cameo_code": None,
                                                                               "plover_event_type": None}
    for table in registry:
        for column in table.columns:
            if table.event_codes and column.name in table.event_codes.columns and column.name.startswith("cameo"):
                for code, meaning in (column.enum or {}).items():
                    assert meaning.startswith(CAMEO_NAMES[code]), (code, meaning)


def test_the_built_tables_carry_exactly_the_mapped_codes(built_package, registry):
    for name in CODED:
        frame = read_table(built_package, registry, name)
        role = registry[name].event_codes
        for row in frame.to_dict("records"):
            given = {c: (None if row[c] is None or row[c] != row[c] else row[c]) for c in role.columns}
            assert given == role.codes_for(row[role.source]), row
    visits = read_table(built_package, registry, "visits").set_index("visit_id")
    assert visits.loc["lukashenko-china-2023-02-28", "cameo_code"] == "042"  # CSV keeps the leading zero
    claims = read_table(built_package, registry, "claims")
    assert not claims["field"].isin(["cameo_code", "plover_event_type"]).any()  # derived, never a source's claim


def test_a_code_changed_consistently_with_nothing_else_is_caught_in_frames(built_package, registry):
    frames = {t.name: read_table(built_package, registry, t.name) for t in registry}
    events = frames["visit_events"]
    row = events.index[events["event_kind"] == "talks"][0]
    events.loc[row, "cameo_code"] = "057"   # an allowed code, but not the one talks map to
    problems = [p for p in check_tables(registry, frames, {}) if p.code == "event-code"]
    assert [(p.table, p.column) for p in problems] == [("visit_events", "cameo_code")]
    assert "'057'" in problems[0].message and "'046'" in problems[0].message


@pytest.mark.parametrize("edit_file, edit, message", [
    ("event_codes.yaml", lambda t: t.replace("      plan: {}\n", ""), "map every value of agreement_type"),
    ("event_codes.yaml", lambda t: t.replace('treaty: {cameo_code: "057"', 'treaty: {cameo_code: "999"'),
     "is not among its allowed values"),
    ("event_codes.yaml", lambda t: t.replace("      other: {}\n", "      other: {colour: red}\n"),
     "codes name columns visit_events does not have"),
    ("countries.yaml", lambda t: t.replace("  wikidata: Q184\n", "  wikidata: 184\n"), "is not a Wikidata item id"),
    ("countries.yaml", lambda t: t.replace("  wikidata: Q148\n", ""), "go together"),
])
def test_an_inconsistent_mapping_or_country_is_a_registry_error(tmp_path, edit_file, edit, message):
    with pytest.raises(RegistryError, match=message):
        read_registry(_registry_copy(tmp_path, edit_file, edit))


def test_every_wikidata_id_has_its_source_and_every_country_its_item(built_package, registry):
    actors = read_table(built_package, registry, "actors")
    with_id = actors[actors["wikidata_id"].notna()]
    assert len(with_id) >= 17
    assert with_id["wikidata_source"].notna().all() and actors["wikidata_source"][actors["wikidata_id"].isna()].isna().all()
    known = dict(zip(with_id["actor_id"], with_id["wikidata_id"], strict=True))
    assert known["alexander-lukashenko"] == "Q2866" and known["xi-jinping"] == "Q15031"
    # a government actor named as its state is the state's item, the same as its country's
    countries = registry.country_records
    assert known["government-of-belarus"] == countries["BLR"].wikidata == "Q184"
    assert known["government-of-china"] == countries["CHN"].wikidata == "Q148"  # Q148, not Q29520
    for country in countries.values():
        assert country.wikidata and country.verified_at.startswith("https://")
    codebook = (built_package / "docs/codebook.md").read_text(encoding="utf-8")
    for code, country in countries.items():
        assert f"| `{code}` |" in codebook and f"| {country.wikidata} | <{country.verified_at}> |" in codebook


def test_the_codebook_documents_the_mapping_and_where_it_was_checked(built_package, registry):
    codebook = (built_package / "docs/codebook.md").read_text(encoding="utf-8")
    section = codebook.split("## Event-data codes", 1)[1].split("\n## ", 1)[0]
    assert "| `state_visit` | `042` | `043` | `CONSULT` | `visit` |" in section
    assert "| `signing` | `057` | `SUPPORT` |  |" in section
    spec = yaml.safe_load((ROOT / "validation/event_codes.yaml").read_text(encoding="utf-8"))
    for source in spec["sources"]:
        assert source["link"] in section
        if "github.com" in source["link"]:
            assert "/blob/" in source["link"]  # a repository file: pinned to the commit read
