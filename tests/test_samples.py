"""The bundled samples say what samples/README.md says they do."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.conftest import SAMPLES, MonitVerdict, first_syntax_error, run_cli


def findings(*args: str) -> tuple[int, list[dict[str, object]]]:
    result = run_cli("check", "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout)["diagnostics"]


def test_good_sample_is_clean() -> None:
    code, diags = findings("--root", str(SAMPLES / "good"), str(SAMPLES / "good/etc/monit/monitrc"))
    assert (code, diags) == (0, [])


def test_missing_stop_sample() -> None:
    code, diags = findings(str(SAMPLES / "missing-stop/monitrc"))
    assert code == 1
    assert [(d["code"], d["line"], d["service"]) for d in diags] == [("MON101", 19, "myapp")]


def test_syntax_errors_sample_reports_all_three() -> None:
    code, diags = findings(str(SAMPLES / "syntax-errors/monitrc"))
    assert code == 1
    assert [(d["code"], d["line"], d["column"]) for d in diags] == [
        ("MON001", 10, 31),
        ("MON001", 16, 17),
        ("MON001", 20, 19),
    ]


def test_samples_agree_with_monit(monit_t: Callable[[Path, Path | None], MonitVerdict], tmp_path: Path) -> None:
    assert first_syntax_error(monit_t(SAMPLES / "missing-stop/monitrc", None)) is None
    verdict = monit_t(SAMPLES / "syntax-errors/monitrc", None)
    error = first_syntax_error(verdict)
    assert error is not None and error[1] == 10
    good = (SAMPLES / "good/etc/monit/monitrc").read_text()
    copy = tmp_path / "good.monitrc"
    copy.write_text(good.replace("include /etc/monit/conf.d/", f"include {SAMPLES}/good/etc/monit/conf.d/"))
    assert first_syntax_error(monit_t(copy, None)) is None
