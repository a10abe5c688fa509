"""The words the charts print: labels cut at a word, counts, amounts, and the names of referenced
records and countries (looked up only for the values a chart shows). Pure text over rows and the
registry; no drawing."""

from __future__ import annotations

import re

import pandas as pd

from ..contract.registry import Registry, Table
from ..contract.vocabulary import Sources, TradeFigures
from .viewer import record_label

LABEL, TITLE = 72, 94   # characters of a row's label and of a panel's title


def gid(*parts) -> str:
    """An SVG element id naming what the element draws (tests read the charts by these)."""
    return "-".join(re.sub(r"[^A-Za-z0-9_.]+", "-", str(p)).strip("-") for p in parts)


def text(value, default: str = "") -> str:
    return default if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)) else str(value)


def short(text: str, limit: int = LABEL) -> str:
    """A label from a title or summary: its first clause, cut at a word (never inside a quotation)."""
    text = " ".join(text.split()).split("; ")[0]
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    for mark in ('"', "“"):  # an opened quotation would end unclosed: cut before it when enough remains
        opened = cut.rfind(mark)
        if opened > limit // 2 and cut.count('"') % 2 + cut.count("“") - cut.count("”") > 0:
            cut = cut[:opened]
    return cut.rstrip(" ,;:(\"“") + "…"


def plural(n: int, word: str) -> str:
    return f"{n:,} {word if n == 1 else word + 's'}"


def label(table: Table, row: dict, limit: int = LABEL) -> str:
    return short(record_label(table, row, text(row.get(table.primary_key[0]))), limit)


def rows_at(frame: pd.DataFrame, positions) -> list[dict]:
    """The rows at `positions` as dicts (only those a chart labels: never the whole table)."""
    return frame.iloc[list(positions)].to_dict("records") if len(positions) else []


class Names:
    """What a value of a column is called: the label of the record a foreign key points at (an actor's
    name, a visit's summary), a country's name; looked up only for the values a chart shows."""

    def __init__(self, registry: Registry, frames: dict[str, pd.DataFrame]):
        self.registry, self.frames = registry, frames
        self._index: dict[str, dict[str, int]] = {}

    def row(self, table: str, record_id: str) -> dict | None:
        if table not in self._index:
            key = self.registry[table].primary_key[0]
            self._index[table] = {str(v): i for i, v in enumerate(self.frames[table][key].tolist())}
        position = self._index[table].get(record_id)
        return None if position is None else self.frames[table].iloc[position].to_dict()

    def record(self, table: str, record_id: str, limit: int = 60) -> str:
        row = self.row(table, record_id)
        return record_id if row is None else label(self.registry[table], row, limit)

    def country(self, code: str) -> str:
        return (self.registry.countries.get(code) or (code,))[0] if code else ""

    def value(self, table: Table, column: str, text: str, limit: int = 40) -> str:
        """`text` (a value as the CSV writes it) in words: referenced records by their labels."""
        if not text:
            return ""
        spec = table.column(column)
        if spec.references and spec.references[0] in self.frames and spec.references[0] != table.name:
            items = text.split(table.list_delimiter) if table.is_list(column) else [text]
            text = ", ".join(self.record(spec.references[0], item.strip(), 40) for item in items)
        elif text in self.registry.countries:
            text = f"{text} ({self.country(text)})"
        return short(text, limit)


def scaled(unit: str, high: float) -> tuple[float, str]:
    """Divisor and suffix for the axis of a unit (US$ in billions or millions)."""
    if unit == TradeFigures.usd:
        if high >= 1e9:
            return 1e9, " bn"
        if high >= 1e6:
            return 1e6, " m"
    return 1.0, ""


def amount(unit: str, value: float, divisor: float, suffix: str) -> str:
    number = f"{value / divisor:,.2f}".rstrip("0").rstrip(".")
    return f"${number}{suffix}" if unit == TradeFigures.usd else f"{number}{suffix}"


def source_label(source: dict) -> str:
    """A document as a column heading: its publisher (or title) in short lines, then its kind."""
    name = text(source.get(Sources.publisher)) or f"“{short(text(source.get(Sources.title)), 40)}”"
    lines, line = [], ""
    for word in name.split():
        if line and len(line) + 1 + len(word) > 16:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    if len(lines) > 3:
        lines = lines[:3]
        lines[-1] = lines[-1].rstrip(".,") + "…"
    return "\n".join(lines + [f"({text(source.get(Sources.doc_kind)).replace('_', ' ')})"])
