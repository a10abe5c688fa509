"""One parser per type: a CSV cell is read by the parser that reads a curation file's value, and refuses
what it refuses (base.cells); a bad cell in a package is reported through `validate` with its code."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pyarrow as pa
import pytest
from corrupt import rehash
from hypothesis import given, settings
from hypothesis import strategies as st

from belarus_china.base.cells import GRAMMARS, parse_column, parse_value
from belarus_china.base.codec import CodecError, frame_from_strings, parse_text
from belarus_china.contract.validate import validate_package

# Texts the old CSV reader took (pandas' to_numeric and to_datetime) and the curation parser refused,
# and more a careless editor might type.
BAD = {
    "integer": ["1e2", "+5", " 7", "7 ", "inf", "5.0", "1_000", "\u0661\u0662", "0x10", "-", "99999999999999999999"],
    "number": ["+5", " 7", "inf", "-inf", "nan", "NaN", "1_000", ".5", "5.", "1e", "1e400", "1,5", "\u0661"],
    "date": ["2023-2-3", "2023-02-30", "2023/02/03", "20230203", " 2023-02-03", "2023-02-03T00:00", "0000-01-01",
             "\u0662023-02-03"],
    "boolean": ["True", "FALSE", "1", "0", "yes", " true"],
}
GOOD = {
    "integer": [("0", 0), ("-12", -12), ("007", 7), (str(2**63 - 1), 2**63 - 1)],
    "number": [("1.5", 1.5), ("-0", -0.0), ("1e2", 100.0), ("3.25e-05", 3.25e-05), ("1E+20", 1e20), ("12", 12.0)],
    "date": [("2023-02-28", date(2023, 2, 28)), ("2024-02-29", date(2024, 2, 29))],
    "boolean": [("true", True), ("false", False)],
}


@pytest.mark.parametrize("kind, text", [(k, t) for k, texts in BAD.items() for t in texts])
def test_a_bad_text_is_refused_by_the_value_parser_and_the_column_parser_alike(kind, text):
    with pytest.raises(CodecError) as caught:
        parse_text(text, {"type": kind})
    assert repr(text) in str(caught.value)
    values, bad = parse_column(pa.array([GOOD[kind][0][0], text, None]), kind)
    assert bad.tolist() == [False, True, False]
    assert values[1].as_py() is None


@pytest.mark.parametrize("kind, text, value", [(k, t, v) for k, pairs in GOOD.items() for t, v in pairs])
def test_a_good_text_gives_the_same_value_both_ways(kind, text, value):
    assert parse_text(text, {"type": kind}) == value
    values, bad = parse_column(pa.array([text, None]), kind)
    assert bad.tolist() == [False, False]
    assert values.to_pylist() == [value, None]
    if kind == "number":
        assert math.copysign(1, values[0].as_py()) == math.copysign(1, value)


# Texts near every grammar: digits (ASCII and not), signs, points, exponents, dashes, blanks, letters.
NEAR = st.text(alphabet="0123456789-+.eE :Ttrufalsn\u0661\u00a0_", max_size=12)


@settings(max_examples=400, deadline=None)
@given(st.lists(NEAR, min_size=1, max_size=20), st.sampled_from(sorted(GRAMMARS)))
def test_the_column_parser_agrees_with_the_value_parser_on_every_text(texts, kind):
    values, bad = parse_column(pa.array(texts, type=pa.string()), kind)
    for text, value, refused in zip(texts, values.to_pylist(), bad.tolist(), strict=True):
        try:
            expected = parse_value(text, kind)
        except CodecError:
            assert refused and value is None, text
            continue
        assert not refused and value == expected, text


def test_frame_from_strings_reports_each_bad_cell_in_the_parsers_words():
    schema = {"fields": [{"name": "n", "type": "integer"}, {"name": "d", "type": "date"}]}
    text = pd.DataFrame({"n": ["1", "1e2", ""], "d": ["2023-02-03", "", "2023-2-3"]}, dtype="string")
    frame, bad = frame_from_strings(text, schema)
    assert bad == [(1, "n", "'1e2' is not a whole number (digits, with '-' before a negative one)"),
                   (2, "d", "'2023-2-3' is not a date of the form YYYY-MM-DD")]
    assert frame["n"].tolist()[0] == 1 and frame["n"].isna().tolist() == [False, True, True]
    assert str(frame["n"].dtype) == "Int64" and str(frame["d"].dtype) == "datetime64[ns]"


def test_each_bad_cell_in_a_package_is_reported_through_validate(project, registry):
    frames = {t.name: pd.read_csv(project / f"datasets/csv/{t.name}.csv", dtype=str, keep_default_na=False)
              for t in registry}
    planted = []
    for kind, texts in BAD.items():
        # Every cell of every column of the type, largest tables first; one bad text in each of the first cells.
        cells = [(t.name, c.name, row) for t in sorted(registry, key=lambda t: -len(frames[t.name]))
                 for c in t.columns if c.type == kind for row in range(len(frames[t.name]))]
        assert len(cells) >= len(texts)
        for (table, column, row), text in zip(cells, texts, strict=False):
            frames[table].loc[row, column] = text
            planted.append((f"datasets/csv/{table}.csv", f"row {row + 1}", column, text))
    for name in {file.split("/")[-1].removesuffix(".csv") for file, *_ in planted}:
        frames[name].to_csv(project / f"datasets/csv/{name}.csv", index=False, lineterminator="\n")
    rehash(project)
    problems = validate_package(project, registry, use_frictionless=False)
    reported = {(p.file, p.record, p.column): p.message for p in problems if p.code == "cell-type"}
    for file, record, column, text in planted:
        assert (file, record, column) in reported, f"{text!r} in {file} {column} not reported"
        assert reported[(file, record, column)].startswith(repr(text))
    assert len(reported) == len(planted)
