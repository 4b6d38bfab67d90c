"""What git ignores below a folder (``.gitignore``, ``.git/info/exclude``, the global excludes file).

git's own rules are asked of git itself (``git ls-files --others --ignored --exclude-standard
--directory``): no second implementation of its pattern language to drift from it.  Tracked files
are never listed, as in git.  When the folder is not in a git checkout, or git is missing, slow,
refuses the checkout (another user's: "dubious ownership") or fails, nothing is ignored and the
reason is returned for ``--verbose``: never a traceback.
"""

from __future__ import annotations

import os
import shutil
import subprocess

from monitlint.runtime.records import record

GIT_TIMEOUT = 60.0  # seconds: a safety kill of a hung git, not a limit a real tree reaches
MAX_OUTPUT = 16 * 1024 * 1024  # bytes of listing read; a larger one is not used


@record
class Ignored:
    """The paths git ignores below a folder (relative to it, folders ending in ``/``), or why none are known.

    ``git ls-files --directory`` names a wholly ignored folder once (so discovery never enters it) but
    not an ignored file inside an untracked folder: :meth:`files` asks ``git check-ignore`` about those.
    """

    paths: frozenset[str] = frozenset()
    unavailable: str | None = None  # why .gitignore could not be applied (None: applied, or not a checkout)
    command: tuple[str, ...] = ()  # git and its safe options, run in the folder (empty: not a checkout)

    def files(self, relatives: list[str]) -> set[str]:
        """Those of ``relatives`` (files relative to the folder) that git ignores; none if git fails."""
        if not self.command or not relatives:
            return set()
        given = "\0".join(relatives).encode("utf-8", "surrogateescape") + b"\0"
        done = _run([*self.command, "check-ignore", "-z", "--stdin"], given)
        if done is None or done.returncode not in (0, 1):
            return set()
        return {name for name in done.stdout.decode("utf-8", "surrogateescape").split("\0") if name}

    def covers(self, relative: str) -> bool:
        """True when ``relative`` (to the folder asked about) is ignored, itself or through a parent folder."""
        if not self.paths:
            return False
        relative = relative.replace(os.sep, "/")
        if relative in self.paths:
            return True
        parts = relative.split("/")
        return any("/".join(parts[:i]) + "/" in self.paths for i in range(1, len(parts)))


def in_git_checkout(folder: str) -> bool:
    """True when ``folder`` lies inside a git working tree (a ``.git`` folder or file above it)."""
    current = os.path.abspath(folder)
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return True
        parent = os.path.dirname(current)
        if parent == current:
            return False
        current = parent


def ignored_below(folder: str) -> Ignored:
    """The untracked paths git ignores below ``folder``; empty outside a git checkout."""
    if not in_git_checkout(folder):
        return Ignored()
    git = shutil.which("git")
    if git is None:
        return Ignored(unavailable="git is not installed: .gitignore is not applied")
    # Nothing the checkout's own configuration could make git run: no fsmonitor hook, no pager.
    base = (git, "-c", "core.fsmonitor=false", "--no-pager", "-C", folder)
    listing = ["ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory", "--no-empty-directory"]
    done = _run([*base, *listing], None)
    if done is None:
        return Ignored(unavailable="git could not be run: .gitignore is not applied")
    if done.returncode != 0:
        first = done.stderr.decode("utf-8", "replace").strip().splitlines()
        why = first[0][:200] if first else f"exit status {done.returncode}"
        return Ignored(unavailable=f"git failed ({why}): .gitignore is not applied")
    if len(done.stdout) > MAX_OUTPUT:
        return Ignored(unavailable=f"git listed over {MAX_OUTPUT} bytes of ignored paths: .gitignore is not applied")
    names = done.stdout.decode("utf-8", "surrogateescape").split("\0")
    return Ignored(frozenset(name for name in names if name), None, base)


def _run(command: list[str], given: bytes | None) -> subprocess.CompletedProcess[bytes] | None:
    """Run git (bounded by a generous timeout); None when it cannot be run at all."""
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        return subprocess.run(command, input=given, capture_output=True, timeout=GIT_TIMEOUT, env=env, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
