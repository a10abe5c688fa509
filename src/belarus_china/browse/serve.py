"""Browse the package in Datasette: `belarus-china serve` (needs the `serve` extra: datasette).

`serve()` validates the package (a package with problems is refused, with their codes, as `validate` reports
them), writes it as SQLite (`publish.sqlite.write_sqlite`: the tables, the views, the database's own `documents`
and `evidence_in_context`, full-text indexes that know every spelling of a name) with a Datasette metadata file
derived from the column registry and datapackage.json, renders the evidence viewer's pages beside them, then runs
Datasette on a loopback address and waits. `start_server()` does the same in the background and returns once the
server answers; `stop_server()` ends it. Its jobs live in modules of their own:

- `serve_queries`: the canned queries (validation/queries.yaml) and the choices their pages list as links
  (bounded: at most `MAX_CHECKED` rows of a table are checked, a larger table gets a link to itself);
- `serve_metadata`: the metadata (titles, descriptions, licence, facets, the plugins' configuration);
- `serve_cache`: the private cache folder, one entry per package content hash and code fingerprint;
- `serve_prepare`: validation, then the database, metadata and rendered pages, into the cache or a temporary
  folder;
- `serve_server`: Datasette on loopback, started through `datasette_launcher.py` so it never outlives serve;
- here: `serve()` in the foreground and the command line.

The package is untrusted input (serve reads it like `validate`): nothing is written into it, and nothing of it is
served as a file. Datasette's static folder (/package/) holds only the pages the project renders from the
validated tables and documents (every package text escaped); the raw texts are served from the database by the
plugin datasette_plugins/belarus_china_raw_text.py as text/plain with `X-Content-Type-Options: nosniff`, and the
rendered pages with a Content-Security-Policy that runs no script. A URL taken from the package (the licence's)
is shown only when it is http(s). Datasette serves the database immutable (`-i`: read-only, no locking), is only
ever bound to a loopback address, and stops on SIGTERM, SIGINT and SIGHUP and when serve dies.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys

from ..contract.registry import Registry
from .serve_cache import CacheError, cache_key, cache_root, code_fingerprint
from .serve_metadata import (
    DB_NAME,
    PLUGIN,
    STATIC,
    column_description,
    metadata,
    plugin_config,
    safe_url,
    table_metadata,
    viewer_index_url,
)
from .serve_prepare import InvalidPackage, Prepared, prepare, value_form
from .serve_queries import MAX_CHECKED, Choices, canned_queries, query_choices, searchable
from .serve_server import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    PLUGINS_DIR,
    base_url,
    datasette_command,
    fetch,
    free_port,
    loopback_host,
    require_datasette,
    run_until_stopped,
    start_server,
    stop_server,
)

__all__ = ["DB_NAME", "MAX_CHECKED", "PLUGIN", "PLUGINS_DIR", "STATIC", "CacheError", "Choices", "InvalidPackage",
           "Prepared", "add_cli", "base_url", "cache_key", "cache_root", "canned_queries", "cmd_serve",
           "code_fingerprint", "column_description", "datasette_command", "fetch", "free_port", "loopback_host",
           "metadata", "plugin_config", "prepare", "query_choices", "require_datasette", "safe_url", "searchable",
           "serve", "start_server", "stop_server", "table_metadata", "value_form", "viewer_index_url"]

MAX_REPORTED = 20   # problems printed when a package is refused (validate lists them all)


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
        return run_until_stopped(datasette_command(prepared, host, port))
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
    except InvalidPackage as exc:
        print(f"cannot serve: {exc}", file=sys.stderr)
        for problem in exc.problems[:MAX_REPORTED]:
            print(f"  - {problem}", file=sys.stderr)
        if len(exc.problems) > MAX_REPORTED:
            print(f"  ... and {len(exc.problems) - MAX_REPORTED} more", file=sys.stderr)
        return 1
    except (FileNotFoundError, ValueError) as exc:
        print(f"cannot serve: {exc}", file=sys.stderr)
        return 2
    except (CacheError, DataPackageError) as exc:
        print(f"cannot serve ({exc.code}): {exc}", file=sys.stderr)
        return 1
    except (ExportError, RuntimeError, OSError, sqlite3.Error) as exc:
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
