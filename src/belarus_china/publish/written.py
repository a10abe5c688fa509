"""The files of a new package, written into its staging folder as they are rendered.

A build used to hold every file's bytes until it staged them all at once, so the bytes of every
table, page and annotation file were alive together (with the frames they came from). Each file is
now written as soon as it is rendered and only its size and sha256 are kept: that is all the
descriptor lists and all publishing needs. The hash is counted while the bytes go to disk, so no file
is read back to be hashed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO


@dataclass(frozen=True)
class Written:
    """What the descriptor says about a written file."""
    bytes: int
    sha256: str


class _HashingFile:
    """A binary file that counts the size and sha256 of what passes through it (for csv and pyarrow writers)."""

    def __init__(self, raw: IO[bytes]):
        self._raw = raw
        self.hash = hashlib.sha256()
        self.size = 0

    def write(self, data) -> int:
        view = memoryview(data).cast("B")
        self.hash.update(view)
        self.size += len(view)
        return self._raw.write(view)

    def flush(self) -> None:
        self._raw.flush()

    # pyarrow's writer treats a Python object with these as a writable, non-seekable stream
    closed = False

    def writable(self) -> bool:
        return True

    def readable(self) -> bool:
        return False

    def seekable(self) -> bool:
        return False

    def tell(self) -> int:
        return self.size

    def close(self) -> None:
        pass  # the folder's writer closes the real file


class StagedFiles:
    """The files written so far into `directory`, by path relative to it (in the order written)."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.written: dict[str, Written] = {}

    def write(self, relative: str, data: bytes) -> None:
        with self.stream(relative) as out:
            out.write(data)

    @contextmanager
    def stream(self, relative: str) -> Iterator[_HashingFile]:
        """A binary stream for one file (a table's CSV or Parquet copy, written in pieces)."""
        with open_for_writing(self.directory / relative) as raw:
            out = _HashingFile(raw)
            yield out
        self.written[relative] = Written(out.size, out.hash.hexdigest())

    def write_all(self, files) -> None:
        """Each (path, bytes) of an iterable, written as it comes (a generator renders one file at a time)."""
        for relative, data in files:
            self.write(relative, data)


def open_for_writing(path: Path) -> IO[bytes]:
    """A new file of the staging folder (the one place a rendered file is opened; the tests fail it to
    simulate a full disk)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("wb")
