"""Matplotlib for the charts, set up for reproducible SVG: the colours, the figure's legend and
footer, element ids, date axes and a record's date window drawn as bars. Only drawing; which rows
a chart shows is chosen in `chart_rows`."""

from __future__ import annotations

import io
from datetime import timedelta

import pandas as pd

from ..contract.vocabulary import Agreements, VisitEvents, Visits
from .chart_rows import NOUN
from .chart_text import gid

BLUE, GREEN, ORANGE, GREY, RED = "#2b6cb0", "#2f855a", "#c05621", "#718096", "#c53030"
INK, MUTED, PALE = "#1a202c", "#4a5568", "#edf2f7"
COLOURS = {Visits.table: BLUE, VisitEvents.table: GREEN, Agreements.table: ORANGE}
ROW = 0.27          # inches per labelled row
WIDTH = 11.0        # inches


def pyplot():
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


def svg(figure) -> bytes:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", pad_inches=0.15,
                   metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    plt.close(figure)
    return buffer.getvalue()


def footer(figure, lines: list[str], caption: str) -> None:
    """Notes, then the caption, under the chart."""
    figure.supxlabel("\n".join([*lines, caption]), x=0.0, ha="left", fontsize=7, color=MUTED, linespacing=1.5)


def num(value) -> float:
    import matplotlib.dates as mdates

    return float(mdates.date2num(pd.Timestamp(value).to_pydatetime()))


def date_axis(axes, low: pd.Timestamp, high: pd.Timestamp) -> None:
    """Ticks that suit the span: days, half-months, quarters or years."""
    import matplotlib.dates as mdates

    span = (high - low).days
    axes.set_xlim(num(low), num(high))
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



def draw_window(axes, y: float, row, colour: str, low: pd.Timestamp, high: pd.Timestamp, name: str) -> None:
    """The window as a pale band (dashed edge and an arrow where a side is unbounded); the fixed days
    as a solid bar with a diamond on each."""
    day = timedelta(days=1)
    earliest, latest = row["earliest"], row["latest"]
    start = low if pd.isna(earliest) else max(earliest, low)
    end = high if pd.isna(latest) else min(latest + day, high)
    open_side = pd.isna(earliest) or pd.isna(latest)
    bars = axes.barh(y, num(end) - num(start), left=num(start), height=0.62, color=colour, alpha=0.22,
                     edgecolor=colour, linewidth=0.9, linestyle="--" if open_side else "-")
    bars.patches[0].set_gid(gid(name, "window"))
    if pd.isna(earliest):
        axes.plot([num(low)], [y], marker="<", markersize=5, color=colour, clip_on=False)
    if pd.isna(latest):
        axes.plot([num(high)], [y], marker=">", markersize=5, color=colour, clip_on=False)
    first, last = row["first"], row["last"]
    fixed = [d for d in (first, last) if not pd.isna(d)]
    if fixed:
        begin, finish = min(fixed), max(fixed) + day
        solid = axes.barh(y, num(finish) - num(begin), left=num(begin), height=0.62, color=colour, alpha=0.95)
        solid.patches[0].set_gid(gid(name, "fixed"))
        days = sorted({num(d) + 0.5 for d in fixed})
        axes.plot(days, [y] * len(days), linestyle="none", marker="D", markersize=4.5, color=INK,
                  markeredgecolor="white", markeredgewidth=0.7)


def legend(figure, handles) -> None:
    figure.legend(handles=handles, loc="outside upper left", ncols=3, fontsize=7.5, frameon=False,
                  handlelength=1.8, columnspacing=1.6)


def timeline_handles() -> list:
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
