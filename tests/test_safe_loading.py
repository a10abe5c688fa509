"""The loader trusts nothing it downloaded: paths stay inside the package, sizes and hashes match."""

from __future__ import annotations

import json
import os

import pytest
from corrupt import rehash

from belarus_china.loader import DataPackageError, load


def _point_parquet_at(root, name, path):
    descriptor = root / "datapackage.json"
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    next(r for r in package["resources"] if r["name"] == name)["parquet"]["path"] = path
    descriptor.write_text(json.dumps(package), encoding="utf-8")


@pytest.mark.parametrize("path, words", [
    ("/etc/hostname", "absolute or a URL"),
    ("https://example.org/quotes.parquet", "absolute or a URL"),
    ("../quotes.parquet", "climbs out"),
    ("datasets/../../quotes.parquet", "climbs out"),
    ("C:/data/quotes.parquet", "absolute or a URL"),
])
def test_unsafe_paths_are_refused(project, path, words):
    _point_parquet_at(project, "quotes", path)
    with pytest.raises(DataPackageError, match=words):
        load("quotes", project)


def test_a_symlink_leaving_the_package_is_refused(project):
    target = project / "datasets/parquet/quotes.parquet"
    outside = project.parent / "elsewhere.parquet"
    outside.write_bytes(target.read_bytes())
    target.unlink()
    os.symlink(outside, target)
    with pytest.raises(DataPackageError, match="symbolic link; links are never followed"):
        load("quotes", project)


def test_size_and_hash_are_checked_before_reading(project):
    path = project / "datasets/parquet/actors.parquet"
    data = bytearray(path.read_bytes())
    data[-20] ^= 0xFF  # same size, different bytes
    path.write_bytes(bytes(data))
    with pytest.raises(DataPackageError, match="sha256"):
        load("actors", project)


def test_a_truncated_file_with_a_matching_hash_gives_a_clear_error(project):
    path = project / "datasets/parquet/visits.parquet"
    path.write_bytes(path.read_bytes()[:100])
    rehash(project)
    with pytest.raises(DataPackageError, match="visits.parquet is damaged"):
        load("visits", project)


def test_an_unknown_table_lists_the_tables(project):
    with pytest.raises(DataPackageError, match="no table 'speeches'.*quotes"):
        load("speeches", project)


def test_a_missing_descriptor_is_named(tmp_path):
    with pytest.raises(DataPackageError, match="cannot read the package descriptor"):
        load("quotes", tmp_path)
