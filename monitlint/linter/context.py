"""What a rule receives: the model, the source texts, the configuration, and the comments."""

from __future__ import annotations

from dataclasses import field
from functools import cached_property
from typing import TYPE_CHECKING

from monitlint.config import Config
from monitlint.files.source import SourceFile
from monitlint.model import Comment, ControlFile
from monitlint.runtime.records import record

if TYPE_CHECKING:
    from monitlint.grammar.parser import ParseResult
    from monitlint.host import HostView
    from monitlint.linter.version_gates import GateFinding


@record
class LintContext:
    """One control file (with its includes) as the rules see it.

    Rules read the typed model and the source texts; they never see the parser's tokens
    or its problems.  Shared helpers live in :mod:`monitlint.linter.helpers`.
    """

    model: ControlFile
    sources: dict[str, SourceFile] = field(default_factory=dict)
    config: Config = field(default_factory=Config)
    complete: bool = True  # a whole control file, not a fragment: whole-config rules apply
    comments: list[Comment] = field(default_factory=list)
    # Per file: (line, end line, is a block) of every statement, for the scopes of suppression comments.
    statements: dict[str, list[tuple[int, int, bool]]] = field(default_factory=dict)
    # The Monit releases linted for (RuleSelection.targets): what they refuse is reported.
    targets: tuple[tuple[int, int], ...] = ((5, 33),)

    @cached_property
    def version_gates(self) -> list[GateFinding]:
        """What the target releases refuse here (one walk, shared by the engine's MON001 and MON006)."""
        from monitlint.linter.version_gates import gate_findings

        return list(gate_findings(self.model, self.targets))

    @cached_property
    def host(self) -> HostView | None:
        """The machine host checks (MON6xx) look at; None when they are off.

        The live system only for ``--host`` (or code) outside any checkout, ``config.root`` when set,
        else the checked tree alone (see :func:`monitlint.host.view.view_for`).
        """
        if not (self.config.host or self.config.host_selected):
            return None
        from monitlint.host.view import view_for

        return view_for(
            live=self.config.host, in_tree=self.config.host_selected, root=self.config.root, main_path=self.model.path
        )

    @classmethod
    def of(
        cls,
        parsed: ParseResult,
        config: Config | None = None,
        complete: bool = True,
        targets: tuple[tuple[int, int], ...] = ((5, 33),),
    ) -> LintContext:
        """The context of a parsed control file, linted for the ``targets`` releases."""
        return cls(
            parsed.config, parsed.sources, config or Config(), complete, parsed.comments, parsed.statements, targets
        )

    @classmethod
    def from_text(
        cls, text: str, name: str = "monitrc", config: Config | None = None, complete: bool = True
    ) -> LintContext:
        """The context of control-file text (its includes read from disk): to run one rule on it in a test."""
        from monitlint.grammar.parser import parse_text

        return cls.of(parse_text(text, name, root=(config or Config()).root), config, complete)
