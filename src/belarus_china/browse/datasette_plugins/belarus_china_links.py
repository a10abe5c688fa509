"""A Datasette plugin, loaded by `belarus-china serve` with `--plugins-dir` (by path: it imports nothing
of the package), that links ids to the rows they name:

- `render_cell`: a column that references another table (a foreign key; Datasette 0.65 shows them as
  plain text on a row page and in a query's results) links to the row it names, and a list column of
  ids (a JSON array in SQLite) links each item; in a row about a record of any table (tables.yaml
  `points_at`: evidence, claims, inferences, renamed_ids, evidence_in_context) and in a canned query's
  row with both columns, the record id links to that record's row in its table; a document's viewer
  page (the `documents` table) links to the page, served as static files;
- a record's row page lists, below the row, the rows of every table that points at it (`cited_by`:
  its evidence, claims, inferences), since a (record_table, record_id) pair is no SQL foreign key and
  Datasette's "Links from other tables" cannot see it (`extra_template_vars` gathers them, and a
  `row.html` that extends Datasette's own shows them).

What to link is not written here: serve derives it from the registry and passes it as this plugin's
configuration in the metadata (`plugins` -> `belarus-china`): `points_at` (table -> [table column, id
column]), `pairs` (the distinct [table column, id column] pairs, for query results), `keys` (table ->
its one-column primary key), `references` (column -> the table it references: every column is defined
once, in fields.yaml), `lists` (the list columns among them), `cited_by` (the tables whose rows point at
records), `pages` (table -> column holding a page path) and `static` (the URL prefix the package files
are served under).
"""

from __future__ import annotations

import json
import urllib.parse

import markupsafe
from datasette import hookimpl
from datasette.utils import escape_sqlite, tilde_encode, urlsafe_components
from jinja2 import ChoiceLoader, DictLoader

PLUGIN = "belarus-china"
CITED_ROWS = 100  # rows of each citing table shown on a record's page (the rest through a link)

# Datasette's own row page, then the rows that point at the record.
ROW_TEMPLATE = """{% extends "default:row.html" %}
{% block content %}
{{ super() }}
{% for cited in belarus_china_cited %}
<h2 id="cited-{{ cited.table }}">{{ cited.title }} ({{ "{:,}".format(cited.total) }})</h2>
<p>The {{ cited.table }} rows about this record{% if cited.total > cited.rows|length %}, the first
{{ cited.rows|length }}{% endif %}: <a href="{{ cited.link }}">as a table</a> (facets, CSV, JSON).</p>
<div class="table-wrapper"><table class="rows-and-columns cited-{{ cited.table }}">
<thead><tr>{% for column in cited.columns %}<th scope="col">{{ column }}</th>{% endfor %}</tr></thead>
<tbody>{% for row in cited.rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>{% endfor %}</tbody>
</table></div>
{% endfor %}
{% endblock %}
"""


def _column_value(row, column):
    try:
        return row[column]
    except (IndexError, KeyError, TypeError):
        return None


def _row_link(datasette, database: str, table: str, value: str):
    href = datasette.urls.row(database, table, tilde_encode(value))
    return markupsafe.Markup('<a href="{}" title="{} row">{}</a>').format(href, table, value)


def _items(value) -> list[str] | None:
    """A list column's JSON array of text, or None if `value` is not one."""
    try:
        items = json.loads(value)
    except ValueError:
        return None
    return items if isinstance(items, list) and all(isinstance(i, str) for i in items) else None


def link_cell(config: dict, datasette, database: str, table: str | None, column: str, value, row=None):
    """The linked HTML of one cell, or None to leave it to Datasette."""
    if not isinstance(value, str) or not value:
        return None
    pairs = [config.get("points_at", {}).get(table)] if table else config.get("pairs", [])
    for pair in pairs:
        if not pair or column != pair[1]:
            continue
        target = _column_value(row, pair[0])
        if target in config.get("keys", {}):
            return _row_link(datasette, database, target, value)
    target = config.get("references", {}).get(column)
    if target in config.get("keys", {}) and config["keys"].get(table) != column:
        if column not in config.get("lists", []):
            return _row_link(datasette, database, target, value)
        items = _items(value)
        if items is not None:
            return markupsafe.Markup(", ").join(_row_link(datasette, database, target, item) for item in items)
    if table and config.get("pages", {}).get(table) == column and config.get("static"):
        parts = value.split("/")
        if all(part and part not in (".", "..") for part in parts) and value.endswith(".html"):
            href = config["static"] + "/".join(urllib.parse.quote(part) for part in parts)
            return markupsafe.Markup('<a href="{}">evidence viewer page</a>').format(href)
    return None


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    config = datasette.plugin_config(PLUGIN, database=database) or {}
    return link_cell(config, datasette, database, table, column, value, row)


@hookimpl
def prepare_jinja2_environment(env, datasette):
    env.loader = ChoiceLoader([DictLoader({"row.html": ROW_TEMPLATE}), env.loader])


async def cited_rows(datasette, database: str, table: str, record_id: str) -> list[dict]:
    """For each table of `cited_by` with rows about the record `table`/`record_id`: its title, count, a link to
    them all and the first CITED_ROWS of them (without the pointer columns), each cell linked as in a table."""
    config = datasette.plugin_config(PLUGIN, database=database) or {}
    db = datasette.get_database(database)
    found = []
    for name in config.get("cited_by", []):
        pair = config.get("points_at", {}).get(name)
        if not pair:
            continue
        where = f"{escape_sqlite(pair[0])} = :table AND {escape_sqlite(pair[1])} = :id"
        params = {"table": table, "id": record_id}
        count = (await db.execute(f"SELECT count(*) FROM {escape_sqlite(name)} WHERE {where}", params)).first()[0]
        if not count:
            continue
        result = await db.execute(f"SELECT * FROM {escape_sqlite(name)} WHERE {where} ORDER BY rowid "
                                  f"LIMIT {CITED_ROWS}", params)
        columns = [c for c in result.columns if c not in pair]
        key = config.get("keys", {}).get(name)
        rows = [[(_row_link(datasette, database, name, row[c]) if c == key and isinstance(row[c], str)
                  else link_cell(config, datasette, database, name, c, row[c], row) or
                  ("" if row[c] is None else row[c])) for c in columns] for row in result.rows]
        query = urllib.parse.urlencode({pair[0]: table, pair[1]: record_id})
        title = (datasette.table_metadata(database, name) or {}).get("title") or name
        found.append({"table": name, "title": title, "total": count, "columns": columns, "rows": rows,
                      "link": f"{datasette.urls.table(database, name)}?{query}"})
    return found


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    if view_name != "row" or not table or request is None:
        return {"belarus_china_cited": []}

    async def gather():
        config = datasette.plugin_config(PLUGIN, database=database) or {}
        keys = urlsafe_components(request.url_vars.get("pks", ""))
        if table not in config.get("keys", {}) or len(keys) != 1:
            return {"belarus_china_cited": []}
        return {"belarus_china_cited": await cited_rows(datasette, database, table, keys[0])}

    return gather
