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
Which rows each chart shows is chosen in `chart_rows` (pure pandas); this module draws them.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

from ..contract.registry import Registry
from ..contract.vocabulary import Sources, TradeFigures, Visits
from .chart_draw import (
    BLUE,
    COLOURS,
    GREEN,
    GREY,
    INK,
    MUTED,
    ORANGE,
    PALE,
    RED,
    ROW,
    WIDTH,
    date_axis,
    draw_window,
    footer,
    legend,
    num,
    pyplot,
    svg,
    timeline_handles,
)
from .chart_rows import (
    LIMITS,
    TIMELINE_TABLES,
    Limits,
    TimelineRows,
    claim_cells,
    claim_columns,
    claim_fields,
    claim_rows,
    counted,
    figure_label,
    monthly,
    overview_labels,
    rest_tallies,
    timeline_rows,
    trade_panels,
    undated_note,
    visit_entries,
)
from .chart_text import TITLE, Names, amount, gid, label, plural, rows_at, scaled, short, source_label, text

__all__ = ["CLAIMS", "LIMITS", "TIMELINE", "TIMELINE_TABLES", "TRADE", "Limits", "claims_matrix", "render", "short",
           "timeline", "trade_figures"]  # another vocabulary's word, not a column

TIMELINE = "docs/charts/timeline.svg"
TRADE = "docs/charts/trade_figures.svg"
CLAIMS = "docs/charts/claims.svg"


# --- timeline ---------------------------------------------------------------------------------------

def _overview(axes, chosen: TimelineRows, frames: dict[str, pd.DataFrame], registry: Registry) -> None:
    """Panel A: every top-level record shown, on the whole range."""
    axes.set_gid("timeline-overview")
    labels = overview_labels(chosen, frames, registry)
    items = chosen.shown.to_dict("records")
    for y, item in enumerate(items):
        draw_window(axes, y, item, COLOURS[item["kind"]], chosen.low, chosen.high, gid("timeline", item["kind"], item["key"]))
    axes.set_yticks(range(len(labels)), labels)
    for tick, item in zip(axes.get_yticklabels(), items, strict=True):
        tick.set_color(COLOURS[item["kind"]])
        tick.set_gid(gid("timeline-label", item["kind"], item["key"]))
    axes.set_ylim(len(labels) - 0.4, -0.6)
    date_axis(axes, chosen.low, chosen.high)
    n_shown = len(chosen.shown)
    axes.set_title("A. Every visit, meeting and contact, and the agreements outside them"
                   + (f" ({n_shown} best-attested of {chosen.n_top:,})" if n_shown < chosen.n_top else ""), loc="left")


def _rest(axes, chosen: TimelineRows) -> None:
    """The records not drawn, counted per month."""
    low, high = chosen.low, chosen.high
    axes.set_gid("timeline-rest")
    months, counts = monthly(chosen.rest, low, high)
    x = [num(m) for m in months] + [num(high)]
    for name in TIMELINE_TABLES:
        if name in counts:
            values = np.append(counts[name], counts[name][-1])
            line, = axes.step(x, values, where="post", color=COLOURS[name], linewidth=1.2)
            line.set_gid(gid("timeline-rest", name))
    date_axis(axes, low, high)
    axes.set_ylabel("windows overlapping\nthe month", fontsize=7)
    axes.set_title(f"Not drawn above: {counted(chosen.rest)}, counted in every month their window overlaps", loc="left")


def _visit(axes, visit: dict, own: pd.DataFrame, chosen: TimelineRows, frames: dict[str, pd.DataFrame],
           registry: Registry) -> None:
    """Panel B, C, …: one visit, with what happened inside it, on the visit's own scale."""
    axes.set_gid(gid("timeline-visit", visit["key"]))
    window = pd.concat([own["earliest"], own["latest"], own["first"], own["last"],
                        pd.Series([visit["earliest"], visit["latest"], visit["first"], visit["last"]])]).dropna()
    start, end = window.min(), window.max() + timedelta(days=1)
    pad = timedelta(days=max(1, (end - start).days // 12))
    v_low, v_high = start - pad, end + pad
    entries = visit_entries(visit, own, frames, registry)
    for y, (item, name, _) in enumerate(entries):
        draw_window(axes, y, item, COLOURS[name], v_low, v_high, gid("timeline", name, item["key"], "in", visit["key"]))
    axes.set_yticks(range(len(entries)), [words for *_, words in entries])
    for tick, (item, name, _) in zip(axes.get_yticklabels(), entries, strict=True):
        tick.set_color(COLOURS[name])
        tick.set_gid(gid("timeline-label", name, item["key"], "in", visit["key"]))
    axes.set_ylim(len(entries) - 0.4, -0.6)
    date_axis(axes, v_low, v_high)
    more = int((chosen.rest["parent"] == visit["key"]).sum())
    suffix = f": {counted(own)} inside" + (f" (and {more:,} more, counted above)" if more else "")
    visit_row = rows_at(frames[Visits.table], [visit["position"]])[0]
    axes.set_title(f"{chosen.letters[visit['key']]}. {label(registry[Visits.table], visit_row, TITLE - len(suffix))}"
                   f"{suffix}", loc="left")


def timeline(frames: dict[str, pd.DataFrame], caption: str, registry: Registry,
             limits: Limits = LIMITS) -> bytes:
    """Visits (with the events and agreements inside them) and the other agreements as date windows:
    panel A, every record on one axis; panels B, C, …, one visit each on its own scale, with the
    records inside it. Beyond the limits, the rest are counted per month in a panel of their own."""
    plt = pyplot()
    chosen = timeline_rows(registry, frames, limits)
    heights = [len(chosen.shown) + 1.0]
    if len(chosen.rest):
        heights.append(5.0)
    heights += [len(rows) + 2.0 for rows in chosen.panels]
    figure = plt.figure(figsize=(WIDTH, ROW * sum(heights) + 0.9 * len(heights) + 1.2), layout="constrained")
    grid = figure.add_gridspec(len(heights), 1, height_ratios=heights)
    legend(figure, timeline_handles())
    _overview(figure.add_subplot(grid[0]), chosen, frames, registry)
    if len(chosen.rest):
        _rest(figure.add_subplot(grid[1]), chosen)
    offset = 2 if len(chosen.rest) else 1
    for i, (visit, own) in enumerate(zip(chosen.details.to_dict("records"), chosen.panels, strict=True)):
        _visit(figure.add_subplot(grid[offset + i]), visit, own, chosen, frames, registry)
    note = undated_note(chosen.undated, frames, registry)
    footer(figure, [note] if note else [], caption)
    return svg(figure)


# --- trade figures ------------------------------------------------------------------------------------

def _trade_panel(axes, panel, figures: pd.DataFrame, names: Names, sources: pd.DataFrame, registry: Registry) -> None:
    """One measure, unit and kind of period on its own axis: the labelled figures, then the range and
    median of the rest."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    T = TradeFigures
    unit, measure, period, top, more = panel
    units = registry[T.table].column(T.unit).enum or {}
    meanings = registry[T.table].column(T.measure).enum or {}
    axes.set_gid(gid("trade-panel", measure, unit, period))
    values = pd.concat([top["value"], more["value"]])
    divisor, suffix = scaled(unit, float(values.max()))
    is_rank = unit == T.rank
    colour = ORANGE if measure == T.deal_value else BLUE
    labels = []
    for y, f in enumerate(rows_at(figures, top["position"].tolist())):
        value = float(f[T.value])
        qualified = text(f[T.value_qualifier]) not in ("", T.exact)
        if is_rank:
            axes.plot([value], [y], marker="o", markersize=7, color=colour, alpha=0.45 if qualified else 1)
        else:
            axes.barh(y, value / divisor, height=0.55, color=colour, alpha=0.45 if qualified else 1,
                      hatch="////" if qualified else None, edgecolor="white", linewidth=0)
        words = text(f[T.value_as_reported])
        change = text(f[T.change_as_reported])
        note = axes.annotate(words + (f", {change}" if change else ""), (value / (1 if is_rank else divisor), y),
                             xytext=(6, 0), textcoords="offset points", va="center", fontsize=7.5, color=INK,
                             annotation_clip=False)
        note.set_gid(gid("trade-value", f[T.id]))
        labels.append(figure_label(f, names, sources))
    if len(more):
        y = len(labels)
        lo, mid, hi = float(more["value"].min()), float(more["value"].median()), float(more["value"].max())
        scale = 1 if is_rank else divisor
        axes.plot([lo / scale, hi / scale], [y, y], color=GREY, linewidth=2.5, alpha=0.6, solid_capstyle="butt")
        axes.plot([mid / scale], [y], marker="|", markersize=12, color=INK)
        axes.annotate(f"median {amount(unit, mid, scale, suffix)}", (hi / scale, y), xytext=(6, 0),
                      textcoords="offset points", va="center", fontsize=7.5, color=MUTED, annotation_clip=False)
        labels.append(f"and {plural(len(more), 'more figure')}\nfrom {amount(unit, lo, scale, suffix)} "
                      f"to {amount(unit, hi, scale, suffix)}")
    axes.set_yticks(range(len(labels)), labels, fontsize=7.5, linespacing=1.25)
    axes.set_ylim(len(labels) - 0.45, -0.55)
    top_value = float(values.max()) / (1 if is_rank else divisor)
    if is_rank:
        axes.set_xlim(0.5, max(top_value, 2) + 1.5)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        axes.set_xlim(0, top_value * 1.45)
        axes.xaxis.set_major_formatter(FuncFormatter(
            lambda v, _pos, unit=unit, suffix=suffix: amount(unit, v, 1, suffix)))
    axes.tick_params(axis="x", labelsize=7)
    axes.tick_params(axis="y", length=0)
    axes.set_xlabel(units.get(unit, unit) + (f", {suffix.strip()}" if suffix else ""), fontsize=7, color=MUTED)
    axes.grid(axis="x", color=PALE, linewidth=0.8)
    axes.set_axisbelow(True)
    heading = measure.replace("_", " ")
    axes.set_title(f"{heading[:1].upper()}{heading[1:]}: {meanings.get(measure, '')} · {period}"
                   f" · {plural(len(top) + len(more), 'figure')}", loc="left")


def trade_figures(frames: dict[str, pd.DataFrame], caption: str, registry: Registry,
                  limits: Limits = LIMITS) -> bytes:
    """Every figure in a panel of its measure, unit and kind of period, each panel on its own axis;
    labelled with the documents' words (value, period, subject, producer) and the document it is in."""
    plt = pyplot()
    from matplotlib.patches import Patch

    panels, left_out = trade_panels(frames, registry, limits)
    sources = frames[Sources.table].set_index(frames[Sources.table][Sources.id].astype(str))
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
    legend(figure, handles)
    names = Names(registry, frames)
    for i, panel in enumerate(panels):
        _trade_panel(figure.add_subplot(grid[i]), panel, frames[TradeFigures.table], names, sources, registry)
    notes = []
    if left_out:
        notes.append(f"Not drawn: {len(left_out)} more panels ("
                     + "; ".join(f"{m.replace('_', ' ')}, {u}, {p}" for (u, m, p), _ in left_out[:5])
                     + ("; …" if len(left_out) > 5 else "") + ")")
    notes.append("Figures as the documents report them, not an official series; each panel has its own axis.")
    footer(figure, notes, caption)
    return svg(figure)


# --- claims -------------------------------------------------------------------------------------------

AGREE, DISAGREE, UNSTATED = "agree", "disagree", "unstated"   # the cells' ids


def _cell(axes, x: float, y: float, colour: str, words: str, name: str, text_colour: str = "white") -> None:
    from matplotlib.patches import Rectangle

    patch = Rectangle((x - 0.46, y - 0.42), 0.92, 0.84, facecolor=colour, edgecolor="none")
    patch.set_gid(name)
    axes.add_patch(patch)
    if words:
        axes.text(x, y, words, ha="center", va="center", fontsize=8 if words == "✓" else 6.5, color=text_colour,
                  clip_on=True)


def _claim_cells(axes, rows, columns: list[str], others: int, cells, other_cells, tallies) -> None:
    """A cell per row and document: agrees, disagrees (with the document's words) or not stated; the
    documents without a column counted together; the fields not shown counted per document."""
    rest_tally, rest_other = tallies
    for y, (_, _, key) in enumerate(rows):
        if key is None:
            if rows[y][1] == "claim-rest":
                for x, source in enumerate(columns):
                    agree, disagree = rest_tally[source]
                    _cell(axes, x, y, PALE, f"{agree:,} ✓  {disagree:,} ✗", gid("claim-rest", source), INK)
                if others:
                    _cell(axes, len(columns), y, PALE, f"{rest_other[0]:,} ✓  {rest_other[1]:,} ✗", "claim-rest-others",
                          INK)
            else:
                axes.axhline(y + 0.5, color=PALE, linewidth=0.6) if y else None
            continue
        for x, source in enumerate(columns):
            found = cells.get((*key, source))
            if found is None:
                _cell(axes, x, y, PALE, "", gid("claim", *key, source, UNSTATED))
            elif found[0]:
                _cell(axes, x, y, GREEN, "✓", gid("claim", *key, source, AGREE))
            else:
                _cell(axes, x, y, RED, "✗ " + short(found[1], 20), gid("claim", *key, source, DISAGREE))
        if others:
            agree, disagree = other_cells.get(key, [0, 0])
            colour = RED if disagree else (GREEN if agree else PALE)
            _cell(axes, len(columns), y, colour, f"{agree} ✓ {disagree} ✗" if agree or disagree else "",
                  gid("claim-others", *key), "white" if agree or disagree else INK)


def claims_matrix(frames: dict[str, pd.DataFrame], caption: str, registry: Registry,
                  limits: Limits = LIMITS) -> bytes:
    """Rows: each record field that more than one document describes (conflicts first), under its
    record; columns: the documents; cells: agrees with the curated value, disagrees (with the
    document's value), or not stated. Beyond the limits, the other fields and documents are counted."""
    plt = pyplot()
    from matplotlib.patches import Patch

    names = Names(registry, frames)
    fields = claim_fields(frames, registry, limits)
    shown, columns, others = claim_columns(fields, frames, limits)
    cells, other_cells = claim_cells(shown, columns, names, registry)
    rows = claim_rows(fields, names, registry)
    n_columns = len(columns) + (1 if others else 0)
    figure = plt.figure(figsize=(4.6 + 1.2 * max(n_columns, 4), ROW * (len(rows) + 3) + 1.6), layout="constrained")
    axes = figure.add_subplot()
    axes.set_gid("claim-matrix")
    legend(figure, [Patch(facecolor=GREEN, label="agrees with the curated value"),
                    Patch(facecolor=RED, label="disagrees (the document's words or value shown)"),
                    Patch(facecolor=PALE, label="not stated by the document")])
    _claim_cells(axes, rows, columns, others, cells, other_cells, rest_tallies(fields, columns))
    if not rows:
        axes.text(0.5, 0.5, "No record field is described by more than one document.", ha="center",
                  transform=axes.transAxes, color=MUTED)
    axes.set_xlim(-0.5, max(n_columns, 1) - 0.5)
    axes.set_ylim(max(len(rows), 1) - 0.5, -0.5)
    axes.set_yticks(range(len(rows)), [words for words, *_ in rows])
    for tick, (_, name, key) in zip(axes.get_yticklabels(), rows, strict=True):
        tick.set_gid(name)
        if key is None:
            tick.set_fontweight("bold")
    source_rows = frames[Sources.table].set_index(frames[Sources.table][Sources.id].astype(str))
    headers = [source_label(source_rows.loc[s].to_dict()) for s in columns]
    if others:
        headers.append(f"{others:,} other\ndocument" + ("" if others == 1 else "s"))
    axes.xaxis.tick_top()
    axes.set_xticks(range(n_columns), headers, fontsize=7, linespacing=1.2)
    for tick, source in zip(axes.get_xticklabels(), [*columns, "others"], strict=False):
        tick.set_gid(gid("claim-source", source))
    axes.tick_params(length=0)
    for side in ("left", "bottom", "top", "right"):
        axes.spines[side].set_visible(False)
    axes.set_title(f"Where the documents agree: the {plural(len(fields.shared), 'record field')} that more than one"
                   " document\ndescribes, against each document"
                   + (f" ({len(fields.chosen)} shown, conflicts first)" if len(fields.rest) else ""), loc="left", pad=8)
    footer(figure, ["Curated value after “=”; the rule that chose it is in the claims table (column rule)."], caption)
    return svg(figure)


def render(frames: dict[str, pd.DataFrame], caption: str, registry: Registry) -> dict[str, bytes]:
    """Every chart; `caption` (the package and version) is printed under each."""
    return {TIMELINE: timeline(frames, caption, registry),
            TRADE: trade_figures(frames, caption, registry),
            CLAIMS: claims_matrix(frames, caption, registry)}
