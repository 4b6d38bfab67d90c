"""What to say about an include that points outside the checked tree: the ``root`` that would read it.

A checkout of an installed layout (``etc/monit/monitrc`` saying ``include /etc/monit/conf.d/*``)
is read as installed with ``--root DIR`` or ``root = "DIR"``, ``DIR`` being the folder that stands
for ``/``.  That folder is found by looking, inside the checkout only, for an ancestor of the
including file under which the include's folder exists: nothing outside the checked tree is looked
up, so the words are the same whether the path exists on this machine or not.
"""

from __future__ import annotations

import glob
import os

from monitlint.files.safe_fs import within


def fixed_folder(pattern: str) -> str:
    """The folder part of an absolute include pattern before any wildcard (``/etc/monit/conf.d`` for ``…/*``)."""
    parts = os.path.normpath(pattern).split("/")
    magic = next((i for i, part in enumerate(parts) if glob.has_magic(part)), len(parts))
    # A pattern without a wildcard names a file: its folder is the one to look for.
    folder_parts = parts[:magic] if magic < len(parts) else parts[:-1]
    return "/".join(folder_parts) or "/"


def root_for(pattern: str, includer: str, tree: str) -> str | None:
    """The folder (relative to ``tree``, ``.`` for the tree itself) that, as ``root``, puts ``pattern`` inside it.

    ``pattern`` is the include as written (absolute); ``includer`` the real path of the including
    file; ``tree`` the real path of the checked working tree.  The deepest ancestor of the includer
    under which the include's folder exists wins; None when there is none.
    """
    if not os.path.isabs(pattern):
        return None  # --root changes absolute includes only
    folder = fixed_folder(pattern).lstrip("/")
    if not folder or folder.startswith(".."):
        return None
    current = os.path.dirname(includer)
    while within(current, [tree]):
        candidate = os.path.join(current, folder)
        if within(os.path.realpath(candidate), [tree]) and os.path.isdir(candidate):
            return os.path.relpath(current, tree)
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    return None


def outside_hint(pattern: str, includer: str, tree: str | None) -> str:
    """The hint for an include outside the checked tree: the exact ``root`` line to add, when one is found."""
    if not os.path.isabs(pattern):
        return (
            "a relative include is read beside the including file, so --root cannot bring it in: "
            "keep what it includes inside the checkout, or lint the file where it is installed"
        )
    found = root_for(pattern, includer, tree) if tree else None
    if found is not None:
        return (
            f'this checkout mirrors the installed tree: add `root = "{found}"` to .monitlint.toml '
            f"(or under [tool.monitlint] in pyproject.toml) at the top of the checkout, "
            f"or pass `--root {found}` when running there, and the include is read from the checkout"
        )
    return (
        "it may exist on the host, but is not read here: if the checkout holds the installed tree, "
        'add `root = "DIR"` to .monitlint.toml (or pass `--root DIR`), DIR being the folder that stands for /'
    )
