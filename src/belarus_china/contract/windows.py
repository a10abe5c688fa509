"""Table rules for dates as windows: every window is what its words and anchor give (or a marked
inference), its derived columns (precision, EDTF, fixed days) agree with it, it lies within the
window of the record it belongs to, and a figure's period is what its words say.

The windows are recomputed here from the published columns alone, with contract.date_reader, the same
reader the build uses; for a record several documents describe, each source's claim is recomputed
from that source's words (the claims table) and the curated window must be what the agreeing
claims allow together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from ..base.problems import Problem
from .date_reader import read_window
from .date_words import duration_days
from .dates import DateWordsError, Window, contained, edtf, precision
from .frames import Rows
from .registry import Registry, Table, WindowRole
from .vocabulary import Claims, Inferences, Sources

SOURCE_ANCHOR = "source"  # date_anchor value: the row's own document's publication window


def _day(value) -> date | None:
    if value is None or pd.isna(value):
        return None
    return value.date() if hasattr(value, "date") else value


def _text(value) -> str | None:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


@dataclass
class _Context:
    """What the rules need to read a window: every dated record's window and the inferred fields."""
    registry: Registry
    frames: dict[str, pd.DataFrame]
    windows: dict[tuple[str, str], Window]          # (table, id) -> the published window
    inferred: dict[tuple[str, str, str], set[str]]  # (table, id, field) -> sources inferring it
    rows: Rows                                      # each table's rows as dicts

    def anchor(self, anchor: str | None, source_id: str | None) -> Window | None:
        if anchor is None:
            return None
        if anchor == SOURCE_ANCHOR:
            return self.windows.get((Sources.table, source_id or ""))
        table, _, record = anchor.partition("/")
        return self.windows.get((table, record))


def row_window(table: Table, row: dict) -> Window | None:
    """The row's window; None when its bounds are out of order (`check_window_order` reports it)."""
    role = table.window
    assert role is not None
    first = _day(row.get(role.first)) if role.first else _day(row.get(role.day)) if role.day else None
    last = _day(row.get(role.last)) if role.last else _day(row.get(role.day)) if role.day else None
    earliest, latest = _day(row.get(role.earliest)), _day(row.get(role.latest))
    if earliest and latest and earliest > latest:
        return None
    return Window(earliest, latest, first, last)


def derived(table: Table, window: Window) -> dict[str, object]:
    """The columns the build derives from a window: precision, EDTF and the fixed days."""
    role = table.window
    assert role is not None
    values: dict[str, object] = {role.precision: precision(window, stay=role.stay), role.edtf: edtf(window)}
    if role.day:
        values[role.day] = window.earliest if window.earliest is not None and window.earliest == window.latest else None
    if role.first:
        values[role.first] = window.first
    if role.last:
        values[role.last] = window.last
    return values


def words_window(table: Table, words: str, anchor: Window | None, container: Window | None,
                 duration: str | None) -> Window:
    """The window a row's date words give (DateWordsError when they give none)."""
    role = table.window
    assert role is not None
    days = duration_days(duration) if duration else None
    return read_window(words, anchor=anchor, container=container, duration=days, stay=role.stay)


def _same(a: Window, b: Window) -> bool:
    return (a.earliest, a.latest) == (b.earliest, b.latest)


def _fmt(window: Window) -> str:
    return edtf(window) or "no window"


def order_message(role: WindowRole, earliest, latest) -> str:
    """What an out-of-order window is told, on a table row and on a source's claim alike."""
    return f"{earliest} is after {role.latest} {latest}"


def anchor_message(role: WindowRole, named: str) -> str:
    """What an anchor naming no dated record is told, by the contract and by the build that cannot read
    the words against it (the same problem, so a build reports it once)."""
    return f"{role.anchor} {named!r} names no record with a date window (give source, or table/id of a dated record)"


def check_window_order(registry: Registry, frames: dict[str, pd.DataFrame], ids: dict[str, pd.Series]) -> list[Problem]:
    """A window's latest day is not before its earliest: one comparison per dated table, column-wise
    (the claims' windows are checked where they are read, `_check_claims`, with the same message)."""
    problems = []
    for table in registry:
        role = table.window
        if role is None:
            continue
        frame = frames[table.name]
        low, high = frame[role.earliest], frame[role.latest]
        for index in frame.index[(low > high).fillna(False).to_numpy(dtype=bool)]:
            problems.append(Problem("window-order", order_message(role, _day(low[index]), _day(high[index])),
                                    table=table.name, record=ids[table.name][index], column=role.earliest))
    return problems


def check_windows(registry: Registry, frames: dict[str, pd.DataFrame], ids: dict[str, pd.Series],
                  rows: Rows) -> list[Problem]:
    ctx = _Context(registry, frames, {}, {}, rows)
    inferences = frames[Inferences.table]
    for table, record, field, source in zip(inferences[Inferences.record_table].tolist(),
                                             inferences[Inferences.record_id].tolist(),
                                             inferences[Inferences.field].tolist(),
                                             inferences[Inferences.source_id].tolist(), strict=True):
        ctx.inferred.setdefault((table, record, field), set()).add(source)
    dated = [t for t in registry if t.window is not None]
    for table in dated:
        for record_id, row in zip(ids[table.name].tolist(), rows[table.name], strict=True):
            window = row_window(table, row)
            if window is not None:
                ctx.windows[(table.name, record_id)] = window
    problems: list[Problem] = []
    for table in dated:
        problems += _check_table(ctx, table, ids[table.name])
    problems += _check_claims(ctx)
    for table in registry:
        if table.period is not None:
            problems += _check_periods(ctx, table, ids[table.name])
    return problems


def _check_table(ctx: _Context, table: Table, ids: pd.Series) -> list[Problem]:
    role = table.window
    assert role is not None
    problems = []
    source_column = Sources.id if Sources.id in table.column_names else None
    for record_id, row in zip(ids.tolist(), ctx.rows[table.name], strict=True):
        window = ctx.windows.get((table.name, record_id))
        if window is None:
            continue
        where = {"table": table.name, "record": record_id}
        for column, expected in derived(table, window).items():
            actual = row.get(column)
            actual = _day(actual) if isinstance(expected, date) or hasattr(actual, "date") else _text(actual)
            if actual != expected:
                problems.append(Problem("date-derived", f"is {actual!r} but the window {_fmt(window)} gives {expected!r}",
                                        column=column, **where))
        dated = window.earliest is not None or window.latest is not None
        if dated and role.within and _text(row.get(role.within)):
            container = ctx.windows.get((_container_table(ctx.registry, table, role.within), str(row[role.within])))
            if container is not None and (container.earliest or container.latest) and not container.contains(window):
                problems.append(Problem("date-container", f"the window {_fmt(window)} is not within "
                                                          f"{row[role.within]} ({_fmt(container)})",
                                        column=role.earliest, **where))
        if table.mergeable:
            continue  # each source's words are checked through its claims (_check_claims)
        source = _text(row.get(source_column)) if source_column else record_id
        problems += _check_words(ctx, table, record_id, row, window, source, where)
    return problems


def _container_table(registry: Registry, table: Table, column: str) -> str:
    references = table.column(column).references
    assert references is not None, f"{table.name}.{column}: `within` must name a foreign key"
    return references[0]


def _check_words(ctx: _Context, table: Table, record_id: str, row: dict, window: Window, source: str | None,
                 where: dict, claimed: set[str] | None = None) -> list[Problem]:
    """The row's (or one source's) window is what its words give, or each bound is a marked inference."""
    role = table.window
    assert role is not None
    words = _text(row.get(role.words))
    anchor_name = _text(row.get(role.anchor)) if role.anchor else None
    container = None
    if role.within and _text(row.get(role.within)):
        container = ctx.windows.get((_container_table(ctx.registry, table, role.within), str(row[role.within])))
    inferred = {f for f in role.bounds if source in ctx.inferred.get((table.name, record_id, f), set())}
    problems = []
    if words is not None:
        anchor = ctx.anchor(anchor_name, source)
        if anchor_name is not None and anchor is None:
            problems.append(Problem("date-anchor", anchor_message(role, anchor_name), column=role.anchor, **where))
            return problems
        try:
            expected: Window | None = words_window(table, words, anchor, container,
                                                   _text(row.get(role.duration)) if role.duration else None)
        except DateWordsError:
            expected = None
        if expected is not None and claimed is None:
            expected = contained(expected, container)   # a curated row lies within its container
        if expected is not None:
            # A bound the words leave open may be narrowed by a marked inference.
            for bound, got, want in ((role.earliest, window.earliest, expected.earliest),
                                     (role.latest, window.latest, expected.latest)):
                if got != want and not (want is None and bound in inferred):
                    problems.append(Problem("date-words", f"is {got} but {role.words} {words!r} "
                                                          f"(anchor {anchor_name or 'none'}) gives {want}",
                                            column=bound, **where))
            return problems
    if words is None and claimed is None and container is not None:
        inherited = contained(None, container)
        if inherited is not None and _same(window, inherited):
            return problems   # a row with no date of its own takes its container's window
    for bound, value in ((role.earliest, window.earliest), (role.latest, window.latest)):
        if value is not None and bound not in inferred and (claimed is None or bound in claimed):
            said = f"{role.words} {words!r} gives no window" if words else f"no {role.words}"
            problems.append(Problem("date-unread", f"is {value} with {said} and no inference for it",
                                    column=bound, **where))
    return problems


def _claim_rows(ctx: _Context) -> dict[tuple[str, str, str], dict[str, str]]:
    """(table, record, source) -> {field: claimed value} for the claims of dated tables, with the
    source's date words (the as-reported words of its window claims)."""
    claims = ctx.frames[Claims.table]
    found: dict[tuple[str, str, str], dict[str, str]] = {}
    for table, record, field, source, value, words in zip(*(claims[c].tolist() for c in (
            Claims.record_table, Claims.record_id, Claims.field, Claims.source_id, Claims.claimed_value,
            Claims.value_as_reported)), strict=True):
        if table not in ctx.registry.tables or ctx.registry[table].window is None:
            continue
        role = ctx.registry[table].window
        assert role is not None
        values = found.setdefault((table, record, source), {})
        values[field] = value
        if field in role.bounds and _text(words) is not None:
            values[role.words] = words
    return found


def _check_claims(ctx: _Context) -> list[Problem]:
    """Each source's claimed window is what its words give (whether each claim agrees with the curated
    window is checked with every other claim, in contract.provenance)."""
    problems = []
    containers: dict[str, dict] = {}  # table -> record id -> the record its `within` column names
    for (table_name, record, source), values in _claim_rows(ctx).items():
        table = ctx.registry[table_name]
        role = table.window
        assert role is not None
        curated = ctx.frames[table_name]
        if not any(values.get(c) for c in role.bounds):
            continue  # the source states no window (only, say, a fixed day's words are claimed elsewhere)
        row: dict = {**values}
        where = {"table": Claims.table, "record": f"{table_name}/{record}/{role.earliest}/{source}"}
        unreadable = False
        for column in (role.earliest, role.latest, role.first, role.last, role.day):
            if column:
                try:
                    row[column] = date.fromisoformat(values[column]) if values.get(column) else None
                except ValueError:
                    problems.append(Problem("value-unparseable", f"the claimed {column} {values[column]!r} is no date",
                                            column=Claims.claimed_value, **where))
                    unreadable = True
        if unreadable:
            continue
        within = role.within
        if within:
            if table_name not in containers:  # one lookup per table, not a filter of the whole table per claim
                containers[table_name] = {}
                for key, value in zip(curated[table.primary_key[0]].tolist(), curated[within].tolist(), strict=True):
                    containers[table_name].setdefault(key, value)
            if record in containers[table_name]:
                row[within] = containers[table_name][record]
        window = row_window(table, row)
        if window is None:
            problems.append(Problem("window-order", order_message(role, row[role.earliest], row[role.latest]),
                                    column=Claims.claimed_value, **where))
            continue
        problems += _check_words(ctx, table, record, row, window, source, where, claimed=set(values))
    return problems


def _check_periods(ctx: _Context, table: Table, ids: pd.Series) -> list[Problem]:
    role = table.period
    assert role is not None
    problems = []
    for record_id, row in zip(ids.tolist(), ctx.rows[table.name], strict=True):
        words = _text(row.get(role.words))
        if words is None:
            continue
        anchor_name = _text(row.get(role.anchor)) if role.anchor else None
        source = _text(row.get(Sources.id)) if Sources.id in table.column_names else None
        anchor = ctx.anchor(anchor_name, source)
        try:
            expected = read_window(words, anchor=anchor)
        except DateWordsError:
            continue  # words that give no period: the period is left empty or inferred
        got = (_day(row.get(role.start)), _day(row.get(role.end)))
        if got != (expected.earliest, expected.latest):
            problems.append(Problem("date-words", f"{role.words} {words!r} (anchor {anchor_name or 'none'}) means "
                                                  f"{expected.earliest} to {expected.latest}, not {got[0]} to {got[1]}",
                                    table=table.name, record=record_id, column=role.start))
    return problems
