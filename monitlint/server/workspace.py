"""What the server knows: the open documents, each file's configuration, and linting one document.

No LSP types here: this is the part the protocol glue (:mod:`monitlint.server.protocol`) calls,
and what the unit tests drive directly.  Linting goes through the engine's one entry,
:func:`monitlint.linter.engine.lint_unit`, with the open documents' unsaved texts read in place of
the files on disk (:func:`monitlint.files.source.texts_in_place_of`), so a file is linted in its
entrypoint's context exactly as ``monitlint check`` lints it once saved.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import field
from typing import Any

from monitlint.diagnostics import Diagnostic
from monitlint.files.source import SourceError, SourceFile, read_source, texts_in_place_of
from monitlint.linter.result import LintResult
from monitlint.runtime import budgets
from monitlint.runtime.gc_pause import gc_paused
from monitlint.runtime.records import record
from monitlint.selection import Settings

# Past this size a document gets diagnostics only: navigation, completion and hover would walk a
# model of hundreds of thousands of statements on every keystroke.
LARGE_DOCUMENT_CHARS = 2 * 1024 * 1024


@record
class Document:
    """An open document: its path on disk, the editor's text and version, and its last lint."""

    path: str
    text: str
    version: int | None = None
    lines: list[str] = field(default_factory=list)
    result: LintResult | None = None
    error: str | None = None  # why the last lint failed (a one-line message), None when it ran

    def __post_init__(self) -> None:
        if not self.lines:
            self.lines = self.text.split("\n")

    @property
    def large(self) -> bool:
        """Whether the document is too large for anything but diagnostics."""
        return len(self.text) > LARGE_DOCUMENT_CHARS


@record(frozen=True)
class _LoadedConfig:
    stamp: tuple[int, int] | None  # (mtime_ns, size) of the configuration file when read
    settings: Settings
    error: str | None


class Workspace:
    """The open documents and what linting them needs; one lint at a time (the overlay is process-wide)."""

    def __init__(self) -> None:
        self.documents: dict[str, Document] = {}  # by real path
        self._configs: dict[str | None, _LoadedConfig] = {}
        self._lock = threading.Lock()
        # Keep the parses of unchanged included files and of the unchanged statements of changed files.
        self.reuse_parses = True
        self.kept: Any = None  # grammar.reuse.KeptParses, made on first use
        self.messages: list[str] = []  # one-line warnings for the user (an unreadable configuration), each once
        self._said: set[str] = set()

    def open(self, path: str, text: str, version: int | None = None) -> Document:
        """Record an opened (or changed) document's text."""
        doc = Document(os.path.abspath(path), text, version)
        old = self.documents.get(os.path.realpath(path))
        if old is not None:
            doc.result = old.result  # navigation keeps working on the last model until the next lint
        self.documents[os.path.realpath(path)] = doc
        return doc

    def close(self, path: str) -> None:
        """Forget a closed document (the file on disk is read again from now on)."""
        self.documents.pop(os.path.realpath(path), None)

    def get(self, path: str) -> Document | None:
        """The open document at ``path``, if any."""
        return self.documents.get(os.path.realpath(path))

    def text_of(self, path: str) -> SourceFile | None:
        """The text of ``path``: the open document's, else the file's on disk (None when unreadable)."""
        doc = self.get(path)
        if doc is not None:
            return SourceFile(path, doc.text)
        try:
            return read_source(path)
        except SourceError:
            return None

    def settings_for(self, path: str) -> Settings:
        """The configuration ``check`` would use for ``path``: the closest trusted one above its folder."""
        from monitlint.config import ConfigError, find_config_file, load_config

        untrusted: list[str] = []
        found = find_config_file(os.path.dirname(path), untrusted)
        for text in untrusted:
            self._say(text)
        stamp = _stamp(found)
        loaded = self._configs.get(found)
        if loaded is None or loaded.stamp != stamp:
            try:
                settings = Settings.of(load_config(found, trusted_only=True))
                loaded = _LoadedConfig(stamp, settings, None)
            except ConfigError as exc:
                # As `check` would refuse to run: lint with the defaults and say why, once.
                loaded = _LoadedConfig(stamp, Settings.of(), str(exc))
            self._configs[found] = loaded
        if loaded.error is not None:
            self._say(f"{loaded.error} (linting with the default configuration)")
        return loaded.settings

    def _say(self, text: str) -> None:
        if text not in self._said:
            self._said.add(text)
            self.messages.append(text)

    def lint(self, path: str, text: str | None = None) -> LintResult:
        """Lint ``path`` in its entrypoint's context with every open document's text in place of its file.

        ``text`` (default: the open document's) is linted as the file's content, e.g. a proposed fix.
        Raises :class:`SourceError` only when neither a text nor a readable file is there.
        """
        from monitlint.linter.engine import EngineContext, Unit, lint_unit

        doc = self.get(path)
        if text is None and doc is not None:
            text = doc.text
        settings = self.settings_for(path)
        real = os.path.realpath(path)
        # A copy first: the protocol thread may open a document meanwhile (list() of a dict is one step).
        overlay = {key: d.text for key, d in list(self.documents.items()) if key != real}
        if text is not None:
            overlay[real] = text
        # One run's budgets, as `check` has; the parse builds a large model and creates no cycles: the
        # collector would only re-scan it.
        with self._lock, texts_in_place_of(overlay), budgets.run(), gc_paused(), self._parses():
            # A fresh context each time: the entrypoints are parsed with the current texts.  The unit
            # names the file (its text comes through the overlay), so it takes the very path `check`
            # takes for the saved file: in an entrypoint's context, a block fragment, or a whole file.
            context = EngineContext(settings, in_entrypoint_context=True)
            return lint_unit(Unit(path), context)

    @contextmanager
    def _parses(self) -> Iterator[None]:
        """The parses kept from one lint to the next: only changed files, and in them only the changed
        statements, are parsed again."""
        if not self.reuse_parses:
            yield
            return
        from monitlint.grammar.reuse import KeptParses

        if self.kept is None:
            self.kept = KeptParses()
        with self.kept.active():
            yield

    def lint_tree(self, folder: str) -> dict[str, list[Diagnostic]]:
        """Every Monit file below ``folder`` linted as ``check FOLDER`` would (open documents' texts in
        place): the findings by file path (a file without findings is there, with none)."""
        from monitlint.api import lint

        overlay = {key: d.text for key, d in list(self.documents.items())}
        with self._lock, texts_in_place_of(overlay):
            report = lint([folder], self.settings_for, names=os.path.abspath)
        found: dict[str, list[Diagnostic]] = {os.path.abspath(path): [] for path in report.checked}
        for diag in report.diagnostics:
            found.setdefault(os.path.abspath(diag.span.path), []).append(diag)
        return found

    def refresh(self, path: str) -> Document | None:
        """Lint the open document at ``path`` and keep the result on it (its error when it cannot be linted)."""
        doc = self.get(path)
        if doc is None:
            return None
        try:
            doc.result = self.lint(doc.path, doc.text)
            doc.error = None
        except SourceError as exc:
            doc.error = str(exc)
        except RecursionError:
            doc.error = f"{doc.path}: nested too deeply to check"
        return doc

    def own_findings(self, doc: Document) -> list[Diagnostic]:
        """The last lint's findings located in ``doc`` itself (findings in files it includes are theirs)."""
        if doc.result is None:
            return []
        real = os.path.realpath(doc.path)
        return [d for d in doc.result.diagnostics if d.span.path == doc.path or os.path.realpath(d.span.path) == real]


def _stamp(path: str | None) -> tuple[int, int] | None:
    if path is None:
        return None
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size
