"""Baselines for gradual adoption: record today's findings, then report only new ones.

``check --write-baseline FILE`` writes every finding of the run as a fingerprint; ``check
--baseline FILE`` (or ``baseline = "FILE"`` in the configuration) leaves out the findings whose
fingerprint the file holds, as many times as it holds it.  A fingerprint survives line shifts:
it is a hash of the rule code, the file (relative to the baseline's folder), the service, the
offending text with its blanks collapsed, and the occurrence of that same finding in the file
(0 for the first, 1 for the second …), never a line number.  What Monit itself refuses (MON001,
MON006 …) is never recorded and never left out.

The file is JSON::

    {"version": 1, "tool": "monitlint",
     "findings": [{"fingerprint": "<64 hex>", "code": "<rule code>", "path": "etc/monit/monitrc",
                   "service": "nginx", "message": "…"}]}

Only ``fingerprint`` counts when matching; the other fields are there for people reviewing it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Collection, Mapping

from monitlint.diagnostics import Diagnostic
from monitlint.files.source import SourceFile
from monitlint.runtime.records import record

VERSION = 1
MAX_BASELINE_BYTES = 64 * 1024 * 1024
MAX_TEXT = 1000  # characters of the offending text that count in a fingerprint
_FINGERPRINT = re.compile(r"[0-9a-f]{64}")
_BLANKS = re.compile(r"\s+")


class BaselineError(Exception):
    """A baseline file that cannot be read or is not one; the message is one line."""


@record
class Baseline:
    """The fingerprints of a baseline file (each as often as it was recorded) and its folder."""

    path: str
    folder: str
    fingerprints: Counter[str]


def _offending_text(diag: Diagnostic, source: SourceFile | None) -> str:
    span = diag.span
    if source is None or not 1 <= span.line <= span.end_line <= len(source.line_starts):
        return ""
    start = source.line_starts[span.line - 1] + span.column - 1
    end = source.line_starts[span.end_line - 1] + span.end_column - 1
    return _BLANKS.sub(" ", source.text[max(0, start) : max(start, end)]).strip()[:MAX_TEXT]


def _read(path: str) -> SourceFile | None:
    from monitlint.files.source import SourceError, read_source

    try:
        return read_source(path)
    except SourceError:
        return None


def fingerprints(
    findings: list[Diagnostic], sources: Mapping[str, SourceFile], folder: str
) -> list[tuple[Diagnostic, str]]:
    """Each finding with its fingerprint, paths taken relative to ``folder`` (the baseline's)."""
    keyed: list[tuple[Diagnostic, str]] = []
    read: dict[str, SourceFile | None] = {}
    for diag in findings:
        path = diag.span.path
        shown = path if path.startswith("<") else os.path.relpath(os.path.abspath(path), folder)
        source = sources.get(path)
        if source is None and not path.startswith("<"):  # answered from the result cache: no text kept
            if path not in read:
                read[path] = _read(path)
            source = read[path]
        text = _offending_text(diag, source)
        key = "\0".join((diag.code, shown.replace(os.sep, "/"), diag.service or "", text))
        keyed.append((diag, key))
    occurrences: Counter[str] = Counter()
    out: list[tuple[Diagnostic, str]] = []
    for diag, key in sorted(keyed, key=lambda item: (item[0].sort_key(), item[1])):
        index = occurrences[key]
        occurrences[key] += 1
        out.append((diag, hashlib.sha256(f"{key}\0{index}".encode("utf-8", "surrogatepass")).hexdigest()))
    return out


def load(path: str) -> Baseline:
    """Read a baseline file; a BaselineError (one line) when it cannot be read or is not a baseline."""
    from monitlint.files.safe_fs import read_bounded

    try:
        data = read_bounded(path, MAX_BASELINE_BYTES)
    except FileNotFoundError:
        raise BaselineError(f"{path}: no such baseline file (write one with --write-baseline)") from None
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read the baseline ({exc.strerror or exc})") from None
    if len(data) > MAX_BASELINE_BYTES:
        raise BaselineError(f"{path}: baseline too large (over {MAX_BASELINE_BYTES} bytes)")
    try:
        document = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError) as exc:
        raise BaselineError(f"{path}: not a monitlint baseline (not JSON: {type(exc).__name__})") from None
    if not isinstance(document, dict) or document.get("version") != VERSION:
        raise BaselineError(f"{path}: not a monitlint baseline of version {VERSION}")
    findings = document.get("findings")
    if not isinstance(findings, list):
        raise BaselineError(f"{path}: not a monitlint baseline ('findings' must be a list)")
    counted: Counter[str] = Counter()
    for entry in findings:
        fingerprint = entry.get("fingerprint") if isinstance(entry, dict) else None
        if not isinstance(fingerprint, str) or not _FINGERPRINT.fullmatch(fingerprint):
            raise BaselineError(f"{path}: not a monitlint baseline (a finding without a valid 'fingerprint')")
        counted[fingerprint] += 1
    return Baseline(path, os.path.dirname(os.path.abspath(path)), counted)


def write(path: str, findings: list[Diagnostic], sources: Mapping[str, SourceFile], always_on: Collection[str]) -> int:
    """Write the baseline of ``findings`` to ``path`` (atomically); how many it records."""
    folder = os.path.dirname(os.path.abspath(path))
    recorded = [
        {
            "fingerprint": fingerprint,
            "code": diag.code,
            "path": diag.span.path,
            "service": diag.service,
            "message": diag.message,
        }
        for diag, fingerprint in fingerprints([d for d in findings if d.code not in always_on], sources, folder)
    ]
    recorded.sort(key=lambda item: (str(item["path"]), str(item["code"]), str(item["fingerprint"])))
    text = json.dumps({"version": VERSION, "tool": "monitlint", "findings": recorded}, indent=2) + "\n"
    try:
        fd, temporary = tempfile.mkstemp(prefix=".monitlint-baseline-", dir=folder)
    except OSError as exc:
        raise BaselineError(f"{path}: cannot write the baseline ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as exc:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise BaselineError(f"{path}: cannot write the baseline ({exc.strerror or exc})") from None
    return len(recorded)


def leave_out(
    findings: list[Diagnostic],
    sources: Mapping[str, SourceFile],
    baseline_of: Callable[[Diagnostic], Baseline | None],
    always_on: Collection[str],
) -> tuple[list[Diagnostic], dict[str, int]]:
    """The findings no baseline holds, and per baseline file how many of its entries matched nothing."""
    left = {id(b): (b, Counter(b.fingerprints)) for d in findings if (b := baseline_of(d)) is not None}
    by_baseline: dict[int, list[Diagnostic]] = {}
    kept: list[Diagnostic] = []
    for diag in findings:
        baseline = baseline_of(diag)
        if baseline is None or diag.code in always_on:
            kept.append(diag)
        else:
            by_baseline.setdefault(id(baseline), []).append(diag)
    for key, group in by_baseline.items():
        baseline, remaining = left[key]
        for diag, fingerprint in fingerprints(group, sources, baseline.folder):
            if remaining[fingerprint] > 0:
                remaining[fingerprint] -= 1
            else:
                kept.append(diag)
    unmatched = {baseline.path: sum(remaining.values()) for baseline, remaining in left.values()}
    return kept, unmatched
