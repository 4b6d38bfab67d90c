"""The regex-size guard counts every repetition form, and big patterns compile only under limits.

Measured before the fix: ``matching "((a{,40}){,40}){,40}"`` (GNU ``{,n}`` was not
counted) took 25 s and 5.8 GB; ``a{,32767}`` alone takes 6 s and 8 GB in glibc's
regcomp.  Now such patterns are refused in under a second, within +512 MiB.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitlint.posix_regex import (
    MAX_EXPANDED_ATOMS,
    PosixRegexError,
    compile_regex,
    expanded_size,
    posix_regex_error,
    regex_search,
)
from tests.conftest import children_cpu_seconds
from tests.security._run import GIB, monitlint


@pytest.fixture(autouse=True)
def _bounded() -> Iterator[None]:
    """Every test here ends within 30 s or fails."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError("the regex guard took more than 30 s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(30)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(
    ("pattern", "size"),
    [
        ("a{,40}", 40),
        ("a{3}", 3),
        ("a{2,}", 3),
        ("a{2,5}", 5),
        ("a{,}", 1),
        ("((a{,40}){,40}){,40}", 64_000),
        ("(x(a{2}){,10}){3}", 3 * (1 + 20)),
        ("[[:alpha:]]{4}", 4),
        ("[]a]{4}", 4),
        ("[^]a]{4}", 4),
        ("\\{{9}", 9),
    ],
)
def test_every_repetition_form_is_counted(pattern: str, size: int) -> None:
    assert expanded_size(pattern) == size


@pytest.mark.parametrize(
    "pattern",
    ["((a{,40}){,40}){,40}", "((a{,40}){,40}){,12}", "a{,32767}", "a{1,32767}", "((a{255,}){255,}){255,}"],
)
def test_patterns_that_take_gigabytes_are_refused_quickly(pattern: str) -> None:
    posix_regex_error.cache_clear()
    started = time.process_time() + children_cpu_seconds()  # the guard compiles in a child it waits for
    assert posix_regex_error(pattern), pattern
    assert time.process_time() + children_cpu_seconds() - started < 15


def test_big_but_cheap_patterns_still_compile() -> None:
    assert posix_regex_error("a{32767}") is None
    assert expanded_size("(a{1000}){1000}") == MAX_EXPANDED_ATOMS


def test_check_refuses_the_pattern_within_bounded_memory(tmp_path: Path) -> None:
    (tmp_path / "monitrc").write_text(
        'set daemon 30\ncheck process p matching "((a{,40}){,40}){,40}"\n'
        '  start program = "/bin/true"\n  stop program = "/bin/true"\n'
    )
    run = monitlint("check", "--no-cache", "--isolated", "monitrc", cwd=tmp_path, memory=2 * GIB, timeout=30)
    assert "Regular expression too big" in run.stdout, run.stdout + run.stderr


def test_compile_and_search_for_the_provider() -> None:
    regex = compile_regex("^/usr/bin/py[[:alnum:]]+ .*app$")
    assert regex.search("/usr/bin/python3 -m app")
    assert not regex.search("/usr/bin/perl app")
    regex.close()
    assert regex_search("a{2}", "xaay")
    with pytest.raises(PosixRegexError):
        compile_regex("(?i)x")
    with pytest.raises(PosixRegexError):
        compile_regex("a{,32767}")


def test_a_deeply_nested_pattern_is_refused_without_crashing() -> None:
    """glibc's regcomp recurses per group: 16,000 levels would overflow the stack (a segfault)."""
    from monitlint.posix_regex import TOO_DEEP, compile_regex, posix_regex_error

    pattern = "(" * 16_000 + "a" + ")" * 16_000
    assert posix_regex_error(pattern) == TOO_DEEP
    with pytest.raises(ValueError):
        compile_regex(pattern)
    assert posix_regex_error("(" * 2000 + "a" + ")" * 2000) is None  # Monit accepts this depth


def test_trial_compiles_share_one_time_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """Many slow patterns in one file cannot cost minutes: once the budget is spent, large ones are refused."""
    from monitlint import posix_regex

    monkeypatch.setattr(posix_regex, "_trial_seconds_left", 0.0)
    posix_regex.posix_regex_error.cache_clear()
    assert posix_regex.posix_regex_error("((a{,40}){,40}){,2}") == posix_regex.TOO_BIG
    posix_regex.posix_regex_error.cache_clear()
