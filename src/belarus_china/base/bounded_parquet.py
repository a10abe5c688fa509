"""Reading an untrusted Parquet file within the limits: its footer is checked before any column is
decompressed (rows, uncompressed size), its text is read still dictionary-encoded and its decoded
size counted before it is expanded, and every failure of the reader is a PackageFileError.

The footer's uncompressed size does not count what a dictionary expands to: one 1,000-character string
repeated 2,000,000 times is a 211 KB file whose dictionary page and indices are small, and 2 GB once each
index is replaced by its string. So every text column (every BYTE_ARRAY leaf) is read as a dictionary
(indices and the distinct values, whatever the file's encoding), the size it would decode to is summed from
the indices and the values' lengths, and only a file within the limit is decoded to the types it declares."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .limits import MAX_PARQUET_UNCOMPRESSED_BYTES, MAX_TABLE_ROWS, size_text
from .safe_files import PackageFileError

_ERRORS = (pa.ArrowException, OSError, ValueError, TypeError, IndexError, KeyError, OverflowError)


def _footer_bytes(meta: pq.FileMetaData) -> int:
    """The column data once decompressed, as the footer declares it: each row group's total. Read from the row
    groups only: pyarrow's per-column metadata objects abort the whole process (std::terminate, not an exception)
    on some damaged footers (a size-statistics histogram of the wrong length, found by tests/test_fuzz_readers.py),
    while reading the data reports the same damage as an error."""
    return sum(meta.row_group(g).total_byte_size for g in range(meta.num_row_groups))


def _text_columns(parquet: pq.ParquetFile) -> list[str]:
    return [column.path for column in parquet.schema if column.physical_type == "BYTE_ARRAY"]


def _decoded_bytes(array: pa.Array) -> int:
    """What `array` takes once no dictionary is left in it (a dictionary's values counted once per index)."""
    kind = array.type
    if pa.types.is_dictionary(kind):
        dictionary, indices = array.dictionary, array.indices
        if pa.types.is_string(dictionary.type) or pa.types.is_binary(dictionary.type) or \
                pa.types.is_large_string(dictionary.type) or pa.types.is_large_binary(dictionary.type):
            taken = pc.sum(pc.take(pc.binary_length(dictionary), indices)).as_py() or 0
            return int(taken) + 8 * len(indices)
        return len(indices) * max(1, _decoded_bytes(dictionary)) + indices.nbytes
    if pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_map(kind):
        return array.offsets.nbytes + _decoded_bytes(array.flatten())
    if pa.types.is_fixed_size_list(kind):
        return _decoded_bytes(array.flatten())
    if pa.types.is_struct(kind):
        return sum(_decoded_bytes(array.field(i)) for i in range(kind.num_fields)) + len(array) // 8
    return array.nbytes


def read_parquet(data: bytes, label: str) -> pa.Table:
    """The table in `data` (already size- and hash-checked), refused before decompression when its footer
    declares more rows or more bytes than the limits, and before its text is decoded when that
    would take more than the limit."""
    limit = f"the limit of {size_text(MAX_PARQUET_UNCOMPRESSED_BYTES)}; it is not read"
    try:
        probe = pq.ParquetFile(pa.BufferReader(data))
        meta = probe.metadata
        declared = _footer_bytes(meta)
        parquet = pq.ParquetFile(pa.BufferReader(data), read_dictionary=_text_columns(probe))
        target = probe.schema_arrow
    except _ERRORS as exc:
        raise PackageFileError("parquet-unreadable", f"{label} is damaged or not a Parquet file: {exc}") from None
    if meta.num_rows > MAX_TABLE_ROWS:
        raise PackageFileError("file-too-large", f"{label} declares {meta.num_rows:,} rows, more than the limit of "
                               f"{MAX_TABLE_ROWS:,}; it is not read")
    if declared > MAX_PARQUET_UNCOMPRESSED_BYTES:
        raise PackageFileError("file-too-large", f"{label} would uncompress to {declared:,} bytes, more than {limit}")
    try:
        try:
            parts = [parquet.read()]
        except pa.ArrowNotImplementedError:  # a list of text whose dictionaries differ between row groups
            parts = [parquet.read_row_group(g) for g in range(meta.num_row_groups)]
        decoded = sum(_decoded_bytes(chunk) for part in parts for column in part.columns for chunk in column.chunks)
    except _ERRORS as exc:
        raise PackageFileError("parquet-unreadable", f"{label} is damaged: {exc}") from None
    if decoded > MAX_PARQUET_UNCOMPRESSED_BYTES:
        raise PackageFileError("parquet-too-large", f"{label} would decode to {decoded:,} bytes (its dictionaries "
                               f"expanded), more than {limit}")
    try:
        if len(parts) == 1:
            return parts[0].cast(target) if parts[0].schema != target else parts[0]
        return pa.concat_tables([part.cast(target) for part in parts]) if parts else target.empty_table()
    except _ERRORS as exc:
        raise PackageFileError("parquet-unreadable", f"{label} is damaged: {exc}") from None
