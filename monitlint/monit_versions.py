"""The Monit releases monitlint can target (5.26 to 5.35) and how users name them.

A target is a minor release (``5.27``); ``5.27.2`` names the same target.  The releases that
distributions ship are named in messages ("Debian 11's 5.27.2"), so a fleet's owner sees which of
their hosts refuses a statement.  The default, 5.33, is Debian 12's and Ubuntu 24.04's: the Monit
most hosts run today, and the one monitlint was first measured against.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Every minor release from 5.26 to 5.35, oldest first, as (major, minor).
RELEASES: tuple[tuple[int, int], ...] = tuple((5, minor) for minor in range(26, 36))
DEFAULT_TARGET: tuple[int, int] = (5, 33)

# The patch releases that distributions ship (and that the test suite builds as judges).
SHIPPED: dict[tuple[int, int], str] = {
    (5, 26): "Ubuntu 20.04's 5.26.0",
    (5, 27): "Debian 11's 5.27.2",
    (5, 31): "Ubuntu 22.04's 5.31.0",
    (5, 33): "Debian 12's 5.33.0",
    (5, 34): "5.34.4",
    (5, 35): "5.35.2",
}

_VERSION = re.compile(r"^\s*5\.(\d{1,2})(?:\.\d{1,3})?\s*$")


class TargetVersionError(ValueError):
    """A target version monitlint does not know; the message is one line for users."""


def parse_target(text: str) -> tuple[int, int]:
    """``"5.27"`` or ``"5.27.2"`` as ``(5, 27)``; a TargetVersionError for anything outside 5.26 to 5.35."""
    match = _VERSION.match(text) if isinstance(text, str) else None
    version = (5, int(match.group(1))) if match else None
    if version not in RELEASES:
        raise TargetVersionError(
            f"unknown Monit target version {text!r}: give one of {', '.join(name(v) for v in RELEASES)}"
        )
    assert version is not None
    return version


def parse_targets(items: Iterable[str]) -> tuple[tuple[int, int], ...]:
    """Several targets (each may be a comma list, as ``--target-version 5.27,5.33``), sorted, each once."""
    found: set[tuple[int, int]] = set()
    for item in items:
        for part in str(item).split(","):
            if part.strip():
                found.add(parse_target(part))
    return tuple(sorted(found))


def name(version: tuple[int, int]) -> str:
    """``(5, 27)`` as ``"5.27"``."""
    return f"{version[0]}.{version[1]}"


def described(version: tuple[int, int]) -> str:
    """A target as a message names it: the shipped release where there is one ("Debian 11's 5.27.2")."""
    return SHIPPED.get(version, name(version))


def refusers_text(refusing: Iterable[tuple[int, int]]) -> str:
    """``"Debian 11's 5.27.2 refuses it"`` / ``"5.26 and 5.27 refuse it"`` for the targets that refuse."""
    names = [described(v) for v in sorted(refusing)]
    if len(names) == 1:
        return f"{names[0]} refuses it"
    return f"{', '.join(names[:-1])} and {names[-1]} refuse it"
