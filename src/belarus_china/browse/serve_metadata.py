"""The Datasette metadata of `belarus-china serve` (metadata.json): titles and descriptions of every table and
column from the column registry (with the meaning of every allowed value), the package's licence and sources,
default facets and sort orders, the canned queries with their choices, and the configuration of the plugins in
datasette_plugins/ (which ids link to which rows, where the viewer pages and the raw texts are).

The package's descriptor is untrusted: only text is taken from it, escaped wherever it goes into HTML, and a URL
only when it is http(s).
"""

from __future__ import annotations

import html
import urllib.parse

from ..base.codec import codec_of
from ..base.rawstore import RAW_FOLDER
from ..contract.registry import Column, Registry, Table
from ..contract.vocabulary import Documents, Sources
from .serve_queries import Choices, canned_queries, choices_html

DB_NAME = "belarus-china"
STATIC = "package"                  # Datasette serves the viewer pages under /package/ (and the raw texts, by plugin)
PLUGIN = "belarus-china"            # the plugins' configuration key (datasette_plugins/)

# Lay the column descriptions out as a compact two-column codebook, so the rows stay in view.
CSS = ("dl.column-descriptions{display:grid;grid-template-columns:max-content 1fr;gap:.1em 1.2em;"
       "font-size:.85em;margin:.5em 0 1em}"
       "dl.column-descriptions dt,dl.column-descriptions dd{margin:0;padding:0}")
CSS_URL = "data:text/css," + urllib.parse.quote(CSS)


def column_description(table: Table, column: Column) -> str:
    """The registry's description, with what a reader of the SQLite table also needs to know."""
    parts = [column.description.rstrip()]
    if not parts[0].endswith("."):
        parts[0] += "."
    if column.unit:
        parts.append(f"Unit: {column.unit}.")
    note = codec_of(column.type).reader_note
    if note:
        parts.append(note.format(delimiter=table.list_delimiter))
    if column.enum:
        parts.append("Values: " + "; ".join(f"{value} = {meaning}" for value, meaning in column.enum.items()) + ".")
    if column.references and column.references[0] != table.name:
        ref_table, ref_column = column.references
        parts.append(f"Each item is a {ref_column} of {ref_table}." if table.is_list(column.name)
                     else f"Links to {ref_table}.{ref_column}.")
    if table.is_required(column):
        parts.append("Never empty.")
    return " ".join(parts)



def plugin_config(registry: Registry) -> dict:
    """The configuration of the links plugin (datasette_plugins/belarus_china_links.py), from the registry:
    which columns point at records, each table's key, which column holds a viewer page, which columns
    reference which table (a list column's items too), which tables' rows a record's page lists."""
    tables = [*registry, *(registry.browse.tables.values() if registry.browse else ())]
    points_at = {t.name: list(t.points_at) for t in tables if t.points_at}
    pairs = sorted({tuple(pair) for pair in points_at.values()})
    refs = [(t, c, ref) for t in [*registry.published, *tables] for c, ref, _ in t.foreign_keys()]
    return {"points_at": points_at, "pairs": [list(pair) for pair in pairs],
            "cited_by": [t.name for t in registry if t.points_at], "references": {c: ref for _, c, ref in refs},
            "lists": sorted({c for t, c, _ in refs if t.is_list(c)}),
            "keys": {t.name: t.primary_key[0] for t in tables if len(t.primary_key) == 1},
            "pages": {Documents.table: Documents.viewer_page} if registry.browse else {},
            "static": f"/{STATIC}/"}


def table_metadata(table: Table) -> dict:
    entry: dict = {
        "title": table.title,
        "description": table.description,
        "columns": {c.name: column_description(table, c) for c in table.columns},
    }
    browse = table.browse
    if browse.get("facets"):
        entry["facets"] = list(browse["facets"])
    if browse.get("sort_desc"):
        entry["sort_desc"] = browse["sort_desc"]
    if browse.get("label_column"):
        entry["label_column"] = browse["label_column"]
    if table.full_text:
        entry.update(fts_table=f"{table.name}_fts", fts_pk="rowid")
    return entry


def raw_text_config() -> dict:
    """Where the raw-text plugin (datasette_plugins/belarus_china_raw_text.py) finds a document's text: the
    database's documents table, by the raw_path of its sources row. The texts are served from the database,
    never as files: a package's file never reaches a folder Datasette serves."""
    return {"folder": RAW_FOLDER,
            "sql": f'SELECT d."{Documents.text}" FROM "{Documents.table}" AS d JOIN "{Sources.table}" AS s '
                   f'ON s."{Sources.id}" = d."{Documents.id}" WHERE s."{Sources.raw_path}" = :path'}


def safe_url(value) -> str:
    """`value` if it is an http(s) URL with a host, else "": a URL from a package becomes a link in every
    page footer, and a `javascript:` or `data:` one would run in the reader's browser."""
    if not isinstance(value, str):
        return ""
    parsed = urllib.parse.urlsplit(value.strip())
    return value.strip() if parsed.scheme in ("http", "https") and parsed.netloc else ""


def package_text(value) -> str:
    """`value` if it is text, else "" (a field of an untrusted descriptor may be anything)."""
    return value if isinstance(value, str) else ""


def viewer_index_url() -> str:
    from ..publish.viewer import INDEX

    return f"/{STATIC}/{INDEX}"


def metadata(registry: Registry, package_descriptor: dict, database: str = DB_NAME,
             choices: dict[str, dict[str, Choices]] | None = None) -> dict:
    """Datasette metadata (metadata.json) for the SQLite export of a package (its descriptor untrusted:
    only text is taken from it, and a URL only when it is http(s)). `choices` (from `query_choices`)
    lists the values a canned query's parameter can take, as links."""
    licences = package_descriptor.get("licenses")
    licence = licences[0] if isinstance(licences, list) and licences and isinstance(licences[0], dict) else {}
    documents = package_descriptor.get("sources")
    documents = documents if isinstance(documents, list) else []
    # The documents themselves are listed, with publisher, author and checksum, in the sources table.
    source = f"{len(documents)} source documents, kept verbatim under raw/ (see the sources table)"
    title = package_text(package_descriptor.get("title")) or package_text(package_descriptor.get("name")) or DB_NAME
    description = package_text(package_descriptor.get("description"))
    version = package_text(package_descriptor.get("version"))
    queries = canned_queries(registry)
    for name, options in (choices or {}).items():
        queries[name]["description_html"] = choices_html(queries[name]["description"], options, database)
    tables = {table.name: table_metadata(table) for table in registry.published}
    if registry.browse:
        tables.update({table.name: table_metadata(table) for table in registry.browse.tables.values()})
    viewer = (f'<p>Every document with its excerpts highlighted: <a href="{viewer_index_url()}">the evidence '
              f"viewer</a> (one page per document; the {Documents.table} table links each to its page). Full-text "
              "search finds any spelling of a name (Lukashenka, Lukashenko, …).</p>")
    return {
        "title": title,
        "description": description,
        "description_html": f"<p>{html.escape(description)}</p>{viewer}",
        "license": package_text(licence.get("name")),
        "license_url": safe_url(licence.get("path")),
        "source": source,
        "source_url": f"/{database}/{Sources.table}",
        "extra_css_urls": [CSS_URL],
        "about": f"{package_text(package_descriptor.get('name')) or DB_NAME} data package" + (f" v{version}" if version else ""),
        "databases": {
            database: {
                "title": title,
                "description": description,
                "description_html": f"<p>{html.escape(description)}</p>{viewer}",
                "tables": tables,
                "queries": queries,
            }
        },
        "plugins": {PLUGIN: {**plugin_config(registry), "raw_text": raw_text_config()}},
    }
