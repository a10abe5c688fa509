"""No silent windows: a window bound that no words give is a marked inference, also when it is taken from
the record a row lies within (an event, agreement or quotation dated only by its visit).

contract.windows checks that a window is what its words (and its container) give; this rule checks that a
bound given by no words at all is visible as such, an `inferences` row, rather than looking as if a
document had dated the record. For a record several documents describe, a bound no source claims (no
`claims` row) is given by no words of any of them.
"""

from __future__ import annotations

import pandas as pd

from ..base.problems import Problem
from .frames import Rows
from .registry import Registry
from .vocabulary import Claims, Inferences


def _text(value) -> str | None:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _keys(frame: pd.DataFrame, columns: tuple[str, str, str]) -> set[tuple[str, str, str]]:
    return set(zip(*(frame[c].astype(str).tolist() for c in columns), strict=True))


def check_inherited(registry: Registry, frames: dict[str, pd.DataFrame], ids: dict[str, pd.Series],
                    rows: Rows) -> list[Problem]:
    about = (Inferences.record_table, Inferences.record_id, Inferences.field)
    inferred = _keys(frames[Inferences.table], about)
    claimed = _keys(frames[Claims.table], (Claims.record_table, Claims.record_id, Claims.field))
    problems = []
    for table in registry:
        role = table.window
        if role is None or not (table.mergeable or role.within):
            continue  # a single-source row outside a container: contract.windows (date-unread)
        for record_id, row in zip(ids[table.name].tolist(), rows[table.name], strict=True):
            container = _text(row.get(role.within)) if role.within else None
            if table.mergeable:
                given = claimed
            elif container is not None and _text(row.get(role.words)) is None:
                given = set()
            else:
                continue  # words read with their container: contract.windows checks what they give
            for bound in (role.earliest, role.latest):
                key = (table.name, record_id, bound)
                if row.get(bound) is None or pd.isna(row.get(bound)) or key in inferred or key in given:
                    continue
                where = f" (the window of {role.within} {container})" if container else ""
                problems.append(Problem("window-inherited", f"is {row[bound]:%Y-%m-%d}{where} but no words of any "
                                                            "source give it and no inference marks it",
                                        table=table.name, record=record_id, column=bound))
    return problems
