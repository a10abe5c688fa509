"""A YAML loader for curation files that no file can make expensive or ambiguous.

PyYAML's composer is replaced (on libyaml's parser and on PyYAML's own alike) by one that refuses,
with the line, while it reads the events:
- anchors, aliases and merge keys: curation files do not need them, and a kilobyte of nested
  aliases expands into gigabytes (the "billion laughs");
- a key written twice in one mapping, at any level (YAML would silently keep the second: a second
  `doc_kind:` would win, a second `quotes:` section would drop the first one's quotes);
- a key that is not a plain value;
- nesting deeper than MAX_YAML_DEPTH (the composer recurses once per level);
- a value longer than MAX_FIELD_CHARS, or an excerpt or `within` passage longer than MAX_EXCERPT_CHARS;
- control characters (other than tab and line breaks) and bidirectional formatting characters in
  any text, which can make a value display as something it is not.
Every scalar stays text (BaseLoader's resolver), as before.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.events import AliasEvent, MappingEndEvent, ScalarEvent, SequenceEndEvent, SequenceStartEvent
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from ..base.limits import MAX_EXCERPT_CHARS, MAX_FIELD_CHARS, MAX_YAML_DEPTH
from . import file_format as F

# C0 and C1 controls except tab, LF and CR; the bidirectional embeddings, overrides and isolates; the
# directional marks. (Raw C0 controls are already refused by the YAML reader; escapes are not.)
UNSAFE_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_EXCERPT_KEYS = {F.EXCERPT, F.WITHIN}
_EXCERPT_LISTS = {F.EVIDENCE, F.DISMISSED}  # whose items may be bare excerpts


class CurationYAMLError(Exception):
    """A curation file is refused; `code` is the problem code, the message gives the line."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def _line(event) -> int:
    return event.start_mark.line + 1 if event.start_mark is not None else 0


# The composer mixes into loaders that bring the events (get_event, peek_event, check_event) and the
# resolver; typed as Any so the type checker takes those from the loader it is mixed into.
_EventSource: Any = object


class _BoundedComposer(_EventSource):
    """The Composer's methods, with the checks of the module docstring (no alias table at all). Placed
    first in a loader's bases, so that its methods win over both PyYAML's and libyaml's composer."""

    def get_single_node(self):
        self._depth = 0
        self._keys: list[str | None] = [None]  # the key whose value is being read, innermost last
        self._containers: list[str] = []       # "list" or "mapping", innermost last
        self.get_event()  # StreamStart
        document = None
        if not self.check_event(yaml.StreamEndEvent):
            document = self.compose_document()
        if not self.check_event(yaml.StreamEndEvent):
            event = self.get_event()
            raise yaml.composer.ComposerError("expected a single document in the stream", None,
                                              "but found another document", event.start_mark)
        self.get_event()
        return document

    def compose_document(self):
        self.get_event()  # DocumentStart
        node = self.compose_node(None, None)
        self.get_event()  # DocumentEnd
        return node

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            raise CurationYAMLError("yaml-alias", f"line {_line(event)}: alias *{event.anchor[:40]}; curation files "
                                    "use no anchors or aliases: write the value out")
        if event.anchor is not None:
            raise CurationYAMLError("yaml-alias", f"line {_line(event)}: anchor &{event.anchor[:40]}; curation files "
                                    "use no anchors or aliases")
        if self._depth >= MAX_YAML_DEPTH:
            raise CurationYAMLError("yaml-too-deep", f"line {_line(event)}: nested deeper than {MAX_YAML_DEPTH} levels")
        self._depth += 1
        self.descend_resolver(parent, index)
        if self.check_event(ScalarEvent):
            node = self.compose_scalar_node(None)
        elif self.check_event(SequenceStartEvent):
            node = self.compose_sequence_node(None)
        else:
            node = self.compose_mapping_node(None)
        self.ascend_resolver()
        self._depth -= 1
        return node

    def compose_scalar_node(self, anchor):
        event = self.get_event()
        value = event.value
        key = self._keys[-1]
        excerpt = key in _EXCERPT_KEYS or (key in _EXCERPT_LISTS and self._in_list)
        limit = MAX_EXCERPT_CHARS if excerpt else MAX_FIELD_CHARS
        where = f"line {_line(event)}" + (f", {key}" if key else "")
        if len(value) > limit:
            kind = "an excerpt or `within` passage" if excerpt else "a value"
            raise CurationYAMLError("value-too-long", f"{where}: {len(value):,} characters, more than the limit of "
                                    f"{limit:,} for {kind} (it begins {value[:60]!r})")
        bad = UNSAFE_CHARACTERS.search(value)
        if bad:
            raise CurationYAMLError("unsafe-character", f"{where}: character U+{ord(bad.group()):04X} at position "
                                    f"{bad.start() + 1}; remove it (control and bidirectional formatting characters "
                                    "are not accepted in curated text)")
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.resolve(ScalarNode, value, event.implicit)
        return ScalarNode(tag, value, event.start_mark, event.end_mark, style=event.style)

    @property
    def _in_list(self) -> bool:
        return bool(self._containers) and self._containers[-1] == "list"

    def compose_sequence_node(self, anchor):
        start = self.get_event()
        tag = start.tag
        if tag is None or tag == "!":
            tag = self.resolve(SequenceNode, None, start.implicit)
        node = SequenceNode(tag, [], start.start_mark, None, flow_style=start.flow_style)
        self._containers.append("list")
        index = 0
        while not self.check_event(SequenceEndEvent):
            node.value.append(self.compose_node(node, index))
            index += 1
        self._containers.pop()
        node.end_mark = self.get_event().end_mark
        return node

    def compose_mapping_node(self, anchor):
        start = self.get_event()
        tag = start.tag
        if tag is None or tag == "!":
            tag = self.resolve(MappingNode, None, start.implicit)
        node = MappingNode(tag, [], start.start_mark, None, flow_style=start.flow_style)
        self._containers.append("mapping")
        first_line: dict[str, int] = {}
        while not self.check_event(MappingEndEvent):
            key_event = self.peek_event()
            if not isinstance(key_event, ScalarEvent):
                if isinstance(key_event, AliasEvent) or key_event.anchor is not None:
                    self.compose_node(node, None)  # raises yaml-alias with the line
                raise CurationYAMLError("curation-shape", f"line {_line(key_event)}: a key must be a plain value, "
                                        "not a list or mapping")
            self._keys.append(None)
            key = self.compose_node(node, None)
            self._keys.pop()
            line = _line(key_event)
            if key.value == "<<":  # a merge key (quoted, it would be a plain key named "<<", which no table has)
                raise CurationYAMLError("yaml-alias", f"line {line}: merge key `<<`; curation files use no merge keys: "
                                        "write the keys out")
            if key.value in first_line:
                raise CurationYAMLError("yaml-duplicate-key", f"line {line}: key {key.value[:80]!r} is written twice in "
                                        f"one mapping (first at line {first_line[key.value]}); YAML would keep only the "
                                        "second: merge the two")
            first_line[key.value] = line
            self._keys.append(key.value)
            value = self.compose_node(node, key)
            self._keys.pop()
            node.value.append((key, value))
        self._containers.pop()
        node.end_mark = self.get_event().end_mark
        return node


class SafeLoader(_BoundedComposer, yaml.BaseLoader):
    """PyYAML's pure-Python reader, scanner and parser; the bounded composer; every scalar text."""


_C_BASE: Any = getattr(yaml, "CBaseLoader", None)
FastLoader: type | None = None
if _C_BASE is not None:
    class _FastLoader(_BoundedComposer, _C_BASE):
        """libyaml's parser (about 10x faster) under the same bounded composer."""

    FastLoader = _FastLoader


def load_text(text: str, loader: type):
    """The document in `text` with `loader`; CurationYAMLError or yaml.YAMLError when refused."""
    instance = loader(text)
    try:
        return instance.get_single_data()
    finally:
        instance.dispose()
