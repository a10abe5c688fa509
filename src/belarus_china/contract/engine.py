"""The reference rules, column-wise: SQL on an embedded engine (DuckDB) over Arrow tables, the SQL
generated from the registry's declarations (`Table.foreign_keys`, `has_evidence`, `points_at`).

- foreign-key: every value of a column that references another table's column (every item of a list
  column) is a value of that column;
- no-evidence: every record of a table that needs evidence is cited by an evidence row;
- record-reference: a row that points at a record of another table (a table name and a record id)
  points at one that exists.

Each rule is one anti-join, so it is linear in the rows and runs inside the engine (a problem becomes a
Python object only when it is found). The statements are plain SQL over tables of text: the same statements
run on a distributed engine (see benchmarks/README.md, "The rules on an engine").

Each table is registered with the columns the rules read, its row position (`_row`, the order problems
are reported in) and its record label (`_record`, the primary key as `record_ids` writes it).
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa

from ..base.problems import Problem
from .registry import Registry, Table
from .vocabulary import Evidence

ROW, RECORD = "_row", "_record"


def quote(name: str) -> str:
    """An SQL identifier (every table and column name comes from the registry, quoted all the same)."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _columns_read(registry: Registry, table: Table) -> list[str]:
    """The columns of `table` the reference rules read."""
    wanted = [column for column, _, _ in table.foreign_keys()]
    for other in registry:
        wanted += [ref_column for _, ref_table, ref_column in other.foreign_keys() if ref_table == table.name]
    if table.points_at:
        wanted += list(table.points_at)
    if table.name == Evidence.table:
        wanted += [Evidence.record_table, Evidence.record_id]
    return list(dict.fromkeys(wanted))


def foreign_key_sql(table: Table, column: str, ref_table: str, ref_column: str) -> str:
    """The values (each item, for a list column) of `column` that are not values of `ref_table.ref_column`."""
    known = f"(SELECT DISTINCT {quote(ref_column)} AS value FROM {quote(ref_table)} WHERE {quote(ref_column)} IS NOT NULL)"
    if table.is_list(column):
        # Items in their order within the row (standard UNNEST ... WITH ORDINALITY, which sqlglot writes for
        # Spark, Trino and BigQuery alike); an empty item is no value of anything, as in the CSV.
        values = (f"(SELECT t.{ROW}, t.{RECORD}, u.value, u.item FROM (SELECT {ROW}, {RECORD}, "
                  f"string_split({quote(column)}, {literal(table.list_delimiter)}) AS items FROM {quote(table.name)} "
                  f"WHERE {quote(column)} IS NOT NULL) AS t CROSS JOIN UNNEST(t.items) WITH ORDINALITY AS u(value, item))")
    else:
        values = (f"(SELECT {ROW}, {RECORD}, {quote(column)} AS value, 1 AS item FROM {quote(table.name)} "
                  f"WHERE {quote(column)} IS NOT NULL)")
    return (f"SELECT v.{RECORD}, v.value FROM {values} AS v ANTI JOIN {known} AS k ON v.value = k.value "
            f"ORDER BY v.{ROW}, v.item")


def no_evidence_sql(table: Table) -> str:
    """The records of `table` that no evidence row cites."""
    cited = (f"(SELECT DISTINCT {quote(Evidence.record_id)} AS record FROM {quote(Evidence.table)} "
             f"WHERE {quote(Evidence.record_table)} = {literal(table.name)})")
    return f"SELECT t.{RECORD} FROM {quote(table.name)} AS t ANTI JOIN {cited} AS c ON t.{RECORD} = c.record ORDER BY t.{ROW}"


def record_reference_sql(registry: Registry, table: Table) -> str:
    """The rows of `table` that name a table of the registry and a record it does not have."""
    assert table.points_at is not None
    table_column, id_column = table.points_at
    known = " UNION ALL ".join(f"SELECT {literal(t.name)} AS target, {RECORD} AS record FROM {quote(t.name)}"
                               for t in registry)
    names = ", ".join(literal(t.name) for t in registry)
    return (f"SELECT p.{RECORD}, p.{quote(table_column)}, p.{quote(id_column)} FROM {quote(table.name)} AS p "
            f"ANTI JOIN ({known}) AS k ON p.{quote(table_column)} = k.target AND p.{quote(id_column)} = k.record "
            f"WHERE p.{quote(table_column)} IN ({names}) ORDER BY p.{ROW}")


class Engine:
    """One DuckDB connection holding the tables the rules read, as Arrow."""

    def __init__(self, registry: Registry, frames: dict[str, pd.DataFrame], ids: dict[str, pd.Series]):
        self.registry = registry
        self.connection = duckdb.connect(":memory:")
        for table in registry:
            frame = frames[table.name]
            columns = {ROW: pa.array(range(len(frame)), type=pa.int64()),
                       RECORD: pa.array(ids[table.name].to_numpy(dtype=object), type=pa.string())}
            for name in _columns_read(registry, table):
                columns[name] = pa.array(frame[name].astype("string"), type=pa.string(), from_pandas=True)
            self.connection.register(table.name, pa.table(columns))

    def rows(self, sql: str) -> list[tuple]:
        return self.connection.execute(sql).fetchall()

    def close(self) -> None:
        self.connection.close()


def check_references(registry: Registry, frames: dict[str, pd.DataFrame], ids: dict[str, pd.Series]) -> list[Problem]:
    """Foreign keys, then the records no evidence cites, then rows pointing at a record that does not exist."""
    engine = Engine(registry, frames, ids)
    problems = []
    try:
        for table in registry:
            for column, ref_table, ref_column in table.foreign_keys():
                for record, value in engine.rows(foreign_key_sql(table, column, ref_table, ref_column)):
                    problems.append(Problem("foreign-key", f"{value!r} is not among {ref_table}.{ref_column}",
                                            table=table.name, record=record, column=column))
        for table in registry:
            if table.has_evidence:
                for (record,) in engine.rows(no_evidence_sql(table)):
                    problems.append(Problem("no-evidence", "no evidence row cites this record", table=table.name,
                                            record=record))
        for table in registry:
            if table.points_at is not None:
                for record, target, value in engine.rows(record_reference_sql(registry, table)):
                    # A missing id is shown as pandas shows it (the message validation always gave).
                    shown = repr(value) if value is not None else "<NA>"
                    problems.append(Problem("record-reference", f"{shown} is not a record of {target}",
                                            table=table.name, record=record, column=table.points_at[1]))
    finally:
        engine.close()
    return problems
