"""Package text on a terminal: every string from a package that a command prints goes through `shown`.

A resource name, a value or a path from a package may hold control characters: an ESC sequence would
clear the screen or colour a forged "… is valid", a carriage return or a newline would overwrite or add a
line, a bidirectional override would reorder what is read. `shown` writes each such character as its
escape (`\\x1b`, `\\n`, `\\u202e`), so that what the terminal shows is what the package holds, on one line.
"""

from __future__ import annotations

import re

# C0 controls (newline and tab included), DEL, C1 controls, and the bidirectional embeddings, overrides
# and isolates (Unicode's "Trojan Source" characters) and the line and paragraph separators.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(text: object) -> str:
    """`text` as a terminal may print it: control characters escaped (see the module docstring)."""
    return _CONTROL.sub(_escape, str(text))
