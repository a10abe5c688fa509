"""Reading an untrusted Parquet file within the limits: its footer is checked before any column is
decompressed (rows, uncompressed size), and every failure of the reader is a PackageFileError."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from .limits import MAX_PARQUET_UNCOMPRESSED_BYTES, MAX_TABLE_ROWS, size_text
from .safe_files import PackageFileError


def read_parquet(data: bytes, label: str) -> pa.Table:
    """The table in `data` (already size- and hash-checked), refused before decompression when its footer
    declares more rows or more uncompressed bytes than the limits."""
    try:
        parquet = pq.ParquetFile(pa.BufferReader(data))
        meta = parquet.metadata
        uncompressed = sum(meta.row_group(g).column(c).total_uncompressed_size
                           for g in range(meta.num_row_groups) for c in range(meta.num_columns))
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise PackageFileError("parquet-unreadable", f"{label} is damaged or not a Parquet file: {exc}") from None
    if meta.num_rows > MAX_TABLE_ROWS:
        raise PackageFileError("file-too-large", f"{label} declares {meta.num_rows:,} rows, more than the limit of "
                               f"{MAX_TABLE_ROWS:,}; it is not read")
    if uncompressed > MAX_PARQUET_UNCOMPRESSED_BYTES:
        raise PackageFileError("file-too-large", f"{label} would uncompress to {uncompressed:,} bytes, more than the "
                               f"limit of {size_text(MAX_PARQUET_UNCOMPRESSED_BYTES)}; it is not read")
    try:
        return parquet.read()
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise PackageFileError("parquet-unreadable", f"{label} is damaged: {exc}") from None
