"""Which rows each chart shows, and how it summarises the rest: pure pandas over the published tables
and the registry, returning plain data (frames, lists, counts) for `charts` to draw.

- timeline: every visit, event and agreement as a date window; the best-attested top-level records
  are labelled, up to a few visits get a panel of their own, the rest are counted per month.
- trade figures: one panel per unit, measure and kind of period; the largest figures labelled, the
  rest as a range and median.
- claims: the record fields more than one document describes, conflicts first; the documents with
  most claims on them get a column, the others one column between them.

Each pass over the rows is linear in them; what is returned is bounded by `Limits`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pandas as pd

from ..base.codec import csv_cell
from ..contract.registry import Registry, field_descriptor
from ..contract.vocabulary import Agreements, Claims, Evidence, Sources, TradeFigures, VisitEvents, Visits
from .chart_text import LABEL, Names, gid, label, plural, rows_at, short, text

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


# --- timeline ---------------------------------------------------------------------------------------

def dates(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, errors="coerce").astype("datetime64[ns]")


def windows(registry: Registry, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
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
            "earliest": dates(frame[role.earliest]),
            "latest": dates(frame[role.latest]),
            "first": dates(frame[first]) if first else none,
            "last": dates(frame[last]) if last else none,
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


def rank(items: pd.DataFrame) -> pd.DataFrame:
    """Best-attested first: most documents, most records inside, narrowest window, earliest, id."""
    span = (items["latest"] - items["earliest"]).dt.days.fillna(10**6)
    return items.assign(_span=span).sort_values(["documents", "children", "_span", "start", "kind", "key"],
                                                ascending=[False, False, True, True, True, True], kind="stable")


def monthly(items: pd.DataFrame, low: pd.Timestamp, high: pd.Timestamp) -> tuple[pd.DatetimeIndex, dict[str, np.ndarray]]:
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


@dataclass(frozen=True)
class TimelineRows:
    """What the timeline draws: the date range of its overview; the overview's rows (`shown`, of
    `n_top` top-level records); the visits given a panel (`details`, lettered B, C, …) with the rows
    inside each (`panels`); the dated rows not drawn (`rest`) and the undated ones (`undated`)."""
    low: pd.Timestamp
    high: pd.Timestamp
    shown: pd.DataFrame
    n_top: int
    details: pd.DataFrame
    letters: dict[str, str]
    panels: list[pd.DataFrame]
    rest: pd.DataFrame
    undated: pd.DataFrame


def timeline_rows(registry: Registry, frames: dict[str, pd.DataFrame], limits: Limits = LIMITS) -> TimelineRows:
    items = windows(registry, frames)
    dated = items[items["earliest"].notna() | items["latest"].notna()]
    undated = items[items["earliest"].isna() & items["latest"].isna()]
    known = pd.concat([dated["earliest"], dated["latest"], dated["first"], dated["last"]]).dropna()
    span = max((known.max() - known.min()).days, 30) if len(known) else 30
    low = (known.min() if len(known) else pd.Timestamp("2023-01-01")) - timedelta(days=max(10, span // 40))
    high = (known.max() if len(known) else pd.Timestamp("2023-12-31")) + timedelta(days=max(10, span // 40))

    # The overview: visits and free-standing agreements; the best-attested when there are too many.
    top = dated[dated["parent"].isna()]
    shown = rank(top).head(limits.overview_rows)
    shown = shown.sort_values(["start", "latest", "kind", "key"], kind="stable")
    details = rank(shown[shown["children"] > 0]).head(limits.detail_panels)
    details = details.sort_values(["start", "latest", "key"], kind="stable")
    letters = {key: chr(ord("B") + i) for i, key in enumerate(details["key"])}
    inside = dated[dated["parent"].isin(letters)]
    inside = inside.sort_values(["parent", "start", "latest", "kind", "key"], kind="stable")
    inside = inside.groupby("parent", sort=False).head(limits.detail_rows)
    rest = dated.drop(index=pd.concat([shown, inside]).index)
    panels = [inside[inside["parent"] == key] for key in details["key"]]
    return TimelineRows(low, high, shown, len(top), details, letters, panels, rest, undated)


def _labels(items: pd.DataFrame, frames: dict[str, pd.DataFrame], registry: Registry, limits: list[int]) -> list[str]:
    """The labels of `items` in their order, each cut to its limit; the rows are read table by table."""
    rows = {name: rows_at(frames[name], own["position"].tolist()) for name, own in items.groupby("kind", sort=False)}
    cursor = dict.fromkeys(rows, 0)
    labels = []
    for item, limit in zip(items.to_dict("records"), limits, strict=True):
        name = item["kind"]
        labels.append(label(registry[name], rows[name][cursor[name]], limit))
        cursor[name] += 1
    return labels


def overview_labels(chosen: TimelineRows, frames: dict[str, pd.DataFrame], registry: Registry) -> list[str]:
    """The overview's labels; a visit with a panel of its own says which."""
    suffixes = [f"  [see {chosen.letters[key]}]" if key in chosen.letters else "" for key in chosen.shown["key"]]
    labels = _labels(chosen.shown, frames, registry, [LABEL - len(s) for s in suffixes])
    return [label + suffix for label, suffix in zip(labels, suffixes, strict=True)]


def visit_entries(visit: dict, own: pd.DataFrame, frames: dict[str, pd.DataFrame],
                  registry: Registry) -> list[tuple[dict, str, str]]:
    """A visit's panel rows as (item, table, label): the visit itself in its date words, then the records inside."""
    visit_row = rows_at(frames[Visits.table], [visit["position"]])[0]
    role = registry[Visits.table].window
    words = text(visit_row.get(role.words)) if role else ""
    entries = [(visit, Visits.table, "the visit" + (f" (“{words}”)" if words else ""))]
    labels = _labels(own, frames, registry, [LABEL] * len(own))
    entries += [(item, item["kind"], words_) for item, words_ in zip(own.to_dict("records"), labels, strict=True)]
    return entries


def counted(items: pd.DataFrame) -> str:
    """How many records of each timeline table `items` holds, in words."""
    totals = items.groupby("kind").size()
    return ", ".join(plural(int(totals[n]), NOUN[n]) for n in TIMELINE_TABLES if n in totals)


def undated_note(undated: pd.DataFrame, frames: dict[str, pd.DataFrame], registry: Registry) -> str | None:
    """The records without a date, named (the first four) and counted."""
    if not len(undated):
        return None
    names = [label(registry[str(r["kind"])], row, 60) for r in undated.head(4).to_dict("records")
             for row in rows_at(frames[str(r["kind"])], [r["position"]])]
    return ("Not drawn, no date in the documents: " + "; ".join(names)
            + (f"; and {len(undated) - 4:,} more" if len(undated) > 4 else ""))


# --- trade figures ------------------------------------------------------------------------------------

_NUMBERS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine",
            10: "ten", 11: "eleven", 12: "twelve"}


def period_kinds(figures: pd.DataFrame) -> pd.Series:
    """What kind of period each figure covers, in words: a calendar year, a quarter, nine months, 45 days,
    a period given only in words, or none."""
    T = TradeFigures
    start, end = dates(figures[T.period_start]), dates(figures[T.period_end])
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


def kind_order(kind: str) -> tuple[int, str]:
    """Calendar periods first, then other dated periods, then undated ones."""
    if kind in _KIND_ORDER:
        return _KIND_ORDER.index(kind), kind
    return (5 if kind.startswith("over") else 9), kind


def trade_panels(frames: dict[str, pd.DataFrame], registry: Registry, limits: Limits = LIMITS):
    """The panels, one per unit, measure and kind of period (in the registry's order of units and
    measures, calendar periods first), each as (unit, measure, period, the figures labelled (largest
    first), the rest); and the groups beyond `limits.trade_panels`, not drawn."""
    T = TradeFigures
    table = registry[T.table]
    figures = frames[T.table]
    measures = list(table.column(T.measure).enum or {})
    units = table.column(T.unit).enum or {}
    keyed = pd.DataFrame({"what": figures[T.measure].astype(str), "unit": figures[T.unit].astype(str),
                          "period": period_kinds(figures), "value": pd.to_numeric(figures[T.value]).astype(float),
                          "key": figures[T.id].astype(str), "position": np.arange(len(figures))})
    keyed = keyed[keyed["value"].notna()]
    groups = sorted(keyed.groupby(["unit", "what", "period"], sort=False).groups.items(),
                    key=lambda kv: (list(units).index(kv[0][0]) if kv[0][0] in units else 99,
                                    measures.index(kv[0][1]) if kv[0][1] in measures else 99, kind_order(kv[0][2])))
    panels = []
    for (unit, measure, period), index in groups[: limits.trade_panels]:
        own = keyed.loc[index].sort_values(["value", "key"], ascending=[False, True], kind="stable")
        panels.append((unit, measure, period, own.head(limits.figures_per_panel), own.iloc[limits.figures_per_panel:]))
    return panels, groups[limits.trade_panels:]


def figure_label(f: dict, names: Names, sources: pd.DataFrame) -> str:
    """A figure's label in the documents' words: what it counts, when, and who reported it where."""
    T = TradeFigures
    what = text(f[T.subject_as_reported])
    if not what:
        pair = [names.country(text(f[T.reporter])), names.country(text(f[T.partner]))]
        what = " → ".join(p for p in pair if p) or "subject not stated"
    period_words = text(f[T.period_as_reported])
    start, end = f[T.period_start], f[T.period_end]
    span = f"{pd.Timestamp(start):%Y-%m-%d} to {pd.Timestamp(end):%Y-%m-%d}" if not pd.isna(start) else ""
    when = (f"“{short(period_words, 60)}”" if period_words else "") + (f" ({span})" if span else "")
    source = sources.loc[text(f[T.source_id])] if text(f[T.source_id]) in sources.index else None
    document = "?" if source is None else (text(source[Sources.publisher])
                                           or f"“{short(text(source[Sources.title]), 40)}”")
    producer = text(f[T.reported_by], "producer not stated")
    return "\n".join([short(what, 70), when or "no period stated", short(f"{producer}, in {document}", 80)])


# --- claims -------------------------------------------------------------------------------------------

def _field_key(frame: pd.DataFrame) -> pd.Series:
    return frame["kind"] + "\x1f" + frame["record"] + "\x1f" + frame["column"]


@dataclass(frozen=True)
class ClaimFields:
    """The claims keyed by field (`keys`), the fields more than one document describes (`shared`), those
    given a row (`chosen`: conflicts first, grouped by record) and the rest."""
    keys: pd.DataFrame
    shared: pd.DataFrame
    chosen: pd.DataFrame
    rest: pd.DataFrame


def claim_fields(frames: dict[str, pd.DataFrame], registry: Registry, limits: Limits = LIMITS) -> ClaimFields:
    C = Claims
    claims = frames[C.table]
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
    # Records in the order of their first chosen field; fields in the table's column order.
    record_order = {r: i for i, r in enumerate(dict.fromkeys(zip(chosen["kind"], chosen["record"], strict=True)))}
    chosen = chosen.assign(_record=[record_order[(k, r)] for k, r in zip(chosen["kind"], chosen["record"], strict=True)])
    chosen = chosen.sort_values(["_record", "column_order", "column"], kind="stable")
    return ClaimFields(keys, shared, chosen, ranked.iloc[limits.matrix_rows:])


def claim_columns(fields: ClaimFields, frames: dict[str, pd.DataFrame],
                  limits: Limits = LIMITS) -> tuple[pd.DataFrame, list[str], int]:
    """The claims on the chosen fields; the documents given a column (most claims first, kept in the
    sources' order); and how many other documents have claims on those fields."""
    claims = frames[Claims.table]
    shown = claims[_field_key(fields.keys).isin(set(_field_key(fields.chosen))).to_numpy()]
    counts = shown[Claims.source_id].astype(str).value_counts()
    present = [s for s in frames[Sources.table][Sources.id].astype(str).tolist() if s in counts.index]
    if len(present) > limits.matrix_sources:
        ranked = sorted(present, key=lambda s: (-int(counts[s]), s))[: limits.matrix_sources]
        columns = [s for s in present if s in ranked]
    else:
        columns = present
    return shown, columns, len(present) - len(columns)


def claim_cells(shown: pd.DataFrame, columns: list[str], names: Names, registry: Registry):
    """Per (table, record, field, document) with a column: (agrees, the document's words or value);
    per (table, record, field): [agree, disagree] counts of the documents without a column."""
    C = Claims
    cells: dict[tuple[str, str, str, str], tuple[bool, str]] = {}
    other_cells: dict[tuple[str, str, str], list[int]] = {}
    for c in shown.to_dict("records"):
        claim = (str(c[C.record_table]), str(c[C.record_id]), str(c[C.field]))
        agrees = bool(c[C.agrees]) if not pd.isna(c[C.agrees]) else True
        if str(c[C.source_id]) in columns:
            table = registry[claim[0]]
            claimed = text(c[C.claimed_value])
            words = text(c[C.value_as_reported])
            if not words and claim[2] in table.column_names:
                words = names.value(table, claim[2], claimed, 24)
            cells[(*claim, str(c[C.source_id]))] = (agrees, words or claimed)
        else:
            tally = other_cells.setdefault(claim, [0, 0])
            tally[0 if agrees else 1] += 1
    return cells, other_cells


def claim_rows(fields: ClaimFields, names: Names,
               registry: Registry) -> list[tuple[str, str, tuple[str, str, str] | None]]:
    """The matrix's rows as (label, element id, field key or None): a heading per record, then its
    fields with their curated values; last, a count of the fields not shown."""
    rows: list[tuple[str, str, tuple[str, str, str] | None]] = []
    last_record = None
    for r in fields.chosen.to_dict("records"):
        kind, record, field = r["kind"], r["record"], r["column"]
        if (kind, record) != last_record:
            rows.append((f"{kind.replace('_', ' ')} · {names.record(kind, record, 70)}",
                         gid("claim-record", kind, record), None))
            last_record = (kind, record)
        table = registry[kind]
        curated = ""
        row = names.row(kind, record)
        if row is not None and field in table.column_names:
            curated = names.value(table, field, csv_cell(row.get(field), field_descriptor(table, table.column(field))), 34)
        rows.append((f"{field} = {curated or '(empty)'}", gid("claim-row", kind, record, field), (kind, record, field)))
    if len(fields.rest):
        rows.append((f"and {plural(len(fields.rest), 'more field')} that several documents describe", "claim-rest", None))
    return rows


def rest_tallies(fields: ClaimFields, columns: list[str]) -> tuple[dict[str, list[int]], list[int]]:
    """Of the fields not shown: [agree, disagree] counts per document with a column, and of the others together."""
    rest_tally = {s: [0, 0] for s in columns}
    rest_other = [0, 0]
    if len(fields.rest):
        keys = fields.keys
        tallies = keys[_field_key(keys).isin(set(_field_key(fields.rest))).to_numpy()].groupby(["source", "disagree"]).size()
        for (source, disagree), n in tallies.items():
            target = rest_tally.get(source, rest_other)
            target[1 if disagree else 0] += int(n)
    return rest_tally, rest_other
