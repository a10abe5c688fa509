"""One definition per column: every derived schema agrees with the registry."""

from __future__ import annotations

import pytest
import yaml
from conftest import ROOT

from belarus_china.base.codec import arrow_schema, loader_dtype
from belarus_china.contract.registry import RegistryError, read_registry, table_schema
from belarus_china.contract.rules import pandera_schema


def test_derived_schemas_have_the_registry_columns_in_order(registry):
    for table in registry:
        names = table.column_names
        schema = table_schema(table)
        assert [f["name"] for f in schema["fields"]] == names
        assert list(pandera_schema(table).columns) == names
        assert arrow_schema(schema).names == names
        for f in schema["fields"]:
            column = table.column(f["name"])
            assert f["description"] == column.description
            assert f.get("constraints", {}).get("enum") == (list(column.enum) if column.enum else None)
            assert bool(f.get("constraints", {}).get("required")) == table.is_required(column)


def test_every_field_is_used_and_has_its_meaning(registry):
    fields = yaml.safe_load((ROOT / "validation/fields.yaml").read_text(encoding="utf-8"))
    used = {c.name for t in registry for c in t.columns}
    assert set(fields) == used, "a field is defined but no table uses it"
    for table in registry:
        for column in table.columns:
            if column.enum:
                assert all(meaning.strip() for meaning in column.enum.values())


def test_foreign_keys_point_at_primary_keys(registry):
    for table in registry:
        for _column, ref_table, ref_column in table.foreign_keys():
            assert registry[ref_table].primary_key == (ref_column,)
    assert ("speaker_id", "actors", "actor_id") in registry["quotes"].foreign_keys()
    assert all(fk[0] != "visit_id" for fk in registry["visits"].foreign_keys())


def test_enumerations_load_as_categories(registry):
    field = next(f for f in table_schema(registry["sources"])["fields"] if f["name"] == "doc_kind")
    assert list(loader_dtype(field).categories) == ["news", "analysis", "opinion", "video_summary"]


def test_an_inconsistent_registry_is_refused(tmp_path):
    (tmp_path / "fields.yaml").write_text("a:\n  type: text\n  description: x\n", encoding="utf-8")
    (tmp_path / "tables.yaml").write_text("t:\n  title: T\n  description: d\n  primary_key: [a]\n  fields: [a]\n",
                                          encoding="utf-8")
    with pytest.raises(RegistryError, match="type must be one of"):
        read_registry(tmp_path)
