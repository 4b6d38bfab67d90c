"""Scanner corners from the differential fuzzer (issue 25), each judged by Debian's Monit 5.33 `monit -t`.

monitlint must never crash on them and must report an error (MON001, MON006) exactly where Monit refuses.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from monitlint.config import Config
from monitlint.linter.engine import EngineContext, Unit, lint_unit
from monitlint.selection import Settings
from tests.monit_versions import DEBIAN_RELEASE, find_judges, monit_t

HEAD = "set daemon 30\n"
NET = "check network n with interface lo\n"
HOST = "check host h with address 127.0.0.1\n"
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
    # `check` and a newline: every l.l rule is check[ \t]+…, so Monit says syntax error.
    "check_newline_name": "check\nfoo with pidfile /run/x.pid\n",
    # An include quote never closed: l.l's [^ \t\r\n]+ takes it, quote and all; "Include failed", and on.
    "include_unterminated": 'include "/nonexistent-monitlint\ncheck process p with pidfile /run/x.pid\n',
    "include_unterminated_eof": 'include "/nonexistent-monitlint',
    # A URL at the very end of the file; one followed by `then alert` without a newline.
    "url_at_eof": "check host h with address 127.0.0.1\n  if failed url http://127.0.0.1/",
    "url_eof_then": "check host h with address 127.0.0.1\n  if failed url http://127.0.0.1/ then alert",
    # l.l's URL user ([^:@ ]+) and password (:[^@ ]+@) may run across a newline.
    "url_password_newline": HOST + "  if failed url http://user:pa\nss@127.0.0.1/ then alert\n",
    "url_user_newline": HOST + "  if failed url http://us\ner:pass@127.0.0.1/ then alert\n",
    "url_then_next_line": HOST + "  if failed url http://127.0.0.1/x\nthen alert\n",
    "url_newline_alert": HOST + "  if failed url http://127.0.0.1/x\nalert\na@b.c\n",
    # 32-bit wrap-arounds Monit accepts, and their neighbours it refuses.
    "permission_wraps_to_0": "check file f with path /etc/hostname\n  if failed permission 4294967296 then alert\n",
    "permission_wraps_negative": "check file f with path /etc/hostname\n  if failed permission 4294967295 then alert\n",
    "ping_size_wraps_to_64": "check host h with address 127.0.0.1\n  if failed ping size 4294967360 then alert\n",
    "total_range_wraps": NET + "  if total upload > 1 GB in last 2147483649 minutes then alert\n",
    "total_range_minus_one": NET + "  if total upload > 1 GB in last 4294967295 minutes then alert\n",
    # Monit's 16,382-byte buffer holds one lexeme of any kind.
    "long_service_name": "check process " + "n" * 16390 + " with pidfile /run/x.pid\n",
    "long_service_name_fits": "check process " + "n" * 16000 + " with pidfile /run/x.pid\n",
    "long_group": "check process p with pidfile /run/x.pid\n  group " + "g" * 16390 + "\n",
    "long_blanks": " " * 16390 + "check process p with pidfile /run/x.pid\n",
    "long_blanks_fit": " " * 16000 + "check process p with pidfile /run/x.pid\n",
    "long_url": "check host h with address 127.0.0.1\n  if failed url http://127.0.0.1/"
    + "u" * 16390
    + " then alert\n",
    "long_subject": "set mail-format { subject: " + "s" * 16390 + " }\n",
    "long_depends": "check process p with pidfile /run/x.pid\n  depends on " + "d" * 16390 + "\n",
    # IPv6-looking words: l.l's {ipv6}[/]?[0-9]{0,3}, the longest match.
    "allow_ipv6_slash": "set httpd port 2812\n  allow ::1/\n",
    "allow_ipv6_mapped": "set httpd port 2812\n  allow ::ffff:1.2.3.4\n",
    "allow_not_ipv6": "set httpd port 2812\n  allow a:b:c\n",
    "address_not_ipv6": "set httpd port 2812 address fe80:1:2\n  allow localhost\n",
    "address_ipv6": "set httpd port 2812 address fe80::1\n  allow localhost\n",
    # A checksum longer than an MD5 or SHA1 one.
    "checksum_66": "check file f with path /etc/hostname\n  if failed checksum expect " + "a" * 66 + " then alert\n",
    # Monit keeps 65 characters of a file checksum: 40 hex digits after 26 colons are cut to 39.
    "checksum_cut": 'check file f with path /etc/hostname\n  if failed checksum expect "'
    + ":" * 26
    + "a" * 40
    + '" then alert\n',
    "checksum_fits": 'check file f with path /etc/hostname\n  if failed checksum expect "'
    + ":" * 25
    + "a" * 40
    + '" then alert\n',
    "checksum_colons": 'check file f with path /etc/hostname\n  if failed checksum expect "'
    + ":".join("a" * 40)
    + '" then alert\n',
}


def _syntax_errors(text: str) -> list[str]:
    result = lint_unit(Unit("monitrc", text), EngineContext(Settings.of(Config()), None, in_entrypoint_context=False))
    return [f"{d.span.line}: {d.message}" for d in result.diagnostics if d.code in ("MON001", "MON006")]


@pytest.mark.parametrize("name", sorted(CORNERS))
def test_scanner_corner_agrees_with_monit_533(name: str, tmp_path: Path) -> None:
    """No crash; an error exactly when Monit 5.33 refuses the file."""
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
