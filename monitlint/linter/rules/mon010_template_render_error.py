"""MON010 template-render-error: a Monit template that its engine cannot render.

What it detects
    When `monitlint check` renders the templates of an Ansible role (Jinja2, with
    ansible-core when installed) or a Puppet module (ERB and EPP, compiled by
    `puppet`), a template that does not render: a variable the values do not
    define (named, with where to define it: the role's `defaults/main.yml`, the
    module's Hiera data, or `--template-vars FILE`), a template syntax error, a
    filter or test the engine does not know, a lookup monitlint refuses to run
    (it would read outside the role, run a command or use the network), a failed
    Puppet compile.  The finding is at the template's path and line (line 1 when
    the engine does not say).

Why it matters
    Nothing of that template was checked, and the deploy that renders it with
    the same values fails (Ansible's task fails, Puppet's catalog does not
    compile), so Monit keeps its old configuration.

Bad
    check process {{ service_name }} with pidfile /run/app.pid   # service_name defined nowhere

Good
    check process {{ service_name }} with pidfile /run/app.pid   # service_name in defaults/main.yml
"""

from __future__ import annotations

from monitlint.diagnostics import Severity

CODE = "MON010"
NAME = "template-render-error"
SEVERITY = Severity.ERROR
MANUAL_SECTION = "THE-MONIT-CONTROL-FILE"  # the Monit manual section it is about
SINCE = "0.2.0"  # the monitlint version it appeared in
SUMMARY = "A Monit template (Jinja2, ERB, EPP) that its engine cannot render with the values given"
