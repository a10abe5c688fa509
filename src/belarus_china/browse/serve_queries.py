"""The canned queries of `belarus-china serve` (validation/queries.yaml, with the registry's placeholders filled
in) and the choices their pages offer as links.

Datasette's canned query forms take typed text only, so a query whose parameter names a row of a table
(queries.yaml `choices`) lists rows of that table as links on its page: those for which the query returns rows.
Finding them runs the query once per candidate, so at most `MAX_CHECKED` candidates are checked (the first by
key); a larger table gets a link to itself instead of the rest. Preparing the choices is thus bounded by the
number of lists, never by the rows of a table: one query per row of a large table made start-up quadratic
(12,000 actors and quotes took about 100 s before the server answered).
"""

from __future__ import annotations

import html
import sqlite3
import urllib.parse
from pathlib import Path
from typing import NamedTuple

from ..contract.registry import Registry, Table
from ..contract.vocabulary import Evidence

MAX_CHECKED = 100   # candidates checked per choice list (each check runs the query once)


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def fact_label_sql(table: Table) -> str:
    """SQL naming a row of `table`: the first non-empty of its `browse.fact_label` items (a list of
    columns is joined by ": "), else its primary key."""
    key = " || ' / ' || ".join(f'"{c}"' for c in table.primary_key)
    labels = []
    for item in table.browse.get("fact_label", []):
        columns = item if isinstance(item, list) else [item]
        labels.append(" || ': ' || ".join(f'"{c}"' for c in columns))
    return f"coalesce({', '.join([*labels, key])})"


def searchable(registry: Registry) -> list[Table]:
    """Every table of the SQLite database with a full-text index (tables.yaml and browse.yaml `full_text`)."""
    extra = list(registry.browse.tables.values()) if registry.browse else []
    return [table for table in [*registry, *extra] if table.full_text and len(table.primary_key) == 1]


def _search_union(registry: Registry) -> str:
    """The `search` query's body: one SELECT per full-text index, matching the typed words as one phrase."""
    points_at = registry[Evidence.table].points_at
    assert points_at is not None
    branches = []
    for table in searchable(registry):
        fts = f'"{table.name}_fts"'
        branches.append(
            f"SELECT {sql_string(table.name)} AS {points_at[0]}, t.\"{table.primary_key[0]}\" AS {points_at[1]}, "
            f"snippet({fts}, 0, '[', ']', '…', 16) AS match, bm25({fts}) AS rank\n"
            f"    FROM {fts} JOIN \"{table.name}\" AS t ON t.rowid = {fts}.rowid\n"
            f"    WHERE {fts} MATCH '\"' || replace(:words, '\"', '\"\"') || '\"'")
    return "\n    UNION ALL\n    ".join(branches)


def canned_queries(registry: Registry) -> dict:
    """Datasette canned queries (validation/queries.yaml), with the registry's placeholders filled in."""
    points_at = registry[Evidence.table].points_at
    assert points_at is not None, "tables.yaml: the evidence table points at records (`points_at`)"
    cited = [name for name in (registry[Evidence.table].column(points_at[0]).enum or {}) if name in registry.tables]
    cases = "\n".join(
        f"    WHEN {sql_string(name)} THEN (SELECT {fact_label_sql(registry[name])} FROM \"{name}\" "
        f"WHERE \"{registry[name].primary_key[0]}\" = e.{points_at[1]})"
        for name in cited if len(registry[name].primary_key) == 1
    )
    fill = {"delimiter": sql_string(registry.list_delimiter), "fact_cases": cases,
            "search_union": _search_union(registry)}
    queries = {}
    for name, query in registry.queries.items():
        sql = query["sql"].format(**fill)
        for parameter, table in (query.get("choices") or {}).items():
            if f":{parameter}" not in sql or table not in registry.tables or len(registry[table].primary_key) != 1:
                raise ValueError(f"queries.yaml: {name}: choices of :{parameter} name a table of tables.yaml "
                                 "with a one-column key")
        queries[name] = {"title": query["title"], "description": " ".join(query["description"].split()), "sql": sql}
    return queries


class Choices(NamedTuple):
    options: list[tuple[str, str]]   # (value, label) of each checked row for which the query returns rows
    total: int                       # the rows of the table (only the first MAX_CHECKED are checked)
    table: str

    @property
    def truncated(self) -> bool:
        return self.total > MAX_CHECKED


def without_order(sql: str) -> str:
    """`sql` without its outermost ORDER BY (and what follows it): whether a query returns rows does not depend on
    their order, and a sort makes SQLite compute every row before the first (a whole join per candidate)."""
    depth, quote, cut = 0, "", None
    upper = sql.upper()
    for i, char in enumerate(sql):
        if quote:
            quote = "" if char == quote else quote  # a doubled quote closes and reopens: the same
        elif char in "'\"":
            quote = char
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif depth == 0 and upper.startswith("ORDER BY", i) and (i == 0 or not (upper[i - 1].isalnum() or
                                                                               upper[i - 1] == "_")):
            cut = i
    return sql[:cut] if cut is not None else sql


def _choices(connection: sqlite3.Connection, table: Table, sql: str, parameter: str) -> Choices:
    key = f'"{table.primary_key[0]}"'
    label = f'"{table.browse["label_column"]}"' if table.browse.get("label_column") else fact_label_sql(table)
    total = connection.execute(f'SELECT count(*) FROM "{table.name}"').fetchone()[0]
    candidates = connection.execute(
        f'SELECT {key}, {label} FROM "{table.name}" ORDER BY {key} LIMIT {MAX_CHECKED}').fetchall()
    exists = f"SELECT 1 FROM ({without_order(sql)}) LIMIT 1"
    options = [(str(value), str(text if text is not None else value)) for value, text in candidates
               if connection.execute(exists, {parameter: value}).fetchone()]
    return Choices(options, total, table.name)


def query_choices(registry: Registry, database: Path) -> dict[str, dict[str, Choices]]:
    """query -> parameter -> the rows of the table queries.yaml `choices` names for it for which the query
    returns rows, among the first MAX_CHECKED of that table (Datasette's forms take typed text only: these
    become links)."""
    queries = canned_queries(registry)
    found: dict[str, dict[str, Choices]] = {}
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        for name, query in registry.queries.items():
            for parameter, table_name in (query.get("choices") or {}).items():
                found.setdefault(name, {})[parameter] = _choices(connection, registry[table_name],
                                                                 queries[name]["sql"], parameter)
    finally:
        connection.close()
    return found


def choices_html(description: str, choices: dict[str, Choices], database: str) -> str:
    """The query's description and its choices as links; every text from the package escaped."""
    parts = [f"<p>{html.escape(description)}</p>"]
    for parameter, found in choices.items():
        links = "".join(f'<li><a href="?{html.escape(urllib.parse.urlencode({parameter: value}))}">'
                        f"{html.escape(label)}</a> <code>{html.escape(value)}</code></li>"
                        for value, label in found.options)
        rest = ""
        if found.truncated:
            table_url = f"/{urllib.parse.quote(database)}/{urllib.parse.quote(found.table)}"
            rest = (f"<p>Only the first {MAX_CHECKED} of the {found.total:,} rows of {html.escape(found.table)} "
                    f'were checked; <a href="{html.escape(table_url)}">the {html.escape(found.table)} table</a> '
                    f"lists them all (type a key into the form).</p>")
        parts.append(f"<details open><summary>Choose {html.escape(parameter)} ({len(found.options)} with results)"
                     f"</summary><ul>{links}</ul>{rest}</details>")
    return "".join(parts)
