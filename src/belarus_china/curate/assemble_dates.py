"""The date steps of the assembly: each record's window read from its words (`contract.date_reader`),
against its anchor and within its container, records ordered so that anchors come first.
"""

from __future__ import annotations

from ..contract.date_reader import kind_of, read_window
from ..contract.dates import DateWordsError, Window, contained
from ..contract.provenance import claim_agrees, value_text
from ..contract.registry import Table
from ..contract.vocabulary import Claims, Inferences, Sources
from ..contract.windows import SOURCE_ANCHOR, anchor_message, derived, words_window
from .assembled import AssemblyState
from .marks import inherited_bounds
from .merge import Claim
from .records import Record


class DatedSteps(AssemblyState):
    """Reads dates and periods into the rows (mixed into curate.assemble's assembly)."""

    def _anchor(self, record: Record, name: str | None) -> Window | None:
        if name is None:
            return None
        if name == SOURCE_ANCHOR:
            return self.windows.get((Sources.table, self.source_of.get(record.file, "")))
        table, _, record_id = name.partition("/")
        return self.windows.get((table, record_id))

    def dated(self, table: Table, record: Record, values: dict, anchor: Window | None,
              container: Window | None) -> Window | None:
        """Read the record's date words into its window and write the window's columns into `values`.

        A bound the curator gives stands as given (whether the words give it is the contract's rule, in
        contract.windows); the words fill the bounds the curator leaves out."""
        role = table.window
        if role is None:
            return None
        words = values.get(role.words)
        low, high = values.get(role.earliest), values.get(role.latest)
        if low and high and low > high:
            return None  # no window to read: the bounds stay as curated, and the contract reports their order
        given = Window(low, high)
        window = None
        if words is not None:
            if kind_of_safe(words) in ("yearless", "relative", "event") and anchor is None:
                named = values.get(role.anchor) if role.anchor else None
                self.problem("date-anchor", record, role.anchor or role.words,
                             anchor_message(role, named) if named else
                             f"{role.words} {words!r} is read against an anchor: give {role.anchor} "
                             "(source, or table/id of a dated record)" if role.anchor else
                             f"{role.words} {words!r} needs an anchor this table cannot give")
                return None
            try:
                window = words_window(table, words, anchor, container, values.get(role.duration) if role.duration else None)
            except DateWordsError as exc:
                if kind_of_safe(words) != "unread":
                    self.problem("date-words", record, role.words, str(exc))
                    return None
                if not (given.earliest or given.latest):
                    # A typo ("March 1, 20233") must not leave a record silently undated.
                    self.problem("date-words", record, role.words,
                                 f"{exc}; give {role.earliest} and {role.latest} as inferences (with the reason), "
                                 "or move the words to notes")
                    return None
        if window is not None:
            # A bound the curator gives stands as given: whether it is what the words say is the contract's
            # rule (contract.windows), reported on the row and named here by Assembled.locate.
            low, high = given.earliest or window.earliest, given.latest or window.latest
            if low and high and low > high:
                values[role.earliest], values[role.latest] = low, high
                return None
            window = Window(low, high, window.first, window.last)
        elif given.earliest or given.latest:
            window = given
        if window is None:
            return None
        values[role.earliest], values[role.latest] = window.earliest, window.latest
        values.update(derived(table, window))
        return window

    def _dependencies(self, table: Table, record: Record) -> list[tuple[str, str]]:
        deps: list[tuple[str, str]] = []
        role = table.window
        if role is None:
            return deps
        anchor = record.values.get(role.anchor) if role.anchor else None
        if anchor and anchor != SOURCE_ANCHOR:
            target, _, record_id = anchor.partition("/")
            deps.append((target, record_id))
        if role.within and record.values.get(role.within):
            references = table.column(role.within).references
            if references:
                deps.append((references[0], record.values[role.within]))
        return deps

    def ordered(self, by_id: dict[tuple[str, str], list[Record]]) -> list[tuple[str, str]]:
        """Records in an order where every anchor and container comes before the records read against it."""
        order: list[tuple[str, str]] = []
        state: dict[tuple[str, str], str] = {}

        def visit(key: tuple[str, str], path: list[tuple[str, str]]) -> None:
            if state.get(key) == "done" or key not in by_id:
                return
            if state.get(key) == "visiting":
                cycle = " -> ".join(f"{t}/{i}" for t, i in [*path[path.index(key):], key])
                record = by_id[key][0]
                self.problem("date-anchor", record, None, f"date anchors form a cycle: {cycle}")
                return
            state[key] = "visiting"
            for record in by_id[key]:
                for dep in self._dependencies(self.registry[key[0]], record):
                    visit(dep, [*path, key])
            state[key] = "done"
            order.append(key)

        for key in sorted(by_id):
            visit(key, [])
        return order

    def within(self, table: Table, values: dict, window: Window | None, claims_rows: list[dict]) -> Window | None:
        """The curated window of a record that lies within another (contract.dates.contained), written into
        `values`; the claims of the record's window bounds say the rule that narrowed them."""
        role = table.window
        if role is None:
            return window
        if window is None and (values.get(role.earliest) or values.get(role.latest)):
            return None  # bounds that give no window (out of order) stay as curated, for the contract to judge
        container = None
        if role.within and values.get(role.within):
            references = table.column(role.within).references
            container = self.windows.get((references[0], values[role.within])) if references else None
        result = contained(window, container)
        if result is None:
            return None
        if window is None or (result.earliest, result.latest) != (window.earliest, window.latest):
            values[role.earliest], values[role.latest] = result.earliest, result.latest
            for row in claims_rows:
                if row[Claims.field] in (role.earliest, role.latest):
                    curated = value_text(values[row[Claims.field]], table, table.column(row[Claims.field]))
                    row[Claims.agrees] = claim_agrees(table, row[Claims.field], row[Claims.claimed_value], curated)
                    row[Claims.rule] = f"{row[Claims.rule]}, narrowed to the window of {role.within} {values[role.within]}"
        values.update(derived(table, result))
        return result

    def inherited(self, table: Table, values: dict, own: Window | None, result: Window | None,
                  claims: list[Claim]) -> None:
        for row, record in inherited_bounds(table, values, own, result, claims):
            self.emit(self.registry[Inferences.table], row, [record])

    def claim(self, table: Table, record: Record) -> Claim:
        """One file's values for a record, with the build's columns filled in and its window read."""
        values = self.filled(table, record, record.raw_file)
        window = None
        role = table.window
        if role is not None:
            anchor = self._anchor(record, values.get(role.anchor) if role.anchor else None)
            container = None
            if role.within and values.get(role.within):
                references = table.column(role.within).references
                container = self.windows.get((references[0], values[role.within])) if references else None
            window = self.dated(table, record, values, anchor, container)
        if table.period is not None:
            self.period(table, record, values)
        return Claim(record, self.source_of.get(record.file, ""), values, window)

    def period(self, table: Table, record: Record, values: dict) -> None:
        role = table.period
        assert role is not None
        words = values.get(role.words)
        if words is None:
            return
        anchor = self._anchor(record, values.get(role.anchor) if role.anchor else None)
        try:
            period = read_window(words, anchor=anchor)
        except DateWordsError:
            return  # words that give no period (e.g. "Before Russia's invasion"): the period stays as curated
        # A bound the curator gives stands as given (the contract reports one the words do not give).
        for column, read in ((role.start, period.earliest), (role.end, period.latest)):
            if values.get(column) is None:
                values[column] = read


def kind_of_safe(words: str) -> str:
    """What date words need (contract.date_reader.kind_of), or "unread" for words it does not read."""
    try:
        return kind_of(words)
    except DateWordsError:
        return "unread"
