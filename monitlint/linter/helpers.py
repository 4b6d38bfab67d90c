"""Helpers that rules share: one module, so that no rule imports another.

- Walking the model: :func:`actions`, :func:`programs`, :func:`settings_of`.
- Where a file lives: :func:`installed`, :func:`in_checkout` (file modes only matter once deployed).
- Numbers as Monit reads them: :func:`monit_number`.
- Host checks: :func:`unknown_accounts` (users and groups this machine does not have).
- Close-name suggestions in bounded time: :class:`Budget`, :class:`CloseMatcher`.
"""

from __future__ import annotations

import difflib
import os
from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING, Literal, TypeVar

from monitlint.model import Action, ControlFile, Program, Service, Setting, Test
from monitlint.runtime.budgets import SUGGESTION_BASE_CHARS, SUGGESTION_CHARS_PER_NAME

if TYPE_CHECKING:
    from monitlint.diagnostics import Diagnostic
    from monitlint.linter.context import LintContext
    from monitlint.linter.registry import Rule

S = TypeVar("S", bound=Setting)

# --- walking the model --------------------------------------------------------------------------


def actions(test: Test) -> Iterator[Action]:
    """The action of a test and its `else` action."""
    if test.action is not None:
        yield test.action
    if test.else_action is not None:
        yield test.else_action


def programs(service: Service) -> Iterator[tuple[str, Program]]:
    """Every program a service can run: methods, the checked program, and `exec` actions."""
    # Several rules walk every service's programs: the tests' actions are read in place (not through
    # actions(), a generator per test), which halved what this costs them at 2,000 services.
    if service.start is not None:
        yield "start program", service.start
    if service.stop is not None:
        yield "stop program", service.stop
    if service.restart is not None:
        yield "restart program", service.restart
    if service.program is not None:
        yield "program", service.program
    for test in service.tests:
        action = test.action
        if action is not None and action.program is not None:
            yield "exec", action.program
        action = test.else_action
        if action is not None and action.program is not None:
            yield "exec", action.program


def settings_of(config: ControlFile, cls: type[S]) -> list[S]:
    """Every ``set`` statement of one class (``HttpdSetting``, ``DaemonSetting`` …), in order."""
    return [s for s in config.settings if isinstance(s, cls)]


# --- where a file lives -------------------------------------------------------------------------

INSTALLED_PREFIXES = ("/etc/", "/usr/local/etc/", "/opt/", "/usr/etc/")


def installed(path: str) -> bool:
    """True for a control file as deployed (under /etc, /usr/local/etc, /opt, or ~/.monitrc), not in a checkout."""
    real = os.path.realpath(path)
    deployed = real.startswith(INSTALLED_PREFIXES) or os.path.basename(real) == ".monitrc"
    return deployed and not in_checkout(real)


def in_checkout(path: str) -> bool:
    """True when ``path`` lies inside a git (or hg) working tree (one walk up, shared with discovery)."""
    from monitlint.files.discovery import working_tree

    return working_tree(os.path.dirname(os.path.abspath(path))) is not None


# --- numbers as Monit reads them ----------------------------------------------------------------


def monit_number(value: int) -> int:
    """The value Monit's scanner makes of a number: ``atoi``, so 64-bit saturated, then cut to 32 bits."""
    value = min(value, 2**63 - 1) & 0xFFFFFFFF
    return value - 2**32 if value >= 2**31 else value


# --- close-name suggestions ----------------------------------------------------------------------
# The "did you mean" hints for unknown dependencies and group names compare names pairwise, which is
# quadratic: a config from a stranger with thousands of made-up names took
# minutes.  These helpers give the same answers as the ``difflib`` calls they
# replace, looking only at names of a compatible length, and spend at most a
# budget of characters compared that grows linearly with the config; past it (never on
# an ordinary config) they only find names equal but for case.

# Names longer than this are never compared letter by letter: a SequenceMatcher on
# two long strings can take time quadratic in their length, and a typo hint for a
# 200-character name helps nobody.
MAX_COMPARED_LENGTH = 128


class Budget:
    """Characters that close-name comparisons may still look at (shared by the queries of one rule run).

    Counted by work, not by comparisons: screening a pair (``quick_ratio``) costs the sum of the two
    lengths, scoring it (``ratio``, quadratic in the worst case) their product.  With 128-character
    names one scored comparison takes milliseconds, so a count of comparisons allowed a minute.
    """

    def __init__(
        self, items: int, per_item: int = SUGGESTION_CHARS_PER_NAME, base: int = SUGGESTION_BASE_CHARS
    ) -> None:
        self.left = base + per_item * items

    def spend(self, chars: int = 1) -> bool:
        """Take ``chars`` characters of comparison; False when there are not that many left."""
        self.left -= chars
        return self.left >= 0


class CloseMatcher:
    """``difflib.get_close_matches(word, names, n=1)`` for many words over one list of names."""

    def __init__(self, names: list[str], budget: Budget, cutoff: float = 0.6) -> None:
        self.cutoff = cutoff
        self.budget = budget
        self.by_length: dict[int, list[str]] = defaultdict(list)
        for name in names:
            self.by_length[len(name)].append(name)
        self._memo: dict[str, str | None] = {}

    def best(self, word: str) -> str | None:
        """The closest name scoring at least the cutoff (ties to the greatest name), or None."""
        if word in self._memo:
            return self._memo[word]
        found = self._best(word)
        self._memo[word] = found
        return found

    def _best(self, word: str) -> str | None:
        size = len(word)
        if not size or size > MAX_COMPARED_LENGTH:
            return None
        cutoff = self.cutoff
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(word)
        best: tuple[float, str] | None = None
        # real_quick_ratio() is 2*min(len)/(sum of len): lengths outside this range can never reach the cutoff.
        for length in sorted(self.by_length):
            if length > MAX_COMPARED_LENGTH or 2 * min(length, size) / (length + size) < cutoff:
                continue
            for name in self.by_length[length]:
                if not self.budget.spend(length + size):
                    return None  # out of budget: no suggestion rather than a partial one
                matcher.set_seq1(name)
                if matcher.real_quick_ratio() >= cutoff and matcher.quick_ratio() >= cutoff:
                    if not self.budget.spend(length * size):
                        return None
                    score = matcher.ratio()
                    if score >= cutoff and (best is None or (score, name) > best):
                        best = (score, name)
        return best[1] if best is not None else None


# --- host checks ----------------------------------------------------------------------------------


def unknown_accounts(ctx: LintContext, rule: Rule, kind: Literal["user", "group"]) -> Iterator[Diagnostic]:
    """Findings for the users (or groups) and uids (or gids) the host's database does not know.

    Monit looks each one up when it reads the file and refuses it whole; numbers are read as
    Monit reads them (32-bit).  Nothing without host checks, or when the database cannot be read.
    """
    host = ctx.host
    if host is None:
        return
    from monitlint.host.facts import group_refs, user_refs  # only with host checks on: keeps start-up short

    refs, number, database = (user_refs, "uid", "/etc/passwd") if kind == "user" else (group_refs, "gid", "/etc/group")
    name_exists = host.user_exists if kind == "user" else host.group_exists
    number_exists = host.uid_exists if kind == "user" else host.gid_exists
    where = f" under {host.root}" if host.root else ""
    for ref in refs(ctx.model):
        if ref.numeric:
            known = number_exists(monit_number(int(ref.value)) & 0xFFFFFFFF)
            what, monit = f"{number} {ref.value}", f"Requested {number} not found on the system"
        else:
            known = name_exists(ref.value)
            what, monit = f"{kind} '{ref.value}'", f"Requested {kind} not found on the system"
        if known is False:
            hint = f"create the {kind}, or name one that exists (see {database})"
            if not ref.numeric and ref.value.isdigit():  # `uid "0"`: Monit reads quoted digits as a name
                hint = f'in quotes "{ref.value}" is a {kind} name, not a {number}: write it without quotes'
            yield rule.diagnostic(
                f"{what} ({ref.what}) does not exist on this machine{where}: monit -t refuses the file ({monit})",
                ref.span,
                service=ref.service,
                hint=hint,
            )
