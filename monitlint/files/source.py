"""Reading control files from disk safely, and positions inside them."""

from __future__ import annotations

import bisect
import codecs
import os
import re
import stat
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import field

from monitlint.files.safe_fs import UnsafeFile, open_regular, read_fd_bounded
from monitlint.runtime.records import record

# Larger files are refused rather than read: Monit control files are kilobytes,
# and a linter must never hang or exhaust memory on a stray log or image.
MAX_FILE_BYTES = 64 * 1024 * 1024

# Where a suppression comment may begin (linter/suppressions.py reads `#\s*monitlint\s*:` in a comment).
_DIRECTIVE_START = re.compile(r"#\s*monitlint\s*:", re.IGNORECASE)


# Texts read in place of files on disk, by real path: the one seam for what is not yet saved (the text
# of standard input with --stdin-filename, the open documents of an editor's language server).
_IN_PLACE: dict[str, str] = {}
# The real path of each path asked about while texts are in place: a language server's lint asks for
# every file of a large include several times, and a realpath is a system call per path component.
_REAL_PATHS: dict[str, str] = {}


@contextmanager
def texts_in_place_of(texts: Mapping[str, str]) -> Iterator[None]:
    """While active, reading a file whose real path is a key of ``texts`` gives that text instead.

    Every read of a control file goes through :func:`read_source` (a main file, an entrypoint, an
    include), so an unsaved buffer is seen everywhere the file is.  Nested uses stack; not thread-safe
    (the callers lint one thing at a time).
    """
    saved = dict(_IN_PLACE)
    _IN_PLACE.update(texts)
    _REAL_PATHS.clear()  # asked again in each use: links may have changed since the last
    try:
        yield
    finally:
        _IN_PLACE.clear()
        _IN_PLACE.update(saved)
        _REAL_PATHS.clear()


def text_in_place(path: str, real: str | None = None) -> str | None:
    """The text read in place of ``path`` (see :func:`texts_in_place_of`), None when the disk is read.

    ``real``: the path's real path when the caller has it (a realpath is a system call per component).
    """
    if not _IN_PLACE:
        return None
    if real is None:
        real = _REAL_PATHS.get(path)
        if real is None:
            real = _REAL_PATHS[path] = os.path.realpath(path)
    return _IN_PLACE.get(real)


class SourceError(Exception):
    """A control file could not be read as text; the message is one line for users."""


class BinarySourceError(SourceError):
    """A control file holds a NUL byte (Monit's scanner ends the whole configuration there)."""


@record(eq=False)
class SourceFile:
    """The text of one control file (main or included) and its line index."""

    path: str  # as shown to users
    text: str
    line_starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.line_starts:
            starts = [0]
            find = self.text.find
            pos = find("\n")
            while pos != -1:
                starts.append(pos + 1)
                pos = find("\n", pos + 1)
            self.line_starts = starts

    @property
    def may_have_directives(self) -> bool:
        """Whether the file may hold ``# monitlint:`` comments (statement bounds are then recorded).

        Any spelling the suppression reader accepts (``#\\s*monitlint\\s*:``, any case) counts; the
        word elsewhere does not: a path such as ``/srv/monitlint-ci/monit.log`` made every
        statement of its file be recorded (about 0.2 s of CPU in a one-file config of 20,000 services).
        """
        cached = self.__dict__.get("_directives")
        if cached is None:
            cached = self.__dict__["_directives"] = _DIRECTIVE_START.search(self.text) is not None
        return bool(cached)

    def position(self, offset: int) -> tuple[int, int]:
        """Return the 1-based (line, column) of a character offset."""
        index = bisect.bisect_right(self.line_starts, offset) - 1
        return index + 1, offset - self.line_starts[index] + 1

    def line_text(self, line: int) -> str:
        """Return the text of a 1-based line without its line ending."""
        if line < 1 or line > len(self.line_starts):
            return ""
        start = self.line_starts[line - 1]
        end = self.text.find("\n", start)
        if end == -1:
            end = len(self.text)
        return self.text[start:end].rstrip("\r")


def _byte_as_latin1(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error("monitlint-bytes", _byte_as_latin1)


def decode_text(data: bytes, display: str) -> str:
    """Decode control-file bytes as text, the way Monit reads them: as bytes.

    UTF-8 where it is valid; any other byte (a Latin-1 comment, say) becomes the
    one character of the same value, so every byte keeps one column and line
    numbers stay exact.  Binary data (a NUL byte) is refused with a clear message.
    """
    nul = data.find(b"\0")
    if nul != -1:
        raise BinarySourceError(f"{display}: binary file (NUL byte at offset {nul}), not a Monit control file")
    return data.decode("utf-8", "monitlint-bytes")


def read_source(path: str, display: str | None = None, real: str | None = None) -> SourceFile:
    """Read a control file, refusing directories, devices, FIFOs, huge and binary files.

    The read goes through :mod:`monitlint.files.safe_fs`: it never blocks (a FIFO or a
    symlink to ``/dev/stderr`` is refused at once) and never reads more than
    ``MAX_FILE_BYTES`` (a symlink to ``/dev/zero`` is refused, not read).
    """
    shown = display if display is not None else path
    in_place = text_in_place(path, real)
    if in_place is not None:
        if len(in_place) > MAX_FILE_BYTES:  # the same bound as for the file on disk
            raise SourceError(f"{shown}: too large (over {MAX_FILE_BYTES} characters)")
        return SourceFile(shown, in_place)
    try:
        fd = open_regular(path)
    except IsADirectoryError:
        raise SourceError(f"{shown}: is a directory, not a control file") from None
    except FileNotFoundError:
        raise SourceError(f"{shown}: no such file") from None
    except PermissionError:
        raise SourceError(f"{shown}: permission denied") from None
    except UnsafeFile:
        raise SourceError(f"{shown}: not a regular file (device, FIFO or socket)") from None
    except OSError as exc:
        raise SourceError(f"{shown}: cannot open ({exc.strerror or exc})") from None
    try:
        size = os.fstat(fd).st_size
        if size > MAX_FILE_BYTES:
            raise SourceError(f"{shown}: too large ({size} bytes; the limit is {MAX_FILE_BYTES} bytes)")
        data = read_fd_bounded(fd, MAX_FILE_BYTES)
    except OSError as exc:
        raise SourceError(f"{shown}: cannot read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        raise SourceError(f"{shown}: too large (over {MAX_FILE_BYTES} bytes)")
    return SourceFile(shown, decode_text(data, shown))


def read_stream(fd: int, display: str) -> SourceFile:
    """Read a control file from an open descriptor (standard input) under the same cap as files.

    A pipe of 100 MB stops being read one byte past ``MAX_FILE_BYTES``; a NUL byte is
    refused as for a file on disk (:class:`BinarySourceError`).  Every failure is a
    :class:`SourceError` with a one-line message.
    """
    try:
        info = os.fstat(fd)
        if stat.S_ISREG(info.st_mode) and info.st_size > MAX_FILE_BYTES:  # `< big.txt`: refused unread
            raise SourceError(f"{display}: too large ({info.st_size} bytes; the limit is {MAX_FILE_BYTES} bytes)")
        if stat.S_ISDIR(info.st_mode):
            raise SourceError(f"{display}: is a directory, not a control file")
        data = read_fd_bounded(fd, MAX_FILE_BYTES)
    except OSError as exc:
        raise SourceError(f"{display}: cannot read ({exc.strerror or exc})") from None
    if len(data) > MAX_FILE_BYTES:
        raise SourceError(f"{display}: too large (over {MAX_FILE_BYTES} bytes)")
    return SourceFile(display, decode_text(data, display))
