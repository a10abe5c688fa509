"""Charts for the README and the datasheet, drawn from the published tables and the registry with
matplotlib (the `charts` extra).

- `timeline`: visits, the events inside them and agreements as date windows (a pale band for the
  days the documents allow, solid bars and diamonds for the days they fix), an overview of every
  record and one panel per visit with the events and agreements inside it, on that visit's scale.
- `trade_figures`: small multiples, one panel per measure, unit and kind of period, so that a
  nine-month total, an annual figure and a project value never share an axis; labels are the
  documents' words.
- `claims_matrix`: each record field that more than one document describes, against each document:
  agrees with the curated value, disagrees, or not stated.

Every chart carries the caption (package, version, "from the published tables"). Output is SVG with
text kept as text, a fixed hash salt, fixed element ids and no date stamp: the same tables and the
same matplotlib give the same bytes. Each chart draws at most a fixed number of labelled marks
(`Limits`) and summarises the rest (counts per month, a range and median, counts per source), in
passes over the rows that grow linearly with them; the chart's size does not grow.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pandas as pd

from ..contract.registry import Registry, Table
from ..contract.vocabulary import (
    Agreements,
    Claims,
    Evidence,
    Sources,
    TradeFigures,
    VisitEvents,
    Visits,
)
from .viewer import record_label

TIMELINE = "docs/charts/timeline.svg"
TRADE = "docs/charts/trade_figures.svg"
CLAIMS = "docs/charts/claims.svg"

BLUE, GREEN, ORANGE, GREY, RED = "#2b6cb0", "#2f855a", "#c05621", "#718096", "#c53030"
INK, MUTED, PALE = "#1a202c", "#4a5568", "#edf2f7"
COLOURS = {Visits.table: BLUE, VisitEvents.table: GREEN, Agreements.table: ORANGE}
# Singular nouns for the labels: the table names less their plural s ("visit" is also a PLOVER mode's value).
NOUN = {Visits.table: Visits.table[:-1], VisitEvents.table: "event", Agreements.table: Agreements.table[:-1]}
TIMELINE_TABLES = (Visits.table, VisitEvents.table, Agreements.table)


@dataclass(frozen=True)
class Limits:
    """How many marks a chart labels; everything beyond is summarised."""
    overview_rows: int = 30        # timeline: labelled visits and free-standing agreements
    detail_panels: int = 4         # timeline: visits drawn with their events and agreements
    detail_rows: int = 12          # timeline: records in one visit's panel
    figures_per_panel: int = 8     # trade: labelled figures in one panel
    trade_panels: int = 12         # trade: panels
    matrix_rows: int = 36          # claims: record fields
    matrix_sources: int = 8        # claims: source columns


LIMITS = Limits()
ROW = 0.27          # inches per labelled row
WIDTH = 11.0        # inches
LABEL, TITLE = 72, 94   # characters of a row's label and of a panel's title


# --- matplotlib, set up for reproducible SVG ------------------------------------------------------

def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams.update({
        "svg.hashsalt": "belarus-china",
        "svg.fonttype": "none",
        "svg.id": "chart",
        "font.family": "DejaVu Sans",
        "font.size": 8,
        "axes.titlesize": 9,
        "axes.titlelocation": "left",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.edgecolor": GREY,
        "xtick.color": MUTED,
        "ytick.color": INK,
        "path.simplify": False,
        # Every text drawn is curated or fixed text, never mathtext: a `$` is a dollar sign (two of them in a
        # publisher's name would otherwise set what lies between as maths, or crash on an unknown macro).
        "text.parse_math": False,
    })
    import matplotlib.pyplot as plt

    return plt


def _svg(figure) -> bytes:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", pad_inches=0.15,
                   metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    plt.close(figure)
    return buffer.getvalue()


def _footer(figure, lines: list[str], caption: str) -> None:
    """Notes, then the caption, under the chart."""
    figure.supxlabel("\n".join([*lines, caption]), x=0.0, ha="left", fontsize=7, color=MUTED, linespacing=1.5)


def gid(*parts) -> str:
    """An SVG element id naming what the element draws (tests read the charts by these)."""
    return "-".join(re.sub(r"[^A-Za-z0-9_.]+", "-", str(p)).strip("-") for p in parts)


# --- text -------------------------------------------------------------------------------------------

def _text(value, default: str = "") -> str:
    return default if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)) else str(value)


def short(text: str, limit: int = LABEL) -> str:
    """A label from a title or summary: its first clause, cut at a word (never inside a quotation)."""
    text = " ".join(text.split()).split("; ")[0]
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    for mark in ('"', "“"):  # an opened quotation would end unclosed: cut before it when enough remains
        opened = cut.rfind(mark)
        if opened > limit // 2 and cut.count('"') % 2 + cut.count("“") - cut.count("”") > 0:
            cut = cut[:opened]
    return cut.rstrip(" ,;:(\"“") + "…"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word if n == 1 else word + 's'}"


def _label(table: Table, row: dict, limit: int = LABEL) -> str:
    return short(record_label(table, row, _text(row.get(table.primary_key[0]))), limit)


def _rows(frame: pd.DataFrame, positions) -> list[dict]:
    """The rows at `positions` as dicts (only those a chart labels: never the whole table)."""
    return frame.iloc[list(positions)].to_dict("records") if len(positions) else []


class Names:
    """What a value of a column is called: the label of the record a foreign key points at (an actor's
    name, a visit's summary), a country's name; looked up only for the values a chart shows."""

    def __init__(self, registry: Registry, frames: dict[str, pd.DataFrame]):
        self.registry, self.frames = registry, frames
        self._index: dict[str, dict[str, int]] = {}

    def row(self, table: str, record_id: str) -> dict | None:
        if table not in self._index:
            key = self.registry[table].primary_key[0]
            self._index[table] = {str(v): i for i, v in enumerate(self.frames[table][key].tolist())}
        position = self._index[table].get(record_id)
        return None if position is None else self.frames[table].iloc[position].to_dict()

    def record(self, table: str, record_id: str, limit: int = 60) -> str:
        row = self.row(table, record_id)
        return record_id if row is None else _label(self.registry[table], row, limit)

    def country(self, code: str) -> str:
        return (self.registry.countries.get(code) or (code,))[0] if code else ""

    def value(self, table: Table, column: str, text: str, limit: int = 40) -> str:
        """`text` (a value as the CSV writes it) in words: referenced records by their labels."""
        if not text:
            return ""
        spec = table.column(column)
        if spec.references and spec.references[0] in self.frames and spec.references[0] != table.name:
            items = text.split(table.list_delimiter) if table.is_list(column) else [text]
            text = ", ".join(self.record(spec.references[0], item.strip(), 40) for item in items)
        elif text in self.registry.countries:
            text = f"{text} ({self.country(text)})"
        return short(text, limit)


# --- dates ------------------------------------------------------------------------------------------

def _dates(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, errors="coerce").astype("datetime64[ns]")


def _num(value) -> float:
    import matplotlib.dates as mdates

    return float(mdates.date2num(pd.Timestamp(value).to_pydatetime()))


def _date_axis(axes, low: pd.Timestamp, high: pd.Timestamp) -> None:
    """Ticks that suit the span: days, half-months, quarters or years."""
    import matplotlib.dates as mdates

    span = (high - low).days
    axes.set_xlim(_num(low), _num(high))
    axes.tick_params(axis="x", labelsize=7)
    axes.grid(axis="x", color=PALE, linewidth=0.8)
    axes.set_axisbelow(True)
    if span <= 20:  # days: a grid line at each midnight, the label in the middle of its day
        axes.xaxis.set_major_locator(mdates.DayLocator())
        axes.xaxis.set_major_formatter(mdates.DateFormatter(""))
        axes.xaxis.set_minor_locator(mdates.HourLocator(byhour=12))
        axes.xaxis.set_minor_formatter(mdates.DateFormatter("%d %b %Y" if span <= 10 else "%d %b"))
        axes.tick_params(axis="x", which="minor", length=0, labelsize=7)
        return
    locator: mdates.DateLocator
    if span <= 60:
        locator, fmt = mdates.DayLocator(bymonthday=(1, 15)), "%d %b %Y"
    elif span <= 400:
        locator, fmt = mdates.MonthLocator(interval=1 if span <= 200 else 2), "%b %Y"
    elif span <= 1200:
        locator, fmt = mdates.MonthLocator(bymonth=(1, 4, 7, 10)), "%b %Y"
    else:
        locator, fmt = mdates.YearLocator(base=max(1, span // 3650)), "%Y"
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(mdates.DateFormatter(fmt))


# --- timeline ---------------------------------------------------------------------------------------

def _windows(registry: Registry, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per visit, event and agreement: its window, fixed days, parent visit, position in its
    table, and how many documents cite it (the labelled rows are the best-attested)."""
    parts = []
    for name in TIMELINE_TABLES:
        table, frame = registry[name], frames[name]
        role = table.window
        if role is None:
            continue
        first, last = role.first or role.day, role.last or role.day
        none = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
        parts.append(pd.DataFrame({
            "kind": name,
            "key": frame[table.primary_key[0]].astype(str),
            "parent": frame[role.within].astype("string") if role.within else pd.Series(pd.NA, index=frame.index,
                                                                                      dtype="string"),
            "earliest": _dates(frame[role.earliest]),
            "latest": _dates(frame[role.latest]),
            "first": _dates(frame[first]) if first else none,
            "last": _dates(frame[last]) if last else none,
            "position": np.arange(len(frame)),
        }))
    items = pd.concat(parts, ignore_index=True)
    evidence = frames[Evidence.table]
    cited = (evidence.groupby([evidence[Evidence.record_table].astype(str), evidence[Evidence.record_id].astype(str)])
             [Evidence.source_id].nunique())
    cited.index.names = ["kind", "key"]
    items = items.join(cited.rename("documents"), on=["kind", "key"])
    items["documents"] = items["documents"].fillna(0).astype(int)
    children = items[items["parent"].notna()].groupby("parent").size()
    items["children"] = items["key"].map(children).where(items["kind"] == Visits.table).fillna(0).astype(int)
    items["start"] = items["earliest"].fillna(items["latest"])
    return items


def _rank(items: pd.DataFrame) -> pd.DataFrame:
    """Best-attested first: most documents, most records inside, narrowest window, earliest, id."""
    span = (items["latest"] - items["earliest"]).dt.days.fillna(10**6)
    return items.assign(_span=span).sort_values(["documents", "children", "_span", "start", "kind", "key"],
                                                ascending=[False, False, True, True, True, True], kind="stable")


def _draw_window(axes, y: float, row, colour: str, low: pd.Timestamp, high: pd.Timestamp, name: str) -> None:
    """The window as a pale band (dashed edge and an arrow where a side is unbounded); the fixed days
    as a solid bar with a diamond on each."""
    day = timedelta(days=1)
    earliest, latest = row["earliest"], row["latest"]
    start = low if pd.isna(earliest) else max(earliest, low)
    end = high if pd.isna(latest) else min(latest + day, high)
    open_side = pd.isna(earliest) or pd.isna(latest)
    bars = axes.barh(y, _num(end) - _num(start), left=_num(start), height=0.62, color=colour, alpha=0.22,
                     edgecolor=colour, linewidth=0.9, linestyle="--" if open_side else "-")
    bars.patches[0].set_gid(gid(name, "window"))
    if pd.isna(earliest):
        axes.plot([_num(low)], [y], marker="<", markersize=5, color=colour, clip_on=False)
    if pd.isna(latest):
        axes.plot([_num(high)], [y], marker=">", markersize=5, color=colour, clip_on=False)
    first, last = row["first"], row["last"]
    fixed = [d for d in (first, last) if not pd.isna(d)]
    if fixed:
        begin, finish = min(fixed), max(fixed) + day
        solid = axes.barh(y, _num(finish) - _num(begin), left=_num(begin), height=0.62, color=colour, alpha=0.95)
        solid.patches[0].set_gid(gid(name, "fixed"))
        days = sorted({_num(d) + 0.5 for d in fixed})
        axes.plot(days, [y] * len(days), linestyle="none", marker="D", markersize=4.5, color=INK,
                  markeredgecolor="white", markeredgewidth=0.7)


def _legend(figure, handles) -> None:
    figure.legend(handles=handles, loc="outside upper left", ncols=3, fontsize=7.5, frameon=False,
                  handlelength=1.8, columnspacing=1.6)


def _timeline_handles() -> list:
    from matplotlib.artist import Artist
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Artist] = [Patch(facecolor=colour, alpha=0.95, label=NOUN[name] + "s") for name, colour in COLOURS.items()]
    handles += [Patch(facecolor=GREY, alpha=0.22, edgecolor=GREY, label="the window the documents allow"),
                Patch(facecolor=GREY, alpha=0.95, label="the days they fix"),
                Line2D([], [], linestyle="none", marker="D", color=INK, markeredgecolor="white", label="a fixed day"),
                Patch(facecolor="white", edgecolor=GREY, linestyle="--",
                      label="dashed, with an arrow: no bound on that side")]
    return handles


def _monthly(items: pd.DataFrame, low: pd.Timestamp, high: pd.Timestamp) -> tuple[pd.DatetimeIndex, dict[str, np.ndarray]]:
    """How many windows of each table overlap each month (an open side runs to the chart's edge):
    one difference array per table, so linear in the rows."""
    months = pd.date_range(low.to_period("M").to_timestamp(), high, freq="MS")
    base = low.year * 12 + low.month - 1
    counts = {}
    for name, own in items.groupby("kind", sort=False):
        start = own["earliest"].fillna(low).clip(lower=low, upper=high)
        end = own["latest"].fillna(high).clip(lower=low, upper=high)
        first = (start.dt.year * 12 + start.dt.month - 1 - base).to_numpy()
        last = (end.dt.year * 12 + end.dt.month - 1 - base).to_numpy()
        delta = np.zeros(len(months) + 1, dtype=np.int64)
        np.add.at(delta, first, 1)
        np.add.at(delta, last + 1, -1)
        counts[str(name)] = np.cumsum(delta)[: len(months)]
    return months, counts


def timeline(frames: dict[str, pd.DataFrame], caption: str, registry: Registry,
             limits: Limits = LIMITS) -> bytes:
    """Visits (with the events and agreements inside them) and the other agreements as date windows:
    panel A, every record on one axis; panels B, C, …, one visit each on its own scale, with the
    records inside it. Beyond the limits, the rest are counted per month in a panel of their own."""
    plt = _pyplot()
    items = _windows(registry, frames)
    dated = items[items["earliest"].notna() | items["latest"].notna()]
    undated = items[items["earliest"].isna() & items["latest"].isna()]
    known = pd.concat([dated["earliest"], dated["latest"], dated["first"], dated["last"]]).dropna()
    span = max((known.max() - known.min()).days, 30) if len(known) else 30
    low = (known.min() if len(known) else pd.Timestamp("2023-01-01")) - timedelta(days=max(10, span // 40))
    high = (known.max() if len(known) else pd.Timestamp("2023-12-31")) + timedelta(days=max(10, span // 40))

    # Panel A: visits and free-standing agreements; the best-attested when there are too many.
    top = dated[dated["parent"].isna()]
    shown = _rank(top).head(limits.overview_rows)
    shown = shown.sort_values(["start", "latest", "kind", "key"], kind="stable")
    details = _rank(shown[shown["children"] > 0]).head(limits.detail_panels)
    details = details.sort_values(["start", "latest", "key"], kind="stable")
    letters = {key: chr(ord("B") + i) for i, key in enumerate(details["key"])}
    inside = dated[dated["parent"].isin(letters)]
    inside = inside.sort_values(["parent", "start", "latest", "kind", "key"], kind="stable")
    inside = inside.groupby("parent", sort=False).head(limits.detail_rows)
    drawn = pd.concat([shown, inside])
    rest = dated.drop(index=drawn.index)

    heights = [len(shown) + 1.0]
    if len(rest):
        heights.append(5.0)
    panel_rows = [inside[inside["parent"] == key] for key in details["key"]]
    heights += [len(rows) + 2.0 for rows in panel_rows]
    figure = plt.figure(figsize=(WIDTH, ROW * sum(heights) + 0.9 * len(heights) + 1.2), layout="constrained")
    grid = figure.add_gridspec(len(heights), 1, height_ratios=heights)
    _legend(figure, _timeline_handles())

    # A: the overview.
    axes = figure.add_subplot(grid[0])
    axes.set_gid("timeline-overview")
    labels = []
    rows = {name: _rows(frames[name], own["position"].tolist()) for name, own in shown.groupby("kind", sort=False)}
    cursor = dict.fromkeys(rows, 0)
    for y, item in enumerate(shown.to_dict("records")):
        name = item["kind"]
        row = rows[name][cursor[name]]
        cursor[name] += 1
        suffix = f"  [see {letters[item['key']]}]" if item["key"] in letters else ""
        labels.append(_label(registry[name], row, LABEL - len(suffix)) + suffix)
        _draw_window(axes, y, item, COLOURS[name], low, high, gid("timeline", name, item["key"]))
    axes.set_yticks(range(len(labels)), labels)
    for tick, item in zip(axes.get_yticklabels(), shown.to_dict("records"), strict=True):
        tick.set_color(COLOURS[item["kind"]])
        tick.set_gid(gid("timeline-label", item["kind"], item["key"]))
    axes.set_ylim(len(labels) - 0.4, -0.6)
    _date_axis(axes, low, high)
    n_top = len(top)
    axes.set_title("A. Every visit, meeting and contact, and the agreements outside them"
                   + (f" ({len(shown)} best-attested of {n_top:,})" if len(shown) < n_top else ""), loc="left")

    # The rest, counted per month.
    if len(rest):
        axes = figure.add_subplot(grid[1])
        axes.set_gid("timeline-rest")
        months, counts = _monthly(rest, low, high)
        x = [_num(m) for m in months] + [_num(high)]
        for name in TIMELINE_TABLES:
            if name in counts:
                values = np.append(counts[name], counts[name][-1])
                line, = axes.step(x, values, where="post", color=COLOURS[name], linewidth=1.2)
                line.set_gid(gid("timeline-rest", name))
        _date_axis(axes, low, high)
        axes.set_ylabel("windows overlapping\nthe month", fontsize=7)
        totals = rest.groupby("kind").size()
        what = ", ".join(_plural(int(totals[n]), NOUN[n]) for n in TIMELINE_TABLES if n in totals)
        axes.set_title(f"Not drawn above: {what}, counted in every month their window overlaps", loc="left")

    # B, C, …: one visit each, with what happened inside it.
    offset = 2 if len(rest) else 1
    for i, (visit, own) in enumerate(zip(details.to_dict("records"), panel_rows, strict=True)):
        axes = figure.add_subplot(grid[offset + i])
        axes.set_gid(gid("timeline-visit", visit["key"]))
        window = pd.concat([own["earliest"], own["latest"], own["first"], own["last"],
                            pd.Series([visit["earliest"], visit["latest"], visit["first"], visit["last"]])]).dropna()
        start, end = window.min(), window.max() + timedelta(days=1)
        pad = timedelta(days=max(1, (end - start).days // 12))
        v_low, v_high = start - pad, end + pad
        visit_row = _rows(frames[Visits.table], [visit["position"]])[0]
        role = registry[Visits.table].window
        words = _text(visit_row.get(role.words)) if role else ""
        entries = [(visit, Visits.table, "the visit" + (f" (“{words}”)" if words else ""))]
        by_kind = {name: _rows(frames[name], part["position"].tolist()) for name, part in own.groupby("kind", sort=False)}
        cursor = dict.fromkeys(by_kind, 0)
        for item in own.to_dict("records"):
            name = item["kind"]
            row = by_kind[name][cursor[name]]
            cursor[name] += 1
            entries.append((item, name, _label(registry[name], row)))
        for y, (item, name, _) in enumerate(entries):
            _draw_window(axes, y, item, COLOURS[name], v_low, v_high, gid("timeline", name, item["key"], "in", visit["key"]))
        axes.set_yticks(range(len(entries)), [label for *_, label in entries])
        for tick, (item, name, _) in zip(axes.get_yticklabels(), entries, strict=True):
            tick.set_color(COLOURS[name])
            tick.set_gid(gid("timeline-label", name, item["key"], "in", visit["key"]))
        axes.set_ylim(len(entries) - 0.4, -0.6)
        _date_axis(axes, v_low, v_high)
        more = int((rest["parent"] == visit["key"]).sum())
        within = own.groupby("kind").size()
        suffix = ": " + ", ".join(_plural(int(within[n]), NOUN[n]) for n in TIMELINE_TABLES if n in within) + " inside"
        suffix += f" (and {more:,} more, counted above)" if more else ""
        axes.set_title(f"{letters[visit['key']]}. {_label(registry[Visits.table], visit_row, TITLE - len(suffix))}{suffix}",
                       loc="left")

    notes = []
    if len(undated):
        names = [_label(registry[str(r["kind"])], row, 60) for r in undated.head(4).to_dict("records")
                 for row in _rows(frames[str(r["kind"])], [r["position"]])]
        notes.append("Not drawn, no date in the documents: " + "; ".join(names)
                     + (f"; and {len(undated) - 4:,} more" if len(undated) > 4 else ""))
    _footer(figure, notes, caption)
    return _svg(figure)


# --- trade figures ------------------------------------------------------------------------------------

_NUMBERS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine",
            10: "ten", 11: "eleven", 12: "twelve"}


def _period_kinds(figures: pd.DataFrame) -> pd.Series:
    """What kind of period each figure covers, in words: a calendar year, a quarter, nine months, 45 days,
    a period given only in words, or none."""
    T = TradeFigures
    start, end = _dates(figures[T.period_start]), _dates(figures[T.period_end])
    months = (end.dt.year - start.dt.year) * 12 + end.dt.month - start.dt.month + 1
    whole = (start.dt.day == 1) & ((end + timedelta(days=1)).dt.day == 1)
    days = (end - start).dt.days + 1
    kinds = pd.Series("no period stated", index=figures.index, dtype=object)
    worded = figures[T.period_as_reported].notna() & start.isna()
    kinds[worded] = "a period in words, no dates"
    dated = start.notna() & end.notna()
    for (n, month, is_whole, d), index in figures[dated].groupby(
            [months[dated], start[dated].dt.month, whole[dated], days[dated]]).groups.items():
        if not is_whole:
            kinds[index] = f"over {int(d)} days"
        elif n == 12 and month == 1:
            kinds[index] = "over a calendar year"
        elif n == 3 and month in (1, 4, 7, 10):
            kinds[index] = "over a quarter"
        elif n == 1:
            kinds[index] = "over a month"
        else:
            kinds[index] = f"over {_NUMBERS.get(int(n), str(int(n)))} months"
    return kinds


_KIND_ORDER = ("over a calendar year", "over a quarter", "over a month")


def _kind_order(kind: str) -> tuple[int, str]:
    """Calendar periods first, then other dated periods, then undated ones."""
    if kind in _KIND_ORDER:
        return _KIND_ORDER.index(kind), kind
    return (5 if kind.startswith("over") else 9), kind


def _scaled(unit: str, high: float) -> tuple[float, str]:
    """Divisor and suffix for the axis of a unit (US$ in billions or millions)."""
    if unit == TradeFigures.usd:
        if high >= 1e9:
            return 1e9, " bn"
        if high >= 1e6:
            return 1e6, " m"
    return 1.0, ""


def _amount(unit: str, value: float, divisor: float, suffix: str) -> str:
    number = f"{value / divisor:,.2f}".rstrip("0").rstrip(".")
    return f"${number}{suffix}" if unit == TradeFigures.usd else f"{number}{suffix}"


def trade_figures(frames: dict[str, pd.DataFrame], caption: str, registry: Registry,
                  limits: Limits = LIMITS) -> bytes:
    """Every figure in a panel of its measure, unit and kind of period, each panel on its own axis;
    labelled with the documents' words (value, period, subject, producer) and the document it is in."""
    plt = _pyplot()
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    T = TradeFigures
    table = registry[T.table]
    figures = frames[T.table]
    names = Names(registry, frames)
    measures = list(table.column(T.measure).enum or {})
    units = table.column(T.unit).enum or {}
    meanings = table.column(T.measure).enum or {}
    keyed = pd.DataFrame({"what": figures[T.measure].astype(str), "unit": figures[T.unit].astype(str),
                          "period": _period_kinds(figures), "value": pd.to_numeric(figures[T.value]).astype(float),
                          "key": figures[T.id].astype(str), "position": np.arange(len(figures))})
    keyed = keyed[keyed["value"].notna()]
    groups = sorted(keyed.groupby(["unit", "what", "period"], sort=False).groups.items(),
                    key=lambda kv: (list(units).index(kv[0][0]) if kv[0][0] in units else 99,
                                    measures.index(kv[0][1]) if kv[0][1] in measures else 99, _kind_order(kv[0][2])))
    left_out = groups[limits.trade_panels:]
    groups = groups[: limits.trade_panels]
    sources = frames[Sources.table].set_index(frames[Sources.table][Sources.id].astype(str))

    panels = []
    for (unit, measure, period), index in groups:
        own = keyed.loc[index].sort_values(["value", "key"], ascending=[False, True], kind="stable")
        panels.append((unit, measure, period, own.head(limits.figures_per_panel), own.iloc[limits.figures_per_panel:]))
    lines_per_row = 3
    heights = [len(top) * lines_per_row * 0.45 + (1.2 if len(more) else 0) + 1.6 for *_, top, more in panels] or [1.0]
    figure = plt.figure(figsize=(WIDTH, ROW * sum(heights) + 0.5 * len(heights) + 1.0), layout="constrained")
    grid = figure.add_gridspec(max(1, len(panels)), 1, height_ratios=heights)
    handles = [Patch(facecolor=BLUE, label="as stated"),
               Patch(facecolor=ORANGE, label="a deal or project value"),
               Patch(facecolor=BLUE, alpha=0.45, hatch="////", edgecolor="white",
                     label="qualified by the document (about, more than, less than: its words say which)")]
    if any(len(more) for *_, more in panels):
        handles.append(Patch(facecolor=GREY, alpha=0.5, label="range and median of the figures not labelled"))
    _legend(figure, handles)

    for i, (unit, measure, period, top, more) in enumerate(panels):
        axes = figure.add_subplot(grid[i])
        axes.set_gid(gid("trade-panel", measure, unit, period))
        values = pd.concat([top["value"], more["value"]])
        divisor, suffix = _scaled(unit, float(values.max()))
        is_rank = unit == T.rank
        colour = ORANGE if measure == T.deal_value else BLUE
        labels = []
        for y, f in enumerate(_rows(figures, top["position"].tolist())):
            value = float(f[T.value])
            qualified = _text(f[T.value_qualifier]) not in ("", T.exact)
            if is_rank:
                axes.plot([value], [y], marker="o", markersize=7, color=colour, alpha=0.45 if qualified else 1)
            else:
                axes.barh(y, value / divisor, height=0.55, color=colour, alpha=0.45 if qualified else 1,
                          hatch="////" if qualified else None, edgecolor="white", linewidth=0)
            words = _text(f[T.value_as_reported])
            change = _text(f[T.change_as_reported])
            note = axes.annotate(words + (f", {change}" if change else ""), (value / (1 if is_rank else divisor), y),
                                 xytext=(6, 0), textcoords="offset points", va="center", fontsize=7.5, color=INK,
                                 annotation_clip=False)
            note.set_gid(gid("trade-value", f[T.id]))
            what = _text(f[T.subject_as_reported])
            if not what:
                pair = [names.country(_text(f[T.reporter])), names.country(_text(f[T.partner]))]
                what = " → ".join(p for p in pair if p) or "subject not stated"
            period_words = _text(f[T.period_as_reported])
            start, end = f[T.period_start], f[T.period_end]
            dates = f"{pd.Timestamp(start):%Y-%m-%d} to {pd.Timestamp(end):%Y-%m-%d}" if not pd.isna(start) else ""
            when = (f"“{short(period_words, 60)}”" if period_words else "") + (f" ({dates})" if dates else "")
            source = sources.loc[_text(f[T.source_id])] if _text(f[T.source_id]) in sources.index else None
            document = "?" if source is None else (_text(source[Sources.publisher])
                                                   or f"“{short(_text(source[Sources.title]), 40)}”")
            producer = _text(f[T.reported_by], "producer not stated")
            labels.append("\n".join([short(what, 70), when or "no period stated", short(f"{producer}, in {document}", 80)]))
        if len(more):
            y = len(labels)
            lo, mid, hi = float(more["value"].min()), float(more["value"].median()), float(more["value"].max())
            scale = 1 if is_rank else divisor
            axes.plot([lo / scale, hi / scale], [y, y], color=GREY, linewidth=2.5, alpha=0.6, solid_capstyle="butt")
            axes.plot([mid / scale], [y], marker="|", markersize=12, color=INK)
            axes.annotate(f"median {_amount(unit, mid, scale, suffix)}", (hi / scale, y), xytext=(6, 0),
                          textcoords="offset points", va="center", fontsize=7.5, color=MUTED, annotation_clip=False)
            labels.append(f"and {_plural(len(more), 'more figure')}\nfrom {_amount(unit, lo, scale, suffix)} "
                          f"to {_amount(unit, hi, scale, suffix)}")
        axes.set_yticks(range(len(labels)), labels, fontsize=7.5, linespacing=1.25)
        axes.set_ylim(len(labels) - 0.45, -0.55)
        top_value = float(values.max()) / (1 if is_rank else divisor)
        if is_rank:
            axes.set_xlim(0.5, max(top_value, 2) + 1.5)
            axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        else:
            axes.set_xlim(0, top_value * 1.45)
            axes.xaxis.set_major_formatter(FuncFormatter(
                lambda v, _pos, unit=unit, suffix=suffix: _amount(unit, v, 1, suffix)))
        axes.tick_params(axis="x", labelsize=7)
        axes.tick_params(axis="y", length=0)
        axes.set_xlabel(units.get(unit, unit) + (f", {suffix.strip()}" if suffix else ""), fontsize=7, color=MUTED)
        axes.grid(axis="x", color=PALE, linewidth=0.8)
        axes.set_axisbelow(True)
        heading = measure.replace("_", " ")
        axes.set_title(f"{heading[:1].upper()}{heading[1:]}: {meanings.get(measure, '')} · {period}"
                       f" · {_plural(len(top) + len(more), 'figure')}", loc="left")
    notes = []
    if left_out:
        notes.append(f"Not drawn: {len(left_out)} more panels ("
                     + "; ".join(f"{m.replace('_', ' ')}, {u}, {p}" for (u, m, p), _ in left_out[:5])
                     + ("; …" if len(left_out) > 5 else "") + ")")
    notes.append("Figures as the documents report them, not an official series; each panel has its own axis.")
    _footer(figure, notes, caption)
    return _svg(figure)


# --- claims -------------------------------------------------------------------------------------------

AGREE, DISAGREE, UNSTATED = "agree", "disagree", "unstated"   # the cells' ids


def _source_label(source: dict) -> str:
    name = _text(source.get(Sources.publisher)) or f"“{short(_text(source.get(Sources.title)), 40)}”"
    lines, line = [], ""
    for word in name.split():
        if line and len(line) + 1 + len(word) > 16:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    if len(lines) > 3:
        lines = lines[:3]
        lines[-1] = lines[-1].rstrip(".,") + "…"
    return "\n".join(lines + [f"({_text(source.get(Sources.doc_kind)).replace('_', ' ')})"])


def claims_matrix(frames: dict[str, pd.DataFrame], caption: str, registry: Registry,
                  limits: Limits = LIMITS) -> bytes:
    """Rows: each record field that more than one document describes (conflicts first), under its
    record; columns: the documents; cells: agrees with the curated value, disagrees (with the
    document's value), or not stated. Beyond the limits, the other fields and documents are counted."""
    plt = _pyplot()
    from matplotlib.patches import Patch, Rectangle

    C = Claims
    claims = frames[C.table]
    names = Names(registry, frames)
    keys = pd.DataFrame({"kind": claims[C.record_table].astype(str), "record": claims[C.record_id].astype(str),
                         "column": claims[C.field].astype(str), "source": claims[C.source_id].astype(str),
                         "disagree": (claims[C.agrees] == False).fillna(False).astype(bool)})  # noqa: E712
    per_field = keys.groupby(["kind", "record", "column"], sort=False).agg(
        documents=("source", "size"), conflicts=("disagree", "sum"))
    shared = per_field[per_field["documents"] > 1].reset_index()
    order = {name: i for i, name in enumerate(registry.names)}
    shared["table_order"] = shared["kind"].map(order).fillna(99)
    positions = {(t.name, c): i for t in registry for i, c in enumerate(t.column_names)}
    shared["column_order"] = [positions.get(kf, 999) for kf in zip(shared["kind"], shared["column"], strict=True)]
    ranked = shared.sort_values(["conflicts", "documents", "table_order", "record", "column_order", "column"],
                                ascending=[False, False, True, True, True, True], kind="stable")
    chosen = ranked.head(limits.matrix_rows)
    rest = ranked.iloc[limits.matrix_rows:]

    # Records in the order of their first chosen field; fields in the table's column order.
    record_order = {r: i for i, r in enumerate(dict.fromkeys(zip(chosen["kind"], chosen["record"], strict=True)))}
    chosen = chosen.assign(_record=[record_order[(k, r)] for k, r in zip(chosen["kind"], chosen["record"], strict=True)])
    chosen = chosen.sort_values(["_record", "column_order", "column"], kind="stable")
    field_key = keys["kind"] + "\x1f" + keys["record"] + "\x1f" + keys["column"]
    key_of = lambda frame: frame["kind"] + "\x1f" + frame["record"] + "\x1f" + frame["column"]
    mask = field_key.isin(set(key_of(chosen))).to_numpy()
    cells_frame = claims[mask]
    source_ids = frames[Sources.table][Sources.id].astype(str).tolist()
    counts = cells_frame[C.source_id].astype(str).value_counts()
    present = [s for s in source_ids if s in counts.index]
    if len(present) > limits.matrix_sources:
        ranked_sources = sorted(present, key=lambda s: (-int(counts[s]), s))[: limits.matrix_sources]
        columns = [s for s in present if s in ranked_sources]
    else:
        columns = present
    others = len(present) - len(columns)   # documents with claims on the rows shown, without a column
    cells: dict[tuple[str, str, str, str], tuple[bool, str]] = {}
    other_cells: dict[tuple[str, str, str], list[int]] = {}
    for c in cells_frame.to_dict("records"):
        claim = (str(c[C.record_table]), str(c[C.record_id]), str(c[C.field]))
        agrees = bool(c[C.agrees]) if not pd.isna(c[C.agrees]) else True
        if str(c[C.source_id]) in columns:
            table = registry[claim[0]]
            claimed = _text(c[C.claimed_value])
            words = _text(c[C.value_as_reported])
            if not words and claim[2] in table.column_names:
                words = names.value(table, claim[2], claimed, 24)
            cells[(*claim, str(c[C.source_id]))] = (agrees, words or claimed)
        else:
            tally = other_cells.setdefault(claim, [0, 0])
            tally[0 if agrees else 1] += 1

    # The rows: a heading per record, then its fields.
    rows: list[tuple[str, str, tuple[str, str, str] | None]] = []   # (label, gid, field key or None)
    last_record = None
    for r in chosen.to_dict("records"):
        kind, record, field = r["kind"], r["record"], r["column"]
        if (kind, record) != last_record:
            rows.append((f"{kind.replace('_', ' ')} · {names.record(kind, record, 70)}", gid("claim-record", kind, record),
                         None))
            last_record = (kind, record)
        table = registry[kind]
        curated = ""
        row = names.row(kind, record)
        if row is not None and field in table.column_names:
            from ..base.codec import csv_cell
            from ..contract.registry import field_descriptor
            curated = names.value(table, field, csv_cell(row.get(field), field_descriptor(table, table.column(field))), 34)
        rows.append((f"{field} = {curated or '(empty)'}", gid("claim-row", kind, record, field), (kind, record, field)))
    if len(rest):
        rows.append((f"and {_plural(len(rest), 'more field')} that several documents describe", "claim-rest", None))

    n_columns = len(columns) + (1 if others else 0)
    figure = plt.figure(figsize=(4.6 + 1.2 * max(n_columns, 4), ROW * (len(rows) + 3) + 1.6), layout="constrained")
    axes = figure.add_subplot()
    axes.set_gid("claim-matrix")
    _legend(figure, [Patch(facecolor=GREEN, label="agrees with the curated value"),
                     Patch(facecolor=RED, label="disagrees (the document's words or value shown)"),
                     Patch(facecolor=PALE, label="not stated by the document")])
    rest_tally = {s: [0, 0] for s in columns}
    rest_other = [0, 0]
    if len(rest):
        tallies = keys[field_key.isin(set(key_of(rest))).to_numpy()].groupby(["source", "disagree"]).size()
        for (source, disagree), n in tallies.items():
            target = rest_tally.get(source, rest_other)
            target[1 if disagree else 0] += int(n)

    def cell(x: float, y: float, colour: str, text: str, name: str, text_colour: str = "white") -> None:
        patch = Rectangle((x - 0.46, y - 0.42), 0.92, 0.84, facecolor=colour, edgecolor="none")
        patch.set_gid(name)
        axes.add_patch(patch)
        if text:
            axes.text(x, y, text, ha="center", va="center", fontsize=8 if text == "✓" else 6.5, color=text_colour,
                      clip_on=True)

    for y, (_, _, key) in enumerate(rows):
        if key is None:
            if rows[y][1] == "claim-rest":
                for x, source in enumerate(columns):
                    agree, disagree = rest_tally[source]
                    cell(x, y, PALE, f"{agree:,} ✓  {disagree:,} ✗", gid("claim-rest", source), INK)
                if others:
                    cell(len(columns), y, PALE, f"{rest_other[0]:,} ✓  {rest_other[1]:,} ✗", "claim-rest-others", INK)
            else:
                axes.axhline(y + 0.5, color=PALE, linewidth=0.6) if y else None
            continue
        for x, source in enumerate(columns):
            found = cells.get((*key, source))
            if found is None:
                cell(x, y, PALE, "", gid("claim", *key, source, UNSTATED))
            elif found[0]:
                cell(x, y, GREEN, "✓", gid("claim", *key, source, AGREE))
            else:
                cell(x, y, RED, "✗ " + short(found[1], 20), gid("claim", *key, source, DISAGREE))
        if others:
            agree, disagree = other_cells.get(key, [0, 0])
            colour = RED if disagree else (GREEN if agree else PALE)
            cell(len(columns), y, colour, f"{agree} ✓ {disagree} ✗" if agree or disagree else "",
                 gid("claim-others", *key), "white" if agree or disagree else INK)

    if not rows:
        axes.text(0.5, 0.5, "No record field is described by more than one document.", ha="center",
                  transform=axes.transAxes, color=MUTED)
    axes.set_xlim(-0.5, max(n_columns, 1) - 0.5)
    axes.set_ylim(max(len(rows), 1) - 0.5, -0.5)
    axes.set_yticks(range(len(rows)), [label for label, *_ in rows])
    for tick, (_, name, key) in zip(axes.get_yticklabels(), rows, strict=True):
        tick.set_gid(name)
        if key is None:
            tick.set_fontweight("bold")
    source_rows = frames[Sources.table].set_index(frames[Sources.table][Sources.id].astype(str))
    headers = [_source_label(source_rows.loc[s].to_dict()) for s in columns]
    if others:
        headers.append(f"{others:,} other\ndocument" + ("" if others == 1 else "s"))
    axes.xaxis.tick_top()
    axes.set_xticks(range(n_columns), headers, fontsize=7, linespacing=1.2)
    for tick, source in zip(axes.get_xticklabels(), [*columns, "others"], strict=False):
        tick.set_gid(gid("claim-source", source))
    axes.tick_params(length=0)
    for side in ("left", "bottom", "top", "right"):
        axes.spines[side].set_visible(False)
    n_fields = len(shared)
    axes.set_title(f"Where the documents agree: the {_plural(n_fields, 'record field')} that more than one document\n"
                   "describes, against each document" + (f" ({len(chosen)} shown, conflicts first)" if len(rest) else ""),
                   loc="left", pad=8)
    _footer(figure, ["Curated value after “=”; the rule that chose it is in the claims table (column rule)."], caption)
    return _svg(figure)


def render(frames: dict[str, pd.DataFrame], caption: str, registry: Registry) -> dict[str, bytes]:
    """Every chart; `caption` (the package and version) is printed under each."""
    return {TIMELINE: timeline(frames, caption, registry),
            TRADE: trade_figures(frames, caption, registry),
            CLAIMS: claims_matrix(frames, caption, registry)}
