"""The engine's one entry, ``lint_unit(Unit, EngineContext)``, as an editor server would call it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from monitlint.config import Config
from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.engine import EngineContext, Unit, lint_unit
from monitlint.selection import RuleSelection, Settings
from monitlint.span import Span

MAIN = """set daemon 30
check process a with pidfile /run/a.pid
    start program = "/bin/a start"
    stop program = "/bin/a stop"
"""


def _tree(tmp_path: Path) -> tuple[Path, Path]:
    main = tmp_path / "monitrc"
    main.write_text(MAIN + f"include {tmp_path}/conf.d/*.conf\n")
    (tmp_path / "conf.d").mkdir()
    included = tmp_path / "conf.d" / "c.conf"
    included.write_text('check process c with pidfile /run/c.pid\n    start program = "/bin/c start"\n')
    return main, included


def test_a_file_and_its_unsaved_text_in_the_entrypoints_context(tmp_path: Path) -> None:
    main, included = _tree(tmp_path)
    context = EngineContext(Settings.of(Config(entrypoints=[str(main)])))
    on_disk = lint_unit(Unit(str(included)), context)
    assert ("MON101", 1) in [(d.code, d.span.line) for d in on_disk.diagnostics]
    assert {d.span.path for d in on_disk.diagnostics} == {str(included)}  # its own findings, under its name
    # The buffer is read in place of the file.
    unsaved = included.read_text() + '    stop program = "/bin/c stop"\n'
    buffer = lint_unit(Unit(str(included), unsaved), context).diagnostics
    assert "MON101" not in {d.code for d in buffer} and {d.span.path for d in buffer} <= {str(included)}
    # The entrypoint was linted once for the file on disk; its findings are not changed by the copies.
    again = lint_unit(Unit(str(included)), context)
    assert again.diagnostics == on_disk.diagnostics


def test_only_the_selection_of_the_context_runs(tmp_path: Path) -> None:
    main, _included = _tree(tmp_path)
    selection = RuleSelection.of(Config(), select=["MON4"])
    result = lint_unit(Unit(str(main)), EngineContext(Settings(Config(), selection)))
    assert not [d for d in result.diagnostics if d.code == "MON101"]
    everything = lint_unit(Unit(str(main)), EngineContext(Settings.of(Config())))
    assert [d for d in everything.diagnostics if d.code == "MON101"]


def test_a_block_fragment_keeps_its_own_line_numbers(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    fragment = templates / "rootfs"
    fragment.write_text("# a template\nif space usage > 80 then alert\nif cpu > 80 then alert\n")
    context = EngineContext(Settings.of(Config()))
    result = lint_unit(Unit(str(fragment)), context)
    assert not result.complete
    assert all(d.span.line >= 2 and d.service is None for d in result.diagnostics)


def test_a_finding_is_frozen_and_relocated_as_a_copy() -> None:
    diag = Diagnostic("MON101", "missing-stop-program", Severity.ERROR, "m", Span("a", 3, 1, 4, 2))
    with pytest.raises(dataclasses.FrozenInstanceError):
        diag.span = Span("b", 1, 1, 1, 1)  # type: ignore[misc]
    moved = diag.relocated("b", line_shift=-1)
    assert moved.span == Span("b", 2, 1, 3, 2) and diag.span == Span("a", 3, 1, 4, 2)
    assert diag.relocated("a") is diag
