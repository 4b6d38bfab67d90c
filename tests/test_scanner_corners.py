"""Scanner corners from the differential fuzzer (issue 25), each judged by Debian's Monit 5.33 `monit -t`.

monitlint must never crash on them and must report a syntax error (MON001) exactly where Monit does.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from monitlint.config import Config
from monitlint.linter.engine import EngineContext, Unit, lint_unit
from monitlint.selection import Settings
from tests.monit_versions import DEBIAN_RELEASE, find_judges, monit_t

HEAD = "set daemon 30\n"
CORNERS = {
    # Flex folds ASCII case only: these are service names (a process check), not check types.
    "long_s_system": "check \u017fystem with pidfile /run/x.pid\n",
    "dotless_i_file": "check f\u0131le with pidfile /run/x.pid\n",
    "long_s_process": "check proce\u017fs with pidfile /run/x.pid\n",
    "long_s_host": "check ho\u017ft with pidfile /run/x.pid\n",
    "kelvin_check": "chec\u212a process p with pidfile /run/x.pid\n",
    "kelvin_if": "check process p with pidfile /run/x.pid\n  i\u212a cpu > 1% then alert\n",
    # Monit's bare `check[ \t]+program` rule: a program check named "x".
    "check_programx": "check programx with path /bin/true\n  if status != 0 then alert\n",
    "check_filex": "check filex with path /etc/hostname\n",
    # l.l's {ws} is [ \r\t]: a carriage return inside the blanks of a composite token.
    "cr_start_program": 'check process p with pidfile /run/x.pid\n  start program =\r"/bin/true"\n',
    "cr_exec": 'check process p with pidfile /run/x.pid\n  if cpu > 1% then exec\r"/bin/true"\n',
    "cr_cron": 'check process p with pidfile /run/x.pid\n  every "* * * * *\r"\n',
    "cr_path": 'check program x path\r"/bin/true"\n  if status != 0 then alert\n',
}


def _syntax_errors(text: str) -> list[str]:
    result = lint_unit(Unit("monitrc", text), EngineContext(Settings.of(Config()), None, in_entrypoint_context=False))
    return [f"{d.span.line}: {d.message}" for d in result.diagnostics if d.code == "MON001"]


@pytest.mark.parametrize("name", sorted(CORNERS))
def test_scanner_corner_agrees_with_monit_533(name: str, tmp_path: Path) -> None:
    """No crash; a syntax error exactly when Monit 5.33 refuses the file."""
    judges, _ = find_judges()
    if DEBIAN_RELEASE not in judges:
        pytest.skip("Debian's monit (5.33.0) is not installed")
    text = HEAD + CORNERS[name]
    verdict = monit_t(judges[DEBIAN_RELEASE], text, tmp_path)
    ours = _syntax_errors(text)
    if verdict.accepts:
        assert not ours, f"Monit 5.33 accepts {name}; monitlint says {ours}"
    else:
        assert ours, f"Monit 5.33 says {verdict.output.strip()!r}; monitlint found no syntax error"


def test_long_s_is_a_process_check_named_so() -> None:
    """`check ſystem` is what Monit makes of it: a process check named "ſystem" (it crashed with KeyError)."""
    from monitlint.grammar.parser import parse_text

    parsed = parse_text(HEAD + CORNERS["long_s_system"], "monitrc")
    assert [(s.name, s.type.value) for s in parsed.config.services] == [("\u017fystem", "process")]
