"""The `monitlint` command as users run it: formats, exit codes and bad input."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitlint.cli import cli
from tests.conftest import run_cli

MISSING_STOP = (
    "set daemon 30 set httpd unixsocket /run/m.sock allow localhost\n"
    'check process myapp with pidfile /run/myapp.pid\n  start program = "/usr/bin/myapp" with timeout 9 seconds\n'
)
CLEAN = (
    'check process a with pidfile /run/a.pid\n  start program = "/a" with timeout 9 seconds\n'
    '  stop program = "/a stop" with timeout 9 seconds\n'
)


@pytest.fixture
def missing_stop(tmp_path: Path) -> Path:
    path = tmp_path / "monitrc"
    path.write_text(MISSING_STOP)
    return path


def test_text_output_shows_location_source_line_caret_and_hint(missing_stop: Path) -> None:
    result = run_cli("check", str(missing_stop))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{missing_stop}:2:1: MON101 error: process service 'myapp' has no stop program")
    assert lines[1] == "2 | check process myapp with pidfile /run/myapp.pid"
    assert lines[2] == "  | ^^^^^^^^^^^^^^^^^^^"
    assert lines[3].startswith("  = hint: add `stop program")
    assert lines[-1] == "Found 1 problem (1 error) in 1 file."
    assert result.stderr == ""


def test_json_output(missing_stop: Path) -> None:
    result = run_cli("check", "--format", "json", str(missing_stop))
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["version"] == 1
    (diag,) = document["diagnostics"]
    assert {
        k: diag[k] for k in ("code", "rule", "severity", "path", "line", "column", "end_line", "end_column", "service")
    } == {
        "code": "MON101",
        "rule": "missing-stop-program",
        "severity": "error",
        "path": str(missing_stop),
        "line": 2,
        "column": 1,
        "end_line": 2,
        "end_column": 20,
        "service": "myapp",
    }
    assert "message" in diag
    assert document["summary"]["total"] == 1 and document["summary"]["errors"] == 1


def test_clean_file_exits_zero(tmp_path: Path) -> None:
    path = tmp_path / "monitrc"
    path.write_text(CLEAN)
    result = run_cli("check", str(path))
    assert (result.exit_code, result.stdout.strip()) == (0, "No problems found in 1 file.")
    assert json.loads(run_cli("check", "--format", "json", str(path)).stdout)["diagnostics"] == []


def test_syntax_error_output(tmp_path: Path) -> None:
    path = tmp_path / "monitrc"
    path.write_text("check process a with pidfile /run/a.pid\n  if cpu > 80% alert\n")
    result = run_cli("check", str(path))
    assert result.exit_code == 1
    assert f"{path}:2:16: MON001 error: unexpected `alert`: expected `then` after the condition" in result.stdout


def test_a_latin1_comment_is_read_as_monit_reads_bytes(tmp_path: Path) -> None:
    """Monit reads bytes: `monit -t` accepts a Latin-1 comment, so monitlint lints the file."""
    path = tmp_path / "monitrc"
    path.write_bytes(b"set daemon 30 # caf\xe9\ncheck system s\n  if loadavg (1min) > 4 then aler\n")
    result = run_cli("check", "--isolated", "--no-cache", str(path))
    assert result.exit_code == 1 and ":3:" in result.stdout and "MON001" in result.stdout, result.stdout


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\x00\x01\x02ELF", "binary file"),
    ],
)
def test_binary_and_non_utf8_files_are_clear_errors(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "monitrc"
    path.write_bytes(content)
    result = run_cli("check", str(path))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and expected in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_missing_file_directory_and_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    cases = (
        (tmp_path / "nope", "no such file"),
        (tmp_path, "no Monit control files found"),
        (fifo, "not a regular"),
    )
    for path, expected in cases:
        result = run_cli("check", str(path))
        assert result.exit_code == 2, path
        assert expected in result.stderr and "Traceback" not in result.stderr


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "monitrc"
    path.write_text(CLEAN)

    def deny(*args: object, **kwargs: object) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("monitlint.files.source.os.open", deny)
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 2
    assert "permission denied" in result.output


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "monitrc"
    path.write_text("")
    result = run_cli("check", str(path))
    # monit -t says "Control file syntax OK" of an empty file: no finding at all (not even MON501)
    assert result.exit_code == 0 and result.stderr == "", result.stderr
    assert result.stdout == "No problems found in 1 file.\n", result.stdout


def test_one_unreadable_file_among_good_ones_still_fails(tmp_path: Path, missing_stop: Path) -> None:
    result = run_cli("check", str(missing_stop), str(tmp_path / "absent"))
    assert result.exit_code == 2
    assert "MON101" in result.stdout and "absent: no such file" in result.stderr


def test_bad_option_is_a_usage_error(missing_stop: Path) -> None:
    result = run_cli("check", "--format", "xml", str(missing_stop))
    assert result.exit_code == 2 and "Invalid value" in result.stderr
    assert run_cli("frobnicate").exit_code == 2
    assert run_cli("check").exit_code == 2


@pytest.mark.slow
def test_include_cycle_and_huge_glob(tmp_path: Path) -> None:
    (tmp_path / "many").mkdir()
    for i in range(10_000):
        (tmp_path / "many" / f"{i:05}.conf").write_text("")
    (tmp_path / "many" / "09999.conf").write_text("check system last\n")
    (tmp_path / "monitrc").write_text("include many/*.conf\ninclude monitrc\n")
    result = run_cli("check", str(tmp_path / "monitrc"))
    assert result.exit_code == 1
    assert "MON003" in result.stdout and "Traceback" not in result.stderr


def test_colour_only_on_a_terminal_and_never_with_no_color(missing_stop: Path) -> None:
    forced = run_cli("check", "--color", "always", str(missing_stop))
    assert "\x1b[" in forced.stdout
    assert "\x1b[" not in run_cli("check", str(missing_stop)).stdout

    def on_tty(env: dict[str, str]) -> str:
        main, secondary = pty.openpty()
        proc = subprocess.Popen(
            [sys.executable, "-m", "monitlint", "check", str(missing_stop)], stdout=secondary, stderr=secondary, env=env
        )
        os.close(secondary)
        output = b""
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
        proc.wait(timeout=60)
        os.close(main)
        return output.decode()

    base = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    assert "\x1b[" in on_tty(base)
    assert "\x1b[" not in on_tty({**base, "NO_COLOR": "1"})


def test_parse_command_prints_the_model(missing_stop: Path) -> None:
    result = run_cli("parse", "--format", "json", str(missing_stop))
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["version"] == 2
    service = document["config"]["services"][0]
    assert service["name"] == "myapp" and service["type"] == "process"
    assert service["start"]["argv"] == ["/usr/bin/myapp"] and service["stop"] is None
    assert service["span"] == {"path": str(missing_stop), "line": 2, "column": 1, "end_line": 2, "end_column": 20}
    assert document["config"]["settings"][0] == {
        "kind": "daemon",
        "span": {"path": str(missing_stop), "line": 1, "column": 1, "end_line": 1, "end_column": 14},
        "interval": 30,
        "start_delay": None,
    }


def test_parse_reports_syntax_errors_with_exit_1(tmp_path: Path) -> None:
    path = tmp_path / "monitrc"
    path.write_text("set daemon 30s\n")
    result = run_cli("parse", str(path))
    assert result.exit_code == 1
    assert json.loads(result.stdout)["diagnostics"][0]["code"] == "MON001"


def test_version_and_help_do_not_import_the_parser() -> None:
    code = "import sys; from monitlint.cli import cli; print('lark' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "False"
    assert run_cli("--version").stdout.startswith("monitlint, version ")


def test_the_command_loads_the_cli_with_the_cyclic_collector_off() -> None:
    """The `monitlint` script and `python -m monitlint` import the CLI with gc off (a sixth of start-up)."""
    import tomllib

    from tests.conftest import REPO

    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["monitlint"] == "monitlint.__main__:main"
    probe = (
        "import gc, sys\n"
        "class Watch:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'monitlint.cli':\n"
        "            print('collector on' if gc.isenabled() else 'collector off', flush=True)\n"
        "sys.meta_path.insert(0, Watch())\n"
        "sys.argv = ['monitlint', '--version']\n"
        "from monitlint.__main__ import main\n"
        "main()\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == "collector off"
    module = subprocess.run(
        [sys.executable, "-m", "monitlint", "--version"], capture_output=True, text=True, cwd=REPO, timeout=60
    )
    assert module.returncode == 0 and module.stdout.strip()
