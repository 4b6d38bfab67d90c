"""Start/stop provider backed by the ``monit`` executable (not yet implemented)."""
