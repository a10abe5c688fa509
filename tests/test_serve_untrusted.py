"""`belarus-china serve` on a stranger's package (issue 21): a package is validated before anything of it is
served, and refused with its problem codes when it is not valid; Datasette's static folder holds only pages the
project renders (never a package file); raw texts come from the database as text/plain with nosniff; package text
in Datasette's HTML is escaped; and preparing the query choices stays bounded however large the tables are
(issue 19's quadratic start-up)."""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sqlite3
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from corrupt import read_table, write_table

from belarus_china.base.package_source import DataPackageError
from belarus_china.browse import serve, serve_prepare, serve_queries, serve_server

HOSTILE = "<script>document.title='pwned'</script>"


def _rehash_generated(package: Path) -> None:
    """Recompute the size and hash of every generated file the descriptor lists (docs/, CITATION.cff)."""
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    for entry in descriptor.get("generated_files", []):
        data = (package / entry["path"]).read_bytes()
        entry["bytes"], entry["hash"] = len(data), f"sha256:{hashlib.sha256(data).hexdigest()}"
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _move_first_document(package: Path, registry, new_path: str) -> str:
    """The first source's document with a script appended (its excerpts still match, they come before), moved to
    `new_path`, with the sources row's raw_path, sha256 and char_count updated as a careful attacker would."""
    sources = read_table(package, registry, "sources")
    old = package / sources.loc[0, "raw_path"]
    data = old.read_bytes() + HOSTILE.encode("utf-8")
    target = package / new_path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    sources.loc[0, "raw_path"] = new_path
    sources.loc[0, "sha256"] = hashlib.sha256(data).hexdigest()
    sources.loc[0, "char_count"] = len(data.decode("utf-8"))
    write_table(package, registry, "sources", sources)
    _rehash_generated(package)
    return str(sources.loc[0, "source_id"])


@pytest.fixture(params=["docs/sources/index.html", "raw/x.html"])
def hostile(request, built_package, registry, tmp_path) -> tuple[Path, str]:
    package = tmp_path / "hostile"
    shutil.copytree(built_package, package, ignore=shutil.ignore_patterns("dist"))
    _move_first_document(package, registry, request.param)
    return package, request.param


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "xdg-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_package_whose_raw_path_is_a_page_is_refused_with_its_problem_codes(hostile, registry, cache, capsys):
    package, raw_path = hostile
    with pytest.raises(serve.InvalidPackage) as refused:
        serve.prepare(package, registry=registry)
    problems = refused.value.problems
    assert any(p.code == "pattern" and p.table == "sources" and p.column == "raw_path" for p in problems), problems
    # nothing was built or cached for it
    root = cache / "belarus-china"
    assert not root.exists() or not list(root.iterdir())

    main = argparse.ArgumentParser(prog="belarus-china")
    serve.add_cli(main.add_subparsers(dest="command", required=True))
    args = main.parse_args(["serve", "--package", str(package), "--port", str(serve.free_port())])
    assert args.func(args) == 1
    err = capsys.readouterr().err
    assert "[pattern]" in err and "sources" in err and "raw_path" in err, err
    assert "Traceback" not in err and "not a valid package" in err
    assert not root.exists() or not list(root.iterdir())


def test_with_validation_bypassed_no_package_file_reaches_the_static_folder(hostile, registry, tmp_path, monkeypatch):
    """Defence in depth: even a package that got past validation puts none of its files where Datasette serves
    static files: the folder holds the viewer's pages and the Web Annotations, rendered (escaped) by the project's code."""
    package, raw_path = hostile
    monkeypatch.setattr(serve_prepare, "package_problems", lambda *args, **kwargs: [])
    prepared = serve.prepare(package, sqlite_path=tmp_path / "out" / "db.sqlite", registry=registry)
    try:
        files = _files(prepared.files)
        assert files and all(name.startswith(("docs/sources/", "docs/annotations/")) for name in files), sorted(files)
        assert "raw/x.html" not in files
        for name, data in files.items():
            assert b"<script" not in data.lower(), name
        assert b"&lt;script&gt;" in b"".join(files.values())  # the document was rendered, escaped
    finally:
        shutil.rmtree(prepared.temporary)


def test_a_package_that_changes_while_serve_reads_it_is_refused(built_package, registry, tmp_path, monkeypatch):
    """What is rendered is what was validated: the descriptor pins every file, so one that changes between
    validation and rendering stops serve."""
    package = tmp_path / "package"
    shutil.copytree(built_package, package, ignore=shutil.ignore_patterns("dist"))
    validate = serve_prepare.package_problems

    def validate_then_edit(source, registry):
        problems = validate(source, registry)
        descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
        descriptor["title"] = "Changed after validation"
        (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
        return problems

    monkeypatch.setattr(serve_prepare, "package_problems", validate_then_edit)
    with pytest.raises(DataPackageError) as refused:
        serve.prepare(package, sqlite_path=tmp_path / "out.sqlite", registry=registry)
    assert refused.value.code == "package-changed"
    assert not (tmp_path / "out.sqlite").exists()


def test_the_viewer_paths_of_sources_cannot_overwrite_each_other(registry):
    """Two rendered files under one name is a refusal, not a silent replacement."""
    with pytest.raises(ValueError, match="twice"):
        serve_prepare.merge_rendered({"docs/sources/index.html": b"a"}, {"docs/sources/index.html": b"b"})


def test_package_text_in_datasette_html_is_escaped(registry, built_package):
    descriptor = json.loads((built_package / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["description"] = f"A description {HOSTILE}"
    descriptor["title"] = HOSTILE
    choices = {"quotes_by_speaker": {"speaker_id": serve_queries.Choices(
        [(f"x{HOSTILE}", f"<b>{HOSTILE}</b>")], 1, "actors")}}
    meta = serve.metadata(registry, descriptor, choices=choices)
    page = meta["databases"][serve.DB_NAME]["queries"]["quotes_by_speaker"]["description_html"]
    for text in (meta["description_html"], page):
        assert "<script" not in text and "&lt;script&gt;" in text
    assert "<b>" not in page


# --- query choices stay bounded -------------------------------------------------------------------------------

def _count_statements(monkeypatch) -> list[str]:
    statements: list[str] = []
    connect = sqlite3.connect

    def counting(*args, **kwargs):
        connection = connect(*args, **kwargs)
        connection.set_trace_callback(statements.append)
        return connection

    monkeypatch.setattr(serve_queries.sqlite3, "connect", counting)
    return statements


def test_query_choices_are_bounded_however_many_rows_the_choice_tables_have(built_package, registry, tmp_path,
                                                                           monkeypatch):
    small = write_sqlite_copy(built_package, registry, tmp_path / "small.sqlite")
    statements = _count_statements(monkeypatch)
    found = serve.query_choices(registry, small)
    small_count = len(statements)
    speakers = found["quotes_by_speaker"]["speaker_id"]
    actors = sqlite3.connect(small).execute("SELECT count(*) FROM actors").fetchone()[0]
    assert speakers.total == actors and not speakers.truncated  # every actor is checked
    assert speakers.options and len(speakers.options) < actors  # only those quoted are offered

    large = tmp_path / "large.sqlite"
    shutil.copyfile(small, large)
    extra = 20_000
    connection = sqlite3.connect(large)
    try:
        with connection:
            row = connection.execute("SELECT * FROM actors LIMIT 1").fetchone()
            columns = [d[0] for d in connection.execute("SELECT * FROM actors LIMIT 0").description]
            for i in range(extra):  # actors that sort first, with no quotes
                values = dict(zip(columns, row, strict=True), actor_id=f"aaa-extra-{i:05d}", name=f"Extra {i}")
                connection.execute(f"INSERT INTO actors ({', '.join(columns)}) VALUES "
                                   f"({', '.join('?' for _ in columns)})", list(values.values()))
    finally:
        connection.close()
    statements.clear()
    found = serve.query_choices(registry, large)
    # The number of statements does not grow with the rows: at most the cap per choice list, plus a count each.
    lists = sum(len(q.get("choices") or {}) for q in registry.queries.values())
    assert len(statements) <= lists * (serve_queries.MAX_CHECKED + 3)
    assert len(statements) <= small_count + lists * (serve_queries.MAX_CHECKED + 3)
    speakers = found["quotes_by_speaker"]["speaker_id"]
    assert speakers.truncated and speakers.total >= extra
    meta = serve.metadata(registry, {"name": "x"}, choices=found)
    page = meta["databases"][serve.DB_NAME]["queries"]["quotes_by_speaker"]["description_html"]
    assert f'href="/{serve.DB_NAME}/actors"' in page  # the rest: the table itself


def test_a_choice_is_checked_without_the_querys_outer_order():
    """A sort makes SQLite compute every row before the first; whether rows exist does not depend on it."""
    cut = serve_queries.without_order
    assert cut("SELECT a FROM t WHERE b = :x\nORDER BY a, b") == "SELECT a FROM t WHERE b = :x\n"
    assert cut("SELECT * FROM (SELECT 1 ORDER BY 1)") == "SELECT * FROM (SELECT 1 ORDER BY 1)"  # inner: kept
    assert cut("SELECT 'ORDER BY (' AS x FROM t ORDER BY x") == "SELECT 'ORDER BY (' AS x FROM t "
    assert cut('SELECT "a ORDER BY" FROM t') == 'SELECT "a ORDER BY" FROM t'
    assert cut("SELECT reorder_by FROM t") == "SELECT reorder_by FROM t"


def write_sqlite_copy(built_package, registry, target: Path) -> Path:
    from belarus_china.publish.sqlite import write_sqlite

    return write_sqlite(built_package, target, registry)


# --- a real Datasette: raw text as text/plain, nosniff, no script on the package's pages ------------------------

@pytest.fixture(scope="module")
def server(built_package, registry, tmp_path_factory):
    folder = tmp_path_factory.mktemp("served")
    process, url = serve.start_server(built_package, port=serve.free_port("127.0.0.1"),
                                      sqlite_path=folder / "belarus-china.sqlite", registry=registry)
    try:
        yield url
    finally:
        serve.stop_server(process)


def _get(url: str):
    with serve_server._OPENER.open(urllib.request.Request(url), timeout=10) as response:
        return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()


def test_raw_texts_are_served_from_the_database_as_plain_text_with_nosniff(server, built_package):
    for raw in sorted((built_package / "raw").glob("*.txt")):
        status, headers, body = _get(f"{server}/{serve.STATIC}/raw/{raw.name}")
        assert status == 200 and body == raw.read_bytes(), raw.name
        assert headers["content-type"] == "text/plain; charset=utf-8"
        assert headers["x-content-type-options"] == "nosniff"
    for missing in ("x.html", "..%2Fbelarus-china.sqlite", "nothing.txt"):
        with pytest.raises(urllib.error.HTTPError) as error:
            _get(f"{server}/{serve.STATIC}/raw/{missing}")
        assert error.value.code == 404, missing


def test_the_viewer_pages_run_no_script_and_every_page_says_nosniff(server):
    status, headers, body = _get(f"{server}{serve.viewer_index_url()}")
    assert status == 200 and b"<h1" in body
    assert headers["x-content-type-options"] == "nosniff"
    assert "script-src 'none'" in headers["content-security-policy"] or \
        "default-src 'none'" in headers["content-security-policy"]
    status, headers, _ = _get(f"{server}/{serve.DB_NAME}/quotes")
    assert status == 200 and headers["x-content-type-options"] == "nosniff"
