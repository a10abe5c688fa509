"""The codebook's section on the event export (view `directed_events`): who acts for each code column, the
Goldstein scores and quad classes, and the places with where each was verified, from event_codes.yaml `export`."""

from __future__ import annotations

from ..contract.registry import Registry

EXPORT = ("The view `directed_events` writes every visit, event within a visit and agreement with a CAMEO code as GDELT "
          "2.0 event rows, one per directed event, under GDELT's column names, so they append to a GDELT extract. Its "
          "mapping is declared once in `validation/event_codes.yaml` (`export`): who is Actor1 and who Actor2 for each "
          "code column, CAMEO's Goldstein score of each code, GDELT's quad class of each root code, and the cities with "
          "their GeoNames ids and coordinates, known from outside the documents. Actor codes come from the actors table "
          "(`country_code` followed by `cameo_role`). The sources of every value are listed under "
          "[event-data codes](#event-data-codes).")


def export_section(registry: Registry) -> list[str]:
    export = registry.event_export
    if export is None:
        return []
    lines = ["## Event export", "", EXPORT, "", "| table | code column | Actor1 | Actor2 | the host acts for |",
             "|---|---|---|---|---|"]
    for table, directions in export.directions.items():
        hosts = ", ".join(f"`{kind}`" for kind in export.host_kinds.get(table, ()))
        for column, direction in directions.items():
            lines.append(f"| `{table}` | `{column}` | {direction.actor1} | {direction.actor2} | {hosts} |")
    lines += ["", "| CAMEO code | GoldsteinScale | QuadClass |", "|---|---:|---:|"]
    lines += [f"| `{code}` | {score} | {export.quad_class(code)} |" for code, score in export.goldstein.items()]
    lines += ["", "| city (as the documents write it) | country | GeoNames id | GeoNames name | latitude | longitude "
                  "| verified at |", "|---|---|---|---|---:|---:|---|"]
    lines += [f"| {p.name} | `{p.country}` | {p.geonames_id} | {p.geonames_name} | {p.latitude} | {p.longitude} | "
              f"<{p.verified_at}> |" for p in export.places.values()]
    return lines
