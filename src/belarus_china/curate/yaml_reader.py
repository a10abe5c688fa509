"""Read one curation file's YAML, reporting (never raising) syntax, encoding and safety errors.

Every scalar stays text (BaseLoader's resolver), so `NO`, `2023-03-01` or `1e3` are never re-typed
by YAML, and the composer is the bounded one of `safe_yaml.py` (no anchors, aliases or merge keys,
no duplicate keys, limits on depth and value length, no control or bidirectional characters). The
file itself must be a regular file within MAX_CURATION_FILE_BYTES.

libyaml's parser is about 10x faster on large curation files. It accepts a few things PyYAML
rejects (tabs as indentation or separation, `? ` inside flow collections, a byte-order mark inside
the text), so a file containing any of those characters, a file libyaml rejects, and every file
when libyaml is missing go to PyYAML's pure-Python parser, which decides and reports exactly as before.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from ..base.limits import MAX_CURATION_FILE_BYTES, size_text
from ..base.problems import Problem
from ..base.safe_files import PackageFileError, read_path
from .cache import ParseCache
from .safe_yaml import CurationYAMLError, FastLoader, SafeLoader, load_text

_PYYAML_ONLY = ("\t", "?", "\ufeff")


def load_yaml(path: Path, problems: list[Problem], label: str):
    """The parsed document, or None with a problem appended. A file parsed before, byte for byte and by
    the same code, comes from the parse cache of its build root (`cache.py`; the file is still read and
    hashed, and only clean parses are kept)."""
    try:
        data = read_path(path, limit=MAX_CURATION_FILE_BYTES, label=label)
    except PackageFileError as exc:
        _unreadable(exc, problems, label)
        return None
    return ParseCache(path.parent.parent).parsed(data, lambda: _parse(data, problems, label))


def _parse(data: bytes, problems: list[Problem], label: str):
    try:
        text = data.decode("utf-8")
        if FastLoader is not None and not any(char in text for char in _PYYAML_ONLY):
            try:
                return load_text(text, FastLoader)
            except yaml.YAMLError:
                pass  # parse again below so the message (line, column, problem) is PyYAML's own
        return load_text(text, SafeLoader)
    except CurationYAMLError as exc:
        problems.append(Problem(exc.code, str(exc), file=label))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problems.append(Problem("yaml-syntax", f"not valid YAML{where}: {getattr(exc, 'problem', exc)}", file=label))
    except UnicodeDecodeError as exc:
        problems.append(Problem("yaml-encoding", f"not UTF-8 text: {exc}", file=label))
    return None


def _unreadable(exc: PackageFileError, problems: list[Problem], label: str) -> None:
    if exc.code == "file-too-large":
        problems.append(Problem("curation-file-too-large", f"is larger than the limit of "
                                f"{size_text(MAX_CURATION_FILE_BYTES)}; it is not read", file=label))
    else:
        problems.append(Problem("curation-shape", f"cannot be read: {exc}", file=label))
