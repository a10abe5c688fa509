"""croissant.json (Croissant 1.1): its files are the package's files (sizes and sha256 measured here), its record
sets are the tables with their columns, types, keys and references as datapackage.json and the Parquet files
have them; mlcroissant (pinned in the test extra) validates it and reads records from it, with the network
blocked, and the records are the rows `load()` gives."""

from __future__ import annotations

import copy
import hashlib
import json
import math
import subprocess
import sys
from datetime import date, datetime
from html.parser import HTMLParser

import pyarrow.parquet as pq
import pytest
from conftest import ROOT

import belarus_china as bc

CROISSANT = json.loads((ROOT / "croissant.json").read_text(encoding="utf-8"))
DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = {r["name"]: r for r in DESCRIPTOR["resources"]}
RECORD_SETS = {r["@id"]: r for r in CROISSANT["recordSet"]}
ARROW_TYPES = {"string": "sc:Text", "large_string": "sc:Text", "int64": "sc:Integer", "double": "sc:Float",
               "bool": "sc:Boolean", "date32[day]": "sc:Date"}

# Run in a subprocess with every socket connection refused: mlcroissant must need no network (its
# @context is inline in the file), and what it reads is printed as JSON.
READER = """
import json, socket, sys
def refused(*args, **kwargs):
    raise OSError("no network in this test")
socket.socket.connect = refused
socket.create_connection = refused
import mlcroissant as mlc
from datetime import date, datetime
from html.parser import HTMLParser

def plain(value):
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, (datetime, date)) or type(value).__name__ == "Timestamp":
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value != value:
        return None
    return value

dataset = mlc.Dataset(jsonld=sys.argv[1])
issues = dataset.metadata.ctx.issues
out = {"errors": sorted(issues.errors), "warnings": sorted(issues.warnings), "records": {}}
for name in sys.argv[2:]:
    rows = [{key.split("/", 1)[1]: plain(v) for key, v in record.items()} for record in dataset.records(record_set=name)]
    out["records"][name] = rows
print(json.dumps(out))
"""


def _read(path, names: list[str]) -> dict:
    result = subprocess.run([sys.executable, "-c", READER, str(path), *names], capture_output=True, text=True,
                            timeout=900, cwd=path.parent)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def _plain(value):
    if value is None or (isinstance(value, float) and math.isnan(value)) or type(value).__name__ in ("NAType", "NaTType"):
        return None
    if hasattr(value, "tolist") and not isinstance(value, str):
        value = value.tolist()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    if hasattr(value, "item"):
        return value.item()
    return value


def _rows_of_load(name: str) -> list[dict]:
    frame = bc.load(name, package=ROOT)
    return [{column: _plain(value) for column, value in row.items()} for row in frame.to_dict("records")]


def _same_rows(read: list[dict], name: str) -> None:
    key = RESOURCES[name]["schema"]["primaryKey"]
    loaded = sorted(_rows_of_load(name), key=lambda row: [str(row[k]) for k in key])
    read = sorted(read, key=lambda row: [str(row[k]) for k in key])
    assert len(read) == len(loaded), name
    for ours, theirs in zip(loaded, read, strict=True):
        # mlcroissant gives an empty list column as None or [], and a one-item list as that item or a list
        theirs = {k: ([] if v is None and isinstance(ours.get(k), list) else v) for k, v in theirs.items()}
        for column, value in ours.items():
            got = theirs[column]
            if isinstance(value, list) and not isinstance(got, list):
                got = [got]
            assert got == (value or ([] if isinstance(value, list) else value)), (name, column, value, got)


def test_every_file_is_listed_with_its_measured_size_and_sha256():
    files = {entry["contentUrl"]: entry for entry in CROISSANT["distribution"]}
    expected = {f"datasets/{kind}/{name}.{kind}" for name in RESOURCES for kind in ("csv", "parquet")}
    assert set(files) == expected
    for path, entry in files.items():
        data = (ROOT / path).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest(), path
        assert entry["contentSize"] == f"{len(data)} B", path
        assert entry["encodingFormat"] == ("text/csv" if path.endswith(".csv") else "application/x-parquet")
    assert CROISSANT["conformsTo"] == "http://mlcommons.org/croissant/1.1"
    assert CROISSANT["version"] == DESCRIPTOR["version"] and CROISSANT["name"] == DESCRIPTOR["name"]


def test_record_sets_have_the_tables_columns_types_keys_and_references():
    assert set(RECORD_SETS) == set(RESOURCES)
    for name, record_set in RECORD_SETS.items():
        schema = RESOURCES[name]["schema"]
        fields = {f["name"]: f for f in record_set["field"]}
        header = (ROOT / RESOURCES[name]["path"]).read_text(encoding="utf-8").split("\n", 1)[0].split(",")
        assert list(fields) == header, name
        assert [k["@id"] for k in record_set["key"]] == [f"{name}/{k}" for k in schema["primaryKey"]]
        arrow = pq.read_schema(ROOT / RESOURCES[name]["parquet"]["path"])
        for column, field in fields.items():
            kind = arrow.field(column).type
            if str(kind).startswith("list"):
                assert field["isArray"] is True and field["dataType"] == "sc:Text", (name, column)
                continue
            value_type = str(getattr(kind, "value_type", kind))  # dictionary-encoded enumerations
            assert field["dataType"] == ARROW_TYPES[value_type], (name, column, value_type)
            assert field["source"]["extract"]["column"] == column
        references = {c: f["references"]["field"]["@id"] for c, f in fields.items() if "references" in f}
        declared = {fk["fields"][0]: f"{fk['reference']['resource']}/{fk['reference']['fields'][0]}"
                    for fk in schema.get("foreignKeys", [])}
        assert references == declared, name


def _chained() -> set[str]:
    """Record sets that reference one which references another: mlcroissant 1.1.1 joins a record set with those
    it references and fails on a second level (a generator where it expects a DataFrame, in Join)."""
    referencing = {name for name, rs in RECORD_SETS.items() if any("references" in f for f in rs["field"])}
    return {name for name, rs in RECORD_SETS.items()
            if any(f["references"]["field"]["@id"].split("/")[0] in referencing for f in rs["field"] if "references" in f)}


@pytest.fixture(scope="module")
def published_read():
    readable = sorted(set(RECORD_SETS) - _chained())
    return readable, _read(ROOT / "croissant.json", readable)


def test_mlcroissant_validates_it_offline_without_errors_or_warnings(published_read):
    _, out = published_read
    assert out["errors"] == [] and out["warnings"] == []


def test_mlcroissant_reads_the_tables_rows_through_their_references(published_read):
    readable, out = published_read
    assert {"visits", "evidence", "claims"} <= set(readable)  # tables with references among them
    for name in readable:
        _same_rows(out["records"][name], name)
    codes = [row["cameo_code"] for row in out["records"]["visits"] if row["cameo_code"]]
    assert codes and all(code.startswith("0") for code in codes)  # read from Parquet: leading zeros kept


def test_mlcroissant_reads_every_record_set_without_the_second_level_references(tmp_path):
    stripped = copy.deepcopy(CROISSANT)
    for record_set in stripped["recordSet"]:
        for field in record_set["field"]:
            field.pop("references", None)
    for entry in stripped["distribution"]:
        entry["contentUrl"] = str(ROOT / entry["contentUrl"])
    path = tmp_path / "croissant.json"
    path.write_text(json.dumps(stripped), encoding="utf-8")
    names = sorted(_chained())
    assert names  # else the published file's test reads them all
    out = _read(path, names)
    assert out["errors"] == []
    for name in names:
        _same_rows(out["records"][name], name)


class _JsonLd(HTMLParser):
    def __init__(self):
        super().__init__()
        self.blocks: list[str] = []
        self._inside = False

    def handle_starttag(self, tag, attrs):
        self._inside = tag == "script" and dict(attrs).get("type") == "application/ld+json"
        if self._inside:
            self.blocks.append("")

    def handle_endtag(self, tag):
        self._inside = False

    def handle_data(self, data):
        if self._inside:
            self.blocks[-1] += data


def test_the_viewer_index_carries_the_schema_org_dataset():
    index = ROOT / "docs" / "sources" / "index.html"
    parser = _JsonLd()
    parser.feed(index.read_text(encoding="utf-8"))
    assert len(parser.blocks) == 1
    dataset = json.loads(parser.blocks[0])
    assert dataset["@context"] == "https://schema.org/" and dataset["@type"] == "Dataset"
    assert dataset["name"] == DESCRIPTOR["title"] and dataset["version"] == DESCRIPTOR["version"]
    assert dataset["license"] == DESCRIPTOR["licenses"][0]["path"]
    targets = [d["contentUrl"] for d in dataset["distribution"]]
    assert {"../../datapackage.json", "../../croissant.json"} <= set(targets)
    assert {f"../../{r['path']}" for r in DESCRIPTOR["resources"]} <= set(targets)
    for target in targets:  # relative to the page: every link leads to a file of the package
        assert (index.parent / target).resolve().is_file(), target
