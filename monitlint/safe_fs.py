"""The one safe way to read a file and to trust a folder.

monitlint runs as root (the provider under sudo, Puppet or Ansible) and in CI on
pull requests from strangers.  Every file it reads may have been planted: a FIFO
that blocks forever, a symlink to ``/dev/zero`` that never ends, a device.  Every
folder it writes to or loads from may belong to someone else.  So reads go
through :func:`read_bounded` (regular files only, never blocking, never more
than a fixed number of bytes), and anything loaded back from disk (locks,
caches) lives in a folder that :func:`private_dir` has checked.
"""

from __future__ import annotations

import contextlib
import os
import stat


class UnsafeFile(OSError):
    """A file or folder that monitlint refuses to use; the message is one line for users."""


_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def open_regular(path: str, *, follow_symlinks: bool = True) -> int:
    """Open ``path`` read-only and return its descriptor, refusing anything but a regular file.

    ``O_NONBLOCK`` keeps a FIFO from blocking the open itself; the type check
    after ``fstat`` (not before, to leave no window for a swap) refuses it.
    With ``follow_symlinks=False`` a symlink in the last component is refused.
    Raises ``FileNotFoundError``/``PermissionError``/``IsADirectoryError`` as
    ``os.open`` does, and :class:`UnsafeFile` for a device, FIFO or socket.
    """
    flags = os.O_RDONLY | _NONBLOCK | _CLOEXEC | (0 if follow_symlinks else _NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if not follow_symlinks and exc.errno == 40:  # ELOOP: the last component is a symlink
            raise UnsafeFile(f"{path}: is a symbolic link") from None
        raise
    try:
        info = os.fstat(fd)
    except OSError:
        os.close(fd)
        raise
    if stat.S_ISDIR(info.st_mode):
        os.close(fd)
        raise IsADirectoryError(21, "Is a directory", path)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise UnsafeFile(f"{path}: not a regular file (device, FIFO or socket)")
    return fd


def read_fd_bounded(fd: int, limit: int) -> bytes:
    """Read at most ``limit + 1`` bytes from ``fd`` (the extra byte tells the caller it was cut)."""
    chunks: list[bytes] = []
    remaining = limit + 1
    while remaining > 0:
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_bounded(path: str, limit: int, *, follow_symlinks: bool = True) -> bytes:
    """The bytes of a regular file, refusing files longer than ``limit`` bytes.

    Raises ``OSError`` (including :class:`UnsafeFile`) with a short reason; never
    blocks and never reads more than ``limit + 1`` bytes.
    """
    fd = open_regular(path, follow_symlinks=follow_symlinks)
    try:
        data = read_fd_bounded(fd, limit)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise UnsafeFile(f"{path}: larger than {limit} bytes")
    return data


def is_private_dir(path: str) -> bool:
    """True when ``path`` is a real folder (not a symlink) owned by the caller, writable by nobody else."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return (
        stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    )


def private_dir(path: str, *, create: bool = True) -> str:
    """Return ``path`` once it is a folder only the caller can write, creating it (mode 0700) if asked.

    Each missing component is created with mode 0700.  An existing folder that
    is a symlink, belongs to another user or is writable by group or others is
    refused with :class:`UnsafeFile`: another local user could have planted it
    to steer what a later run (possibly root's) reads or writes.
    """
    if create and not os.path.lexists(path):
        parent = os.path.dirname(path.rstrip("/")) or "/"
        if parent != path and not os.path.lexists(parent):
            private_dir(parent, create=True)
        # A parallel run may have made it: it is checked below like any existing folder.
        with contextlib.suppress(FileExistsError):
            os.mkdir(path, 0o700)
    if not is_private_dir(path):
        raise UnsafeFile(f"{path}: not a private folder of this user (owner, mode or symlink)")
    return path
