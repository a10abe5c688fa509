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
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

MAX_DEPTH_CLASS = 4  # deeper overlaps share the darkest shade


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
    out: list[str] = []
    stack: list[Span] = []
    for position, following in zip(cuts, [*cuts[1:], None], strict=True):
        # Close what ends here, and everything opened inside it; those that go on are reopened.
        ending = [i for i, span in enumerate(stack) if span.end == position]
        reopen: list[Span] = []
        if ending:
            closed, stack = stack[ending[0]:], stack[:ending[0]]
            out.append("</mark>" * len(closed))
            reopen = [span for span in closed if span.end > position]
        heads = sorted(starting.get(position, []), key=_outermost_first)
        for span in sorted(reopen + heads, key=_outermost_first):
            stack.append(span)
            out.append(_open(span, len(stack), head=span.start == position))  # a reopened span began earlier
            if span.end == position:  # an empty span: a head with no text
                stack.pop()
                out.append("</mark>")
        if following is not None:
            out.append(html.escape(text[position:following], quote=False))
    return "".join(out)
