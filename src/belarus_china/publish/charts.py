"""Charts for the README, drawn from the built tables with matplotlib (the `charts` extra).

Output is SVG with text kept as text, a fixed hash salt and no date stamp, so the same tables
and the same matplotlib give the same bytes.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import pandas as pd

from ..contract.vocabulary import Actors, Agreements, Sources, TradeFigures, Visits
from ..contract.words import window_end

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


def _span(start: pd.Timestamp, end, precision: str, finest: str) -> tuple[date, date, bool]:
    """Drawn interval and whether it is uncertain (the whole window the statement allows)."""
    first = start.date()
    if precision == finest:
        return first, (end.date() if not pd.isna(end) else first), False
    return first, window_end(first, precision), True


def timeline(frames: dict[str, pd.DataFrame], finest: str) -> bytes:
    """Visits and agreements with a known date; `finest` is the precision of an exactly known day."""
    import matplotlib.dates as mdates

    plt = _pyplot()
    V, A = Visits, Agreements
    visits = frames[V.table].dropna(subset=[V.start_date]).sort_values([V.start_date, V.id])
    agreements = frames[A.table].dropna(subset=[A.signed_date]).sort_values([A.signed_date, A.id])
    actors = frames[Actors.table].set_index(Actors.id)[Actors.name]
    rows = [(f"{actors.get(v[V.guest_id], v[V.guest_id])} → {v[V.host_country]}: {v[V.visit_type].replace('_', ' ')}",
             *_span(v[V.start_date], v[V.end_date], v[V.date_precision], finest), BLUE)
            for v in visits.to_dict("records")]
    rows += [(f"{_text(a[A.title]) if len(_text(a[A.title])) in range(1, 60) else a[A.id]} "
              f"({a[A.agreement_type].replace('_', ' ')})", *_span(a[A.signed_date], pd.NaT, a[A.date_precision], finest),
              ORANGE)
             for a in agreements.to_dict("records")]
    figure, axes = plt.subplots(figsize=(10, 0.38 * len(rows) + 1.4))
    for y, (label, first, last, uncertain, colour) in enumerate(rows):
        width = (last - first + timedelta(days=1)).days
        axes.barh(y, width, left=mdates.date2num(first), height=0.55, color=colour,
                  alpha=0.35 if uncertain else 0.95, edgecolor=colour, linewidth=0.8)
        axes.text(mdates.date2num(last + timedelta(days=6)), y, label, va="center", fontsize=8)
    axes.set_yticks([])
    axes.invert_yaxis()
    axes.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    low = min(r[1] for r in rows) - timedelta(days=20)
    high = max(r[2] for r in rows) + timedelta(days=150)
    axes.set_xlim(mdates.date2num(low), mdates.date2num(high))
    axes.set_title("Visits (blue) and agreements (orange) with a known date; pale bars: only the month or "
                   "year is known", loc="left", fontsize=9)
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


def render(frames: dict[str, pd.DataFrame], finest_precision: str) -> dict[str, bytes]:
    return {"docs/charts/timeline.svg": timeline(frames, finest_precision),
            "docs/charts/trade_figures.svg": trade_figures(frames)}
