"""Where a rendered line came from: the template path and line, and the loop values in force."""

from __future__ import annotations

from dataclasses import field, replace

from monitlint.diagnostics import Diagnostic
from monitlint.runtime.records import record

# Loop values named in a message are clipped: a stranger's list item may be huge.
VALUE_WINDOW = 60


@record(frozen=True)
class LineOrigin:
    """One rendered line's source: ``path``:``line`` of the template, ``loop`` the values of the loops around it."""

    path: str
    line: int
    loop: tuple[tuple[str, str], ...] = ()
    approximate: bool = False  # found by matching text, not by the engine's own line numbers


@record
class RenderedFile:
    """One rendered Monit file: where it goes on the host, its text, and each line's origin."""

    template: str  # the main template's path (as shown in findings)
    dest: str  # absolute destination on the host, e.g. /etc/monit/conf.d/sshd
    text: str
    origins: list[LineOrigin | None] = field(default_factory=list)  # per rendered line (1-based: index line - 1)
    label: str | None = None  # the task loop's item, e.g. "name=sshd"

    def origin(self, line: int) -> LineOrigin | None:
        """The origin of rendered ``line``, or of the closest line before it that has one."""
        index = min(max(line, 1), len(self.origins)) - 1
        while index >= 0:
            found = self.origins[index]
            if found is not None:
                return found
            index -= 1
        return next((o for o in self.origins if o is not None), None)


def clip_value(value: object) -> str:
    """A loop value as a short, single-line text."""
    text = value if isinstance(value, str) else repr(value)
    text = " ".join(text.split())
    return text if len(text) <= VALUE_WINDOW else text[: VALUE_WINDOW - 1] + "…"


def relocate(diag: Diagnostic, rendered: RenderedFile) -> Diagnostic:
    """``diag`` (found in ``rendered``) moved to the template line that produced it, naming the loop values."""
    origin = rendered.origin(diag.span.line)
    if origin is None:
        moved = diag.relocated(rendered.template, 1 - diag.span.line)
    else:
        moved = diag.relocated(origin.path, origin.line - diag.span.line)
    context = []
    if rendered.label:
        context.append(f"item {rendered.label}")
    if origin is not None and origin.loop:
        context.append(", ".join(f"{name}={value}" for name, value in origin.loop))
    context.append(f"rendered {rendered.dest}:{diag.span.line}")
    if origin is None or origin.approximate:
        context.append("template line found by matching the text")
    return replace(moved, message=f"{moved.message} [{'; '.join(context)}]")
