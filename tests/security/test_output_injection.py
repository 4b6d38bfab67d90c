"""No string from a checked repository reaches a terminal or a CI log raw, and output stays proportional.

Measured before the fixes: a file named ``a\\x1b]0;PWNED\\x07\\x1b[2J`` set the
terminal title and cleared the screen; a file name with newlines put
``::add-mask::`` and ``::error …::`` on lines of their own (stdout and stderr,
both read by the GitHub runner); a 21 KB line of ``if if if …`` printed 222 MB
(7,000 findings, each with the whole line), a 100 KB one 5 GB.  Now: 2.4 MB.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from monitlint.output.sanitize import SOURCE_WIDTH, clip_line, printable
from tests.security._run import GIB, monitlint

FORMATS = ["text", "json", "sarif", "github", "gitlab", "junit"]
ESCAPE_NAME = "a\x1b]0;PWNED\x07\x1b[2J\x9b31m"
NEWLINE_NAME = "b\n::add-mask::x\n::error file=x::owned"
BINARY_NAME = "c\n::error::unreadable"
OWN_COMMAND = re.compile(r"^::(error|warning|notice) (file=[^\n]*?)?(,|::)")


@pytest.fixture
def hostile_repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    monit = tmp_path / "monit.d"
    monit.mkdir()
    (monit / ESCAPE_NAME).write_text("check process p with pidfile /run/p.pid\n")
    (monit / NEWLINE_NAME).write_text("check process q with pidfile /run/q.pid\n")
    (monit / BINARY_NAME).write_bytes(b"\0binary")
    return tmp_path


@pytest.mark.parametrize("output_format", FORMATS)
def test_names_with_escapes_and_newlines_never_reach_the_output_raw(hostile_repo: Path, output_format: str) -> None:
    run = monitlint("check", "--no-cache", "--isolated", "--format", output_format, ".", cwd=hostile_repo)
    assert run.exit_code == 2  # the binary file could not be checked
    for stream in (run.stdout, run.stderr):
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", stream), stream[:2000]
        for line in stream.splitlines():
            assert not line.startswith("::add-mask::")
            if line.startswith("::"):
                assert output_format == "github" and OWN_COMMAND.match(line), line
    assert len(run.stderr.splitlines()) == 1  # one line for the unreadable file


def test_github_reports_unreadable_files_as_escaped_error_commands(hostile_repo: Path) -> None:
    run = monitlint("check", "--no-cache", "--isolated", "--format", "github", ".", cwd=hostile_repo)
    errors = [line for line in run.stdout.splitlines() if line.startswith("::error file=monit.d/c")]
    assert errors == [
        "::error file=monit.d/c%0A%3A%3Aerror%3A%3Aunreadable,title=monitlint::"
        "monit.d/c%0A::error::unreadable: binary file (NUL byte at offset 0), not a Monit control file"
    ]


def test_json_keeps_names_exact_and_escaped(hostile_repo: Path) -> None:
    run = monitlint("check", "--no-cache", "--isolated", "--format", "json", ".", cwd=hostile_repo)
    paths = {d["path"] for d in json.loads(run.stdout)["diagnostics"]}
    assert f"monit.d/{NEWLINE_NAME}" in paths  # one spelling: relative to the current folder, no "./"


@pytest.mark.slow  # 5 s a format
@pytest.mark.parametrize("output_format", ["text", "sarif", "gitlab"])
def test_a_long_line_of_findings_prints_a_window_of_it(tmp_path: Path, output_format: str) -> None:
    (tmp_path / "monitrc").write_text("set daemon 30\ncheck system s\n  " + "if " * 33_000 + "\n")  # 100 KB
    args = ("check", "--no-cache", "--isolated", "--format", output_format, "monitrc")
    # 1 GiB: the formats that hash each finding's line once held a copy of it per finding (3.3 GB).
    run = monitlint(*args, cwd=tmp_path, timeout=120, memory=GIB, keep_stdout=False)
    findings = 33_000
    assert run.exit_code == 1, run.stderr
    assert run.stdout_bytes < findings * 1000, run.stdout_bytes  # text was 5 GB: each finding printed the whole line


def test_the_caret_stays_under_the_finding() -> None:
    line = "\t" + "x" * 300 + "\x1b[31m" + "target" + "y" * 300
    column = line.index("target") + 1
    shown, offset, width = clip_line(line, column, column + len("target"))
    assert shown[offset : offset + width] == "target" and len(shown) <= SOURCE_WIDTH + 2
    assert shown.startswith("\N{HORIZONTAL ELLIPSIS}") and shown.endswith("\N{HORIZONTAL ELLIPSIS}")
    assert "\\x1b[31m" in shown and "\x1b" not in shown
    short = "check\tprocess \x07x"
    shown, offset, width = clip_line(short, 15, 17)
    assert shown == "check process \\x07x" and shown[offset : offset + width] == "\\x07x"


def test_printable_shows_every_control_character() -> None:
    assert printable("a\x1b[2J\n\r\t\x7f\x85\u202e\ud8ff\udcff") == "a\\x1b[2J\\n\\r\\t\\x7f\\x85\\u202e\\ud8ff\\xff"
    assert printable("keep\nthis", keep="\n") == "keep\nthis"
