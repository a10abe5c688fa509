"""Charts for the README, drawn from the built tables with matplotlib (the `charts` extra).

Output is SVG with text kept as text, a fixed hash salt and no date stamp, so the same tables
and the same matplotlib give the same bytes.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import pandas as pd

from ..contract.vocabulary import Actors, Agreements, Sources, TradeFigures, Visits

BLUE, ORANGE = "#2b6cb0", "#dd6b20"


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams.update({
        "svg.hashsalt": "belarus-china",
        "svg.fonttype": "none",
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
    })
    import matplotlib.pyplot as plt

    return plt


def _svg(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def _text(value, default: str = "") -> str:
    return default if value is None or pd.isna(value) else str(value)


def _day(value) -> date | None:
    return None if value is None or pd.isna(value) else value.date()


def _window_rows(frames: dict[str, pd.DataFrame]) -> list[tuple[str, date | None, date | None, date | None, date | None, str]]:
    """(label, earliest, latest, first known day, last known day, colour) for every dated visit and agreement."""
    V, A = Visits, Agreements
    actors = frames[Actors.table].set_index(Actors.id)[Actors.name]
    rows = []
    for v in frames[V.table].to_dict("records"):
        if _day(v[V.date_earliest]) is None and _day(v[V.date_latest]) is None:
            continue
        host = _text(v[V.host_country]) or _text(actors.get(_text(v[V.host_id]), v[V.host_id]), "?")
        label = f"{actors.get(v[V.guest_id], v[V.guest_id])} → {host}: {v[V.visit_type].replace('_', ' ')}"
        rows.append((label, _day(v[V.date_earliest]), _day(v[V.date_latest]), _day(v[V.start_date]),
                     _day(v[V.end_date]), BLUE))
    for a in frames[A.table].to_dict("records"):
        if _day(a[A.date_earliest]) is None and _day(a[A.date_latest]) is None:
            continue
        name = _text(a[A.title]) or _text(a[A.summary]) or a[A.id]
        name = name if len(name) < 60 else name[:57] + "…"
        label = f"{name} ({a[A.agreement_type].replace('_', ' ')})"
        day = _day(a[A.signed_date])
        rows.append((label, _day(a[A.date_earliest]), _day(a[A.date_latest]), day, day, ORANGE))
    return sorted(rows, key=lambda r: (r[1] or r[2] or date.min, r[0]))


def timeline(frames: dict[str, pd.DataFrame], caption: str) -> bytes:
    """Visits and agreements as their date windows: a pale band for the window the documents allow,
    a solid bar for the days they fix; a dashed end where the documents bound only one side."""
    import matplotlib.dates as mdates

    plt = _pyplot()
    rows = _window_rows(frames)
    known = [d for r in rows for d in (r[1], r[2]) if d]
    low, high = min(known) - timedelta(days=20), max(known) + timedelta(days=150)
    figure, axes = plt.subplots(figsize=(10, 0.38 * len(rows) + 1.6))
    for y, (label, earliest, latest, first, last, colour) in enumerate(rows):
        start, end = earliest or low, latest or high
        width = (end - start + timedelta(days=1)).days
        axes.barh(y, width, left=mdates.date2num(start), height=0.55, color=colour, alpha=0.25,
                  edgecolor=colour, linewidth=0.6, linestyle="-" if earliest and latest else "--")
        if first and last:
            axes.barh(y, (last - first + timedelta(days=1)).days, left=mdates.date2num(first), height=0.55,
                      color=colour, alpha=0.95)
        elif first:
            axes.plot([mdates.date2num(first)], [y], marker="|", markersize=12, color=colour)
        axes.text(mdates.date2num(min(end, high) + timedelta(days=6)), y, label, va="center", fontsize=8)
    axes.set_yticks([])
    axes.invert_yaxis()
    axes.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    axes.set_xlim(mdates.date2num(low), mdates.date2num(high + timedelta(days=250)))
    axes.set_title("Visits (blue) and agreements (orange) by date window: pale, the days the documents allow; "
                   "solid, the days they fix; dashed edge, no bound on that side", loc="left", fontsize=9)
    figure.text(0, -0.01, caption, fontsize=7, color="#4a5568", va="top")
    return _svg(figure)


def trade_figures(frames: dict[str, pd.DataFrame]) -> bytes:
    plt = _pyplot()
    T = TradeFigures
    figures = frames[T.table]
    money = figures[figures[T.unit] == T.usd].sort_values([T.value, T.id])
    sources = frames[Sources.table].set_index(Sources.id)[Sources.publisher]
    figure, axes = plt.subplots(figsize=(10, 0.55 * len(money) + 1.2))
    for y, f in enumerate(money.to_dict("records")):
        axes.barh(y, f[T.value] / 1e9, color=BLUE if f[T.measure] != T.deal_value else ORANGE, height=0.6)
        period = (f"{f[T.period_start]:%Y-%m-%d} to {f[T.period_end]:%Y-%m-%d}" if not pd.isna(f[T.period_start])
                  else "period not stated")
        by = _text(f[T.reported_by], "producer not stated")
        publisher = _text(sources.get(f[T.source_id]), f[T.source_id])
        label = (f"{f[T.measure].replace('_', ' ')} {_text(f[T.reporter], '?')}→{_text(f[T.partner], '?')}: "
                 f"{f[T.value_as_reported]}  [{period}; {by}; in {publisher}]")
        axes.text(f[T.value] / 1e9 + 0.08, y, label, va="center", fontsize=7.5)
    axes.set_yticks([])
    axes.set_xlabel("US$ billion, as reported")
    axes.set_xlim(0, money[T.value].max() / 1e9 * 2.6)
    axes.set_title("Money figures as each document reports them (orange: deal values)", loc="left", fontsize=9)
    return _svg(figure)


def render(frames: dict[str, pd.DataFrame], caption: str) -> dict[str, bytes]:
    """Every chart; `caption` (the package and version) is printed under each."""
    return {"docs/charts/timeline.svg": timeline(frames, caption),
            "docs/charts/trade_figures.svg": trade_figures(frames)}
