"""The work budgets of one lint run, and the bounds on what a run reports.

A control file from a stranger must not make a run take minutes or gigabytes.  Time limits
would make findings depend on the machine, so every budget here counts *work*: files opened,
bytes and tokens spliced in by includes, folders visited by globs, characters compared for
close-name suggestions, regular-expression atoms compiled.  A budget that runs out is said in a
finding, in words; the findings before it are kept.

One :class:`RunBudget` lives for one :func:`monitlint.lint` call (``with budgets.run():``);
code called outside a run (a test, the provider) gets a fresh budget per parse.  SECURITY.md
("Budgets") lists every number.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import field

from monitlint.runtime.records import record

# -- expansion: includes, configuration globs and discovery share these, per run ----------------
MAX_DIR_VISITS = 10_000  # folders entered by include globs, entrypoint globs and discovery
MAX_FILES_OPENED = 10_000  # included files opened (one file included twice is opened twice, as Monit does)
MAX_SPLICED_BYTES = 64 * 1024 * 1024  # bytes of included files read (the cap on one file)
MAX_SPLICED_TOKENS = 1_000_000  # tokens of included files spliced (25 times a 2,000-service config)

# -- rules and regular expressions -----------------------------------------------------------------
# Close-name suggestions: characters compared (a comparison costs the product of the two lengths
# when it is scored, their sum when it is only screened), a base plus a share per name.
SUGGESTION_BASE_CHARS = 4_000_000
SUGGESTION_CHARS_PER_NAME = 1_600
MAX_REGEX_ATOMS = 100_000  # expanded atoms compiled in process per run (50 patterns of the largest size)

# -- what a run reports ----------------------------------------------------------------------------
MAX_FINDINGS_PER_RULE = 100  # per rule and file; then one finding says how many more were left out
MAX_FINDINGS_PER_FILE = 1_000  # per file, over all rules
MAX_SYNTAX_ERRORS_KEPT = 1_000  # syntax errors a parse keeps per file (the rest are only counted)
ERROR_RECOVERY_SHIFTS = 3  # Bison's rule: no new syntax error until this many tokens were shifted
MESSAGE_WINDOW = 2_000  # characters of a message or hint kept
NAME_WINDOW = 200  # characters of a service name kept
ELLIPSIS = "\N{HORIZONTAL ELLIPSIS}"


def clip(text: str, window: int = MESSAGE_WINDOW) -> str:
    """``text`` cut to about ``window`` characters: its head and tail, and how much was left out between."""
    if len(text) <= window:
        return text
    tail = window // 4
    head = window - tail
    return f"{text[:head]}{ELLIPSIS}[{len(text) - head - tail} characters not shown]{ELLIPSIS}{text[-tail:]}"


@record
class ExpansionBudget:
    """Folder visits, included files, bytes and tokens left for one run's includes and globs."""

    visits: int = MAX_DIR_VISITS
    files: int = MAX_FILES_OPENED
    bytes_left: int = MAX_SPLICED_BYTES
    tokens: int = MAX_SPLICED_TOKENS
    exhausted: bool = False  # the folder visits ran out
    spent: str | None = None  # which of files, bytes or tokens ran out, in words; None while some are left

    def spend(self) -> bool:
        """Take one folder visit; False (and ``exhausted`` set) once there are none left."""
        if self.visits <= 0:
            self.exhausted = True
            return False
        self.visits -= 1
        return True

    def open_file(self, size: int) -> bool:
        """Take one included file of ``size`` bytes; False (and ``spent`` said) once over a budget."""
        if self.spent is not None:
            return False
        if self.files <= 0:
            self.spent = f"{MAX_FILES_OPENED} included files opened"
        elif self.bytes_left < size:
            self.spent = f"{MAX_SPLICED_BYTES >> 20} MiB of included files read"
        elif self.tokens <= 0:
            self.spent = f"{MAX_SPLICED_TOKENS} tokens of included files read"
        if self.spent is not None:
            return False
        self.files -= 1
        self.bytes_left -= size
        return True


@record
class RunBudget:
    """Every budget of one lint run."""

    expansion: ExpansionBudget = field(default_factory=ExpansionBudget)
    regex_atoms: int = MAX_REGEX_ATOMS


_CURRENT: ContextVar[RunBudget | None] = ContextVar("monitlint_run_budget", default=None)


def current() -> RunBudget:
    """The budget of the run in progress; outside a run, a fresh one (not remembered)."""
    active = _CURRENT.get()
    return active if active is not None else RunBudget()


@contextmanager
def run() -> Iterator[RunBudget]:
    """One run's budget, active inside the ``with``; a run inside a run shares the outer one."""
    active = _CURRENT.get()
    if active is not None:
        yield active
        return
    budget = RunBudget()
    token = _CURRENT.set(budget)
    try:
        yield budget
    finally:
        _CURRENT.reset(token)
