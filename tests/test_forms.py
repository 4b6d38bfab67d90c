"""The coverage suite: each statement form of `man monit`, judged by the real `monit -t` and by monitlint."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import MonitVerdict, first_syntax_error, lint_file
from tests.forms import ACCEPTED, REJECTED, REJECTED_SEMANTIC

MonitT = Callable[[Path, Path | None], MonitVerdict]
LANGUAGE_CODES = {"MON001", "MON006", "MON201", "MON202", "MON203"}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.monitrc"
    path.write_text(text)
    return path


def test_suite_size() -> None:
    assert len(ACCEPTED) >= 150 and len(REJECTED) >= 50 and len(REJECTED_SEMANTIC) >= 10


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_accepted_form(name: str, tmp_path: Path, monit_t: MonitT) -> None:
    path = write(tmp_path, name, ACCEPTED[name])
    verdict = monit_t(path, None)
    assert verdict.exit_code == 0, f"monit -t rejects this form: {verdict.stderr}"
    findings = [(d.code, d.span.line, d.message) for d in lint_file(str(path)).diagnostics if d.code in LANGUAGE_CODES]
    assert findings == []


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_rejected_form(name: str, tmp_path: Path, monit_t: MonitT) -> None:
    path = write(tmp_path, name, REJECTED[name])
    verdict = monit_t(path, None)
    theirs = first_syntax_error(verdict)
    assert theirs is not None, f"monit -t accepts this form: {verdict.stdout}{verdict.stderr}"
    ours = [d for d in lint_file(str(path)).diagnostics if d.code == "MON001"]
    assert ours, f"monit -t says {theirs[2]!r}; monitlint found no syntax error"
    assert abs(ours[0].span.line - theirs[1]) <= 1, f"monit -t: {theirs[2]!r}; monitlint: {ours[0].span.line}"
    assert "__ANON" not in ours[0].message and "Token(" not in ours[0].message


@pytest.mark.parametrize("name", sorted(REJECTED_SEMANTIC))
def test_rejected_semantic_form(name: str, tmp_path: Path, monit_t: MonitT) -> None:
    text, code = REJECTED_SEMANTIC[name]
    path = write(tmp_path, name, text)
    verdict = monit_t(path, None)
    assert verdict.exit_code == 1 and first_syntax_error(verdict) is None, verdict.stderr
    assert code in {d.code for d in lint_file(str(path)).diagnostics}
