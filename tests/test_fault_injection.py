"""Fault injection: one corruption at a time on a copy of a valid package; validation must fail
and name the problem. Hashes are recomputed wherever the corruption would have them recomputed,
so the hash check alone cannot be what catches it.
"""

from __future__ import annotations

import json
import os
import unicodedata

import pandas as pd
import pytest
from corrupt import edit_table, read_table, rehash, shift_excerpt

from belarus_china.cli import main
from belarus_china.contract.validate import validate_package


def _set(table, column, value, row=0):
    def mutate(frame):
        frame[column] = frame[column].astype(object)
        frame.loc[row, column] = value
        return frame
    return lambda root, reg: edit_table(root, reg, table, mutate)


def _with_frame(table, mutate, **where):
    return lambda root, reg: edit_table(root, reg, table, mutate, **where)


def _descriptor(edit):
    def apply(root, reg):
        path = root / "datapackage.json"
        package = json.loads(path.read_text(encoding="utf-8"))
        edit(package, root)
        path.write_text(json.dumps(package, indent=2), encoding="utf-8")
    return apply


def _resource(package, name):
    return next(r for r in package["resources"] if r["name"] == name)


def _first_evidence_row_with(root, reg, predicate):
    frame = read_table(root, reg, "evidence")
    return frame.index[frame.apply(predicate, axis=1)][0]


def _change_excerpt_text(root, reg):
    def mutate(frame):
        frame.loc[0, "excerpt"] = frame.loc[0, "excerpt"][:-1] + "#"
        return frame
    edit_table(root, reg, "evidence", mutate)


def _normalise_excerpt(root, reg):
    """An editor's tool normalises an excerpt (NFKC turns the no-break space into a space)."""
    row = _first_evidence_row_with(root, reg, lambda r: "\xa0" in r["excerpt"])

    def mutate(frame):
        frame.loc[row, "excerpt"] = unicodedata.normalize("NFKC", frame.loc[row, "excerpt"])
        return frame
    edit_table(root, reg, "evidence", mutate)


def _drop_evidence_of_a_quote(root, reg):
    quote = read_table(root, reg, "quotes").loc[0, "quote_id"]
    edit_table(root, reg, "evidence", lambda f: f[~((f.record_table == "quotes") & (f.record_id == quote))])


def _remove_referenced_actor(root, reg):
    host = read_table(root, reg, "agreements").loc[0, "parties"].split(" | ")[-1]
    edit_table(root, reg, "actors", lambda f: f[f.actor_id != host])


def _end_before_start(root, reg):
    def mutate(frame):
        row = frame.index[frame.start_date.notna()][0]
        frame.loc[row, "end_date"] = frame.loc[row, "start_date"] - pd.Timedelta(days=3)
        return frame
    edit_table(root, reg, "visits", mutate)


def _edit_raw_byte(root, reg):
    path = root / "raw/003_e34279620fbde07c.txt"
    data = bytearray(path.read_bytes())
    data[500] ^= 0x01
    path.write_bytes(bytes(data))


def _csv_only(table, column, value):
    def mutate(frame):
        frame[column] = frame[column].astype(object)
        frame.loc[0, column] = value
        return frame
    return _with_frame(table, mutate, parquet=False)


def _write_csv_text(table, transform):
    def apply(root, reg):
        path = root / f"datasets/csv/{table}.csv"
        path.write_text(transform(path.read_text(encoding="utf-8")), encoding="utf-8")
        rehash(root)
    return apply


def _parquet_column_as_text(root, reg):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = root / "datasets/parquet/evidence.parquet"
    table = pq.read_table(path)
    index = table.schema.get_field_index("char_start")
    table = table.set_column(index, "char_start", table.column("char_start").cast(pa.string()))
    pq.write_table(table, path)
    rehash(root)


def _truncate_parquet(root, reg):
    path = root / "datasets/parquet/quotes.parquet"
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    rehash(root)


def _symlink_outside(root, reg):
    outside = root.parent / "outside.csv"
    outside.write_bytes((root / "datasets/csv/quotes.csv").read_bytes())
    (root / "datasets/csv/quotes.csv").unlink()
    os.symlink(outside, root / "datasets/csv/quotes.csv")


def _set_path(name, path):
    return _descriptor(lambda package, root: _resource(package, name).update(path=path))


def _edit_description(package, root):
    _resource(package, "visits")["schema"]["fields"][0]["description"] = "edited by hand"


def _edit_without_rehash(root, reg):
    path = root / "datasets/csv/actors.csv"
    path.write_bytes(path.read_bytes().replace(b"Xi Jinping", b"Xi Jinpin", 1))


def _on_row(table, key, record_id, **values):
    """Set columns of the row whose `key` is `record_id` (a row chosen by meaning, not position)."""
    def mutate(frame):
        row = frame.index[frame[key] == record_id][0]
        for column, value in values.items():
            frame[column] = frame[column].astype(object)
            frame.loc[row, column] = value
        return frame
    return _with_frame(table, mutate)


def _on_claim(record_id, field, source_prefix="", **values):
    def mutate(frame):
        match = (frame.record_id == record_id) & (frame.field == field) & frame.source_id.str.startswith(source_prefix)
        row = frame.index[match][0]
        for column, value in values.items():
            frame[column] = frame[column].astype(object)
            frame.loc[row, column] = value
        return frame
    return _with_frame("claims", mutate)


def _shift_quote_window(root, reg):
    """A quote said "on Monday" moved a week, with every derived column made consistent with the move:
    only reading the words against the anchor shows it."""
    day = pd.Timedelta(days=7)

    def mutate(frame):
        row = frame.index[frame.quote_id == "lukashenko-reliable-partner-for-china"][0]
        low, high = frame.loc[row, "date_earliest"] + day, frame.loc[row, "date_latest"] + day
        frame.loc[row, "date_earliest"], frame.loc[row, "date_latest"] = low, high
        frame.loc[row, "date_edtf"] = f"{low.date()}/{high.date()}"
        return frame
    _with_frame("quotes", mutate)(root, reg)


def _rename_to_an_id_in_use(root, reg):
    visits = read_table(root, reg, "visits")["visit_id"].tolist()
    row = pd.DataFrame([{"record_table": "visits", "old_id": visits[0], "record_id": visits[1]}])
    edit_table(root, reg, "renamed_ids", lambda f: pd.concat([f, row.astype(f.dtypes.to_dict())]))


def _drop_bound_inference(root, reg):
    edit_table(root, reg, "inferences", lambda f: f[~((f.record_id == "putin-china-high-profile-visits") &
                                                      (f.field == "date_earliest"))])


def _duplicate_inference(root, reg):
    edit_table(root, reg, "inferences", lambda f: pd.concat([f, f.iloc[[0]]]))


def _drop_column(root, reg):
    edit_table(root, reg, "quotes", lambda f: f.drop(columns=["channel"]).assign(channel=pd.NA)
               [[c for c in f.columns if c != "channel"]], csv=False, parquet=False)
    path = root / "datasets/csv/quotes.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False).drop(columns=["channel"])
    frame.to_csv(path, index=False, lineterminator="\n")
    rehash(root)


def _extra_column(root, reg):
    path = root / "datasets/csv/visits.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False).assign(secret="x")
    frame.to_csv(path, index=False, lineterminator="\n")
    rehash(root)


# (kind, corruption, the problem code the report must carry, the table it must name)
CORRUPTIONS = [
    ("duplicate primary key", _with_frame("actors", lambda f: pd.concat([f, f.iloc[[0]]])), "unique", "actors"),
    ("duplicate composite key", _duplicate_inference, "unique", "inferences"),
    ("dangling foreign key, child to parent", _set("quotes", "addressee_id", "nobody-at-all"), "foreign-key", "quotes"),
    ("dangling foreign key, parent removed", _remove_referenced_actor, "foreign-key", "agreements"),
    ("evidence pointing at a missing record", _set("evidence", "record_id", "no-such-record"), "record-reference", "evidence"),
    ("claim about a missing record", _set("claims", "record_id", "no-such-visit"), "record-reference", "claims"),
    ("dangling list reference", _set("agreements", "parties", "government-of-china | nobody"), "foreign-key", "agreements"),
    ("value outside an enumeration", _set("visits", "visit_type", "holiday"), "enum", "visits"),
    ("end date before start date", _end_before_start, "date-order", "visits"),
    ("negative value", _set("trade_figures", "value", -5.0), "minimum", "trade_figures"),
    ("absurd value", _set("trade_figures", "value", 1e15), "maximum", "trade_figures"),
    ("a figure's words removed", _set("trade_figures", "value_as_reported", None), "words-missing", "trade_figures"),
    ("a value its words do not say", _set("trade_figures", "value", 3.56e9), "words-mismatch", "trade_figures"),
    ("wrong ISO country code", _set("visits", "host_country", "XXX"), "country-code", "visits"),
    # the characters the build refuses in curated text, refused in a package's text too (the review: validated)
    ("right-to-left override in a text", _set("quotes", "notes", "paid \u202e01$"), "unsafe-character", "quotes"),
    ("NUL in a text", _set("actors", "notes", "before\x00after"), "unsafe-character", "actors"),
    ("terminal escape in a text", _set("visits", "notes", "\x1b[2Jcleared"), "unsafe-character", "visits"),
    ("pattern broken in an id", _set("actors", "actor_id", "Xi Jinping"), "pattern", "actors"),
    ("excerpt shifted by one character", shift_excerpt, "excerpt-mismatch", "evidence"),
    ("excerpt text changed", _change_excerpt_text, "excerpt-mismatch", "evidence"),
    ("excerpt Unicode-normalised", _normalise_excerpt, "excerpt-mismatch", "evidence"),
    ("excerpt offsets past the end", _set("evidence", "char_end", 10**6), "excerpt-out-of-range", "evidence"),
    ("fact row without evidence", _drop_evidence_of_a_quote, "no-evidence", "quotes"),
    ("raw file edited by one byte", _edit_raw_byte, "raw-checksum", None),
    ("raw file missing", lambda root, reg: (root / "raw/002_c5e2ce6a28da5d25.txt").unlink(), "raw-file-missing", None),
    ("source checksum wrong", _set("sources", "sha256", "0" * 64), "source-checksum", "sources"),
    ("source length wrong", _set("sources", "char_count", 7), "source-length", "sources"),
    ("CSV and Parquet disagree on one cell", _csv_only("visits", "city", "Shanghai"), "csv-parquet-mismatch", "visits"),
    ("missing column", _drop_column, "columns-mismatch", "quotes"),
    ("extra column", _extra_column, "columns-mismatch", "visits"),
    ("column of the wrong type in CSV", _write_csv_text("evidence", lambda t: t.replace(",0,", ",zero,", 1)),
     "cell-type", "evidence"),
    ("column of the wrong type in Parquet", _parquet_column_as_text, "parquet-column-type", "evidence"),
    ("required field empty", _set("visits", "guest_id", None), "required", "visits"),
    ("blank but not null string", _set("quotes", "text", "   "), "blank-text", "quotes"),
    ("blank item in a list", _set("actors", "aliases", "Xi |  | Xi Jinping"), "list-item", "actors"),
    ("date precision claiming more than the window",
     _on_row("visits", "visit_id", "lukashenko-china-2023-second-trip", date_precision="day"), "date-derived", "visits"),
    ("EDTF string not the window", _on_row("visits", "visit_id", "xi-kazakhstan-2022-09", date_edtf="2022-09-15"),
     "date-derived", "visits"),
    ("window ends before it begins",
     _on_row("visits", "visit_id", "xi-kazakhstan-2022-09", date_earliest=pd.Timestamp("2022-10-01"),
             date_edtf="2022-10-01/2022-09-30"), "window-order", "visits"),
    ("window moved away from its words", _shift_quote_window, "date-words", "quotes"),
    ("window outside its container",
     _on_row("visit_events", "event_id", "lukashenko-xi-talks-monday-2023", visit_id="lukashenko-china-2023-02-28"),
     "date-container", "visit_events"),
    ("anchor naming no record", _on_row("quotes", "quote_id", "putin-agreeing-to-come", date_anchor="visits/nothing"),
     "date-anchor", "quotes"),
    ("bound the words leave open, inference dropped", _drop_bound_inference, "date-unread", "claims"),
    ("claimed value its excerpts do not show", _on_claim("lukashenko-china-2023-second-trip", "city", claimed_value="Minsk"),
     "value-not-shown", "claims"),
    ("claim without evidence", _on_claim("lukashenko-china-2023-second-trip", "city", evidence_ids=None),
     "claim-unsupported", "claims"),
    ("claim marked agreeing when it does not", _on_claim("lukashenko-china-2023-02-28", "visit_type", "lukashenka-grand",
                                                        agrees=True), "claim-agrees", "claims"),
    ("actor name no document uses", _on_row("actors", "actor_id", "xi-jinping", name="Xi J. Ping"), "name-not-shown",
     "actors"),
    ("renamed id that is still a record's id", _rename_to_an_id_in_use, "renamed-id-in-use", "renamed_ids"),
    ("quotation in another language without its English",
     _on_row("quotes", "quote_id", "putin-agreeing-to-come", text_language="ru"), "translation-missing", "quotes"),
    ("English quotation with a translation",
     _on_row("quotes", "quote_id", "putin-agreeing-to-come", text_en="agreeing to come", translated_by="curator"),
     "translation-needless", "quotes"),
    ("translation said to be the document's but not in its words",
     _on_row("quotes", "quote_id", "putin-agreeing-to-come", text_language="ru", text_en="having agreed to come",
             translated_by="printed"), "not-verbatim", "quotes"),
    ("outside knowledge marked as read from the text",
     _with_frame("inferences", lambda f: f.assign(basis=f.basis.where(f.record_id != "lukashenko-office", "text"))),
     "basis-external", "inferences"),
    ("inference naming no column", _set("inferences", "field", "colour"), "column-reference", "inferences"),
    ("resource missing from the descriptor",
     _descriptor(lambda p, root: p["resources"].remove(_resource(p, "claims"))), "resource-missing", "claims"),
    ("resource path outside the package", _set_path("quotes", "../outside.csv"), "path-unsafe", "quotes"),
    ("resource path absolute", _set_path("quotes", "/etc/hostname"), "path-unsafe", "quotes"),
    ("resource path a URL", _set_path("quotes", "https://example.org/quotes.csv"), "path-unsafe", "quotes"),
    ("resource behind a symlink leaving the package", _symlink_outside, "path-unsafe", "quotes"),
    ("descriptor schema edited", _descriptor(_edit_description), "schema-mismatch", "visits"),
    ("file edited without updating its hash", _edit_without_rehash, "size-mismatch", "actors"),
    ("truncated Parquet", _truncate_parquet, "parquet-unreadable", "quotes"),
]


def _write_descriptor_text(text):
    return lambda root, reg: (root / "datapackage.json").write_text(text, encoding="utf-8")


def _drop_declared(name, key):
    return _descriptor(lambda package, root: _resource(package, name).pop(key))


def _flip_same_size(root, reg):
    path = root / "datasets/csv/actors.csv"
    path.write_bytes(path.read_bytes().replace(b"Xi Jinping", b"Xi Jinpinx", 1))


def _unreadable_csv(root, reg):
    (root / "datasets/csv/quotes.csv").write_bytes(b'quote_id,text\n"unclosed\n')
    rehash(root)


# Further kinds, so that every package-side problem code has its corruption.
CORRUPTIONS += [
    ("descriptor not JSON", _write_descriptor_text("{"), "descriptor-unreadable", None),
    ("resource the registry does not define",
     _descriptor(lambda p, root: p["resources"].append({**_resource(p, "claims"), "name": "extra"})), "resource-unknown",
     "extra"),
    ("resource file deleted", lambda root, reg: (root / "datasets/csv/visits.csv").unlink(), "file-missing", "visits"),
    ("hash removed from the descriptor", _drop_declared("actors", "hash"), "hash-missing", "actors"),
    ("hash of another algorithm", _descriptor(lambda p, root: _resource(p, "actors").update(hash="md5:abc")),
     "hash-unsupported", "actors"),
    ("file changed, same size, hash kept", _flip_same_size, "hash-mismatch", "actors"),
    ("CSV that cannot be parsed", _unreadable_csv, "csv-unreadable", "quotes"),
    ("CSV with a row fewer than the Parquet", _with_frame("quotes", lambda f: f.iloc[1:], parquet=False),
     "csv-parquet-row-count", "quotes"),
    ("source pointing at a missing raw document", _set("sources", "raw_path", "raw/missing.txt"), "source-raw-missing",
     "sources"),
    ("raw document unreadable", _set("sources", "raw_path", "raw/missing.txt"), "raw-unreadable", "sources"),
    ("padded text", _set("quotes", "text", " As If I could not agree"), "outer-whitespace", "quotes"),
    ("malformed Wikidata id", _set("actors", "wikidata_id", "X1"), "wikidata-id", "actors"),
    ("malformed checksum", _set("sources", "sha256", "ABC"), "sha256-format", "sources"),
    ("malformed video time", _set("evidence", "video_time", "1:2:3"), "video-time-format", "evidence"),
]

# Interoperability: event-data codes are what their kind maps to; a Wikidata id keeps its source.
CORRUPTIONS += [
    ("event code not its kind's",
     _on_row("visits", "visit_id", "lukashenko-china-2023-02-28", cameo_code="043"), "event-code", "visits"),
    ("event code for a kind that has none",
     _on_row("agreements", "agreement_id", "china-position-paper-ukraine-2023", plover_event_type="SUPPORT"),
     "event-code", "agreements"),
    ("Wikidata id without where it was verified",
     _on_row("actors", "actor_id", "xi-jinping", wikidata_source=None), "pair-incomplete", "actors"),
]


@pytest.mark.parametrize("kind, corrupt, code, table", CORRUPTIONS, ids=[c[0] for c in CORRUPTIONS])
def test_each_corruption_is_caught_and_named(project, registry, kind, corrupt, code, table):
    assert validate_package(project, registry, use_frictionless=False) == []
    corrupt(project, registry)
    problems = validate_package(project, registry, use_frictionless=False)
    assert problems, f"{kind}: not caught"
    assert any(p.code == code and p.table == table for p in problems), \
        f"{kind}: caught, but not as {code} in {table}:\n" + "\n".join(map(str, problems))


def test_there_are_at_least_25_distinct_corruption_kinds():
    assert len({c[0] for c in CORRUPTIONS}) == len(CORRUPTIONS) >= 25


def test_a_clean_package_raises_no_alarm_with_frictionless(built_package, registry):
    assert validate_package(built_package, registry, use_frictionless=True) == []


def test_an_error_only_frictionless_sees_is_reported_with_its_code(project, registry):
    """Our reader ignores the CSV dialect (the registry fixes it); frictionless reads it and fails."""
    _descriptor(lambda p, root: _resource(p, "visits")["dialect"].update(delimiter=";"))(project, registry)
    problems = validate_package(project, registry, use_frictionless=True)
    assert any(p.code == "frictionless" and p.table == "visits" for p in problems), "\n".join(map(str, problems))


def test_the_cli_with_frictionless_fails_on_a_corrupted_package(project, registry, capsys):
    _set("visits", "visit_type", "holiday")(project, registry)
    assert main(["validate", str(project), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert any(p.get("table") == "visits" and p.get("column") == "visit_type" for p in report["problems"])
