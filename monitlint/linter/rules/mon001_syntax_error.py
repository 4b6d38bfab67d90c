"""MON001 syntax-error: text that Monit's parser rejects.

What it detects
    Anything `monit -t` would refuse as a syntax error: a misspelt keyword, a
    statement that is not legal for the service type, a unit glued to its number,
    a test without `then`, an unclosed quote, single quotes after `start program =`.

Why it matters
    Monit refuses to start, or to reload, with such a file: one bad line stops
    monitoring of every service on the host. `monit -t` reports only the first
    error and one token late; monitlint reports each one at the offending token.

Bad
    check process nginx with pidfile /run/nginx.pid
        if cpu > 80% for 5 cycles alert

Good
    check process nginx with pidfile /run/nginx.pid
        if cpu > 80% for 5 cycles then alert
"""

from monitlint.diagnostics import ProblemKind, Severity
from monitlint.linter.version_gates import GateKind, doc_section

# The forms only some Monit releases' grammars have, with their releases (docs/target-versions.md).
__doc__ = (__doc__ or "") + doc_section(GateKind.SYNTAX)

CODE = "MON001"
NAME = "syntax-error"
SEVERITY = Severity.ERROR
MANUAL_SECTION = "THE-MONIT-CONTROL-FILE"  # the Monit manual section it is about
SINCE = "0.1.0"  # the monitlint version it appeared in
SUMMARY = "Monit's parser would reject this text"
# Monit refuses such a file: no selection, ignore, severity or suppression comment turns this off.
ALWAYS_ON = True
# Reported by the parser (and the include expander: too many included files), not by a check.
KINDS = {ProblemKind.SYNTAX_ERROR: SEVERITY}
