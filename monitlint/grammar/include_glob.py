"""Resolving and expanding include patterns the way Monit does (no parser needed, so the cache can use it).

A committed control file is untrusted input, and so are the symlinks beside it.
Expansion is therefore lazy and bounded: matches are produced one at a time in
sorted order and it stops at the include limit; every folder it enters counts
against a budget of folder visits per run; a symlinked folder is entered only
when its real path lies inside the checked tree and was not searched before in
the same expansion (ten symlinks ``l0..l9 -> .`` would otherwise make
``l*/l*/l*/l*/l*/l*/l*/x*`` visit 10^7 folders); and a match whose real path
lies outside the checked tree is not included.  Whatever is left out is said
in words (``notes``), never dropped silently.
"""

from __future__ import annotations

import fnmatch
import glob
import os
from collections.abc import Iterator
from dataclasses import field

from monitlint.files.safe_fs import within
from monitlint.runtime.budgets import MAX_DIR_VISITS, ExpansionBudget
from monitlint.runtime.records import record

# Working trees that are a host's installed configuration (etckeeper keeps /etc in git), never a checkout.
INSTALLED_TREES = frozenset({"/etc", "/usr/local/etc"})
UNLIMITED = 1 << 62
# Said of an include outside the checked tree, in the same words whether it exists or not.
_NOT_READ = "not read (not checked here; it may well exist on the host)"
# The folder visits are one budget per run, shared with the include splicer and discovery (budgets.py).
GlobBudget = ExpansionBudget


@record
class Expansion:
    """What an include pattern brings in."""

    files: list[str]  # in Monit's reading order (the last sorted match first)
    problem: str | None = None  # nothing can be included: a missing file or folder, a folder named
    notes: list[str] = field(default_factory=list)  # what was left out, and why, in words
    truncated: bool = False  # stopped at ``limit`` matches: there may be more
    # The pattern itself points outside the checked tree: not looked up, by policy (it may well exist on
    # the host).  Told apart from a missing file inside the tree, whose fix is another path.
    outside: bool = False


def resolve_pattern(pattern: str, including_dir: str, root: str | None) -> str:
    """Where an include pattern points: under ``root`` if absolute, else beside the includer."""
    if os.path.isabs(pattern):
        if root:
            return os.path.join(root, pattern.lstrip("/"))
        return pattern
    return os.path.normpath(os.path.join(including_dir, pattern)) if including_dir else pattern


def checked_trees(main_real: str, root: str | None) -> list[str]:
    """The real folders whose files a control file may include: its working tree, and ``root``.

    The working tree is the enclosing git (or hg) checkout of the main file; a
    file outside any checkout (an installed ``/etc/monit/monitrc``) may include
    anything, as Monit would.  A committed ``include /etc/shadow`` or a symlink
    ``conf.d/x -> /etc/passwd`` in a pull request must not have its lines shown.
    """
    from monitlint.files.discovery import match_base

    tree = os.path.realpath(match_base(os.path.dirname(main_real) or "."))
    if tree in INSTALLED_TREES:
        # /etc kept in git by etckeeper is the host's own configuration, not a checkout: an installed
        # /etc/monit/monitrc reads /etc/monit/conf.d/* and what its links lead to, as Monit does.
        tree = "/"
    trees = [tree]
    if root:
        trees.append(os.path.realpath(root))
    return trees


def expand_include(
    resolved: str,
    *,
    limit: int = UNLIMITED,
    trees: list[str] | None = None,
    budget: GlobBudget | None = None,
    written: str | None = None,
) -> Expansion:
    """Expand ``resolved`` lazily: at most ``limit`` files, folders counted against ``budget``.

    With ``trees``, symlinked folders and matches whose real path is outside
    them are left out (and said so in ``notes``).  ``written`` is the pattern as the
    control file spells it, used in the message for a glob that matches none of its folder's files.
    """
    budget = budget if budget is not None else GlobBudget()
    if trees is not None and not _fixed_part_inside(resolved, trees):
        # Said before any lookup outside, in the same words whether the path exists or not:
        # a stranger's `include /home/runner/x` must not tell which files the runner has.
        if not glob.has_magic(resolved):
            return Expansion(
                [], f"included file '{resolved}' leads outside the checked tree: {_NOT_READ}", outside=True
            )
        return Expansion(
            [], None, [f"include pattern '{resolved}' leads outside the checked tree: {_NOT_READ}"], outside=True
        )
    if not glob.has_magic(resolved):
        if not os.path.lexists(resolved):
            return Expansion([], f"included file '{resolved}' does not exist")
        if os.path.isdir(resolved):
            return Expansion(
                [], f"'{resolved}' is a folder: Monit includes nothing from it (write '{resolved.rstrip('/')}/*')"
            )
        if resolved.endswith("~"):
            return Expansion([])
        if trees is not None and not within(os.path.realpath(resolved), trees):
            return Expansion([], f"included file '{resolved}' leads outside the checked tree: not read")
        return Expansion([resolved])
    walker = _Walker(trees, budget)
    files: list[str] = []
    outside = 0
    truncated = False
    for match in walker.matches(resolved):
        if match.endswith("~") or os.path.isdir(match):
            continue
        if trees is not None and not within(os.path.realpath(match), trees):
            outside += 1
            continue
        if len(files) >= limit:
            truncated = True
            break
        files.append(match)
    notes = walker.notes
    if outside:
        notes.append(f"{outside} match(es) of '{resolved}' lead outside the checked tree: not read")
    if budget.exhausted:
        notes.append(
            f"stopped expanding '{resolved}' after {MAX_DIR_VISITS} folder visits in this run: "
            "later matches are not checked"
        )
    problem = None
    folder = os.path.dirname(resolved) or "."
    if not files and not notes and not glob.has_magic(folder):
        if not walker.entered_any and not os.path.isdir(folder):
            problem = f"include folder '{folder}' does not exist"
        elif walker.entered_any:
            problem = _matches_nothing(resolved, folder, written)
    files.reverse()  # Monit pushes each match on its include stack, so the last is read first
    return Expansion(files, problem, notes, truncated)


def _fixed_part_inside(resolved: str, trees: list[str]) -> bool:
    """Whether the part of a pattern before its first wildcard lies inside ``trees``, as written and for real."""
    parts = resolved.split("/")
    fixed = next((i for i, part in enumerate(parts) if glob.has_magic(part)), len(parts))
    prefix = os.path.abspath("/".join(parts[:fixed]) or ("/" if resolved.startswith("/") else "."))
    return within(os.path.normpath(prefix), trees) and within(os.path.realpath(prefix), trees)


_NAMES_SHOWN = 5
_NAMES_LISTED = 1000


def _matches_nothing(resolved: str, folder: str, written: str | None = None) -> str | None:
    """Why a glob in an existing folder that holds files matched none of them, or None for an empty folder.

    An empty drop-in folder (Debian's ``conf.d``) is normal and says nothing; a folder of ``*.conf``
    files included as ``*.cfg`` is a typo that makes Monit include nothing, silently.
    """
    names: list[str] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith(".") or entry.name.endswith("~"):
                    continue
                try:
                    if not entry.is_file():
                        continue
                except OSError:
                    continue
                names.append(entry.name)
                if len(names) >= _NAMES_LISTED:
                    break
    except OSError:
        return None
    if not names:
        return None
    names.sort()
    if written and os.path.basename(written) == os.path.basename(resolved):
        resolved, folder = written, os.path.dirname(written) or "."  # as the control file spells it
    shown = ", ".join(names[:_NAMES_SHOWN]) + (", …" if len(names) > _NAMES_SHOWN else "")
    count = f"{len(names)}{'+' if len(names) >= _NAMES_LISTED else ''}"
    message = f"include pattern '{resolved}' matches none of the {count} file(s) in '{folder}' ({shown})"
    extensions = {os.path.splitext(name)[1] for name in names}
    wanted = os.path.basename(resolved)
    if len(extensions) == 1 and "" not in extensions and os.path.splitext(wanted)[1] not in extensions:
        message += f": did you mean '{os.path.join(folder, '*' + extensions.pop())}'?"
    return message


class _Walker:
    """A depth-first glob that yields matches in the order ``sorted(glob.glob(pattern))`` would.

    Each level's names are sorted with a ``/`` appended when a deeper level
    follows, which makes the depth-first order the plain sorted order of the
    full paths.  Hidden names match only a pattern that starts with a dot, as
    in ``glob`` and in the C library's ``glob`` that Monit uses.
    """

    def __init__(self, trees: list[str] | None, budget: GlobBudget) -> None:
        self.trees = trees
        self.budget = budget
        self.visited: set[str] = set()  # real paths of the folders listed so far
        self.notes: list[str] = []
        self.entered_any = False
        self._loops = 0
        self._outside = 0

    def matches(self, pattern: str) -> Iterator[str]:
        """The matches of ``pattern``, lazily, in sorted order."""
        parts = pattern.split("/")
        first = next(i for i, part in enumerate(parts) if glob.has_magic(part))
        prefix = "/".join(parts[:first])
        if pattern.startswith("/") and not prefix:
            prefix = "/"
        rest = [part for part in parts[first:] if part]
        if prefix and prefix != "/" and not os.path.isdir(prefix):
            return
        yield from self._walk(prefix, rest)
        if self._loops:
            self.notes.append(
                f"{self._loops} symlinked folder(s) lead back to folders already searched (a loop or a second "
                f"path) while expanding '{pattern}': not followed"
            )
        if self._outside:
            self.notes.append(
                f"{self._outside} folder(s) matched by '{pattern}' lead outside the checked tree: not searched"
            )

    def _walk(self, base: str, parts: list[str]) -> Iterator[str]:
        # An explicit stack of iterators, not recursion: the depth follows the pattern, which is untrusted.
        stack: list[Iterator[str]] = [iter([base])]
        depth_of: list[int] = [0]
        while stack:
            folder = next(stack[-1], None)
            if folder is None:
                stack.pop()
                depth_of.pop()
                continue
            depth = depth_of[-1]
            if depth == len(parts):
                yield folder
                continue
            part = parts[depth]
            last = depth == len(parts) - 1
            if not glob.has_magic(part):
                path = os.path.join(folder, part) if folder else part
                if (os.path.lexists(path) if last else os.path.isdir(path)) and self.budget.spend():
                    stack.append(iter([path]))
                    depth_of.append(depth + 1)
                continue
            names = self._list(folder, part, last)
            if names is None:
                if self.budget.exhausted:
                    return
                continue
            stack.append(iter([os.path.join(folder, name) if folder else name for name in names]))
            depth_of.append(depth + 1)

    def _list(self, folder: str, part: str, last: bool) -> list[str] | None:
        """The names in ``folder`` matching ``part`` (folders only unless ``last``), sorted; None if not listed."""
        if not self.budget.spend():
            return None
        real = os.path.realpath(folder or ".")
        if real in self.visited:
            self._loops += 1
            return None
        if self.trees is not None and not within(real, self.trees):
            self._outside += 1
            return None
        self.visited.add(real)
        self.entered_any = True
        try:
            with os.scandir(folder or ".") as entries:
                names = []
                for entry in entries:
                    if entry.name.startswith(".") and not part.startswith("."):
                        continue
                    if not fnmatch.fnmatchcase(entry.name, part):
                        continue
                    if not last:
                        try:
                            if not entry.is_dir():
                                continue
                        except OSError:
                            continue
                    names.append(entry.name)
        except OSError:
            return None
        return sorted(names) if last else sorted(names, key=lambda name: name + "/")
