"""Which files are Monit control files: for folder arguments and the pre-commit hook.

A file counts **by name** (``monitrc``, ``.monitrc``, ``*.monitrc``) or, inside
an include-style folder (any file below a ``monit/``, ``monit.d/`` or
``monitrc.d/`` folder, so ``etc/monit/conf.d/``, ``conf-enabled/``,
``conf-available/`` and ``templates/`` too), **by content**: its first
statement is a Monit statement (``set``, ``check``, ``include``, or, for a
block fragment such as Debian's ``templates/rootbin``, a service statement
such as ``if``).  YAML, Markdown, JSON, shell, and templates for Jinja, ERB,
EPP or Go are left out, each with a reason (``check --verbose`` prints them).
Files named on the command line are always linted (unless ``--skip-non-monit``,
which the pre-commit hook passes, applies these rules to them too).
"""

from __future__ import annotations

import os
import re
from dataclasses import field
from typing import TYPE_CHECKING

from monitlint.files.exclusion import Exclusion
from monitlint.runtime.records import record

if TYPE_CHECKING:
    from monitlint.files.gitignore import Ignored

# Keep in sync with `files:` in .pre-commit-hooks.yaml (a test checks they are equal): the candidates,
# which classify() then judges by name or by content.
MONIT_FILES = re.compile(
    r"(^|/)(\.?monitrc|[^/]+\.monitrc|monitrc[.-][^/]+|monit\.conf)$"
    r"|(^|/)(monit|monit\.d|monitrc\.d)/"
)
# The names people give control files: `monitrc`, `.monitrc`, `x.monitrc`, `monitrc.prod`,
# `monitrc-staging`, `monit.conf` (backups such as `monitrc.bak` are then left out by extension).
_BY_NAME = re.compile(r"(^|/)(\.?monitrc|[^/]+\.monitrc|monitrc[.-][^/]+|monit\.conf)$")
# The plain names, whose extension says nothing (`x.monitrc`): never a backup or a template by name.
_PLAIN_NAME = re.compile(r"(^|/)(\.?monitrc|[^/]+\.monitrc|monit\.conf)$")

# Extensions of files that are never Monit control files, whatever folder they are in.
_OTHER_KINDS = {
    **dict.fromkeys(("yml", "yaml"), "a YAML file"),
    **dict.fromkeys(("md", "markdown", "rst", "adoc", "txt"), "documentation"),
    **dict.fromkeys(("json", "toml", "ini", "xml", "html", "csv"), "a data file"),
    **dict.fromkeys(("sh", "bash", "py", "rb", "pl", "pp", "ps1"), "a script or manifest"),
    **dict.fromkeys(("j2", "jinja", "jinja2"), "a Jinja template"),
    **dict.fromkeys(("erb",), "an ERB template"),
    **dict.fromkeys(("epp",), "an EPP template"),
    **dict.fromkeys(("tmpl", "tpl", "gotmpl", "gotexttmpl"), "a Go template"),
    **dict.fromkeys(
        (
            *("orig", "rej", "bak", "old", "save", "swp", "swo", "tmp"),
            *("dpkg-dist", "dpkg-old", "dpkg-new", "dpkg-bak", "ucf-dist", "ucf-old", "ucf-new"),
            *("rpmnew", "rpmsave", "rpmorig"),
        ),
        "a backup or patch leftover",
    ),
    **dict.fromkeys(
        ("png", "jpg", "jpeg", "gif", "ico", "svg", "pdf", "gz", "tgz", "xz", "zip", "tar", "deb", "rpm", "so"),
        "an image, archive or other binary file",
    ),
}
# Template markup in a file's text (Jinja/Go `{{ }}` `{% %}` `{# #}`, ERB/EPP `<% %>`).
_TEMPLATE_MARKUP = re.compile(r"\{\{|\{%|\{#|<%")
# First words of a top-level statement, and of statements inside a check block (a block fragment).
_TOP_STATEMENTS = {"set", "check", "include"}
_SERVICE_STATEMENTS = {
    "if",
    "start",
    "stop",
    "restart",
    "depends",
    "group",
    "every",
    "not",
    "mode",
    "alert",
    "noalert",
    "onreboot",
}
_HEAD_BYTES = 64 * 1024  # read for the content test: a control file's first statement is near its top


@record
class Discovery:
    """The Monit control files below a folder, and the files left out with a reason each."""

    found: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)  # per symlink leading out of the folder; a spent budget
    not_monit: list[tuple[str, str]] = field(default_factory=list)  # (path, reason) of files left out
    notes: list[str] = field(default_factory=list)  # about the whole folder (e.g. .gitignore not applied)


_BACKUP = "an editor backup (Monit skips names ending in '~')"
NOT_A_CANDIDATE = (
    "not named like a Monit control file (monitrc, monitrc.*, monitrc-*, *.monitrc, monit.conf) "
    "nor inside a monit/, monit.d/ or monitrc.d/ folder"
)


def is_monit_config(relative_path: str) -> bool:
    """True when a path is a candidate by name or folder: ``monitrc``, ``x.monitrc``, ``etc/monit/conf.d/nginx``."""
    path = relative_path.replace(os.sep, "/")
    return bool(MONIT_FILES.search(path)) and not path.endswith("~")


def named_like_monitrc(path: str) -> bool:
    """True for ``monitrc``, ``.monitrc``, ``*.monitrc``, ``monitrc.*``, ``monitrc-*``, ``monit.conf``: by name."""
    return bool(_BY_NAME.search(path.replace(os.sep, "/")))


# Folders that hold drop-in files an `include` reads: a file there is part of a configuration,
# not one on its own.
INCLUDE_FOLDERS = frozenset(
    {"conf.d", "conf-enabled", "conf-available", "monit.d", "monitrc.d", "templates", "include.d", "includes"}
)


def in_include_folder(path: str) -> bool:
    """True for a drop-in file: its folder is an include folder (``conf.d``, ``conf-enabled`` …).

    A file named ``monitrc`` or ``.monitrc`` is a main control file wherever it is (an Ansible
    role keeps its main ``monitrc`` in ``templates/``).
    """
    parts = os.path.normpath(path).replace(os.sep, "/").split("/")
    return len(parts) >= 2 and parts[-2] in INCLUDE_FOLDERS and parts[-1] not in ("monitrc", ".monitrc", "monit.conf")


def is_block_fragment(path: str) -> bool:
    """True when a file's first statement belongs inside a check block (``if …``): Debian's ``templates/*``."""
    head = _head(path)
    word = _first_word(head) if head is not None and "\0" not in head else None
    return word in _SERVICE_STATEMENTS


def classify(path: str, relative_path: str) -> str | None:
    """None when ``path`` is a Monit control file (see the module docstring), else why it is not.

    ``relative_path`` is the path as pre-commit sees it (relative to the working tree).
    """
    rel = relative_path.replace(os.sep, "/")
    if rel.endswith("~"):
        return _BACKUP
    by_name = bool(_BY_NAME.search(rel))
    if not by_name and not MONIT_FILES.search(rel):
        return NOT_A_CANDIDATE
    name = os.path.basename(rel)
    extension = name.rsplit(".", 1)[1].lower() if "." in name.lstrip(".") else ""
    # `monitrc.bak`, `monitrc.j2`, `monitrc-old.orig`: named like a control file, but a backup or a template.
    if not _PLAIN_NAME.search(rel) and extension in _OTHER_KINDS:
        return _OTHER_KINDS[extension]
    head = _head(path)
    if head is None:
        return None  # unreadable: linting it reports why, on one line
    if "\0" in head:
        return None  # binary without a telling extension: linting it reports it on one line
    if _TEMPLATE_MARKUP.search(head):
        return "a template (Jinja, Go, ERB or EPP markup)"
    if by_name:
        return None
    word = _first_word(head)
    if word is None:
        return "holds no statement"
    if word in _TOP_STATEMENTS or word in _SERVICE_STATEMENTS:
        return None
    return f"its first word '{word[:40]}' does not begin a Monit statement"


def _head(path: str) -> str | None:
    """The first bytes of a file as text (a NUL byte kept), read safely (never blocking); None if unreadable."""
    from monitlint.files.safe_fs import open_regular, read_fd_bounded
    from monitlint.files.source import text_in_place

    in_place = text_in_place(path)  # an editor's unsaved buffer
    if in_place is not None:
        return in_place[:_HEAD_BYTES]
    try:
        fd = open_regular(path)
    except OSError:
        return None
    try:
        data = read_fd_bounded(fd, _HEAD_BYTES)[:_HEAD_BYTES]
    except OSError:
        return None
    finally:
        os.close(fd)
    return data.decode("utf-8", "replace")


def _first_word(text: str) -> str | None:
    """The first word of the first line that is not blank or a ``#`` comment, lower-cased."""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = re.match(r"[A-Za-z_][\w-]*|\S+", stripped)
        return match.group().lower() if match else None
    return None


def match_base(folder: str) -> str:
    """The folder that paths below ``folder`` are matched relative to, as pre-commit would see them.

    That is the enclosing git (or hg) working tree, so a checkout named ``monit`` does not make every
    file in it a Monit config; outside any working tree it is ``/``, so ``/etc/monit/conf.d`` passed
    on its own still counts as a Monit folder.
    """
    tree = working_tree(folder)
    return tree if tree is not None else "/"


def working_tree(folder: str) -> str | None:
    """The git (or hg) working tree enclosing ``folder``, or None outside any."""
    current = os.path.abspath(folder)
    while True:
        if os.path.exists(os.path.join(current, ".git")) or os.path.exists(os.path.join(current, ".hg")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def relative_to_tree(path: str) -> str:
    """``path`` relative to its working tree (see :func:`match_base`), as pre-commit names it."""
    absolute = os.path.abspath(path)
    return os.path.relpath(absolute, match_base(os.path.dirname(absolute)))


def discover(folder: str) -> list[str]:
    """Monit control files below ``folder``, sorted (those leading outside it left out; see discover_files)."""
    return discover_files(folder)[0]


def discover_files(folder: str) -> tuple[list[str], list[str]]:
    """Monit control files below ``folder``, sorted, and one message for each symlink leading out of it."""
    found = discover_all(folder)
    return found.found, found.outside


def discover_all(folder: str, exclusion: Exclusion | None = None) -> Discovery:
    """Monit control files below ``folder``, sorted, with every file left out and why.

    A found file is followed to its real path, which must lie inside ``folder``
    (like an include inside the checked tree): a committed symlink
    ``monit.d/x -> /etc/passwd`` is left out, so no line of it is ever shown.
    Symlinked folders are not descended into.  Files and folders that ``exclusion``
    (default: the default ``exclude`` list) leaves out, or git ignores, are not looked at.
    """
    from monitlint.files.gitignore import Ignored, ignored_below
    from monitlint.files.safe_fs import within

    result = Discovery()
    base = match_base(folder)
    tree = [os.path.realpath(folder)]
    from monitlint.runtime import budgets

    exclusion = exclusion or Exclusion()
    ignored = ignored_below(folder) if exclusion.respect_gitignore else Ignored()
    if ignored.unavailable:
        result.notes.append(f"{folder}: {ignored.unavailable}")
    budget = budgets.current().expansion
    candidates: list[tuple[str, str]] = []  # (path, relative to the working tree)
    for current, dirs, files in os.walk(folder):
        # os.walk never follows a symlinked folder (no loops); the folders it enters come from the
        # run's one expansion budget, as include globs' do.
        if not budget.spend():
            result.outside.append(
                f"{folder}: stopped looking for control files after {budgets.MAX_DIR_VISITS} folder visits "
                f"in this run; files below {current} and later folders are not checked"
            )
            break
        dirs[:] = [d for d in sorted(dirs) if _enter(os.path.join(current, d), folder, exclusion, ignored, result)]
        for name in sorted(files):
            path = os.path.join(current, name)
            relative = os.path.relpath(os.path.abspath(path), base)
            if not is_monit_config(relative):
                result.not_monit.append((path, _BACKUP if name.endswith("~") else NOT_A_CANDIDATE))
                continue
            left_out = _left_out(path, folder, exclusion, ignored)
            if left_out is not None:
                result.not_monit.append((path, left_out))
                continue
            candidates.append((path, relative))
    # Files git ignores inside folders it does not ignore as a whole: asked once for all candidates.
    by_git = ignored.files([os.path.relpath(path, folder) for path, _ in candidates])
    for path, relative in candidates:
        if os.path.relpath(path, folder) in by_git:
            result.not_monit.append((path, "ignored by git (.gitignore)"))
            continue
        if not within(os.path.realpath(path), tree):
            result.outside.append(f"{path}: a symlink to a file outside {folder}: not checked")
            continue
        reason = classify(path, relative)
        if reason is None:
            result.found.append(path)
        else:
            result.not_monit.append((path, reason))
    return result


def _left_out(path: str, folder: str, exclusion: Exclusion, ignored: Ignored) -> str | None:
    """Why ``exclude`` or git leaves out a file or folder below ``folder`` (None: it is looked at)."""
    why = exclusion.why(path, below=folder)
    if why is not None:
        return f"excluded: {why}"
    relative = os.path.relpath(path, folder)
    if ignored.covers(relative) or (os.path.isdir(path) and ignored.covers(relative + "/")):
        return "ignored by git (.gitignore)"
    return None


def _enter(path: str, folder: str, exclusion: Exclusion, ignored: Ignored, result: Discovery) -> bool:
    """Whether discovery goes into the folder ``path``; a folder left out is noted (but ``.git`` and the like)."""
    why = _left_out(path, folder, exclusion, ignored)
    if why is None:
        return True
    if not exclusion.quiet(os.path.basename(path)):
        result.not_monit.append((path + "/", why))
    return False
