"""Writing a fixed file: atomically, with its mode and owner, and only inside the checked tree.

The new text replaces the file's real path (a symbolic link stays a link, to the fixed file)
through a temporary file in the same folder and ``os.replace``; a file whose text changed
since it was read, that is not UTF-8, or whose owner could not be kept, is left as it was.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile

from monitlint.files.discovery import working_tree
from monitlint.files.safe_fs import UnsafeFile, read_bounded


def checked_trees(paths: list[str]) -> list[str]:
    """The real folders ``--fix`` may write in: each argument's git (or hg) checkout, else its own folder."""
    trees: list[str] = []
    for path in paths:
        folder = path if os.path.isdir(path) else os.path.dirname(path) or "."
        tree = working_tree(folder) or folder
        trees.append(os.path.realpath(tree))
    return trees


def inside(real: str, trees: list[str]) -> bool:
    """Whether the real path ``real`` lies below one of ``trees``."""
    return any(real == tree or real.startswith(tree.rstrip(os.sep) + os.sep) for tree in trees)


def write_fixed(path: str, old_text: str, new_text: str, trees: list[str]) -> str | None:
    """Replace ``path``'s text ``old_text`` by ``new_text``; None when written, else why not (one line)."""
    real = os.path.realpath(path)
    if not inside(real, trees):
        return "outside the checked tree (a symbolic link or an include leading out of it): not fixed"
    old_bytes = old_text.encode("utf-8", "surrogateescape")
    try:
        status = os.lstat(real)
        if not stat.S_ISREG(status.st_mode):
            return "not a regular file: not fixed"
        # Not through a link, never a FIFO or device swapped in since: the read every file gets.
        current = read_bounded(real, len(old_bytes), follow_symlinks=False)
    except UnsafeFile:
        return "changed since it was checked, or no longer a regular file: not fixed"
    except OSError as exc:
        return f"cannot read it again ({exc.strerror or exc}): not fixed"
    if current != old_bytes:
        return "not UTF-8, or changed since it was checked: not fixed"
    folder = os.path.dirname(real)
    try:
        fd, temporary = tempfile.mkstemp(prefix=".monitlint-fix-", dir=folder)
    except OSError as exc:
        return f"cannot write in its folder ({exc.strerror or exc}): not fixed"
    try:
        try:
            if (status.st_uid, status.st_gid) != (os.geteuid(), os.getegid()):
                os.fchown(fd, status.st_uid, status.st_gid)
            os.fchmod(fd, stat.S_IMODE(status.st_mode))
            os.write(fd, new_text.encode("utf-8", "surrogateescape"))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, real)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return f"cannot replace it keeping its mode and owner ({exc.strerror or exc}): not fixed"
    return None
