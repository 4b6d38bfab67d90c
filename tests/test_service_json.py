"""`monitlint service … --format json` prints the same object for every outcome, usage errors included.

Fast: no daemon is needed for usage errors, and a missing `monit` is an environment error.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from monitlint import __version__
from monitlint.provider.usage_json import positionals, wants_json
from tests.conftest import run_cli

CONTROL = (
    "set daemon 1\nset httpd unixsocket /tmp/x.sock allow localhost\n"
    'check process app with pidfile /run/app.pid\n  start program = "/bin/app"\n  stop program = "/bin/app stop"\n'
)


@pytest.fixture
def control(tmp_path: Path) -> Path:
    path = tmp_path / "monitrc"
    path.write_text(CONTROL)
    path.chmod(0o600)
    return path


def _environment_error_keys(control: Path) -> list[str]:
    """The fields of a result the provider made itself (monit missing: exit 2)."""
    result = run_cli(
        "service", "status", "app", "-c", str(control), "--monit", "/nonexistent/monit", "--format", "json"
    )
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["version"] == __version__
    return list(data)


@pytest.mark.parametrize(
    ("args", "message", "action", "name"),
    [
        (("stop",), "stop needs a service name", "stop", ""),
        (("stop", "app", "--timeout", "abc"), "'abc' is not a number of seconds", "stop", "app"),
        (("stop", "app", "--timeout", "nan"), "finite number of seconds", "stop", "app"),
        (("stop", "app", "--bogus"), "No such option '--bogus'", "stop", "app"),
        (("ensure", "app"), "ensure needs a target state", "ensure", "app"),
        (("stop", "app", "running"), "unexpected extra argument", "stop", "app"),
        (("explode", "app"), "Invalid value for", "explode", "app"),
        ((), "Missing argument", "", ""),
    ],
)
def test_usage_errors_print_the_same_json_object(
    control: Path, args: tuple[str, ...], message: str, action: str, name: str
) -> None:
    result = run_cli("service", *args, "--format", "json")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert list(data) == _environment_error_keys(control)
    assert data["version"] == __version__ and data["ok"] is False and data["exit_code"] == 2
    assert message in data["message"] and "\n" not in data["message"]
    assert (data["action"], data["service"]) == (action, name)
    assert "Usage:" in result.stderr  # the usage line is still on stderr
    assert "Traceback" not in result.stderr


def test_format_equals_json_and_text_format(control: Path) -> None:
    assert json.loads(run_cli("service", "stop", "--format=json").stdout)["exit_code"] == 2
    text = run_cli("service", "stop")
    assert text.exit_code == 2 and text.stdout == ""  # text: only the usage line, on stderr


def test_service_list_json_has_a_version_on_every_outcome(control: Path) -> None:
    missing = run_cli("service", "list", "-c", str(control), "--monit", "/nonexistent/monit", "--format", "json")
    assert missing.exit_code == 2
    data = json.loads(missing.stdout)
    assert list(data) == ["version", "ok", "exit_code", "message", "services"]
    assert data["version"] == __version__ and data["ok"] is False and data["services"] == []
    usage = run_cli("service", "list", "app", "--format", "json")
    assert usage.exit_code == 2
    assert list(json.loads(usage.stdout)) == ["version", "ok", "exit_code", "message", "services"]


def test_raw_argument_reading() -> None:
    assert wants_json(["stop", "--format", "json"]) and wants_json(["--format=json", "stop"])
    assert not wants_json(["stop", "--format", "json", "--format", "text"])
    assert not wants_json(["stop", "--", "--format", "json"])
    assert positionals(["-c", "/x", "stop", "--timeout", "3", "app"]) == ["stop", "app"]
