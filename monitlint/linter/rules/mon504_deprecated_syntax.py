"""MON504 deprecated-syntax: forms Monit 5.33 or 6.x deprecates or removed.

What it detects
    `set expectbuffer` (use `set limits { sendExpectBuffer: ... }`), `mode manual`
    (use `onreboot laststate`), `if failed link` (use `if link down`), `if match`
    and `ignore match` (use `if content =` / `ignore content =`), the pre-5.21
    `set httpd` options `pemfile`, `clientpemfile` and `allowselfcertification`
    (use `with ssl { ... }`), and `certmd5` (use `certificate checksum`).

Why it matters
    They still parse in 5.33, but newer Monit versions warn or refuse them: an
    upgrade turns them into start-up failures.

Bad
    mode manual

Good
    onreboot laststate
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.linter.registry import Rule
from monitlint.model import (
    Checksum,
    ConnectionTest,
    ExpectBufferSetting,
    HttpdSetting,
    LinkState,
    LinkTest,
    MailServerSetting,
    MMonitSetting,
    Setting,
    TestKind,
)

if TYPE_CHECKING:
    from monitlint.linter.context import LintContext

CODE = "MON504"
NAME = "deprecated-syntax"
SEVERITY = Severity.INFO
MANUAL_SECTION = "THE-MONIT-CONTROL-FILE"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
CATEGORY = "Compatibility"  # GitLab Code Quality (Code Climate) category, not its family's "Bug Risk"
SUMMARY = "syntax that Monit deprecates (set expectbuffer, mode manual, if match, httpd pemfile, certmd5 ...)"


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
            if isinstance(test, LinkTest) and test.state is LinkState.FAILED:
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
