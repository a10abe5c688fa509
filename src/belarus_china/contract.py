"""The contract the tables must meet: pandera schemas derived from the registry, and the
cross-table rules pandera cannot express (foreign keys, evidence, raw text, claims).

`check_tables` is run on the frames the build is about to publish and again on the files a
package holds, so a published package and a fresh build answer to the same rules.
"""

from __future__ import annotations

import hashlib
import unicodedata

import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc
from pandera.errors import SchemaErrors

from .checks import DOMAIN_CHECKS, domain_check
from .problems import Problem
from .registry import LIST_DELIMITER, Column, Registry, Table, table_schema
from .types import value_dtype


def _list_items_ok(s: pd.Series) -> pd.Series:
    return s.str.split(LIST_DELIMITER, regex=False).map(lambda items: all(i.strip() and i == i.strip() for i in items))


def _per_distinct_value(check):
    """Run a row-by-row Python check once per distinct value and spread the answers over the rows:
    a list column such as evidence.supports repeats a few values over many rows. pandera passes the
    present values only (ignore_na), so every row has a distinct value to take its answer from."""
    def run(s: pd.Series) -> pd.Series:
        codes, uniques = pd.factorize(s)
        if (codes < 0).any():
            return check(s)
        answers = check(pd.Series(uniques, dtype=s.dtype)).to_numpy(dtype=bool)
        return pd.Series(answers[codes], index=s.index)
    return run


def _column_checks(column: Column) -> list[pa.Check]:
    checks: list[pa.Check] = []
    if column.type in ("string", "list"):
        checks.append(pa.Check(lambda s: s.str.strip().str.len() > 0, name="not_blank",
                               error="a blank text is not a missing value: leave it empty"))
        checks.append(pa.Check(lambda s: s == s.str.strip(), name="no_outer_whitespace",
                               error="has leading or trailing white space"))
    if column.type == "list":
        checks.append(pa.Check(_per_distinct_value(_list_items_ok), name="list_items",
                               error=f"list items separated by {LIST_DELIMITER!r} must be non-empty"))
    if column.enum:
        checks.append(pa.Check.isin(list(column.enum), error=f"must be one of {list(column.enum)}"))
    if column.pattern:
        pattern = column.pattern
        checks.append(pa.Check(lambda s: s.str.fullmatch(pattern).fillna(False).astype(bool), name="pattern",
                               error=f"must match {pattern}"))
    if column.minimum is not None:
        checks.append(pa.Check.ge(column.minimum))
    if column.maximum is not None:
        checks.append(pa.Check.le(column.maximum))
    if column.min_length is not None:
        checks.append(pa.Check.str_length(min_value=column.min_length))
    if column.check:
        name = column.check
        checks.append(pa.Check(lambda s: domain_check(name, s), name=name, error=f"must be {DOMAIN_CHECKS[name][0]}"))
    return checks


def _row_checks(table: Table) -> list[pa.Check]:
    checks = []
    if table.ordered:
        first, second = table.ordered
        checks.append(pa.Check(lambda df: df[first].isna() | df[second].isna() | (df[second] >= df[first]),
                               name=f"{second}_not_before_{first}", error=f"{second} is before {first}"))
    if table.precision_of:
        dated = table.precision_of
        checks.append(pa.Check(lambda df: df[dated].isna() == df["date_precision"].isna(),
                               name=f"date_precision_with_{dated}",
                               error=f"date_precision must be given exactly when {dated} is"))
    return checks


def pandera_schema(table: Table) -> pa.DataFrameSchema:
    fields = {f["name"]: f for f in table_schema(table)["fields"]}
    columns = {
        c.name: pa.Column(value_dtype(fields[c.name]), checks=_column_checks(c), nullable=not table.is_required(c),
                          unique=table.primary_key == (c.name,), title=c.name, description=c.description)
        for c in table.columns
    }
    return pa.DataFrameSchema(
        columns, checks=_row_checks(table), strict=True, ordered=True, name=table.name,
        unique=list(table.primary_key) if len(table.primary_key) > 1 else None, report_duplicates="all",
    )


def record_ids(table: Table, frame: pd.DataFrame) -> pd.Series:
    """Each row's primary key as one string (a composite key joined by "/"), vectorised."""
    key = frame[list(table.primary_key)].astype("string").fillna("<missing>")
    first, *rest = (key[c] for c in key.columns)
    return first.str.cat(rest, sep="/").rename(None) if rest else first


def _pandera_problems(table: Table, frame: pd.DataFrame) -> list[Problem]:
    try:
        # inplace: nothing is coerced, so pandera need not copy the frame first (a copy of every table)
        pandera_schema(table).validate(frame, lazy=True, inplace=True)
    except SchemaErrors as errors:
        ids = record_ids(table, frame) if set(table.primary_key) <= set(frame.columns) else None
        problems = []
        for case in errors.failure_cases.itertuples(index=False):
            index = case.index
            record = None
            if ids is not None and index is not None and not pd.isna(index) and index in ids.index:
                record = ids.loc[index]
            column = case.column if isinstance(case.column, str) and case.column != table.name else None
            problems.append(Problem(table=table.name, record=record, column=column,
                                    message=f"{case.check} (value {case.failure_case!r})"))
        return problems
    return []


def _isin(values: pd.Series, allowed) -> pd.Series:
    """values.isin(allowed) for text without missing values, computed by pyarrow: pandas' isin on
    Arrow-backed strings goes through Python objects and is about 100x slower on large tables."""
    allowed = pyarrow.array(list(allowed) if isinstance(allowed, (set, frozenset)) else allowed, type=pyarrow.large_string())
    found = pc.is_in(pyarrow.array(values, type=pyarrow.large_string()), value_set=allowed)
    return pd.Series(found.to_numpy(zero_copy_only=False), index=values.index)


def check_tables(registry: Registry, frames: dict[str, pd.DataFrame], texts: dict[str, str]) -> list[Problem]:
    """Every rule on the tables; `texts` maps a source's raw_path to its decoded text."""
    problems: list[Problem] = []
    for table in registry:
        problems.extend(_pandera_problems(table, frames[table.name]))
    if problems:
        return problems  # cross-table rules assume each table is well formed

    for table in registry:
        frame, ids = frames[table.name], record_ids(table, frames[table.name])
        for column, ref_table, ref_column in table.foreign_keys():
            known = set(frames[ref_table][ref_column])
            values = frame[column].dropna()
            if table.column(column).type == "list":
                values = values.str.split(LIST_DELIMITER, regex=False).explode()
            for index, value in values[~_isin(values, known)].items():
                problems.append(Problem(table=table.name, record=ids[index], column=column,
                                        message=f"{value!r} is not among {ref_table}.{ref_column}"))

    # Rows that point at a record of another table are matched on one "table<US>id" key, so each
    # rule is one vectorised isin over the whole column rather than a Python loop over rows.
    ids_of = {t.name: record_ids(t, frames[t.name]) for t in registry}
    evidence = frames["evidence"]
    cited = _table_keys(evidence["record_table"].astype(str), evidence["record_id"].astype(str))
    for table in registry:
        if table.has_evidence:
            ids = ids_of[table.name]
            uncited = ~_isin(_table_keys(table.name, ids), cited)
            for record_id in ids[uncited.to_numpy()]:
                problems.append(Problem(table=table.name, record=record_id, column=None,
                                        message="no evidence row cites this record"))
    known = pd.concat([_table_keys(name, ids) for name, ids in ids_of.items()], ignore_index=True)
    for label in ("evidence", "inferences", "claims"):
        frame = frames[label]
        targets, record_id = frame["record_table"], frame["record_id"]
        dangling = _isin(targets, list(ids_of)) & ~_isin(_table_keys(targets, record_id), known)
        if dangling.any():
            labels = ids_of[label]
            for index, target, value in zip(frame.index[dangling.to_numpy()], targets[dangling], record_id[dangling]):
                problems.append(Problem(table=label, record=labels[index], column="record_id",
                                        message=f"{value!r} is not a record of {target}"))
    problems.extend(_check_evidence_text(registry, frames, texts))
    problems.extend(_check_references_to_columns(registry, frames))
    return problems


def _table_keys(table, record_id: pd.Series) -> pd.Series:
    """'table<US>record id' per row; `table` is one name or a Series of names. The separator is the
    ASCII unit separator, which no table name contains, so equal keys mean equal (table, id) pairs."""
    record_id = record_id.astype("string")
    if isinstance(table, str):
        return (table + "\x1f") + record_id
    return table.astype("string").str.cat(record_id, sep="\x1f")


def _check_evidence_text(registry: Registry, frames: dict[str, pd.DataFrame], texts: dict[str, str]) -> list[Problem]:
    problems = []
    sources = frames["sources"].set_index("source_id")
    for row in frames["sources"].itertuples(index=False):
        text = texts.get(row.raw_path)
        if text is None:
            problems.append(Problem(table="sources", record=row.source_id, column="raw_path",
                                    message=f"{row.raw_path} is not in the package"))
            continue
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != row.sha256:
            problems.append(Problem(table="sources", record=row.source_id, column="sha256",
                                    message=f"does not match the bytes of {row.raw_path}"))
        if len(text) != row.char_count:
            problems.append(Problem(table="sources", record=row.source_id, column="char_count",
                                    message=f"is {row.char_count} but {row.raw_path} has {len(text)} code points"))
    # One pass over plain Python lists (source ids are unique here: pandera checked them).
    text_of = {source_id: texts.get(raw_path) for source_id, raw_path in zip(sources.index, sources["raw_path"])}
    evidence = frames["evidence"]
    rows = zip(*(evidence[c].tolist() for c in ("evidence_id", "source_id", "excerpt", "char_start", "char_end")))
    for evidence_id, source_id, excerpt, start, end in rows:
        text = text_of.get(source_id)
        if text is None:
            continue
        start, end = int(start), int(end)
        if end > len(text):
            problems.append(Problem(table="evidence", record=evidence_id, column="char_end",
                                    message=f"is past the end of the document ({len(text)} code points)"))
        elif text[start:end] != excerpt:
            normalised = unicodedata.normalize("NFC", excerpt) == text[start:end]
            detail = " (it differs only in Unicode normalisation)" if normalised else ""
            problems.append(Problem(table="evidence", record=evidence_id, column="excerpt",
                                    message=f"does not equal the raw text at {start}:{end}{detail}: "
                                            f"raw has {text[start:end][:60]!r}"))
    return problems


def _check_references_to_columns(registry: Registry, frames: dict[str, pd.DataFrame]) -> list[Problem]:
    """evidence.supports and inferences.field must name columns of the record's table."""
    problems = []
    # Few distinct (table, supports) pairs occur: each is checked once, then looked up per row.
    unknown: dict[tuple, list[str]] = {}
    evidence = frames["evidence"]
    for evidence_id, table, supports in zip(*(evidence[c].tolist() for c in ("evidence_id", "record_table", "supports"))):
        key = (table, supports)
        if key not in unknown:
            unknown[key] = [] if pd.isna(supports) or table not in registry.tables else [
                name for name in str(supports).split(LIST_DELIMITER) if name not in registry[table].column_names]
        for name in unknown[key]:
            problems.append(Problem(table="evidence", record=evidence_id, column="supports",
                                    message=f"{name!r} is no column of {table}"))
    inferences = frames["inferences"]
    for table, record_id, field in zip(*(inferences[c].tolist() for c in ("record_table", "record_id", "field"))):
        if table in registry.tables and field not in registry[table].column_names:
            problems.append(Problem(table="inferences", record=f"{table}/{record_id}",
                                    column="field", message=f"{field!r} is no column of {table}"))
    return problems
