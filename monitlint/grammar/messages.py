"""Syntax-error messages in words a Monit user knows, never Lark's terminal names."""

from __future__ import annotations

import re
from collections.abc import Iterable

from monitlint.grammar.keywords import BLOCK_STATEMENT_STARTS, KEYWORDS, SERVICE_TYPE_OF_CHECK
from monitlint.grammar.tokens import Token

# The first spelling of each keyword is the one shown to users.
_KEYWORD_LABELS: dict[str, str] = {}
for _spelling, _type in KEYWORDS.items():
    _KEYWORD_LABELS.setdefault(_type, f"`{_spelling}`")

_LABELS: dict[str, str] = {
    **_KEYWORD_LABELS,
    "GREATER": "`>`",
    "LESS": "`<`",
    "EQUAL": "`=`",
    "BYTE": "`bytes`",
    "KILOBYTE": "`kB`",
    "MEGABYTE": "`MB`",
    "GIGABYTE": "`GB`",
    "MILLISECOND": "`milliseconds`",
    "SECOND": "`seconds`",
    "MINUTE": "`minutes`",
    "HOUR": "`hours`",
    "DAY": "`days`",
    "MONTH": "`months`",
    "CYCLE": "`cycles`",
    "RESTART": "`restart`",
    "NUMBER": "a number",
    "REAL": "a decimal number",
    "STRING": "a value",
    "PATH": "an absolute path",
    "MAILADDR": "a mail address",
    "SERVICENAME": "a service name",
    "STRINGNAME": "a group name",
    "URLOBJECT": "a URL",
    "TIMESPEC": "a cron spec",
    "HTTPHEADER": "an HTTP header",
    "MAILFROM": "`from:`",
    "MAILREPLYTO": "`reply-to:`",
    "MAILSUBJECT": "`subject:`",
    "MAILBODY": "`message:`",
    "LBRACE": "`{`",
    "RBRACE": "`}`",
    "COLON": "`:`",
    "AT": "`@`",
    "LSQB": "`http headers [`",
    "RSQB": "`]`",
    "PERCENT": "`%`",
    "DEPENDS": "`depends on`",
    "GROUP": "`group`",
    "EVERY": "`every`",
    "NOTEVERY": "`not every`",
    "START": "`start`",
    "STOP": "`stop`",
    "EXEC": "`exec`",
    "LOADAVG1": "`loadavg`",
    "LOADAVG5": "`loadavg (5min)`",
    "LOADAVG15": "`loadavg (15min)`",
    "TOTALCPU": "`total cpu`",
    "TOTALMEMORY": "`total memory`",
    "SERVICETIME": "`service time`",
    "CPUUSER": "`cpu (user)`",
    "CPUSYSTEM": "`cpu (system)`",
    "CPUWAIT": "`cpu (wait)`",
    "$END": "the end of the block",
}
for _check, _kind in SERVICE_TYPE_OF_CHECK.items():
    _LABELS[_check] = f"`check {_kind}`"

# Keywords that name what an `if` tests; used to say "not legal in this type".
_TEST_SUBJECTS = {
    "CPU",
    "TOTALCPU",
    "MEMORY",
    "TOTALMEMORY",
    "THREADS",
    "CHILDREN",
    "LOADAVG1",
    "LOADAVG5",
    "LOADAVG15",
    "SWAP",
    "CPUUSER",
    "CPUSYSTEM",
    "CPUWAIT",
    "CPUNICE",
    "CPUHARDIRQ",
    "CPUSOFTIRQ",
    "CPUSTEAL",
    "CPUGUEST",
    "CPUGUESTNICE",
    "FILEDESCRIPTORS",
    "UPTIME",
    "TIME",
    "ATIME",
    "CTIME",
    "MTIME",
    "PERMISSION",
    "CHECKSUM",
    "SIZE",
    "CONTENT",
    "MATCH",
    "STATUS",
    "SPACE",
    "INODE",
    "READ",
    "WRITE",
    "DISK",
    "SERVICETIME",
    "FSFLAG",
    "LINK",
    "SATURATION",
    "UPLOAD",
    "DOWNLOAD",
    "PING",
    "PING4",
    "PING6",
    "ICMP",
    "PORT",
    "HOST",
    "URL",
    "UNIXSOCKET",
    "PID",
    "PPID",
    "UID",
    "EUID",
    "GID",
    "SECURITY",
    "EXIST",
    "TOTAL",
}
_THEN_HINT = "write `if <condition> then <action>`"
_ACTIONS = {"ALERT", "RESTART", "START", "STOP", "UNMONITOR", "EXEC"}
_GLUED_UNIT = re.compile(r"^[0-9]+(?:\.[0-9]+)?([A-Za-z%/]+)$")
_GLUED_OPERATOR = re.compile(r"^(?:[A-Za-z_]+)?(>=|<=|!=|==|>|<|=)[0-9]")


# Words that begin a statement, for "did you mean": at the top level, and inside a `check` block.
TOP_LEVEL_WORDS = ("set", "check", "include")
BLOCK_WORDS = (
    tuple(
        sorted(
            {spelling for spelling, kind in KEYWORDS.items() if kind in BLOCK_STATEMENT_STARTS and spelling.isalpha()}
        )
    )
    + TOP_LEVEL_WORDS
)


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """The keyword ``word`` is most likely a misspelling of, or None (``chek`` -> ``check``)."""
    import difflib

    lowered = word.lower()
    if len(lowered) < 3 or len(lowered) > 40 or not lowered.isalpha():
        return None
    choices = [c for c in candidates if c != lowered]
    if lowered in candidates:
        return None
    found = difflib.get_close_matches(lowered, choices, n=1, cutoff=0.75)
    return found[0] if found else None


def label(terminal: str) -> str:
    """Human name of a terminal."""
    return _LABELS.get(terminal, f"`{terminal.lower()}`")


def join_labels(terminals: Iterable[str], limit: int = 8) -> str:
    """'a, b or c' for a set of terminals, shortest list first."""
    labels = sorted({label(t) for t in terminals if t != "$END"})
    if len(labels) > limit:
        labels = [*labels[:limit], "…"]
    if not labels:
        return "nothing more"
    if len(labels) == 1:
        return labels[0]
    return ", ".join(labels[:-1]) + " or " + labels[-1]


def describe_token(token: Token, text: str | None) -> str:
    """How the offending token is quoted in a message."""
    if token.type == "$END":
        return "end of file"
    shown = text if text is not None else str(token)
    shown = shown.replace("\n", " ")
    if len(shown) > 40:
        shown = shown[:37] + "..."
    return f"`{shown}`"


def syntax_message(
    token: Token, raw: str | None, expected: set[str], previous: Token | None, service_type: str | None
) -> tuple[str, str | None]:
    """Return (message, hint) for a token the grammar does not accept here."""
    shown = describe_token(token, raw)
    if token.type == "LEXERROR":
        return f"{token}", None
    value = raw if raw is not None else str(token)
    if token.type == "STRING":
        glued = _GLUED_UNIT.match(value)
        if glued:
            number = value[: len(value) - len(glued.group(1))]
            return (
                f"{shown}: a number and its unit must be separated by a space",
                f"write `{number} {glued.group(1)}`",
            )
        if _GLUED_OPERATOR.match(value) or re.match(r"^(>=|<=|!=|==|>|<|=)[0-9]", value):
            return (
                f"{shown}: an operator must be separated from its operands by spaces",
                "write e.g. `cpu > 80%`; Monit reads the glued text as one unknown word",
            )
    if token.type == "BADCHAR":
        return f"unexpected character {shown}", None
    if previous is not None and previous.type in ("START", "STOP", "RESTART") and token.type == "EQUAL":
        return (
            f"the {previous.type.lower()} program must be written in double quotes after `=`",
            f'write {previous.type.lower()} program = "/path/to/program args"',
        )
    if "THEN" in expected and token.type != "$END":
        if len(expected) <= 4 or token.type in _ACTIONS:
            return f"unexpected {shown}: expected `then` after the condition", _THEN_HINT
        return (
            f"unexpected {shown}: expected `then` or more of the condition ({join_labels(expected - {'THEN'})})",
            None,
        )
    if "THEN" in expected and token.type == "$END":
        return "the test ends before `then`: expected `then` and an action", "write `if <condition> then <action>`"
    if expected >= {"PIDFILE", "MATCH"}:
        return (
            f"unexpected {shown}: a process check needs `with pidfile /path/to.pid` "
            'or `matching "pattern"` after its name',
            None,
        )
    if (
        previous is not None
        and previous.type in ("IF", "FAILED", "CHANGED", "SUCCEEDED")
        and token.type in _TEST_SUBJECTS
        and service_type
    ):
        return (
            f"{shown} cannot be tested in a `check {service_type}` block",
            "see the per-type list of tests in `man monit`",
        )
    if token.type == "$END":
        return f"unexpected end of the statement: expected {join_labels(expected)}", None
    if "IF" in expected and expected & BLOCK_STATEMENT_STARTS and service_type:
        guess = did_you_mean(value, BLOCK_WORDS)
        if guess is not None:
            return f"unexpected {shown}: did you mean `{guess}`?", f"write `{guess}`"
        return (
            f"unexpected {shown}: expected a statement of this `check {service_type}` block "
            "(`if`, `start program`, `depends on`, `group` …) or the next `check`/`set`",
            None,
        )
    guess = did_you_mean(value, [*(s for s, kind in KEYWORDS.items() if kind in expected), *TOP_LEVEL_WORDS])
    if guess is not None:
        return f"unexpected {shown}: did you mean `{guess}`?", f"write `{guess}`"
    return f"unexpected {shown}: expected {join_labels(expected)}", None
