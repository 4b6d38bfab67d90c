"""A value a long-running caller lends the code below it for the length of a ``with`` block.

The language server keeps parses, first tokens and scans from one lint to the next; the grammar
takes them through hooks (``parser.include_parse_cache``, ``parser.chunk_parser``,
``includes.first_items_kept``, ``lexer.scanners_from``).  Each is a :class:`Hook`: a context
variable, so a value lent in one thread (the server's lint thread) is not seen by another.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Generic, TypeVar

T = TypeVar("T")


class Hook(Generic[T]):
    """A value lent for the length of a ``with`` block (:meth:`lent`); :meth:`get` is None outside one."""

    __slots__ = ("_var",)

    def __init__(self, name: str) -> None:
        self._var: ContextVar[T | None] = ContextVar(name, default=None)

    def get(self) -> T | None:
        """The value lent, or None."""
        return self._var.get()

    @contextmanager
    def lent(self, value: T) -> Iterator[None]:
        """While active, :meth:`get` gives ``value``; the value lent before comes back after."""
        token = self._var.set(value)
        try:
            yield
        finally:
            self._var.reset(token)
