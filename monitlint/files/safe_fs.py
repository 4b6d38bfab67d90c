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
# Linux: a descriptor that names an inode without opening it (no driver is called).
_PATH = getattr(os, "O_PATH", 0)


def open_regular(path: str, *, follow_symlinks: bool = True) -> int:
    """Open ``path`` read-only and return its descriptor, refusing anything but a regular file.

    The type is checked *before* the file is opened for reading: opening a device
    can have effects of its own (``/dev/ptmx`` makes a new terminal, a tape rewinds),
    and a FIFO's writer wakes up when a reader opens it.  On Linux the path is first
    opened with ``O_PATH``, which reaches the inode without calling any driver; its
    ``fstat`` decides, and only a regular file is then reopened for reading through
    ``/proc/self/fd`` (the very inode checked, so nothing can be swapped in between).
    Elsewhere, or without ``/proc``, :func:`_open_checked` does ``stat`` then
    ``open(O_NONBLOCK)`` then ``fstat``, refusing a file that changed in between.
    With ``follow_symlinks=False`` a symlink in the last component is refused.
    Raises ``FileNotFoundError``/``PermissionError``/``IsADirectoryError`` as
    ``os.open`` does, and :class:`UnsafeFile` for a device, FIFO, socket or symlink.
    """
    if not _PATH:
        return _open_checked(path, follow_symlinks)
    handle = os.open(path, _PATH | _CLOEXEC | (0 if follow_symlinks else _NOFOLLOW))
    try:
        _refuse_unless_regular(path, os.fstat(handle))
        try:
            return os.open(f"/proc/self/fd/{handle}", os.O_RDONLY | _NONBLOCK | _CLOEXEC)
        except FileNotFoundError:
            pass  # no /proc mounted: fall back to stat, open, fstat below
        except OSError as exc:  # EACCES and the like: said of the path asked for, not of /proc
            raise type(exc)(exc.errno, exc.strerror, path) from None
    finally:
        os.close(handle)
    return _open_checked(path, follow_symlinks)


def _refuse_unless_regular(path: str, info: os.stat_result) -> None:
    """Raise the error ``os.open`` callers expect for anything that is not a regular file."""
    if stat.S_ISREG(info.st_mode):
        return
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(21, "Is a directory", path)
    if stat.S_ISLNK(info.st_mode):
        raise UnsafeFile(f"{path}: is a symbolic link")
    raise UnsafeFile(f"{path}: not a regular file (device, FIFO or socket)")


def _open_checked(path: str, follow_symlinks: bool) -> int:
    """``stat``, then ``open(O_NONBLOCK)``, then ``fstat``: refuse a non-regular file before opening it.

    ``O_NONBLOCK`` keeps a FIFO swapped in after the ``stat`` from blocking the open;
    the ``fstat`` comparison refuses whatever was swapped in.
    """
    info = os.stat(path) if follow_symlinks else os.lstat(path)
    _refuse_unless_regular(path, info)
    flags = os.O_RDONLY | _NONBLOCK | _CLOEXEC | (0 if follow_symlinks else _NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if not follow_symlinks and exc.errno == 40:  # ELOOP: the last component became a symlink
            raise UnsafeFile(f"{path}: is a symbolic link") from None
        raise
    try:
        opened = os.fstat(fd)
    except OSError:
        os.close(fd)
        raise
    if (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino) or not stat.S_ISREG(opened.st_mode):
        os.close(fd)
        raise UnsafeFile(f"{path}: changed while it was being opened")
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


def is_private_file(fd: int) -> bool:
    """True when the open file ``fd`` is a regular file owned by the caller that nobody else may write."""
    info = os.fstat(fd)
    return (
        stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    )


def read_private(folder: str, name: str, limit: int) -> bytes | None:
    """The bytes of ``folder/name`` if the folder and the file can be trusted, else None.

    Trusted means: the folder passes :func:`is_private_dir`, the file is not a
    symlink, is a regular file owned by the caller and writable by nobody else,
    and is at most ``limit`` bytes.  Anything loaded back from a cache goes
    through here: a pickle or a cache entry planted by another user must never
    be believed, least of all by root.
    """
    if not is_private_dir(folder):
        return None
    try:
        fd = open_regular(os.path.join(folder, name), follow_symlinks=False)
    except OSError:
        return None
    try:
        if not is_private_file(fd):
            return None
        data = read_fd_bounded(fd, limit)
    except OSError:
        return None
    finally:
        os.close(fd)
    return data if len(data) <= limit else None


def _new_private_file(folder: str) -> tuple[int, str]:
    """Create a new, empty, owner-only file with an unguessable name in ``folder``; return (fd, path).

    What ``tempfile.mkstemp`` does, without importing ``tempfile`` (and ``shutil``, ``random``
    with it): that import was 5% of a run's start-up.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    for _ in range(100):
        path = os.path.join(folder, f".tmp-{os.urandom(8).hex()}")
        try:
            return os.open(path, flags, 0o600), path
        except FileExistsError:
            continue
    raise FileExistsError(f"{folder}: no free temporary name")


def write_private(folder: str, name: str, data: bytes) -> bool:
    """Write ``folder/name`` atomically (a private temporary file, then a rename); False if it cannot.

    The folder is created or checked with :func:`private_dir` first.  Parallel
    runs (pre-commit starts several) never see half a file, because the rename
    replaces the old entry in one step.
    """
    try:
        private_dir(folder)
        fd, tmp = _new_private_file(folder)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, os.path.join(folder, name))
        return True
    except OSError:
        return False
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _trusted_ancestors(path: str) -> bool:
    """Whether every existing folder above ``path`` belongs to the caller or root and cannot be swapped by others.

    A folder writable by others is accepted only with the sticky bit (``/tmp``):
    there, others cannot rename or remove what the caller made.
    """
    current = os.path.dirname(os.path.realpath(path))
    while True:
        try:
            info = os.stat(current)
        except OSError:
            return False
        if info.st_uid not in (0, os.geteuid()):
            return False
        if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH) and not info.st_mode & stat.S_ISVTX:
            return False
        parent = os.path.dirname(current)
        if parent == current:
            return True
        current = parent


def cache_root() -> str | None:
    """monitlint's private cache folder (created if needed), or None when there must be no cache.

    It lives under ``$XDG_CACHE_HOME`` when that is an absolute path, else under
    ``~/.cache`` when the home folder exists and is writable (``HOME=/nonexistent``
    or a read-only home means no cache at all, rather than one in a surprising place).
    The folder and every folder above it must be safe from other users (see
    :func:`private_dir`); otherwise monitlint runs without a cache.
    """
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):
        base = xdg
        if not os.path.isdir(os.path.dirname(base.rstrip("/")) or "/"):
            return None  # create a missing cache folder, never a missing tree of folders
    else:
        home = os.path.expanduser("~")
        if not os.path.isabs(home) or not os.path.isdir(home) or not os.access(home, os.W_OK):
            return None
        base = os.path.join(home, ".cache")
    folder = os.path.join(base, "monitlint")
    try:
        private_dir(folder)
    except OSError:
        return None
    return folder if _trusted_ancestors(folder) else None


def within(real: str, trees: list[str]) -> bool:
    """Whether the real path ``real`` is one of ``trees`` or below one of them."""
    return any(real == tree or real.startswith(tree.rstrip("/") + "/") for tree in trees)
