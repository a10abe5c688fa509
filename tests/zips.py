"""A minimal zip writer for hostile archives: members with any sizes, flags, methods, modes, names and
CRCs, including a deflate stream that expands 2 GiB of zeros from 2 MB (built in a fraction of a second
by repeating one fully flushed block), which zipfile cannot be asked to write."""

from __future__ import annotations

import stat
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

GIB = 1 << 30
_CHUNK = 1 << 24  # 16 MiB
ZEROS_2GIB_CRC = 1304293916  # zlib.crc32 of 2 GiB of zero bytes (computing it takes a second)


@dataclass
class Member:
    name: str
    data: bytes = b""                     # compressed here unless `raw` is given
    raw: bytes | None = None              # already compressed data
    size: int | None = None               # uncompressed size to declare (default: len(data))
    crc: int | None = None                # CRC to declare (default: the data's)
    method: int = 8                       # 0 stored, 8 deflate, 12 bzip2, 14 lzma, 99 AES
    flags: int = 0                        # bit 0: encrypted
    mode: int = stat.S_IFREG | 0o644


def zeros_deflate(size: int) -> bytes:
    """A raw deflate stream of `size` zero bytes (a multiple of 16 MiB)."""
    assert size % _CHUNK == 0
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(_CHUNK)) + compressor.flush(zlib.Z_FULL_FLUSH)  # no reference to before
    return block * (size // _CHUNK) + compressor.flush(zlib.Z_FINISH)


def bomb(name: str, size: int = 2 * GIB) -> Member:
    crc = ZEROS_2GIB_CRC if size == 2 * GIB else _zeros_crc(size)
    return Member(name, raw=zeros_deflate(size), size=size, crc=crc)


def _zeros_crc(size: int) -> int:
    crc, chunk = 0, bytes(_CHUNK)
    for _ in range(size // _CHUNK):
        crc = zlib.crc32(chunk, crc)
    return crc


def write(path: Path, members: list[Member]) -> Path:
    local, central = bytearray(), bytearray()
    for member in members:
        name = member.name.encode("utf-8")
        if member.raw is not None:
            body = member.raw
        elif member.method == 8:
            compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
            body = compressor.compress(member.data) + compressor.flush()
        else:
            body = member.data
        size = len(member.data) if member.size is None else member.size
        crc = zlib.crc32(member.data) if member.crc is None else member.crc
        offset = len(local)
        flags = member.flags | 0x800  # UTF-8 names
        local += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, flags, member.method, 0, 0x21, crc, len(body), size,
                             len(name), 0) + name + body
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 0x0314, 20, flags, member.method, 0, 0x21, crc, len(body),
                               size, len(name), 0, 0, 0, 0, member.mode << 16, offset) + name
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), len(local), 0)
    path.write_bytes(bytes(local + central + end))
    return path


def members_of(package: Path, names: list[str]) -> list[Member]:
    """The files of a package folder as members (directories as folder entries when they end with /)."""
    found = []
    for name in names:
        if name.endswith("/"):
            found.append(Member(name, b"", method=0, mode=stat.S_IFDIR | 0o755))
        else:
            found.append(Member(name, (package / name).read_bytes()))
    return found


def package_names(package: Path) -> list[str]:
    """Every file a release zip holds (the descriptor, datasets/, docs/, raw/, CITATION.cff)."""
    names = ["datapackage.json", "CITATION.cff"]
    for folder in ("datasets", "docs", "raw"):
        names += sorted(str(p.relative_to(package)) for p in (package / folder).rglob("*") if p.is_file())
    return names


def zip64_directory_bomb(path: Path, entries: int, *, directory: bool = True) -> Path:
    """A zip whose ordinary end record declares one small entry, while a zip64 end record placed just before
    the zip64 locator (where Python 3.11's zipfile looks) declares `entries` entries; the locator's own offset
    points at no zip64 record (where the standard says to look). With `directory`, the declared central
    directory is really there (46 bytes an entry, empty names, built by repetition), so a reader that trusts
    the ordinary record parses all of it; without, only the records are written (a few hundred bytes)."""
    entry = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 0x0314, 20, 0x800, 0, 0, 0x21, 0, 0, 0, 0, 0, 0, 0, 0,
                        (stat.S_IFREG | 0o644) << 16, 0)
    size = len(entry) * entries
    body = entry * entries if directory else b""
    start = 0  # the directory starts the file: no member data is needed to show the cost of reading it
    record = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, entries, entries, size, start)
    record_at = start + size
    locator_at = record_at + len(record)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, locator_at, 1)  # pointing at itself, not at a zip64 record
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(entry), record_at - len(entry), 0)
    path.write_bytes(body + record + locator + end)
    return path
