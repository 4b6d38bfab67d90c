"""Byte-level fidelity with `monit -t`: its 16 KB scanner buffer and a UTF-8 byte-order mark.

A lexeme longer than 16382 bytes makes `monit -t` exit ("input buffer overflow"). Each case is
judged by the real `monit -t` and by monitlint on the same file; the sizes are the bisected
boundary (16382 bytes pass, 16383 fail) for a comment and for a program word.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from monitlint.grammar.lexer import MAX_LEXEME_BYTES
from tests.conftest import lint_file, monit_executable

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="monit -t is run as root here, like the forms suite")

METHOD = '    start program = "/bin/echo '


def comment_line(size: int) -> str:
    return "#" + "a" * (size - 1)


def program_word(size: int) -> str:
    return "check process p with pidfile /run/p.pid\n" + METHOD + "a" * size + '"'


CASES = {
    "comment-fits": (comment_line(MAX_LEXEME_BYTES), True),
    "comment-overflows": (comment_line(MAX_LEXEME_BYTES + 1), False),
    "comment-multibyte-overflows": ("#" + "é" * (MAX_LEXEME_BYTES // 2), False),
    "program-word-fits": (program_word(MAX_LEXEME_BYTES), True),
    "program-word-overflows": (program_word(MAX_LEXEME_BYTES + 1), False),
}


def monit_accepts(path: Path) -> tuple[bool, str]:
    proc = subprocess.run(
        [monit_executable(), "-t", "-c", str(path)],
        cwd=path.parent,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(path.parent), "LC_ALL": "C"},
        capture_output=True,
        text=True,
        errors="replace",
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    return proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("name", sorted(CASES))
def test_buffer_overflow_agrees_with_monit(name: str, tmp_path: Path) -> None:
    body, accepted = CASES[name]
    path = tmp_path / "monitrc"
    path.write_text("set daemon 30\n" + body + "\n", encoding="utf-8")
    path.chmod(0o600)
    monit_ok, output = monit_accepts(path)
    assert monit_ok is accepted, output
    if not accepted:
        assert "input buffer overflow" in output
    findings = [d for d in lint_file(str(path)).diagnostics if d.code == "MON001"]
    if accepted:
        assert findings == []
    else:
        assert len(findings) == 1
        assert findings[0].message.startswith("input buffer overflow")
        assert findings[0].span.line == body.count("\n") + 2


@pytest.mark.parametrize("first", ["set daemon 30", "check file f with path /etc/hostname"])
def test_byte_order_mark_is_refused_in_words(first: str, tmp_path: Path) -> None:
    """Monit reads a UTF-8 BOM as part of the first word ("syntax error '\ufeffset'"); say so in words."""
    path = tmp_path / "monitrc"
    path.write_bytes(b"\xef\xbb\xbf" + first.encode() + b"\n")
    path.chmod(0o600)
    monit_ok, output = monit_accepts(path)
    assert not monit_ok and "syntax error" in output, output
    findings = [d for d in lint_file(str(path)).diagnostics if d.code == "MON001"]
    assert len(findings) == 1 and findings[0].span.line == 1
    assert "byte-order mark (U+FEFF)" in findings[0].message
    assert "\ufeff" not in findings[0].message
