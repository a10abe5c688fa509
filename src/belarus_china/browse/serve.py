"""Browse the package in Datasette: `belarus-china serve` (needs the `serve` extra: datasette).

`serve()` writes the package as SQLite (`publish.sqlite.write_sqlite`) and a Datasette metadata file
derived from the column registry and datapackage.json (titles, descriptions of every table and
column with the meaning of every allowed value, licence, sources, default facets and sort orders,
and canned queries), then runs Datasette on a loopback address and waits. `start_server()` does the
same in the background and returns once the server answers; `stop_server()` ends it.

The package is untrusted input (serve reads it like `load`): nothing is written into it. The
database and metadata go to a new private folder (mkdtemp), removed when the server stops, or to
the path the user gives with --sqlite. A URL taken from the package (the licence's) is shown only
when it is http(s). Datasette serves the database immutable (`-i`: read-only, no locking).

Datasette is only ever bound to a loopback address (127.0.0.0/8, ::1, localhost): the database
holds nothing secret, but a development server has no business listening on a network. It never
outlives `serve`: SIGTERM, SIGINT and SIGHUP are passed on to it, and it is started through
`datasette_launcher.py`, which asks Linux to send it SIGTERM when its parent dies (even by SIGKILL).
"""

from __future__ import annotations

import argparse
import importlib.util
import ipaddress
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from ..base.codec import codec_of
from ..base.paths import DESCRIPTOR
from ..contract.registry import Column, Registry, Table
from ..contract.vocabulary import Evidence, Sources

DB_NAME = "belarus-china"
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
    fill = {"delimiter": _sql_string(registry.list_delimiter), "fact_cases": cases}
    return {name: {"title": query["title"], "description": " ".join(query["description"].split()),
                   "sql": query["sql"].format(**fill)} for name, query in registry.queries.items()}


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


def metadata(registry: Registry, package_descriptor: dict, database: str = DB_NAME) -> dict:
    """Datasette metadata (metadata.json) for the SQLite export of a package (its descriptor untrusted:
    only text is taken from it, and a URL only when it is http(s))."""
    licences = package_descriptor.get("licenses")
    licence = licences[0] if isinstance(licences, list) and licences and isinstance(licences[0], dict) else {}
    documents = package_descriptor.get("sources")
    documents = documents if isinstance(documents, list) else []
    # The documents themselves are listed, with publisher, author and checksum, in the sources table.
    source = f"{len(documents)} source documents, kept verbatim under raw/ (see the sources table)"
    title = _text(package_descriptor.get("title")) or _text(package_descriptor.get("name")) or DB_NAME
    description = _text(package_descriptor.get("description"))
    version = _text(package_descriptor.get("version"))
    return {
        "title": title,
        "description": description,
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
                "tables": {table.name: table_metadata(table) for table in registry.published},
                "queries": canned_queries(registry),
            }
        },
    }


# --- files ------------------------------------------------------------------------------------

def _package(package) -> Path:
    """A package folder, its datapackage.json or a release zip, as the user named it."""
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


def prepare(package_dir, sqlite_path=None, registry: Registry | None = None) -> tuple[Path, Path, Path | None]:
    """Write the SQLite database and its Datasette metadata; returns (database, metadata, temp dir or None).

    The database goes to `sqlite_path` when given, else to a new private temporary folder, which the
    caller removes (nothing is ever written into the package). The metadata file sits beside it.
    """
    from ..base.package_source import PackageSource
    from ..contract.registry import load_registry
    from ..publish.sqlite import write_sqlite

    package = _package(package_dir)
    registry = registry or load_registry()
    temporary = None
    if sqlite_path is not None:
        database = Path(sqlite_path).absolute()
    else:
        temporary = Path(tempfile.mkdtemp(prefix="belarus-china-serve-"))
        database = temporary / f"{DB_NAME}.sqlite"
    try:
        source = PackageSource(package)
        try:
            descriptor = source.descriptor
            write_sqlite(source, database, registry)
        finally:
            source.close()
        meta_path = database.with_name(f"{database.stem}.metadata.json")
        _write_json(meta_path, metadata(registry, descriptor, database=database.stem))
    except BaseException:
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)
        raise
    return database, meta_path, temporary


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


def datasette_command(database: Path, meta: Path, host: str, port: int) -> list[str]:
    """Datasette through the launcher (it dies with us), serving the database immutable (`-i`: opened
    read-only, no locking, no change detection)."""
    return [sys.executable, str(LAUNCHER), str(os.getpid()), "serve", "-i", str(database), "--metadata", str(meta),
            "--host", host, "--port", str(port)]


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


def start_server(package_dir, host: str = DEFAULT_HOST, port: int | None = None, sqlite_path=None,
                 timeout: float = START_TIMEOUT, registry: Registry | None = None) -> tuple[subprocess.Popen, str]:
    """Start Datasette in the background; returns (process, base URL) once /-/versions.json answers.

    `port=None` picks a free port. Waits at most `timeout` seconds; raises RuntimeError (with
    Datasette's output) if it exits or does not answer in time. End it with `stop_server(process)`.
    """
    host = loopback_host(host)
    require_datasette()
    port = free_port(host) if port is None else port
    database, meta, temporary = prepare(package_dir, sqlite_path, registry)
    log = tempfile.TemporaryFile()
    try:
        process = subprocess.Popen(datasette_command(database, meta, host, port), stdin=subprocess.DEVNULL,
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


def serve(package_dir, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, sqlite_path=None,
          registry: Registry | None = None) -> int:
    """Write the database and metadata, run Datasette in the foreground until it exits or is stopped
    (Ctrl-C, SIGTERM, SIGHUP: 0); its exit code otherwise. The temporary folder is removed either way."""
    host = loopback_host(host)
    require_datasette()
    database, meta, temporary = prepare(package_dir, sqlite_path, registry)
    try:
        print(f"database {database}\nmetadata {meta}\nserving  {base_url(host, port)}/{database.stem}  (Ctrl-C stops)",
              flush=True)
        return _run_until_stopped(datasette_command(database, meta, host, port))
    finally:
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)


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
    except (DataPackageError, ExportError, RuntimeError, OSError, sqlite3.Error) as exc:
        print(f"cannot serve: {exc}", file=sys.stderr)
        return 1


def add_cli(subparsers) -> argparse.ArgumentParser:
    """Register `serve` on the `belarus-china` command's subparsers."""
    command = subparsers.add_parser("serve", help="browse the package in Datasette (SQLite + metadata) on localhost")
    command.add_argument("--package", default=".",
                         help="published package folder, its datapackage.json or a release zip (default: .)")
    command.add_argument("--host", default=DEFAULT_HOST, type=_host_argument,
                         help="loopback address to listen on (default: 127.0.0.1; others are refused)")
    command.add_argument("--port", default=DEFAULT_PORT, type=_port_argument, help=f"port (default: {DEFAULT_PORT})")
    command.add_argument("--sqlite", default=None, metavar="PATH",
                         help="where to write the SQLite file (default: a temporary folder, removed when the server "
                         "stops; nothing is written into the package)")
    command.set_defaults(func=cmd_serve)
    return command
