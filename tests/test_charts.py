"""The charts: what each draws (read back from the SVG by the ids the charts give their elements),
that they are byte-for-byte reproducible, and that at corpus scale they summarise instead of drawing
a mark per row."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT

from belarus_china.contract.registry import read_package_metadata
from belarus_china.contract.vocabulary import TradeFigures
from belarus_china.loader import load, tables
from belarus_china.pipeline import chart_caption
from belarus_china.publish import chart_rows, charts
from belarus_china.publish.descriptor import version

SVG = "{http://www.w3.org/2000/svg}"


def _frames(package) -> dict[str, pd.DataFrame]:
    return {name: load(name, package) for name in tables(package)}


@pytest.fixture(scope="module")
def caption(built_package) -> str:
    return chart_caption(read_package_metadata(ROOT / "validation")["name"], version(built_package))


@pytest.fixture(scope="module")
def drawn(built_package) -> dict[str, ET.Element]:
    """The charts the build published, parsed."""
    return {name: ET.fromstring((built_package / name).read_bytes())
            for name in (charts.TIMELINE, charts.TRADE, charts.CLAIMS)}


def _ids(root: ET.Element) -> dict[str, ET.Element]:
    return {e.get("id"): e for e in root.iter() if e.get("id")}


def _texts(element: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in element.iter(f"{SVG}text")]


def _text(element: ET.Element) -> str:
    """The words of the text elements under `element` (one label)."""
    return "\n".join(_texts(element))


def _x_extent(element: ET.Element) -> tuple[float, float]:
    """Left and right edge of the first path under `element` (a bar, or an axes' background)."""
    path = next(element.iter(f"{SVG}path"))
    xs = [float(x) for x, _ in re.findall(r"(-?[\d.]+) (-?[\d.]+)", path.get("d"))]
    return min(xs), max(xs)


def _width(element: ET.Element) -> float:
    low, high = _x_extent(element)
    return high - low


# --- every chart ------------------------------------------------------------------------------------

def test_every_chart_is_published_captioned_and_without_a_date(drawn, caption):
    for name, root in drawn.items():
        texts = _texts(root)
        assert caption in texts, name
        assert "from the published tables" in caption
        assert root.find(f"{SVG}metadata") is None, f"{name} carries metadata (a date or a creator)"
    for name in drawn:
        data = (ROOT / name).read_bytes()
        assert not re.search(rb"20\d\d-\d\d-\d\dT", data), f"{name} has a time stamp"


def test_charts_are_reproducible_across_processes(built_package):
    """Two renders in fresh interpreters with different hash seeds give the published bytes."""
    code = ("import sys, hashlib; from belarus_china.loader import load, tables; "
            "from belarus_china.publish import charts; "
            "from belarus_china.contract.registry import read_registry; from pathlib import Path; "
            "frames = {n: load(n, sys.argv[1]) for n in tables(sys.argv[1])}; "
            "out = charts.render(frames, sys.argv[2], read_registry(Path(sys.argv[1]) / 'validation')); "
            "print(' '.join(f'{k}={hashlib.sha256(v).hexdigest()}' for k, v in sorted(out.items())))")
    caption = chart_caption(read_package_metadata(ROOT / "validation")["name"], version(built_package))
    runs = [subprocess.run([sys.executable, "-c", code, str(built_package), caption], capture_output=True, text=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}, check=True).stdout.split()
            for seed in ("1", "2")]
    published = sorted(f"{name}={hashlib.sha256((built_package / name).read_bytes()).hexdigest()}"
                       for name in (charts.TIMELINE, charts.TRADE, charts.CLAIMS))
    assert runs[0] == runs[1] == published


def test_the_readme_and_the_datasheet_show_every_chart(built_package):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    datasheet = (built_package / "docs/datasheet.md").read_text(encoding="utf-8")
    for name in (charts.TIMELINE, charts.TRADE, charts.CLAIMS):
        assert re.search(rf"!\[[^\]]+\]\({re.escape(name)}\)", readme), name
        assert re.search(rf"!\[[^\]]+\]\({re.escape(name.removeprefix('docs/'))}\)", datasheet), name


# --- timeline ---------------------------------------------------------------------------------------

def _words(row: dict, column: str) -> str:
    value = row.get(column)
    return "" if value is None or pd.isna(value) else str(value)


def test_the_timeline_draws_every_dated_visit_event_and_agreement_with_its_words(drawn, built_package, registry):
    ids = _ids(drawn[charts.TIMELINE])
    notes = " ".join(_texts(drawn[charts.TIMELINE]))
    for name in charts.TIMELINE_TABLES:
        key = registry[name].primary_key[0]
        for row in load(name, built_package).to_dict("records"):
            words = _words(row, "title") or _words(row, "summary")  # the tables' fact labels
            labels = [i for i in ids if i == f"timeline-label-{name}-{row[key]}"
                      or i.startswith(f"timeline-label-{name}-{row[key]}-in-")]
            if pd.isna(row["date_earliest"]) and pd.isna(row["date_latest"]):
                assert not labels
                assert charts.short(words, 60).removesuffix("…") in notes, f"undated {row[key]} not named in the notes"
                continue
            assert labels, f"{name}/{row[key]} is not drawn"
            for label in labels:
                text = _text(ids[label])
                assert row[key] not in text, f"the label of {row[key]} is its id"
                if name == "visits" and "-in-" in label:  # the visit in its own panel: its date words
                    assert text == f"the visit (“{row['date_as_reported']}”)"
                else:
                    assert text.split("  [see ")[0].removesuffix("…") in words, text
    label = _text(ids["timeline-label-visits-lukashenko-china-2023-02-28"])
    assert label.startswith("Lukashenka's three-day visit to Beijing")


def test_the_timeline_marks_fixed_days_and_only_those(drawn, built_package, registry):
    ids = _ids(drawn[charts.TIMELINE])
    fixed = {i.removeprefix("timeline-").removesuffix("-fixed") for i in ids if i.endswith("-fixed")}
    expected = set()
    for name in charts.TIMELINE_TABLES:
        role = registry[name].window
        key = registry[name].primary_key[0]
        days = [c for c in (role.first, role.last, role.day) if c]
        frame = load(name, built_package)
        for row in frame.to_dict("records"):
            if any(not pd.isna(row[c]) for c in days):
                expected.add(f"{name}-{row[key]}")
    assert expected >= {"visits-lukashenko-china-2023-02-28", "visit_events-lukashenko-xi-talks-2023-03-01",
                        "agreements-china-position-paper-ukraine-2023"}
    assert {f.split("-in-")[0] for f in fixed} == expected


def test_records_inside_a_visit_are_drawn_on_the_visit_s_scale(drawn, built_package, registry):
    """The events and agreements of the three-day visit fill its panel as the visit does; none is a bar
    across months (the overview axis spans years)."""
    ids = _ids(drawn[charts.TIMELINE])
    visit = "lukashenko-china-2023-02-28"
    panel = ids[f"timeline-visit-{visit}"]
    axes_width = _width(panel)
    visit_width = _width(ids[f"timeline-visits-{visit}-in-{visit}-window"])
    assert visit_width > 0.5 * axes_width  # three days fill most of the panel
    inside = [(table, r[registry[table].primary_key[0]]) for table in ("visit_events", "agreements")
              for r in load(table, built_package).to_dict("records") if r["visit_id"] == visit]
    assert {table for table, _ in inside} == {"visit_events", "agreements"}  # read from the tables, not counted
    for table, record in inside:
        bar = ids[f"timeline-{table}-{record}-in-{visit}-window"]
        assert _width(bar) <= visit_width * 1.001, record
        assert f"timeline-label-{table}-{record}" not in ids  # not again in the overview
    # In the overview the same three days are a sliver.
    overview = _width(ids[f"timeline-visits-{visit}-window"])
    assert overview < 0.01 * _width(ids["timeline-overview"])
    talks = ids[f"timeline-visit_events-lukashenko-xi-talks-2023-03-01-in-{visit}-fixed"]
    assert _width(talks) == pytest.approx(visit_width / 3, rel=0.01)  # one of the three days


# --- trade figures ----------------------------------------------------------------------------------

def test_the_trade_chart_has_a_panel_per_measure_unit_and_kind_of_period(drawn, built_package):
    ids = _ids(drawn[charts.TRADE])
    figures = load("trade_figures", built_package)
    panels = {i: e for i, e in ids.items() if i.startswith("trade-panel-")}
    for f in figures.to_dict("records"):
        prefix = f"trade-panel-{f['measure']}-{f['unit']}-"
        owner = [i for i in panels if i.startswith(prefix)]
        assert len(owner) == 1, (f["figure_id"], owner)
        value = ids[f"trade-value-{f['figure_id']}"]
        assert _text(value).startswith(f["value_as_reported"])
        assert value in list(panels[owner[0]].iter()), f"{f['figure_id']} is not in its panel"
    nine_months = next(i for i in panels if i.startswith("trade-panel-total_trade-USD-"))
    annual = next(i for i in panels if i.startswith("trade-panel-exports-USD-"))
    assert nine_months.endswith("nine-months") and annual.endswith("calendar-year")
    deals = next(i for i in panels if i.startswith("trade-panel-deal_value-"))
    investment = next(i for i in panels if i.startswith("trade-panel-investment-"))
    assert len({nine_months, annual, deals, investment}) == 4  # never one axis
    texts = " ".join(_texts(drawn[charts.TRADE]))
    for words in ("the first three quarters of 2023", "last year", "China's state-run China Daily newspaper",
                  "more than $1 billion", "approximately $3.5 billion", "seventh-largest"):
        assert words in texts


def test_period_kinds_are_read_from_the_dates():
    frame = pd.DataFrame({"period_start": pd.to_datetime(["2023-01-01", "2022-01-01", "2023-04-01", "2023-02-03", None]),
                          "period_end": pd.to_datetime(["2023-09-30", "2022-12-31", "2023-06-30", "2023-02-09", None]),
                          "period_as_reported": ["the first three quarters", "last year", "Q2", "that week", pd.NA]})
    assert chart_rows.period_kinds(frame).tolist() == ["over nine months", "over a calendar year", "over a quarter",
                                                    "over 7 days", "no period stated"]


# --- claims -----------------------------------------------------------------------------------------

def test_the_claims_matrix_has_a_row_per_shared_field_and_a_column_per_source(drawn, built_package):
    ids = _ids(drawn[charts.CLAIMS])
    claims = load("claims", built_package).astype({"record_table": str})
    per_field = claims.groupby(["record_table", "record_id", "field"]).source_id.nunique()
    shared = per_field[per_field > 1].index
    assert len(shared) > 10
    speaking = sorted(set(claims.set_index(["record_table", "record_id", "field"]).loc[shared].source_id))
    for source in speaking:
        assert f"claim-source-{source}" in ids, source
    assert len([i for i in ids if i.startswith("claim-source-")]) == len(speaking)
    claimed = {(r.record_table, r.record_id, r.field, r.source_id): r.agrees for r in claims.itertuples()}
    cells = 0
    for kind, record, field in shared:
        assert f"claim-row-{kind}-{record}-{field}" in ids
        for source in speaking:
            state = {True: "agree", False: "disagree", None: "unstated"}[claimed.get((kind, record, field, source))]
            assert f"claim-{kind}-{record}-{field}-{source}-{state}" in ids, (kind, record, field, source)
            cells += 1
    assert len([i for i in ids if i.startswith("claim-") and i.rsplit("-", 1)[-1] in ("agree", "disagree",
                                                                                         "unstated")]) == cells
    conflicts = [i for i in ids if i.endswith("-disagree")]
    assert len(conflicts) == int((claims.agrees == False).sum()) == 2  # noqa: E712
    official = ids["claim-visits-lukashenko-china-2023-02-28-visit_type-lukashenka-grand-reception-in-beijing-disagree"]
    assert "official visit" in " ".join(_texts(drawn[charts.CLAIMS])) and official is not None


# --- at corpus scale --------------------------------------------------------------------------------

def _scaled(frames: dict[str, pd.DataFrame], registry, copies: int) -> dict[str, pd.DataFrame]:
    """Every table `copies` times, each copy with its own ids (and references to them) and its date
    windows a week later than the copy before (figures keep their periods): a corpus of many documents
    shaped like the real one."""
    out = {}
    for table in registry:
        frame = frames[table.name]
        own = {c.name for c in table.columns if c.references and not table.is_list(c.name)}
        own |= set(table.primary_key) if len(table.primary_key) == 1 else set()
        own |= {table.points_at[1]} if table.points_at else set()
        repeated = frame.loc[frame.index.repeat(copies)].reset_index(drop=True)
        copy_number = np.tile(np.arange(copies), len(frame))
        suffix = pd.Series([f"-x{k}" for k in range(copies)], dtype="string").iloc[copy_number].reset_index(drop=True)
        for column in table.column_names:
            if column in own:
                repeated[column] = repeated[column].astype("string") + suffix
            elif table.window is not None and column in table.window.columns and table.is_date(column):
                repeated[column] = repeated[column] + pd.to_timedelta(copy_number * 7, unit="D")
        out[table.name] = repeated
    return out


@pytest.fixture(scope="module")
def large(built_package, registry) -> dict[str, pd.DataFrame]:
    frames = _scaled(_frames(built_package), registry, 400)
    assert sum(len(f) for f in frames.values()) > 250_000
    return frames


def test_at_corpus_scale_each_chart_summarises_and_stays_small(large, registry, drawn):
    limits = charts.LIMITS
    timeline = ET.fromstring(charts.timeline(large, "caption", registry))
    ids = _ids(timeline)
    labels = [i for i in ids if i.startswith("timeline-label-")]
    assert len(labels) <= limits.overview_rows + limits.detail_panels * (limits.detail_rows + 1)
    assert "timeline-rest" in ids  # the rest, counted per month
    assert any(t.startswith("Not drawn above:") for t in _texts(timeline))

    trade = ET.fromstring(charts.trade_figures(large, "caption", registry))
    ids = _ids(trade)
    panels = [i for i in ids if i.startswith("trade-panel-")]
    assert set(panels) == {i for i in _ids(drawn[charts.TRADE]) if i.startswith("trade-panel-")}
    assert len([i for i in ids if i.startswith("trade-value-")]) <= limits.figures_per_panel * len(panels)
    assert any(re.match(r"and [\d,]+ more figures", t) for t in _texts(trade))

    matrix = ET.fromstring(charts.claims_matrix(large, "caption", registry))
    ids = _ids(matrix)
    assert len([i for i in ids if i.startswith("claim-row-")]) == limits.matrix_rows
    assert len([i for i in ids if i.startswith("claim-source-")]) == limits.matrix_sources + 1  # and "others"
    assert "claim-rest" in ids
    for root in (timeline, trade, matrix):
        assert len(ET.tostring(root)) < 600_000


def test_charts_name_things_with_the_registry_they_are_handed(built_package, registry):
    """No chart falls back to the installed registry: a country renamed in the handed registry is what a
    figure without its own subject words is labelled with."""
    frames = _frames(built_package)
    figures = frames[TradeFigures.table]
    words = TradeFigures.subject_as_reported
    frames[TradeFigures.table] = figures.assign(**{words: pd.Series(pd.NA, index=figures.index, dtype=figures[words].dtype)})
    renamed = dataclasses.replace(registry, countries={**registry.countries, "CHN": ("Cathay",)})
    assert "Cathay" in "".join(_texts(ET.fromstring(charts.trade_figures(frames, "caption", renamed))))
    assert "Cathay" not in "".join(_texts(ET.fromstring(charts.trade_figures(frames, "caption", registry))))
