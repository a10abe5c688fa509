"""Fuzzing the readers of untrusted input one at a time (hypothesis), without a built package: descriptors
(their resources, schemas, categories, derivedFrom), zips (members and end records, zip64 included), Parquet
files (any small table, written any way, its footer damaged) and YAML. Each property: the reader answers or
refuses with our own error (DataPackageError, PackageFileError), never another exception, each example within
a time bound and the whole test within a memory bound.

Bounded for CI (the whole file in well under a minute): a few dozen examples each, no deadline per example
(the machine is shared) but an explicit bound on each example's time; FUZZ_SCALE=10 for a longer hunt.
"""

from __future__ import annotations

import base64
import io
import json
import os
import struct
import subprocess
import sys
import time

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zips
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from belarus_china.base.bounded_parquet import read_parquet
from belarus_china.base.package_source import DataPackageError, PackageSource, shape_problems
from belarus_china.base.safe_files import PackageFileError
from belarus_china.base.safe_yaml import parse_yaml
from belarus_china.loader import derived_from, describe, table_schema_of, tables, views

SECONDS_PER_EXAMPLE = 20
MEMORY_GROWTH_MB = 500
SCALE = float(os.environ.get("FUZZ_SCALE", "1"))
EXAMPLES = {"descriptors": 100, "zips": 100, "parquet": 60, "yaml": 150}


def fuzz(kind: str):
    return settings(max_examples=max(1, round(EXAMPLES[kind] * SCALE)), deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large])


class Timed:
    def __enter__(self):
        self.started = time.perf_counter()

    def __exit__(self, *exc):
        assert time.perf_counter() - self.started < SECONDS_PER_EXAMPLE
        return False


# --- descriptors --------------------------------------------------------------------------------------

SCALARS = (st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False)
           | st.text(max_size=12) | st.sampled_from(["table", "file", "string", "list", "integer", "date", "quotes",
                                                     "http://127.0.0.1:9/x.json", "../x", "sha256:" + "0" * 64]))
ANY = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                        max_size=3), max_leaves=8)
TYPES = st.sampled_from(["string", "list", "integer", "number", "boolean", "date"]) | ANY
CONSTRAINTS = st.fixed_dictionaries({}, optional={"required": ANY, "enum": st.lists(st.text(max_size=5), max_size=3) | ANY})
CATEGORIES = (st.lists(st.text(max_size=5) | st.fixed_dictionaries({"value": st.text(max_size=5)},
                                                                   optional={"label": st.text(max_size=5) | ANY}),
                       max_size=3) | ANY)
FIELD = st.fixed_dictionaries({"name": st.text(max_size=6) | ANY, "type": TYPES},
                              optional={"constraints": CONSTRAINTS | ANY, "categories": CATEGORIES,
                                        "description": ANY, "unit": ANY}) | ANY
RESOURCE = st.fixed_dictionaries(
    {"name": st.sampled_from(["quotes", "timeline", "x"]) | ANY},
    optional={"type": st.sampled_from(["table", "file"]) | ANY, "derivedFrom": st.lists(st.text(max_size=6), max_size=3) | ANY,
              "schema": st.fixed_dictionaries({"fields": st.lists(FIELD, max_size=4) | ANY}) | ANY,
              "parquet": st.fixed_dictionaries({"path": st.text(max_size=10) | ANY}) | ANY,
              "path": ANY, "bytes": ANY, "hash": ANY, "dialect": ANY})
DESCRIPTOR = st.fixed_dictionaries({}, optional={"resources": st.lists(RESOURCE, max_size=3) | ANY,
                                                 "licenses": ANY, "sources": ANY, "generated_files": ANY,
                                                 "$schema": ANY}) | ANY


def test_fuzzed_descriptors_are_read_or_refused_with_our_error(tmp_path, memory_bound):
    """shape_problems, tables(), views(), and each resource's schema, derivedFrom and describe()."""
    descriptor_path = tmp_path / "datapackage.json"

    @fuzz("descriptors")
    @given(descriptor=DESCRIPTOR)
    def run(descriptor):
        descriptor_path.write_text(json.dumps(descriptor), encoding="utf-8")
        with Timed():
            try:
                source = PackageSource(tmp_path)
            except DataPackageError as exc:
                # not an object, or holding Infinity (which json.dumps writes and the standard does not allow)
                assert exc.code == "descriptor-shape" and not isinstance(descriptor, dict) or \
                    exc.code == "descriptor-unreadable" and "Infinity" in descriptor_path.read_text(encoding="utf-8")
                return
            try:
                shape_problems(source.descriptor)
                assert set(tables(tmp_path)) | set(views(tmp_path)) <= set(source.resources())
                for name, entry in source.resources().items():
                    for call, args in ((table_schema_of, (entry, name)), (derived_from, (entry, name)),
                                       (describe, (name, source))):
                        try:
                            call(*args)
                        except DataPackageError as exc:
                            assert exc.code in ("descriptor-shape", "resource-missing"), exc
            finally:
                source.close()

    memory_bound(run)


# --- zips --------------------------------------------------------------------------------------------

MEMBER = st.builds(
    zips.Member, name=st.sampled_from(["datapackage.json", "datasets/csv/quotes.csv", "a/", "x" * 300]) | st.text(max_size=20),
    data=st.binary(max_size=64), size=st.none() | st.sampled_from([0, 1, 2**31, 2**32 - 1, 300 * 2**20]),
    crc=st.none() | st.integers(0, 2**32 - 1), method=st.sampled_from([0, 8, 12, 14, 99]), flags=st.sampled_from([0, 1, 8]))
DESCRIPTOR_MEMBER = zips.Member("datapackage.json", json.dumps({"resources": [
    {"name": "quotes", "path": "datasets/csv/quotes.csv", "hash": "sha256:" + "0" * 64}]}).encode())


def _zip64_tail(data: bytes, entries: int, directory: int, where: str, locator_offset: int) -> bytes:
    """The archive with a zip64 record (at the end of its directory, or nowhere) and a locator inserted before
    its end record, declaring `entries` and `directory`."""
    end = data.rfind(b"PK\x05\x06")
    record = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, entries, entries, directory, 0)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, locator_offset % (2**64), 1)
    middle = (record if where == "before the locator" else b"") + locator
    return data[:end] + middle + data[end:]


def test_fuzzed_zips_are_opened_or_refused_with_our_error(tmp_path, memory_bound):
    archive = tmp_path / "package.zip"

    @fuzz("zips")
    @given(members=st.lists(MEMBER, max_size=4), zip64=st.none() | st.tuples(
        st.integers(0, 2**64 - 1), st.integers(0, 2**64 - 1), st.sampled_from(["before the locator", "nowhere"]),
        st.integers(-10, 2**64)))
    def run(members, zip64):
        zips.write(archive, [DESCRIPTOR_MEMBER, *members])
        if zip64 is not None:
            archive.write_bytes(_zip64_tail(archive.read_bytes(), *zip64))
        with Timed():
            try:
                source = PackageSource(archive)
            except DataPackageError as exc:
                assert exc.code
                return
            try:
                for name in ("datasets/csv/quotes.csv", "a/", "x" * 300):
                    try:
                        source.read_member(name)
                    except PackageFileError as exc:
                        assert exc.code
                source.members("raw")
            finally:
                source.close()

    memory_bound(run)


# --- Parquet -----------------------------------------------------------------------------------------

COLUMN = st.sampled_from([
    lambda n: pa.array([f"v{i % 3}" * (i % 5) for i in range(n)]),
    lambda n: pa.array([[f"a{i}", "b"] if i % 2 else None for i in range(n)], type=pa.list_(pa.string())),
    lambda n: pa.array(range(n), type=pa.int64()),
    lambda n: pa.array([i / 3 for i in range(n)]),
    lambda n: pa.array([None] * n, type=pa.string()),
    lambda n: pa.DictionaryArray.from_arrays(pa.array([i % 2 for i in range(n)], type=pa.int32()), pa.array(["x", "yy"])),
])


def test_fuzzed_parquet_files_are_read_or_refused_with_our_error(memory_bound):
    """Any small table, written with any row-group size, encoding and compression, its footer or pages damaged."""

    @fuzz("parquet")
    @given(columns=st.lists(COLUMN, min_size=1, max_size=4), rows=st.integers(0, 50), data=st.data(),
           group=st.integers(1, 20), dictionary=st.booleans(), schema=st.booleans(),
           compression=st.sampled_from(["none", "snappy", "zstd", "gzip"]))
    def run(columns, rows, data, group, dictionary, schema, compression):
        table = pa.table([make(rows) for make in columns], names=[f"c{i}" for i in range(len(columns))])
        buffer = io.BytesIO()
        pq.write_table(table, buffer, row_group_size=group, use_dictionary=dictionary, store_schema=schema,
                       compression=compression)
        written = bytearray(buffer.getvalue())
        for _ in range(data.draw(st.integers(0, 4), label="damages")):
            # most damage where the footer is: the last few hundred bytes
            at = data.draw(st.integers(max(0, len(written) - 400), len(written) - 1) | st.integers(0, len(written) - 1),
                           label="at")
            written[at] ^= data.draw(st.integers(1, 255), label="bits")
        with Timed():
            try:
                read = read_parquet(bytes(written), "fuzzed.parquet")
            except PackageFileError as exc:
                assert exc.code in ("parquet-unreadable", "parquet-too-large", "file-too-large"), exc.code
                return
        if bytes(written) == buffer.getvalue():
            assert read.num_rows == rows and read.column_names == table.column_names

    memory_bound(run)


# Found by the Parquet fuzzer: a footer whose size-statistics histogram has the wrong length. pyarrow's
# per-column metadata objects call std::terminate on it (the process aborts: no exception to catch); reading
# the data reports it as an error. Written by pyarrow 26.0.1, a few footer bytes flipped.
ABORTING_FOOTER = base64.b64decode(
    "UEFSMRUAFagBFTQsFRoVABUGFQYcNgAoAnYyGAJ2MBERAAAAVBQCAAAAGgEBBgR2MAUGADEFBgAyBQbaEgAVABVoFWIsFRoVABUGFQYcNg4oAmE5GAJh"
    "MRERAAAANDgCAAAAGgAFAAAABczMzAABDwRhMQUGADMFBkw1AgAAAGE3AgAAAGE5AwAAAGExMRUAFdwBFY4BLBUaFQAVBhUGHBgIDAAAAAAAAAAYCAAA"
    "AAAAAAAAFgAoCAwAAAAAAAAAGAgAAAAAAAAAABERAAAAbhgCAAAAGgEADQERCQEWAQEAAwEFEAAAAAQACQEABQkHBAAGDQgABw0IAAgNCAAJDQgACg0I"
    "PAsAAAAAAAAADAAAAAAAAAAVABVgFTQsFQ4VABUGFQYcNgAoAnYyGAJ2MBERAAAAMBQCAAAADgEBBgR2MQUGADIFBgAwBQZKEgAVABVSFUwsFQ4VABUG"
    "FQYcNgYoA2ExORgDYTEzEREAAAApMAIAAAAOAAMAAAADMzMBBwRhMQ0HODUDAAAAYTE3AwAAAGExORUAFXwVXCwVDhUAFQYVBhwYCBMAAAAAAAAAGAgN"
    "AAAAAAAAABYAKAgTAAAAAAAAABgIDQAAAAAAAAAREQAAAD4cAgAAAA4BDQAJAQAOCQcEAA8NCAAQDQgAEQ0IPBIAAAAAAAAAEwAAAAAAAAAVBBlsNQAY"
    "BnNjaGVtYRUGABUMJQIYAmMwJQBMHAAAADUCGAJjMRUCFQZMPAAAADUEGARsaXN0FQIAFQwlAhgHZWxlbWVudCUATBwAAAAVBCUCGAJjMgAWKBksGTwm"
    "ABwVDBklBgAZGAJjMBUCFhoW6AEWdCYIPDYAKAJ2MhgCdjAREQAZHBUAFQAVAgA8FjQZBhkmABoAAAAmABwVDBklBgAZOAJjMQRsaXN0B2VsZW1lbnQV"
    "AhYaFqYBFqABJnw8Ng4oAmE5GAJhMRERABkcFQAVABUCADwWGhkmGgAZRg4AAAwAAAAmABwVBBklBgAZGAJjMhUCFhoW3gIWkAImnAI8GAgMAAAAAAAA"
    "LhgIAAAAAAAAAAAWACgIDAAAAAAAAAAYCAAAAAAAAAAAEREAGRwVABUAFQIAPCkGGSYAGgAAABbsBRYaJggWpAQAGTwmABwVDBklBgAZGAJjMBUCFg4W"
    "ngEWciasBDw2ACgCdjIYAnYwEREAGRwVABUAFQIAPBYcGQYZJgAOAAAAJgAcFQwZJQYAGTgCYzEEbGlzdAdlbGVtZW50FQIWDhaUARaOASaeBTw2BigD"
    "YTE5GANhMTMREQAZHBUAFQAVAgA8FhgZJo8AGUYGAAAIAAAAJgAcFQQZJQYAGRgCYzIVAhYOFvoBFtoBJqwGPBgSEwAAAAAAAAAYCA0AAAAAAAAAFgAo"
    "CBMAAAAAAAAAGAgNAAAAAAAAABERABkcFQAVABUCADwpSRkmAA4AAAAWrAQWDiasBBbaAwAoIHBhcnF1ZXQtY3BwLWFycm93IHZlcnNpb24gMjYuMC4x"
    "GTwcAAAcAAAcAAAAdAIAAFBBUjE=")


def test_a_footer_that_aborts_pyarrows_metadata_objects_is_an_error_not_an_abort(tmp_path):
    path = tmp_path / "aborting.parquet"
    path.write_bytes(ABORTING_FOOTER)
    code = ("import sys; from pathlib import Path; from belarus_china.base.bounded_parquet import read_parquet\n"
            "from belarus_china.base.safe_files import PackageFileError\n"
            "try:\n    read_parquet(Path(sys.argv[1]).read_bytes(), 'aborting.parquet')\n"
            "except PackageFileError as exc:\n    print(exc.code)\n")
    run = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stdout.strip() == "parquet-unreadable", (run.returncode, run.stderr[-2000:])


# --- YAML --------------------------------------------------------------------------------------------

YAML_PIECES = ["&a x", "*a", "<<: {a: 1}", "{a: 1, a: 2}", "[" * 40, "]" * 40, "- ", ": ", "? ", "!!python/object:os.system",
               "%YAML 1.1\n---", "--- a\n--- b", "|\n  block", "'unterminated", '"\\u202E"', "\t", "\ufeff", "\n", "  ",
               "cff-version: 1.2.0", "authors:\n  - name: x", "x" * 11_000, "\x00", "\x1b", "a: b: c"]


def test_fuzzed_yaml_is_parsed_or_refused_with_our_error(memory_bound):
    """The reader of a package's YAML (CITATION.cff): any mix of hostile pieces and text, as UTF-8 or damaged bytes."""

    @fuzz("yaml")
    @given(pieces=st.lists(st.sampled_from(YAML_PIECES) | st.text(max_size=20), max_size=12),
           tail=st.binary(max_size=8))
    def run(pieces, tail):
        data = "".join(pieces).encode("utf-8", "surrogatepass") + tail
        with Timed():
            try:
                parse_yaml(data, "CITATION.cff")
            except PackageFileError as exc:
                assert exc.code == "yaml-unreadable"

    memory_bound(run)


def test_a_billion_laughs_of_any_depth_is_refused_at_its_first_anchor():
    for depth in (1, 5, 30):
        text = "a0: &a0 [x, x]\n" + "".join(f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]\n" for i in range(1, depth))
        with pytest.raises(PackageFileError, match="yaml-alias"):
            parse_yaml(text.encode(), "CITATION.cff")

