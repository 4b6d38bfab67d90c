"""Monit's checks after the grammar (what `monit -t` 5.33 refuses in a file its parser accepts).

Table-driven: each refused text must give an error of the monit-rejects rule whose message holds
Monit's reason, with a hint; each accepted twin must give none.  Every row was judged by Debian's
`monit -t` (PEM paths aside: the PEM files of these texts do not exist, which is a host check).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import monitlint
from monitlint.diagnostics import Diagnostic, ProblemKind
from monitlint.linter.catalog import all_rules, rule_for

HOST = "set daemon 30\ncheck host h with address 127.0.0.1\n"
SYNTAX_CODE = rule_for(ProblemKind.SYNTAX_ERROR).code
REJECTS_CODE = next(r.code for r in all_rules() if r.name == "monit-rejects")
MD5 = "8f7f419955cefa0b33a2ba316cba3659"


def port(options: str) -> str:
    """A control file with one port test of `check host h`."""
    return f"{HOST}  if failed port 80 {options} then alert\n"


def words(count: int) -> str:
    """A program string of `count` words."""
    return " ".join(["/bin/true"] + [f"a{i}" for i in range(2, count + 1)])


# (text, a fragment of the message: Monit's reason)
REFUSED = [
    # send/expect only in the generic protocol (`sendexpect`)
    (port('protocol http send "GET /"'), "The SEND statement is not allowed in the HTTP protocol context"),
    (port('protocol smtp expect "^220"'), "The EXPECT statement is not allowed in the SMTP protocol context"),
    (port('protocol https expect "x"'), "not allowed in the HTTP protocol context"),
    (port('protocol apache-status path /s expect "x"'), "in the APACHESTATUS protocol context"),
    (
        "set daemon 30\ncheck process p with pidfile /run/p.pid\n"
        '  if failed unixsocket /run/p.sock protocol redis expect "x" then alert\n',
        "in the REDIS protocol context",
    ),
    # HTTP (`addport()`, `status`)
    (port('protocol http method head and content = "ok"'), "the HEAD method is not allowed"),
    (port(f"protocol http method head checksum {MD5}"), "the HEAD method is not allowed"),
    (port('content = "ok" protocol http method head'), "the HEAD method is not allowed"),
    (port("protocol http status = 3000000000"), "The status value must be greater or equal to 0"),
    (port("protocol http status 2147483648"), "read as -2147483648"),
    (port("protocol http status = 4294967295"), "The status value must be greater or equal to 0"),
    # mysql rsakey
    (port(f"protocol mysql rsakey checksum {MD5}"), "the rsakey checksum test requires credentials"),
    (port(f'protocol mysql password "p" rsakey checksum {MD5}'), "requires credentials"),
    (port(f'protocol mysqls username "u" rsakey checksum {MD5}'), "can be used just with unsecured mysql protocol"),
    (port(f'protocol mysql username "u" rsakey checksum {MD5} ssl'), "just with unsecured mysql protocol"),
    (port(f'protocol mysql username "u" rsakey checksum {MD5} ssl {{ verify: enable }}'), "unsecured mysql"),
    (port(f'type tcpssl protocol mysql username "u" rsakey checksum {MD5}'), "unsecured mysql"),
    (port(f'protocol mysql username "u" rsakey checksum {MD5} certificate valid > 10 days'), "unsecured mysql"),
    # radius over UDP only
    (port('protocol radius secret "s"'), "Radius protocol test supports UDP only"),
    (port('type udp protocol radius secret "s" type tcp'), "supports UDP only"),
    # outgoing address: numeric only (getaddrinfo with AI_NUMERICHOST)
    (port("address localhost"), "IP address parsing failed for localhost"),
    (port('address "1.2.3.256"'), "IP address parsing failed for 1.2.3.256"),
    (f"{HOST}  if failed ping address localhost then alert\n", "IP address parsing failed for localhost"),
    # certificate checksums (`sslchecksum`, `certmd5`) wherever they are written
    ('set mailserver localhost certificate checksum "abcdef"\n', "unknown checksum type [abcdef]"),
    (f'set mailserver localhost certificate checksum md5 "{MD5}aa"\n', "an MD5 checksum is 32 hex digits"),
    (f'set mailserver localhost certificate checksum sha1 "{MD5}"\n', "an SHA1 checksum is 40 hex digits"),
    ('set mmonit http://localhost:8080/collector certificate checksum "abcdef"\n', "unknown checksum type"),
    ('set mmonit http://localhost:8080/collector certmd5 "abcdef"\n', "an MD5 checksum is 32 hex digits"),
    (port('type tcpssl certmd5 "abc"'), "an MD5 checksum is 32 hex digits"),
    # SSL versions a Monit built on OpenSSL 3 refuses
    ("set ssl { version: sslv2 }\n", "Your SSL Library does not support SSL version 2"),
    ("set ssl { version: sslv3 }\n", "does not support SSL version 3"),
    ("set mailserver localhost using sslv2\n", "does not support SSL version 2"),
    ("set mmonit http://localhost:8080/collector sslv3\n", "does not support SSL version 3"),
    (port("type tcpssl sslv3"), "does not support SSL version 3"),
    (port("ssl { version: sslv3 }"), "OpenSSL 3"),
    # set httpd and TLS (`sethttpd`, `_setPEM()`)
    ("set httpd port 2812 ssl allow localhost\n", "SSL server PEM file is required"),
    ("set httpd port 2812 ssl { verify: enable } allow localhost\n", "SSL server PEM file is required"),
    ("set httpd port 2812 ssl { version: tlsv12 } allow localhost\n", "SSL server PEM file is required"),
    ("set httpd port 2812 allowselfcertification allow localhost\n", "SSL server PEM file is required"),
    ("set httpd port 2812 clientpemfile /etc/c.pem allow localhost\n", "SSL server PEM file is required"),
    ("set httpd port 2812 ssl { cacertificatefile: /etc/ca.pem } allow localhost\n", "PEM file is required"),
    ("set httpd port 2812 ssl { pemchain: /etc/c.pem } allow localhost\n", "`pemchain` without `pemkey`"),
    ("set httpd port 2812 ssl { pemkey: /etc/k.pem } allow localhost\n", "`pemkey` without `pemchain`"),
    (
        "set httpd port 2812 ssl { pemfile: /etc/a.pem pemchain: /etc/b.pem } allow localhost\n",
        "SSL server option pemfile and pemchain|pemkey are mutually exclusive",
    ),
    ("set httpd port 2812 ssl { pemfile: /etc/a.pem pemkey: /etc/b.pem } allow localhost\n", "mutually exclusive"),
    ("set httpd port 2812 ssl { pemfile: /etc/a.pem pemfile: /etc/b.pem }\n", "Duplicate SSL server PEM file"),
    ("set httpd port 2812 pemfile /etc/a.pem ssl { pemfile: /etc/b.pem }\n", "Duplicate SSL server PEM file"),
    ("set httpd port 2812 pemfile /etc/a.pem pemfile /etc/a.pem\n", "Duplicate SSL server PEM file"),
    ("set httpd port 2812 ssl { pemfile: /etc/a.pem } ssl { pemfile: /etc/b.pem }\n", "Duplicate SSL server PEM"),
    (
        "set httpd port 2812 ssl { pemfile: /etc/a.pem cacertificatepath: /etc/ca cacertificatepath: /etc/ca }\n",
        "Duplicate SSL CA certificates directory",
    ),
    ("set ssl { clientpemfile: /etc/a.pem clientpemfile: /etc/b.pem }\n", "Duplicate SSL client PEM file"),
    ("set mailserver localhost using ssl { cacertificatefile: /a cacertificatefile: /b }\n", "CA certificates file"),
    (port("ssl { pemkey: /etc/a.pem pemkey: /etc/b.pem }"), "Duplicate SSL server private key PEM file"),
    # set httpd unixsocket permission (`check_perm()`)
    ("set httpd unixsocket /run/m.sock permission 999 allow localhost\n", "octal value between 0 and 7777"),
    ("set httpd unixsocket /run/m.sock permission 17777 allow localhost\n", "octal value between 0 and 7777"),
    ("set httpd unixsocket /run/m.sock permission 4294967295 allow localhost\n", "reads 4294967295 as -1"),
    # program arguments (`addargument()`: at most 63 words)
    (
        f'set daemon 30\ncheck process p with pidfile /run/p.pid\n  start program = "{words(64)}"\n',
        "Exceeded maximum number of program arguments",
    ),
    (
        f'set daemon 30\ncheck process p with pidfile /run/p.pid\n  if cpu > 50% then exec "{words(70)}"\n',
        "Exceeded maximum number of program arguments",
    ),
    (f'set daemon 30\ncheck program p with path "{words(64)}"\n  if status != 0 then alert\n', "at most 63"),
    # poll time (`postparse()`), for a whole file
    ("set init\n", "Poll time is invalid or not defined"),
    ("set init\ncheck system s\n", "Poll time is invalid or not defined"),
    ("set daemon 30\nset daemon 0\n", "poll time above 0"),
    ("set daemon 4294967296\n", "poll time above 0"),
]

ACCEPTED = [
    port('send "GET /" expect "HTTP"'),
    port('send "GET /" protocol http'),  # Monit checks the protocol in force when it reads the send
    port('protocol default send "x" expect "y"'),
    port("protocol http method head"),
    port('protocol http method get and content = "ok"'),
    port(f"protocol http checksum {MD5}"),
    port("protocol http status = 2147483647"),
    port("protocol http status = 4294967296"),  # 32-bit: read as 0
    port(f'protocol mysql username "u" password "p" rsakey checksum {MD5}'),
    port(f'protocol mysql username "u" rsakey checksum {MD5} ssl {{ ciphers: "HIGH" }}'),  # no TLS: ciphers only
    port(f'protocol mysql username "u" rsakey checksum {MD5} ssl {{ }}'),
    port('type udp protocol radius secret "s"'),
    port('protocol radius secret "s" type udp'),
    port("address 127.0.0.1"),
    port("address ::1"),
    port('address "1.2.3"'),  # inet_aton forms are numeric too
    port('address "fe80::1%lo"'),
    f"{HOST}  if failed ping address 10.0.0.1 then alert\n",
    port('certificate checksum = "8F:7F:41:99:55:CE:FA:0B:33:A2:BA:31:6C:BA:36:59"'),  # only hex digits count
    "set daemon 30\ncheck file f with path /etc/f\n"
    '  if failed checksum expect "8F:7F:41:99:55:CE:FA:0B:33:A2:BA:31:6C:BA:36:59" then alert\n',
    f'set mailserver localhost certificate checksum "{MD5}"\n',
    f'set mmonit http://localhost:8080/collector certmd5 "{MD5}"\n',
    "set ssl { version: -sslv2 -sslv3 tlsv1 tlsv11 tlsv12 tlsv13 auto }\n",
    "set mailserver localhost using tlsv12\n",
    "set httpd port 2812 ssl { } allow localhost\n",
    'set httpd port 2812 ssl { ciphers: "HIGH" } allow localhost\n',
    "set httpd port 2812 ssl { pemfile: /etc/a.pem } allow localhost\n",
    "set httpd port 2812 pemfile /etc/a.pem allow localhost\n",
    "set httpd port 2812 ssl pemfile /etc/a.pem allowselfcertification allow localhost\n",
    "set httpd port 2812 ssl { pemchain: /etc/c.pem pemkey: /etc/k.pem } allow localhost\n",
    "set httpd port 2812 ssl { pemchain: /etc/c.pem } ssl { pemkey: /etc/k.pem } allow localhost\n",
    'set httpd port 2812 ssl { pemfile: /etc/a.pem ciphers: "A" ciphers: "B" verify: enable verify: disable }\n',
    "set httpd unixsocket /run/m.sock permission 0777 allow localhost\n",
    "set httpd unixsocket /run/m.sock permission 7777 allow localhost\n",
    "set httpd unixsocket /run/m.sock permission 4294968073 allow localhost\n",  # 32-bit: read as 777
    f'set daemon 30\ncheck process p with pidfile /run/p.pid\n  start program = "{words(63)}"\n',
    f'set daemon 30\ncheck program p with path "{words(63)}"\n  if status != 0 then alert\n',
    "set init\nset daemon 30\n",
    "set daemon 30\nset init\n",
    "set daemon 0\nset daemon 30\n",  # the last poll time counts
    "set daemon 2147483648\n",  # read as negative: Monit only refuses 0
    "check system s\n",  # no `set daemon` and no `set init`: Monit accepts it
]


def lint(tmp_path: Path, text: str) -> list[Diagnostic]:
    """The findings on `text` as a whole control file."""
    path = tmp_path / "monitrc"
    path.write_text(text)
    path.chmod(0o600)
    return monitlint.lint([path]).diagnostics


def refusals(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """The findings of the rule that reports Monit's refusals after the grammar."""
    return [d for d in diagnostics if d.code == REJECTS_CODE]


@pytest.mark.parametrize(("text", "reason"), REFUSED)
def test_monit_refuses(tmp_path: Path, text: str, reason: str) -> None:
    diagnostics = lint(tmp_path, text)
    assert not [d for d in diagnostics if d.code == SYNTAX_CODE], diagnostics
    found = refusals(diagnostics)
    assert any(reason in d.message for d in found), [d.message for d in found]
    assert all(d.hint for d in found if reason in d.message)


@pytest.mark.parametrize("text", ACCEPTED)
def test_monit_accepts(tmp_path: Path, text: str) -> None:
    diagnostics = lint(tmp_path, text)
    assert not [d for d in diagnostics if d.code == SYNTAX_CODE], diagnostics
    assert refusals(diagnostics) == []


def test_set_init_in_a_fragment_is_left_to_the_main_file(tmp_path: Path) -> None:
    """A drop-in does not know its main file's `set daemon`: no poll-time finding there."""
    folder = tmp_path / "conf.d"
    folder.mkdir()
    fragment = folder / "init"
    fragment.write_text("set init\n")
    assert refusals(monitlint.lint([fragment]).diagnostics) == []
