"""One action at a time per service: Monit keeps one pending slot and the last request wins.

The lock folder must be one that only the caller can write.  A world-writable
``/tmp`` folder that another user created first would let that user hold every
lock or, through a symlinked lock file, make root create files anywhere.  So
root locks under ``/run/monitlint``, other users under ``$XDG_RUNTIME_DIR``
(their own, mode 0700), and only as a last resort under the temporary folder;
the folder is refused unless it is the caller's own and private
(:func:`monitlint.files.safe_fs.private_dir`), and lock files are opened with
``O_NOFOLLOW``.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

from monitlint.files.safe_fs import private_dir
from monitlint.provider.errors import ProviderError


class LockError(ProviderError):
    """The lock folder or file is not safe to use (exit 2)."""


def lock_dir() -> str:
    """The caller's private lock folder, created if needed; :class:`LockError` if it is not private."""
    if os.geteuid() == 0 and os.path.isdir("/run"):
        path = "/run/monitlint"
    elif os.environ.get("XDG_RUNTIME_DIR", "").startswith("/"):
        path = os.path.join(os.environ["XDG_RUNTIME_DIR"], "monitlint")
    else:
        path = os.path.join(tempfile.gettempdir(), f"monitlint-locks-{os.geteuid()}")
    try:
        return private_dir(path)
    except OSError as exc:
        raise LockError(f"unsafe lock folder: {exc}") from None


def _open_lock(path: str) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK, 0o600)
    except OSError as exc:
        raise LockError(f"cannot open lock file {path}: {exc.strerror or exc}") from None


@contextmanager
def service_lock(control_file: str, name: str, wait: float) -> Iterator[bool]:
    """Hold an exclusive lock for (control file, service); yields False if it was not had within ``wait`` s."""
    key = hashlib.sha256(f"{os.path.realpath(control_file)}\0{name.lower()}".encode()).hexdigest()[:24]
    fd = _open_lock(os.path.join(lock_dir(), f"{key}.lock"))
    try:
        info = os.fstat(fd)
        if info.st_uid != os.geteuid() or info.st_nlink != 1:
            raise LockError(f"lock file of '{name}' is not this user's own file")
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(0.05)
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _callers_dir() -> str:
    try:
        return private_dir(os.path.join(lock_dir(), "callers"))
    except OSError as exc:
        raise LockError(f"unsafe lock folder: {exc}") from None


@contextmanager
def registered_caller() -> Iterator[None]:
    """Record this process as a running provider call for as long as the block runs.

    Another caller's command line (``monitlint service stop web``) can match a
    service's `matching` pattern; callers look each other up here so that none
    takes another for the service.
    """
    from monitlint.provider.processes import stat

    info = stat(os.getpid())
    path = os.path.join(_callers_dir(), f"{os.getpid()}-{info.start_ticks if info else 0}")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        os.close(fd)
    except OSError:
        path = ""  # not registered: only the `matching` exclusion of other callers is lost
    try:
        yield
    finally:
        if path:
            with contextlib.suppress(OSError):
                os.unlink(path)


def other_callers() -> set[int]:
    """Pids of the provider calls running now (this one included), stale entries removed."""
    from monitlint.provider.processes import stat

    found: set[int] = set()
    try:
        folder = _callers_dir()
        names = os.listdir(folder)
    except (OSError, ProviderError):
        return found
    for name in names:
        pid_text, _, ticks_text = name.partition("-")
        if not (pid_text.isdigit() and ticks_text.isdigit()):
            continue
        info = stat(int(pid_text))
        if info is not None and info.start_ticks == int(ticks_text) and info.state not in ("Z", "X"):
            found.add(int(pid_text))
        else:
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(folder, name))
    return found
