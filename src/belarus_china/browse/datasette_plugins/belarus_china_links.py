"""A Datasette plugin, loaded by `belarus-china serve` with `--plugins-dir` (by path: it imports nothing
of the package), that turns ids into links (`render_cell`):

- in a row about a record of any table (tables.yaml `points_at`: evidence, claims, inferences,
  renamed_ids, evidence_in_context) and in a canned query's row with both columns, the record id links
  to that record's row in its table;
- a document's viewer page (the `documents` table) links to the page, served as static files.

What to link is not written here: serve derives it from the registry and passes it as this plugin's
configuration in the metadata (`plugins` -> `belarus-china`): `points_at` (table -> [table column, id
column]), `pairs` (the distinct [table column, id column] pairs, for query results), `keys` (table ->
its one-column primary key), `pages` (table -> column holding a page path) and `static` (the URL prefix
the package files are served under).
"""

from __future__ import annotations

import urllib.parse

import markupsafe
from datasette import hookimpl
from datasette.utils import tilde_encode

PLUGIN = "belarus-china"


def _column_value(row, column):
    try:
        return row[column]
    except (IndexError, KeyError, TypeError):
        return None


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    config = datasette.plugin_config(PLUGIN, database=database) or {}
    if not isinstance(value, str) or not value:
        return None
    pairs = [config.get("points_at", {}).get(table)] if table else config.get("pairs", [])
    for pair in pairs:
        if not pair or column != pair[1]:
            continue
        target = _column_value(row, pair[0])
        if target in config.get("keys", {}):
            href = datasette.urls.row(database, target, tilde_encode(value))
            return markupsafe.Markup('<a href="{}" title="{} row">{}</a>').format(href, target, value)
    if table and config.get("pages", {}).get(table) == column and config.get("static"):
        parts = value.split("/")
        if all(part and part not in (".", "..") for part in parts) and value.endswith(".html"):
            href = config["static"] + "/".join(urllib.parse.quote(part) for part in parts)
            return markupsafe.Markup('<a href="{}">evidence viewer page</a>').format(href)
    return None
