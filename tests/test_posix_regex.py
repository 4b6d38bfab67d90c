"""The regex check compiles patterns as Monit does: POSIX extended, through the C library's regcomp."""

from __future__ import annotations

import time

import pytest

from monitlint import posix_regex
from monitlint.posix_regex import expanded_size, posix_regex_error


@pytest.mark.parametrize("pattern", ["[[:digit:]]+", "a**", "a{1}{2}", "a)", "(" * 2000 + "a" + ")" * 2000, "a{32767}"])
def test_posix_accepts_what_python_rejects_or_warns_about(pattern: str) -> None:
    assert posix_regex_error(pattern) is None


@pytest.mark.parametrize("pattern", ["(?i)x", "(?:x)", "a{1", "a{32768}", "a{4294967296}", "*a", "[", "\\"])
def test_posix_rejects(pattern: str) -> None:
    assert posix_regex_error(pattern)


def test_a_pattern_that_would_take_gigabytes_is_refused_without_compiling() -> None:
    pattern = "((a{255}){255}){255}"
    assert expanded_size(pattern) == 255**3
    started = time.process_time()  # CPU time: compiling it would take seconds of it and gigabytes
    assert posix_regex_error(pattern) == "Regular expression too big"
    assert time.process_time() - started < 1


def test_expanded_size_counts_groups_classes_and_escapes() -> None:
    assert expanded_size("abc") == 3
    assert expanded_size("(ab){3}") == 6
    assert expanded_size("[a-z]{2}\\.") == 3


def test_without_a_c_library_python_re_is_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(posix_regex, "_libc", lambda: None)
    assert posix_regex_error("a(") is not None
    assert posix_regex_error("(" * 2000 + "a" + ")" * 2000) in (None, "Regular expression too big")
    assert posix_regex_error("[[:digit:]]") is None  # no FutureWarning escapes either
