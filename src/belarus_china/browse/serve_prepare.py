"""What `belarus-china serve` prepares before Datasette starts: the package validated (or refused, with its
problem codes), then the SQLite database, its metadata and the evidence viewer's pages, rendered by the
project's own code from the validated tables and documents.

Nothing of the package is ever copied where Datasette serves files: the files folder holds only the rendered
pages (docs/sources/: the viewer, the Web Annotations), and the raw texts are served from the database by a plugin
(text/plain, nosniff). A package whose `raw_path` named docs/sources/index.html, or raw/x.html, used to have its
own bytes served as HTML on Datasette's site; validation refuses it (the raw_path pattern), and even a package
that got past validation could only change what the project renders, escaped.

A package is read against the descriptor it was validated with: every table file is pinned by its hash there,
and every document by the sha256 of its sources row, so what is rendered is what was validated; a descriptor that
changes between the two reads stops serve (`package-changed`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import NamedTuple

from ..base.package_source import DataPackageError, PackageSource
from ..base.paths import DESCRIPTOR
from ..base.problems import Problem
from ..contract.registry import Registry
from ..contract.vocabulary import Sources
from .serve_cache import FILES, cache_key, cache_root, is_private_entry, private_folder, write_json
from .serve_metadata import DB_NAME, metadata, package_text, safe_url
from .serve_queries import query_choices


class Prepared(NamedTuple):
    database: Path            # the SQLite file
    metadata: Path            # its Datasette metadata, beside it
    temporary: Path | None    # a folder to remove when the server stops (with --sqlite), else None
    files: Path               # the folder Datasette serves as /package/: docs/sources/ (the viewer)


class InvalidPackage(DataPackageError):
    """The package is not valid, so it is not served; `problems` are what `belarus-china validate` reports."""

    def __init__(self, package: Path, problems: list[Problem]):
        super().__init__(f"{package} is not a valid package: {len(problems)} problem(s) (`belarus-china validate` "
                         "reports the same)", code=problems[0].code)
        self.problems = problems


def package_problems(source: PackageSource, registry: Registry) -> list[Problem]:
    """Every problem `belarus-china validate --no-frictionless` finds (frictionless, the standards gate, finds
    nothing that would change what serve shows). An interrupted publish is not finished here: serve writes
    nothing into a package. Closes `source`."""
    from ..contract.validate import validate_package

    return validate_package(source, registry, use_frictionless=False)


def validated_source(package: Path, registry: Registry, expected: dict | None = None) -> PackageSource:
    """The package, opened with the very descriptor it was validated with (and `expected`, when given);
    InvalidPackage when it has problems."""
    checked = PackageSource(package)
    try:
        descriptor = checked.descriptor
        problems = package_problems(checked, registry)
    finally:
        checked.close()
    if problems:
        raise InvalidPackage(package, problems)
    source = PackageSource(package)
    if source.descriptor != descriptor or (expected is not None and expected != descriptor):
        source.close()
        raise DataPackageError(f"{package} changed while serve was reading it; run serve again", code="package-changed")
    return source


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



def merge_rendered(*parts: dict[str, bytes]) -> dict[str, bytes]:
    """The rendered files of each part, by path; a path rendered twice is an error, never a silent replacement."""
    files: dict[str, bytes] = {}
    for part in parts:
        for path, data in part.items():
            if path in files:
                raise ValueError(f"{path} is rendered twice")
            files[path] = data
    return files


def rendered_files(source, registry: Registry, descriptor: dict) -> dict[str, bytes]:
    """The evidence viewer's pages and the Web Annotations beside them (docs/sources/), rendered by the build's
    own code from the package's validated tables and documents. The documents themselves are not among them:
    the database holds them, and a plugin serves them as text/plain."""
    from ..loader import _checked_text, load_all
    from ..publish import viewer, web_annotations

    tables = load_all(source)
    texts = {str(row[Sources.raw_path]): _checked_text(source, row) for row in tables[Sources.table].to_dict("records")}
    frames = value_form(registry, tables)
    package = {"name": package_text(descriptor.get("name")) or DB_NAME, "homepage": safe_url(descriptor.get("homepage"))}
    if not package["homepage"]:
        del package["homepage"]
    return merge_rendered(viewer.render(registry, frames, texts),
                          web_annotations.render(registry, frames, texts, package))


def _write_files(files: dict[str, bytes], folder: Path) -> None:
    """`files` into `folder`, which we make (0700): each a new file, never through a link."""
    from ..base.safe_files import check_relative

    folder.mkdir(mode=0o700)
    for relative, data in sorted(files.items()):
        target = folder / check_relative(relative)
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)


def _build(source: PackageSource, registry: Registry, database: Path, files: Path) -> None:
    from ..publish.sqlite import write_sqlite

    write_sqlite(source, database, registry)
    write_json(database.with_name(f"{database.stem}.metadata.json"),
               metadata(registry, source.descriptor, database=database.stem, choices=query_choices(registry, database)))
    _write_files(rendered_files(source, registry, source.descriptor), files)


def _prepare_at(package: Path, registry: Registry, database: Path) -> Prepared:
    """--sqlite: the database where the user says, the pages in a new private temporary folder."""
    source = validated_source(package, registry)
    try:
        temporary = Path(tempfile.mkdtemp(prefix="belarus-china-serve-"))
        try:
            _build(source, registry, database, temporary / FILES)
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)
            raise
    finally:
        source.close()
    return Prepared(database, database.with_name(f"{database.stem}.metadata.json"), temporary, temporary / FILES)


def _build_entry(package: Path, registry: Registry, descriptor: dict, root: Path, entry: Path) -> None:
    """A cache entry, built in a new private folder and renamed into place whole."""
    source = validated_source(package, registry, descriptor)
    try:
        building = Path(tempfile.mkdtemp(prefix=".building-", dir=root))  # 0700, a name nobody planted
        try:
            _build(source, registry, building / f"{DB_NAME}.sqlite", building / FILES)
            if os.path.lexists(entry):  # a link, a file or a broken entry under our name: replaced, not followed
                if os.path.isdir(entry) and not os.path.islink(entry):
                    shutil.rmtree(entry)
                else:
                    os.unlink(entry)
            try:
                os.rename(building, entry)
            except OSError:  # another serve finished the same entry first
                if not is_private_entry(entry):
                    raise
        finally:
            shutil.rmtree(building, ignore_errors=True)
    finally:
        source.close()


def prepare(package_dir=None, sqlite_path=None, registry: Registry | None = None) -> Prepared:
    """Validate the package (InvalidPackage if it has problems), then write the SQLite database, its Datasette
    metadata and the pages served beside it (the evidence viewer).

    By default into the user's cache (`cache_root()`), in a folder named by the package's content hash
    (`cache_key`): built in a new private folder and renamed into place whole, so a half-written entry is never
    seen, and reused while the package and the code stay the same (a changed package gets a new entry, so a
    stale database is never served; an entry exists only for a package that was valid). With `sqlite_path`, the
    database goes there (the metadata beside it) and the pages into a new private temporary folder, which the
    caller removes. Nothing is ever written into the package. `package_dir=None` is the package installed with
    this library.
    """
    from ..contract.registry import load_registry

    package = _package(package_dir)
    registry = registry or load_registry()
    if sqlite_path is not None:
        return _prepare_at(package, registry, Path(sqlite_path).absolute())
    source = PackageSource(package)
    try:
        descriptor = source.descriptor
    finally:
        source.close()
    root = private_folder(cache_root())
    entry = root / cache_key(descriptor)
    if not is_private_entry(entry):
        _build_entry(package, registry, descriptor, root, entry)
    return Prepared(entry / f"{DB_NAME}.sqlite", entry / f"{DB_NAME}.metadata.json", None, entry / FILES)
