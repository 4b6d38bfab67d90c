"""Hypothesis strategies for the fuzz tests: garbage, mutated real files, and valid control files.

- ``monitish_text``: text made of monitrc keywords, punctuation and odd characters, which reaches
  far deeper into the scanner and parser than uniformly random text.
- ``mutated``: a real control file (``samples/``, the corpus, the statement forms) tokenised on
  whitespace, with tokens deleted, duplicated, swapped, replaced, split or the file truncated.
- ``valid_config``: a control file generated from Monit's statement forms, with random names,
  numbers, units, operators, rates, actions, dependencies and regular expressions, meant to be
  accepted by ``monit -t``; it is checked against the real Monit in test_fuzz.py.

Values that Monit and monitlint are known to judge differently (see the regression tests in
test_fuzz.py) are kept out of ``valid_config`` so the equivalence property stays a useful alarm.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hypothesis import strategies as st

# Whitespace runs and words, alternately: joining the pieces gives the text back.
TOKEN_RE = re.compile(r"\s+|\S+")


def tokenise(text: str) -> list[str]:
    """Split text into whitespace runs and words, keeping both so ``"".join`` restores it."""
    return TOKEN_RE.findall(text)


# --- garbage ---------------------------------------------------------------------------------

PUNCTUATION = [*" \t\n\r\"'{}()[],;:@%#!=<>/\\*-.$~&|^`?+", "\x0b", "\x0c", "\u00a0", "\u2028", "\ufeff", "é"]

KEYWORD_PIECES = [
    "check",
    "process",
    "file",
    "fifo",
    "filesystem",
    "device",
    "directory",
    "host",
    "system",
    "program",
    "network",
    "set",
    "daemon",
    "if",
    "then",
    "else",
    "alert",
    "noalert",
    "include",
    "depends on",
    "depend",
    "group",
    "every",
    "not every",
    "start program",
    "stop program",
    "restart",
    "exec",
    "start",
    "stop",
    "with",
    "pidfile",
    "path",
    "matching",
    "address",
    "interface",
    "timeout",
    "seconds",
    "cycles",
    "times",
    "within",
    "for",
    "mail-format",
    "from:",
    "reply-to:",
    "subject:",
    "message:",
    "http headers [",
    "]",
    "cpu",
    "total cpu",
    "memory",
    "loadavg (5min)",
    "cpu (user)",
    "failed",
    "port",
    "protocol",
    "http",
    "url",
    "http://a@b:1/x",
    "https://",
    "ftp://x/",
    "ssl",
    "ssl enable",
    "enable ssl",
    "disable",
    "content",
    "match",
    "size",
    "timestamp",
    "permission",
    "uid",
    "gid",
    "as uid root",
    "mode",
    "active",
    "passive",
    "manual",
    "onreboot",
    "laststate",
    "limits",
    "httpd",
    "allow",
    "localhost",
    "admin:secret",
    "@root",
    "::1",
    "127.0.0.1",
    "10.0.0.0/8",
    "mailserver",
    "mmonit",
    "unixsocket",
    "ping",
    "link",
    "down",
    "up",
    "status",
    "{",
    "}",
    "(",
    ")",
    "%",
    "80%",
    ">",
    "<",
    "!=",
    "==",
    "gt",
    "MB",
    "B",
    "kB",
    "GB",
    "ms",
    "0",
    "1",
    "64",
    "65",
    "99999999999999999999",
    "1.5",
    "-5",
    "0x41",
    "\\0x00",
    "\\",
    '"',
    "'",
    '"/bin/true"',
    "'/bin/x'",
    '"a b"',
    "/run/x.pid",
    "/etc/hostname",
    "ops@example.com",
    "a@b",
    "$HOST",
    "$EVENT",
    '"* * * * *"',
    '"0-5 * * * 1-5"',
    "#",
    "# monitlint: disable=MON101",
    "# monitlint: disable-next-line=all",
    "\n",
    "\r\n",
    "  ",
    ";",
    ",",
]


def monitish_text(max_pieces: int = 80) -> st.SearchStrategy[str]:
    """Text assembled from monitrc vocabulary and punctuation (no ``include``: see ``garbage_text``)."""
    piece = st.one_of(
        st.sampled_from([k for k in KEYWORD_PIECES if k != "include"]),
        st.sampled_from(PUNCTUATION),
        st.text(min_size=1, max_size=6),
    )
    glue = st.sampled_from([" ", " ", " ", "\n", "", "\t"])
    return st.lists(st.tuples(piece, glue), max_size=max_pieces).map(lambda ps: "".join(p + g for p, g in ps))


def garbage_text() -> st.SearchStrategy[str]:
    """Uniform unicode text, text over a monitrc-ish alphabet, and keyword soup."""
    return st.one_of(
        st.text(max_size=400),
        st.text(alphabet=st.sampled_from(PUNCTUATION + list("abcxyzCHK0189")), max_size=400),
        monitish_text(),
    )


def garbage_bytes() -> st.SearchStrategy[bytes]:
    """Arbitrary bytes, and garbage text encoded (sometimes with a stray NUL or bad UTF-8 byte)."""
    encoded = garbage_text().map(lambda s: s.encode("utf-8", "surrogatepass"))
    spoiled = st.tuples(
        encoded, st.sampled_from([b"\0", b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xef\xbb\xbf"]), st.integers(0, 400)
    ).map(lambda t: t[0][: t[2]] + t[1] + t[0][t[2] :])
    return st.one_of(st.binary(max_size=400), encoded, spoiled)


# --- mutations of real files -------------------------------------------------------------------

MUTATIONS = ("delete", "duplicate", "swap", "truncate", "replace", "split", "insert")


@st.composite
def mutated(draw: st.DrawFn, texts: list[str], max_mutations: int = 8) -> str:
    """One of ``texts`` with 1..max_mutations token-level mutations."""
    text = texts[draw(st.integers(0, len(texts) - 1))]
    parts = tokenise(text)
    vocabulary = KEYWORD_PIECES + PUNCTUATION
    for _ in range(draw(st.integers(1, max_mutations))):
        if not parts:
            break
        op = draw(st.sampled_from(MUTATIONS))
        i = draw(st.integers(0, len(parts) - 1))
        if op == "delete":
            del parts[i]
        elif op == "duplicate":
            parts.insert(i, parts[i])
        elif op == "swap":
            j = draw(st.integers(0, len(parts) - 1))
            parts[i], parts[j] = parts[j], parts[i]
        elif op == "truncate":
            cut = draw(st.integers(0, len(parts[i])))
            parts = [*parts[:i], parts[i][:cut]]
        elif op == "replace":
            parts[i] = parts[draw(st.integers(0, len(parts) - 1))]
        elif op == "split":
            cut = draw(st.integers(0, len(parts[i])))
            parts[i : i + 1] = [parts[i][:cut], draw(st.sampled_from(PUNCTUATION)), parts[i][cut:]]
        else:
            parts.insert(i, draw(st.sampled_from(vocabulary)))
    return "".join(parts)


# --- valid control files -----------------------------------------------------------------------


@dataclass
class GeneratedConfig:
    """A generated control file: top-level statements, some of them moved to an included file."""

    statements: list[str]
    included: list[str]  # statements written to a second file that the main file includes

    def main_text(self, include_path: str | None) -> str:
        """The main file; ``include_path`` is where the included statements were written."""
        text = "".join(self.statements)
        if self.included and include_path is not None:
            text += f'include "{include_path}"\n'
        return text

    def included_text(self) -> str:
        """The text of the included file."""
        return "".join(self.included)


def _ident() -> st.SearchStrategy[str]:
    return st.from_regex(r"[a-z][a-z0-9_.-]{0,8}", fullmatch=True).filter(lambda s: not s.endswith("."))


# Regular expressions on which POSIX extended regcomp (Monit) and Python's re agree.
_REGEX_ATOMS = ["a", "b", "x", "0", "ok", "ERROR", ".", "[a-z]", "[0-9]", "[^ ]", "\\.", "(a|b)", "(ok)", "\\$"]


@st.composite
def safe_regex(draw: st.DrawFn) -> str:
    """A regular expression both POSIX ERE and Python accept (no empty alternatives or nested repeats)."""
    atoms = draw(st.lists(st.sampled_from(_REGEX_ATOMS), min_size=1, max_size=4))
    out = []
    for atom in atoms:
        quant = draw(st.sampled_from(["", "", "*", "+", "?", "{1,3}", "{2}"]))
        out.append(atom + quant)
    prefix = draw(st.sampled_from(["", "^"]))
    suffix = draw(st.sampled_from(["", "$"]))
    return prefix + "".join(out) + suffix


OPERATORS = [">", "<", "=", "!=", "==", "gt", "lt", "eq", "ne", "greater", "less", ">=", "<=", "greater than"]
BYTE_UNITS = ["B", "KB", "kB", "MB", "GB", "byte", "kilobytes", "megabyte", "gigabytes"]
RATE_UNITS = ["B/s", "KB/s", "MB/s", "GB/s"]
TIME_UNITS = ["seconds", "second", "minutes", "minute", "hours", "hour", "days", "day"]
AGE_UNITS = ["seconds", "minutes", "hours", "days", "months"]
PROTOCOLS = [
    "http",
    "https",
    "ssh",
    "smtp",
    "imap",
    "pop",
    "ftp",
    "dns",
    "ldap3",
    "mysql",
    "pgsql",
    "redis",
    "memcache",
    "mongodb",
    "ntp3",
    "rsync",
    "sieve",
    "spamassassin",
    "tns",
    "mqtt",
    "default",
]


@st.composite
def rate(draw: st.DrawFn, bare: bool = True) -> str:
    """An optional rate: ``for N cycles``, ``T times within N cycles``, ``T N cycles`` (if ``bare``)."""
    kind = draw(st.sampled_from(["", "", "for", "times", "bare"] if bare else ["", "", "for", "times"]))
    if not kind:
        return ""
    cycles = draw(st.integers(1, 64))
    times = draw(st.integers(1, cycles))
    unit = draw(st.sampled_from(["cycles", "cycle"]))
    if kind == "for":
        return f" for {cycles} {unit}"
    if kind == "times":
        return f" {times} times within {cycles} {unit}"
    return f" {times} {cycles} {unit}"


@st.composite
def action(draw: st.DrawFn, kinds: tuple[str, ...] = ("alert", "restart", "start", "stop", "unmonitor", "exec")) -> str:
    """An action, ``exec`` with its options."""
    kind = draw(st.sampled_from(kinds))
    if kind != "exec":
        return kind
    text = 'exec "' + draw(st.sampled_from(["/bin/true", "/bin/echo hello", "/usr/bin/env true"])) + '"'
    if draw(st.booleans()):
        text += " as uid root"
    if draw(st.booleans()):
        text += f" repeat every {draw(st.integers(1, 10))} cycles"
    return text


@st.composite
def if_then(draw: st.DrawFn, condition: str, recovery: bool = True) -> str:
    """``if CONDITION [rate] then ACTION [else if succeeded [rate] then ACTION]``."""
    text = f"    if {condition}{draw(rate(bare='protocol' not in condition))} then {draw(action())}"
    # `else` is not allowed after a `changed` test (Monit's grammar), except `changed permission`/`link`.
    no_else = condition.startswith(("content", "match", "not match")) or (
        condition.startswith("changed") and condition not in ("changed permission", "changed link")
    )
    if recovery and not no_else and draw(st.integers(0, 3)) == 0:
        word = draw(st.sampled_from(["succeeded", "passed", "recovered"]))
        text += f" else if {word}{draw(rate())} then {draw(action(('alert', 'exec')))}"
    return text + "\n"


def _number(low: int = 0, high: int = 10_000) -> st.SearchStrategy[int]:
    return st.integers(low, high)


@st.composite
def port_test(draw: st.DrawFn, host: bool = False) -> str:
    """``failed [host H] port P [type T] [protocol X] [timeout]`` (the condition only)."""
    text = "failed"
    if host or draw(st.booleans()):
        text += " host " + draw(st.sampled_from(["127.0.0.1", "localhost", "::1", "example.com"]))
    text += f" port {draw(st.integers(1, 65535))}"
    if draw(st.integers(0, 3)) == 0:
        text += " type " + draw(st.sampled_from(["tcp", "tcpssl"]))
    if draw(st.booleans()):
        text += " protocol " + draw(st.sampled_from(PROTOCOLS))
    if draw(st.integers(0, 3)) == 0:
        text += f" with timeout {draw(st.integers(1, 300))} seconds"
    return text


@st.composite
def url_test(draw: st.DrawFn) -> str:
    port = draw(st.sampled_from(["", f":{draw(st.integers(1, 65535))}"]))
    path = draw(st.sampled_from(["/", "/health", "/a/b?x=1"]))
    text = f"failed url http://{draw(st.sampled_from(['127.0.0.1', 'localhost', 'example.com']))}{port}{path}"
    if draw(st.booleans()):
        text += f' and content {draw(st.sampled_from(["=", "!=", "=="]))} "{draw(safe_regex())}"'
    return text


def _conditions(service_type: str) -> list[st.SearchStrategy[str]]:
    op = st.sampled_from(OPERATORS)
    pct = st.integers(0, 100).map(lambda n: f"{n}%")
    size = st.tuples(_number(0, 100_000), st.sampled_from(BYTE_UNITS)).map(lambda t: f"{t[0]} {t[1]}")
    age = st.tuples(_number(1, 1000), st.sampled_from(AGE_UNITS)).map(lambda t: f"{t[0]} {t[1]}")
    perm = st.integers(0, 0o7777).map(lambda n: format(n, "o"))
    common_fs = [
        st.tuples(op, age).map(lambda t: f"timestamp {t[0]} {t[1]}"),
        st.just("changed timestamp"),
        perm.map(lambda p: f"failed permission {p}"),
        st.sampled_from(["failed uid root", "failed gid root", "changed permission"]),
        st.sampled_from(["does not exist", "not exist", "exist"]),
    ]
    if service_type == "process":
        return [
            st.tuples(st.sampled_from(["cpu", "total cpu", "cpu usage"]), op, st.integers(0, 800)).map(
                lambda t: f"{t[0]} {t[1]} {t[2]}%"
            ),
            st.tuples(st.sampled_from(["memory", "total memory"]), op, st.one_of(pct, size)).map(
                lambda t: f"{t[0]} {t[1]} {t[2]}"
            ),
            st.tuples(
                st.sampled_from(["threads", "children", "filedescriptors", "total filedescriptors"]), op, _number()
            ).map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
            st.tuples(op, _number(1, 1000), st.sampled_from(TIME_UNITS)).map(lambda t: f"uptime {t[0]} {t[1]} {t[2]}"),
            st.tuples(st.sampled_from(["loadavg (1min)", "loadavg (5min)", "loadavg (15min)"]), op, _number(0, 64)).map(
                lambda t: f"{t[0]} {t[1]} {t[2]}"
            ),
            st.tuples(
                st.sampled_from(["read rate", "write", "disk read", "disk write rate"]),
                _number(1, 999),
                st.sampled_from(RATE_UNITS),
            ).map(lambda t: f"{t[0]} > {t[1]} {t[2]}"),
            port_test(),
            url_test(),
            st.sampled_from(
                [
                    "failed unixsocket /run/x.sock",
                    "changed pid",
                    "changed ppid",
                    "does not exist",
                    "not exist",
                    "exist",
                    "failed uid root",
                    "failed euid root",
                    "failed gid root",
                ]
            ),
        ]
    if service_type == "file":
        return [
            *common_fs,
            st.sampled_from(["changed checksum", "changed md5 checksum", "changed sha1 checksum", "changed size"]),
            st.just("failed md5 checksum expect 8f7f419955cefa0b33a2ba316cba3659"),
            st.just("failed sha1 checksum expect 2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"),
            st.tuples(op, size).map(lambda t: f"size {t[0]} {t[1]}"),
            st.tuples(st.sampled_from(["=", "!="]), safe_regex()).map(lambda t: f'content {t[0]} "{t[1]}"'),
            safe_regex().map(lambda r: f'match "{r}"'),
            safe_regex().map(lambda r: f'not match "{r}"'),
        ]
    if service_type in ("fifo", "directory"):
        return common_fs
    if service_type == "filesystem":
        return [
            st.tuples(st.sampled_from(["space usage", "space", "inode usage", "inode"]), op, pct).map(
                lambda t: f"{t[0]} {t[1]} {t[2]}"
            ),
            st.tuples(op, size).map(lambda t: f"space free {t[0]} {t[1]}"),
            st.tuples(op, _number()).map(lambda t: f"inodes free {t[0]} {t[1]}"),
            st.tuples(st.sampled_from(["read rate", "write rate"]), _number(1, 999)).map(
                lambda t: f"{t[0]} > {t[1]} operations/s"
            ),
            _number(1, 5000).map(lambda n: f"service time > {n} milliseconds"),
            st.just("changed fsflags"),
            perm.map(lambda p: f"failed permission {p}"),
        ]
    if service_type == "host":
        return _host_conditions()
    if service_type == "system":
        return [
            st.tuples(st.sampled_from(["loadavg (1min)", "loadavg (5min)", "loadavg (15min)"]), op, _number(0, 64)).map(
                lambda t: f"{t[0]} {t[1]} {t[2]}"
            ),
            st.tuples(
                st.sampled_from(
                    ["cpu usage", "cpu", "cpu (user)", "cpu (system)", "cpu (wait)", "memory usage", "swap usage"]
                ),
                op,
                pct,
            ).map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
            st.tuples(op, pct).map(lambda t: f"filedescriptors {t[0]} {t[1]}"),
            st.tuples(op, _number(1, 100), st.sampled_from(TIME_UNITS)).map(lambda t: f"uptime {t[0]} {t[1]} {t[2]}"),
        ]
    if service_type == "program":
        return [
            *_program_conditions(),
            st.tuples(st.sampled_from(["=", "!="]), safe_regex()).map(lambda t: f'content {t[0]} "{t[1]}"'),
        ]
    # network
    return [
        st.sampled_from(["link down", "changed link capacity", "changed link"]),
        st.tuples(op, pct).map(lambda t: f"saturation {t[0]} {t[1]}"),
        st.tuples(
            st.sampled_from(["upload", "download"]), _number(1, 999), st.sampled_from([*RATE_UNITS, "packets/s"])
        ).map(lambda t: f"{t[0]} > {t[1]} {t[2]}"),
        st.tuples(
            st.sampled_from(["total downloaded", "total uploaded"]),
            _number(1, 999),
            st.sampled_from(["MB", "GB"]),
            st.sampled_from(["in last 2 hours", "in last day", "in last 30 minutes"]),
        ).map(lambda t: f"{t[0]} > {t[1]} {t[2]} {t[3]}"),
    ]


def _host_conditions() -> list[st.SearchStrategy[str]]:
    ping = st.tuples(
        st.sampled_from(["ping", "ping4", "ping6"]),
        st.sampled_from(["", " count 3", " count 1", " size 8", " size 64", " size 1492"]),
        st.sampled_from(["", " with timeout 5 seconds", " responsetime > 100 ms"]),
    ).map(lambda t: f"failed {t[0]}{t[1]}{t[2]}")
    return [ping, port_test(host=False), url_test()]


def _program_conditions() -> list[st.SearchStrategy[str]]:
    return [
        st.tuples(st.sampled_from(OPERATORS), st.integers(0, 255)).map(lambda t: f"status {t[0]} {t[1]}"),
        st.just("changed status"),
    ]


SERVICE_HEADERS = {
    "process": ["with pidfile /run/{n}.pid", 'matching "{re}"', "with path /run/{n}.pid"],
    "file": ["with path /etc/hostname", "path /etc/passwd"],
    "fifo": ["with path /run/{n}.fifo"],
    "filesystem": ["with path /", "with path /tmp", "with path tmpfs"],
    "directory": ["with path /tmp", "with path /etc"],
    "host": ["with address 127.0.0.1", "with address localhost", "with address ::1"],
    "system": [""],
    "program": [
        "with path /bin/true",
        'with path "/bin/echo hi" with timeout 10 seconds',
        'with path "/bin/true" as uid root',
    ],
    "network": ["with interface lo", "with address 127.0.0.1"],
}


def _quote(name: str, style: str) -> str:
    if style == '"':
        return f'"{name}"'
    if style == "'":
        return f"'{name}'"
    return name


@st.composite
def service_block(draw: st.DrawFn, name: str, service_type: str, others: list[str]) -> str:
    """One ``check`` block of the given type, with tests, programs and block statements."""
    header = draw(st.sampled_from(SERVICE_HEADERS[service_type]))
    header = header.replace("{n}", re.sub(r"[^a-z0-9]", "", name) or "x")
    if "{re}" in header:
        header = header.replace("{re}", draw(safe_regex()))
    keyword = (
        draw(st.sampled_from(["check", "CHECK", "Check"]))
        if service_type != "process" or draw(st.booleans())
        else "check"
    )
    type_word = service_type if draw(st.integers(0, 5)) else service_type.upper()
    lines = [f"{keyword} {type_word} {name} {header}".rstrip() + "\n"]
    conditions = _conditions(service_type)
    body: list[str] = []
    needs = []
    if service_type == "host":
        needs.append(st.one_of(*_host_conditions()))
    if service_type == "program":
        needs.append(st.one_of(*_program_conditions()))
    for need in needs:
        body.append(draw(if_then(draw(need))))
    for _ in range(draw(st.integers(0, 4))):
        body.append(draw(if_then(draw(st.one_of(*conditions)))))
    if service_type in ("process", "program") or draw(st.integers(0, 4)) == 0:
        for method in ("start", "stop", "restart"):
            if draw(st.integers(0, 2)):
                form = draw(st.sampled_from(['{m} program = "{p}"', '{m} "{p}"', '{m} program "{p}"', '{m} = "{p}"']))
                prog = draw(st.sampled_from(["/bin/true", "/usr/bin/env true", "/bin/sh -c 'exit 0'"]))
                extra = draw(
                    st.sampled_from(["", " as uid root", " with timeout 30 seconds", " as uid root and gid root"])
                )
                body.append("    " + form.replace("{m}", method).replace("{p}", prog) + extra + "\n")
    if service_type == "process" and draw(st.integers(0, 3)) == 0:
        restarts = draw(st.integers(1, 64))
        cycles = draw(st.integers(restarts, 64))
        body.append(
            f"    if {restarts} restarts within {cycles} cycles then {draw(action(('alert', 'unmonitor', 'exec')))}\n"
        )
    if others and draw(st.integers(0, 2)) == 0:
        deps = draw(st.lists(st.sampled_from(others), min_size=1, max_size=3, unique=True))
        # Monit reads a single-quoted name in a `depends` list up to the LAST quote on the line (a known
        # difference, see test_fuzz.py), so single-quoted names are written bare there.
        deps = [d.strip("'") if d.startswith("'") else d for d in deps]
        sep = draw(st.sampled_from([", ", ",\n        "]))
        body.append(f"    {draw(st.sampled_from(['depends on', 'depends', 'depend on']))} {sep.join(deps)}\n")
    extras = [
        st.sampled_from(["every 2 cycles", 'every "* 8-19 * * 1-5"', "not every '0 3 * * *'"]),
        st.sampled_from(["mode active", "mode passive", "mode manual"]),
        st.sampled_from(["onreboot start", "onreboot nostart", "onreboot laststate"]),
        _ident().map(lambda g: f"group {g}"),
        st.sampled_from(
            ["alert ops@example.com", "alert ops@example.com on { timeout, nonexist }", "noalert dev@example.com"]
        ),
    ]
    for _ in range(draw(st.integers(0, 2))):
        body.append("    " + draw(st.one_of(*extras)) + "\n")
    order = draw(st.permutations(body))
    return "".join(lines + list(order))


SETTINGS = [
    "set log syslog\n",
    "set logfile syslog facility log_daemon\n",
    "set pidfile /run/monit-fuzz.pid\n",
    "set onreboot laststate\n",
    "set alert ops@example.com\n",
    "set alert ops@example.com only on { timeout, nonexist }\n",
    "set mailserver localhost\n",
    "set mailserver smtp.example.com port 587, localhost with timeout 30 seconds\n",
    "set mail-format { from: monit@example.com subject: $SERVICE $EVENT }\n",
    "set httpd port 2812 allow localhost\n",
    "set httpd port 2812 use address 127.0.0.1 allow localhost allow admin:monit read-only\n",
    "set limits { programOutput: 512 B, networkTimeout: 5 s }\n",
    "set eventqueue basedir /var/lib/monit/events slots 100\n",
    "set expectbuffer 10 kb\n",
    "set terminal batch\n",
]

SERVICE_TYPES = list(SERVICE_HEADERS)


@st.composite
def valid_config(draw: st.DrawFn, max_services: int = 6) -> GeneratedConfig:
    """A whole control file (``set daemon`` first, so whole-config rules apply)."""
    daemon = f"set daemon {draw(st.integers(1, 2147))}"
    if draw(st.booleans()):
        daemon += f" with start delay {draw(st.integers(0, 600))}"
    statements = [daemon + "\n"]
    statements += draw(st.lists(st.sampled_from(SETTINGS), max_size=3, unique=True))
    count = draw(st.integers(1, max_services))
    bases = draw(st.lists(_ident(), min_size=count, max_size=count))
    names: list[str] = []
    for i, base in enumerate(bases):
        name = f"{base}_{i}"  # unique, also case-insensitively
        style = draw(st.sampled_from(["", "", "", '"', "'"]))
        if style == '"' and draw(st.booleans()):
            name = f"{base} {i}"  # a quoted name may hold a space
        names.append(_quote(name, style if " " not in name else '"'))
    types = [draw(st.sampled_from(SERVICE_TYPES)) for _ in names]
    forward = draw(st.booleans())  # depend only on later, or only on earlier services: never a cycle
    for i, (name, service_type) in enumerate(zip(names, types, strict=True)):
        others = names[i + 1 :] if forward else names[:i]
        statements.append(draw(service_block(name, service_type, others)))
    split = draw(st.integers(1, len(statements)))
    if draw(st.integers(0, 3)) == 0 and split < len(statements):
        return GeneratedConfig(statements[:split], statements[split:])
    return GeneratedConfig(statements, [])


# --- compositions of the statement forms of tests/forms.py ---------------------------------------

_HEADER = re.compile(
    r"(?im)^([ \t]*check(?:[ \t]+(?:process|program|filesystem|file|fifo|device|directory|host|system|network))?[ \t]+)"
    r"(\"[^\"\n]*\"|'[^'\n]*'|[^\s\"']+)"
)
_DEPENDS = re.compile(r"(?i)(depends[ \t]+on[ \t]+)((?:[^\s,]+[ \t]*,\s*)*[^\s,]+)")


def _suffixed(name: str, suffix: str) -> str:
    return name[:-1] + suffix + name[-1] if name[0] in "\"'" else name + suffix


def rename_services(text: str, suffix: str) -> str:
    """Append ``suffix`` to every service name of a form, in its headers and ``depends on`` lists."""
    text = _HEADER.sub(lambda m: m.group(1) + _suffixed(m.group(2), suffix), text)
    return _DEPENDS.sub(lambda m: m.group(1) + re.sub(r"[^\s,]+", lambda n: n.group() + suffix, m.group(2)), text)


@st.composite
def composed_forms(draw: st.DrawFn, forms: dict[str, str], max_forms: int = 6) -> tuple[list[str], str]:
    """Several forms in one file, each form's services renamed so that names stay unique."""
    names = draw(st.lists(st.sampled_from(sorted(forms)), min_size=1, max_size=max_forms, unique=True))
    parts = []
    for index, name in enumerate(names):
        part = rename_services(forms[name], f"_{index}")
        parts.append(part if not part or part.endswith("\n") else part + "\n")
    return names, "".join(parts)


# --- regular expressions for the rules that compile them ------------------------------------------

_REGEX_PIECES = [
    "a",
    "b",
    ".",
    "*",
    "+",
    "?",
    "|",
    "(",
    ")",
    "[",
    "]",
    "^",
    "$",
    "\\",
    "{",
    "}",
    ",",
    "-",
    "0",
    "1",
    "9",
    "{2}",
    "{1,3}",
    "{,3}",
    "{3,1}",
    "{99999}",
    "{4294967296}",
    "[[:alpha:]]",
    "[[:digit:]]",
    "(?i)",
    "(?:",
    "(?P<n>",
    "\\d",
    "\\w",
    "\\1",
    "[^",
    "]]",
    "((((((((((",
    "))))))))))",
]

REGEX_CONTEXTS = [
    'check process p matching "{}"\n',
    'check file f with path /etc/hostname\n    if content = "{}" then alert\n',
    'check file f with path /etc/hostname\n    ignore match "{}"\n',
    'check program g with path /bin/true\n    if content != "{}" then alert\n',
    'check host h with address 127.0.0.1\n    if failed url http://127.0.0.1/ and content = "{}" then alert\n',
    'check host h with address 127.0.0.1\n    if failed port 80 send "x" expect "{}" then alert\n',
]


def regex_statement() -> st.SearchStrategy[str]:
    """A statement holding a regular expression made of odd pieces (quotes excluded)."""
    regex = st.lists(st.sampled_from(_REGEX_PIECES), min_size=1, max_size=12).map("".join)
    return st.tuples(st.sampled_from(REGEX_CONTEXTS), regex).map(lambda t: t[0].replace("{}", t[1]))
