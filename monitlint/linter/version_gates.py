"""What some Monit releases refuse and others accept: the version gates over the typed model.

monitlint parses ONE grammar, the union of every release from 5.26 to 5.35; after parsing, these
gates report what the target releases (``RuleSelection.targets``) refuse.  A gate is a form
with the first release that accepts it and the last one (None: still accepted by 5.35).  A
form the grammar of a refusing release lacks is reported as a syntax error (MON001, Monit says
"syntax error"); a value its checks after the grammar refuse is reported by MON006.  The
releases and evidence are in docs/target-versions.md; tests/test_target_versions.py judges every
gate with every release's own `monit -t`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from enum import Enum

from monitlint.diagnostics import Problem, ProblemKind
from monitlint.model import (
    ActionKind,
    AllowUser,
    ConnectionTest,
    ControlFile,
    DaemonSetting,
    HttpdSetting,
    LimitsSetting,
    LinkState,
    LinkTest,
    LogSetting,
    MailServerSetting,
    MMonitServer,
    MMonitSetting,
    PingTest,
    Protocol,
    ResourceTest,
    Span,
    SslOptions,
    SslSetting,
    Subject,
    Test,
    TestKind,
)
from monitlint.monit_versions import name, refusers_text
from monitlint.runtime.records import record

Version = tuple[int, int]


class GateKind(Enum):
    """How a refusing release refuses: in its grammar (MON001) or in a check after it (MON006)."""

    SYNTAX = "syntax"
    VALUE = "value"


@record(frozen=True, slots=True)
class Gate:
    """A form and the releases that accept it: ``first`` to ``last`` (None: no bound)."""

    form: str  # as messages and docs name it, e.g. "`if link up`"
    first: Version | None
    last: Version | None
    kind: GateKind
    evidence: str  # where the difference is in Monit's sources, and which binaries show it

    def refusing(self, targets: Sequence[Version]) -> list[Version]:
        """The targets that refuse this form."""
        return [
            t
            for t in targets
            if (self.first is not None and t < self.first) or (self.last is not None and t > self.last)
        ]

    def since_text(self) -> str:
        """``"Monit 5.28 or later"``, ``"Monit 5.34 or earlier"`` or ``"Monit 5.27 to 5.33"``."""
        if self.first and self.last:
            return f"Monit {name(self.first)} to {name(self.last)}"
        if self.first:
            return f"Monit {name(self.first)} or later"
        assert self.last is not None
        return f"Monit {name(self.last)} or earlier"


@record(frozen=True, slots=True)
class GateFinding:
    """A gated form in a control file that some targets refuse."""

    kind: GateKind
    message: str
    span: Span
    hint: str
    service: str | None = None


def _g(form: str, first: Version | None, last: Version | None, kind: GateKind, evidence: str) -> Gate:
    return Gate(form, first, last, kind, evidence)


S, V = GateKind.SYNTAX, GateKind.VALUE
# Every gate, by key.  Releases without a binary (5.28-5.30, 5.32) are placed by Monit's release
# notes; the tested binaries bound each (docs/target-versions.md).
GATES: dict[str, Gate] = {
    "filedescriptors": _g("`if filedescriptors`", (5, 27), None, S, "p.y 5.27: FILEDESCRIPTORS; 5.26.0 refuses"),
    "cpu_detail": _g(
        "`cpu (nice|hardirq|softirq|steal|guest|guestnice)`", (5, 27), None, S, "l.l 5.27: cpunice...; 5.26.0 refuses"
    ),
    "process_read_write": _g(
        "process `if read`/`if write` without `disk`", (5, 27), None, S, "p.y 5.27: resourceread READ; 5.26.0 refuses"
    ),
    "link_up_down": _g(
        "`if link up` / `if link down`", (5, 28), None, S, "p.y: LINK UP/DOWN; 5.27.2 refuses, 5.31.0 accepts"
    ),
    "httpd_read_only": _g(
        "`set httpd … read-only`", (5, 28), None, S, "p.y: httpdport READONLY; 5.27.2 refuses, 5.31.0 accepts"
    ),
    "succeeded": _g(
        "`if succeeded` (port, url, unixsocket, ping)", (5, 28), None, S, "p.y: recovery_failure; 5.27.2 refuses"
    ),
    "response_time": _g(
        "`responsetime` in a connection test", (5, 29), None, S, "p.y: RESPONSETIME; 5.27.2 refuses, 5.31.0 accepts"
    ),
    "ping_response_time": _g(
        "`responsetime` in a ping test", (5, 32), None, S, "p.y icmpoption responsetime; 5.31.0 refuses, 5.33.0 accepts"
    ),
    "program_content": _g(
        "program `if content = …`", (5, 28), None, S, "p.y: programmatch; 5.27.2 refuses, 5.31.0 accepts"
    ),
    "mysqls": _g("`protocol mysqls`", (5, 27), None, S, "p.y 5.27: PROTOCOL MYSQLS; 5.26.0 refuses"),
    "mysql_rsakey": _g("mysql `rsakey checksum`", (5, 27), None, S, "p.y 5.27: RSAKEY CHECKSUM; 5.26.0 refuses"),
    "mysql_long_user": _g(
        "a mysql username over 16 characters", (5, 27), None, V, "p.y 5.26: 'Username too long'; dropped in 5.27"
    ),
    "ssl_version_list": _g(
        "no, several or `-tlsvN` versions in one `version:`", (5, 27), None, S, "p.y 5.27: sslversionlist"
    ),
    "pgsql_credentials": _g(
        "pgsql `username`/`password`/`database`",
        (5, 29),
        None,
        S,
        "p.y: postgresqllist; 5.27.2 refuses",
    ),
    "bare_else": _g(
        "`else ACTION` (without `if succeeded … then`)",
        (5, 28),
        None,
        S,
        "p.y: ELSE action2; 5.27.2 refuses",
    ),
    "tight_equals": _g(
        '`start|stop|restart program ="…"` (no blank after `=`)', (5, 33), None, S, "l.l startarg; 5.31.0 refuses"
    ),
    "content_changed": _g("program `if content [not] changed`", (5, 34), None, S, "p.y 5.34: addoutputchange"),
    "hardlink": _g("`if hardlink` / `if changed hardlink`", (5, 34), None, S, "p.y 5.34: HARDLINK"),
    "exec_timeout": _g("`exec … timeout N seconds`", (5, 34), None, S, "p.y 5.34: exectimeout"),
    "ignore_action": _g("the `ignore` action", (5, 34), None, S, "p.y 5.34: action IGNORE"),
    "hostgroups": _g("`set mmonit … hostgroups [ … ]`", (5, 34), None, S, "l.l 5.34: HOSTGROUP_COND"),
    "limit_exectimeout": _g("`set limits { exectimeout: … }`", (5, 34), None, S, "p.y 5.34: EXECTIMEOUT"),
    "daemon_over_a_year": _g(
        "a poll time over a year (31556952 s)", None, (5, 34), V, "p.y 5.35: 'Invalid Poll time seconds.'"
    ),
    "limit_zero": _g(
        "a `set limits` value of 0", None, (5, 33), V, "p.y 5.34: 'The … value must be > 0'; 5.33.0 accepts"
    ),
    "limit_over_int_max": _g(
        "a `set limits` buffer over 2147483647 bytes", None, (5, 34), V, "p.y 5.35: 'must be <= 2147483647'"
    ),
    "timeout_zero": _g(
        "a program or mail server `timeout 0 seconds`", None, (5, 33), V, "p.y 5.34: 'The timeout value must be > 0'"
    ),
    "password_over_64": _g(
        "an httpd password over 64 characters", (5, 34), None, V, "p.y 5.34 dropped the length check; 5.33.0 refuses"
    ),
    "log_user": _g("the syslog facility `log_user`", (5, 34), None, V, "p.y 5.34: log_user; 5.33.0 refuses"),
}

_CPU_DETAIL = frozenset(
    {
        Subject.CPU_NICE,
        Subject.CPU_HARDIRQ,
        Subject.CPU_SOFTIRQ,
        Subject.CPU_STEAL,
        Subject.CPU_GUEST,
        Subject.CPU_GUEST_NICE,
    }
)
_ONE_YEAR = 31556952
_INT_MAX = 2147483647


def _ssl_uses(options: SslOptions | None) -> Iterator[str]:
    """5.26 took exactly one version per `version:` and knew no `-tlsvN`."""
    if options is not None and options.version_list:
        yield "ssl_version_list"


def _protocol_uses(protocol: Protocol | None) -> Iterator[str]:
    if protocol is None:
        return
    if protocol.name == "mysqls":
        yield "mysqls"
    if protocol.name in ("mysql", "mysqls"):
        if protocol.rsakey is not None:
            yield "mysql_rsakey"
        if protocol.username is not None and len(protocol.username) > 16:
            yield "mysql_long_user"
    if protocol.name == "pgsql" and (protocol.username or protocol.password or protocol.database):
        yield "pgsql_credentials"


# The gates a test can use, and of those the ones decided by its kind alone.
_TEST_KEYS = frozenset(
    {
        "bare_else", "filedescriptors", "hardlink", "content_changed", "program_content", "link_up_down",
        "cpu_detail", "process_read_write", "succeeded", "response_time", "ping_response_time", "mysqls",
        "mysql_rsakey", "mysql_long_user", "pgsql_credentials", "ssl_version_list", "ignore_action",
        "exec_timeout", "timeout_zero",
    }
)  # fmt: skip
_KIND_KEYS = {
    TestKind.FILEDESCRIPTORS: "filedescriptors",
    TestKind.TOTAL_FILEDESCRIPTORS: "filedescriptors",
    TestKind.HARDLINK: "hardlink",
    TestKind.CONTENT_CHANGED: "content_changed",
    TestKind.PROGRAM_CONTENT: "program_content",
}
_CONNECTION_KEYS = frozenset(
    {"succeeded", "response_time", "ping_response_time", "mysqls", "mysql_rsakey", "mysql_long_user",
     "pgsql_credentials", "ssl_version_list"}
)  # fmt: skip
_ACTION_KEYS = frozenset({"ignore_action", "exec_timeout", "timeout_zero"})
_GATED_ACTIONS = frozenset({ActionKind.IGNORE, ActionKind.EXEC})  # the action kinds an action key can be about
# The test keys found only by looking closer than a test's kind and actions.
_CLOSER_KEYS = _TEST_KEYS - _ACTION_KEYS - frozenset(_KIND_KEYS.values())


def _uses(test: Test, keys: frozenset[str]) -> Iterator[str]:
    """The gate keys a test uses, of ``keys`` (those a target refuses: the walk skips what none refuses)."""
    kind = test.kind
    if "bare_else" in keys and test.else_bare and not getattr(test, "succeeded", False) and kind is not TestKind.LINK:
        yield "bare_else"
    kind_key = _KIND_KEYS.get(kind)
    if kind_key is not None and kind_key in keys:
        yield kind_key
    if "link_up_down" in keys and isinstance(test, LinkTest) and test.state in (LinkState.UP, LinkState.DOWN):
        yield "link_up_down"
    if isinstance(test, ResourceTest) and ("cpu_detail" in keys or "process_read_write" in keys):
        if any(c.subject in _CPU_DETAIL for c in test.conditions):
            yield "cpu_detail"
        if kind is TestKind.PROCESS_RESOURCE and any(
            c.subject in (Subject.READ, Subject.WRITE) for c in test.conditions
        ):
            yield "process_read_write"
    if isinstance(test, (ConnectionTest, PingTest)) and not keys.isdisjoint(_CONNECTION_KEYS):
        if test.succeeded:
            yield "succeeded"
        if test.response_time is not None:
            yield "ping_response_time" if isinstance(test, PingTest) else "response_time"
        if isinstance(test, ConnectionTest):
            yield from _protocol_uses(test.protocol)
            yield from _ssl_uses(test.ssl)
    if keys.isdisjoint(_ACTION_KEYS):
        return
    for action in (test.action, test.else_action):
        if action is None:
            continue
        if action.kind is ActionKind.IGNORE:
            yield "ignore_action"
        elif action.kind is ActionKind.EXEC and action.timeout is not None:
            yield "exec_timeout"
            if action.timeout <= 0:
                yield "timeout_zero"


def _uses_in(model: ControlFile, keys: frozenset[str]) -> Iterator[tuple[str, Span, str | None]]:
    """Every gated form in the model: (gate key, where, service); a test's, only of ``keys``."""
    for setting in model.settings:
        if isinstance(setting, DaemonSetting) and setting.interval > _ONE_YEAR:
            yield "daemon_over_a_year", setting.span, None
        elif isinstance(setting, SslSetting):
            for key in _ssl_uses(setting.options):
                yield key, setting.span, None
        elif isinstance(setting, (MailServerSetting, MMonitSetting)):
            for server in setting.servers:
                for key in _ssl_uses(server.ssl):
                    yield key, server.span, None
                if isinstance(server, MMonitServer) and server.hostgroups:
                    yield "hostgroups", server.span, None
        if isinstance(setting, HttpdSetting):
            for key in _ssl_uses(setting.ssl):
                yield key, setting.span, None
            if setting.read_only or (setting.unixsocket is not None and setting.unixsocket.read_only):
                yield "httpd_read_only", setting.span, None
            for allow in setting.allow:
                if isinstance(allow, AllowUser) and len(allow.password) > 64:
                    yield "password_over_64", allow.span, None
        elif isinstance(setting, LimitsSetting):
            for limit in setting.limits:
                if limit.name == "execTimeout":
                    yield "limit_exectimeout", limit.span, None
                if limit.value.value <= 0:
                    yield "limit_zero", limit.span, None
                elif (limit.name.endswith("Buffer") or limit.name == "programOutput") and limit.value.value > _INT_MAX:
                    yield "limit_over_int_max", limit.span, None
        elif isinstance(setting, MailServerSetting) and setting.timeout is not None and setting.timeout <= 0:
            yield "timeout_zero", setting.span, None
        elif isinstance(setting, LogSetting) and (setting.facility or "").lower() == "log_user":
            yield "log_user", setting.span, None
    test_keys = keys & _TEST_KEYS
    # Unless a refused key needs a closer look, only a test of a gated kind or with an action an action
    # key is about can use one: the others are passed over here (the walk was 1 µs a test in _uses).
    every_test = not test_keys.isdisjoint(_CLOSER_KEYS)
    kinds = frozenset(kind for kind, key in _KIND_KEYS.items() if key in test_keys)
    actions = _GATED_ACTIONS if not test_keys.isdisjoint(_ACTION_KEYS) else frozenset()
    for service in model.services:
        for program in (service.start, service.stop, service.restart):
            if program is not None and program.timeout is not None and program.timeout <= 0:
                yield "timeout_zero", program.span, service.name
            if program is not None and program.tight_equals:
                yield "tight_equals", program.span, service.name
        if test_keys:
            for test in service.tests:
                if (
                    every_test
                    or test.kind in kinds
                    or ((action := test.action) is not None and action.kind in actions)
                    or ((other := test.else_action) is not None and other.kind in actions)
                ):
                    for key in _uses(test, test_keys):
                        yield key, test.span, service.name


def gate_findings(model: ControlFile, targets: Sequence[Version]) -> Iterator[GateFinding]:
    """What the target releases refuse in ``model``, each form once per place, naming the refusers."""
    seen: set[tuple[str, str, int, int]] = set()
    refusers = {key: gate.refusing(targets) for key, gate in GATES.items()}
    for key, span, service in _uses_in(model, frozenset(key for key, found in refusers.items() if found)):
        gate = GATES[key]
        refusing = refusers[key]
        place = (key, span.path, span.line, span.column)
        if not refusing or place in seen:
            continue
        seen.add(place)
        verb = "needs" if gate.first else "is accepted only by"
        message = f"{gate.form} {verb} {gate.since_text()}; {refusers_text(refusing)}"
        hint = (
            "rewrite it for the oldest target release, or drop that release from target-versions"
            if gate.first
            else "use a value every target release accepts"
        )
        yield GateFinding(gate.kind, message, span, hint, service)


def syntax_problems(
    model: ControlFile, targets: Sequence[Version], found: Sequence[GateFinding] | None = None
) -> list[Problem]:
    """The gated grammar forms the targets refuse, as syntax errors (MON001); ``found``: the gate findings if known."""
    return [
        Problem(ProblemKind.SYNTAX_ERROR, f.message, f.span, f.hint, f.service)
        for f in (gate_findings(model, targets) if found is None else found)
        if f.kind is GateKind.SYNTAX
    ]


def doc_section(kind: GateKind) -> str:
    """The "Monit versions" section of a rule's documentation: each gated form of ``kind`` and its releases."""
    lines = [
        "",
        "Monit versions",
        "    Checked for the target releases (`target-version(s)`, `--target-version`; default 5.33).",
        "    What only some releases refuse is reported when a target refuses it:",
        "",
    ]
    lines += [f"    - {gate.form}: {gate.since_text()}" for gate in GATES.values() if gate.kind is kind]
    return "\n".join(lines) + "\n"
