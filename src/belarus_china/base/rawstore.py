"""The verbatim raw documents and their committed checksum manifest (raw/SHA256SUMS).

Used by the build (on the checkout's raw/) and by validation (on any package, folder or zip), so
it belongs to neither.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from .limits import MAX_MANIFEST_BYTES, size_text
from .problems import Problem
from .safe_files import PackageFileError

RAW_FOLDER = "raw"
MANIFEST = "SHA256SUMS"
MAX_LINE_PROBLEMS = 20  # malformed manifest lines reported one by one; the rest are counted in one more


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_manifest(text: str | None) -> tuple[dict[str, str], list[Problem]]:
    label = f"{RAW_FOLDER}/{MANIFEST}"
    if text is None:
        return {}, [Problem("raw-manifest-missing", "the checksum manifest is missing", file=label)]
    entries: dict[str, str] = {}
    problems: list[Problem] = []
    more = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        digest, _, name = line.partition("  ")
        if len(digest) != 64 or not name:
            if len(problems) >= MAX_LINE_PROBLEMS:  # one Problem per junk line would be millions of them
                more += 1
                continue
            problems.append(Problem("raw-manifest-malformed", f"line {number} is not '<64 hex digits of the SHA-256>"
                                                              f"<two spaces><file name>' (as sha256sum writes it): {line!r}; "
                                                              "`belarus-china add` writes these lines", file=label))
            continue
        entries[name] = digest
    if more:
        problems.append(Problem("raw-manifest-malformed", f"... and {more:,} more malformed lines like these",
                                file=label))
    return entries, problems


def read_manifest(raw_dir: Path) -> tuple[str | None, list[Problem]]:
    """The text of raw/SHA256SUMS (None when it is missing), refused when too large or not UTF-8."""
    label, path = f"{RAW_FOLDER}/{MANIFEST}", raw_dir / MANIFEST
    try:
        if not path.is_file():
            return None, []
        if path.stat().st_size > MAX_MANIFEST_BYTES:
            return None, [Problem("file-too-large", f"is larger than {size_text(MAX_MANIFEST_BYTES)} (a line per "
                                  "document); it is not read", file=label)]
        return path.read_bytes().decode("utf-8"), []
    except UnicodeDecodeError as exc:
        return None, [Problem("raw-manifest-malformed", f"is not UTF-8 text ({exc.reason} at byte {exc.start})",
                              file=label)]
    except OSError as exc:
        return None, [Problem("raw-manifest-malformed", f"cannot be read ({exc.strerror})", file=label)]


def check_documents(manifest_text: str | None, present: dict[str, bool],
                    read: Callable[[str], bytes]) -> list[Problem]:
    """Every raw document is in the manifest with its checksum, and nothing else is there.

    `present` maps each file name found beside the manifest to whether it is a regular file;
    `read(name)` gives a document's bytes.
    """
    manifest, problems = parse_manifest(manifest_text)
    names = sorted(name for name in present if name != MANIFEST)
    for name in sorted(set(manifest) - set(names)):
        problems.append(Problem("raw-file-missing", f"is listed in {MANIFEST} but missing: restore it (git checkout), or, "
                                                    "if the document is withdrawn, remove its manifest line and its "
                                                    "curation file", file=f"{RAW_FOLDER}/{name}"))
    for name in names:
        label = f"{RAW_FOLDER}/{name}"
        if name not in manifest:
            problems.append(Problem("raw-file-unlisted", f"is not in {MANIFEST} (an extra or renamed file): add a "
                                                         "document with `belarus-china add PATH`, which copies it and "
                                                         "writes its manifest line, or remove the stray file", file=label))
        elif not present[name]:
            problems.append(Problem("raw-file-not-regular", "is not a regular file", file=label))
        else:
            try:
                data = read(name)
            except PackageFileError as exc:
                problems.append(Problem(exc.code, str(exc), file=label))
                continue
            if sha256_bytes(data) != manifest[name]:
                problems.append(Problem("raw-checksum", f"differs from its {MANIFEST} checksum (edited or damaged): raw "
                                                        "documents are never edited; restore the original (git "
                                                        "checkout); a corrected text is a new document "
                                                        "(`belarus-china add`)", file=label))
                continue
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as exc:
                problems.append(Problem("raw-not-utf8", f"is not UTF-8 text: {exc}", file=label))
                continue
            problems.extend(text_form_problems(data, label))
    return problems


def text_form_problems(data: bytes, label: str) -> list[Problem]:
    """A byte-order mark or a carriage return makes offsets depend on the reader (one that drops the BOM, or
    reads with universal newlines, counts every later character differently), so neither is accepted:
    the document is to be saved as UTF-8 without BOM, with LF line endings, before it goes into raw/."""
    found = []
    if data.startswith(b"\xef\xbb\xbf"):
        found.append(Problem("raw-text-form", "starts with a byte-order mark (U+FEFF), which some readers drop and "
                             "others count, so every offset would be one off for some: remove the first three bytes "
                             "(e.g. `sed -i '1s/^\\xEF\\xBB\\xBF//' FILE`) and update raw/SHA256SUMS", file=label))
    returns = data.count(b"\r")
    if returns:
        found.append(Problem("raw-text-form", f"contains {returns} carriage return(s) (CR or CRLF line "
                             "endings), which readers with universal newlines drop, so offsets after them would "
                             "differ: convert it to LF line endings (e.g. `dos2unix FILE`) and update raw/SHA256SUMS",
                             file=label))
    return found


def check_raw(raw_dir: Path) -> list[Problem]:
    """check_documents on a raw/ folder."""
    text, problems = read_manifest(raw_dir)
    if problems:
        return problems
    present = {p.name: p.is_file() and not p.is_symlink() for p in raw_dir.iterdir()} if raw_dir.is_dir() else {}
    return check_documents(text, present, lambda name: (raw_dir / name).read_bytes())


def read_text(path: Path) -> str:
    # Bytes decoded as UTF-8 without newline translation: offsets count code points of exactly this text.
    return path.read_bytes().decode("utf-8")
