"""Lint rendered Monit files as they sit on a host, and move each finding back to its template line.

The rendered files are written under a private temporary folder at their destinations
(``/etc/monit/conf.d/sshd`` → ``TMP/etc/monit/conf.d/sshd``) and the main control file is
linted through the engine's one entry with that folder as the root absolute includes are
looked up under: its ``include`` lines read the fragments the role or module installs, so
``depends on`` across files, MON101 and the include rules see what the host would.  Fragments
no main file includes are linted on their own (as drop-in fragments).  The folder is removed
before returning; no finding names it.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile

from monitlint.diagnostics import Diagnostic
from monitlint.selection import Settings
from monitlint.templates.origins import RenderedFile, relocate

MAIN_NAMES = ("monitrc", "monit.conf")


def main_file(files: list[RenderedFile]) -> RenderedFile | None:
    """The rendered main control file: named like one, else the one with a ``set daemon`` or ``include``."""
    for file in files:
        if os.path.basename(file.dest) in MAIN_NAMES:
            return file
    for file in files:
        lowered = file.text.lower()
        if "set daemon" in lowered and "include" in lowered:
            return file
    return None


def lint_rendered(files: list[RenderedFile], settings: Settings) -> tuple[list[Diagnostic], list[str]]:
    """The findings of a set of rendered files (at their template lines), and notes on what was done."""
    from monitlint.files.source import SourceError
    from monitlint.linter.engine import EngineContext, Unit, lint_unit

    notes: list[str] = []
    if not files:
        return [], notes
    found: list[Diagnostic] = []
    folder = tempfile.mkdtemp(prefix="monitlint-templates-")
    try:
        by_path: dict[str, RenderedFile] = {}
        for file in files:
            target = os.path.join(folder, file.dest.lstrip("/"))
            if os.path.realpath(os.path.dirname(target)) != os.path.realpath(folder) and not os.path.realpath(
                target
            ).startswith(os.path.realpath(folder) + os.sep):
                notes.append(f"{file.template}: destination {file.dest} is outside the host's tree: linted alone")
                target = os.path.join(folder, "_outside", str(len(by_path)))
            twin = by_path.get(os.path.realpath(target))
            if twin is not None and twin.text == file.text:
                continue  # two tasks writing the same text (a role's main and optional task files)
            if twin is not None:
                notes.append(f"{file.template}: {file.dest} is written twice; the last one is linted")
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w", encoding="utf-8") as handle:
                handle.write(file.text)
            os.chmod(target, 0o600)
            by_path[os.path.realpath(target)] = file
        if settings.config.host or settings.config.host_selected:
            notes.append(
                f"{files[0].template}: host checks (MON6xx) are not run on rendered templates: the files "
                "describe the machine they are deployed to, not this one nor the checkout"
            )
        # The rendered tree is the root includes are read under; host checks would look at it too.
        config = dataclasses.replace(settings.config, entrypoints=[], root=folder, host=False, host_selected=False)
        scoped = Settings(config, settings.selection)
        covered: set[str] = set()
        main = main_file(files)
        order = sorted(by_path.items(), key=lambda pair: pair[1] is not main)
        for real, file in order:
            if real in covered:
                continue
            whole = file is main
            context = EngineContext(scoped, folder, None, in_entrypoint_context=not whole)
            try:
                result = lint_unit(Unit(real), context)
            except SourceError as exc:
                notes.append(f"{file.template}: rendered {file.dest} could not be linted: {exc}")
                continue
            if result.parse is not None:
                covered.update(os.path.realpath(path) for path in result.parse.config.files)
                if whole:
                    notes.append(f"{file.template}: rendered {file.dest} linted with the files it includes")
            for diag in result.diagnostics:
                found.append(_moved(diag, by_path, folder))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return found, notes


def _moved(diag: Diagnostic, by_path: dict[str, RenderedFile], folder: str) -> Diagnostic:
    message = diag.message.replace(folder.rstrip("/") + "/", "/").replace(folder, "/")
    hint = diag.hint.replace(folder.rstrip("/") + "/", "/") if diag.hint else diag.hint
    diag = dataclasses.replace(diag, message=message, hint=hint)
    rendered = by_path.get(os.path.realpath(diag.span.path))
    if rendered is not None:
        return relocate(diag, rendered)
    path = diag.span.path
    if path.startswith(folder):
        path = "/" + os.path.relpath(path, folder)
    return diag.relocated(path)
