"""What the machine says: users, groups, files and the host name, live or under a sysroot.

``monit -t`` checks a control file against the machine it runs on.  A :class:`HostView`
answers the same questions about either the live system (``root=None``: ``pwd``/``grp``,
real paths) or a sysroot (``root=DIR``: ``DIR/etc/passwd``, ``DIR/etc/group``,
``DIR/etc/hostname`` and every path resolved under ``DIR``), so a CI job can lint a control
file against the target's files away from the target.

Under a root, symbolic links are followed inside the root only: an absolute link target
is taken relative to the root and ``..`` never climbs above it.  Files are read only
through :mod:`monitlint.safe_fs` (bounded, regular files only, never blocking on a FIFO).
A user database that cannot be read (missing, a FIFO, too large) makes the user and group
questions unanswerable (``None``), never an exception.
"""

from __future__ import annotations

import errno
import os
import stat
from functools import cached_property

from monitlint.records import record
from monitlint.safe_fs import read_bounded

# passwd/group files of real systems are kilobytes; LDAP-sized ones a few megabytes.
MAX_DATABASE_BYTES = 16 * 1024 * 1024
# Linux follows at most 40 symbolic links in one lookup before ELOOP.
MAX_SYMLINKS = 40


@record(frozen=True)
class Entry:
    """What ``stat`` says about a path: its resolved location, or the errno of the failed lookup."""

    path: str  # as written in the control file
    real: str | None  # where it is on this machine (under the root), None when the lookup failed
    error: int = 0  # errno of the failed lookup (ENOENT, ENOTDIR, ELOOP, ...)
    mode: int = 0
    uid: int = -1

    @property
    def exists(self) -> bool:
        """Whether ``stat`` succeeds."""
        return self.real is not None

    @property
    def is_file(self) -> bool:
        """A regular file (after symbolic links)."""
        return self.exists and stat.S_ISREG(self.mode)

    @property
    def is_dir(self) -> bool:
        """A folder (after symbolic links)."""
        return self.exists and stat.S_ISDIR(self.mode)

    @property
    def executable_by_root(self) -> bool:
        """``access(X_OK)`` for root: a folder, or anything with an execute bit."""
        return self.exists and (self.is_dir or bool(self.mode & 0o111))

    @property
    def kind(self) -> str:
        """A word for what the path is, for messages."""
        if not self.exists:
            return "missing"
        return _KINDS.get(stat.S_IFMT(self.mode), "special file")

    @property
    def reason(self) -> str:
        """Why the lookup failed, in words (``No such file or directory``)."""
        return os.strerror(self.error) if self.error else ""


_KINDS = {
    stat.S_IFREG: "regular file",
    stat.S_IFDIR: "folder",
    stat.S_IFIFO: "FIFO",
    stat.S_IFSOCK: "socket",
    stat.S_IFCHR: "character device",
    stat.S_IFBLK: "block device",
}


class HostView:
    """The machine a control file is checked against: the live system, or a sysroot folder."""

    def __init__(self, root: str | None = None) -> None:
        self.root = os.path.realpath(root) if root else None
        # One lint asks about the same paths many times (/bin/true in every service): stat each once.
        self._entries: dict[tuple[str, str], Entry] = {}

    # -- files -------------------------------------------------------------------------------

    def lookup(self, path: str, cwd: str = "/") -> Entry:
        """``stat(path)`` on this machine, following symbolic links (inside the root only).

        A relative path is taken from ``cwd`` (Monit's daemon runs from ``/``).
        """
        key = (path, cwd)
        if key not in self._entries:
            self._entries[key] = self._lookup(path, cwd)
        return self._entries[key]

    def _lookup(self, path: str, cwd: str) -> Entry:
        absolute = path if path.startswith("/") else os.path.join(cwd, path)
        if self.root is None:
            try:
                info = os.stat(absolute)
            except OSError as exc:
                return Entry(path, None, exc.errno or errno.ENOENT)
            except ValueError:  # a NUL byte: no such file for the C library either
                return Entry(path, None, errno.ENOENT)
            return Entry(path, absolute, 0, info.st_mode, info.st_uid)
        real, error = self._resolve(absolute)
        if real is None:
            return Entry(path, None, error)
        try:
            info = os.lstat(real)
        except (OSError, ValueError) as exc:
            return Entry(path, None, getattr(exc, "errno", None) or errno.ENOENT)
        return Entry(path, real, 0, info.st_mode, info.st_uid)

    def parent(self, path: str) -> Entry:
        """The folder a new file at ``path`` would be created in."""
        folder = os.path.dirname(path.rstrip("/") if path.startswith("/") else os.path.join("/", path)) or "/"
        return self.lookup(folder)

    def read(self, entry: Entry, limit: int) -> bytes:
        """The bytes of a regular file found by :meth:`lookup` (raises ``OSError``; never blocks)."""
        if entry.real is None:
            raise FileNotFoundError(entry.error or errno.ENOENT, os.strerror(entry.error or errno.ENOENT), entry.path)
        # Under a root every link is already resolved: a link appearing now is refused, not followed out.
        return read_bounded(entry.real, limit, follow_symlinks=self.root is None)

    def _resolve(self, absolute: str) -> tuple[str | None, int]:
        """The real path of ``absolute`` inside the root, every symbolic link resolved there; or an errno."""
        assert self.root is not None
        pending = [p for p in absolute.split("/") if p]
        done: list[str] = []
        hops = 0
        while pending:
            part = pending.pop(0)
            if part == ".":
                continue
            if part == "..":
                if done:
                    done.pop()
                continue
            candidate = os.path.join(self.root, *done, part)
            try:
                info = os.lstat(candidate)
            except OSError as exc:
                return None, exc.errno or errno.ENOENT
            except ValueError:
                return None, errno.ENOENT
            if stat.S_ISLNK(info.st_mode):
                hops += 1
                if hops > MAX_SYMLINKS:
                    return None, errno.ELOOP
                try:
                    target = os.readlink(candidate)
                except OSError as exc:
                    return None, exc.errno or errno.ENOENT
                if target.startswith("/"):
                    done = []
                pending = [p for p in target.split("/") if p] + pending
                continue
            if pending and not stat.S_ISDIR(info.st_mode):
                return None, errno.ENOTDIR
            done.append(part)
        return os.path.join(self.root, *done), 0

    # -- users and groups ----------------------------------------------------------------------

    def user_exists(self, name: str) -> bool | None:
        """Whether ``getpwnam(name)`` finds a user; None when the user database cannot be read."""
        if self.root is None:
            import pwd

            try:
                pwd.getpwnam(name)
            except (KeyError, ValueError):
                return False
            return True
        return None if self._passwd is None else name in self._passwd[0]

    def uid_exists(self, uid: int) -> bool | None:
        """Whether ``getpwuid(uid)`` finds a user; None when the user database cannot be read."""
        if self.root is None:
            import pwd

            try:
                pwd.getpwuid(uid)
            except (KeyError, ValueError, OverflowError):
                return False
            return True
        return None if self._passwd is None else uid in self._passwd[1]

    def group_exists(self, name: str) -> bool | None:
        """Whether ``getgrnam(name)`` finds a group; None when the group database cannot be read."""
        if self.root is None:
            import grp

            try:
                grp.getgrnam(name)
            except (KeyError, ValueError):
                return False
            return True
        return None if self._group is None else name in self._group[0]

    def gid_exists(self, gid: int) -> bool | None:
        """Whether ``getgrgid(gid)`` finds a group; None when the group database cannot be read."""
        if self.root is None:
            import grp

            try:
                grp.getgrgid(gid)
            except (KeyError, ValueError, OverflowError):
                return False
            return True
        return None if self._group is None else gid in self._group[1]

    @cached_property
    def _passwd(self) -> tuple[set[str], set[int]] | None:
        return self._database("etc/passwd")

    @cached_property
    def _group(self) -> tuple[set[str], set[int]] | None:
        return self._database("etc/group")

    def _database(self, name: str) -> tuple[set[str], set[int]] | None:
        """Names and ids of a passwd- or group-format file under the root (None: unreadable)."""
        entry = self.lookup("/" + name)
        try:
            data = self.read(entry, MAX_DATABASE_BYTES)
        except OSError:
            return None
        names: set[str] = set()
        ids: set[int] = set()
        for line in data.decode("utf-8", "surrogateescape").splitlines():
            fields = line.split(":")
            # name:password:id:... ; NSS files skip comments, blank and short lines (and +/- NIS entries).
            if len(fields) < 3 or not fields[0] or line.startswith(("#", "+", "-")):
                continue
            names.add(fields[0])
            if fields[2].isdigit():
                ids.add(int(fields[2]))
        return names, ids

    # -- the host name ---------------------------------------------------------------------------

    @cached_property
    def hostname(self) -> str | None:
        """``gethostname()`` live; under a root the first line of ``etc/hostname`` (None if unknown)."""
        if self.root is None:
            import socket

            return socket.gethostname() or None
        try:
            data = self.read(self.lookup("/etc/hostname"), 4096)
        except OSError:
            return None
        lines = data.decode("utf-8", "replace").split()
        return lines[0] if lines else None
