"""MON006 monit-rejects: a value Monit's parser accepts but then refuses.

What it detects
    The checks `monit -t` performs beyond the grammar, each with Monit's reason:
    a restart limit with more restarts than cycles or a zero; a rate outside 1 to
    64 cycles, or with more events than cycles; a permission that is not octal or
    is above 7777; a `matching` or `content` regular expression that does not
    compile; a `check host` without a port, url or ping test; a `check program`
    without a status or content test; a service name starting with `/`; a
    `set daemon 0`; a syslog facility Monit does not know; a ping size outside
    8 to 1492 bytes; mixing `link up` and `link down` tests; an httpd password
    over 64 characters.

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
from monitlint.linter.registry import Rule
from monitlint.model import Rate, Span, Test

if TYPE_CHECKING:
    from monitlint.grammar.parser import ParseResult

CODE = "MON006"
NAME = "monit-rejects"
SEVERITY = Severity.ERROR
SUMMARY = "a value Monit's parser accepts but `monit -t` then rejects"

FACILITIES = {f"log_local{i}" for i in range(8)} | {"log_daemon"}


def _rate_problem(rate: Rate | None) -> str | None:
    if rate is None:
        return None
    if not 1 <= rate.cycles <= 64:
        return "the number of cycles must be between 1 and 64"
    if rate.times is not None and not 1 <= rate.times <= rate.cycles:
        return "the number of events must be between 1 and the number of cycles"
    return None


def _regex_problem(pattern: str) -> str | None:
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"the regular expression '{pattern}' does not compile ({exc})"
    return None


def _test_problems(test: Test) -> Iterator[str]:
    if test.kind == "restart_limit":
        restarts, cycles = test.options.get("restarts", 1), test.options.get("cycles", 1)
        if restarts == 0 or cycles == 0:
            yield "zero is not allowed in a restart limit"
        elif restarts > cycles:
            yield f"the number of restarts ({restarts}) must not exceed the number of cycles ({cycles})"
        elif cycles > 64:
            yield "the number of cycles must be between 1 and 64"
    for rate in (test.rate, test.else_rate):
        problem = _rate_problem(rate)
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
    if test.kind == "ping":
        tokens = test.tokens
        for index, (kind, _text) in enumerate(tokens[:-1]):
            if kind == "SIZE" and tokens[index + 1][0] == "NUMBER":
                size = int(tokens[index + 1][1])
                if not 8 <= size <= 1492:
                    yield f"ping size {size} is outside 8 to 1492 bytes"


def check(result: ParseResult, rule: Rule) -> Iterator[Diagnostic]:
    """Report each value Monit would refuse, with Monit's reason."""
    config = result.config
    for setting in config.settings:
        if setting.kind == "daemon" and setting.values.get("interval") == 0:
            yield rule.diagnostic("`set daemon 0`: Monit needs a poll time above 0", setting.span)
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
