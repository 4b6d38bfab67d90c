"""MON002 include-not-found: an `include` that brings in nothing, or a file that cannot be read.

What it detects
    An `include` whose file does not exist, or a glob whose folder does not exist
    (Monit silently includes nothing; warning); a matched file that cannot be read
    (Monit refuses to start; error), a FIFO (Monit hangs at start; error), or a
    binary file with a NUL byte (error: Monit stops reading the whole configuration
    at the NUL and still says "syntax OK", so every later statement is lost); and a
    device or socket (Monit accepts it and reads nothing; warning).

    An include that points outside the checked tree (the git or hg checkout, or
    `--root`) is not read, by policy: a pull request's `include /etc/shadow` must
    not be shown.  That file may well exist on the host, so this is said apart from
    a missing one, as an info ("leads outside the checked tree: not read").
    When the checkout holds the installed tree (`etc/monit/monitrc` including
    `/etc/monit/conf.d/*`, as Debian's stock `/etc/monit` copied into a
    repository does), lint it as installed with `--root DIR` or `root = "DIR"`,
    DIR being the folder that stands for `/`. The hint names the exact line to add
    when it finds that folder in the checkout (the folder under which the include's
    own folder exists), for a checkout holding `etc/monit/monitrc`:

        root = "."          # in .monitlint.toml, or under [tool.monitlint] in pyproject.toml

    or the option `--root .`; the includes are then read from the checkout, and a
    file missing there is reported as missing (a warning).

Why it matters
    A typo in an include path silently drops every service it was meant to bring
    in: nothing is monitored and nothing says so.

Bad
    include /etc/monit/conf.d/*.cfg      # the folder is /etc/monit/conf.d, files end in .conf

Good
    include /etc/monit/conf.d/*.conf
"""

from monitlint.diagnostics import ProblemKind, Severity

CODE = "MON002"
NAME = "include-not-found"
SEVERITY = Severity.WARNING
MANUAL_SECTION = "INCLUDE-FILES"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "an include path or folder that does not exist, or an included file that cannot be read"
# Reported by the include expander, not by a check.  The severity depends on what Monit does:
KINDS = {
    ProblemKind.INCLUDE_NOT_FOUND: Severity.WARNING,  # Monit silently includes nothing
    # Outside the checked tree: not read by policy, not a mistake in the file (fixed by `root`, not by the file).
    ProblemKind.INCLUDE_OUTSIDE_TREE: Severity.INFO,
    ProblemKind.INCLUDE_UNREADABLE: Severity.ERROR,  # Monit refuses to start, hangs (FIFO) or stops reading (NUL)
    ProblemKind.INCLUDE_READS_NOTHING: Severity.WARNING,  # a device or socket: accepted, nothing read
}
