"""MON006 monit-rejects: a value Monit's parser accepts but then refuses.

What it detects
    The checks `monit -t` performs beyond the grammar, each with Monit's reason:
    a restart limit with more restarts than cycles or a zero; a rate outside 1 to
    64 cycles, or with more events than cycles; a permission (of a file test or of
    `set httpd unixsocket`) that is not octal or is above 7777; a `matching`,
    `content`, `url … content` or `expect` regular expression that the C library's
    POSIX `regcomp` refuses (as Monit compiles it: `[[:digit:]]` is fine, `(?i)` is
    not); a checksum (file, http body, certificate, mysql rsakey; in a test,
    `set mailserver` or `set mmonit`) that is not 32 (MD5) or 40 (SHA1) hex digits,
    or not of the stated type (colons between the bytes are fine); a `total … in
    last` range over 60 minutes or 24 hours; a `check host` without a port, url or
    ping test; a `check program` without a status or content test; a service name
    starting with `/`; a last `set daemon` of 0; a negative `repeat every`; a syslog
    facility Monit does not know; a ping size outside 8 to 1492 bytes; mixing
    `link up` and `link down` tests.

    In connection tests: `send`/`expect` after a `protocol` other than `default`
    (only the generic protocol talks that way); `method head` with a `content` or
    `checksum` test; an http `status` Monit reads as negative; a mysql `rsakey
    checksum` without a `username`, or over TLS (`mysqls`, `ssl`, `certificate …`);
    `protocol radius` without `type udp`; an outgoing `address` (port or ping test)
    that is not a numeric IP address (Monit does not resolve a name there).

    TLS: `set httpd` with TLS on (`ssl`, an `ssl { … }` with more than `ciphers`,
    `allowselfcertification`, `clientpemfile`) but no `pemfile` nor `pemchain` with
    `pemkey`; `pemfile` together with `pemchain` or `pemkey`; a PEM, CA file or CA
    folder option given twice (in one statement or test); the versions `sslv2` and
    `sslv3`, which Monit built on OpenSSL 3 (Debian's and Ubuntu's packages) refuses
    ("Your SSL Library does not support SSL version 3").

    Programs of more than 63 words (the program and 62 arguments).  For a whole
    control file (not a drop-in fragment): `set init` without a `set daemon` poll
    time.  Numbers are judged as Monit reads them: 32-bit, so 4294967296 is 0.

Why it matters
    Monit refuses to start or reload with such a file, exactly like a syntax error.

Bad
    if 5 restarts within 3 cycles then unmonitor

Good
    if 3 restarts within 5 cycles then unmonitor
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.helpers import monit_number
from monitlint.linter.monit_checks import (
    Refusal,
    checksum_problem,
    octal_problem,
    service_refusals,
    settings_refusals,
    test_refusals,
)
from monitlint.linter.registry import Rule
from monitlint.linter.version_gates import GateKind, doc_section
from monitlint.model import (
    ChecksumTest,
    ConnectionTest,
    ContentTest,
    DaemonSetting,
    LinkState,
    LinkTest,
    LogSetting,
    PermissionTest,
    PingTest,
    Rate,
    RestartLimitTest,
    ServiceType,
    TargetKind,
    Test,
    TestKind,
    TransferTest,
)
from monitlint.posix_regex import RegexBudgetSpent, posix_regex_error

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

# The values only some Monit releases refuse, with their releases (docs/target-versions.md).
__doc__ = (__doc__ or "") + doc_section(GateKind.VALUE)

CODE = "MON006"
NAME = "monit-rejects"
SEVERITY = Severity.ERROR
MANUAL_SECTION = "THE-MONIT-CONTROL-FILE"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "a value Monit's parser accepts but `monit -t` then rejects"
# CPU milliseconds at 20,000 services (a rule without COST counts 1), to share the rules between processes.
COST = 130
# Monit refuses such a file: no selection, ignore, severity or suppression comment turns this off.
ALWAYS_ON = True

# `log_user` (Monit 5.34 and later) is judged by the version gates (monitlint.linter.version_gates).
FACILITIES = {f"log_local{i}" for i in range(8)} | {"log_daemon", "log_user"}


# `total ... in last N unit`: Monit keeps 60 minutes and 24 hours of history.
TOTAL_RANGE_LIMITS = {"minute": 60, "hour": 24, "day": 1}


def _wrapped(value: int) -> str:
    """A note for messages about a number Monit reads as another one."""
    read = monit_number(value)
    return "" if read == value else f" (Monit reads {value} as {read}: its numbers are 32-bit)"


def _rate_problem(rate: Rate | None) -> str | None:
    if rate is None:
        return None
    cycles = monit_number(rate.cycles)
    if not 1 <= cycles <= 64:
        return "the number of cycles must be between 1 and 64" + _wrapped(rate.cycles)
    if rate.times is not None and not 1 <= monit_number(rate.times) <= cycles:
        return "the number of events must be between 1 and the number of cycles" + _wrapped(rate.times)
    return None


def _total_range_problem(test: TransferTest) -> str | None:
    """``total … in last N unit`` is bounded by the history Monit keeps (``addbandwidth()``).

    Monit multiplies the count (a 32-bit int) by the unit's seconds as unsigned 32-bit numbers, then
    compares the count itself as signed: 2147483649 minutes is accepted, 4294967295 is not.
    """
    if not test.total or test.period_count is None or test.period_unit is None:
        return None
    number = monit_number(test.period_count)
    limit = TOTAL_RANGE_LIMITS.get(test.period_unit)
    if limit is None:
        return None
    seconds = {"minute": 60, "hour": 3600, "day": 86400}[test.period_unit]
    if ((number & 0xFFFFFFFF) * seconds) & 0xFFFFFFFF <= 86400 and number <= limit:
        return None
    if test.period_unit == "minute":
        return f"the range of a total test is at most 60 minutes, not {test.period_count}" + _wrapped(test.period_count)
    return f"the range of a total test is at most 24 hours, not {test.period_count} {test.period_written}" + _wrapped(
        test.period_count
    )


# glibc's regcomp parses groups by recursion: a pattern nested some 15,000 groups deep overflows
# the C stack and kills the whole linter (a segmentation fault, not an exception).  Patterns
# nested deeper than this are not compiled; no real pattern comes close.
MAX_REGEX_NESTING = 1000


def _nesting(pattern: str) -> int:
    """The deepest run of unclosed ``(`` (over-counting escaped ones errs on the safe side)."""
    depth = deepest = 0
    for char in pattern:
        if char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")" and depth:
            depth -= 1
    return deepest


def _regex_problem(pattern: str) -> str | None:
    if pattern.count("(") > MAX_REGEX_NESTING and _nesting(pattern) > MAX_REGEX_NESTING:
        return None
    try:
        reason = posix_regex_error(pattern)
    except RegexBudgetSpent as spent:
        # Fail closed: what the linter could not compile it cannot vouch for (`monit -t` can).
        return f"the regular expression '{pattern}' was {spent}; run `monit -t` to know whether Monit accepts it"
    return None if reason is None else f"the regular expression '{pattern}' does not compile ({reason})"


def _action_problem(test: Test) -> str | None:
    for action in (test.action, test.else_action):
        if action is not None and action.repeat_every is not None and monit_number(action.repeat_every) < 0:
            return "the number of repeat cycles must be 0 or more" + _wrapped(action.repeat_every)
    return None


def _test_problems(test: Test) -> Iterator[str]:
    # Each check only where it can apply: this runs for every test of every service.
    if isinstance(test, RestartLimitTest):
        # Unlike a rate, a restart limit has no upper bound on its cycles.
        restarts = monit_number(test.restarts)
        cycles = monit_number(test.cycles)
        if restarts <= 0 or cycles <= 0:
            yield "zero is not allowed in a restart limit"
        elif restarts > cycles:
            yield f"the number of restarts ({restarts}) must not exceed the number of cycles ({cycles})"
    for rate in (test.rate, test.else_rate) if test.rate or test.else_rate else ():
        problem = _rate_problem(rate)
        if problem:
            yield problem
    if isinstance(test, ChecksumTest) and test.expected is not None:
        # A file checksum is copied into Monit's hash[MD_SIZE + 1] first: only 65 characters count.
        problem = checksum_problem(test.expected, limit=65)
        if problem:
            yield problem
    if isinstance(test, TransferTest):
        problem = _total_range_problem(test)
        if problem:
            yield problem
    if (test.action is not None and test.action.repeat_every is not None) or (
        test.else_action is not None and test.else_action.repeat_every is not None
    ):
        problem = _action_problem(test)
        if problem:
            yield problem
    if isinstance(test, PermissionTest):
        mode = test.mode
        # As `check_perm()`: the number read as a 32-bit int, printed in decimal, read back in octal
        # (so 4294967296 is 0, which Monit accepts).
        problem = octal_problem(int(mode)) if mode is not None and mode.isdigit() else None
        if mode is not None and (not mode.isdigit() or problem is not None):
            yield f"permission {mode} must be an octal value between 0 and 7777{problem or ''}"
    elif isinstance(test, ContentTest):
        problem = None if test.from_file else _regex_problem(test.pattern)
        if problem:
            yield problem
    elif isinstance(test, ConnectionTest):
        yield from _regex_problems(test)
    elif isinstance(test, PingTest) and test.size is not None and not 8 <= monit_number(test.size) <= 1492:
        yield f"ping size {test.size} is outside 8 to 1492 bytes" + _wrapped(test.size)


def _regex_problems(test: ConnectionTest) -> Iterator[str]:
    """``content = "re"`` and ``send … expect "re"`` are regular expressions too, in the order written."""
    items = sorted(
        [(c.span.line, c.span.column, c.pattern) for c in test.content]
        + [(e.span.line, e.span.column, e.text) for e in test.send_expect if not e.send]
    )
    for _line, _column, pattern in items:
        problem = _regex_problem(pattern)
        if problem:
            yield problem


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report each value Monit would refuse, with Monit's reason."""
    yield from _checks(ctx, rule)
    # Values only some releases refuse (a poll time over a year from 5.35, a password over 64
    # characters until 5.33 …): reported when a target release refuses them.
    for found in ctx.version_gates:
        if found.kind is GateKind.VALUE:
            yield rule.diagnostic(found.message, found.span, service=found.service, hint=found.hint)


def _checks(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    config = ctx.model
    daemons = [s for s in config.settings if isinstance(s, DaemonSetting)]
    # The last `set daemon` is the poll time; Monit only refuses 0 (a number read as negative passes).
    if daemons and monit_number(daemons[-1].interval) == 0:
        last = daemons[-1]
        yield rule.diagnostic(
            f"`set daemon {last.interval}`: Monit needs a poll time above 0" + _wrapped(last.interval),
            last.span,
            hint="write the seconds between two check cycles, e.g. `set daemon 30`",
        )
    for setting in config.settings:
        facility = setting.facility if isinstance(setting, LogSetting) else None
        if facility is not None and facility.lower() not in FACILITIES:
            yield rule.diagnostic(
                f"invalid syslog facility '{facility}' (use log_local0 to log_local7 or log_daemon)",
                setting.span,
            )
    for service in config.services:
        if service.name.startswith("/"):
            yield rule.diagnostic(
                f"service name '{service.name}' must not start with '/'", service.name_span, service=service.name
            )
        if service.target_kind is TargetKind.MATCHING and service.target:
            problem = _regex_problem(service.target)
            if problem:
                yield rule.diagnostic(problem, service.span, service=service.name)
        kinds = {t.kind for t in service.tests}
        if service.type is ServiceType.HOST and not kinds & {TestKind.PORT, TestKind.URL, TestKind.PING}:
            yield rule.diagnostic(
                f"'check host {service.name}' is incomplete: add a port, url or ping test",
                service.span,
                service=service.name,
            )
        if service.type is ServiceType.PROGRAM and not kinds & {
            TestKind.STATUS,
            TestKind.PROGRAM_CONTENT,
            TestKind.CONTENT_CHANGED,
        }:
            yield rule.diagnostic(
                f"'check program {service.name}' is incomplete: add a status or content test",
                service.span,
                service=service.name,
            )
        links = {t.state for t in service.tests if isinstance(t, LinkTest)}
        if LinkState.UP in links and (LinkState.DOWN in links or LinkState.FAILED in links):
            yield rule.diagnostic(
                "mixing `link up` and `link down` tests is not supported", service.span, service=service.name
            )
        for test in service.tests:
            for problem in _test_problems(test):
                yield rule.diagnostic(problem, test.span, service=service.name)
            for refusal in test_refusals(test, service.name):
                yield _finding(rule, refusal)
        for refusal in service_refusals(service):
            yield _finding(rule, refusal)
    for refusal in settings_refusals(config, ctx.complete):
        yield _finding(rule, refusal)


def _finding(rule: Rule, refusal: Refusal) -> Diagnostic:
    return rule.diagnostic(refusal.message, refusal.span, service=refusal.service, hint=refusal.hint)
