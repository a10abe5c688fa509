"""One definition per column: every derived schema agrees with the registry."""

from __future__ import annotations

import shutil

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
    used = {c.name for t in registry.published for c in t.columns}
    assert set(fields) <= used and set(fields) >= {c.name for t in registry for c in t.columns}, \
        "a field is defined but no table or view uses it"
    for table in registry:
        for column in table.columns:
            if column.enum:
                assert all(meaning.strip() for meaning in column.enum.values())


def test_foreign_keys_point_at_primary_keys(registry):
    for table in registry:
        for _column, ref_table, ref_column in table.foreign_keys():
            assert registry[ref_table].primary_key == (ref_column,)
    assert ("speaker_ids", "actors", "actor_id") in registry["quotes"].foreign_keys()
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


# --- one place for every name ---------------------------------------------------------------------

SRC = ROOT / "src" / "belarus_china"
# The documented vocabulary modules: the only places besides validation/*.yaml where registry names
# (or words that are also registry values) are written, each for the reason its docstring gives.
VOCABULARY_MODULES = {
    "contract/vocabulary.py",     # the registry names the code refers to
    "contract/words.py",          # what words mean; returns qualifiers, units and precisions of the registry
    "contract/number_languages.py",  # like words.py: the qualifiers its words give, in other languages
    "contract/quotations.py",     # its tables' language codes (`no`, Norwegian, is also an answer)
    "contract/date_languages.py",  # CLDR's names of its date fields (`day`, `month`, `year`), not our columns
    "contract/checks.py",         # the registry's named checks (`check:`), one named like a column
    "curate/file_format.py",      # the curation file format's keys (`excerpt`, `supports`, `reason`)
    "curate/audit_patterns.py",   # the audit's kinds of candidate (`count`)
    "publish/web_annotation_terms.py",  # keys of the W3C Web Annotation model that are also our names (`exact`, `language`)
    "loader.py",                  # the ground layer may not import contract.vocabulary: the evidence and sources
                                  # columns its helpers read, checked against the vocabulary below
}
# Keys of the Data Package and Table Schema standards (and the hash algorithm's name), which some
# of our columns happen to share: `name`, `title`, `unit`, `value` (of a category), `sources`, `sha256`.
STANDARD_KEYS = {"name", "title", "unit", "value", "sources", "sha256"}


def _registry_names(registry) -> set[str]:
    names = set(registry.names) | {c.name for t in registry for c in t.columns}
    names |= {value for t in registry for c in t.columns for value in (c.enum or {})}
    # browse.yaml's own columns (its table names are English words too: "documents" is said in charts' prose)
    names |= {name for t in registry.browse.tables.values() for name in t.column_names}
    return names - STANDARD_KEYS


def _string_literals(path):
    import ast

    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    tree = ast.parse(text)
    # A word of another vocabulary that happens to be spelt like a column (Croissant's "field" and "url",
    # ASGI's "raw_path") is marked on its line, so every other literal is still caught.
    return {(node.value, node.lineno) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and NOT_A_COLUMN not in lines[node.lineno - 1]}


NOT_A_COLUMN = "# another vocabulary's word, not a column"


def test_no_registry_name_is_written_in_src_outside_the_vocabulary_modules(registry):
    names = _registry_names(registry)
    found = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        if relative in VOCABULARY_MODULES:
            continue
        found += [f"{relative}:{line}: {value!r}" for value, line in _string_literals(path) if value in names]
    assert found == [], "registry names written in code (use contract.vocabulary or a registry role):\n" + "\n".join(found)


def test_the_grep_finds_a_registry_name_where_one_is_written(registry, tmp_path):
    """The check above is not vacuous: a module naming a column is caught, unless its line is marked."""
    module = tmp_path / "m.py"
    module.write_text(f'FRAME_COLUMN = "excerpt"\nKEY = "field"  {NOT_A_COLUMN}\n', encoding="utf-8")
    assert {value for value, _ in _string_literals(module)} & _registry_names(registry) == {"excerpt"}


def test_every_vocabulary_name_is_in_the_registry(registry):
    from belarus_china.contract import vocabulary

    for namespace in vocabulary.NAMESPACES:
        table = registry[namespace.table]
        values = {v for c in table.columns for v in (c.enum or {})}
        for attribute, name in vars(namespace).items():
            if attribute.startswith("_") or attribute == "table":
                continue
            assert name in table.column_names or name in values, f"{namespace.__name__}.{attribute} = {name!r}"
    for namespace in vocabulary.BROWSE_NAMESPACES:  # the SQLite database's own tables (browse.yaml)
        table = registry.browse.tables[namespace.table]
        for attribute, name in vars(namespace).items():
            if not attribute.startswith("_") and attribute != "table":
                assert name in table.column_names, f"{namespace.__name__}.{attribute} = {name!r}"


def test_the_loaders_names_are_the_vocabularys():
    from belarus_china import loader
    from belarus_china.contract.vocabulary import Evidence, Sources

    assert (loader.EVIDENCE, loader.EVIDENCE_KEY, loader.EXCERPT, loader.START, loader.END) == (
        Evidence.table, Evidence.id, Evidence.excerpt, Evidence.char_start, Evidence.char_end)
    assert (loader.SOURCES, loader.SOURCE_KEY, loader.RAW_PATH, loader.SHA256) == (
        Sources.table, Sources.id, Sources.raw_path, Sources.sha256)
    assert loader.SOURCE_KEY == Evidence.source_id


def test_the_words_vocabulary_gives_only_registry_values(registry):
    from belarus_china.contract import words

    qualifiers = set(registry["trade_figures"].column("value_qualifier").enum)
    assert {q for _, q in words._QUALIFIERS} | {"exact"} <= qualifiers
    from belarus_china.contract.number_languages import QUALIFIERS
    assert {q for phrases in QUALIFIERS.values() for q in phrases.values()} <= qualifiers
    units = set(registry["trade_figures"].column("unit").enum)
    for unit in units:
        try:
            words.parse_quantity("1", unit)
        except words.NormaliseError as exc:
            assert "no parser for unit" not in str(exc), unit
    from belarus_china.contract import dates

    precisions = list(registry["visits"].column("date_precision").enum)
    assert list(dates.PRECISIONS) == precisions  # the derivation gives exactly the registry's values, finest first
    assert registry.precision_order(registry["visits"]) == precisions


def test_every_role_names_columns_of_its_table(registry):
    for table in registry:
        for words_rule in table.words:
            assert {words_rule.column, *words_rule.targets.values()} <= set(table.column_names), table.name
        for column in (*table.full_text, *(table.points_at or ()), *table.filled_by_build):
            assert column in table.column_names, (table.name, column)
        for key in ("facets",):
            assert set(table.browse.get(key, [])) <= set(table.column_names), table.name
    sections = registry.section_tables()
    assert len({t.name for t in sections.values()}) == len(sections)


def test_search_actors_must_name_columns_referencing_the_spellings_table(tmp_path):
    """tables.yaml `browse: search_actors` (a quotation found by its speakers' names) names actor references only."""
    folder = tmp_path / "validation"
    shutil.copytree(ROOT / "validation", folder)
    tables = (folder / "tables.yaml").read_text(encoding="utf-8")
    assert "search_actors: [speaker_ids]" in tables
    assert read_registry(folder)["quotes"].browse["search_actors"] == ["speaker_ids"]
    for bad in ("text", "visit_id", "no_such_column"):  # not a reference, a reference elsewhere, no column
        (folder / "tables.yaml").write_text(tables.replace("search_actors: [speaker_ids]", f"search_actors: [{bad}]"),
                                            encoding="utf-8")
        with pytest.raises(RegistryError, match="search_actors"):
            read_registry(folder)
