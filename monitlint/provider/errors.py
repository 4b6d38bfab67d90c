"""Errors of the provider; each carries a one-line message and the CLI exit code."""

from __future__ import annotations

EXIT_FAILED = 1  # the action failed or could not be verified before the deadline
EXIT_ENVIRONMENT = 2  # usage or environment error
EXIT_REFUSED = 3  # refused by the lint gate


class ProviderError(Exception):
    """An environment problem that stops the provider before or while acting (exit 2)."""

    exit_code = EXIT_ENVIRONMENT


class MonitNotInstalled(ProviderError):
    """The ``monit`` executable cannot be found or run."""


class DaemonUnavailable(ProviderError):
    """The daemon is not running, does not answer, or has no usable ``set httpd``."""


class UnknownService(ProviderError):
    """The control file or the running daemon has no service of that name."""


class ControlFileError(ProviderError):
    """No control file was found, or it cannot be read."""
