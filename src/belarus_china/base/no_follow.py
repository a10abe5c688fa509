"""Opening a package's files and folders without ever following a link, on every platform.

Where the OS has `O_NOFOLLOW`, `O_DIRECTORY` and `*at` calls (`dir_fd`: Linux, macOS, the BSDs), a path
is opened one part at a time from the package folder with O_NOFOLLOW, so nothing can be swapped for a
link between the check and the read. Where it has not (Windows), each part is looked at with lstat
(a link, or a Windows reparse point such as a junction, is refused), the file is opened by its path,
and the file opened (fstat) must be the file looked at (same st_dev and st_ino), as must every folder
on the way when looked at again afterwards; a swap in between is refused.

Either way a FIFO, device or folder is refused after the lstat and before any open (a FIFO would
block, a device may act on open), and the fstat of the opened file is checked again.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

# Chosen once, from what this OS offers (a test removes the POSIX flags to run the portable path).
POSIX = (all(hasattr(os, flag) for flag in ("O_NOFOLLOW", "O_DIRECTORY"))
         and {os.open, os.stat} <= os.supports_dir_fd and os.scandir in os.supports_fd)
_CLOEXEC, _BINARY = getattr(os, "O_CLOEXEC", 0), getattr(os, "O_BINARY", 0)  # O_BINARY: no CRLF translation
_NOFOLLOW, _DIRECTORY = getattr(os, "O_NOFOLLOW", 0), getattr(os, "O_DIRECTORY", 0)
# O_NONBLOCK: should a FIFO be swapped in after the lstat, opening it does not wait for a writer.
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_DIR_FLAGS = os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC
_FILE_FLAGS = os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC | _BINARY


class PackageFileError(ValueError):
    """A file is unsafe, missing or not what the descriptor says; `code` is its problem code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def is_link(info: os.stat_result) -> bool:
    return stat.S_ISLNK(info.st_mode) or bool(getattr(info, "st_reparse_tag", 0))


def _identity(info: os.stat_result) -> tuple[int, int]:
    return info.st_dev, info.st_ino


def _os_error(exc: OSError, label: str) -> PackageFileError:
    if exc.errno == errno.ENOENT:
        return PackageFileError("file-missing", f"{label} is missing")
    if exc.errno in (errno.ELOOP, errno.EMLINK):
        return PackageFileError("path-unsafe", f"{label} passes through a symbolic link; links are never followed")
    if exc.errno == errno.ENAMETOOLONG:
        return PackageFileError("path-unsafe", f"{label}: the path is too long")
    if exc.errno == errno.ENOTDIR:
        return PackageFileError("file-missing", f"{label} is missing (a part of its path is not a folder)")
    return PackageFileError("file-missing", f"{label} cannot be opened: {exc.strerror or exc}")


def _check_folder(info: os.stat_result, part: str, label: str) -> None:
    if is_link(info):
        raise PackageFileError("path-unsafe", f"{label}: {part}/ is a symbolic link; links are never followed")
    if not stat.S_ISDIR(info.st_mode):
        raise PackageFileError("file-missing", f"{label} is missing ({part} is not a folder)")


def _open_folder(root: Path, folders: list[str], label: str) -> int:
    """POSIX: a descriptor of root/folders[0]/folders[1]/..., reached part by part without following links."""
    try:
        fd = os.open(root, os.O_RDONLY | _DIRECTORY | _CLOEXEC)  # the folder the user named, as named
    except OSError as exc:
        raise PackageFileError("file-missing", f"the package folder {root} cannot be opened: {exc.strerror}") from None
    try:
        for part in folders:
            _check_folder(os.stat(part, dir_fd=fd, follow_symlinks=False), part, label)
            child = os.open(part, _DIR_FLAGS, dir_fd=fd)
            os.close(fd)
            fd = child
    except OSError as exc:
        os.close(fd)
        raise _os_error(exc, label) from None
    except BaseException:
        os.close(fd)
        raise
    return fd


def _walk_folders(root: Path, folders: list[str], label: str) -> tuple[Path, list[tuple[int, int]]]:
    """Portable: the path of root/folders..., each part lstat-ed and refused if a link; with the
    identities seen, to be compared again once the file is open."""
    try:
        if not stat.S_ISDIR(os.stat(root).st_mode):  # the folder the user named, as named
            raise PackageFileError("file-missing", f"the package folder {root} is not a folder")
    except OSError as exc:
        raise PackageFileError("file-missing", f"the package folder {root} cannot be opened: {exc.strerror}") from None
    path, seen = Path(root), []
    try:
        for part in folders:
            path = path / part
            info = os.lstat(path)
            _check_folder(info, part, label)
            seen.append(_identity(info))
    except OSError as exc:
        raise _os_error(exc, label) from None
    return path, seen


def _unchanged(root: Path, folders: list[str], seen: list[tuple[int, int]]) -> bool:
    path = Path(root)
    for part, identity in zip(folders, seen, strict=True):
        path = path / part
        try:
            info = os.lstat(path)
        except OSError:
            return False
        if is_link(info) or _identity(info) != identity:
            return False
    return True


def open_checked(name: str, dir_fd: int | None, label: str, *, follow: bool) -> tuple[int, os.stat_result]:
    """Open a regular file for reading (lstat first, fstat after, the same file); PackageFileError for
    anything else."""
    try:
        before = os.stat(name, dir_fd=dir_fd, follow_symlinks=follow)
        if is_link(before):
            raise PackageFileError("path-unsafe", f"{label} is a symbolic link; links are never followed")
        if not stat.S_ISREG(before.st_mode):
            raise PackageFileError("file-not-regular", f"{label} is {_kind(before.st_mode)}, not a regular file; "
                                   "it is not opened")
        flags = _FILE_FLAGS if not follow else _FILE_FLAGS & ~_NOFOLLOW
        fd = os.open(name, flags, dir_fd=dir_fd) if dir_fd is not None else os.open(name, flags)
    except OSError as exc:
        raise _os_error(exc, label) from None
    after = os.fstat(fd)
    if not stat.S_ISREG(after.st_mode):  # swapped between the two looks
        os.close(fd)
        raise PackageFileError("file-not-regular", f"{label} is {_kind(after.st_mode)}, not a regular file")
    if _identity(after) != _identity(before):  # without O_NOFOLLOW, the only sign of a link swapped in
        os.close(fd)
        raise PackageFileError("path-unsafe", f"{label} was replaced while it was opened; links are never followed")
    return fd, after


def open_inside(root: Path, parts: list[str], label: str) -> tuple[int, os.stat_result]:
    """Open root/parts... (a file of the package) under the rules of the module docstring."""
    if POSIX:
        fd_dir = _open_folder(Path(root), parts[:-1], label)
        try:
            return open_checked(parts[-1], fd_dir, label, follow=False)
        finally:
            os.close(fd_dir)
    folder, seen = _walk_folders(Path(root), parts[:-1], label)
    fd, info = open_checked(str(folder / parts[-1]), None, label, follow=False)
    if not _unchanged(Path(root), parts[:-1], seen):
        os.close(fd)
        raise PackageFileError("path-unsafe", f"{label}: a folder on its path was replaced while it was opened")
    return fd, info


def stat_inside(root: Path, parts: list[str], label: str) -> os.stat_result | None:
    """The lstat of root/parts... without following a link on the way; None when absent or unreachable."""
    try:
        if POSIX:
            fd_dir = _open_folder(Path(root), parts[:-1], label)
            try:
                return os.stat(parts[-1], dir_fd=fd_dir, follow_symlinks=False)
            finally:
                os.close(fd_dir)
        folder, _ = _walk_folders(Path(root), parts[:-1], label)
        return os.lstat(folder / parts[-1])
    except (PackageFileError, OSError):
        return None


def list_inside(root: Path, parts: list[str], label: str) -> dict[str, bool]:
    """The entries of the folder root/parts..., each with whether it is a regular file (links are not)."""
    if POSIX:
        fd = _open_folder(Path(root), parts, label)
        try:
            with os.scandir(fd) as entries:
                return {entry.name: entry.is_file(follow_symlinks=False) for entry in entries}
        finally:
            os.close(fd)
    folder, _ = _walk_folders(Path(root), parts, label)
    try:
        with os.scandir(folder) as entries:
            return {entry.name: entry.is_file(follow_symlinks=False) for entry in entries}
    except OSError as exc:
        raise _os_error(exc, label) from None


def set_blocking(fd: int) -> None:
    """Undo O_NONBLOCK (used only where the OS has it) once the file is known to be a regular file."""
    if _NONBLOCK:
        os.set_blocking(fd, True)
