"""A problem found in curation input or in a published package, and how it is reported."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Problem:
    message: str
    file: str | None = None    # curation file or package file the problem is in
    table: str | None = None
    record: str | None = None  # record id (or a label such as visits[some-id])
    column: str | None = None

    def __str__(self) -> str:
        where = [part for part in (self.file, self.table, self.record, self.column) if part]
        return f"{': '.join(where)}: {self.message}" if where else self.message

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}


class ProblemsFound(Exception):
    """Raised with every problem collected in a step; nothing is published."""

    def __init__(self, step: str, problems: list[Problem]):
        self.step = step
        self.problems = problems
        super().__init__(f"{step}: {len(problems)} problem(s)\n" + "\n".join(f"  - {p}" for p in problems))
