"""Origins by matching: which template line (ERB or EPP) reads like each rendered line.

Puppet's catalog holds each file's content, not which template line wrote which line, so each
template line becomes a pattern (its literal text, any ``<%= … %>`` a wildcard) and each rendered
line is matched against the patterns, preferring the first match at or after the previous
line's (templates are read top to bottom; a loop goes back to its body).  Approximate: a line
made only of a value matches any value line, and a line no pattern matches gets the previous
line's origin.
"""

from __future__ import annotations

import re

from monitlint.templates.origins import LineOrigin

_TAG = re.compile(r"<%.*?%>", re.DOTALL)
_OUTPUT_TAG = re.compile(r"<%(=|-=)?.*?-?%>")
MAX_PATTERN_LINES = 5000


def _prefix_pattern(line: str) -> re.Pattern[str] | None:
    """The line up to its first control tag (``<% if … %>``), anything after: a looser second try."""
    for match in _TAG.finditer(line):
        if not match.group(0).startswith(("<%=", "<%-=", "<%#")):
            head = line[: match.start()]
            return _pattern(head, open_end=True) if head.strip() else None
    return None


def _pattern(line: str, open_end: bool = False) -> re.Pattern[str] | None:
    """A template line as a pattern over rendered lines; None for a line that writes nothing literal."""
    parts: list[str] = []
    last = 0
    literal = ""
    for match in _TAG.finditer(line):
        text = line[last : match.start()]
        literal += text
        parts.append(re.escape(text))
        if match.group(0).startswith(("<%=", "<%-=")):
            parts.append(".*?")
        last = match.end()
    tail = line[last:]
    literal += tail
    parts.append(re.escape(tail))
    if not literal.strip():
        return None
    body = "".join(parts).strip()
    body = re.sub(r"(\\ )+", r"\\s*", body)  # indentation and spacing may differ after trimming
    try:
        return re.compile(r"\s*" + body + (r".*$" if open_end else r"\s*$"))
    except re.error:
        return None


def match_origins(rendered: str, template: str, path: str) -> list[LineOrigin | None]:
    """Each rendered line's template line in ``path`` (approximate; see the module's docstring)."""
    template_lines = template.splitlines()[:MAX_PATTERN_LINES]
    patterns = [_pattern(line) for line in template_lines]
    loose = [_prefix_pattern(line) for line in template_lines]
    origins: list[LineOrigin | None] = []
    cursor = 0
    previous: LineOrigin | None = None
    for line in rendered.splitlines():
        if not line.strip():
            origins.append(previous)
            continue
        hits = [index for index, pattern in enumerate(patterns) if pattern is not None and pattern.match(line)]
        if not hits:
            hits = [index for index, pattern in enumerate(loose) if pattern is not None and pattern.match(line)]
        if hits:
            after = [index for index in hits if index >= cursor]
            chosen = after[0] if after else hits[0]
            cursor = chosen
            previous = LineOrigin(path, chosen + 1, (), approximate=True)
        origins.append(previous)
    return origins


def match_any(rendered: str, templates: dict[str, str]) -> list[LineOrigin | None]:
    """Each rendered line's origin among several templates (a concat of fragments, a computed template name).

    A line stays in the template of the line before when it matches there (at or after it first),
    else goes to the template that matches most of the rendered text.
    """
    compiled = {
        path: [_pattern(line) for line in source.splitlines()[:MAX_PATTERN_LINES]] for path, source in templates.items()
    }
    loose = {
        path: [_prefix_pattern(line) for line in source.splitlines()[:MAX_PATTERN_LINES]]
        for path, source in templates.items()
    }
    lines = rendered.splitlines()

    def hits(path: str, line: str) -> list[int]:
        found = [i for i, pattern in enumerate(compiled[path]) if pattern is not None and pattern.match(line)]
        return found or [i for i, pattern in enumerate(loose[path]) if pattern is not None and pattern.match(line)]

    score = {path: sum(1 for line in lines if line.strip() and hits(path, line)) for path in compiled}
    ranked = sorted(compiled, key=lambda path: -score[path])
    origins: list[LineOrigin | None] = []
    previous: LineOrigin | None = None
    for line in lines:
        if not line.strip():
            origins.append(previous)
            continue
        chosen: LineOrigin | None = None
        if previous is not None:
            same = hits(previous.path, line)
            after = [i for i in same if i + 1 >= previous.line]
            if after or same:
                chosen = LineOrigin(previous.path, (after or same)[0] + 1, (), approximate=True)
        if chosen is None:
            for path in ranked:
                found = hits(path, line)
                if found:
                    chosen = LineOrigin(path, found[0] + 1, (), approximate=True)
                    break
        previous = chosen or previous
        origins.append(previous)
    return origins
