"""A problem found in curation input or in a published package, and the catalogue of problem codes.

Every problem carries a stable `code` from CATALOGUE (as frictionless gives every error a `type`):
users filter `validate --json` by it, tests assert it, and docs/problems.md is generated from it.
The message says what is wrong with this value; the catalogue says what the code means in general.
"""

from __future__ import annotations

import errno
from dataclasses import asdict, dataclass

from .limits import MAX_MESSAGE_CHARS
from .lock import LOCK_TIMEOUT
from .terminal import shown


@dataclass(frozen=True)
class ProblemType:
    code: str
    group: str
    title: str
    description: str


def _catalogue(group: str, *entries: tuple[str, str, str]) -> list[ProblemType]:
    return [ProblemType(code, group, title, description) for code, title, description in entries]


GROUPS = {
    "raw": "Raw documents and their manifest",
    "curation": "Curation input (build/*.yaml)",
    "package": "Package files and descriptor",
    "table": "Table rules (checked on a fresh build and on every published package)",
    "trust": "Untrusted input: limits and refusals",
    "publish": "Publishing",
}

CATALOGUE: dict[str, ProblemType] = {t.code: t for t in [
    *_catalogue(
        "raw",
        ("raw-manifest-missing", "Manifest missing", "raw/SHA256SUMS, the checksum manifest of the raw documents, is missing."),
        ("raw-manifest-malformed", "Manifest line malformed",
         "A line of raw/SHA256SUMS is not `<64 hex digits><two spaces><file name>`."),
        ("raw-file-missing", "Raw document missing", "A document listed in the manifest is not in raw/."),
        ("raw-file-unlisted", "Raw document not in the manifest",
         "A file in raw/ has no manifest line (a new, extra or renamed file); add it with `belarus-china add`."),
        ("raw-file-not-regular", "Raw document not a regular file", "A raw document is a link, folder or other special file."),
        ("raw-checksum", "Raw document changed", "A raw document's SHA-256 differs from its manifest line (edited or damaged)."),
        ("raw-not-utf8", "Raw document not UTF-8", "A raw document cannot be decoded as UTF-8."),
        ("document-not-text", "Not a text document",
         "`belarus-china add` was given something that is not a non-empty UTF-8 text file."),
        ("document-present", "Document already in raw/",
         "`belarus-china add` was given a document whose bytes are already in raw/; the message names it."),
        ("document-too-large", "Document too large to add",
         "`belarus-china add` was given a document larger than it takes (see docs/security.md); it is refused "
         "before it is read: split it into parts."),
        ("document-write-failed", "Adding the document failed",
         "`belarus-china add` could not write the document, its manifest line or its curation file (a full or "
         "read-only disk); what it had written was removed, so nothing was added and a retry starts afresh."),
        ("capture-metadata", "Capture metadata malformed",
         "`belarus-china add` was given a language that is not ISO 639-1 or an address that is not http(s)."),
    ),
    *_catalogue(
        "curation",
        ("curation-file-exists", "Curation file exists",
         "`belarus-china add` would write a curation file that is already there."),
        ("yaml-syntax", "Not valid YAML", "A curation file cannot be parsed as YAML; the message gives line and column."),
        ("yaml-encoding", "Curation file not UTF-8", "A curation file cannot be decoded as UTF-8."),
        ("curation-shape", "Wrong shape", "A file, section or record is not the mapping or list its place requires."),
        ("unknown-section", "Unknown section", "A curation file has a top-level key that is not a known section."),
        ("unknown-field", "Unknown field", "A record has a key that is no column of its table and no curation key."),
        ("computed-field", "Field filled in by the build", "A curator wrote a column that the build computes itself."),
        ("value-type", "Wrong kind of value", "A single value is given as a list or mapping, or a list holds non-scalar items."),
        ("empty-value", "Empty value",
         "A key is present with an empty value; leave the key out when the document does not state it."),
        ("value-unparseable", "Value not of the column's type",
         "A value is not a valid date (YYYY-MM-DD), number, whole number or boolean as its column requires."),
        ("missing-id", "Record without id", "A record lacks its primary key."),
        ("raw-file-name", "Curation file for another document",
         "`raw_file` of build/<name>.yaml must be <name>.txt, the document the file curates."),
        ("uncurated-document", "Raw document without curation file", "A raw document has no build/<stem>.yaml."),
        ("curation-raw-missing", "Curation file without raw document",
         "A curation file names a raw document that does not exist."),
        ("evidence-item", "Malformed evidence item",
         "An evidence item is neither an excerpt nor a mapping with a non-empty `excerpt` and valid keys."),
        ("evidence-raw-file", "Evidence names an unknown document",
         "An evidence item names a raw file that is not in raw/, or an excerpt in actors.yaml names none."),
        ("excerpt-not-found", "Excerpt not in the document",
         "An excerpt does not occur in its document (quotes, dashes and Unicode forms are not folded)."),
        ("excerpt-ambiguous", "Excerpt occurs more than once",
         "An excerpt occurs several times; add `within:` (a longer passage that occurs once) or `occurrence:`."),
        ("excerpt-occurrence", "Occurrence out of range", "`occurrence: N` asks for an occurrence that does not exist."),
        ("excerpt-within", "Within passage not placed", "The `within:` passage of an excerpt cannot be placed in the document."),
        ("alias-not-found", "Alias not in any document", "An actor's alias occurs in no raw document as a whole word."),
        ("dismissal-reason", "Dismissal without reason", "Every `dismissed` entry needs a reason."),
        ("inferred-without-value", "Inferred field without value", "`inferred:` names a field the record does not state."),
        ("inferred-without-source", "Inference without its document",
         "An inference in a shared file (actors.yaml) has no document to belong to; define the record in the file of "
         "the document the value is read from, and infer it there."),
        ("lookalike-record", "Looks like another record",
         "Two records of a table look like one thing curated twice under two ids (tables.yaml `lookalike`); use "
         "the existing id, or say why they differ with `distinct_from`."),
        ("curator-text-conflict", "Curator's text differs between files",
         "A shared record's summary or notes are written in two files with different text; write them once."),
        ("merge-tie", "Sources disagree and no rule decides",
         "Sources claim different values and neither precision, a resolution nor a majority decides; add `resolve:`."),
        ("merge-resolve-conflict", "Two resolutions", "More than one file claims to resolve the same group of columns."),
        ("words-unparseable", "As-reported words not understood",
         "The document's words for a value (value_as_reported, change_as_reported, ...) are not in a form the parser knows."),
        ("words-missing", "Value without its words", "A value that must keep the document's words (e.g. change_pct) has none."),
        ("words-mismatch", "Value disagrees with its words",
         "A value, qualifier, change or period is not what its as-reported words say."),
        ("coverage-uncovered", "Candidate fact not curated",
         "The coverage audit found a quotation, figure, date or name that no evidence covers and no dismissal explains."),
    ),
    *_catalogue(
        "package",
        ("descriptor-unreadable", "Descriptor unreadable", "datapackage.json is missing or not valid JSON."),
        ("resource-missing", "Table missing from the descriptor", "A table of the registry has no resource in datapackage.json."),
        ("resource-unknown", "Resource not in the registry",
         "datapackage.json declares a resource the registry does not define."),
        ("resource-kind", "Table or view differs from the registry",
         "A resource's `type` is not `table`, or its `derivedFrom` is not the list of tables the registry makes it "
         "from (present on a view, absent on a table): readers would take a table for a view, or a view for a table."),
        ("schema-mismatch", "Schema differs from the registry",
         "A resource's Table Schema is not the one the registry generates (a stale or edited descriptor)."),
        ("path-unsafe", "Unsafe resource path",
         "A resource path is absolute, a URL, climbs out of the package or resolves outside it through a link."),
        ("file-missing", "Resource file missing", "A file the descriptor names does not exist in the package."),
        ("size-mismatch", "File size differs",
         "A file's size differs from the descriptor's `bytes` (damaged, truncated or edited)."),
        ("hash-missing", "No hash declared", "A resource declares no sha256 hash; nothing unverified is read."),
        ("hash-unsupported", "Unsupported hash", "A resource's hash is not a sha256 digest."),
        ("hash-mismatch", "File hash differs", "A file's sha256 differs from the descriptor's `hash` (damaged or edited)."),
        ("csv-unreadable", "CSV unreadable", "A CSV file cannot be parsed."),
        ("parquet-unreadable", "Parquet unreadable", "A Parquet file cannot be read."),
        ("columns-mismatch", "Columns differ from the registry", "A file's columns are missing, extra or out of order."),
        ("parquet-column-type", "Parquet column of the wrong type", "A Parquet column's type is not the registry's."),
        ("cell-type", "Cell not of its column's type", "A CSV cell is not a valid value of its column's type."),
        ("csv-parquet-row-count", "CSV and Parquet row counts differ",
         "The two copies of a table have different numbers of rows."),
        ("csv-parquet-mismatch", "CSV and Parquet disagree", "A cell differs between the CSV and the Parquet copy of a table."),
        ("view-mismatch", "View differs from its tables",
         "A published view (validation/views.yaml) is not what the package's tables give: a row or cell differs "
         "(a stale or edited view file)."),
        ("raw-unreadable", "Raw document unreadable", "A source's raw document cannot be read from the package."),
        ("frictionless", "Frictionless reports an error",
         "frictionless-py found an error; its own error type is in the message."),
    ),
    *_catalogue(
        "table",
        ("required", "Required value missing", "A column that can never be empty is empty."),
        ("unique", "Duplicate key", "A primary key (or a unique column) occurs more than once."),
        ("enum", "Value outside the enumeration", "A value is not one of its column's allowed values."),
        ("pattern", "Pattern not matched", "A value does not match its column's regular expression."),
        ("minimum", "Below the minimum", "A number is below its column's minimum."),
        ("maximum", "Above the maximum", "A number is above its column's maximum."),
        ("min-length", "Too short", "A text is shorter than its column's minimum length."),
        ("blank-text", "Blank text", "A text is empty or only white space; a missing value is an empty cell, never a blank."),
        ("outer-whitespace", "Leading or trailing white space", "A text starts or ends with white space."),
        ("list-item", "Bad list item", "A list item is empty, padded, or contains the list delimiter."),
        ("country-code", "Not an ISO 3166-1 alpha-3 code",
         "A country column holds something other than an ISO 3166-1 alpha-3 code."),
        ("wikidata-id", "Not a Wikidata id", "A Wikidata column holds something other than an item id such as Q2866."),
        ("pair-incomplete", "Value without its companion",
         "Of columns that go together (tables.yaml rules `together`: a Wikidata id and the address where it was "
         "verified), one is given and another is empty."),
        ("event-code", "Event code not its kind's",
         "A CAMEO or PLOVER code is not what validation/event_codes.yaml gives the row's kind (written by hand, "
         "stale, or edited); the build fills these columns, curators never write them."),
        ("sha256-format", "Not a SHA-256 digest", "A checksum column holds something other than 64 lowercase hex digits."),
        ("video-time-format", "Not a video time", "A video time is not HH:MM:SS."),
        ("column-dtype", "Column of the wrong type", "A table's column has the wrong type or is missing (internal consistency)."),
        ("date-order", "Dates out of order", "The end of a span (a stay, a period, an excerpt's offsets) is before its start."),
        ("window-order", "Window out of order", "A date window's latest day is before its earliest."),
        ("date-words", "Window disagrees with its words",
         "A date window or a period is not what its as-reported words, read against their anchor, give."),
        ("date-unread", "Window neither read nor inferred",
         "A window bound is given although the words give none (or there are no words) and no inference marks it."),
        ("window-inherited", "Window taken silently",
         "A window bound no words give (a record dated only by the visit it lies within, or a shared record's bound "
         "no source claims) has no inferences row saying so; the build writes one for a bound taken from the "
         "container."),
        ("date-derived", "Derived date column wrong",
         "date_precision, date_edtf or a fixed day (published, start, end, signed, said, event date) disagrees with "
         "the window."),
        ("date-container", "Date outside its visit", "A row's window is not within the window of the visit it belongs to."),
        ("date-anchor", "Anchor names no dated record", "date_anchor names a record that does not exist or has no window."),
        ("value-not-shown", "Value not shown by its evidence",
         "A place, country or actor value is shown by no excerpt that supports its column (its name, one of the "
         "country's names, one of the actor's aliases) and no inference marks it."),
        ("claim-unsupported", "Claim without its source's evidence",
         "A claims row cites no evidence of its own source supporting its column, and the source infers no value "
         "for it: a source is credited only with what it says."),
        ("claim-agrees", "Claim's agreement wrong",
         "A claims row's `agrees` is not what its claimed value and the curated value make it."),
        ("name-not-shown", "Canonical name in no document",
         "An actor's name is none of its aliases (the spellings the documents use) and is not marked as known "
         "from outside (an inference with basis external)."),
        ("basis-external", "Outside knowledge marked as read from the text",
         "An inference with basis text names a place, country or actor that its document never names."),
        ("foreign-key", "Dangling reference", "A value that must name a record of another table names none."),
        ("record-reference", "Reference to a missing record",
         "An evidence, inference or claims row points at a record that its table does not hold."),
        ("no-evidence", "Fact without evidence", "A row of a table that needs evidence is cited by no evidence row."),
        ("excerpt-mismatch", "Excerpt differs from the raw text", "An evidence excerpt is not the raw text between its offsets."),
        ("excerpt-out-of-range", "Excerpt past the end", "An evidence span ends past the end of its document."),
        ("source-raw-missing", "Source document not in the package", "A source's raw_path names no file of the package."),
        ("source-checksum", "Source checksum wrong", "A source's sha256 does not match the bytes of its raw document."),
        ("source-length", "Source length wrong", "A source's char_count is not the number of code points of its raw document."),
        ("column-reference", "Names no column",
         "evidence.supports or inferences.field names a column the record's table does not have."),
        ("renamed-id-in-use", "Renamed id still in use",
         "An id listed as renamed (renamed_ids.old_id) is still the id of a record of its table."),
        ("translation-missing", "Translation missing",
         "A quotation printed in a language other than English has no English translation, or a translation does "
         "not say who made it."),
        ("translation-needless", "Translation of an English text",
         "An English quotation carries a translation or a translator."),
        ("distinction-unfounded", "Declared distinct without a difference",
         "A `distinctions` row (curation `distinct_from`) names a column in which the two records' published values "
         "are the same, a column the table does not have, or a record that does not exist: name the columns in "
         "which they differ (`differs_in`)."),
        ("evidence-disagrees", "Disagreeing excerpt not marked",
         "An excerpt's `disagrees_on` is not exactly the columns of its `supports` on which its source's claim "
         "disagrees with the curated value (claims.agrees false): an excerpt would pass for support of a value "
         "its words contradict."),
        ("not-verbatim", "Words not in the evidence",
         "A column holding the document's own words (a quotation, a stance, the words a value was read from) "
         "is not inside any excerpt of the record from the source that wrote them, code point for code point (a "
         "no-break space, dash or quotation mark the document prints is part of its words; the build stores the raw "
         "slice of words typed with plain spaces)."),
        ("enum-not-said", "Kind not said by its evidence",
         "A value of an enumeration with words in the registry (visit_type state_visit: \"state visit\", \"visite "
         "d'État\", ...) is said by no excerpt that supports it, in any language, and no inference marks it."),
        ("language-mismatch", "Language tag not the text's",
         "A quotation's text_language or a document's language is not the language of the words: they are in "
         "another script, or have another language's commonest words and none of its own (French words tagged "
         "en), and no inference marks the tag."),
        ("quote-unmarked", "Quotation in no quotation marks",
         "A quotation's text is in no quotation marks of any script (nor on a dash-led line) in its document, "
         "and its quote_kind does not mark it as reported speech: narration is not a speaker's words."),
        ("speaker-unattributed", "Speaker not named in the attribution",
         "A quotation's speaker is not named, with a speech verb or a colon, in the sentence that holds the "
         "quotation (a possessive such as \"Lukashenko's discussions\" names no speaker), and speaker_ids is not "
         "a marked inference."),
    ),
    *_catalogue(
        "trust",
        ("descriptor-too-large", "Descriptor too large",
         "datapackage.json is larger than the limit (see the README's limits); it is not read."),
        ("descriptor-too-deep", "Descriptor nested too deeply",
         "The descriptor's JSON nests objects and arrays deeper than the limit; it is not parsed."),
        ("descriptor-shape", "Descriptor of the wrong shape",
         "The descriptor is not the JSON the standard requires: the top level an object, `resources` a list of "
         "objects, each `path` a string, `bytes` a whole number, `hash` a string, `schema` and `dialect` objects."),
        ("remote-reference", "Reference to another file or URL",
         "A `dialect`, `schema` or `$schema` names a URL or file instead of being written inline; nothing is "
         "fetched, and the package is refused."),
        ("file-not-regular", "Not a regular file",
         "A package file (the descriptor, a declared file, a raw document) or zip member is a folder, FIFO, device "
         "or other special file; it is not opened."),
        ("file-too-large", "File too large",
         "A file or zip member (its real or its declared size) is larger than the per-file limit; it is not read."),
        ("zip-too-many-members", "Too many zip members", "A zip holds more entries than the limit; it is not opened."),
        ("zip-too-large", "Zip too large when uncompressed",
         "The entries of a zip add up, uncompressed, to more than the limit (a decompression bomb); nothing is read."),
        ("parquet-too-large", "Parquet file too large when decoded",
         "A Parquet file's values, once each dictionary index is replaced by its value, would take more than the "
         "limit (a dictionary bomb: a few distinct long values repeated many times); it is not decoded."),
        ("csv-too-many-columns", "CSV file too wide",
         "A CSV file's header has more columns than the limit; it is not parsed."),
        ("csv-cell-too-large", "CSV cell too large",
         "A CSV cell (of the header or of a row) is larger than the limit; the table is not checked further."),
        ("yaml-unreadable", "Package YAML refused",
         "A YAML file of the package (CITATION.cff) is not UTF-8 YAML, is larger than the curation file limit, or "
         "holds what the bounded YAML reader refuses (anchors, aliases, merge keys, a key twice, deep nesting, a "
         "value over the length limit); it is not parsed further."),
        ("zip-member-unreadable", "Zip member unreadable",
         "A zip member is encrypted, compressed with a method other than stored or deflate, or fails its CRC check."),
        ("zip-duplicate-member", "Duplicate zip member",
         "Two entries of a zip have the same name, so tools would disagree about which one is the file."),
        ("cache-unsafe", "Serve cache folder not private",
         "`belarus-china serve` keeps its database in $XDG_CACHE_HOME/belarus-china (else ~/.cache/belarus-china); "
         "that folder is a link, not a folder, or belongs to another user, so nothing is written there or served "
         "from it. Remove it, or set XDG_CACHE_HOME to a folder of your own."),
        ("package-changed", "Package changed while being read",
         "`belarus-china serve` shows only what it renders from a package it has validated; the package's descriptor "
         "changed between validation and rendering, so nothing of it is served. Run serve again once it is stable."),
        ("raw-text-form", "Raw document with a BOM or CR line endings",
         "A raw document starts with a byte-order mark or contains carriage returns: readers that drop them would "
         "count every offset differently. Save it as UTF-8 without BOM, with LF line endings, and update the manifest."),
        ("yaml-alias", "YAML anchor, alias or merge key",
         "A curation file uses an anchor (`&`), an alias (`*`) or a merge key (`<<`). Curation files do not need "
         "them, and a few of them can expand a small file into a huge value."),
        ("yaml-duplicate-key", "Key written twice",
         "A mapping in a curation file has the same key twice (at any level); the message gives both lines."),
        ("yaml-too-deep", "Curation file nested too deeply",
         "A curation file nests mappings and lists deeper than the limit."),
        ("curation-file-too-large", "Curation file too large",
         "A curation file is larger than the limit; it is not read."),
        ("value-too-long", "Value too long",
         "A curated value, excerpt or `within` passage is longer than its limit."),
        ("unsafe-character", "Control or bidirectional-override character",
         "A curated text holds a control character (other than tab and line breaks) or a bidirectional "
         "formatting character (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C), which can make text "
         "display differently from what it is."),
    ),
    *_catalogue(
        "publish",
        ("changelog-heading", "Version without its CHANGELOG heading",
         "pyproject.toml's version has no `## [x.y.z] - YYYY-MM-DD` heading in CHANGELOG.md, so the release "
         "would have no date; add the heading with what changed."),
        ("build-locked", "Another build holds the lock",
         "Another build (or `belarus-china add`) holds the lock of the same folder (the message names its process). "
         f"A second build waits for it up to `--lock-timeout` seconds, `add` up to {LOCK_TIMEOUT:g} s, then stops."),
        ("unknown-published-file", "File the build did not make",
         "A file in datasets/ or docs/ was made neither by the previous build nor by this one. The build "
         "replaces those folders whole, so it stops rather than delete the file: move it elsewhere."),
        ("write-failed", "Writing the new package failed",
         "Writing or staging the new package failed (for example the disk is full); nothing was published and "
         "the partial staging folder was removed."),
        ("publish-incomplete", "Interrupted publish not recovered",
         "A publish was interrupted (its journal is present) and could neither be completed nor undone here "
         "(a read-only folder, a damaged journal, or a second fault); both copies are kept for the next try."),
        ("not-a-checkout", "Not a belarus-china checkout",
         "`belarus-china package` zips the published package of a checkout, and the folder it was given (`--root`, "
         "by default the current folder) has no pyproject.toml of the belarus-china project to take the version "
         "from; run it as `belarus-china package --root CHECKOUT`."),
        ("release-link", "Link in the release",
         "A file or folder `belarus-china package` would put into the release zip is a symbolic link, a file with "
         "more than one hard link (or a FIFO, device or socket); it is refused, never followed, so nothing outside "
         "the checkout goes into the zip."),
        ("publish-pending", "Interrupted publish pending",
         "The folder has a publishing journal: a build was killed while moving its files into place (or the journal "
         "came with the folder, unzipped or copied), so the files in place may be a mixture. `validate` changes "
         "nothing and reads no further; `belarus-china build` finishes the publish."),
        ("journal-refused", "Publishing journal refused",
         "The publishing journal does not describe the folders on disk (it names folders that are missing, links, or "
         "not the very folders it was written beside, or items in a state no publish leaves): it was forged, copied, "
         "unzipped or left stale. Nothing is moved or removed; move the journal away if no build was interrupted."),
    ),
]}


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    file: str | None = None    # curation file or package file the problem is in
    table: str | None = None
    record: str | None = None  # record id (or a label such as visits[some-id])
    column: str | None = None

    def __post_init__(self) -> None:
        if self.code not in CATALOGUE:
            raise ValueError(f"problem code {self.code!r} is not in the catalogue (base/problems.py)")
        # A message may quote a bad value; a huge one is cut so that no report repeats it whole.
        if len(self.message) > MAX_MESSAGE_CHARS:
            cut = len(self.message) - MAX_MESSAGE_CHARS
            object.__setattr__(self, "message", f"{self.message[:MAX_MESSAGE_CHARS]}… ({cut:,} more characters)")

    def __str__(self) -> str:
        """One line for a terminal: a package's text in it (a file name, a quoted value) is `shown` escaped."""
        where = [shown(part) for part in (self.file, self.table, self.record, self.column) if part]
        text = f"{': '.join(where)}: {shown(self.message)}" if where else shown(self.message)
        return f"{text} [{self.code}]"

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}


class ProblemsFound(Exception):
    """Raised with every problem collected in a step; nothing is published."""

    def __init__(self, step: str, problems: list[Problem]):
        self.step = step
        self.problems = problems
        super().__init__(f"{step}: {len(problems)} problem(s)\n" + "\n".join(f"  - {p}" for p in problems))


def write_error(exc: BaseException) -> str:
    """What a failed write (an OSError or a sqlite3 error) means, in the user's words: SQLite's own messages
    ("disk I/O error") do not say."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name == "SQLITE_FULL" or getattr(exc, "errno", None) in (errno.ENOSPC, errno.EDQUOT):
        return f"the disk is full ({exc})"
    if name.startswith("SQLITE_IOERR") or getattr(exc, "errno", None) == errno.EFBIG:
        return f"a write to the disk failed: the disk may be full, or a file size limit reached ({exc}; {name or 'EFBIG'})"
    return str(exc)


def catalogue_markdown() -> str:
    """docs/problems.md: every code with its title and meaning, by group."""
    lines = ["# Problem codes", "",
             "Generated by `belarus-china build` from `src/belarus_china/base/problems.py` (do not edit). Every "
             "problem that `belarus-china build` and `belarus-china validate` report carries one of these codes "
             "(`validate --json` gives it as `code`), with the file, table, record and column it concerns.", ""]
    for group, heading in GROUPS.items():
        entries = [t for t in CATALOGUE.values() if t.group == group]
        if not entries:
            continue
        lines += [f"## {heading}", "", "| code | title | meaning |", "|---|---|---|"]
        lines += [f"| `{t.code}` | {t.title} | {t.description.replace('|', chr(92) + '|')} |" for t in entries]
        lines.append("")
    return "\n".join(lines)
