"""monitlint: a linter and a safe start/stop provider for Monit control files."""

__version__ = "0.1.0"
