"""The YAML loader for curation files: the bounded reader of base/safe_yaml.py (no anchors, aliases or merge
keys, no duplicate keys, limits on depth and value length), with the curation files' own limits:
- an excerpt or `within` passage is bounded by MAX_EXCERPT_CHARS rather than MAX_FIELD_CHARS;
- control characters (other than tab and line breaks) and bidirectional formatting characters are refused
  in any text, with the line: the contract's rule (contract/checks.py), which validation applies to every
  text column of a package too.
"""

from __future__ import annotations

from typing import Any

import yaml

from ..base.limits import MAX_EXCERPT_CHARS, MAX_FIELD_CHARS
from ..base.safe_yaml import BoundedComposer, BoundedYAMLError, load_text
from ..contract.checks import UNSAFE_CHARACTER
from . import file_format as F

CurationYAMLError = BoundedYAMLError  # a curation file is refused; `code` is the problem code
_EXCERPT_KEYS = {F.EXCERPT, F.WITHIN}
_EXCERPT_LISTS = {F.EVIDENCE, F.DISMISSED}  # whose items may be bare excerpts

__all__ = ["CurationYAMLError", "FastLoader", "SafeLoader", "load_text"]


class _CurationComposer(BoundedComposer):
    def check_scalar(self, value: str, key: str | None, where: str) -> None:
        excerpt = key in _EXCERPT_KEYS or (key in _EXCERPT_LISTS and self._in_list)
        limit = MAX_EXCERPT_CHARS if excerpt else MAX_FIELD_CHARS
        if len(value) > limit:
            kind = "an excerpt or `within` passage" if excerpt else "a value"
            raise CurationYAMLError("value-too-long", f"{where}: {len(value):,} characters, more than the limit of "
                                    f"{limit:,} for {kind} (it begins {value[:60]!r})")
        bad = UNSAFE_CHARACTER.search(value)
        if bad:
            raise CurationYAMLError("unsafe-character", f"{where}: character U+{ord(bad.group()):04X} at position "
                                    f"{bad.start() + 1}; remove it (control and bidirectional formatting characters "
                                    "are not accepted in curated text)")


class SafeLoader(_CurationComposer, yaml.BaseLoader):
    """PyYAML's pure-Python reader, scanner and parser; the bounded composer; every scalar text."""


_C_BASE: Any = getattr(yaml, "CBaseLoader", None)
FastLoader: type | None = None
if _C_BASE is not None:
    class _FastLoader(_CurationComposer, _C_BASE):
        """libyaml's parser (about 10x faster) under the same bounded composer."""

    FastLoader = _FastLoader
