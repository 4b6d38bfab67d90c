"""Security tests: untrusted repositories (hostile files, symlinks, caches, names) must not hang, leak or inject."""
