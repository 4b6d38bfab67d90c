"""What a stranger's template may do while we render it in process with ansible-core.

ansible-core's Jinja environment is already Jinja's sandbox (no ``__class__`` walks); we keep
its strict attribute mode whatever the environment's configuration says, and refuse every
lookup that reads outside the role, runs a command, reads the environment, uses the network or
writes a file.  ``file`` is allowed for relative paths without ``..`` (the role's own files).
Role plugins (``filter_plugins/``, ``lookup_plugins/``) are never loaded: they are Python code.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

# Lookups that only reshape the values they are given.
SAFE_LOOKUPS = frozenset(
    {
        "items",
        "list",
        "dict",
        "indexed_items",
        "nested",
        "together",
        "sequence",
        "subelements",
        "vars",
        "varnames",
        "cartesian",
        "flattened",
    }
)
# Lookups that read a file: allowed for paths inside the role only.
FILE_LOOKUPS = frozenset({"file"})


class RefusedLookup(Exception):
    """A lookup the linter will not run on a stranger's template."""


def _short(name: str) -> str:
    return name.rsplit(".", 1)[-1] if name.startswith("ansible.builtin.") else name


class _GuardedLoader:
    """Stands in for ansible's ``lookup_loader`` while a template renders: only safe lookups load."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def get(self, name: str, *args: Any, **kwargs: Any) -> Any:
        short = _short(str(name))
        if short in SAFE_LOOKUPS:
            return self._real.get(name, *args, **kwargs)
        if short in FILE_LOOKUPS:
            return _InsideOnly(self._real.get(name, *args, **kwargs), short)
        raise RefusedLookup(
            f"lookup {short!r} is not run by monitlint (it may read outside the role, run a command or use the "
            "network); pass the value with --template-vars instead"
        )

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self._real, attribute)


class _InsideOnly:
    """A file-reading lookup limited to relative paths without ``..``."""

    def __init__(self, real: Any, name: str) -> None:
        self._real = real
        self._name = name
        self.accept_args_markers = getattr(real, "accept_args_markers", False)
        self.accept_lazy_markers = getattr(real, "accept_lazy_markers", False)

    def run(self, terms: list[Any], variables: Any = None, **kwargs: Any) -> Any:
        for term in terms:
            text = str(term)
            if os.path.isabs(text) or ".." in text.replace("\\", "/").split("/"):
                raise RefusedLookup(f"lookup {self._name!r} of {text!r}: only files inside the role are read")
        return self._real.run(terms, variables, **kwargs)

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self._real, attribute)


@contextlib.contextmanager
def guarded() -> Iterator[None]:
    """While rendering: lookups limited as above, and ansible's sandbox in its strict mode."""
    from ansible._internal._templating import _jinja_common, _jinja_plugins

    real_loader = _jinja_plugins.lookup_loader
    config = _jinja_common._TemplateConfig
    saved_mode = getattr(config, "sandbox_mode", None)
    _jinja_plugins.lookup_loader = _GuardedLoader(real_loader)  # type: ignore[assignment]
    if saved_mode is not None:
        config.sandbox_mode = type(saved_mode).DEFAULT  # type: ignore[attr-defined]
    try:
        yield
    finally:
        _jinja_plugins.lookup_loader = real_loader
        if saved_mode is not None:
            config.sandbox_mode = saved_mode
