"""Service names as the ``monit`` command line reads them.

Monit compares service names without regard to case (``monit status t_ok``
finds ``T_OK``), reads the word ``all`` in any case as "every service", and
parses a word that starts with ``-`` as an option even after the action and
after ``--``.  A provider that passes names through unchecked can therefore
stop every service on the host or feed Monit options.
"""

from __future__ import annotations

from monitlint.provider.errors import ProviderError


class UnsafeServiceName(ProviderError):
    """A name this provider will not hand to ``monit`` (exit 2)."""


def check_service_name(name: str) -> str:
    """Return ``name`` when it is safe to pass to ``monit ACTION NAME``; raise :class:`UnsafeServiceName`."""
    if not name:
        raise UnsafeServiceName("the service name is empty")
    if name.lower() == "all":
        raise UnsafeServiceName(
            f"refusing service name '{name}': `monit ACTION all` acts on every service of the daemon; "
            "rename the service (rule MON205 service-named-all)"
        )
    if name.startswith("-"):
        raise UnsafeServiceName(
            f"refusing service name '{name}': monit reads a word starting with '-' as an option, "
            "even after the action and after '--'; rename the service"
        )
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in name):
        raise UnsafeServiceName("refusing a service name with control characters")
    return name


def same_service(a: str, b: str) -> bool:
    """Whether Monit takes the names ``a`` and ``b`` for the same service (ASCII case folded)."""
    return a.lower() == b.lower()
