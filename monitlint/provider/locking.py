"""One action at a time per service: Monit keeps one pending slot and the last request wins."""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager


def _lock_dir() -> str:
    base = os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
    path = os.path.join(base, f"monitlint-locks-{os.getuid()}")
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


@contextmanager
def service_lock(control_file: str, name: str, wait: float) -> Iterator[bool]:
    """Hold an exclusive lock for (control file, service); yields False if it was not had in time."""
    key = hashlib.sha256(f"{os.path.realpath(control_file)}\0{name.lower()}".encode()).hexdigest()[:24]
    path = os.path.join(_lock_dir(), f"{key}.lock")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(0.1)
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
