"""Host checks: what ``monit -t`` checks against the machine it runs on.

- :mod:`monitlint.host.view`: :class:`HostView`, the machine (live, or a sysroot folder).
- :mod:`monitlint.host.facts`: what a control file asks of the machine (users, groups,
  programs, SSL files, htpasswd and pattern files, the log file, ...), read from the model
  in one place, one collector per fact.

The MON6xx rules read the machine only through ``ctx.host`` (a :class:`HostView`, or
None when host checks are off) and the control file only through the collectors.
"""

from __future__ import annotations

from monitlint.host.view import Entry, HostView

__all__ = ["Entry", "HostView"]
