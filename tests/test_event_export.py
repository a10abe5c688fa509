"""The event export (view `directed_events`): GDELT 2.0 event rows, one per directed event, made from the
published tables and event_codes.yaml. The expected rows are worked out here again from the CSV files with the
csv module and plain dictionaries; the rows append to an extract written with GDELT's own header, read back with
pandas and DuckDB; the registry refuses an export it cannot make."""

from __future__ import annotations

import copy
import csv
import shutil

import duckdb
import pandas as pd
import pytest
import yaml
from conftest import ROOT
from corrupt import rehash

from belarus_china.contract.event_export import time_precision
from belarus_china.contract.registry import RegistryError, read_registry
from belarus_china.contract.validate import validate_package

SEP = " | "
VIEW = "directed_events"

# GDELT 2.0's event table header, in its order (the codebook's fields; the files carry no header line)
GDELT_HEADER = (
    "GLOBALEVENTID SQLDATE MonthYear Year FractionDate Actor1Code Actor1Name Actor1CountryCode Actor1KnownGroupCode "
    "Actor1EthnicCode Actor1Religion1Code Actor1Religion2Code Actor1Type1Code Actor1Type2Code Actor1Type3Code "
    "Actor2Code Actor2Name Actor2CountryCode Actor2KnownGroupCode Actor2EthnicCode Actor2Religion1Code "
    "Actor2Religion2Code Actor2Type1Code Actor2Type2Code Actor2Type3Code IsRootEvent EventCode EventBaseCode "
    "EventRootCode QuadClass GoldsteinScale NumMentions NumSources NumArticles AvgTone Actor1Geo_Type "
    "Actor1Geo_FullName Actor1Geo_CountryCode Actor1Geo_ADM1Code Actor1Geo_ADM2Code Actor1Geo_Lat Actor1Geo_Long "
    "Actor1Geo_FeatureID Actor2Geo_Type Actor2Geo_FullName Actor2Geo_CountryCode Actor2Geo_ADM1Code "
    "Actor2Geo_ADM2Code Actor2Geo_Lat Actor2Geo_Long Actor2Geo_FeatureID ActionGeo_Type ActionGeo_FullName "
    "ActionGeo_CountryCode ActionGeo_ADM1Code ActionGeo_ADM2Code ActionGeo_Lat ActionGeo_Long ActionGeo_FeatureID "
    "DATEADDED SOURCEURL").split()
CODE_COLUMNS = ("EventCode", "EventBaseCode", "EventRootCode")
INTEGER_COLUMNS = ("GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "QuadClass", "ActionGeo_Type")


def _rows(root, name):
    with open(root / f"datasets/csv/{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _by(rows, key):
    return {row[key]: row for row in rows}


def _spec():
    return yaml.safe_load((ROOT / "validation/event_codes.yaml").read_text(encoding="utf-8"))


def _code(actor):
    if not actor or not actor["cameo_role"]:
        return ""
    return actor["cameo_role"] if actor["cameo_role"] == "IGO" else actor["country_code"] + actor["cameo_role"]


def test_the_export_has_one_row_per_code_of_each_coded_record(built_package):
    root = built_package
    expected = set()
    for row in _rows(root, "visits"):
        expected |= {("visits", row["visit_id"], role) for role, column in (("guest", "cameo_code"),
                                                                              ("host", "cameo_host_code")) if row[column]}
    for row in _rows(root, "visit_events"):
        if row["cameo_code"]:
            expected.add(("visit_events", row["event_id"], "host" if row["event_kind"] == "welcome_ceremony" else "guest"))
    expected |= {("agreements", row["agreement_id"], "party") for row in _rows(root, "agreements") if row["cameo_code"]}
    found = [(r["record_table"], r["record_id"], r["actor1_role"]) for r in _rows(root, VIEW)]
    assert len(found) == len(set(found)) == len(expected) and set(found) == expected
    uncoded = [row["agreement_id"] for row in _rows(root, "agreements") if not row["cameo_code"]]
    assert uncoded and not {("agreements", a, "party") for a in uncoded} & set(found)


def test_each_row_is_directed_with_both_actors_cameo_codes_from_the_actors_table(built_package):
    root = built_package
    actors, visits = _by(_rows(root, "actors"), "actor_id"), _by(_rows(root, "visits"), "visit_id")
    rows = _by([r for r in _rows(root, VIEW) if r["record_table"] == "visits" and r["actor1_role"] == "guest"],
               "record_id")
    for visit_id, visit in visits.items():
        guest, host = actors.get(visit["guest_id"]), actors.get(visit["host_id"])
        both = [r for r in _rows(root, VIEW) if r["record_table"] == "visits" and r["record_id"] == visit_id]
        for row in both:
            first, second = (guest, host) if row["actor1_role"] == "guest" else (host, guest)
            assert row["Actor1Code"] == _code(first) and row["Actor2Code"] == _code(second), visit_id
            assert row["Actor1Name"] == (first["name"] if first else "")
            assert row["Actor1CountryCode"] == (first["country_code"] if first else "")
            assert row["Actor1Type1Code"] == (first["cameo_role"] if first else "")
            assert row["EventCode"] == visit["cameo_code" if row["actor1_role"] == "guest" else "cameo_host_code"]
    feb = rows["lukashenko-china-2023-02-28"]
    assert (feb["Actor1Code"], feb["Actor2Code"], feb["EventCode"]) == ("BLRGOV", "CHNGOV", "042")
    welcome = _by([r for r in _rows(root, VIEW) if r["record_table"] == "visit_events"], "record_id")[
        "lukashenko-welcome-great-hall-2023"]
    assert (welcome["actor1_role"], welcome["Actor1Name"], welcome["Actor2Code"], welcome["EventCode"]) == (
        "host", "Xi Jinping", "BLRGOV", "043")


def test_codes_goldstein_and_quad_class_come_from_the_mapping_and_keep_leading_zeros(built_package):
    spec = _spec()["export"]
    rows = _rows(built_package, VIEW)
    assert rows
    for row in rows:
        code = row["EventCode"]
        assert code.startswith("0") and len(code) == 3
        assert row["EventBaseCode"] == code[:3] and row["EventRootCode"] == code[:2]
        assert float(row["GoldsteinScale"]) == spec["goldstein"][code]
        assert int(row["QuadClass"]) == spec["quad_classes"][code[:2]] == 1
    # CAMEO's own table, as event_codes.yaml cites it: make a visit 1.9, host a visit 2.8, negotiate 7.0, sign 8.0
    assert {code: spec["goldstein"][code] for code in ("042", "043", "046", "057")} == {
        "042": 1.9, "043": 2.8, "046": 7.0, "057": 8.0}


def test_the_day_is_the_windows_first_with_an_acled_precision_and_the_window_beside_it(built_package):
    for row in _rows(built_package, VIEW):
        if not row["date_earliest"]:
            assert row["SQLDATE"] == row["MonthYear"] == row["Year"] == row["time_precision"] == ""
            continue
        assert row["SQLDATE"] == row["date_earliest"].replace("-", "")
        assert row["MonthYear"] == row["SQLDATE"][:6] and row["Year"] == row["SQLDATE"][:4]
        earliest, latest = pd.Timestamp(row["date_earliest"]), pd.Timestamp(row["date_latest"] or "NaT")
        expected = time_precision(earliest, None if pd.isna(latest) else latest)
        assert row["time_precision"] == ("" if expected is None else str(expected))
    talks = _by(_rows(built_package, VIEW), "record_id")["lukashenko-xi-talks-2023-03-01"]
    assert (talks["SQLDATE"], talks["time_precision"]) == ("20230301", "1")


@pytest.mark.parametrize(("earliest", "latest", "code"), [
    ("2023-03-01", "2023-03-01", 1), ("2023-02-28", "2023-03-02", 2), ("2023-02-24", "2023-03-02", 2),
    ("2023-02-01", "2023-02-28", 3), ("2023-02-14", "2023-02-27", 3), ("2023-02-20", "2023-03-02", None),
    ("2023-10-02", "2023-12-31", None), ("2023-03-01", None, None)])
def test_acled_precision_codes(earliest, latest, code):
    assert time_precision(pd.Timestamp(earliest), pd.Timestamp(latest) if latest else None) == code


def test_the_city_has_geonames_coordinates_and_the_source_its_address(built_package):
    root = built_package
    places = _spec()["export"]["places"]
    sources = _by(_rows(root, "sources"), "source_id")
    visits = _by(_rows(root, "visits"), "visit_id")
    for row in _rows(root, VIEW):
        if row["geonames_id"]:
            city = row["ActionGeo_FullName"].split(", ")[0]
            assert row["geonames_id"] == places[city]["geonames_id"] and row["ActionGeo_Type"] == "4"
            assert float(row["ActionGeo_Lat"]) == places[city]["latitude"]
        if row["record_table"] == "visits":
            assert (row["ActionGeo_FullName"].split(", ")[0] if row["ActionGeo_FullName"] else "") == \
                visits[row["record_id"]]["city"]
        if row["SOURCEURL"]:
            source = sources[row["source_id"]]
            assert row["SOURCEURL"] in (source["url"], source["public_url"])
    beijing = _by([r for r in _rows(root, VIEW) if r["actor1_role"] == "guest"], "record_id")[
        "lukashenko-china-2023-second-trip"]
    assert (beijing["geonames_id"], beijing["ActionGeo_FullName"]) == ("1816670", "Beijing, China")
    assert beijing["SOURCEURL"].startswith("https://") and beijing["source_id"] == "newsweek-putin-ally-turns-to-china"


def test_the_rows_append_to_a_gdelt_extract_read_with_pandas_and_duckdb(built_package, tmp_path):
    root = built_package
    gdelt = {name: "" for name in GDELT_HEADER}
    gdelt.update({"GLOBALEVENTID": "1092045672", "SQLDATE": "20230301", "MonthYear": "202303", "Year": "2023",
                  "Actor1Code": "CHNGOV", "Actor1Name": "CHINA", "Actor1CountryCode": "CHN", "Actor1Type1Code": "GOV",
                  "Actor2Code": "BLRGOV", "Actor2Name": "BELARUS", "Actor2CountryCode": "BLR", "Actor2Type1Code": "GOV",
                  "IsRootEvent": "1", "EventCode": "043", "EventBaseCode": "043", "EventRootCode": "04",
                  "QuadClass": "1", "GoldsteinScale": "2.8", "ActionGeo_Type": "4", "ActionGeo_FullName": "Beijing, China",
                  "SOURCEURL": "https://example.org/gdelt-extract-row"})
    extract = tmp_path / "gdelt.tsv"
    extract.write_text("\t".join(GDELT_HEADER) + "\n" + "\t".join(gdelt[n] for n in GDELT_HEADER) + "\n",
                       encoding="utf-8")
    codes = {**{c: "string" for c in CODE_COLUMNS}, **{c: "Int64" for c in INTEGER_COLUMNS}}
    ours = pd.read_csv(root / f"datasets/csv/{VIEW}.csv", dtype=codes, keep_default_na=False, na_values=[""])
    theirs = pd.read_csv(extract, sep="\t", dtype=codes)
    shared = [c for c in GDELT_HEADER if c in ours.columns]
    assert set(shared) >= {"SQLDATE", "Actor1Code", "Actor2Code", "EventCode", "QuadClass", "GoldsteinScale",
                           "ActionGeo_Lat", "SOURCEURL"}
    combined = pd.concat([theirs, ours[shared]], ignore_index=True)[GDELT_HEADER]
    appended = tmp_path / "appended.tsv"
    combined.to_csv(appended, sep="\t", index=False)
    back = pd.read_csv(appended, sep="\t", dtype=codes)
    assert len(back) == 1 + len(ours) and list(back.columns) == GDELT_HEADER
    assert set(back["EventCode"]) == {"043", *ours["EventCode"]} and back["EventCode"].str.startswith("0").all()
    assert back.loc[back["GLOBALEVENTID"].isna(), "Actor1Code"].fillna("").tolist() == \
        ours["Actor1Code"].fillna("").tolist()

    connection = duckdb.connect()
    try:
        types = ", ".join(f"'{c}': 'VARCHAR'" for c in CODE_COLUMNS)
        connection.execute(f"CREATE TABLE gdelt AS SELECT * FROM read_csv('{extract}', delim='\\t', header=true, "
                           f"types={{{types}}})")
        connection.execute(f"CREATE TABLE ours AS SELECT {', '.join(shared)} FROM "
                           f"read_parquet('{root / f'datasets/parquet/{VIEW}.parquet'}')")
        connection.execute("INSERT INTO gdelt BY NAME SELECT * FROM ours")
        total, visits = connection.execute(
            "SELECT count(*), count(*) FILTER (WHERE EventCode = '042' AND Actor1Code = 'BLRGOV') FROM gdelt").fetchone()
        assert total == 1 + len(ours)
        assert visits == int(((ours["EventCode"] == "042") & (ours["Actor1Code"] == "BLRGOV")).sum()) > 0
        kinds = dict(connection.execute("SELECT column_name, column_type FROM (DESCRIBE gdelt)").fetchall())
        assert kinds["EventCode"] == kinds["EventRootCode"] == "VARCHAR"
    finally:
        connection.close()


def test_an_edited_export_row_is_view_mismatch(project, registry):
    path = project / f"datasets/csv/{VIEW}.csv"
    rows = _rows(project, VIEW)
    rows[0]["GoldsteinScale"] = "9.9"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    rehash(project)
    problems = validate_package(project, registry, use_frictionless=False)
    assert ("view-mismatch", VIEW, "GoldsteinScale") in {(p.code, p.table, p.column) for p in problems}


def _registry_with(tmp_path, edit):
    folder = tmp_path / "validation"
    shutil.copytree(ROOT / "validation", folder)
    spec = _spec()
    edit(spec)
    (folder / "event_codes.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


@pytest.mark.parametrize(("edit", "message"), [
    (lambda s: s["export"]["goldstein"].pop("043"), "no score for the codes ['043']"),
    (lambda s: s["export"]["goldstein"].update({"042": 11}), "goldstein: 042"),
    (lambda s: s["export"]["quad_classes"].pop("05"), "no class for the root codes ['05']"),
    (lambda s: s["export"]["directions"].pop("agreements"), "directions: give every table"),
    (lambda s: s["export"]["directions"]["visits"].pop("cameo_host_code"), "say who acts for each code column"),
    (lambda s: s["export"]["directions"]["visits"].update({"cameo_code": {"actor1": "guest", "actor2": "nobody"}}),
     "actor1 and actor2"),
    (lambda s: s["export"]["directions"]["visit_events"].update({"host_kinds": ["banquet"]}), "host_kinds names kinds"),
    (lambda s: s["export"]["places"]["Minsk"].update({"country": "XYZ"}), "not in countries.yaml"),
    (lambda s: s["export"]["places"]["Minsk"].update({"geonames_id": "62A"}), "a GeoNames id"),
    (lambda s: s["export"]["places"]["Minsk"].update({"latitude": 95}), "latitude"),
    (lambda s: s["export"]["places"]["Minsk"].pop("verified_at"), "exactly the keys"),
    (lambda s: s["export"].pop("places"), "export: exactly the keys"),
])
def test_the_registry_refuses_an_export_it_cannot_make(tmp_path, edit, message):
    folder = _registry_with(tmp_path, edit)
    with pytest.raises(RegistryError, match="event_codes.yaml") as caught:
        read_registry(folder)
    assert message in str(caught.value)


def test_the_registry_refuses_a_directed_view_without_its_export(tmp_path):
    folder = _registry_with(tmp_path, lambda s: s.pop("export"))
    with pytest.raises(RegistryError, match="directed_events"):
        read_registry(folder)
    views = yaml.safe_load((ROOT / "validation/views.yaml").read_text(encoding="utf-8"))
    for bad, message in ((["visits", "agreements"], "lists the tables"), (None, "lists the tables")):
        changed = copy.deepcopy(views)
        changed[VIEW]["directed_events"] = bad
        folder = tmp_path / f"v{len(str(bad))}"
        shutil.copytree(ROOT / "validation", folder)
        (folder / "views.yaml").write_text(yaml.safe_dump(changed, allow_unicode=True, sort_keys=False), encoding="utf-8")
        with pytest.raises(RegistryError, match=message):
            read_registry(folder)


def test_every_public_address_of_a_source_says_how_it_was_obtained(built_package):
    root = built_package
    inferred = {(r["record_id"], r["field"]): r for r in _rows(root, "inferences") if r["record_table"] == "sources"}
    addressed = [s for s in _rows(root, "sources") if s["public_url"]]
    assert addressed
    for source in addressed:
        reason = inferred[(source["source_id"], "public_url")]
        assert reason["basis"] in ("external", "text")
        if reason["basis"] == "external":
            assert source["public_url"] in reason["reason"].replace("\n", " ").replace("  ", " ") or \
                "stored public page" in reason["reason"]
    for source in _rows(root, "sources"):
        if not source["public_url"] and not source["retrieved_from"]:  # a copy from nowhere says why
            assert "No public copy" in source["notes"] or "not found" in source["notes"]


def test_load_gives_the_export_with_codes_as_text_and_integers_as_integers(built_package):
    import belarus_china as bc

    frame = bc.load(VIEW, package=built_package)
    assert len(frame) == len(_rows(built_package, VIEW))
    assert set(frame["EventCode"].astype(str)) <= {"040", "042", "043", "046", "057"}
    assert frame["EventRootCode"].astype(str).eq("04").any() and frame["EventRootCode"].astype(str).eq("05").any()
    assert str(frame["SQLDATE"].dtype) == "Int64" and str(frame["QuadClass"].dtype) == "Int64"
    assert frame["GoldsteinScale"].dtype.kind == "f"
