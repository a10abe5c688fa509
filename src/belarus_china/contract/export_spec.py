"""The event export's declaration (validation/event_codes.yaml `export`): who acts on whom for each code column,
CAMEO's Goldstein scores, GDELT's quad classes and the places the export names. Parsed and checked here from the
mapping the registry read (contract.registry reads the file; nothing here opens one)."""

from __future__ import annotations

from dataclasses import dataclass, field

EXPORT_KEYS = {"directions", "goldstein", "quad_classes", "places"}
GUEST, HOST, PARTY = "guest", "host", "party"   # who acts: a visit's guest or host, or an agreement's parties
DIRECTION_ROLES = {GUEST, HOST, PARTY}
PLACE_KEYS = {"country", "geonames_id", "geonames_name", "latitude", "longitude", "verified_at"}


class ExportSpecError(ValueError):
    """The export's declaration is inconsistent (the registry turns it into a RegistryError)."""


@dataclass(frozen=True)
class Direction:
    """Who Actor1 and Actor2 are for one code column of a table."""
    actor1: str
    actor2: str


@dataclass(frozen=True)
class Place:
    """A city as the documents spell it, with what GeoNames gives it and where that was verified."""
    name: str
    country: str
    geonames_id: str
    geonames_name: str
    latitude: float
    longitude: float
    verified_at: str


@dataclass(frozen=True)
class EventExport:
    directions: dict[str, dict[str, Direction]] = field(default_factory=dict)   # table -> code column -> direction
    host_kinds: dict[str, tuple[str, ...]] = field(default_factory=dict)        # table -> kinds whose code is the host's
    goldstein: dict[str, float] = field(default_factory=dict)                   # CAMEO code -> Goldstein score
    quad_classes: dict[str, int] = field(default_factory=dict)                  # CAMEO root code -> GDELT QuadClass
    places: dict[str, Place] = field(default_factory=dict)                      # city as written -> place

    def quad_class(self, code: str) -> int | None:
        return self.quad_classes.get(code[:2])


def _number(where: str, value, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= float(value) <= high:
        raise ExportSpecError(f"{where}: {value!r} is not a number from {low} to {high}")
    return float(value)


def _directions(spec, tables: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]):
    """tables: name -> (its code columns, the kinds of its kind column)."""
    directions: dict[str, dict[str, Direction]] = {}
    host_kinds: dict[str, tuple[str, ...]] = {}
    if not isinstance(spec, dict) or set(spec) != set(tables):
        raise ExportSpecError(f"directions: give every table with event codes ({sorted(tables)}) and no other")
    for table, entry in spec.items():
        columns, kinds = tables[table]
        entry = dict(entry or {})
        hosts = tuple(str(k) for k in entry.pop("host_kinds", ()) or ())
        if set(hosts) - set(kinds):
            raise ExportSpecError(f"directions: {table}: host_kinds names kinds it does not have: "
                                  f"{sorted(set(hosts) - set(kinds))}")
        if set(entry) != set(columns):
            raise ExportSpecError(f"directions: {table}: say who acts for each code column {list(columns)}")
        found = {}
        for column, roles in entry.items():
            if not isinstance(roles, dict) or set(roles) != {"actor1", "actor2"} \
                    or not set(roles.values()) <= DIRECTION_ROLES:
                raise ExportSpecError(f"directions: {table}.{column}: actor1 and actor2, each one of "
                                      f"{sorted(DIRECTION_ROLES)}")
            found[column] = Direction(str(roles["actor1"]), str(roles["actor2"]))
        directions[table], host_kinds[table] = found, hosts
    return directions, host_kinds


def _places(spec, countries: set[str]) -> dict[str, Place]:
    places = {}
    for name, entry in (spec or {}).items():
        where = f"places: {name}"
        if not isinstance(entry, dict) or set(entry) != PLACE_KEYS:
            raise ExportSpecError(f"{where}: exactly the keys {sorted(PLACE_KEYS)}")
        if entry["country"] not in countries:
            raise ExportSpecError(f"{where}: country {entry['country']!r} is not in countries.yaml")
        if not str(entry["geonames_id"]).isdigit() or not str(entry["verified_at"]).startswith("https://"):
            raise ExportSpecError(f"{where}: a GeoNames id (digits) and the https address where it was verified")
        places[str(name)] = Place(str(name), str(entry["country"]), str(entry["geonames_id"]),
                                  str(entry["geonames_name"]), _number(f"{where}: latitude", entry["latitude"], -90, 90),
                                  _number(f"{where}: longitude", entry["longitude"], -180, 180),
                                  str(entry["verified_at"]))
    return places


def read_export(spec, tables: dict[str, tuple[tuple[str, ...], tuple[str, ...]]], codes: set[str],
                countries: set[str]) -> EventExport:
    """The export declared in `spec`, checked against the tables with event codes (their code columns and kinds),
    the CAMEO codes their mapping gives, and the countries of countries.yaml."""
    if not isinstance(spec, dict) or set(spec) != EXPORT_KEYS:
        raise ExportSpecError(f"export: exactly the keys {sorted(EXPORT_KEYS)}")
    directions, host_kinds = _directions(spec["directions"], tables)
    goldstein = {str(code): _number(f"goldstein: {code}", value, -10, 10)
                 for code, value in (spec["goldstein"] or {}).items()}
    quads = {str(root): int(_number(f"quad_classes: {root}", value, 1, 4))
             for root, value in (spec["quad_classes"] or {}).items()}
    if codes - set(goldstein):
        raise ExportSpecError(f"goldstein: no score for the codes {sorted(codes - set(goldstein))}")
    if {code[:2] for code in codes} - set(quads):
        raise ExportSpecError(f"quad_classes: no class for the root codes {sorted({c[:2] for c in codes} - set(quads))}")
    return EventExport(directions, host_kinds, goldstein, quads, _places(spec["places"], countries))
