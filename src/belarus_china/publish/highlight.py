"""A text with overlapping spans as HTML: every span gets exactly one `<mark>` that carries its id and
offsets, even where spans cross.

HTML elements nest; excerpts do not always (one excerpt may start inside another and end after it).
The text is cut at every span boundary into non-overlapping segments and the spans are kept as a stack
of open marks, the one that ends last outermost, so that nested spans become nested marks. Where a
span must close while a span that began inside it is still open, the inner one is closed with it and
reopened after it as a *continuation* piece (`data-part-of` = the head's id, no id of its own). So:

- each span has one head `<mark id=… data-start=… data-end=…>` where it starts, and zero or more
  continuation pieces; the text of the head and its pieces, in document order, is the span's text;
- the text between the tags is the input text exactly (escaped), so the element's text is the document;
- `d1`..`d4` classes say how many spans cover a piece (capped), for shading that shows overlaps.

Offsets are code points (Python string indices), as in the evidence table.

Reopening everything above a closing span is quadratic for many crossing spans (m short ones ending one
by one beneath k long ones cost m x k pieces), and the spans come from an untrusted package's evidence
table. So that rendering runs on a budget linear in the spans; past it the text is rendered instead
along a segment tree over the cuts (each span split into at most ~2 log2(cuts) canonical pieces, which
nest by construction): the same guarantees, O(n log n) marks. The real documents stay far inside it.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

MAX_DEPTH_CLASS = 4  # deeper overlaps share the darkest shade
WORK_PER_SPAN = 16     # budget of the nesting rendering: marks opened and stack entries scanned per span
WORK_BASE = 4096


class _OverBudget(Exception):
    pass


@dataclass(frozen=True)
class Span:
    id: str                                      # the head element's id (unique in the page)
    start: int
    end: int
    classes: tuple[str, ...] = ()                # on the head and on every continuation piece
    attributes: tuple[tuple[str, str], ...] = ()  # more attributes of the head (data-…)
    lead: str = ""                               # HTML placed first inside the head (e.g. a link); no text


def _attribute(name: str, value: object) -> str:
    return f' {name}="{html.escape(str(value), quote=True)}"'


def _open(span: Span, depth: int, head: bool) -> str:
    classes = " ".join(("ev", f"d{min(depth, MAX_DEPTH_CLASS)}", *(() if head else ("cont",)), *span.classes))
    if not head:
        return f"<mark{_attribute('class', classes)}{_attribute('data-part-of', span.id)}>"
    attributes = _attribute("id", span.id) + _attribute("class", classes)
    attributes += _attribute("data-start", span.start) + _attribute("data-end", span.end)
    attributes += "".join(_attribute(name, value) for name, value in span.attributes)
    return f"<mark{attributes}>{span.lead}"


def _outermost_first(span: Span) -> tuple:
    # The span that ends last must be outermost, or it would have to be split where the other ends.
    return (-span.end, span.start, span.id)


def render(text: str, spans: Sequence[Span]) -> str:
    """`text` as escaped HTML with a mark per span (see the module docstring)."""
    for span in spans:
        if not 0 <= span.start <= span.end <= len(text):
            raise ValueError(f"span {span.id} [{span.start}, {span.end}) is outside the text of {len(text)} characters")
    if len({span.id for span in spans}) != len(spans):
        raise ValueError("span ids must be unique")
    starting: dict[int, list[Span]] = {}
    for span in spans:
        starting.setdefault(span.start, []).append(span)
    cuts = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    try:
        return _render_nested(text, starting, cuts, WORK_PER_SPAN * len(spans) + WORK_BASE)
    except _OverBudget:
        return _render_tree(text, spans, cuts)


def _render_nested(text: str, starting: dict[int, list[Span]], cuts: list[int], budget: int) -> str:
    out: list[str] = []
    stack: list[Span] = []
    for position, following in zip(cuts, [*cuts[1:], None], strict=True):
        budget -= len(stack) + 1
        # Close what ends here, and everything opened inside it; those that go on are reopened.
        ending = [i for i, span in enumerate(stack) if span.end == position]
        reopen: list[Span] = []
        if ending:
            closed, stack = stack[ending[0]:], stack[:ending[0]]
            out.append("</mark>" * len(closed))
            reopen = [span for span in closed if span.end > position]
        heads = sorted(starting.get(position, []), key=_outermost_first)
        budget -= len(reopen) + len(heads)
        if budget < 0:
            raise _OverBudget
        for span in sorted(reopen + heads, key=_outermost_first):
            stack.append(span)
            out.append(_open(span, len(stack), head=span.start == position))  # a reopened span began earlier
            if span.end == position:  # an empty span: a head with no text
                stack.pop()
                out.append("</mark>")
        if following is not None:
            out.append(html.escape(text[position:following], quote=False))
    return "".join(out)


def _render_tree(text: str, spans: Sequence[Span], cuts: list[int]) -> str:
    """Segments (between consecutive cuts) are the leaves of a segment tree; a span is marked on the
    canonical nodes that cover its segments, left to right, its first piece being its head."""
    index = {position: i for i, position in enumerate(cuts)}
    leaves = len(cuts) - 1
    at_node: dict[tuple[int, int], list[Span]] = {}
    empty: dict[int, list[Span]] = {}
    for span in sorted(spans, key=_outermost_first):
        low, high = index[span.start], index[span.end]
        if low == high:
            empty.setdefault(low, []).append(span)
            continue
        pending = [(0, leaves)]
        while pending:  # at most two partial nodes per level
            node_low, node_high = pending.pop()
            if high <= node_low or node_high <= low:
                continue
            if low <= node_low and node_high <= high:
                at_node.setdefault((node_low, node_high), []).append(span)
                continue
            middle = (node_low + node_high) // 2
            pending += [(node_low, middle), (middle, node_high)]
    out: list[str] = []

    def walk(node_low: int, node_high: int, depth: int) -> None:
        marks = at_node.get((node_low, node_high), [])
        for offset, span in enumerate(marks):
            out.append(_open(span, depth + offset + 1, head=cuts[node_low] == span.start))
        depth += len(marks)
        if node_high - node_low == 1:
            _empty_heads(out, empty.pop(node_low, []), depth)
            out.append(html.escape(text[cuts[node_low]:cuts[node_high]], quote=False))
        else:
            middle = (node_low + node_high) // 2
            walk(node_low, middle, depth)
            walk(middle, node_high, depth)
        out.append("</mark>" * len(marks))

    if leaves > 0:
        walk(0, leaves, 0)
    _empty_heads(out, empty.pop(leaves, []), 0)
    return "".join(out)


def _empty_heads(out: list[str], spans: list[Span], depth: int) -> None:
    for span in spans:
        out.append(_open(span, depth + 1, head=True) + "</mark>")
