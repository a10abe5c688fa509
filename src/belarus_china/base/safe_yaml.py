"""A YAML reader that no file can make expensive or ambiguous: for curation files (curate/safe_yaml.py adds
their own rules) and for the YAML a package carries (CITATION.cff), which may come from anyone.

PyYAML's composer is replaced (on libyaml's parser and on PyYAML's own alike) by one that refuses,
with the line, while it reads the events:
- anchors, aliases and merge keys: none of these files needs them, and a kilobyte of nested
  aliases expands into gigabytes (the "billion laughs");
- a key written twice in one mapping, at any level (YAML would silently keep the second: a second
  `doc_kind:` would win, a second `quotes:` section would drop the first one's quotes);
- a key that is not a plain value;
- nesting deeper than MAX_YAML_DEPTH (the composer recurses once per level);
- a value longer than MAX_FIELD_CHARS (a reader may check more: `check_scalar`).
Every scalar stays text (BaseLoader's resolver).
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.events import AliasEvent, MappingEndEvent, ScalarEvent, SequenceEndEvent, SequenceStartEvent
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .limits import MAX_CURATION_FILE_BYTES, MAX_FIELD_CHARS, MAX_YAML_DEPTH, size_text
from .safe_files import PackageFileError


class BoundedYAMLError(Exception):
    """A YAML file is refused; `code` is the problem code, the message gives the line."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def _line(event) -> int:
    return event.start_mark.line + 1 if event.start_mark is not None else 0


# The composer mixes into loaders that bring the events (get_event, peek_event, check_event) and the
# resolver; typed as Any so the type checker takes those from the loader it is mixed into.
_EventSource: Any = object


class BoundedComposer(_EventSource):
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
            raise BoundedYAMLError("yaml-alias", f"line {_line(event)}: alias *{event.anchor[:40]}; these files "
                                    "use no anchors or aliases: write the value out")
        if event.anchor is not None:
            raise BoundedYAMLError("yaml-alias", f"line {_line(event)}: anchor &{event.anchor[:40]}; these files "
                                    "use no anchors or aliases")
        if self._depth >= MAX_YAML_DEPTH:
            raise BoundedYAMLError("yaml-too-deep", f"line {_line(event)}: nested deeper than {MAX_YAML_DEPTH} levels")
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
        self.check_scalar(value, key, f"line {_line(event)}" + (f", {key}" if key else ""))
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.resolve(ScalarNode, value, event.implicit)
        return ScalarNode(tag, value, event.start_mark, event.end_mark, style=event.style)

    def check_scalar(self, value: str, key: str | None, where: str) -> None:
        """Refuse a value (BoundedYAMLError); `key` is the key whose value it is, `where` its line and key."""
        if len(value) > MAX_FIELD_CHARS:
            raise BoundedYAMLError("value-too-long", f"{where}: {len(value):,} characters, more than the limit of "
                                   f"{MAX_FIELD_CHARS:,} for a value (it begins {value[:60]!r})")

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
                raise BoundedYAMLError("curation-shape", f"line {_line(key_event)}: a key must be a plain value, "
                                        "not a list or mapping")
            self._keys.append(None)
            key = self.compose_node(node, None)
            self._keys.pop()
            line = _line(key_event)
            if key.value == "<<":  # a merge key (quoted, it would be a plain key named "<<", which no table has)
                raise BoundedYAMLError("yaml-alias", f"line {line}: merge key `<<`; these files use no merge keys: "
                                        "write the keys out")
            if key.value in first_line:
                raise BoundedYAMLError("yaml-duplicate-key", f"line {line}: key {key.value[:80]!r} is written twice in "
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


class SafeLoader(BoundedComposer, yaml.BaseLoader):
    """PyYAML's pure-Python reader, scanner and parser; the bounded composer; every scalar text."""


_C_BASE: Any = getattr(yaml, "CBaseLoader", None)
FastLoader: type | None = None
if _C_BASE is not None:
    class _FastLoader(BoundedComposer, _C_BASE):
        """libyaml's parser (about 10x faster) under the same bounded composer."""

    FastLoader = _FastLoader


def load_text(text: str, loader: type):
    """The document in `text` with `loader`; BoundedYAMLError or yaml.YAMLError when refused."""
    instance = loader(text)
    try:
        return instance.get_single_data()
    finally:
        instance.dispose()


def parse_yaml(data: bytes, label: str, *, limit: int = MAX_CURATION_FILE_BYTES):
    """Untrusted YAML a package carries (CITATION.cff), every scalar text; PackageFileError `yaml-unreadable`
    for a file over `limit`, not UTF-8, not YAML, or refused by the bounded composer."""
    if len(data) > limit:
        raise PackageFileError("yaml-unreadable", f"{label} is larger than {size_text(limit)}; it is not parsed")
    try:
        return load_text(data.decode("utf-8"), FastLoader or SafeLoader)
    except BoundedYAMLError as exc:
        raise PackageFileError("yaml-unreadable", f"{label} is refused ({exc.code}): {exc}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise PackageFileError("yaml-unreadable", f"{label} is not valid UTF-8 YAML: {str(exc)[:300]}") from None
