"""What the machine says: users, groups, files and the host name, live, under a sysroot, or inside a checkout.

``monit -t`` checks a control file against the machine it runs on.  A :class:`HostView`
answers the same questions about one of three machines:

- the live system (``root=None``, ``trees=None``: ``pwd``/``grp``, real paths), only when
  the command line (``--host``) or the calling code asked for it, for a file outside any checkout;
- a sysroot (``root=DIR``: ``DIR/etc/passwd``, ``DIR/etc/group``, ``DIR/etc/hostname`` and
  every path resolved under ``DIR``), so a CI job can lint against the target's files;
- the checked tree only (``trees=[TREE]``): a checkout linted without a root.  A path is
  looked at only when it lies inside the tree and its symbolic links keep it there; for any
  other path :meth:`HostView.lookup` says None without a ``stat``, whether it exists or not,
  and users, groups and the host name are unknown.  A stranger's control file in a pull
  request cannot make monitlint read, or tell the existence of, a file of the CI runner.

Under a root, symbolic links are followed inside the root only: an absolute link target
is taken relative to the root and ``..`` never climbs above it.  Files are read only
through :mod:`monitlint.files.safe_fs` (bounded, regular files only, never blocking on a FIFO).
A user database that cannot be read (missing, a FIFO, too large) makes the user and group
questions unanswerable (``None``), never an exception.
"""

from __future__ import annotations

import errno
import os
import stat
from functools import cached_property

from monitlint.files.safe_fs import read_bounded, within
from monitlint.runtime.records import record

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
    """The machine a control file is checked against: the live system, a sysroot folder, or the checked tree."""

    def __init__(self, root: str | None = None, trees: list[str] | None = None) -> None:
        self.root = os.path.realpath(root) if root else None
        # Inside a checkout without a root: the real folders a lookup may reach ([]: none at all).
        self.trees = None if self.root is not None or trees is None else [os.path.realpath(t) for t in trees]
        self.live = self.root is None and self.trees is None
        # One lint asks about the same paths many times (/bin/true in every service): stat each once.
        self._entries: dict[tuple[str, str], Entry | None] = {}

    # -- files -------------------------------------------------------------------------------

    def lookup(self, path: str, cwd: str = "/") -> Entry | None:
        """``stat(path)`` on this machine, following symbolic links (inside the root only).

        A relative path is taken from ``cwd`` (Monit's daemon runs from ``/``).  None when
        the path is not looked at: outside the checked tree (see the module docstring).
        """
        key = (path, cwd)
        if key not in self._entries:
            self._entries[key] = self._lookup(path, cwd)
        return self._entries[key]

    def _lookup(self, path: str, cwd: str) -> Entry | None:
        absolute = path if path.startswith("/") else os.path.join(cwd, path)
        if self.trees is not None:
            return self._lookup_in_trees(path, absolute, self.trees)
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

    @staticmethod
    def _lookup_in_trees(path: str, absolute: str, trees: list[str]) -> Entry | None:
        """``stat`` of a path that stays inside ``trees``; None, with nothing outside touched, for any other.

        The path is resolved one component at a time, as the kernel would, and given up the
        moment it leaves the trees: no ``lstat``/``readlink`` outside them (``os.path.realpath``
        would follow a symbolic link out of the tree and back in, telling where an outside link
        points), so the answer is the same whether anything outside exists or not.
        """
        if "\0" in absolute:
            return None
        pending = [p for p in absolute.split("/") if p]
        done = "/"
        hops = 0
        while pending:
            part = pending.pop(0)
            if part == ".":
                continue
            if part == "..":
                done = os.path.dirname(done)  # ``done`` has no symbolic links left: ".." is its parent
                continue
            candidate = os.path.join(done, part)
            if any(tree.startswith(candidate.rstrip("/") + "/") for tree in trees):
                done = candidate  # a folder above a tree (a real path, no links): on the way in
                continue
            if not within(candidate, trees):
                return None  # decided on the path alone: nothing outside is looked at
            try:
                info = os.lstat(candidate)
            except OSError as exc:
                return Entry(path, None, exc.errno or errno.ENOENT)
            if stat.S_ISLNK(info.st_mode):
                hops += 1
                if hops > MAX_SYMLINKS:
                    return Entry(path, None, errno.ELOOP)
                try:
                    target = os.readlink(candidate)
                except OSError as exc:
                    return Entry(path, None, exc.errno or errno.ENOENT)
                if target.startswith("/"):
                    done = "/"
                pending = [p for p in target.split("/") if p] + pending
                continue
            if pending and not stat.S_ISDIR(info.st_mode):
                return Entry(path, None, errno.ENOTDIR)
            done = candidate
        if not within(done, trees):
            return None  # a folder above the tree, or "/"
        try:
            info = os.stat(done)
        except OSError as exc:
            return Entry(path, None, exc.errno or errno.ENOENT)
        return Entry(path, done, 0, info.st_mode, info.st_uid)

    def parent(self, path: str) -> Entry | None:
        """The folder a new file at ``path`` would be created in (None: not looked at, see :meth:`lookup`)."""
        folder = os.path.dirname(path.rstrip("/") if path.startswith("/") else os.path.join("/", path)) or "/"
        return self.lookup(folder)

    def read(self, entry: Entry, limit: int) -> bytes:
        """The bytes of a regular file found by :meth:`lookup` (raises ``OSError``; never blocks)."""
        if entry.real is None:
            raise FileNotFoundError(entry.error or errno.ENOENT, os.strerror(entry.error or errno.ENOENT), entry.path)
        # Under a root or in a tree every link is already resolved: a link appearing now is refused, not followed out.
        return read_bounded(entry.real, limit, follow_symlinks=self.live)

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
        if self.live:
            import pwd

            try:
                pwd.getpwnam(name)
            except (KeyError, ValueError):
                return False
            return True
        return None if self._passwd is None else name in self._passwd[0]

    def uid_exists(self, uid: int) -> bool | None:
        """Whether ``getpwuid(uid)`` finds a user; None when the user database cannot be read."""
        if self.live:
            import pwd

            try:
                pwd.getpwuid(uid)
            except (KeyError, ValueError, OverflowError):
                return False
            return True
        return None if self._passwd is None else uid in self._passwd[1]

    def group_exists(self, name: str) -> bool | None:
        """Whether ``getgrnam(name)`` finds a group; None when the group database cannot be read."""
        if self.live:
            import grp

            try:
                grp.getgrnam(name)
            except (KeyError, ValueError):
                return False
            return True
        return None if self._group is None else name in self._group[0]

    def gid_exists(self, gid: int) -> bool | None:
        """Whether ``getgrgid(gid)`` finds a group; None when the group database cannot be read."""
        if self.live:
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
        """Names and ids of a passwd- or group-format file under the root (None: unreadable, or no root)."""
        if self.root is None:
            return None  # the checked tree is not a sysroot: its etc/passwd (if any) is not the target's
        entry = self.lookup("/" + name)
        if entry is None:
            return None
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
        if self.live:
            import socket

            return socket.gethostname() or None
        entry = self.lookup("/etc/hostname") if self.root is not None else None
        if entry is None:
            return None  # the checked tree alone: the runner's name is not the target's, and not told
        try:
            data = self.read(entry, 4096)
        except OSError:
            return None
        lines = data.decode("utf-8", "replace").split()
        return lines[0] if lines else None


def view_for(*, live: bool, in_tree: bool, root: str | None, main_path: str) -> HostView | None:
    """The machine the host checks of the control file ``main_path`` look at, or None when they are off.

    ``live``: the command line (``--host``) or the calling code asked; ``in_tree``: only a
    configuration file did (``host = true``), which may select the checks but never make the
    machine be read.  With ``root`` everything is read under it.  Otherwise the file's checked
    tree (its git or hg working tree, see :func:`monitlint.grammar.include_glob.checked_trees`) bounds
    every lookup, exactly as for includes; only outside any checkout, and only when ``live``,
    is the machine itself read.
    """
    if not (live or in_tree):
        return None
    if root:
        return HostView(root)
    tree = checked_tree(main_path)
    if tree != "/":
        return HostView(trees=[tree])
    return HostView() if live else HostView(trees=[])


def checked_tree(main_path: str) -> str:
    """The real folder a control file's includes and host lookups stay in ("/": not in any checkout)."""
    from monitlint.grammar.include_glob import checked_trees

    return checked_trees(os.path.realpath(main_path), None)[0]


def confinement_note(*, live: bool, in_tree: bool, root: str | None, main_path: str, source: str | None) -> str | None:
    """One line saying what host checks will not look at for ``main_path``, or None when they look at all they need."""
    if not (live or in_tree) or root:
        return None
    tree = checked_tree(main_path)
    if tree != "/":
        return (
            f"host checks look only inside the checked tree {tree}: files outside it, users, groups and the "
            "host name are not looked up (pass --root DIR to check against a copy of the target's files)"
        )
    if not live:
        return (
            f"{source or 'the configuration'}: 'host = true' selects host checks, but only the command line can "
            "make monitlint read this machine: pass --host, or --root DIR"
        )
    return None
