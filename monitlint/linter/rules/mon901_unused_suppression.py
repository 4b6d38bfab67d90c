"""MON901 unused-suppression: a `# monitlint: disable=...` comment that suppresses nothing.

What it detects
    A suppression comment naming an enabled rule that reports nothing in the
    statement, block or file the comment covers.

Why it matters
    Stale suppressions hide future problems and mislead readers; remove them once
    the finding they were written for is fixed.

Bad
    stop program = "/usr/bin/app stop"   # monitlint: disable=MON101

Good
    stop program = "/usr/bin/app stop"
"""

from monitlint.diagnostics import ProblemKind, Severity

CODE = "MON901"
NAME = "unused-suppression"
SEVERITY = Severity.WARNING
MANUAL_SECTION = "THE-MONIT-CONTROL-FILE"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "a suppression comment that suppresses nothing"
# Reported by the suppression reader (monitlint/linter/suppressions.py), not by a check.
KINDS = {ProblemKind.UNUSED_SUPPRESSION: SEVERITY}
