"""Tools to damage a built package the way a bad change would, keeping hashes consistent
(so that the check under test, not the hash check, has to catch it)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pandas as pd

from belarus_china.base.codec import frame_from_strings
from belarus_china.base.rawstore import sha256_bytes
from belarus_china.contract.registry import table_schema
from belarus_china.publish.tables import csv_bytes, parquet_bytes


def read_table(root: Path, registry, name: str) -> pd.DataFrame:
    text = pd.read_csv(root / f"datasets/csv/{name}.csv", dtype=str, keep_default_na=False)
    frame, bad = frame_from_strings(text, table_schema(registry[name]))
    assert not bad
    return frame


def rehash(root: Path) -> None:
    """Recompute bytes and sha256 of every declared file, as a careless editor's tool would."""
    path = root / "datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    for resource in package["resources"]:
        for declared in (resource, resource.get("parquet") or {}):
            if "path" in declared and (root / declared["path"]).is_file():
                data = (root / declared["path"]).read_bytes()
                declared["bytes"], declared["hash"] = len(data), f"sha256:{sha256_bytes(data)}"
    path.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_table(root: Path, registry, name: str, frame: pd.DataFrame, *, csv: bool = True, parquet: bool = True):
    schema = table_schema(registry[name])
    if csv:
        (root / f"datasets/csv/{name}.csv").write_bytes(csv_bytes(frame, schema))
    if parquet:
        # A careless writer declares every Parquet column nullable, so a missing required value gets written.
        loose = copy.deepcopy(schema)
        for field in loose["fields"]:
            field.get("constraints", {}).pop("required", None)
        (root / f"datasets/parquet/{name}.parquet").write_bytes(parquet_bytes(frame, loose))
    rehash(root)


def edit_table(root: Path, registry, name: str, mutate, **where) -> None:
    frame = read_table(root, registry, name)
    frame = mutate(frame)
    write_table(root, registry, name, frame.reset_index(drop=True), **where)


def shift_excerpt(root: Path, registry) -> None:
    """Move the first evidence row's offsets one character to the right."""
    def mutate(frame):
        frame.loc[0, "char_start"] += 1
        frame.loc[0, "char_end"] += 1
        return frame
    edit_table(root, registry, "evidence", mutate)
