"""The table rules, written once: pandera schemas derived from the registry, and the cross-table
rules pandera cannot express (evidence, raw text, quotations, references to columns; the foreign keys and
references to records run as SQL on the engine, `contract.engine`).

`check_tables` runs on the frames a build is about to publish and again on the files a package
holds, so a fresh build and a package from elsewhere answer to the same rules. A problem found
here on a build is mapped back to the curation file and record that produced the row (see
`curate.assemble`), so no rule needs a second implementation on the curated records.
"""

from __future__ import annotations

import hashlib
import unicodedata

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from ..base.codec import codec_of, value_dtype
from ..base.problems import CATALOGUE, Problem
from .checks import DOMAIN_CHECKS, domain_check, no_unsafe_character
from .disagreement import check_disagrees
from .distinct import check_distinctions
from .engine import check_references
from .enum_words import check_enum_words
from .frames import Rows
from .inherited import check_inherited
from .languages import check_languages
from .provenance import check_provenance
from .quotations import check_quotations
from .registry import Column, Registry, Table, table_schema
from .vocabulary import Evidence, Inferences, RenamedIds, Sources
from .windows import check_window_order, check_windows
from .words import check_words

# pandera's built-in check names -> our problem codes (our own checks are named by their codes).
_PANDERA_CODES = {
    "not_nullable": "required",
    "field_uniqueness": "unique",
    "multiple_fields_uniqueness": "unique",
    "dataframe_uniqueness": "unique",
    "isin": "enum",
    "greater_than_or_equal_to": "minimum",
    "less_than_or_equal_to": "maximum",
    "str_length": "min-length",
}


def _list_items_ok(delimiter: str):
    def check(s: pd.Series) -> pd.Series:
        return s.str.split(delimiter, regex=False).map(lambda items: all(i.strip() and i == i.strip() for i in items))
    return check


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


def _column_checks(table: Table, column: Column) -> list[pa.Check]:
    checks: list[pa.Check] = []
    kind = codec_of(column.type)
    if kind.is_text:
        checks.append(pa.Check(lambda s: s.str.strip().str.len() > 0, name="blank-text",
                               error="a blank text is not a missing value: leave it empty"))
        checks.append(pa.Check(lambda s: s == s.str.strip(), name="outer-whitespace",
                               error="has leading or trailing white space"))
        checks.append(pa.Check(no_unsafe_character, name="unsafe-character",
                               error="holds a control or bidirectional formatting character"))
    if kind.is_list:
        checks.append(pa.Check(_per_distinct_value(_list_items_ok(table.list_delimiter)), name="list-item",
                               error=f"list items separated by {table.list_delimiter!r} must be non-empty"))
    if column.enum:
        checks.append(pa.Check.isin(list(column.enum), error=f"must be one of {list(column.enum)}"))
    if column.pattern:
        pattern = column.pattern
        checks.append(pa.Check(lambda s: s.str.fullmatch(pattern).fillna(False).astype(bool), name="pattern",
                               error=f"must match {pattern}"))
    if column.minimum is not None:
        checks.append(pa.Check.ge(column.minimum, error=f"must be at least {column.minimum:g}"))
    if column.maximum is not None:
        checks.append(pa.Check.le(column.maximum, error=f"must be at most {column.maximum:g}"))
    if column.min_length is not None:
        checks.append(pa.Check.str_length(min_value=column.min_length))
    if column.check:
        name = column.check
        code, meaning, _ = DOMAIN_CHECKS[name]
        checks.append(pa.Check(lambda s: domain_check(name, s), name=code, error=f"must be {meaning}"))
    return checks


def _row_check_columns(table: Table) -> dict[str, str]:
    """Each row rule's name -> the column it is reported on."""
    columns = {}
    if table.ordered:
        columns["date-order"] = table.ordered[1]
    return columns


def _row_checks(table: Table) -> list[pa.Check]:
    checks = []
    if table.ordered:
        first, second = table.ordered
        checks.append(pa.Check(lambda df: df[first].isna() | df[second].isna() | (df[second] >= df[first]),
                               name="date-order", error=f"{second} is before {first}"))
    return checks


def pandera_schema(table: Table) -> pa.DataFrameSchema:
    fields = {f["name"]: f for f in table_schema(table)["fields"]}
    columns = {
        c.name: pa.Column(value_dtype(fields[c.name]), checks=_column_checks(table, c),
                          nullable=not table.is_required(c), unique=table.primary_key == (c.name,), title=c.name,
                          description=c.description)
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


def _failed_check(schema: pa.DataFrameSchema, case) -> pa.Check | None:
    """The Check object a pandera failure case reports (None for pandera's built-in checks)."""
    number = case.check_number
    if number is None or pd.isna(number):
        return None
    if case.schema_context == "Column" and case.column in schema.columns:
        return schema.columns[case.column].checks[int(number)]
    if case.schema_context == "DataFrameSchema" and int(number) < len(schema.checks):
        return schema.checks[int(number)]
    return None


def _code(check: pa.Check | None, case) -> str:
    """Our problem code: the failed check's name (our checks are named by their codes), else pandera's
    own check name mapped through _PANDERA_CODES."""
    name = check.name if check is not None else str(case.check)
    if name in _PANDERA_CODES:
        return _PANDERA_CODES[name]
    if name not in CATALOGUE:
        return "column-dtype"  # dtype('...'), column_in_schema, column_in_dataframe: the frame itself is malformed
    return name


def _pandera_problems(table: Table, frame: pd.DataFrame) -> list[Problem]:
    schema = pandera_schema(table)
    try:
        # inplace: nothing is coerced, so pandera need not copy the frame first (a copy of every table)
        schema.validate(frame, lazy=True, inplace=True)
    except SchemaErrors as errors:
        ids = record_ids(table, frame) if set(table.primary_key) <= set(frame.columns) else None
        subject = _row_check_columns(table)
        problems = []
        for case in errors.failure_cases.itertuples(index=False):
            index = case.index
            record = None
            if ids is not None and index is not None and not pd.isna(index) and index in ids.index:
                record = ids.loc[index]
            check = _failed_check(schema, case)
            column = case.column if isinstance(case.column, str) and case.column != table.name else None
            if case.schema_context == "DataFrameSchema" and check is not None and check.name in subject:
                column = subject[check.name]  # a row rule: reported once per row, on the column it is about
                value = frame.at[index, column] if record is not None else case.failure_case
            else:
                value = case.failure_case
            problems.append(Problem(_code(check, case), f"{case.check} (value {value!r})", table=table.name,
                                    record=record, column=column))
        return list(dict.fromkeys(problems))
    return []


def check_tables(registry: Registry, frames: dict[str, pd.DataFrame], texts: dict[str, str]) -> list[Problem]:
    """Every rule on the tables; `texts` maps a source's raw_path to its decoded text."""
    problems: list[Problem] = []
    for table in registry:
        problems.extend(_pandera_problems(table, frames[table.name]))
    if any(p.code == "column-dtype" for p in problems):
        return problems  # cross-table rules assume every table has its columns and types
    ids = {t.name: record_ids(t, frames[t.name]) for t in registry}
    problems.extend(check_references(registry, frames, ids))  # SQL on the engine (contract.engine)
    problems.extend(_check_evidence_text(frames, texts))
    problems.extend(_check_references_to_columns(registry, frames))
    problems.extend(_check_together(registry, frames, ids))
    problems.extend(_check_event_codes(registry, frames, ids))
    rows = Rows(frames)  # shared: both walk the same tables row by row
    problems.extend(check_window_order(registry, frames, ids))
    problems.extend(check_windows(registry, frames, ids, rows))
    problems.extend(check_words(registry, ids, rows))
    problems.extend(check_quotations(registry, frames, texts, ids, rows))
    problems.extend(check_enum_words(registry, frames, ids, rows))
    problems.extend(check_languages(registry, frames, texts, ids, rows))
    problems.extend(check_inherited(registry, frames, ids, rows))
    problems.extend(check_disagrees(registry, frames))
    problems.extend(check_provenance(registry, frames, texts, ids, rows))
    problems.extend(_check_translations(registry, frames, ids))
    problems.extend(_check_renamed_ids(registry, frames, ids))
    problems.extend(check_distinctions(registry, frames, ids))
    return problems


def _check_renamed_ids(registry: Registry, frames: dict[str, pd.DataFrame], ids: dict[str, pd.Series]) -> list[Problem]:
    """An old id is no longer the id of a record of its table (else a link to it would mean two things)."""
    renamed = frames[RenamedIds.table]
    current = {t.name: set(ids[t.name].tolist()) for t in registry}
    problems = []
    for label, table, old in zip(ids[RenamedIds.table].tolist(), renamed[RenamedIds.record_table].tolist(),
                                 renamed[RenamedIds.old_id].tolist(), strict=True):
        if old in current.get(table, set()):
            problems.append(Problem("renamed-id-in-use", f"{old!r} is renamed but is still the id of a row of {table}",
                                    table=RenamedIds.table, record=label, column=RenamedIds.old_id))
    return problems


ENGLISH = "en"  # ISO 639-1: the language translations are made into


def _check_translations(registry: Registry, frames: dict[str, pd.DataFrame], ids: dict[str, pd.Series]) -> list[Problem]:
    """A text printed in another language has its English translation and says who made it; an English
    text has none (that a document's own translation is in its words is checked with the other words)."""
    problems = []
    for table in registry:
        role = table.translation
        if role is None:
            continue
        frame = frames[table.name]
        for record_id, language, translation, by in zip(ids[table.name].tolist(), *(
                frame[c].astype(object).where(frame[c].notna(), None).tolist()
                for c in (role.language, role.translation, role.by)), strict=True):
            where = {"table": table.name, "record": record_id}
            if language not in (None, ENGLISH) and translation is None:
                problems.append(Problem("translation-missing", f"{role.text} is in {language!r}: give {role.translation} "
                                                               f"(its English) and {role.by}", column=role.translation,
                                        **where))
            elif translation is not None and by is None:
                problems.append(Problem("translation-missing", f"{role.translation} is given: say who made it "
                                                               f"({role.by})", column=role.by, **where))
            elif language == ENGLISH and (translation is not None or by is not None):
                problems.append(Problem("translation-needless", f"{role.text} is English: leave {role.translation} and "
                                                                f"{role.by} empty", column=role.translation, **where))
    return problems


def _check_evidence_text(frames: dict[str, pd.DataFrame], texts: dict[str, str]) -> list[Problem]:
    problems = []
    sources = frames[Sources.table]
    for source_id, raw_path, sha256, char_count in zip(
            *(sources[c].tolist() for c in (Sources.id, Sources.raw_path, Sources.sha256, Sources.char_count)), strict=True):
        text = texts.get(raw_path) if isinstance(raw_path, str) else None
        if text is None:
            problems.append(Problem("source-raw-missing", f"{raw_path} is not in the package", table=Sources.table,
                                    record=source_id, column=Sources.raw_path))
            continue
        if isinstance(sha256, str) and hashlib.sha256(text.encode("utf-8")).hexdigest() != sha256:
            problems.append(Problem("source-checksum", f"does not match the bytes of {raw_path}", table=Sources.table,
                                    record=source_id, column=Sources.sha256))
        if not pd.isna(char_count) and len(text) != char_count:
            problems.append(Problem("source-length", f"is {char_count} but {raw_path} has {len(text)} code points",
                                    table=Sources.table, record=source_id, column=Sources.char_count))
    # One pass over plain Python lists (source ids are unique here: pandera checked them).
    text_of = {source_id: texts.get(raw_path)
               for source_id, raw_path in zip(sources[Sources.id].tolist(), sources[Sources.raw_path].tolist(), strict=True)}
    evidence = frames[Evidence.table]
    columns = (Evidence.id, Evidence.source_id, Evidence.excerpt, Evidence.char_start, Evidence.char_end)
    for evidence_id, source_id, excerpt, start, end in zip(*(evidence[c].tolist() for c in columns), strict=True):
        text = text_of.get(source_id)
        if text is None or pd.isna(start) or pd.isna(end) or not isinstance(excerpt, str):
            continue  # a missing value is reported as such
        start, end = int(start), int(end)
        if end > len(text):
            problems.append(Problem("excerpt-out-of-range", f"is past the end of the document ({len(text)} code points)",
                                    table=Evidence.table, record=evidence_id, column=Evidence.char_end))
        elif text[start:end] != excerpt:
            normalised = unicodedata.normalize("NFC", excerpt) == text[start:end]
            detail = " (it differs only in Unicode normalisation)" if normalised else ""
            problems.append(Problem("excerpt-mismatch", f"does not equal the raw text at {start}:{end}{detail}: "
                                                        f"raw has {text[start:end][:60]!r}",
                                    table=Evidence.table, record=evidence_id, column=Evidence.excerpt))
    return problems


def _check_references_to_columns(registry: Registry, frames: dict[str, pd.DataFrame]) -> list[Problem]:
    """evidence.supports and inferences.field must name columns of the record's table."""
    problems = []
    # Few distinct (table, supports) pairs occur: each is checked once, then looked up per row.
    unknown: dict[tuple, list[str]] = {}
    evidence = frames[Evidence.table]
    delimiter = registry[Evidence.table].list_delimiter
    for evidence_id, table, supports in zip(
            *(evidence[c].tolist() for c in (Evidence.id, Evidence.record_table, Evidence.supports)), strict=True):
        key = (table, supports)
        if key not in unknown:
            unknown[key] = [] if pd.isna(supports) or table not in registry.tables else [
                name for name in str(supports).split(delimiter) if name not in registry[table].column_names]
        for name in unknown[key]:
            problems.append(Problem("column-reference", f"{name!r} is no column of {table}", table=Evidence.table,
                                    record=evidence_id, column=Evidence.supports))
    inferences = frames[Inferences.table]
    ids = record_ids(registry[Inferences.table], inferences)
    for label, table, field in zip(ids.tolist(), inferences[Inferences.record_table].tolist(),
                                   inferences[Inferences.field].tolist(), strict=True):
        if table in registry.tables and field not in registry[table].column_names:
            problems.append(Problem("column-reference", f"{field!r} is no column of {table}", table=Inferences.table,
                                    record=label, column=Inferences.field))
    return problems


def _check_together(registry: Registry, frames: dict[str, pd.DataFrame], ids: dict[str, pd.Series]) -> list[Problem]:
    """tables.yaml `together`: columns that are all present or all empty (a Wikidata id and where it was
    verified); the problem names the empty column of a row that has the others."""
    problems = []
    for table in registry:
        frame = frames[table.name]
        for columns in table.together:
            present = frame[list(columns)].notna()
            partial = present.any(axis=1) & ~present.all(axis=1)
            for index in frame.index[partial.to_numpy()]:
                given = [c for c in columns if present.at[index, c]]
                for column in columns:
                    if not present.at[index, column]:
                        problems.append(Problem("pair-incomplete", f"is empty although {', '.join(given)} is given: "
                                                                   f"{', '.join(columns)} go together",
                                                table=table.name, record=ids[table.name][index], column=column))
    return problems


def _check_event_codes(registry: Registry, frames: dict[str, pd.DataFrame], ids: dict[str, pd.Series]) -> list[Problem]:
    """Every CAMEO and PLOVER code is the one event_codes.yaml gives the row's kind (and empty where it gives
    none): the codes are derived, so a code written by hand, stale or edited is caught."""
    problems = []
    for table in registry:
        role = table.event_codes
        if role is None:
            continue
        frame = frames[table.name]
        kinds = frame[role.source].astype("string")
        expected = {kind: role.codes_for(kind) for kind in kinds.dropna().unique()}
        for column in role.columns:
            want = kinds.map({kind: codes[column] for kind, codes in expected.items()}).astype("string")
            have = frame[column].astype("string")
            wrong = ~((want.isna() & have.isna()) | (want == have).fillna(False).astype(bool))
            for index in frame.index[wrong.to_numpy()]:
                value = have[index]
                problems.append(Problem(
                    "event-code", f"is {None if pd.isna(value) else value!r} but {role.source} "
                                  f"{kinds[index]!r} gives {want[index]!r} (validation/event_codes.yaml)",
                    table=table.name, record=ids[table.name][index], column=column))
    return problems
