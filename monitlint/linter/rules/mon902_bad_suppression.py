"""MON902 bad-suppression: a malformed `# monitlint:` comment or one naming an unknown rule.

What it detects
    A comment starting with `# monitlint:` that is neither `disable=CODES` nor
    `disable-file=CODES`, or that names a code or rule name monitlint does not know.

Why it matters
    A mistyped suppression suppresses nothing, silently.

Bad
    # monitlint: disable=MON1O1          (letter O instead of zero)

Good
    # monitlint: disable=MON101
"""

from monitlint.diagnostics import ProblemKind, Severity

CODE = "MON902"
NAME = "bad-suppression"
SEVERITY = Severity.WARNING
MANUAL_SECTION = "THE-MONIT-CONTROL-FILE"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "a malformed suppression comment, or one naming an unknown rule"
# Reported by the suppression reader (monitlint/linter/suppressions.py), not by a check.
KINDS = {ProblemKind.BAD_SUPPRESSION: SEVERITY}
