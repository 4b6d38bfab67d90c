"""MON504 deprecated-syntax: forms Monit 5.33 or 6.x deprecates or removed.

What it detects
    `set expectbuffer` (use `set limits { sendExpectBuffer: ... }`), `mode manual`
    (use `onreboot laststate`), `if failed link` (use `if link down`), `if match`
    and `ignore match` (use `if content =` / `ignore content =`), the pre-5.21
    `set httpd` options `pemfile`, `clientpemfile` and `allowselfcertification`
    (use `with ssl { ... }`), and `certmd5` (use `certificate checksum`).

Why it matters
    They still parse in 5.33, but newer Monit versions warn or refuse them: an
    upgrade turns them into start-up failures.  A form is reported only when every
    target release (`target-versions`) takes its replacement: `if link down` needs
    Monit 5.28, so for a fleet with Debian 11's 5.27 `if failed link` is not deprecated.

Bad
    mode manual

Good
    onreboot laststate

Fix
    `check --fix` rewrites `mode manual` as `onreboot laststate`, `if failed link` as
    `if link down`, `if [not] match X` as `if content =|!= X` (and `ignore` alike), and a mail
    or M/Monit server's `certmd5 X` as `certificate checksum md5 X`, which Monit parses to the
    same thing (its own grammar maps the old forms to the new ones).
    The other forms need a person: their replacements move the text into another statement
    (`set limits`, `with ssl { … }`), and a port test takes no `certificate checksum`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.registry import Rule
from monitlint.model import (
    Checksum,
    ConnectionTest,
    ContentTest,
    ExpectBufferSetting,
    HttpdSetting,
    LinkState,
    LinkTest,
    MailServerSetting,
    MMonitSetting,
    ServiceType,
    Setting,
    TestKind,
)

if TYPE_CHECKING:
    from monitlint.files.source import SourceFile
    from monitlint.fixes.edits import Fix, Word
    from monitlint.linter.context import LintContext
    from monitlint.model import ControlFile, Service

CODE = "MON504"
NAME = "deprecated-syntax"
SEVERITY = Severity.INFO
MANUAL_SECTION = "THE-MONIT-CONTROL-FILE"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
CATEGORY = "Compatibility"  # GitLab Code Quality (Code Climate) category, not its family's "Bug Risk"
SUMMARY = "syntax that Monit deprecates (set expectbuffer, mode manual, if match, httpd pemfile, certmd5 ...)"
# CPU milliseconds at 20,000 services (a rule without COST counts 1), to share the rules between processes.
COST = 21
FIX = (
    "rewrites `mode manual` as `onreboot laststate`, `if failed link` as `if link down`, `[not] match` as "
    "`content =|!=` and a mail or M/Monit server's `certmd5 X` as `certificate checksum md5 X`"
)


def check(ctx: LintContext, rule: Rule) -> Iterator[Diagnostic]:
    """Report deprecated statements with their replacement."""
    for setting in ctx.model.settings:
        if isinstance(setting, ExpectBufferSetting):
            yield rule.diagnostic(
                "`set expectbuffer` is deprecated", setting.span, hint="use `set limits { sendExpectBuffer: N kB }`"
            )
        if isinstance(setting, HttpdSetting):
            yield from _old_httpd_tls(setting, rule)
        for checksum in _setting_checksums(setting):
            yield from _certmd5(checksum, rule, None)
    for service in ctx.model.services:
        if service.mode == "manual":
            yield rule.diagnostic(
                "`mode manual` is deprecated", service.span, service=service.name, hint="use `onreboot laststate`"
            )
        for test in service.tests:
            # Deprecated only where every target release takes the replacement: for a fleet with
            # Debian 11's 5.27, `if failed link` is the one form its Monit knows.
            if isinstance(test, LinkTest) and test.state is LinkState.FAILED and _all_accept(ctx, "link_up_down"):
                yield rule.diagnostic(
                    "`if failed link` is deprecated", test.span, service=service.name, hint="use `if link down`"
                )
            if isinstance(test, ConnectionTest):
                for checksum in test.certificate_checksums:
                    yield from _certmd5(checksum, rule, service.name)
            if test.kind in (TestKind.MATCH, TestKind.IGNORE_MATCH):
                yield rule.diagnostic(
                    f"`{'ignore' if test.kind is TestKind.IGNORE_MATCH else 'if'} match` is deprecated",
                    test.span,
                    service=service.name,
                    hint="use `content =` / `content !=`",
                )


def _all_accept(ctx: LintContext, gate: str) -> bool:
    """Whether every target release accepts the gated replacement form (linter/version_gates.py)."""
    from monitlint.linter.version_gates import GATES

    return not GATES[gate].refusing(ctx.targets)


# The pre-5.21 `set httpd` TLS options and what replaces each inside `with ssl { … }`.
_OLD_HTTPD_TLS = (
    ("pemfile", "pemfile: PATH"),
    ("clientpemfile", "clientpemfile: PATH"),
    ("allowselfcertification", "selfsigned: allow"),
)


def _old_httpd_tls(setting: HttpdSetting, rule: Rule) -> Iterator[Diagnostic]:
    written = {
        "pemfile": setting.pemfile is not None,
        "clientpemfile": setting.clientpemfile is not None,
        "allowselfcertification": setting.allow_self_certification,
    }
    used = [(old, new) for old, new in _OLD_HTTPD_TLS if written[old]]
    if used:
        names = ", ".join(f"`{old}`" for old, _new in used)
        replacement = ", ".join(new for _old, new in used)
        yield rule.diagnostic(
            f"the pre-5.21 `set httpd` option{'s' if len(used) > 1 else ''} {names} {'are' if len(used) > 1 else 'is'}"
            " deprecated",
            setting.span,
            hint=f"use `with ssl {{ {replacement} }}`",
        )


def _setting_checksums(setting: Setting) -> Iterator[Checksum]:
    if isinstance(setting, MailServerSetting | MMonitSetting):
        for server in setting.servers:
            yield from server.certificate_checksums


def _certmd5(checksum: Checksum, rule: Rule, service: str | None) -> Iterator[Diagnostic]:
    if checksum.certmd5:
        yield rule.diagnostic(
            "`certmd5` is deprecated",
            checksum.span,
            service=service,
            hint=f'use `certificate checksum md5 "{checksum.value}"`',
        )


def fix(ctx: LintContext, diagnostic: Diagnostic) -> Fix | None:
    """Rewrite `mode manual` and `if failed link` in their current form (None for the other forms)."""
    from monitlint.fixes.edits import same_place

    for checksum in _all_checksums(ctx.model):
        if checksum.certmd5 and same_place(checksum.span, diagnostic.span):
            return _certmd5_fix(ctx, checksum)
    for service in ctx.model.services:
        if service.mode == "manual" and same_place(service.span, diagnostic.span):
            return _mode_manual(ctx, service)
        for test in service.tests:
            if isinstance(test, LinkTest) and test.state is LinkState.FAILED and same_place(test.span, diagnostic.span):
                return _failed_link(ctx, test)
            if isinstance(test, ContentTest) and test.kind in _CONTENT_KIND and same_place(test.span, diagnostic.span):
                return _match(ctx, service, test)
    return None


# What each deprecated `match` test is written as now, by the type of its service.
_CONTENT_KIND = {TestKind.MATCH: TestKind.FILE_CONTENT, TestKind.IGNORE_MATCH: TestKind.IGNORE_CONTENT}


def _match(ctx: LintContext, service: Service, test: ContentTest) -> Fix | None:
    """`if [not] match X` → `if content =|!= X`, `ignore [not] match X` → `ignore content =|!= X`."""
    from monitlint.fixes.edits import Edit, Fix, offset, span_at, words

    source = ctx.sources.get(test.span.path)
    if source is None:
        return None
    start = offset(source, test.span.line, test.span.column)
    found = list(itertools.islice(words(source.text, start), 3))
    if len(found) < 2:
        return None
    first = found[1]
    if first.text.lower() == "not" and len(found) == 3 and found[2].text.lower() == "match":
        match = found[2]
    elif first.text.lower() == "match":
        match = first
    else:
        return None
    kind = _CONTENT_KIND[test.kind]
    if kind is TestKind.FILE_CONTENT and service.type is ServiceType.PROGRAM:
        kind = TestKind.PROGRAM_CONTENT
    operator = "!=" if test.negated else "="
    target = test.span

    def change(model: ControlFile) -> bool:
        for candidate_service in model.services:
            for candidate in candidate_service.tests:
                if isinstance(candidate, ContentTest) and candidate.span == target:
                    candidate.kind = kind
                    prefix = "ignore " if candidate.ignore else ""
                    candidate.condition = f"{prefix}content {operator} {candidate.pattern}"
                    return True
        return False

    return Fix((Edit(span_at(source, first.start, match.end), f"content {operator}"),), change)


def _pairs(source: SourceFile, start: int, first: str, second: str, stop: set[str]) -> list[tuple[Word, Word]]:
    """Each `first second` (two words, any case) from ``start`` until a word of ``stop``."""
    from monitlint.fixes.edits import words

    found: list[tuple[Word, Word]] = []
    previous: Word | None = None
    for word in words(source.text, start):
        lowered = word.text.lower()
        if lowered in stop:
            break
        if previous is not None and previous.text.lower() == first and lowered == second:
            found.append((previous, word))
        previous = word
    return found


def _mode_manual(ctx: LintContext, service: Service) -> Fix | None:
    from monitlint.fixes.edits import Edit, Fix, offset, span_at

    if service.onreboot is not None:  # which of the two Monit keeps depends on their order
        return None
    source = ctx.sources.get(service.span.path)
    if source is None:
        return None
    start = offset(source, service.span.end_line, service.span.end_column)
    pairs = _pairs(source, start, "mode", "manual", {"check", "set", "include"})
    if not pairs:
        return None
    target = service.span

    def change(model: ControlFile) -> bool:
        for candidate in model.services:
            if candidate.span == target:
                candidate.mode, candidate.onreboot = None, "laststate"
                return True
        return False

    edits = tuple(Edit(span_at(source, mode.start, manual.end), "onreboot laststate") for mode, manual in pairs)
    return Fix(edits, change)


def _failed_link(ctx: LintContext, test: LinkTest) -> Fix | None:
    from monitlint.fixes.edits import Edit, Fix, offset

    source = ctx.sources.get(test.span.path)
    if source is None:
        return None
    start = offset(source, test.span.line, test.span.column)
    end = offset(source, test.span.end_line, test.span.end_column)
    pairs = [pair for pair in _pairs(source, start, "failed", "link", {"then"}) if pair[1].end <= end]
    if len(pairs) != 1:
        return None
    failed, link = pairs[0]
    target = test.span

    def change(model: ControlFile) -> bool:
        for service in model.services:
            for candidate in service.tests:
                if isinstance(candidate, LinkTest) and candidate.span == target:
                    candidate.state, candidate.condition = LinkState.DOWN, "link down"
                    return True
        return False

    from monitlint.fixes.edits import span_at

    return Fix((Edit(span_at(source, failed.start, link.end), "link down"),), change)


def _all_checksums(model: ControlFile) -> Iterator[Checksum]:
    for setting in model.settings:
        yield from _setting_checksums(setting)
    for service in model.services:
        for test in service.tests:
            if isinstance(test, ConnectionTest):
                yield from test.certificate_checksums


def _certmd5_fix(ctx: LintContext, checksum: Checksum) -> Fix | None:
    """`certmd5 X` → `certificate checksum md5 X` where Monit's grammar takes both (mail and M/Monit servers)."""
    from monitlint.fixes.edits import Edit, Fix, offset, span_at, words

    source = ctx.sources.get(checksum.span.path)
    if source is None:
        return None
    first = next(words(source.text, offset(source, checksum.span.line, checksum.span.column)), None)
    if first is None or first.text.lower() != "certmd5":
        return None
    target = checksum.span

    def change(model: ControlFile) -> bool:
        for candidate in _all_checksums(model):
            if candidate.span == target:
                candidate.certmd5 = False
                return True
        return False

    return Fix((Edit(span_at(source, first.start, first.end), "certificate checksum md5"),), change)
