"""Render one Jinja2 template with line origins: ansible-core's templating when installed, else plain Jinja2.

ansible-core is used the way its ``template`` action uses it (the template trusted, the role's
``templates/`` on the search path, ``ansible_managed`` and the ``template_*`` variables set), and
its output generator is traced by hooking the environment's ``concat`` for the outermost render
only.  Plain Jinja2 (``ImmutableSandboxedEnvironment``) has no Ansible filters, tests, lookups
or ``omit``: a template that needs them fails with the missing name, said plainly.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from monitlint.templates.budget import cpu_budget
from monitlint.templates.jinja_trace import Piece, error_line, line_origins, traced, tracing_class
from monitlint.templates.render_result import Rendered, RenderFailure, first_line, undefined_name

_ANSIBLE_MISSING_NOTE = (
    "ansible-core is not installed: rendered with plain Jinja2, which has no Ansible filters, tests, lookups "
    "or `omit` (pip install 'monitlint[ansible]')"
)


def ansible_available() -> bool:
    """True when ansible-core can be imported (the ``monitlint[ansible]`` extra)."""
    # Never an ansible.cfg from the checked tree (the current folder): an empty one of ours, unless the caller set one.
    os.environ.setdefault("ANSIBLE_CONFIG", os.path.join(os.path.dirname(__file__), "ansible.cfg"))
    os.environ.setdefault("LC_ALL", "C.UTF-8")  # ansible-core refuses to start without a UTF-8 locale
    try:
        import ansible.template  # noqa: F401
    except Exception:
        return False
    return True


def jinja_available() -> bool:
    """True when Jinja2 can be imported (the ``monitlint[templates]`` extra)."""
    try:
        import jinja2  # noqa: F401
    except ImportError:
        return False
    return True


def _first_use(source: str, name: str) -> int:
    """The first template line using ``name`` inside ``{{ }}`` or ``{% %}``, else 0."""
    import re

    word = re.compile(rf"(?<![\w.]){re.escape(name)}(?!\w)")
    for number, line in enumerate(source.splitlines(), 1):
        for markup in re.findall(r"\{\{.*?\}\}|\{%.*?%\}", line):
            if word.search(markup):
                return number
    return 0


def _failure(exc: BaseException, path: str, where: str, source: str = "") -> RenderFailure:
    """A rendering exception as a finding's content: the line, the message, and where to define a name."""
    line = error_line(exc) or 0
    current: BaseException | None = exc
    while current is not None:
        lineno = getattr(current, "lineno", None)
        if isinstance(lineno, int) and lineno > 0 and type(current).__name__ == "TemplateSyntaxError":
            line = lineno
            break
        current = current.__cause__ or current.__context__
    message = first_line(str(exc))
    name = undefined_name(str(exc))
    if not line and name is not None and source:
        # ansible reports an undefined name after the template's frame is gone: its first use
        line = _first_use(source, name)
    hint = None
    if name is not None:
        hint = f"define `{name}` {where}, or give it with --template-vars FILE (YAML, as `-e @FILE`)"
    return RenderFailure(path, line, message, hint)


@contextlib.contextmanager
def _traced_concat(pieces: list[Piece]) -> Iterator[None]:
    """Trace the outermost render's output generator (nested templating of variables is left alone)."""
    from ansible._internal._templating._jinja_bits import AnsibleEnvironment

    real = AnsibleEnvironment.__dict__["concat"]
    real_class = AnsibleEnvironment.__dict__.get("template_class")
    depth = [0]

    def concat(nodes: Any) -> Any:
        if depth[0] or not hasattr(nodes, "gi_frame"):
            return real.__func__(nodes)
        depth[0] += 1
        try:
            return real.__func__(traced(nodes, pieces))
        finally:
            depth[0] -= 1

    AnsibleEnvironment.concat = staticmethod(concat)  # type: ignore[method-assign,assignment]
    if real_class is not None:  # included templates say where their pieces come from
        AnsibleEnvironment.template_class = tracing_class(real_class)
    try:
        yield
    finally:
        AnsibleEnvironment.concat = real  # type: ignore[method-assign]
        if real_class is not None:
            AnsibleEnvironment.template_class = real_class


def _overrides(options: Mapping[str, Any] | None) -> dict[str, Any]:
    """The task's Jinja options as the template action passes them (booleans read leniently, as it does)."""
    out: dict[str, Any] = {}
    for key, value in (options or {}).items():
        if key in ("trim_blocks", "lstrip_blocks"):
            out[key] = str(value).strip().lower() in ("1", "true", "yes", "on", "y", "t")
        elif isinstance(value, str) and value:
            out[key] = value
    return out


def render_ansible(
    path: str,
    shown: str,
    variables: Mapping[str, Any],
    searchpath: list[str],
    dest: str,
    where: str,
    options: Mapping[str, Any] | None = None,
) -> Rendered | RenderFailure:
    """Render the template file ``path`` (reported as ``shown``) as ansible-core's ``template`` action does."""
    from ansible.parsing.dataloader import DataLoader
    from ansible.template import Templar, trust_as_template

    from monitlint.templates.sandbox import guarded

    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            source = handle.read()
    except OSError as exc:
        return RenderFailure(shown, 0, f"cannot read the template: {exc.strerror}")
    try:
        from ansible._internal._templating import _template_vars

        extra = _template_vars.generate_ansible_template_vars(
            path=os.path.basename(path),
            fullpath=path,
            dest_path=dest,
            include_ansible_managed="ansible_managed" not in variables,
        )
    except Exception:
        extra = {"ansible_managed": "Ansible managed", "template_path": path}
    pieces: list[Piece] = []
    try:
        loader = DataLoader()
        templar = Templar(loader=loader, variables={**variables, **extra})
        templar = templar.copy_with_new_env(searchpath=searchpath, available_variables={**variables, **extra})
        with cpu_budget(), guarded(), _traced_concat(pieces):
            overrides = _overrides(options)
            if overrides:
                result = templar.template(trust_as_template(source), escape_backslashes=False, overrides=overrides)
            else:
                result = templar.template(trust_as_template(source), escape_backslashes=False)
    except Exception as exc:  # every failure of a stranger's template is a finding, never a traceback
        return _failure(exc, shown, where, source)
    text = "" if result is None else str(result)
    if "".join(p.text for p in pieces).rstrip("\n") != text.rstrip("\n"):
        # ansible changed the output beyond its trailing newline (kept with Jinja's
        # keep_trailing_newline): origins by matching the template's lines only
        pieces = [Piece(text, None, 0, ())]
    return Rendered(text, line_origins(pieces, text, source, shown, _loader(searchpath, path, shown)))


def _loader(searchpath: list[str], main: str, shown: str) -> Callable[[str], tuple[str, str] | None]:
    """Find an included template by its Jinja name on the search path: its shown path and text."""
    base = os.path.dirname(shown)
    main_folder = os.path.dirname(os.path.abspath(main))

    def load(name: str) -> tuple[str, str] | None:
        if ".." in name.split("/"):
            return None
        for folder in searchpath:
            candidate = os.path.join(folder, name)
            if os.path.isfile(candidate):
                try:
                    with open(candidate, encoding="utf-8", errors="replace") as handle:
                        text = handle.read(1 << 22)
                except OSError:
                    return None
                relative = os.path.relpath(os.path.abspath(candidate), main_folder)
                return os.path.normpath(os.path.join(base, relative)), text
        return None

    return load


def render_plain(
    path: str, shown: str, variables: Mapping[str, Any], searchpath: list[str], where: str
) -> Rendered | RenderFailure:
    """Render with plain, sandboxed Jinja2 (strict about undefined names, as Ansible is)."""
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            source = handle.read()
    except OSError as exc:
        return RenderFailure(shown, 0, f"cannot read the template: {exc.strerror}")

    class Sandboxed(ImmutableSandboxedEnvironment):
        template_class = tracing_class(jinja2.Template)

    env = Sandboxed(
        loader=jinja2.FileSystemLoader(searchpath),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,  # Ansible's template defaults
        keep_trailing_newline=True,
        autoescape=False,
    )
    pieces: list[Piece] = []
    try:
        with cpu_budget():
            template = env.from_string(source)
            context = template.new_context(dict(variables))
            text = "".join(traced(template.root_render_func(context), pieces))
    except Exception as exc:  # a stranger's template: a finding, never a traceback
        return _failure(exc, shown, where, source)
    return Rendered(text, line_origins(pieces, text, source, shown, _loader(searchpath, path, shown)))


def plain_note() -> str:
    """What plain Jinja2 cannot know, for ``-v``."""
    return _ANSIBLE_MISSING_NOTE
