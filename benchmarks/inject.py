"""Inject one error of each rule class into a copy of a built package, and run both validators on it.

The rule classes frictionless and `belarus-china validate` both check: types, primary keys, foreign
keys and enumerations. Each injection edits the CSV (the resource frictionless reads) and, where the
Parquet type can hold the bad value, the Parquet copy the same way; `bytes` and `hash` in the
descriptor are recomputed, so the hash check is not what catches it.

Used by benchmarks/run.py (timed, in fresh processes) and tests/test_benchmark_quick.py.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq


@dataclass(frozen=True)
class Injection:
    rule: str                  # the rule class
    table: str
    column: str
    description: str
    frictionless_types: tuple[str, ...]   # frictionless error types that name it


INJECTIONS = (
    Injection("type", "evidence", "char_start", "char_start of the first evidence row is 'twelve' (an integer column)",
              ("type-error",)),
    Injection("primary key", "evidence", "evidence_id", "the first evidence row appears twice",
              ("primary-key", "unique-error")),
    # A single-valued reference: list columns (quotes.speaker_ids) are checked by ours only, since a Table
    # Schema foreign key cannot hold a list.
    Injection("foreign key", "visits", "guest_id", "the first visit's guest_id names no actor",
              ("foreign-key",)),
    Injection("enumeration", "visits", "visit_type", "the first visit's visit_type is 'space_visit'",
              ("constraint-error",)),
)

_CSV: dict[str, Any] = {"lineterminator": "\n", "quoting": csv.QUOTE_MINIMAL}


def copy_package(built: Path, target: Path) -> Path:
    """The published files (tables, generated docs and citation, which the descriptor lists) and raw/ of a
    built project, without its inputs."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name in ("datasets", "docs", "raw"):
        shutil.copytree(built / name, target / name)
    for name in ("datapackage.json", "CITATION.cff"):
        shutil.copy2(built / name, target / name)
    return target


def _edit_rows(rows: list[list[str]], header: list[str], injection: Injection) -> list[list[str]]:
    column = header.index(injection.column)
    if injection.rule == "primary key":
        return [rows[0], *rows]
    value = {"type": "twelve", "foreign key": "nobody-at-all", "enumeration": "space_visit"}[injection.rule]
    rows[0][column] = value
    return rows


def inject(package: Path, injection: Injection) -> None:
    """Apply one injection to the package folder in place."""
    csv_path = package / f"datasets/csv/{injection.table}.csv"
    header, *rows = list(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8"))))
    rows = _edit_rows(rows, header, injection)
    out = io.StringIO()
    writer = csv.writer(out, **_CSV)
    writer.writerow(header)
    writer.writerows(rows)
    csv_path.write_bytes(out.getvalue().encode("utf-8"))

    parquet_path = package / f"datasets/parquet/{injection.table}.parquet"
    table = pq.read_table(parquet_path)
    if injection.rule == "primary key":
        table = pa.concat_tables([table.slice(0, 1), table])
    elif injection.rule != "type":  # an int64 column cannot hold 'twelve': the Parquet copy keeps the number
        column = table.column(injection.column).to_pylist()
        column[0] = rows[0][header.index(injection.column)]
        table = table.set_column(table.schema.get_field_index(injection.column), injection.column,
                                 pa.array(column, type=table.schema.field(injection.column).type))
    # A careless writer: no nullability, no metadata; the data is what matters here.
    pq.write_table(table.replace_schema_metadata(None), parquet_path, compression="zstd", store_schema=False)
    _rehash(package)


def _rehash(package: Path) -> None:
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        for declared in (resource, resource.get("parquet") or {}):
            file = package / declared.get("path", "")
            if declared.get("path") and file.is_file():
                data = file.read_bytes()
                declared["bytes"], declared["hash"] = len(data), f"sha256:{hashlib.sha256(data).hexdigest()}"
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


# --- the two validators, each in a fresh process ------------------------------------------------

def frictionless_command(package: Path) -> list[str]:
    script = Path(sys.executable).with_name("frictionless")
    return [str(script), "validate", "--json", str(package / "datapackage.json")]


def ours_command(package: Path) -> list[str]:
    return [sys.executable, "-m", "belarus_china.cli", "validate", str(package), "--json", "--no-frictionless"]


def run_json(command: list[str], timeout: float = 600) -> dict:
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    try:
        return json.loads(result.stdout)
    except ValueError:
        raise RuntimeError(f"{command[0]} gave no JSON report (exit {result.returncode}): "
                           f"{result.stderr[-2000:]}") from None


def ours_found(report: dict, injection: Injection) -> list[str]:
    """Our problems that name the injected table and column."""
    return [f"{p.get('record', '')} {p.get('column', '')}: {p['message']}" for p in report["problems"]
            if p.get("table") == injection.table and p.get("column") == injection.column]


def frictionless_found(report: dict, injection: Injection) -> list[str]:
    """Frictionless errors of the expected type in the injected resource (naming the column where the type has one)."""
    found = []
    for task in report.get("tasks", []):
        if task.get("name") != injection.table:
            continue
        for error in task.get("errors", []):
            named = error.get("fieldName") in (None, injection.column) or injection.column in error.get("note", "")
            if error.get("type") in injection.frictionless_types and named:
                found.append(f"row {error.get('rowNumber')} {error.get('fieldName') or ''}: {error.get('type')}")
    return found


def check_injections(built: Path, work: Path) -> list[dict]:
    """Run both validators on the clean package and on one copy per injection; return what each found."""
    results = []
    clean = copy_package(built, work / "clean")
    ours, theirs = run_json(ours_command(clean)), run_json(frictionless_command(clean))
    results.append({"rule": "none (clean package)", "description": "the package as built",
                    "ours": [str(p) for p in ours["problems"]], "frictionless": [] if theirs["valid"] else
                    [e.get("type") for t in theirs["tasks"] for e in t["errors"]] + [e.get("type") for e in theirs["errors"]],
                    "ours_valid": ours["valid"], "frictionless_valid": theirs["valid"]})
    for injection in INJECTIONS:
        package = copy_package(built, work / injection.rule.replace(" ", "-"))
        inject(package, injection)
        ours, theirs = run_json(ours_command(package)), run_json(frictionless_command(package))
        results.append({"rule": injection.rule, "description": injection.description,
                        "ours": ours_found(ours, injection), "frictionless": frictionless_found(theirs, injection),
                        "ours_valid": ours["valid"], "frictionless_valid": theirs["valid"]})
        shutil.rmtree(package, ignore_errors=True)
    shutil.rmtree(clean, ignore_errors=True)
    return results


def all_caught(results: list[dict]) -> bool:
    """The clean package passes both; every injection fails both, each naming the injected column."""
    clean, *injected = results
    return (clean["ours_valid"] and clean["frictionless_valid"]
            and all(r["ours"] and r["frictionless"] and not r["ours_valid"] and not r["frictionless_valid"]
                    for r in injected))
