"""Charts for the README, drawn from the built tables with matplotlib (the `charts` extra).

Output is SVG with text kept as text, a fixed hash salt and no date stamp, so the same tables
and the same matplotlib give the same bytes.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import pandas as pd

from .normalise import window_end

BLUE, ORANGE, GREY = "#2b6cb0", "#dd6b20", "#718096"


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


def _span(start: pd.Timestamp, end, precision: str) -> tuple[date, date, bool]:
    """Drawn interval and whether it is uncertain (the whole window the statement allows)."""
    first = start.date()
    if precision == "day":
        return first, (end.date() if not pd.isna(end) else first), False
    return first, window_end(first, precision), True


def timeline(frames: dict[str, pd.DataFrame]) -> bytes:
    import matplotlib.dates as mdates

    plt = _pyplot()
    visits = frames["visits"].dropna(subset=["start_date"]).sort_values(["start_date", "visit_id"])
    agreements = frames["agreements"].dropna(subset=["signed_date"]).sort_values(["signed_date", "agreement_id"])
    actors = frames["actors"].set_index("actor_id")["name"]
    rows = [(f"{actors.get(v.guest_id, v.guest_id)} → {v.host_country}: {v.visit_type.replace('_', ' ')}",
             *_span(v.start_date, v.end_date, v.date_precision), BLUE) for v in visits.itertuples(index=False)]
    rows += [(f"{_text(a.title) if len(_text(a.title)) in range(1, 60) else a.agreement_id} "
              f"({a.agreement_type.replace('_', ' ')})", *_span(a.signed_date, pd.NaT, a.date_precision), ORANGE)
             for a in agreements.itertuples(index=False)]
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
    figures = frames["trade_figures"]
    money = figures[figures["unit"] == "USD"].sort_values(["value", "figure_id"])
    sources = frames["sources"].set_index("source_id")["publisher"]
    figure, axes = plt.subplots(figsize=(10, 0.55 * len(money) + 1.2))
    for y, f in enumerate(money.itertuples(index=False)):
        axes.barh(y, f.value / 1e9, color=BLUE if f.measure != "deal_value" else ORANGE, height=0.6)
        period = (f"{f.period_start:%Y-%m-%d} to {f.period_end:%Y-%m-%d}" if not pd.isna(f.period_start)
                  else "period not stated")
        by = _text(f.reported_by, "producer not stated")
        publisher = _text(sources.get(f.source_id), f.source_id)
        label = (f"{f.measure.replace('_', ' ')} {_text(f.reporter, '?')}→{_text(f.partner, '?')}: "
                 f"{f.value_as_reported}  [{period}; {by}; in {publisher}]")
        axes.text(f.value / 1e9 + 0.08, y, label, va="center", fontsize=7.5)
    axes.set_yticks([])
    axes.set_xlabel("US$ billion, as reported")
    axes.set_xlim(0, money["value"].max() / 1e9 * 2.6)
    axes.set_title("Money figures as each document reports them (orange: deal values)", loc="left", fontsize=9)
    return _svg(figure)


def render(frames: dict[str, pd.DataFrame]) -> dict[str, bytes]:
    return {"docs/charts/timeline.svg": timeline(frames), "docs/charts/trade_figures.svg": trade_figures(frames)}
