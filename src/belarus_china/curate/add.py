"""`belarus-china add PATH`: bring a new document into raw/ and start its curation file.

What it does, so that a maintainer never edits raw/ by hand:
1. refuses a file that is not UTF-8 text, and a document whose bytes are already in raw/ (naming it);
2. copies it to raw/ as `NNN_<16 hex>.txt`: NNN the next number after the highest in raw/ (three
   digits, more when needed), the hex the first 16 hex digits of the file's SHA-256 (the five
   founding documents carry opaque ids of the same shape, given when they were supplied);
3. appends its line to raw/SHA256SUMS;
4. writes build/<stem>.yaml: the source block with what is known (the capture metadata given on
   the command line; the title is left blank, with a hint, never taken from the text) and, as comments, every
   candidate fact the coverage audit finds in it, to curate as evidence or dismiss.
It holds the build lock (`base/lock.py`) from reading raw/ to the last rename, so two `add`s (or an `add`
and a build) never number two documents alike or lose a manifest line. The three files are written as
one: each to a temporary file first, then renamed into place, the manifest last; a write that fails (a
full or read-only disk) removes what was written and is reported (`document-write-failed`). A refusal
writes nothing. A document over MAX_ADDED_DOCUMENT_BYTES is refused before it is read, and the curation
file lists at most MAX_LISTED_CANDIDATES candidates, so it stays far below what the build reads.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from ..base.limits import MAX_ADDED_DOCUMENT_BYTES, MAX_LISTED_CANDIDATES, size_text
from ..base.lock import LOCK_TIMEOUT, BuildLock, LockHeld
from ..base.problems import Problem, ProblemsFound, write_error
from ..base.rawstore import MANIFEST, RAW_FOLDER, parse_manifest, read_manifest, sha256_bytes, text_form_problems
from ..contract.registry import read_registry
from ..contract.vocabulary import Sources
from . import file_format as F
from .audit import scan

NAME = re.compile(r"^(\d{3,})_[0-9a-f]{16}\.txt$")
LANGUAGE = re.compile(r"^[a-z]{2}$")
URL = re.compile(r"^https?://\S+$")


@dataclass(frozen=True)
class Added:
    raw_file: str
    curation_file: str
    candidates: int

    def next_steps(self) -> str:
        stem = Path(self.raw_file).stem
        return "\n".join([
            f"added raw/{self.raw_file} (and its line in raw/{MANIFEST}); started build/{stem}.yaml "
            f"with {self.candidates} candidate facts listed as comments",
            "next:",
            f"  1. fill in the source block of build/{stem}.yaml (title, publisher, author, date words, doc_kind);",
            "  2. before writing a visit, event, agreement, quotation or figure, look for the record it may "
            "already be (datasets/csv/, or `belarus-china serve`): use its id so the documents' claims merge; "
            "the build stops on a record that looks like an existing one under another id;",
            "  3. curate each candidate as evidence of a record, or dismiss it with a reason, until "
            "`belarus-china audit` shows nothing uncovered for the document;",
            "  4. `belarus-china build`: read its merge review (other files' notes that may now be out of date);",
            "  5. `belarus-china diff <last release> .`, then bump the version in pyproject.toml and add its "
            "CHANGELOG heading as diff advises.",
            "build/README.md, \"Adding a document\", has the details.",
        ])


def _refuse(code: str, message: str, file: str) -> ProblemsFound:
    return ProblemsFound("adding a document", [Problem(code, message, file=file)])


def _write_together(files: list[tuple[Path, bytes]]) -> None:
    """Write the files as one: all to temporary files beside them (flushed), then renamed into place in order;
    when anything fails, the temporaries and the new files already renamed are removed."""
    temporaries: list[Path] = []
    placed: list[Path] = []
    existed = {path for path, _ in files if os.path.lexists(path)}
    try:
        for path, data in files:
            handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
            temporaries.append(Path(name))
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
        for (path, _), partial in zip(files, temporaries, strict=True):
            os.replace(partial, path)
            placed.append(path)
    except BaseException:
        for temporary in temporaries:
            temporary.unlink(missing_ok=True)
        for path in placed:
            if path not in existed:
                path.unlink(missing_ok=True)
        raise


def _read_document(path: Path, label: str) -> bytes:
    """The document's bytes, refused (unread) past MAX_ADDED_DOCUMENT_BYTES."""
    if not path.is_file() or path.is_symlink():
        raise _refuse("document-not-text", "is not a regular file", label)
    too_large = f"is larger than {size_text(MAX_ADDED_DOCUMENT_BYTES)}, the most `add` takes: split it into parts"
    if path.stat().st_size > MAX_ADDED_DOCUMENT_BYTES:
        raise _refuse("document-too-large", too_large, label)
    with path.open("rb") as handle:
        data = handle.read(MAX_ADDED_DOCUMENT_BYTES + 1)
    if len(data) > MAX_ADDED_DOCUMENT_BYTES:  # grew since it was measured
        raise _refuse("document-too-large", too_large, label)
    return data


def next_name(raw_dir: Path, digest: str) -> str:
    numbers = [int(m.group(1)) for p in raw_dir.iterdir() if (m := NAME.match(p.name))] if raw_dir.is_dir() else []
    return f"{(max(numbers) + 1 if numbers else 0):03d}_{digest[:16]}.txt"


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def _skeleton(section: str, kinds: list[str], raw_file: str, text: str, *, language: str, doc_kind: str | None,
              retrieved_from: str | None, retrieved_on: date | None, partial: bool) -> tuple[str, int]:
    # Never a title made up from the text: a copy without a headline would get its lead's first words.
    source: dict = {Sources.id: f"document-{raw_file.split('_', 1)[0]}"}
    if doc_kind:
        source[Sources.doc_kind] = doc_kind
    source[Sources.language] = language
    if retrieved_from:
        source[Sources.retrieved_from] = retrieved_from
    if retrieved_on:
        source[Sources.retrieved_on] = retrieved_on.isoformat()
    source[Sources.copy_extent] = Sources.partial if partial else Sources.whole
    body = yaml.safe_dump({F.RAW_FILE: raw_file, section: source}, sort_keys=False, allow_unicode=True, width=100)
    candidates = scan(raw_file, text, language)
    lines = [
        f"# Curation file for raw/{raw_file}, started by `belarus-china add`. See build/README.md,",
        "# \"Adding a document\". Rename source_id to a slug of the title; add publisher, author, the date",
        f"# words (date_as_reported) or a window marked as inferred, and doc_kind ({' | '.join(kinds)}).",
        "",
        body.rstrip("\n"),
        f"  # {Sources.title}: left blank: copy the headline exactly as printed, with an excerpt supporting",
        f"  # [{Sources.title}], if the document has one (a copy without a headline has no title). Its first line",
        f"  # reads: {_first_line(text)[:120]!r}",
        "",
        "# Candidate facts the coverage audit finds in the document (kind, characters, text). Curate each",
        "# as the evidence of a record (a visit, event, agreement, figure, quotation, actor, assessment),",
        "# or list it under `dismissed:` with the reason it is not a fact of the tables.",
    ]
    lines += [f"#   {c.kind:<12} {c.start:>6}-{c.end:<6} {c.text[:100]!r}" for c in candidates[:MAX_LISTED_CANDIDATES]]
    if len(candidates) > MAX_LISTED_CANDIDATES:
        lines.append(f"#   … and {len(candidates) - MAX_LISTED_CANDIDATES:,} more: `belarus-china audit` lists them all")
    lines += ["", f"{F.DISMISSED}: []", ""]
    return "\n".join(lines), len(candidates)


def add_document(root: Path, path: Path, *, language: str = "en", doc_kind: str | None = None,
                 retrieved_from: str | None = None, retrieved_on: date | None = None,
                 partial: bool = False, lock_timeout: float = LOCK_TIMEOUT) -> Added:
    """Copy `path` into root/raw/, record its checksum and start its curation file, holding the build lock
    (waiting up to `lock_timeout` seconds). Refuses (raising ProblemsFound, nothing written) a file that is
    not UTF-8 text or is too large, a document already in raw/, a curation file that already exists,
    malformed capture metadata and a held lock; a failed write removes what it wrote (document-write-failed)."""
    root, path = Path(root), Path(path)
    label = str(path)
    data = _read_document(path, label)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _refuse("document-not-text", f"is not UTF-8 text ({exc}); convert it first, e.g. "
                                           "`iconv -f <its encoding> -t UTF-8`", label) from None
    if not text.strip():
        raise _refuse("document-not-text", "is empty", label)
    form = text_form_problems(data, label)
    if form:   # the build refuses a raw document with a BOM or CR line endings: so does adding one
        raise ProblemsFound("adding a document", form)
    if not LANGUAGE.match(language):
        raise _refuse("capture-metadata", f"--language {language!r} is not an ISO 639-1 code (two letters)", label)
    if retrieved_from is not None and not URL.match(retrieved_from):
        raise _refuse("capture-metadata", f"--retrieved-from {retrieved_from!r} is not an http(s) address", label)
    registry = read_registry(root / "validation")
    sources = next(t for t in registry if t.one_per_file)
    kinds = sources.column(Sources.doc_kind).enum or {}
    if doc_kind is not None and doc_kind not in kinds:
        raise _refuse("capture-metadata", f"--kind {doc_kind!r} is none of {', '.join(kinds)}", label)
    assert sources.section is not None
    section = sources.section

    def skeleton(raw_file: str) -> tuple[str, int]:
        return _skeleton(section, list(kinds), raw_file, text, language=language, doc_kind=doc_kind,
                         retrieved_from=retrieved_from, retrieved_on=retrieved_on, partial=partial)

    try:
        lock = BuildLock(root, timeout=lock_timeout).acquire()
    except LockHeld as exc:
        raise _refuse("build-locked", f"{exc}; nothing was added", label) from None
    except OSError as exc:
        raise _refuse("document-write-failed", f"cannot take the build lock ({exc.strerror}); nothing was added",
                      label) from None
    try:
        return _add_locked(root, data, label, skeleton)
    finally:
        lock.release()


def _add_locked(root: Path, data: bytes, label: str, skeleton: Callable[[str], tuple[str, int]]) -> Added:
    raw_dir, build_dir = root / RAW_FOLDER, root / "build"
    manifest_path = raw_dir / MANIFEST
    manifest_text, problems = read_manifest(raw_dir)
    if problems:
        raise ProblemsFound("adding a document", problems)
    manifest_text = manifest_text or ""
    manifest, problems = parse_manifest(manifest_text)
    if problems:
        raise ProblemsFound("adding a document", problems)
    digest = sha256_bytes(data)
    present = next((name for name, known in manifest.items() if known == digest), None)
    if present is not None:
        raise _refuse("document-present", f"is already in raw/ as {present} (same bytes); its curation file is "
                                          f"build/{Path(present).stem}.yaml", label)
    raw_file = _left_over(raw_dir, manifest, digest) or next_name(raw_dir, digest)
    curation = build_dir / f"{Path(raw_file).stem}.yaml"
    if curation.exists():
        raise _refuse("curation-file-exists", f"build/{curation.name} exists already; move it away first", label)
    text, count = skeleton(raw_file)
    ending = "" if not manifest_text or manifest_text.endswith("\n") else "\n"
    try:
        raw_dir.mkdir(parents=True, exist_ok=True)
        build_dir.mkdir(parents=True, exist_ok=True)
        # The manifest last: until it lists the document, the build ignores nothing and counts nothing new.
        _write_together([(raw_dir / raw_file, data), (curation, text.encode("utf-8")),
                         (manifest_path, (manifest_text + ending + f"{digest}  {raw_file}\n").encode("utf-8"))])
    except OSError as exc:
        raise _refuse("document-write-failed", f"writing raw/{raw_file}, build/{curation.name} or raw/{MANIFEST} "
                      f"failed: {write_error(exc)}; what was written was removed: nothing was added", label) from None
    return Added(raw_file, f"build/{curation.name}", count)


def _left_over(raw_dir: Path, manifest: dict[str, str], digest: str) -> str | None:
    """The name of this very document in raw/ without a manifest line (an `add` killed before its manifest was
    written), so that adding it again reuses the name rather than adding it a second time under the next."""
    if not raw_dir.is_dir():
        return None
    for candidate in raw_dir.glob(f"*_{digest[:16]}.txt"):
        if (NAME.match(candidate.name) and candidate.name not in manifest and candidate.is_file()
                and not candidate.is_symlink() and sha256_bytes(candidate.read_bytes()) == digest):
            return candidate.name
    return None
