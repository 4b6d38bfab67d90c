"""MON003 include-cycle: an `include` that leads back to a file already being read.

What it detects
    A file that includes itself, directly or through other files, or includes the
    main control file.

Why it matters
    Monit prints "Include loop detected" and skips the include; whatever the
    author meant to bring in at that point is missing.

Bad
    # /etc/monit/conf.d/all.conf
    include /etc/monit/conf.d/*

Good
    include /etc/monit/conf.d/*.conf     # a pattern that does not match the including file
"""

from monitlint.diagnostics import ProblemKind, Severity

CODE = "MON003"
NAME = "include-cycle"
SEVERITY = Severity.WARNING
MANUAL_SECTION = "INCLUDE-FILES"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "an include that leads back to a file already being read"
# Reported by the include expander, not by a check.
KINDS = {ProblemKind.INCLUDE_CYCLE: SEVERITY}
