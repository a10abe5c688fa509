"""The event export (views.yaml `directed_events`): every visit, event within a visit and agreement with a CAMEO
code, written as GDELT 2.0 event rows, one per directed event (Actor1 acts on Actor2).

Everything the rows hold comes from the tables and from validation/event_codes.yaml `export` (who acts for each code
column, Goldstein scores, quad classes, places): the build publishes what `make_directed_events` gives and
validation makes it again from a package's tables (contract.views)."""

from __future__ import annotations

import pandas as pd

from ..base.codec import value_dtype
from ..base.problems import Problem
from .export_spec import GUEST, HOST, PARTY, EventExport
from .registry import Registry, Table, View, field_descriptor
from .vocabulary import Export as E

WORLDCITY = 4   # GDELT ActionGeo_Type: a city or landmark outside the United States
_SECOND_PARTY = "party2"


def _text(value) -> str | None:
    if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value)


def _day(value) -> pd.Timestamp | None:
    return None if _text(value) is None else pd.Timestamp(value)


def _items(value, delimiter: str) -> list[str]:
    text = _text(value)
    return [] if text is None else [item for item in text.split(delimiter) if item]


def time_precision(earliest: pd.Timestamp | None, latest: pd.Timestamp | None) -> int | None:
    """ACLED's manner: 1 one day, 2 at most seven days, 3 within one calendar month; None for a wider or open window."""
    if earliest is None or latest is None:
        return None
    days = (latest - earliest).days + 1
    if days <= 1:
        return 1
    if days <= 7:
        return 2
    return 3 if (earliest.year, earliest.month) == (latest.year, latest.month) else None


def _rows(frame: pd.DataFrame) -> list[dict]:
    return frame.to_dict("records") if len(frame) else []


class _Context:
    """Lookups over the tables that every row needs (actors, sources, the evidence citing each record)."""

    def __init__(self, registry: Registry, frames: dict[str, pd.DataFrame]):
        self.registry = registry
        self.export: EventExport = registry.event_export  # type: ignore[assignment]
        self.delimiter = registry.list_delimiter
        self.actors = {row[E.actor_id]: row for row in _rows(frames[E.actors])}
        self.sources = {row[E.source_id]: row for row in _rows(frames[E.sources])}
        self.visits = {row[E.visit_id]: row for row in _rows(frames[E.visits])}
        self.citing: dict[tuple[str, str], set[str]] = {}
        evidence = frames[E.evidence]
        for table, record, source in zip(evidence[E.record_table].tolist(), evidence[E.record_id].tolist(),
                                         evidence[E.source_id].tolist(), strict=True):
            self.citing.setdefault((str(table), str(record)), set()).add(str(source))

    def actor_columns(self, number: int, actor_id: str | None) -> dict:
        actor = self.actors.get(actor_id) if actor_id else None
        prefix = f"Actor{number}"
        if actor is None:
            return {f"{prefix}Code": None, f"{prefix}Name": None, f"{prefix}CountryCode": None,
                    f"{prefix}Type1Code": None}
        country, role = _text(actor.get(E.country_code)), _text(actor.get(E.cameo_role))
        code = role if role == E.igo else (f"{country or ''}{role}" if role else None)
        return {f"{prefix}Code": code, f"{prefix}Name": _text(actor.get(E.actor_name)), f"{prefix}CountryCode": country,
                f"{prefix}Type1Code": role}

    def source_columns(self, table: str, record: str) -> dict:
        """The citing source with an address and the earliest publication window (then by id), and its address."""
        def address(source_id: str) -> str | None:
            row = self.sources.get(source_id, {})
            return _text(row.get(E.url)) or _text(row.get(E.public_url))

        def order(source_id: str):
            earliest = _day(self.sources.get(source_id, {}).get(E.date_earliest))
            return (earliest is None, earliest or pd.Timestamp.min, source_id)

        addressed = sorted((s for s in self.citing.get((table, record), ()) if address(s)), key=order)
        return {"SOURCEURL": address(addressed[0]) if addressed else None,
                E.source_id: addressed[0] if addressed else None}

    def place_columns(self, city: str | None) -> dict:
        place = self.export.places.get(city) if city else None
        if place is None:
            return {"ActionGeo_Type": None, "ActionGeo_FullName": None, "ActionGeo_Lat": None, "ActionGeo_Long": None,
                    "geonames_id": None}
        country = (self.registry.countries.get(place.country) or (place.country,))[0]
        return {"ActionGeo_Type": WORLDCITY, "ActionGeo_FullName": f"{place.name}, {country}",
                "ActionGeo_Lat": place.latitude, "ActionGeo_Long": place.longitude, "geonames_id": place.geonames_id}


def _sides(context: _Context, table: str, row: dict) -> tuple[dict[str, str | None], str | None]:
    """The record's actors by role (guest, host, first and second party) and the city of its action."""
    if table == E.visits:
        return {GUEST: _text(row.get(E.guest_id)), HOST: _text(row.get(E.host_id))}, _text(row.get(E.city))
    visit = context.visits.get(_text(row.get(E.visit_id)) or "", {})
    if table == E.visit_events:
        guest = _text(visit.get(E.guest_id))
        others = [p for p in _items(row.get(E.participant_ids), context.delimiter) if p != guest]
        host = others[0] if others else _text(visit.get(E.host_id))
        return {GUEST: guest, HOST: host}, _text(row.get(E.city)) or _text(visit.get(E.city))
    parties = _items(row.get(E.parties), context.delimiter) + [None, None]
    return {PARTY: parties[0], _SECOND_PARTY: parties[1]}, _text(visit.get(E.city))


def _records(context: _Context, table: Table, row: dict) -> list[dict]:
    """The export's rows for one record: one per code column with a code."""
    export, codes = context.export, table.event_codes
    assert codes is not None
    key = str(row[table.primary_key[0]])
    sides, city = _sides(context, table.name, row)
    reverse = _text(row.get(codes.source)) in export.host_kinds.get(table.name, ())
    earliest, latest = _day(row.get(E.date_earliest)), _day(row.get(E.date_latest))
    made = []
    for column, direction in export.directions[table.name].items():
        code = _text(row.get(column))
        if code is None:
            continue
        if direction.actor1 == PARTY:
            role, first, second = PARTY, sides[PARTY], sides[_SECOND_PARTY]
        else:
            one, two = (direction.actor2, direction.actor1) if reverse else (direction.actor1, direction.actor2)
            role, first, second = one, sides[one], sides[two]
        day = int(earliest.strftime("%Y%m%d")) if earliest is not None else None
        made.append({
            E.record_table: table.name, E.record_id: key, "actor1_role": role,
            "SQLDATE": day, "MonthYear": day // 100 if day else None, "Year": day // 10000 if day else None,
            "time_precision": time_precision(earliest, latest), E.date_earliest: earliest, E.date_latest: latest,
            **context.actor_columns(1, first), **context.actor_columns(2, second),
            "EventCode": code, "EventBaseCode": code[:3], "EventRootCode": code[:2],
            "QuadClass": export.quad_class(code), "GoldsteinScale": export.goldstein.get(code),
            E.plover_event_type: _text(row.get(E.plover_event_type)), E.plover_mode: _text(row.get(E.plover_mode)),
            **context.place_columns(city), **context.source_columns(table.name, key),
        })
    return made


def make_directed_events(view: View, registry: Registry,
                         frames: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, list[Problem]]:
    """The export's rows (value form), sorted by the view's order and key."""
    context = _Context(registry, frames)
    rows = [made for name in view.tables for row in _rows(frames[name])
            for made in _records(context, registry[name], row)]
    columns = {}
    for column in view.table.columns:
        field = field_descriptor(view.table, column)
        series = pd.Series([row.get(column.name) for row in rows], dtype="object")
        if field["type"] == "date":
            series = pd.to_datetime(series)
        columns[column.name] = series.astype(value_dtype(field))
    frame = pd.DataFrame(columns, columns=view.table.column_names)
    order = list(dict.fromkeys([*view.order_by, *view.table.primary_key]))
    return frame.sort_values(order, kind="stable", na_position="last", ignore_index=True), []
