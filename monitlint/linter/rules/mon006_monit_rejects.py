"""MON006 monit-rejects: a value Monit's parser accepts but then refuses.

What it detects
    The checks `monit -t` performs beyond the grammar, each with Monit's reason:
    a restart limit with more restarts than cycles or a zero; a rate outside 1 to
    64 cycles, or with more events than cycles; a permission that is not octal or
    is above 7777; a `matching`, `content`, `url … content` or `expect` regular
    expression that the C library's POSIX `regcomp` refuses (as Monit compiles
    it: `[[:digit:]]` is fine, `(?i)` is not); a checksum that is not 32 (MD5) or
    40 (SHA1) hex digits, or not of the stated type; a `total … in last` range
    over 60 minutes or 24 hours; a `check host` without a port, url or ping test;
    a `check program` without a status or content test; a service name starting
    with `/`; a `set daemon 0`; a negative `repeat every`; a syslog facility
    Monit does not know; a ping size outside 8 to 1492 bytes; mixing `link up`
    and `link down` tests; an httpd password over 64 characters.  Numbers are
    judged as Monit reads them: 32-bit, so 4294967296 is 0.

Why it matters
    Monit refuses to start or reload with such a file, exactly like a syntax error.

Bad
    if 5 restarts within 3 cycles then unmonitor

Good
    if 3 restarts within 5 cycles then unmonitor
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.helpers import monit_number
from monitlint.linter.registry import Rule
from monitlint.model import Rate, Span, Test
from monitlint.posix_regex import posix_regex_error

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON006"
NAME = "monit-rejects"
SEVERITY = Severity.ERROR
SUMMARY = "a value Monit's parser accepts but `monit -t` then rejects"
# Relative run time at 20,000 services (the others count 1), to share the rules between processes.
COST = 8
# Monit refuses such a file: no selection, ignore, severity or suppression comment turns this off.
ALWAYS_ON = True

FACILITIES = {f"log_local{i}" for i in range(8)} | {"log_daemon"}


HEX_DIGITS = re.compile(r"[0-9a-fA-F]+")
CHECKSUM_LENGTHS = {"MD5HASH": 32, "SHA1HASH": 40}
# `total ... in last N unit`: Monit keeps 60 minutes and 24 hours of history.
TOTAL_RANGE_LIMITS = {"MINUTE": 60, "HOUR": 24, "DAY": 1}


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


def _checksum_value_problem(expected: str, stated: int | None) -> str | None:
    hex_ok = HEX_DIGITS.fullmatch(expected) is not None
    if stated is None and not (hex_ok and len(expected) in (32, 40)):
        return f"unknown checksum type [{expected}]: expect 32 (MD5) or 40 (SHA1) hex digits"
    if stated is not None and not (hex_ok and len(expected) == stated):
        kind = "MD5" if stated == 32 else "SHA1"
        return f"invalid checksum [{expected}]: an {kind} checksum is {stated} hex digits"
    return None


def _checksum_problem(test: Test) -> str | None:
    """Monit wants exactly 32 (MD5) or 40 (SHA1) hex digits, of the stated type if one is named."""
    if test.kind not in ("checksum", "port", "url"):
        return None
    kinds = [kind for kind, _ in test.tokens]
    if test.kind == "checksum" and "EXPECT" in kinds:
        strings = [text for kind, text in test.tokens if kind == "STRING"]
        stated = next((CHECKSUM_LENGTHS[k] for k in kinds if k in CHECKSUM_LENGTHS), None)
        return _checksum_value_problem(strings[-1], stated) if strings else None
    if test.kind in ("port", "url") and "CHECKSUM" in kinds:
        # `request … checksum X`, `certificate checksum [md5|sha1] [=] X`, `rsakey checksum …`
        index = kinds.index("CHECKSUM") + 1
        stated = None
        while index < len(kinds) and kinds[index] in ("MD5HASH", "SHA1HASH", "EQUAL"):
            stated = CHECKSUM_LENGTHS.get(kinds[index], stated)
            index += 1
        if index < len(kinds) and kinds[index] == "STRING":
            return _checksum_value_problem(test.tokens[index][1], stated)
    return None


def _total_range_problem(test: Test) -> str | None:
    """``total … in last N unit`` is bounded by the history Monit keeps."""
    if test.kind != "transfer" or not test.tokens or test.tokens[0][0] != "TOTAL":
        return None
    if len(test.tokens) < 2 or test.tokens[-2][0] != "NUMBER":
        return None
    if sum(kind == "NUMBER" for kind, _ in test.tokens) < 2:  # `> 50 in last day`: 50 is the value (bytes)
        return None
    unit = test.tokens[-1][0]
    number = monit_number(int(test.tokens[-2][1]))
    limit = TOTAL_RANGE_LIMITS.get(unit)
    if limit is None or number <= limit:
        return None
    if unit == "MINUTE":
        return f"the range of a total test is at most 60 minutes, not {number}"
    return f"the range of a total test is at most 24 hours, not {number} {test.tokens[-1][1]}"


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
    reason = posix_regex_error(pattern)
    return None if reason is None else f"the regular expression '{pattern}' does not compile ({reason})"


def _action_problem(test: Test) -> str | None:
    for action in (test.action, test.else_action):
        if action is not None and action.repeat_every is not None and monit_number(action.repeat_every) < 0:
            return "the number of repeat cycles must be 0 or more" + _wrapped(action.repeat_every)
    return None


def _test_problems(test: Test) -> Iterator[str]:
    if test.kind == "restart_limit":
        # Unlike a rate, a restart limit has no upper bound on its cycles.
        restarts = monit_number(test.options.get("restarts", 1))
        cycles = monit_number(test.options.get("cycles", 1))
        if restarts <= 0 or cycles <= 0:
            yield "zero is not allowed in a restart limit"
        elif restarts > cycles:
            yield f"the number of restarts ({restarts}) must not exceed the number of cycles ({cycles})"
    # Each check only where it can apply: this runs for every test of every service.
    for rate in (test.rate, test.else_rate) if test.rate or test.else_rate else ():
        problem = _rate_problem(rate)
        if problem:
            yield problem
    if test.kind in ("checksum", "port", "url"):
        problem = _checksum_problem(test)
        if problem:
            yield problem
    if test.kind == "transfer":
        problem = _total_range_problem(test)
        if problem:
            yield problem
    if (test.action is not None and test.action.repeat_every is not None) or (
        test.else_action is not None and test.else_action.repeat_every is not None
    ):
        problem = _action_problem(test)
        if problem:
            yield problem
    if test.kind == "permission":
        number = next((text for kind, text in test.tokens if kind == "NUMBER"), None)
        if number is not None and (not re.fullmatch(r"[0-7]+", number) or int(number, 8) > 0o7777):
            yield f"permission {number} must be an octal value between 0 and 7777"
    if test.kind in ("file_content", "program_content", "ignore_content", "match", "ignore_match"):
        for kind, text in test.tokens:
            if kind == "STRING":
                problem = _regex_problem(text)
                if problem:
                    yield problem
    if test.kind in ("url", "port"):
        # `url … content = "re"` and `send … expect "re"` are regular expressions too.
        for index, (kind, text) in enumerate(test.tokens[1:], start=1):
            if kind == "STRING" and test.tokens[index - 1][0] in ("EQUAL", "NOTEQUAL", "EXPECT"):
                problem = _regex_problem(text)
                if problem:
                    yield problem
    if test.kind == "ping":
        tokens = test.tokens
        for index, (kind, _text) in enumerate(tokens[:-1]):
            if kind == "SIZE" and tokens[index + 1][0] == "NUMBER":
                size = int(tokens[index + 1][1])
                if not 8 <= size <= 1492:
                    yield f"ping size {size} is outside 8 to 1492 bytes"


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report each value Monit would refuse, with Monit's reason."""
    config = ctx.model
    for setting in config.settings:
        interval = setting.values.get("interval") if setting.kind == "daemon" else None
        if isinstance(interval, int) and monit_number(interval) <= 0:
            yield rule.diagnostic(
                f"`set daemon {interval}`: Monit needs a poll time above 0" + _wrapped(interval), setting.span
            )
        if setting.kind == "log" and "facility" in str(setting.values.get("value", "")):
            facility = str(setting.values["value"]).split()[-1]
            if facility.lower() not in FACILITIES:
                yield rule.diagnostic(
                    f"invalid syslog facility '{facility}' (use log_local0 to log_local7 or log_daemon)", setting.span
                )
        if setting.kind == "httpd":
            for allow in setting.values.get("allow", []):
                if allow["kind"] == "user" and len(allow["password"]) > 64:
                    yield rule.diagnostic(
                        f"the password of user '{allow['user']}' is over 64 characters", Span(**allow["span"])
                    )
    for service in config.services:
        if service.name.startswith("/"):
            yield rule.diagnostic(
                f"service name '{service.name}' must not start with '/'", service.name_span, service=service.name
            )
        if service.target_kind == "matching" and service.target:
            problem = _regex_problem(service.target)
            if problem:
                yield rule.diagnostic(problem, service.span, service=service.name)
        kinds = {t.kind for t in service.tests}
        if service.type == "host" and not kinds & {"port", "url", "ping"}:
            yield rule.diagnostic(
                f"'check host {service.name}' is incomplete: add a port, url or ping test",
                service.span,
                service=service.name,
            )
        if service.type == "program" and not kinds & {"status", "program_content"}:
            yield rule.diagnostic(
                f"'check program {service.name}' is incomplete: add a status or content test",
                service.span,
                service=service.name,
            )
        links = {
            t.tokens[0][0] + (t.tokens[1][0] if len(t.tokens) > 1 else "") for t in service.tests if t.kind == "link"
        }
        if "LINKUP" in links and ("LINKDOWN" in links or "FAILEDLINK" in links):
            yield rule.diagnostic(
                "mixing `link up` and `link down` tests is not supported", service.span, service=service.name
            )
        for test in service.tests:
            for problem in _test_problems(test):
                yield rule.diagnostic(problem, test.span, service=service.name)
