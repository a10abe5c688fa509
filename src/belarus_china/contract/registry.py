"""The column registry: validation/fields.yaml, tables.yaml, conventions.yaml (and views.yaml, the
derived tables; queries.yaml, the Datasette canned queries; countries.yaml, the names and Wikidata ids
of countries; event_codes.yaml, the CAMEO and PLOVER codes of each kind of visit, event and agreement;
package.yaml, the package metadata; browse.yaml, what the SQLite database has beside the published tables:
the spellings full-text search widens to, and its own tables `documents` and `evidence_in_context`), read
once. No other module reads validation/*.yaml.

Every column is defined once in fields.yaml; tables.yaml lists which columns each table has, its
keys and row rules, and the roles the code reads from there (which curation section feeds a table,
which columns the build fills in, which columns hold a value's as-reported words, which rows point
at a record of any table, full-text columns, Datasette facets); conventions.yaml holds what is
package-wide (the list delimiter). Table Schemas for datapackage.json are derived here; Arrow and
pandas types in `base.codec`; pandera schemas in `contract.rules`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from dataclasses import fields as dataclass_fields
from functools import cache, cached_property
from pathlib import Path

import pandas as pd
import yaml

from ..base import paths
from ..base.codec import CODECS, TYPE_NAMES, codec_of
from .checks import WIKIDATA_QID, domain_check
from .export_spec import EventExport, ExportSpecError, read_export
from .vocabulary import Export

FIELD_KEYS = {
    "type", "description", "unit", "required", "pattern", "minimum", "maximum",
    "min_length", "enum", "check", "references", "example", "shown_as", "verbatim", "enum_words",
}
TABLE_KEYS = {"title", "description", "primary_key", "fields", "rules", "merge", "curation", "points_at", "words",
              "full_text", "browse", "window", "period", "translation", "lookalike"}
RULE_KEYS = {"has_evidence", "ordered", "together"}
SHOWN_AS = {"place", "country", "actor", "language_name"}
CURATION_KEYS = {"section", "one_per_file", "shared_file", "filled_by_build", "default_by_build"}
# What the build can fill a column with (tables.yaml `curation.filled_by_build`).
BUILD_FILLS = {"document_path", "document_sha256", "document_length", "document_source", "document_language"}
WORDS_KINDS = {"quantity": {"number", "qualifier", "unit_column", "parser"}, "change": {"number"}, "label": {"of"}}
BROWSE_KEYS = {"facets", "sort_desc", "label_column", "fact_label", "search_actors"}
COUNTRY_KEYS = {"names", "wikidata", "verified_at"}
EVENT_CODE_KEYS = {"from", "codes"}
SOURCE_KEYS = {"title", "link", "checked"}


VIEW_KEYS = {"title", "description", "from", "union", "directed_events", "primary_key", "order_by", "columns"}
# A view column's derivation (views.yaml): the key that names its kind, and the keys it may have besides.
VIEW_DERIVATIONS = {"via": {"take"}, "cited_by": {"take", "order_by", "distinct"}, "country_name": set(),
                    "table_name": set(), "key": set(), "first_of": set()}
UNION_ONLY = {"table_name", "key", "first_of"}


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
    shown_as: str | None = None
    verbatim: bool = False      # the document's own words: must lie inside an excerpt of the record
    # Each allowed value's words, in any language (fields.yaml `enum_words`: value -> language -> words): a
    # supporting excerpt must say one of them, or the value is a marked inference.
    enum_words: dict[str, tuple[str, ...]] | None = None

    @property
    def digits_as_text(self) -> bool:
        """A text column whose values are made of digits (a code such as CAMEO's `042`): a CSV reader that
        guesses types would read it as a number and drop its leading zeros. Derived from the allowed values
        (or, without them, the example), so a new code column is found without being listed anywhere."""
        shown = list(self.enum or ()) or ([self.example] if self.example else [])
        return self.type == "string" and bool(shown) and all(str(value).isdigit() for value in shown)


@dataclass(frozen=True)
class WindowRole:
    """The columns of a row's main date as a window (tables.yaml `window`)."""
    earliest: str
    latest: str
    precision: str
    edtf: str
    words: str
    anchor: str | None = None
    day: str | None = None          # the day, when fixed (a single date)
    first: str | None = None        # a stay's first and last day, when fixed
    last: str | None = None
    duration: str | None = None
    within: str | None = None       # the column naming the record whose window contains this one

    @property
    def stay(self) -> bool:
        return self.first is not None

    @property
    def columns(self) -> list[str]:
        return [c for c in (self.earliest, self.latest, self.precision, self.edtf, self.words, self.anchor, self.day,
                            self.first, self.last, self.duration) if c]

    @property
    def derived(self) -> list[str]:
        """Columns the build always fills in from the window."""
        return [c for c in (self.precision, self.edtf, self.day, self.first, self.last) if c]

    @property
    def bounds(self) -> list[str]:
        return [self.earliest, self.latest]


@dataclass(frozen=True)
class PeriodRole:
    start: str
    end: str
    words: str
    anchor: str | None = None


@dataclass(frozen=True)
class TranslationRole:
    """A text that may be printed in any language, with its English translation (tables.yaml `translation`)."""
    text: str
    language: str           # the language the text is printed in
    translation: str        # its English translation, when that language is not English
    by: str                 # who made the translation (the document itself, or the curator)


@dataclass(frozen=True)
class LookalikeRole:
    """When two records of a table look like one thing described twice (tables.yaml `lookalike`): every
    `same` column equal (lists as sets), no `compatible` column stated differently, overlapping date
    windows when `window`, and one `overlapping_text` inside the other."""
    same: tuple[str, ...] = ()
    compatible: tuple[str, ...] = ()
    window: bool = False
    overlapping_text: str | None = None


def _keys(role: type) -> set[str]:
    """The tables.yaml keys of a role: its dataclass fields (a window's keys are the role's columns)."""
    return {f.name for f in dataclass_fields(role)}


@dataclass(frozen=True)
class Words:
    """A column holding the document's own words for a value, and the columns the words determine."""
    column: str
    kind: str                       # quantity | change | label
    targets: dict[str, str]         # role (number, qualifier, unit_column, of) -> column
    parser: str | None = None       # a quantity's parser when its unit does not name one (count)
    required: bool = False          # a number given needs these words (a figure's value as printed)

    @property
    def determines(self) -> set[str]:
        """The columns the words give (not the unit they are read in)."""
        return {column for role, column in self.targets.items() if role != "unit_column"}


@dataclass(frozen=True)
class EventCodes:
    """A table's event-data codes (event_codes.yaml): the column holding the row's kind, and for each kind
    the code of each code column (a column a kind leaves out is empty for it). Filled in by the build,
    checked by validation."""
    source: str                                   # the kind column (visit_type, event_kind, ...)
    columns: tuple[str, ...]                      # the code columns, in the table's order
    mapping: dict[str, dict[str, str]]            # kind -> code column -> code

    def codes_for(self, kind) -> dict[str, str | None]:
        """Every code column's code for a kind (None where the kind has none, or is unknown)."""
        given = self.mapping.get(kind, {}) if isinstance(kind, str) else {}
        return {column: given.get(column) for column in self.columns}


@dataclass(frozen=True)
class Country:
    """countries.yaml: how the documents name a country, and its Wikidata id with where it was verified."""
    code: str
    names: tuple[str, ...]
    wikidata: str | None = None
    verified_at: str | None = None


@dataclass(frozen=True)
class CodeSource:
    """event_codes.yaml `sources`: a codebook the codes were checked against, and what it confirmed."""
    title: str
    link: str
    checked: str


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    primary_key: tuple[str, ...]
    columns: tuple[Column, ...]
    has_evidence: bool = False
    ordered: tuple[str, str] | None = None
    together: tuple[tuple[str, ...], ...] = ()    # columns present together or not at all
    window: WindowRole | None = None
    period: PeriodRole | None = None
    claim_groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    curator_only: tuple[str, ...] = ()
    section: str | None = None                    # the curation files' section that feeds the table
    one_per_file: bool = False                    # one record per document file (its `source`)
    shared_file: str | None = None                # a curation file of its own (actors.yaml)
    filled_by_build: dict[str, str] = field(default_factory=dict)
    default_by_build: dict[str, str] = field(default_factory=dict)   # filled in only when the curator leaves it out
    translation: TranslationRole | None = None
    lookalike: LookalikeRole | None = None
    points_at: tuple[str, str] | None = None      # (table column, record id column): rows about a record of any table
    words: tuple[Words, ...] = ()
    full_text: tuple[str, ...] = ()
    browse: dict = field(default_factory=dict)
    list_delimiter: str = " | "                   # conventions.yaml, copied here so a schema needs only its table
    event_codes: EventCodes | None = None         # event_codes.yaml: CAMEO and PLOVER codes from the row's kind

    @property
    def computed_columns(self) -> set[str]:
        """Columns the build fills in and a curator never writes: document facts, a window's derived
        columns and the event-data codes."""
        computed = set(self.filled_by_build) | set(self.window.derived if self.window else [])
        return computed | set(self.event_codes.columns if self.event_codes else ())

    @property
    def mergeable(self) -> bool:
        """Several documents may describe the same record (see tables.yaml `merge`)."""
        return bool(self.claim_groups or self.curator_only)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def words_columns(self) -> set[str]:
        """Columns holding a document's words (and anchors) rather than values."""
        found = {w.column for w in self.words}
        for role in (self.window, self.period):
            if role is not None:
                found |= {c for c in (role.words, role.anchor, getattr(role, "duration", None)) if c}
        return found

    def determined_by(self, name: str) -> set[str]:
        """The words (and anchor and duration) columns whose reading gives column `name`."""
        found = {w.column for w in self.words if name in w.determines}
        window = self.window
        if window is not None and name in (window.earliest, window.latest, window.day, window.first, window.last,
                                           window.anchor, window.duration):
            found |= {c for c in (window.words, window.anchor, window.duration) if c}
        period = self.period
        if period is not None and name in (period.start, period.end):
            found |= {c for c in (period.words, period.anchor) if c}
        return found

    def words_for(self, name: str) -> str | None:
        """The column holding the document's words for column `name` (not its anchor or duration)."""
        for rule in self.words:
            if name in rule.determines:
                return rule.column
        window = self.window
        if window is not None and name in (window.earliest, window.latest, window.day, window.first, window.last):
            return window.words
        period = self.period
        if period is not None and name in (period.start, period.end):
            return period.words
        return None

    @property
    def verbatim_columns(self) -> set[str]:
        """Columns holding the document's own words: every words column (not an anchor, which names a
        record) and every column fields.yaml marks `verbatim`."""
        anchors = {role.anchor for role in (self.window, self.period) if role is not None and role.anchor}
        return (self.words_columns - anchors) | {c.name for c in self.columns if c.verbatim}

    @cached_property
    def _by_name(self) -> dict[str, Column]:
        # The row-by-row rules look a column up for every claim (200k+ at scale): a dict, not a scan.
        return {c.name: c for c in self.columns}

    def column(self, name: str) -> Column:
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"{self.name} has no column {name!r}") from None

    def is_required(self, column: Column) -> bool:
        return column.required or column.name in self.primary_key

    def is_list(self, name: str) -> bool:
        return codec_of(self.column(name).type).is_list

    def is_date(self, name: str) -> bool:
        return self.column(name).type == codec_of("date").name

    def foreign_keys(self) -> list[tuple[str, str, str]]:
        """(column, referenced table, referenced column), except a table's own primary key."""
        keys = []
        for c in self.columns:
            if c.references and c.references[0] != self.name:
                keys.append((c.name, *c.references))
        return keys


@dataclass(frozen=True)
class ViewColumn:
    """How a view's column is made from the tables (views.yaml)."""
    name: str
    kind: str                        # column | via | cited_by | country_name | table_name | key | first_of
    columns: tuple[str, ...] = ()    # column, via, country_name: the column read; first_of: the candidates
    table: str | None = None         # via: the referenced table; cited_by: the citing table
    take: str | None = None          # via, cited_by: the column taken from that table's rows
    order_by: tuple[str, ...] = ()   # cited_by: the order of the listed values
    distinct: bool = False           # cited_by: each value once


@dataclass(frozen=True)
class View:
    """A derived table (views.yaml): how it is made, and `table`, its schema as a table (columns with their
    definitions, primary key), which everything that writes or checks files uses as it uses a table."""
    table: Table
    tables: tuple[str, ...]          # the table it is built on, or the tables of its union, in order
    union: bool
    columns: tuple[ViewColumn, ...]
    order_by: tuple[str, ...]
    directed: bool = False           # the event export: GDELT rows made by contract.event_export (event_codes.yaml)

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def derived_from(self) -> list[str]:
        """Every table the view reads, in registry order of first use."""
        used = list(self.tables)
        if self.directed:
            return used + [Export.actors, Export.sources, Export.evidence]
        for column in self.columns:
            if column.table and column.table not in used:
                used.append(column.table)
        return used


@dataclass(frozen=True)
class Browse:
    """browse.yaml: what the SQLite database has beside the published tables (full-text search that knows
    every spelling, the documents, excerpts in context)."""
    spellings_table: str
    spellings_columns: tuple[str, ...]     # the columns of spellings_table holding its rows' names
    search_column: Column                 # the hidden column of every full-text index holding those names
    context_chars: int
    tables: dict[str, Table] = field(default_factory=dict)


@dataclass(frozen=True)
class Registry:
    tables: dict[str, Table] = field(default_factory=dict)
    fields: dict[str, Column] = field(default_factory=dict)
    list_delimiter: str = " | "
    queries: dict[str, dict] = field(default_factory=dict)   # queries.yaml: Datasette canned queries
    views: dict[str, View] = field(default_factory=dict)      # views.yaml: derived tables
    browse: Browse | None = None                              # browse.yaml: the SQLite database's own tables

    def __getitem__(self, name: str) -> Table:
        return self.tables[name]

    def __iter__(self):
        return iter(self.tables.values())

    @property
    def names(self) -> list[str]:
        return list(self.tables)

    def section_tables(self) -> dict[str, Table]:
        """Curation section name -> the table it feeds."""
        return {t.section: t for t in self if t.section}

    countries: dict[str, tuple[str, ...]] = field(default_factory=dict)  # countries.yaml: code -> names
    country_records: dict[str, Country] = field(default_factory=dict)   # countries.yaml: code -> names and Wikidata id
    event_code_sources: tuple[CodeSource, ...] = ()                    # event_codes.yaml `sources`: where codes were checked
    event_export: EventExport | None = None                            # event_codes.yaml `export`: GDELT rows of the codes

    @property
    def published(self) -> list[Table]:
        """Every table the package publishes: the registry's tables, then the views' tables."""
        return [*self.tables.values(), *(view.table for view in self.views.values())]

    def precision_order(self, table: Table) -> list[str]:
        """A table's date precisions from finest to coarsest: the order of its precision column's enum."""
        if table.window is None:
            return []
        return list(table.column(table.window.precision).enum or {})


def _column(name: str, spec: dict) -> Column:
    unknown = set(spec) - FIELD_KEYS
    if unknown:
        raise RegistryError(f"fields.yaml: {name}: unknown keys {sorted(unknown)}")
    if spec.get("type") not in TYPE_NAMES:
        raise RegistryError(f"fields.yaml: {name}: type must be one of {TYPE_NAMES}, not {spec.get('type')!r}")
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
        shown_as=_shown_as(name, spec.get("shown_as")),
        verbatim=bool(spec.get("verbatim", False)),
        enum_words=_enum_words(name, spec.get("enum_words"), enum),
    )


def _enum_words(name: str, spec, enum) -> dict[str, tuple[str, ...]] | None:
    """value -> every language's words for it; every allowed value is listed (with none, it is always inferred)."""
    if spec is None:
        return None
    if not isinstance(spec, dict) or not enum or set(spec) != set(enum):
        raise RegistryError(f"fields.yaml: {name}: enum_words must list every allowed value of enum")
    words = {}
    for value, by_language in spec.items():
        if not isinstance(by_language, dict) or not all(isinstance(w, list) for w in by_language.values()):
            raise RegistryError(f"fields.yaml: {name}: enum_words of {value!r} must map a language to a list of words")
        words[str(value)] = tuple(str(w) for ws in by_language.values() for w in ws)
    return words


def _shown_as(name: str, value) -> str | None:
    if value is not None and value not in SHOWN_AS:
        raise RegistryError(f"fields.yaml: {name}: shown_as must be one of {sorted(SHOWN_AS)}")
    return value


def _words(name: str, spec: dict | None, fields: list[str]) -> tuple[Words, ...]:
    found = []
    for column, rule in (spec or {}).items():
        rule = dict(rule or {})
        kind = rule.pop("kind", None)
        parser = rule.pop("parser", None)
        required = rule.pop("required", False) is True
        if kind not in WORDS_KINDS or set(rule) - WORDS_KINDS[kind]:
            raise RegistryError(f"tables.yaml: {name}: words of {column}: kind must be one of {sorted(WORDS_KINDS)} "
                                f"with keys among {sorted(WORDS_KINDS.get(kind, set()))}")
        if column not in fields or not set(rule.values()) <= set(fields):
            raise RegistryError(f"tables.yaml: {name}: words of {column} name columns the table does not have")
        found.append(Words(column, kind, rule, parser, required))
    return tuple(found)


def _role(name: str, key: str, spec: dict | None, keys: set[str], kind, fields: list[str]):
    if spec is None:
        return None
    if set(spec) - keys:
        raise RegistryError(f"tables.yaml: {name}: unknown {key} keys {sorted(set(spec) - keys)}")
    if not set(spec.values()) <= set(fields):
        raise RegistryError(f"tables.yaml: {name}: {key} names columns the table does not have")
    try:
        return kind(**spec)
    except TypeError as exc:
        raise RegistryError(f"tables.yaml: {name}: {key}: {exc}") from None


def _lookalike(name: str, spec: dict | None, fields: list[str], dated: bool) -> LookalikeRole | None:
    if spec is None:
        return None
    if set(spec) - _keys(LookalikeRole):
        raise RegistryError(f"tables.yaml: {name}: unknown lookalike keys {sorted(set(spec) - _keys(LookalikeRole))}")
    same, compatible = tuple(spec.get("same") or ()), tuple(spec.get("compatible") or ())
    text = spec.get("overlapping_text")
    if not set(same) | set(compatible) | ({text} if text else set()) <= set(fields):
        raise RegistryError(f"tables.yaml: {name}: lookalike names columns the table does not have")
    if spec.get("window") and not dated:
        raise RegistryError(f"tables.yaml: {name}: lookalike compares windows, but the table has none")
    return LookalikeRole(same, compatible, bool(spec.get("window")), text)


def _table(name: str, spec: dict, columns: dict[str, Column], list_delimiter: str) -> Table:
    unknown = set(spec) - TABLE_KEYS
    if unknown:
        raise RegistryError(f"tables.yaml: {name}: unknown keys {sorted(unknown)}")
    missing = [f for f in spec["fields"] if f not in columns]
    if missing:
        raise RegistryError(f"tables.yaml: {name}: fields not defined in fields.yaml: {missing}")
    fields = list(spec["fields"])
    pk = tuple(spec["primary_key"])
    if not set(pk) <= set(fields):
        raise RegistryError(f"tables.yaml: {name}: primary key {pk} is not among its fields")
    rules = spec.get("rules") or {}
    merge = spec.get("merge") or {}
    merged_columns = [c for cols in (merge.get("groups") or {}).values() for c in cols] + list(merge.get("curator_only") or [])
    if not set(merged_columns) <= set(fields):
        raise RegistryError(f"tables.yaml: {name}: merge names columns it does not have")
    if set(rules) - RULE_KEYS:
        raise RegistryError(f"tables.yaml: {name}: unknown rules {sorted(set(rules) - RULE_KEYS)}")
    curation = spec.get("curation") or {}
    if set(curation) - CURATION_KEYS:
        raise RegistryError(f"tables.yaml: {name}: unknown curation keys {sorted(set(curation) - CURATION_KEYS)}")
    filled = dict(curation.get("filled_by_build") or {})
    defaults = dict(curation.get("default_by_build") or {})
    for key, mapping in (("filled_by_build", filled), ("default_by_build", defaults)):
        if not set(mapping) <= set(fields) or not set(mapping.values()) <= BUILD_FILLS:
            raise RegistryError(f"tables.yaml: {name}: {key} must map its columns to one of {sorted(BUILD_FILLS)}")
    window = _role(name, "window", spec.get("window"), _keys(WindowRole), WindowRole, fields)
    period = _role(name, "period", spec.get("period"), _keys(PeriodRole), PeriodRole, fields)
    translation = _role(name, "translation", spec.get("translation"), _keys(TranslationRole), TranslationRole, fields)
    lookalike = _lookalike(name, spec.get("lookalike"), fields, window is not None)
    points_at = tuple(spec["points_at"]) if spec.get("points_at") else None
    browse = dict(spec.get("browse") or {})
    if set(browse) - BROWSE_KEYS:
        raise RegistryError(f"tables.yaml: {name}: unknown browse keys {sorted(set(browse) - BROWSE_KEYS)}")
    together = [c for pair in rules.get("together") or () for c in pair]
    for role_columns in (points_at or (), spec.get("full_text") or (), rules.get("ordered") or (), together):
        if not set(role_columns) <= set(fields):
            raise RegistryError(f"tables.yaml: {name}: a rule or role names columns the table does not have")
    return Table(
        name=name,
        title=spec["title"],
        description=" ".join(spec["description"].split()),
        primary_key=pk,
        columns=tuple(columns[f] for f in fields),
        has_evidence=bool(rules.get("has_evidence", False)),
        ordered=tuple(rules["ordered"]) if "ordered" in rules else None,
        together=tuple(tuple(pair) for pair in rules.get("together") or ()),
        window=window,
        period=period,
        claim_groups={g: tuple(cols) for g, cols in (merge.get("groups") or {}).items()},
        curator_only=tuple(merge.get("curator_only") or ()),
        section=curation.get("section"),
        one_per_file=bool(curation.get("one_per_file", False)),
        shared_file=curation.get("shared_file"),
        filled_by_build=filled,
        default_by_build=defaults,
        translation=translation,
        lookalike=lookalike,
        points_at=points_at,
        words=_words(name, spec.get("words"), fields),
        full_text=tuple(spec.get("full_text") or ()),
        browse=browse,
        list_delimiter=list_delimiter,
    )


def _view_column(view: str, entry, tables: list[Table], union: bool, registry: Registry) -> tuple[ViewColumn, Column]:
    """One entry of a view's `columns`: how it is made, and its definition."""
    where = f"views.yaml: {view}"
    if isinstance(entry, str):
        holders = [t for t in tables if entry in t.column_names]
        if not holders:
            raise RegistryError(f"{where}: no table of the view has a column {entry!r}")
        column = registry.fields[entry]
        required = len(holders) == len(tables) and all(t.is_required(t.column(entry)) for t in holders)
        return ViewColumn(entry, "column", (entry,)), replace(column, required=required)
    if not isinstance(entry, dict) or len(entry) != 1:
        raise RegistryError(f"{where}: a column is a column name or a mapping of one name to its derivation")
    ((name, spec),) = entry.items()
    spec = dict(spec or {})
    description = spec.pop("description", None)
    kinds = [k for k in spec if k in VIEW_DERIVATIONS]
    if len(kinds) != 1:
        raise RegistryError(f"{where}: {name}: say how it is made with one of {sorted(VIEW_DERIVATIONS)}")
    kind = kinds[0]
    if set(spec) - {kind} - VIEW_DERIVATIONS[kind]:
        raise RegistryError(f"{where}: {name}: unknown keys {sorted(set(spec) - {kind} - VIEW_DERIVATIONS[kind])}")
    if kind in UNION_ONLY and not union:
        raise RegistryError(f"{where}: {name}: {kind} is for a view over a union of tables")
    if kind != "cited_by" and kind not in UNION_ONLY and union:
        raise RegistryError(f"{where}: {name}: {kind} is for a view built on one table")
    base = tables[0]
    unit = None
    enum: dict[str, str] | None = None
    if kind == "via":
        through = base.column(str(spec["via"])) if spec["via"] in base.column_names else None
        if through is None or not through.references:
            raise RegistryError(f"{where}: {name}: via must name a foreign key column of {base.name}")
        target_name, _ = through.references
        target = registry[target_name]
        taken = target.column(str(spec["take"]))
        many = codec_of(through.type).is_list
        if many and (codec_of(taken.type).is_list or not target.is_required(taken)):
            raise RegistryError(f"{where}: {name}: a list of ids can only take a required single value")
        made = ViewColumn(name, kind, (through.name,), target.name, taken.name)
        kind_type = through.type if many else taken.type
        unit, enum = taken.unit, None if many else taken.enum
        generated = (f"`{target.name}.{taken.name}` of each `{through.name}` item, in the same order: " if many else
                     f"`{target.name}.{taken.name}` of the `{through.name}` row: ") + taken.description
    elif kind == "cited_by":
        citing = registry.tables.get(str(spec["cited_by"]))
        if citing is None or not citing.points_at:
            raise RegistryError(f"{where}: {name}: cited_by must name a table that points at records (points_at)")
        if any(len(t.primary_key) != 1 for t in tables):
            raise RegistryError(f"{where}: {name}: cited_by needs tables with a one-column primary key")
        taken = citing.column(str(spec["take"]))
        order = tuple(spec.get("order_by") or citing.primary_key)
        if codec_of(taken.type).is_list or not set(order) <= set(citing.column_names):
            raise RegistryError(f"{where}: {name}: cited_by takes a single-valued column and orders by its columns")
        made = ViewColumn(name, kind, (), citing.name, taken.name, order, bool(spec.get("distinct", False)))
        kind_type = next(t for t, c in CODECS.items() if c.is_list)
        generated = (f"`{citing.name}.{taken.name}` of every `{citing.name}` row that cites this row, "
                     f"ordered by {', '.join(order)}{', each value once' if made.distinct else ''}: "
                     + taken.description)
    elif kind == "country_name":
        column = base.column(str(spec["country_name"]))
        made = ViewColumn(name, kind, (column.name,))
        kind_type = column.type
        generated = f"Name of the country whose ISO 3166-1 alpha-3 code `{column.name}` holds (validation/countries.yaml)."
    elif kind == "table_name":
        made = ViewColumn(name, kind)
        kind_type, enum = registry.fields[tables[0].primary_key[0]].type, {t.name: t.title for t in tables}
        generated = "The table the row comes from: " + ", ".join(f"`{t.name}`" for t in tables) + "."
    elif kind == "key":
        if any(len(t.primary_key) != 1 for t in tables):
            raise RegistryError(f"{where}: {name}: key needs tables with a one-column primary key")
        made = ViewColumn(name, kind)
        kind_type = tables[0].column(tables[0].primary_key[0]).type
        generated = "The row's primary key in its table: " + ", ".join(f"`{t.name}.{t.primary_key[0]}`" for t in tables) + "."
    else:  # first_of
        candidates = tuple(str(c) for c in spec["first_of"])
        picked = {t.name: next((c for c in candidates if c in t.column_names), None) for t in tables}
        types = {registry.fields[c].type for c in picked.values() if c}
        if None in picked.values() or len(types) != 1:
            raise RegistryError(f"{where}: {name}: every table needs one of {list(candidates)}, all of one type")
        made = ViewColumn(name, kind, candidates)
        kind_type = types.pop()
        merged: dict[str, str] = {}
        for candidate in dict.fromkeys(picked.values()):
            merged.update({k: v for k, v in (registry.fields[str(candidate)].enum or {}).items() if k not in merged})
        enum = merged or None
        generated = "The row's " + ", ".join(f"`{c}` ({t})" for t, c in picked.items()) + "."
    if name in registry.fields:
        column = registry.fields[name]
        if column.type != kind_type:
            raise RegistryError(f"{where}: {name} is a field of type {column.type}, but the view makes a {kind_type}")
        required = kind == "key" or (kind == "table_name")
        column = replace(column, required=required)
    else:
        column = Column(name=name, type=kind_type, description=generated, unit=unit, enum=enum)
    if description:
        column = replace(column, description=" ".join(str(description).split()))
    return made, column


def _view(name: str, spec: dict, registry: Registry) -> View:
    where = f"views.yaml: {name}"
    if name in registry.tables or set(spec) - VIEW_KEYS or not spec.get("title") or not spec.get("description"):
        raise RegistryError(f"{where}: a view has a name no table has, a title, a description, and keys among "
                            f"{sorted(VIEW_KEYS)}")
    if "directed_events" in spec:
        return _directed_view(name, spec, registry)
    union = "union" in spec
    if union == ("from" in spec):
        raise RegistryError(f"{where}: a view is built on one table (`from`), on a `union` of tables or, as the "
                            f"event export, on `directed_events`")
    names = list(spec["union"]) if union else [spec["from"]]
    unknown = [t for t in names if t not in registry.tables]
    if unknown or not names:
        raise RegistryError(f"{where}: built on tables the registry does not define: {unknown}")
    tables = [registry[t] for t in names]
    made = [_view_column(name, entry, tables, union, registry) for entry in spec.get("columns") or []]
    columns = tuple(column for _, column in made)
    column_names = [c.name for c in columns]
    if len(set(column_names)) != len(column_names):
        raise RegistryError(f"{where}: a column name is used twice")
    primary_key = tuple(spec.get("primary_key") or ([] if union else tables[0].primary_key))
    order_by = tuple(spec.get("order_by") or ())
    if not primary_key or not set(primary_key) <= set(column_names) or not set(order_by) <= set(column_names):
        raise RegistryError(f"{where}: the primary key and order_by must name columns of the view")
    table = Table(name=name, title=spec["title"], description=" ".join(str(spec["description"]).split()),
                  primary_key=primary_key, columns=columns, list_delimiter=registry.list_delimiter)
    return View(table=table, tables=tuple(names), union=union, columns=tuple(m for m, _ in made), order_by=order_by)


def _directed_view(name: str, spec: dict, registry: Registry) -> View:
    """The event export (`directed_events`: the tables with event codes it writes as GDELT rows); each column is a
    field of fields.yaml, made by contract.event_export."""
    where = f"views.yaml: {name}"
    names = list(spec["directed_events"] or [])
    if "from" in spec or "union" in spec or registry.event_export is None:
        raise RegistryError(f"{where}: directed_events is a view of its own, and needs event_codes.yaml `export`")
    if not names or sorted(names) != sorted(registry.event_export.directions):
        raise RegistryError(f"{where}: directed_events lists the tables event_codes.yaml `export` directs: "
                            f"{sorted(registry.event_export.directions)}")
    entries = list(spec.get("columns") or [])
    unknown = [c for c in entries if not isinstance(c, str) or c not in registry.fields]
    if unknown or len(set(entries)) != len(entries):
        raise RegistryError(f"{where}: every column is a field of fields.yaml, once (not: {unknown})")
    primary_key = tuple(spec.get("primary_key") or ())
    order_by = tuple(spec.get("order_by") or ())
    if not primary_key or not set(primary_key) | set(order_by) <= set(entries):
        raise RegistryError(f"{where}: the primary key and order_by must name columns of the view")
    columns = tuple(replace(registry.fields[c], required=c in primary_key) for c in entries)
    table = Table(name=name, title=spec["title"], description=" ".join(str(spec["description"]).split()),
                  primary_key=primary_key, columns=columns, list_delimiter=registry.list_delimiter)
    made = tuple(ViewColumn(c, "column", (c,)) for c in entries)
    return View(table=table, tables=tuple(names), union=False, columns=made, order_by=order_by, directed=True)


def _export(spec, built: dict[str, Table], countries: set[str]) -> EventExport | None:
    if spec is None:
        return None
    coded = {name: (tuple(c for c in t.event_codes.columns if c.startswith("cameo")),
                    tuple(t.column(t.event_codes.source).enum or {}))
             for name, t in built.items() if t.event_codes}
    codes = {code for t in built.values() if t.event_codes for kinds in t.event_codes.mapping.values()
             for column, code in kinds.items() if column.startswith("cameo")}
    try:
        return read_export(spec, coded, codes, countries)
    except ExportSpecError as exc:
        raise RegistryError(f"event_codes.yaml: {exc}") from None


def _read(directory: Path, name: str):
    path = directory / name
    if not path.is_file():
        raise RegistryError(f"the registry file {name} is missing from {directory}")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _qid(where: str, value) -> str:
    if not isinstance(value, str) or not bool(domain_check(WIKIDATA_QID, pd.Series([value])).iloc[0]):
        raise RegistryError(f"{where}: {value!r} is not a Wikidata item id")
    return value


def _countries(spec: dict) -> dict[str, Country]:
    countries = {}
    for code, entry in spec.items():
        where = f"countries.yaml: {code}"
        if not isinstance(entry, dict) or set(entry) - COUNTRY_KEYS or not entry.get("names"):
            raise RegistryError(f"{where}: give `names` (and `wikidata` with `verified_at`)")
        qid, source = entry.get("wikidata"), entry.get("verified_at")
        if (qid is None) != (source is None):
            raise RegistryError(f"{where}: `wikidata` and `verified_at` go together (an id and where it was verified)")
        countries[str(code)] = Country(str(code), tuple(entry["names"]), _qid(where, qid) if qid else None,
                                       str(source) if source else None)
    return countries


def _event_codes(spec: dict, tables: dict[str, Table]) -> dict[str, EventCodes]:
    """event_codes.yaml `tables`: each table's kind column and the codes of every kind, checked against the
    columns (every kind of the enumeration mapped; every code a value its column allows)."""
    found = {}
    for name, entry in (spec or {}).items():
        where = f"event_codes.yaml: {name}"
        if name not in tables or not isinstance(entry, dict) or set(entry) != EVENT_CODE_KEYS:
            raise RegistryError(f"{where}: a table of tables.yaml with exactly the keys {sorted(EVENT_CODE_KEYS)}")
        table = tables[name]
        source = entry["from"]
        kinds = table.column(source).enum if source in table.column_names else None
        if not kinds:
            raise RegistryError(f"{where}: `from` must be a column of {name} with an enumeration")
        mapping = {str(kind): {str(c): str(v) for c, v in (codes or {}).items()} for kind, codes in entry["codes"].items()}
        if set(mapping) != set(kinds):
            raise RegistryError(f"{where}: map every value of {source} exactly once (missing "
                                f"{sorted(set(kinds) - set(mapping))}, unknown {sorted(set(mapping) - set(kinds))})")
        used = {c for codes in mapping.values() for c in codes}
        if not used <= set(table.column_names) - {source}:
            raise RegistryError(f"{where}: codes name columns {name} does not have: {sorted(used - set(table.column_names))}")
        for kind, codes in mapping.items():
            for column, code in codes.items():
                allowed = table.column(column).enum
                if allowed is not None and code not in allowed:
                    raise RegistryError(f"{where}: {kind}: {column} {code!r} is not among its allowed values")
        columns = tuple(c for c in table.column_names if c in used)
        found[name] = EventCodes(source, columns, mapping)
    return found


def _code_sources(spec) -> tuple[CodeSource, ...]:
    sources = []
    for entry in spec or ():
        if not isinstance(entry, dict) or set(entry) != SOURCE_KEYS:
            raise RegistryError(f"event_codes.yaml: every source has exactly the keys {sorted(SOURCE_KEYS)}")
        sources.append(CodeSource(**{key: " ".join(str(value).split()) for key, value in entry.items()}))
    return tuple(sources)


def read_registry(directory: Path) -> Registry:
    columns = {name: _column(name, spec) for name, spec in _read(directory, "fields.yaml").items()}
    tables = _read(directory, "tables.yaml")
    delimiter = _read(directory, "conventions.yaml")["list_delimiter"]
    queries = _read(directory, "queries.yaml")
    country_records = _countries(_read(directory, "countries.yaml"))
    countries = {code: country.names for code, country in country_records.items()}
    built = {name: _table(name, spec, columns, delimiter) for name, spec in tables.items()}
    event_spec = _read(directory, "event_codes.yaml")
    for name, codes in _event_codes(event_spec.get("tables"), built).items():
        built[name] = replace(built[name], event_codes=codes)
    registry = Registry(built, fields=columns, list_delimiter=delimiter, queries=queries, countries=countries,
                        country_records=country_records, event_code_sources=_code_sources(event_spec.get("sources")),
                        event_export=_export(event_spec.get("export"), built, set(countries)))
    if (directory / "views.yaml").is_file():
        views = _read(directory, "views.yaml") or {}
        registry.views.update({name: _view(name, spec, registry) for name, spec in views.items()})
    if (directory / "browse.yaml").is_file():
        registry = replace(registry, browse=_browse(_read(directory, "browse.yaml"), registry))
    for table in [*registry, *(registry.browse.tables.values() if registry.browse else ())]:
        for column, ref_table, ref_column in table.foreign_keys():
            if ref_table not in registry.tables or registry[ref_table].primary_key != (ref_column,):
                raise RegistryError(f"{table.name}.{column} references {ref_table}.{ref_column}, which is no primary key")
        if table.points_at:
            targets = set(table.column(table.points_at[0]).enum or {})
            if not targets <= set(registry.names):
                raise RegistryError(f"{table.name}.{table.points_at[0]} allows tables the registry does not define")
    return registry


BROWSE_FILE_KEYS = {"spellings", "search_column", "context_chars", "tables"}
BROWSE_TABLE_KEYS = {"title", "description", "primary_key", "fields", "points_at", "full_text"}


def _browse(spec: dict, registry: Registry) -> Browse:
    where = "browse.yaml"
    if not isinstance(spec, dict) or set(spec) != BROWSE_FILE_KEYS:
        raise RegistryError(f"{where}: exactly the keys {sorted(BROWSE_FILE_KEYS)}")
    spellings = spec["spellings"] or {}
    table, names = spellings.get("table"), tuple(spellings.get("columns") or ())
    if table not in registry.tables or not names or not set(names) <= set(registry[table].column_names):
        raise RegistryError(f"{where}: spellings names a table of tables.yaml and some of its columns")
    for other in registry:
        for column in other.browse.get("search_actors") or ():
            if not other.full_text or column not in other.column_names or \
                    (other.column(column).references or ("",))[0] != table:
                raise RegistryError(f"tables.yaml: {other.name}: browse search_actors names columns referencing "
                                    f"{table} of a table with full_text, not {column!r}")
    chars = spec["context_chars"]
    if not isinstance(chars, int) or chars < 0:
        raise RegistryError(f"{where}: context_chars is a count of characters")
    search = spec["search_column"] or {}
    search_column = _column(str(search.get("name")), {"type": "string", "description": search.get("description")})
    tables: dict[str, Table] = {}
    for name, table_spec in (spec["tables"] or {}).items():
        if name in registry.tables or name in registry.views or set(table_spec) - BROWSE_TABLE_KEYS:
            raise RegistryError(f"{where}: {name}: a new table name, with the keys {sorted(BROWSE_TABLE_KEYS)}")
        columns, names_in_order = dict(registry.fields), []
        for item in table_spec["fields"]:
            if isinstance(item, dict):
                ((column_name, column_spec),) = item.items()
                if column_name in registry.fields:
                    raise RegistryError(f"{where}: {name}: {column_name} is defined in fields.yaml already")
                column_spec = {**column_spec, "description": str(column_spec.get("description", "")).format(
                    context_chars=chars)}
                columns[column_name] = _column(column_name, column_spec)
                names_in_order.append(column_name)
            else:
                names_in_order.append(item)
        tables[name] = _table(name, {**table_spec, "fields": names_in_order}, columns, registry.list_delimiter)
    return Browse(table, names, search_column, chars, tables)


@cache
def load_registry(directory: str | None = None) -> Registry:
    return read_registry(Path(directory) if directory else paths.registry_dir())


# --- Table Schema (Data Package v2) -------------------------------------------------------

def field_descriptor(table: Table, column: Column) -> dict:
    descriptor: dict = {"name": column.name, "type": column.type, "description": column.description}
    kind = codec_of(column.type)
    if kind.is_list:
        descriptor["delimiter"] = table.list_delimiter
    descriptor.update(kind.schema_extras)
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
        for column, ref_table, ref_column in table.foreign_keys() if not codec_of(table.column(column).type).is_list
    ]
    if foreign:
        schema["foreignKeys"] = foreign
    return schema


def read_package_metadata(directory: Path) -> dict:
    """validation/package.yaml: the package-level metadata of datapackage.json and CITATION.cff."""
    return _read(directory, "package.yaml")
