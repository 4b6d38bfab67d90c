"""The engine API: monitlint.lint(paths_or_sources, config) -> Report."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import monitlint
from monitlint.config import Config
from monitlint.diagnostics import Severity
from tests.conftest import REPO

CLEAN = (
    "set daemon 30\nset httpd unixsocket /run/monit.sock allow localhost\n"
    "check process a with pidfile /run/a.pid\n"
    '    start program = "/bin/a start" with timeout 5 seconds\n'
    '    stop program = "/bin/a stop" with timeout 5 seconds\n'
)


def test_import_monitlint_stays_cheap() -> None:
    code = "import sys, monitlint; print(sorted(m for m in sys.modules if m.startswith('monitlint')))"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['monitlint']"


def test_a_path_and_a_text(tmp_path: Path) -> None:
    path = tmp_path / "monitrc"
    path.write_text(CLEAN.replace("    stop program", "#"))  # MON101
    report = monitlint.lint([path, monitlint.Text(CLEAN, "other")])
    assert [(d.code, Path(d.span.path).name) for d in report.diagnostics] == [("MON101", "monitrc")]
    assert len(report.results) == 2 and report.results[0].parse is not None
    assert report.failed and report.errors == []


def test_a_clean_text_does_not_fail() -> None:
    report = monitlint.lint(monitlint.Text(CLEAN))
    assert report.diagnostics == [] and not report.failed


def test_fail_on_and_what_monit_refuses() -> None:
    lenient = Config(fail_on=Severity.ERROR, severity={"MON101": Severity.WARNING})
    assert not monitlint.lint(monitlint.Text(CLEAN.replace("    stop program", "#")), lenient).failed
    broken = monitlint.lint(monitlint.Text(CLEAN + "check process b with pidfile\n"), Config(ignore=["ALL"]))
    assert [d.code for d in broken.diagnostics] == ["MON001"] and broken.failed


def test_an_unreadable_input_is_an_error_not_an_exception(tmp_path: Path) -> None:
    report = monitlint.lint(str(tmp_path / "missing"))
    assert report.results == [] and report.errors[0][0] == str(tmp_path / "missing")


def test_a_text_is_linted_in_its_entrypoints_context(tmp_path: Path) -> None:
    main = tmp_path / "monitrc"
    main.write_text(CLEAN + f"include {tmp_path}/conf.d/*.conf\n")
    (tmp_path / "conf.d").mkdir()
    fragment = tmp_path / "conf.d" / "c.conf"
    fragment.write_text(
        CLEAN.split("\n", 2)[2].replace("process a", "process c").replace("/a", "/c") + "    depends on a\n"
    )
    config = Config(entrypoints=[str(main)])
    assert monitlint.lint(fragment, config).diagnostics == []  # `a` is known in the entrypoint's context
    # The unsaved text, not the file on disk, is linted, and whole-config rules (MON202) apply to it.
    unsaved = monitlint.Text(fragment.read_text().replace("depends on a", "depends on zzz"), str(fragment))
    assert [(d.code, d.span.path) for d in monitlint.lint(unsaved, config).diagnostics] == [("MON202", str(fragment))]
    assert monitlint.lint(unsaved).diagnostics == []  # on its own it is a fragment
