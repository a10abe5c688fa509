"""The limits on untrusted input, in one place (the README's reliability section lists them; a test
checks that it gives these values).

A package (folder, descriptor or zip) given to `load`, `validate`, `diff` or `serve`, a curation
file given to `build` and a document given to `add` may come from anyone. Each limit is checked before the thing it bounds is
read, parsed or expanded, so that no input can make a command use more time or memory than the
limit allows; each is far above what the real package needs (its descriptor is about 60 KB, its
largest file under 1 MB, its largest curation file 32 KB), and above the benchmark corpus too.
"""

from __future__ import annotations

KIB, MIB, GIB = 1024, 1024**2, 1024**3

# --- packages ---------------------------------------------------------------------------------
MAX_DESCRIPTOR_BYTES = 8 * MIB      # datapackage.json
MAX_JSON_DEPTH = 64                 # nesting of its objects and arrays (ours: 7)
MAX_FILE_BYTES = 256 * MIB          # any one file or zip member that is read (declared size and real size)
MAX_ZIP_MEMBERS = 10_000            # entries in a release zip
MAX_ZIP_TOTAL_BYTES = 1 * GIB       # uncompressed size of all its entries, as its central directory declares
MAX_ZIP_DIRECTORY_BYTES = 8 * MIB   # its central directory, which zipfile reads whole (about 100 bytes an entry)
MAX_PARQUET_UNCOMPRESSED_BYTES = 1 * GIB  # a Parquet file's column data once decompressed, as its footer declares
MAX_TABLE_ROWS = 10_000_000         # rows of one table (ours: at most 209)
MAX_TABLE_CELLS = 20_000_000        # rows x columns of one CSV file, counted as it is parsed (ours: about 5,000)
MAX_CSV_COLUMNS = 1_000             # columns of one CSV file, counted from its header before it is parsed (ours: 26)
MAX_CSV_CELL_BYTES = 256 * KIB      # one CSV cell (a curated value is at most 10,000 characters)
MAX_PATH_CHARS = 1024               # a resource path (each part at most 255, as on common file systems)
MAX_JOURNAL_BYTES = 64 * KIB        # the publishing journal, read by recovery
MAX_MANIFEST_BYTES = 4 * MIB        # raw/SHA256SUMS, a line per document (ours: 6 lines)

# --- curation files (build/*.yaml) ---------------------------------------------------------------
MAX_CURATION_FILE_BYTES = 16 * MIB
MAX_YAML_DEPTH = 32                 # nesting of mappings and lists (ours: 5)
MAX_FIELD_CHARS = 10_000            # one curated value (ours: at most 657)
MAX_EXCERPT_CHARS = 5_000           # an excerpt or `within` passage (ours: at most 346)

# --- documents given to `add` -----------------------------------------------------------------------
MAX_ADDED_DOCUMENT_BYTES = 4 * MIB  # one document (ours: at most 9 KB); refused before it is read
MAX_LISTED_CANDIDATES = 2_000       # candidate facts `add` lists in the curation file it starts (`audit` lists all)

# --- reports --------------------------------------------------------------------------------------
MAX_MESSAGE_CHARS = 2_000           # a problem's message is cut here, so no value is ever printed whole


def size_text(n: int) -> str:
    """A byte count as the README writes it (8 MiB, 1 GiB, 64 KiB)."""
    for unit, size in (("GiB", GIB), ("MiB", MIB), ("KiB", KIB)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return f"{n:,} bytes"


# Each limit as the README's reliability section states it (tests/test_readme.py checks it is there).
DOCUMENTED = {
    "descriptor": size_text(MAX_DESCRIPTOR_BYTES),
    "JSON depth": f"{MAX_JSON_DEPTH} levels",
    "file or zip member": size_text(MAX_FILE_BYTES),
    "zip members": f"{MAX_ZIP_MEMBERS:,} members",
    "zip total": size_text(MAX_ZIP_TOTAL_BYTES),
    "zip central directory": size_text(MAX_ZIP_DIRECTORY_BYTES),
    "Parquet uncompressed": size_text(MAX_PARQUET_UNCOMPRESSED_BYTES),
    "table rows": f"{MAX_TABLE_ROWS:,} rows",
    "CSV cells": f"{MAX_TABLE_CELLS:,} cells",
    "CSV columns": f"{MAX_CSV_COLUMNS:,} columns",
    "CSV cell": size_text(MAX_CSV_CELL_BYTES),
    "resource path": f"{MAX_PATH_CHARS:,} characters",
    "curation file": size_text(MAX_CURATION_FILE_BYTES),
    "YAML depth": f"{MAX_YAML_DEPTH} levels",
    "curated value": f"{MAX_FIELD_CHARS:,} characters",
    "excerpt or within passage": f"{MAX_EXCERPT_CHARS:,} characters",
    "document given to add": size_text(MAX_ADDED_DOCUMENT_BYTES),
    "candidates listed by add": f"{MAX_LISTED_CANDIDATES:,} candidates",
    "raw checksum manifest": size_text(MAX_MANIFEST_BYTES),
}
