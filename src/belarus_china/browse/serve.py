"""Browse the package in Datasette: `belarus-china serve` (needs the `serve` extra: datasette).

`serve()` writes the package as SQLite (`publish.sqlite.write_sqlite`: the tables, the views, the
database's own `documents` and `evidence_in_context`, full-text indexes that know every spelling of a
name) and a Datasette metadata file derived from the column registry and datapackage.json (titles,
descriptions of every table and column with the meaning of every allowed value, licence, sources,
default facets and sort orders, canned queries with their choices listed as links, and the
configuration of the links plugin), renders the evidence viewer's pages beside them, then runs Datasette
on a loopback address and waits. `start_server()` does the same in the background and returns once the
server answers; `stop_server()` ends it.

Datasette gets `--plugins-dir datasette_plugins/` (`belarus_china_links.py`, a `render_cell` hook that
links a record id to the record's row and a document to its viewer page; what to link comes from the
registry, through `plugin_config`) and `--static package:<files>` (the viewer pages under
/package/docs/sources/ and the raw texts they link to under /package/raw/). Datasette's canned query
forms take typed text only: `query_choices` runs each query for every row of the table queries.yaml
`choices` names and lists those that give rows, as links, in the query's description.

The package is untrusted input (serve reads it like `load`): nothing is written into it, and nothing
of it is served as a file: the viewer pages are rendered by the build's own code from the checked
tables and documents. By default the database, metadata and pages go to the user cache
(`cache_root()`: $XDG_CACHE_HOME/belarus-china, else ~/.cache/belarus-china; made 0700, refused if it
is a link or someone else's), into a folder named by the package's content hash and the code's
fingerprint (`cache_key`), built in a new private folder and renamed into place whole: a complete
entry is reused, a changed package or code gets another, so a stale database is never served; a link
or half-made entry under that name is replaced, never followed. With --sqlite the database goes where
the user says (the pages into a temporary folder, removed when the server stops). A URL taken from the
package (the licence's) is shown only when it is http(s). Datasette serves the database immutable
(`-i`: read-only, no locking).

Datasette is only ever bound to a loopback address (127.0.0.0/8, ::1, localhost): the database
holds nothing secret, but a development server has no business listening on a network. It never
outlives `serve`: SIGTERM, SIGINT and SIGHUP are passed on to it, and it is started through
`datasette_launcher.py`, which asks Linux to send it SIGTERM when its parent dies (even by SIGKILL).
"""

from __future__ import annotations

import argparse
import hashlib
import html
import importlib.util
import ipaddress
import json
import os
import shutil
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import NamedTuple

from ..base.codec import codec_of
from ..base.paths import DESCRIPTOR
from ..contract.registry import Column, Registry, Table
from ..contract.vocabulary import Documents, Evidence, Sources

DB_NAME = "belarus-china"
CACHE_FOLDER = "belarus-china"       # under $XDG_CACHE_HOME (else ~/.cache)
STATIC = "package"                  # Datasette serves the viewer pages and raw texts under /package/
FILES = "files"                     # the folder of an entry holding them (docs/sources/, raw/)
PLUGIN = "belarus-china"            # the plugin's configuration key (datasette_plugins/belarus_china_links.py)
PLUGINS_DIR = Path(__file__).with_name("datasette_plugins")
DEFAULT_PORT = 8001
DEFAULT_HOST = "127.0.0.1"
START_TIMEOUT = 30.0

# Lay the column descriptions out as a compact two-column codebook, so the rows stay in view.
CSS = ("dl.column-descriptions{display:grid;grid-template-columns:max-content 1fr;gap:.1em 1.2em;"
       "font-size:.85em;margin:.5em 0 1em}"
       "dl.column-descriptions dt,dl.column-descriptions dd{margin:0;padding:0}")
CSS_URL = "data:text/css," + urllib.parse.quote(CSS)


# --- metadata -------------------------------------------------------------------------------

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


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _fact_label_sql(table: Table) -> str:
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
            f"SELECT {_sql_string(table.name)} AS {points_at[0]}, t.\"{table.primary_key[0]}\" AS {points_at[1]}, "
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
        f"    WHEN {_sql_string(name)} THEN (SELECT {_fact_label_sql(registry[name])} FROM \"{name}\" "
        f"WHERE \"{registry[name].primary_key[0]}\" = e.{points_at[1]})"
        for name in cited if len(registry[name].primary_key) == 1
    )
    fill = {"delimiter": _sql_string(registry.list_delimiter), "fact_cases": cases,
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


def query_choices(registry: Registry, database: Path) -> dict[str, dict[str, list[tuple[str, str]]]]:
    """query -> parameter -> (value, label) of every row of the table queries.yaml `choices` names for it
    for which the query returns rows (Datasette's forms take typed text only: these become links)."""
    queries = canned_queries(registry)
    found: dict[str, dict[str, list[tuple[str, str]]]] = {}
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        for name, query in registry.queries.items():
            for parameter, table_name in (query.get("choices") or {}).items():
                table = registry[table_name]
                key = f'"{table.primary_key[0]}"'
                label = f'"{table.browse["label_column"]}"' if table.browse.get("label_column") else \
                    _fact_label_sql(table)
                options = []
                for value, text in connection.execute(f'SELECT {key}, {label} FROM "{table.name}" ORDER BY {key}'):
                    if connection.execute(f"SELECT 1 FROM ({queries[name]['sql']}) LIMIT 1",
                                          {parameter: value}).fetchone():
                        options.append((str(value), str(text if text is not None else value)))
                found.setdefault(name, {})[parameter] = options
    finally:
        connection.close()
    return found


def _choices_html(description: str, choices: dict[str, list[tuple[str, str]]]) -> str:
    parts = [f"<p>{html.escape(description)}</p>"]
    for parameter, options in choices.items():
        links = "".join(f'<li><a href="?{urllib.parse.urlencode({parameter: value})}">{html.escape(label)}</a> '
                        f"<code>{html.escape(value)}</code></li>" for value, label in options)
        parts.append(f"<details open><summary>Choose {html.escape(parameter)} ({len(options)} with results)"
                     f"</summary><ul>{links}</ul></details>")
    return "".join(parts)


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


def safe_url(value) -> str:
    """`value` if it is an http(s) URL with a host, else "": a URL from a package becomes a link in every
    page footer, and a `javascript:` or `data:` one would run in the reader's browser."""
    if not isinstance(value, str):
        return ""
    parsed = urllib.parse.urlsplit(value.strip())
    return value.strip() if parsed.scheme in ("http", "https") and parsed.netloc else ""


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def viewer_index_url() -> str:
    from ..publish.viewer import INDEX

    return f"/{STATIC}/{INDEX}"


def metadata(registry: Registry, package_descriptor: dict, database: str = DB_NAME,
             choices: dict[str, dict[str, list[tuple[str, str]]]] | None = None) -> dict:
    """Datasette metadata (metadata.json) for the SQLite export of a package (its descriptor untrusted:
    only text is taken from it, and a URL only when it is http(s)). `choices` (from `query_choices`)
    lists the values a canned query's parameter can take, as links."""
    licences = package_descriptor.get("licenses")
    licence = licences[0] if isinstance(licences, list) and licences and isinstance(licences[0], dict) else {}
    documents = package_descriptor.get("sources")
    documents = documents if isinstance(documents, list) else []
    # The documents themselves are listed, with publisher, author and checksum, in the sources table.
    source = f"{len(documents)} source documents, kept verbatim under raw/ (see the sources table)"
    title = _text(package_descriptor.get("title")) or _text(package_descriptor.get("name")) or DB_NAME
    description = _text(package_descriptor.get("description"))
    version = _text(package_descriptor.get("version"))
    queries = canned_queries(registry)
    for name, options in (choices or {}).items():
        queries[name]["description_html"] = _choices_html(queries[name]["description"], options)
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
        "license": _text(licence.get("name")),
        "license_url": safe_url(licence.get("path")),
        "source": source,
        "source_url": f"/{database}/{Sources.table}",
        "extra_css_urls": [CSS_URL],
        "about": f"{_text(package_descriptor.get('name')) or DB_NAME} data package" + (f" v{version}" if version else ""),
        "databases": {
            database: {
                "title": title,
                "description": description,
                "description_html": f"<p>{html.escape(description)}</p>{viewer}",
                "tables": tables,
                "queries": queries,
            }
        },
        "plugins": {PLUGIN: plugin_config(registry)},
    }


# --- files ------------------------------------------------------------------------------------

def _package(package) -> Path:
    """A package folder, its datapackage.json or a release zip, as the user named it; None: the current folder
    if it holds a datapackage.json, else the package installed with this library (so `serve` works anywhere)."""
    if package is None:
        from ..base.package_source import datapackage_path

        return Path(".") if Path(DESCRIPTOR).is_file() else datapackage_path(None)
    path = Path(package)
    if path.is_dir() and not (path / DESCRIPTOR).exists():
        raise FileNotFoundError(f"{path.resolve()} holds no {DESCRIPTOR}; point --package at a published package")
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist; point --package at a published package")
    return path


def _write_json(path: Path, data: dict) -> None:
    """Write through a new temporary file (mkstemp: a name nobody can have planted) moved over `path`."""
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class Prepared(NamedTuple):
    database: Path            # the SQLite file
    metadata: Path            # its Datasette metadata, beside it
    temporary: Path | None    # a folder to remove when the server stops (with --sqlite), else None
    files: Path               # the folder Datasette serves as /package/: docs/sources/ (the viewer), raw/


class CacheError(OSError):
    """The cache folder is not one of this user's own (a link, not a folder, someone else's): problem code
    `cache-unsafe`."""

    code = "cache-unsafe"


def cache_root() -> Path:
    """$XDG_CACHE_HOME/belarus-china, else ~/.cache/belarus-china (a relative XDG_CACHE_HOME is ignored,
    as the XDG specification says)."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    return (Path(base) if os.path.isabs(base) else Path.home() / ".cache") / CACHE_FOLDER


def _private_folder(path: Path) -> Path:
    """`path` as a folder of this user's that nobody else can write: made (0700) if missing; a link, a
    file or a folder of someone else's is refused (CacheError); one open to others is closed (chmod 0700
    through a descriptor opened without following links)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError as exc:
        raise CacheError(f"the cache folder {path} is not a folder (a link or a file?): {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if info.st_uid != os.getuid():
            raise CacheError(f"the cache folder {path} belongs to someone else (uid {info.st_uid}); "
                             "set XDG_CACHE_HOME to a folder of your own")
        if stat.S_IMODE(info.st_mode) & 0o077:
            os.fchmod(fd, 0o700)
    finally:
        os.close(fd)
    return path


def code_fingerprint(registry_directory: Path | None = None) -> str:
    """sha256 of what makes the database besides the package: this package's code and registry files, and the
    SQLite library's version (a database of an older serve is never served)."""
    from ..base import paths

    digest = hashlib.sha256(sqlite3.sqlite_version.encode())
    code = Path(__file__).resolve().parents[1]
    registry_folder = registry_directory or paths.registry_dir()
    for path in [*sorted(code.rglob("*.py")), *sorted(Path(registry_folder).glob("*.yaml"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def cache_key(descriptor: dict) -> str:
    """The content hash naming a package's cache entry: its descriptor (which holds the size and sha256 of
    every table file; raw documents are checked against the sha256 of the sources table) and the code's
    fingerprint. Another package, or the same one changed, gets another entry."""
    digest = hashlib.sha256(json.dumps(descriptor, sort_keys=True, ensure_ascii=False).encode())
    digest.update(code_fingerprint().encode())
    return digest.hexdigest()[:32]


def _is_private_entry(path: Path) -> bool:
    """A complete cache entry of ours: a real folder (not a link) owned by us, closed to others, holding the
    database and metadata as regular files."""
    try:
        info = os.lstat(path)
        files = [os.lstat(path / f"{DB_NAME}.sqlite"), os.lstat(path / f"{DB_NAME}.metadata.json"),
                 os.lstat(path / FILES)]
    except OSError:
        return False
    return (stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not stat.S_IMODE(info.st_mode) & 0o077
            and all(f.st_uid == os.getuid() for f in files) and stat.S_ISREG(files[0].st_mode)
            and stat.S_ISREG(files[1].st_mode) and stat.S_ISDIR(files[2].st_mode))


def value_form(registry: Registry, frames: dict) -> dict:
    """Loaded tables (`load_all`: lists as Python lists) in the form the build hands the viewer (a list as its
    joined text), so that the pages are the build's pages."""
    import pandas as pd

    from ..base.codec import csv_cell
    from ..contract.registry import field_descriptor

    out = {}
    for name, frame in frames.items():
        frame = frame.copy()
        if name in registry.tables:
            table = registry[name]
            for column in table.columns:
                if table.is_list(column.name):
                    field = field_descriptor(table, column)
                    frame[column.name] = pd.Series([csv_cell(v, field) or None for v in frame[column.name]],
                                                   index=frame.index, dtype="string")
        out[name] = frame
    return out


def _write_files(source, registry: Registry, descriptor: dict, folder: Path) -> None:
    """The evidence viewer's pages (docs/sources/) and the raw texts they link to, rendered by the build's own
    code from the package's checked tables and documents (never copied from the package, whose files could be
    links), into `folder`, which we have just made."""
    from ..base.safe_files import check_relative
    from ..loader import _checked_text, load_all
    from ..publish import viewer, web_annotations

    tables = load_all(source)
    texts = {str(row[Sources.raw_path]): _checked_text(source, row) for row in tables[Sources.table].to_dict("records")}
    frames = value_form(registry, tables)
    package = {"name": _text(descriptor.get("name")) or DB_NAME, "homepage": safe_url(descriptor.get("homepage"))}
    if not package["homepage"]:
        del package["homepage"]
    files = {**viewer.render(registry, frames, texts), **web_annotations.render(registry, frames, texts, package),
             **{path: text.encode("utf-8") for path, text in texts.items()}}
    folder.mkdir(mode=0o700)
    for relative, data in sorted(files.items()):
        target = folder / check_relative(relative)
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)


def _build(source, registry: Registry, descriptor: dict, database: Path, files: Path) -> None:
    from ..publish.sqlite import write_sqlite

    write_sqlite(source, database, registry)
    _write_json(database.with_name(f"{database.stem}.metadata.json"),
                metadata(registry, descriptor, database=database.stem, choices=query_choices(registry, database)))
    _write_files(source, registry, descriptor, files)


def prepare(package_dir=None, sqlite_path=None, registry: Registry | None = None) -> Prepared:
    """Write the SQLite database, its Datasette metadata and the files served beside it (the evidence viewer).

    By default into the user's cache (`cache_root()`), in a folder named by the package's content hash
    (`cache_key`): built in a new private folder and renamed into place whole, so a half-written entry is never
    seen, and reused while the package and the code stay the same (a changed package gets a new entry, so a
    stale database is never served). With `sqlite_path`, the database goes there (the metadata beside it) and
    the files into a new private temporary folder, which the caller removes. Nothing is ever written into the
    package. `package_dir=None` is the package installed with this library.
    """
    from ..base.package_source import PackageSource
    from ..contract.registry import load_registry

    package = _package(package_dir)
    registry = registry or load_registry()
    source = PackageSource(package)
    try:
        descriptor = source.descriptor
        if sqlite_path is not None:
            database = Path(sqlite_path).absolute()
            temporary = Path(tempfile.mkdtemp(prefix="belarus-china-serve-"))
            try:
                _build(source, registry, descriptor, database, temporary / FILES)
            except BaseException:
                shutil.rmtree(temporary, ignore_errors=True)
                raise
            return Prepared(database, database.with_name(f"{database.stem}.metadata.json"), temporary,
                            temporary / FILES)
        root = _private_folder(cache_root())
        entry = root / cache_key(descriptor)
        if not _is_private_entry(entry):
            building = Path(tempfile.mkdtemp(prefix=".building-", dir=root))  # 0700, a name nobody planted
            try:
                _build(source, registry, descriptor, building / f"{DB_NAME}.sqlite", building / FILES)
                if os.path.lexists(entry):  # a link, a file or a broken entry under our name: replaced, not followed
                    if os.path.isdir(entry) and not os.path.islink(entry):
                        shutil.rmtree(entry)
                    else:
                        os.unlink(entry)
                try:
                    os.rename(building, entry)
                except OSError:  # another serve finished the same entry first
                    if not _is_private_entry(entry):
                        raise
            finally:
                shutil.rmtree(building, ignore_errors=True)
        return Prepared(entry / f"{DB_NAME}.sqlite", entry / f"{DB_NAME}.metadata.json", None, entry / FILES)
    finally:
        source.close()


# --- the server -------------------------------------------------------------------------------

def loopback_host(host: str) -> str:
    """`host` if it is a loopback address (or `localhost`); ValueError otherwise."""
    if host == "localhost":
        return host
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        raise ValueError(f"refusing to serve on {host!r}: only loopback addresses (127.0.0.1, ::1, localhost) "
                         "are allowed") from None
    if not address.is_loopback:
        raise ValueError(f"refusing to serve on {host!r}: it is not a loopback address "
                         "(use 127.0.0.1, ::1 or localhost)")
    return str(address)


def base_url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def free_port(host: str = DEFAULT_HOST) -> int:
    """A port nothing listens on right now (the OS picks it)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def require_datasette() -> None:
    if importlib.util.find_spec("datasette") is None:
        raise RuntimeError("Datasette is not installed: pip install 'belarus-china[serve]' (or pip install datasette)")


LAUNCHER = Path(__file__).with_name("datasette_launcher.py")


def datasette_command(prepared: Prepared, host: str, port: int) -> list[str]:
    """Datasette through the launcher (it dies with us), serving the database immutable (`-i`: opened
    read-only, no locking, no change detection), with the links plugin (`--plugins-dir`) and the evidence
    viewer's pages as static files under /package/."""
    return [sys.executable, str(LAUNCHER), str(os.getpid()), "serve", "-i", str(prepared.database),
            "--metadata", str(prepared.metadata), "--plugins-dir", str(PLUGINS_DIR),
            "--static", f"{STATIC}:{prepared.files}", "--host", host, "--port", str(port)]


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never through a proxy


def fetch(url: str, timeout: float = 5.0) -> bytes:
    """GET `url` directly (no proxy)."""
    with _OPENER.open(url, timeout=timeout) as response:
        return response.read()


def _log_text(process: subprocess.Popen) -> str:
    log = getattr(process, "belarus_china_log", None)
    if log is None:
        return ""
    log.flush()
    log.seek(0)
    return log.read().decode("utf-8", "replace")[-4000:]


def start_server(package_dir=None, host: str = DEFAULT_HOST, port: int | None = None, sqlite_path=None,
                 timeout: float = START_TIMEOUT, registry: Registry | None = None) -> tuple[subprocess.Popen, str]:
    """Start Datasette in the background; returns (process, base URL) once /-/versions.json answers.

    `port=None` picks a free port. Waits at most `timeout` seconds; raises RuntimeError (with
    Datasette's output) if it exits or does not answer in time. End it with `stop_server(process)`.
    """
    host = loopback_host(host)
    require_datasette()
    port = free_port(host) if port is None else port
    prepared = prepare(package_dir, sqlite_path, registry)
    temporary = prepared.temporary
    log = tempfile.TemporaryFile()
    try:
        process = subprocess.Popen(datasette_command(prepared, host, port), stdin=subprocess.DEVNULL,
                                   stdout=log, stderr=subprocess.STDOUT)
    except BaseException:
        log.close()
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)
        raise
    setattr(process, "belarus_china_log", log)  # noqa: B010  (Popen has no slot for them)
    setattr(process, "belarus_china_tempdir", temporary)  # noqa: B010
    url = base_url(host, port)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            output = _log_text(process)
            stop_server(process)
            raise RuntimeError(f"datasette exited with code {process.returncode}:\n{output}")
        try:
            json.loads(fetch(f"{url}/-/versions.json", timeout=2))
            return process, url
        except (urllib.error.URLError, OSError, ValueError):
            pass
        if time.monotonic() > deadline:
            output = _log_text(process)
            stop_server(process)
            raise RuntimeError(f"datasette did not answer on {url} within {timeout:g} s:\n{output}")
        time.sleep(0.2)


def stop_server(process: subprocess.Popen, timeout: float = 10.0) -> None:
    """Terminate a server from `start_server` (kill it if it does not stop) and remove its temporary files."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)
    log = getattr(process, "belarus_china_log", None)
    if log is not None:
        log.close()
    temporary = getattr(process, "belarus_china_tempdir", None)
    if temporary is not None:
        shutil.rmtree(temporary, ignore_errors=True)


STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def _run_until_stopped(command: list[str]) -> int:
    """Run Datasette in the foreground; SIGTERM, SIGINT and SIGHUP stop it (and then us, with 0)."""
    stopping: list[int] = []
    process: subprocess.Popen | None = None

    def stop(signum, _frame) -> None:
        stopping.append(signum)
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)

    previous = {s: signal.signal(s, stop) for s in STOP_SIGNALS}  # before the child exists: no gap
    try:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL)
        if stopping:  # a signal came while it was starting
            process.send_signal(signal.SIGTERM)
        try:
            code = process.wait()
        except KeyboardInterrupt:  # a SIGINT handler installed by someone else
            stopping.append(signal.SIGINT)
            code = -1
        return 0 if stopping else code
    finally:
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def serve(package_dir=None, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, sqlite_path=None,
          registry: Registry | None = None) -> int:
    """Write the database and metadata, run Datasette in the foreground until it exits or is stopped
    (Ctrl-C, SIGTERM, SIGHUP: 0); its exit code otherwise. A temporary folder (--sqlite) is removed either way;
    the cache entry stays, for the next run."""
    host = loopback_host(host)
    require_datasette()
    prepared = prepare(package_dir, sqlite_path, registry)
    try:
        url = base_url(host, port)
        print(f"database {prepared.database}\nmetadata {prepared.metadata}\nserving  {url}/{prepared.database.stem}"
              f"  (Ctrl-C stops)\nviewer   {url}{viewer_index_url()}", flush=True)
        return _run_until_stopped(datasette_command(prepared, host, port))
    finally:
        if prepared.temporary is not None:
            shutil.rmtree(prepared.temporary, ignore_errors=True)


# --- CLI --------------------------------------------------------------------------------------

def _host_argument(value: str) -> str:
    try:
        return loopback_host(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _port_argument(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port {port} is outside 1-65535")
    return port


def cmd_serve(args) -> int:
    from ..base.package_source import DataPackageError
    from ..publish.sqlite import ExportError

    try:
        return serve(args.package, host=args.host, port=args.port, sqlite_path=args.sqlite)
    except (FileNotFoundError, ValueError) as exc:
        print(f"cannot serve: {exc}", file=sys.stderr)
        return 2
    except CacheError as exc:
        print(f"cannot serve ({exc.code}): {exc}", file=sys.stderr)
        return 1
    except (DataPackageError, ExportError, RuntimeError, OSError, sqlite3.Error) as exc:
        print(f"cannot serve: {exc}", file=sys.stderr)
        return 1


def add_cli(subparsers) -> argparse.ArgumentParser:
    """Register `serve` on the `belarus-china` command's subparsers."""
    command = subparsers.add_parser("serve", help="browse the package in Datasette (SQLite + metadata) on localhost")
    command.add_argument("--package", default=None,
                         help="published package folder, its datapackage.json or a release zip (default: the current "
                         "folder if it holds a datapackage.json, else the package installed with belarus-china)")
    command.add_argument("--host", default=DEFAULT_HOST, type=_host_argument,
                         help="loopback address to listen on (default: 127.0.0.1; others are refused)")
    command.add_argument("--port", default=DEFAULT_PORT, type=_port_argument, help=f"port (default: {DEFAULT_PORT})")
    command.add_argument("--sqlite", default=None, metavar="PATH",
                         help="where to write the SQLite file (default: the user cache, $XDG_CACHE_HOME/belarus-china "
                         "or ~/.cache/belarus-china, one entry per package content hash; nothing is written into the "
                         "package)")
    command.set_defaults(func=cmd_serve)
    return command
