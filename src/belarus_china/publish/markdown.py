"""How curated text goes into the generated Markdown (docs/*.md): one escaping policy for every data cell.

A value from the tables (a publisher, the words a document uses, a curator's reason) is text, never markup:
`text` escapes every character that CommonMark or a GitHub table would read as markup (HTML tags and
entities, emphasis, links, code, the `|` that ends a table cell, line breaks), so that what is shown is
exactly the value. `code` shows an identifier in a code span when it is a plain identifier, else as text
(a code span cannot escape a backtick or a `|`). Registry text (column descriptions) is the maintainers'
Markdown and is not passed through here.
"""

from __future__ import annotations

import re

import pandas as pd

_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# Punctuation with a meaning inside a line of CommonMark or a GFM table cell; each is backslash-escaped.
_MARKUP = re.compile(r"([\\`*\[\]|~])")
# `_` opens or closes emphasis only where it is not between two letters or digits (CommonMark's flanking
# rule), so `event_kind` stays as it is written and `_this_` is escaped.
_UNDERSCORES = re.compile(r"(?<![^\W_])_+|_+(?![^\W_])")
_PLAIN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/@+\-]*$")


def _value(value) -> str:
    if value is None or (not isinstance(value, list | tuple) and pd.isna(value)):
        return ""
    return str(value)


def text(value) -> str:
    """A data value as Markdown that shows exactly the value (on one line); "" when missing."""
    shown = " ".join(_value(value).split())  # line breaks and tabs would end a table row or start a block
    shown = "".join(_HTML.get(character, character) for character in shown)
    shown = _MARKUP.sub(r"\\\1", shown)
    return _UNDERSCORES.sub(lambda run: "\\_" * len(run.group()), shown)


def code(value) -> str:
    """An identifier in a code span, or as escaped text when it is not a plain identifier."""
    shown = _value(value)
    return f"`{shown}`" if _PLAIN_ID.match(shown) else text(shown)
