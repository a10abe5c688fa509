"""The column registry: validation/fields.yaml and validation/tables.yaml, read once.

Every column is defined once in fields.yaml; tables.yaml lists which columns each table has.
Table Schemas (for datapackage.json) are derived here; pyarrow types and pandas dtypes are
derived from a Table Schema in `types.py`, pandera schemas in `contract.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from . import paths

FIELD_TYPES = ("string", "integer", "number", "boolean", "date", "list")
LIST_DELIMITER = " | "
FIELD_KEYS = {
    "type", "description", "unit", "required", "pattern", "minimum", "maximum",
    "min_length", "enum", "check", "references", "example",
}
TABLE_KEYS = {"title", "description", "primary_key", "fields", "rules", "merge"}
RULE_KEYS = {"has_evidence", "ordered", "precision_of"}


class RegistryError(ValueError):
    """The registry files themselves are inconsistent."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    unit: str | None = None
    required: bool = False
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    min_length: int | None = None
    enum: dict[str, str] | None = None
    check: str | None = None
    references: tuple[str, str] | None = None
    example: str | None = None


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    primary_key: tuple[str, ...]
    columns: tuple[Column, ...]
    has_evidence: bool = False
    ordered: tuple[str, str] | None = None
    precision_of: str | None = None
    claim_groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    curator_only: tuple[str, ...] = ()

    @property
    def mergeable(self) -> bool:
        """Several documents may describe the same record (see tables.yaml `merge`)."""
        return bool(self.claim_groups or self.curator_only)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    def is_required(self, column: Column) -> bool:
        return column.required or column.name in self.primary_key

    def foreign_keys(self) -> list[tuple[str, str, str]]:
        """(column, referenced table, referenced column), except a table's own primary key."""
        keys = []
        for c in self.columns:
            if c.references and c.references[0] != self.name:
                keys.append((c.name, *c.references))
        return keys


@dataclass(frozen=True)
class Registry:
    tables: dict[str, Table] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Table:
        return self.tables[name]

    def __iter__(self):
        return iter(self.tables.values())

    @property
    def names(self) -> list[str]:
        return list(self.tables)


def _column(name: str, spec: dict) -> Column:
    unknown = set(spec) - FIELD_KEYS
    if unknown:
        raise RegistryError(f"fields.yaml: {name}: unknown keys {sorted(unknown)}")
    if spec.get("type") not in FIELD_TYPES:
        raise RegistryError(f"fields.yaml: {name}: type must be one of {FIELD_TYPES}, not {spec.get('type')!r}")
    if not spec.get("description"):
        raise RegistryError(f"fields.yaml: {name}: a description is required")
    references = None
    if "references" in spec:
        table, _, column = str(spec["references"]).partition(".")
        references = (table, column)
    enum = spec.get("enum")
    if enum is not None and not isinstance(enum, dict):
        raise RegistryError(f"fields.yaml: {name}: enum must map each value to its meaning")
    example = spec.get("example")
    return Column(
        name=name,
        type=spec["type"],
        description=" ".join(str(spec["description"]).split()),
        unit=spec.get("unit"),
        required=bool(spec.get("required", False)),
        pattern=spec.get("pattern"),
        minimum=spec.get("minimum"),
        maximum=spec.get("maximum"),
        min_length=spec.get("min_length"),
        enum={str(k): str(v) for k, v in enum.items()} if enum else None,
        check=spec.get("check"),
        references=references,
        example=None if example is None else str(example),
    )


def _table(name: str, spec: dict, columns: dict[str, Column]) -> Table:
    unknown = set(spec) - TABLE_KEYS
    if unknown:
        raise RegistryError(f"tables.yaml: {name}: unknown keys {sorted(unknown)}")
    missing = [f for f in spec["fields"] if f not in columns]
    if missing:
        raise RegistryError(f"tables.yaml: {name}: fields not defined in fields.yaml: {missing}")
    pk = tuple(spec["primary_key"])
    if not set(pk) <= set(spec["fields"]):
        raise RegistryError(f"tables.yaml: {name}: primary key {pk} is not among its fields")
    rules = spec.get("rules") or {}
    merge = spec.get("merge") or {}
    merged_columns = [c for cols in (merge.get("groups") or {}).values() for c in cols] + list(merge.get("curator_only") or [])
    if not set(merged_columns) <= set(spec["fields"]):
        raise RegistryError(f"tables.yaml: {name}: merge names columns it does not have")
    if set(rules) - RULE_KEYS:
        raise RegistryError(f"tables.yaml: {name}: unknown rules {sorted(set(rules) - RULE_KEYS)}")
    return Table(
        name=name,
        title=spec["title"],
        description=" ".join(spec["description"].split()),
        primary_key=pk,
        columns=tuple(columns[f] for f in spec["fields"]),
        has_evidence=bool(rules.get("has_evidence", False)),
        ordered=tuple(rules["ordered"]) if "ordered" in rules else None,
        precision_of=rules.get("precision_of"),
        claim_groups={g: tuple(cols) for g, cols in (merge.get("groups") or {}).items()},
        curator_only=tuple(merge.get("curator_only") or ()),
    )


def read_registry(directory: Path) -> Registry:
    fields = yaml.safe_load((directory / "fields.yaml").read_text(encoding="utf-8"))
    tables = yaml.safe_load((directory / "tables.yaml").read_text(encoding="utf-8"))
    columns = {name: _column(name, spec) for name, spec in fields.items()}
    registry = Registry({name: _table(name, spec, columns) for name, spec in tables.items()})
    for table in registry:
        for column, ref_table, ref_column in table.foreign_keys():
            if ref_table not in registry.tables or registry[ref_table].primary_key != (ref_column,):
                raise RegistryError(f"{table.name}.{column} references {ref_table}.{ref_column}, which is no primary key")
    return registry


@lru_cache(maxsize=None)
def load_registry(directory: str | None = None) -> Registry:
    return read_registry(Path(directory) if directory else paths.registry_dir())


# --- Table Schema (Data Package v2) -------------------------------------------------------

def field_descriptor(table: Table, column: Column) -> dict:
    descriptor: dict = {"name": column.name, "type": column.type, "description": column.description}
    if column.type == "list":
        descriptor.update(delimiter=LIST_DELIMITER, itemType="string")
    if column.type == "date":
        descriptor["format"] = "default"
    if column.example is not None:
        descriptor["example"] = column.example
    if column.unit:
        descriptor["unit"] = column.unit
    constraints: dict = {}
    if table.is_required(column):
        constraints["required"] = True
    if table.primary_key == (column.name,):
        constraints["unique"] = True
    if column.pattern:
        constraints["pattern"] = column.pattern
    if column.minimum is not None:
        constraints["minimum"] = column.minimum
    if column.maximum is not None:
        constraints["maximum"] = column.maximum
    if column.min_length is not None:
        constraints["minLength"] = column.min_length
    if column.enum:
        constraints["enum"] = list(column.enum)
        descriptor["categories"] = [{"value": v, "label": meaning} for v, meaning in column.enum.items()]
    if constraints:
        descriptor["constraints"] = constraints
    return descriptor


def table_schema(table: Table) -> dict:
    """The Table Schema of `table`; foreign keys point at the resources named after the tables."""
    schema: dict = {
        "fields": [field_descriptor(table, c) for c in table.columns],
        "missingValues": [""],
        "primaryKey": list(table.primary_key),
    }
    # A list column's items are checked by the contract; Table Schema foreign keys cannot express that.
    foreign = [
        {"fields": [column], "reference": {"resource": ref_table, "fields": [ref_column]}}
        for column, ref_table, ref_column in table.foreign_keys() if table.column(column).type != "list"
    ]
    if foreign:
        schema["foreignKeys"] = foreign
    return schema
