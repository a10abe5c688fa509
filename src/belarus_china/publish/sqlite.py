"""The published package as one SQLite database, for Datasette and anyone with `sqlite3`.

`write_sqlite(package_dir, out_path, registry)` reads every table and view of a published package with
the loader (which checks each Parquet file's size and sha256 first), one at a time, and writes:

- one table per registry table, created from the registry: column types
  (string, date -> TEXT with dates as ISO YYYY-MM-DD; list -> TEXT holding a JSON array of the items,
  checked with json_valid, so that SQL reads the items with json_each and Datasette facets them with
  `_facet_array`; integer -> INTEGER; number -> REAL; boolean -> INTEGER 0/1), NOT NULL for required
  columns, the (possibly composite) PRIMARY KEY, and a FOREIGN KEY clause for every registry reference
  except list columns (SQL cannot reference the items of an array; Datasette's links plugin links them);
  tables are created parents first;
- rows in primary-key order (so rowid follows the key), missing values as NULL, inserted a slice at a
  time (only one table is read at once, and only a slice of it is ever Python tuples);
- an index on every foreign-key column and on the (table, id) pair of rows about a record (`points_at`);
- one table per view (validation/views.yaml), after the tables, created the same way from the view's
  schema, its rows in the published order (a timeline's rows in date order);
- the database's own tables (validation/browse.yaml), after the views: `documents`, one row per source
  document with its full text (read from raw/ through the package's checked reader, `loader` `_checked_text`:
  path checked, no link followed, sha256 compared with the sources table), and `evidence_in_context`,
  every excerpt with the text around it (`loader.context_parts`, the rule `belarus_china.context` uses);
- full-text search that knows every spelling: an FTS5 table `<table>_fts` over each table's `full_text`
  columns (tables.yaml, browse.yaml), rowid = the base row's rowid, holding a copy of the text plus one
  hidden column (browse.yaml `search_column`, `search_terms`) with every spelling of each actor the row
  names by any of its spellings or by id in its `search_actors` columns (tables.yaml `browse`: a
  quotation's speakers) (`search_terms()`; repeated until nothing changes, so the rule holds for
  spellings that contain one another). A search for "Lukashenka" therefore finds exactly the rows a
  search for "Lukashenko" finds, and every quotation he speaks, in Datasette's search box (`?_search=`,
  metadata `fts_table`) and in any SQL `MATCH`. The database is a read-only export, so there are no
  triggers keeping the index in sync.

The file is written in a new private folder beside `out_path` (mkdtemp, so no name in it can have
been planted, and SQLite's own journal goes there too) and moved into place with os.replace, which
replaces whatever is at `out_path` (even a link) rather than writing through it; readers never see
a half-written database. `PRAGMA foreign_key_check` must come back empty,
otherwise nothing is published and ExportError names the dangling references.

Deterministic: yes, for a given SQLite library version. The same package gives a byte-identical
file: the statements, their order and the row order are fixed, nothing records a time or a path,
the page size is set explicitly and the file is VACUUMed at the end. The file header stores the
version number of the SQLite library that wrote it, so a different SQLite may give other bytes
(with the same content).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd

from ..base.codec import codec_of, sqlite_cell, sqlite_type
from ..base.package_source import DataPackageError, PackageSource, open_package
from ..contract.registry import Browse, Registry, Table, field_descriptor
from ..contract.vocabulary import Documents, Evidence, EvidenceInContext, Sources
from ..loader import _checked_text, context_parts, load_from
from .viewer import page_path

FTS_TOKENIZE = "porter unicode61 remove_diacritics 2"
PAGE_SIZE = 4096
ROWS_AT_ONCE = 20_000  # rows turned into SQLite values and inserted together


class ExportError(RuntimeError):
    """The package cannot be written as a consistent SQLite database."""


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sql_foreign_keys(table: Table) -> list[tuple[str, str, str]]:
    """(column, referenced table, referenced column) the SQL schema declares: the registry's, minus list columns."""
    return [fk for fk in table.foreign_keys() if not table.is_list(fk[0])]


def table_order(registry: Registry) -> list[str]:
    """Registry tables in registry order, except that a referenced table always comes before the tables referencing it."""
    needs = {t.name: {ref for _, ref, _ in sql_foreign_keys(t) if ref != t.name} for t in registry}
    order: list[str] = []
    while len(order) < len(needs):
        ready = [name for name in registry.names if name not in order and needs[name] <= set(order)]
        if not ready:
            stuck = sorted(set(needs) - set(order))
            raise ExportError(f"the registry's foreign keys form a cycle among {stuck}")
        order.append(ready[0])
    return order


def create_table_sql(table: Table) -> str:
    lines = []
    for column in table.columns:
        line = f"  {quote_identifier(column.name)} {sqlite_type(field_descriptor(table, column))}"
        if table.is_required(column):
            line += " NOT NULL"
        check = codec_of(column.type).sqlite_check
        if check:
            line += f" CHECK ({check.format(column=quote_identifier(column.name))})"
        lines.append(line)
    lines.append(f"  PRIMARY KEY ({', '.join(quote_identifier(c) for c in table.primary_key)})")
    for name, ref_table, ref_column in sql_foreign_keys(table):
        lines.append(f"  FOREIGN KEY ({quote_identifier(name)}) "
                     f"REFERENCES {quote_identifier(ref_table)} ({quote_identifier(ref_column)})")
    return f"CREATE TABLE {quote_identifier(table.name)} (\n" + ",\n".join(lines) + "\n)"


def index_sql(table: Table) -> list[str]:
    indexed: list[tuple[str, ...]] = [(column,) for column, _, _ in sql_foreign_keys(table)]
    if table.points_at and table.primary_key[:2] != table.points_at:
        indexed.append(table.points_at)
    statements = []
    for columns in indexed:
        if table.primary_key[: len(columns)] == columns:
            continue  # the primary key's own index already serves it
        name = quote_identifier(f"idx_{table.name}_{'_'.join(columns)}")
        statements.append(f"CREATE INDEX {name} ON {quote_identifier(table.name)} "
                          f"({', '.join(quote_identifier(c) for c in columns)})")
    return statements


def fts_sql(table: str, columns: tuple[str, ...], search_column: str) -> tuple[str, str]:
    """(CREATE, INSERT) of the full-text index of `table`: its own copy of the text columns and the
    hidden `search_column` (rowid = the base row's rowid; Datasette is told the index in its metadata)."""
    fts = quote_identifier(f"{table}_fts")
    column_list = ", ".join(quote_identifier(c) for c in (*columns, search_column))
    placeholders = ", ".join("?" for _ in range(len(columns) + 2))
    return (f"CREATE VIRTUAL TABLE {fts} USING FTS5 ({column_list}, tokenize='{FTS_TOKENIZE}')",
            f"INSERT INTO {fts} (rowid, {column_list}) VALUES ({placeholders})")


def spellings(browse: Browse, read: Callable[[str], pd.DataFrame], registry: Registry) -> dict[str, tuple[str, ...]]:
    """Each row of the spellings table (browse.yaml; the actors), in key order: its key -> its names, each once."""
    table = registry[browse.spellings_table]
    frame = read(table.name).sort_values(list(table.primary_key))
    groups = {}
    for _, row in frame.iterrows():
        names: list[str] = []
        for column in browse.spellings_columns:
            value = row[column]
            items = list(value) if table.is_list(column) and value is not None and not isinstance(value, float) else [value]
            names += [str(v) for v in items if isinstance(v, str) and v.strip() and str(v) not in names]
        if names:
            groups[str(row[table.primary_key[0]])] = tuple(names)
    return groups


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def search_terms(texts: list[str], groups: list[tuple[str, ...]], delimiter: str,
                 seeds: list[set[int]] | None = None) -> list[str]:
    """For each text, every spelling of each group (actor) it names by any spelling, as FTS5 itself
    tokenises (same tokenizer: case, diacritics and stems as a search sees them), and of each group its
    `seeds` entry numbers (the actors the row names by id: a quotation's speakers). Repeated over the text
    plus the terms found until nothing changes, so that a row found through one spelling of an actor
    has all of that actor's spellings: any two spellings of one actor find the same rows."""
    named: list[set[int]] = [set(seed) for seed in seeds] if seeds is not None else [set() for _ in texts]
    if len(named) != len(texts):
        raise ValueError("search_terms: one seed per text")

    def terms(found: set[int]) -> str:
        return delimiter.join(name for number in sorted(found) for name in groups[number])

    probe = sqlite3.connect(":memory:")
    try:
        probe.execute(f"CREATE VIRTUAL TABLE probe USING FTS5 (body, tokenize='{FTS_TOKENIZE}')")
        probe.executemany("INSERT INTO probe (rowid, body) VALUES (?, ?)",
                          [(rowid, text + "\n" + terms(named[rowid])) for rowid, text in enumerate(texts)])
        while True:
            changed = set()
            for number, group in enumerate(groups):
                query = " OR ".join(_phrase(name) for name in group)
                for (rowid,) in probe.execute("SELECT rowid FROM probe WHERE probe MATCH ?", (query,)):
                    if number not in named[rowid]:
                        named[rowid].add(number)
                        changed.add(rowid)
            if not changed:
                break
            for rowid in sorted(changed):
                probe.execute("UPDATE probe SET body = ? WHERE rowid = ?", (texts[rowid] + "\n" + terms(named[rowid]),
                                                                            rowid))
        return [terms(found) for found in named]
    finally:
        probe.close()


def browse_frames(browse: Browse, read: Callable[[str], pd.DataFrame], source: PackageSource) -> dict[str, pd.DataFrame]:
    """The frames of the database's own tables (browse.yaml): the documents with their text (read through the
    package's checked reader) and every excerpt in context."""
    documents_table = browse.tables[Documents.table]
    sources = read(Sources.table).sort_values(Sources.id)
    texts: dict[str, str] = {}
    for row in sources.to_dict("records"):
        texts[str(row[Sources.id])] = _checked_text(source, row)  # DataPackageError raw-unreadable, source-checksum
    documents = pd.DataFrame({
        column: ([texts[i] for i in sources[Sources.id]] if column == Documents.text
                 else [page_path(i) for i in sources[Sources.id]] if column == Documents.viewer_page
                 else sources[column].tolist())
        for column in documents_table.column_names})
    evidence = read(Evidence.table).sort_values(Evidence.id)
    parts = []
    for row in evidence.itertuples(index=False):
        text, start, end = texts[getattr(row, Evidence.source_id)], int(getattr(row, Evidence.char_start)), \
            int(getattr(row, Evidence.char_end))
        before, excerpt, after = context_parts(text, start, end, browse.context_chars)
        if excerpt != getattr(row, Evidence.excerpt):  # as `context` reports it
            raise DataPackageError(f"evidence {getattr(row, Evidence.id)!r}: the excerpt is not the document's text "
                                   f"at {start}-{end}", code="excerpt-mismatch")
        parts.append((before, after))
    in_context = {column: evidence[column].tolist() for column in browse.tables[EvidenceInContext.table].column_names
                  if column in evidence.columns}
    in_context[EvidenceInContext.context_before] = [before for before, _ in parts]
    in_context[EvidenceInContext.context_after] = [after for _, after in parts]
    columns = browse.tables[EvidenceInContext.table].column_names
    return {Documents.table: documents, EvidenceInContext.table: pd.DataFrame({c: in_context[c] for c in columns})}


def row_slices(table: Table, frame: pd.DataFrame, *, by_key: bool = True,
               size: int = ROWS_AT_ONCE) -> Iterator[list[tuple]]:
    """The frame's rows as SQLite values in the registry's column order, sorted by primary key (or, not
    `by_key`, in the frame's order), `size` rows at a time: the order is worked out on the key columns
    alone, then each slice of rows is converted as it is inserted."""
    missing = [c for c in table.column_names if c not in frame.columns]
    extra = [c for c in frame.columns if c not in table.column_names]
    if missing or extra:
        raise ExportError(f"table {table.name}: columns differ from the registry "
                          f"(missing {missing}, not in the registry {extra})")
    fields = {c.name: field_descriptor(table, c) for c in table.columns}
    order: list[int] = list(range(len(frame)))
    if by_key:
        keys = [[sqlite_cell(v, fields[c]) for v in frame[c].tolist()] for c in table.primary_key]
        # Stable, on the same key tuples as the rows' own values: the same order as sorting whole rows.
        order.sort(key=lambda r: tuple((k[r] is None, k[r] if k[r] is not None else "") for k in keys))
    for start in range(0, len(order), size):
        part = frame.take(order[start:start + size])
        columns = [[sqlite_cell(v, fields[c.name]) for v in part[c.name].tolist()] for c in table.columns]
        yield list(zip(*columns, strict=True))


def _insert(connection: sqlite3.Connection, table: Table, frame: pd.DataFrame, *, by_key: bool) -> None:
    placeholders = ", ".join("?" for _ in table.columns)
    for rows in row_slices(table, frame, by_key=by_key):
        connection.executemany(f"INSERT INTO {quote_identifier(table.name)} VALUES ({placeholders})", rows)


def _actor_seeds(connection: sqlite3.Connection, table: Table, numbers: dict[str, int]) -> list[set[int]]:
    """For each row of `table` (rowid order), the spellings groups of the actors its `search_actors` columns
    name (tables.yaml `browse`; a list column holds a JSON array of ids)."""
    columns = list(table.browse.get("search_actors") or ())
    if not columns:
        count = connection.execute(f"SELECT count(*) FROM {quote_identifier(table.name)}").fetchone()[0]
        return [set() for _ in range(count)]
    selected = ", ".join(quote_identifier(c) for c in columns)
    seeds = []
    for row in connection.execute(f"SELECT {selected} FROM {quote_identifier(table.name)} ORDER BY rowid"):
        ids = [i for column, value in zip(columns, row, strict=True) if value is not None
               for i in (json.loads(value) if table.is_list(column) else [value])]
        seeds.append({numbers[i] for i in ids if i in numbers})
    return seeds


def _full_text_index(connection: sqlite3.Connection, table: Table, browse: Browse, names: dict[str, tuple[str, ...]],
                     delimiter: str) -> None:
    """The FTS5 index of `table`: a copy of its `full_text` columns and the hidden column of every spelling
    of the actors each row names (in its text, or by id in its `search_actors` columns)."""
    columns = ", ".join(quote_identifier(c) for c in table.full_text)
    rows = connection.execute(f"SELECT rowid, {columns} FROM {quote_identifier(table.name)} "
                              "ORDER BY rowid").fetchall()
    texts = ["\n".join(value or "" for value in row[1:]) for row in rows]
    seeds = _actor_seeds(connection, table, {key: number for number, key in enumerate(names)})
    terms = search_terms(texts, list(names.values()), delimiter, seeds)
    create, insert = fts_sql(table.name, table.full_text, browse.search_column.name)
    connection.execute(create)
    connection.executemany(insert, [(*row, term) for row, term in zip(rows, terms, strict=True)])
    fts = quote_identifier(f"{table.name}_fts")
    connection.execute(f"INSERT INTO {fts} ({fts}) VALUES ('optimize')")


def _populate(connection: sqlite3.Connection, registry: Registry, read: Callable[[str], pd.DataFrame],
              source: PackageSource) -> None:
    """Every table, then every view, then the database's own tables, each read (`read`), inserted and let
    go before the next."""
    connection.execute(f"PRAGMA page_size = {PAGE_SIZE}")
    connection.execute("PRAGMA foreign_keys = OFF")  # checked once, below, with a readable report
    connection.execute("BEGIN")
    try:
        for name in table_order(registry):
            table = registry[name]
            connection.execute(create_table_sql(table))
            _insert(connection, table, read(name), by_key=True)
            for statement in index_sql(table):
                connection.execute(statement)
        for name, view in registry.views.items():
            table = view.table
            connection.execute(create_table_sql(table))
            _insert(connection, table, read(name), by_key=False)
            for statement in index_sql(table):
                connection.execute(statement)
        browse = registry.browse
        assert browse is not None, "validation/browse.yaml: the SQLite database's own tables"
        extra = browse_frames(browse, read, source)
        for name, table in browse.tables.items():
            connection.execute(create_table_sql(table))
            _insert(connection, table, extra.pop(name), by_key=True)
            for statement in index_sql(table):
                connection.execute(statement)
        names = spellings(browse, read, registry)
        for table in [*registry, *browse.tables.values()]:
            if table.full_text:
                _full_text_index(connection, table, browse, names, registry.list_delimiter)
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:  # SQLite has already rolled back after a full disk: the error is what to report
            connection.execute("ROLLBACK")
        raise
    dangling = connection.execute("PRAGMA foreign_key_check").fetchall()
    if dangling:
        shown = "; ".join(f"{t} row {rowid} -> {parent}" for t, rowid, parent, _ in dangling[:20])
        raise ExportError(f"{len(dangling)} dangling foreign key(s): {shown}")
    connection.execute("VACUUM")


def write_sqlite(package_dir, out_path: Path, registry: Registry) -> Path:
    """Write every table of the package at `package_dir` to the SQLite file `out_path`; returns out_path.

    Atomic (temporary file, then os.replace) and deterministic for a given SQLite version (see module doc).
    """
    source = open_package(package_dir)
    try:
        tables, views = set(source.tables()), set(source.views())
        unknown = sorted((tables - set(registry.names)) | (views - set(registry.views)))
        absent = sorted((set(registry.names) - tables) | (set(registry.views) - views))
        if unknown or absent:
            raise ExportError(f"the package's tables differ from the registry (not in the registry: {unknown}; "
                              f"missing from the package: {absent})")
        out_path = Path(out_path)
        out_path.parent.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix=f".{out_path.name}.", dir=out_path.parent))
        try:
            temporary = folder / out_path.name
            connection = sqlite3.connect(temporary, isolation_level=None)  # transactions are explicit
            try:
                _populate(connection, registry, lambda name: load_from(source, name), source)
            finally:
                connection.close()
            os.replace(temporary, out_path)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    finally:
        if source is not package_dir:
            source.close()
    return out_path
