"""Read one curation file's YAML, reporting (never raising) syntax and encoding errors.

BaseLoader: every scalar stays text, so `NO`, `2023-03-01` or `1e3` are never re-typed by YAML.
CBaseLoader is the same loader on libyaml's parser, about 10x faster on large curation files.
libyaml accepts a few things PyYAML rejects (tabs as indentation or separation, `? ` inside flow
collections, a byte-order mark inside the text), so a file containing any of those characters,
a file libyaml rejects, and every file when libyaml is missing go to the pure-Python BaseLoader,
which decides and reports exactly as before.

Both loaders refuse a key written twice in one mapping: YAML keeps the last silently, so a second
`inferred:` or `evidence:` on a record would drop the curator's first one without a word.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from ..base.problems import Problem

_PYYAML_ONLY = ("\t", "?", "\ufeff")


class DuplicateKeyError(yaml.YAMLError):
    def __init__(self, key: str, mark):
        super().__init__(key)
        self.key, self.mark = key, mark


def _refuse_duplicate_keys(loader, node, deep=False):
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, _ in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is not None and key in seen:
                raise DuplicateKeyError(key, key_node.start_mark)
            if key is not None:
                seen.add(key)
    return yaml.constructor.BaseConstructor.construct_mapping(loader, node, deep=deep)


class _SafeBaseLoader(yaml.BaseLoader):
    construct_mapping = _refuse_duplicate_keys


_FAST_LOADER: type | None = None
if hasattr(yaml, "CBaseLoader"):
    class _FastSafeBaseLoader(yaml.CBaseLoader):
        construct_mapping = _refuse_duplicate_keys

    _FAST_LOADER = _FastSafeBaseLoader


def load_yaml(path: Path, problems: list[Problem], label: str):
    """The parsed document, or None with a problem appended."""
    try:
        text = path.read_text(encoding="utf-8")
        if _FAST_LOADER is not None and not any(char in text for char in _PYYAML_ONLY):
            try:
                return yaml.load(text, Loader=_FAST_LOADER)
            except DuplicateKeyError:
                raise
            except yaml.YAMLError:
                pass  # parse again below so the message (line, column, problem) is PyYAML's own
        return yaml.load(text, Loader=_SafeBaseLoader)
    except DuplicateKeyError as exc:
        problems.append(Problem("yaml-duplicate-key", f"the key {exc.key!r} is written twice in one mapping (again at line "
                                                      f"{exc.mark.line + 1}); keep one", file=label))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problems.append(Problem("yaml-syntax", f"not valid YAML{where}: {getattr(exc, 'problem', exc)}", file=label))
    except UnicodeDecodeError as exc:
        problems.append(Problem("yaml-encoding", f"not UTF-8 text: {exc}", file=label))
    return None
