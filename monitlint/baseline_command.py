"""The baseline step of ``check``: write the run's findings, or leave out those a baseline holds."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from monitlint.baseline import Baseline, BaselineError, leave_out, load, write

if TYPE_CHECKING:
    from monitlint.api import Report
    from monitlint.diagnostics import Diagnostic

EXIT_ERROR = 2


def _say(text: str, kind: str) -> None:
    from monitlint.output.sanitize import message

    click.echo(f"monitlint: {kind}: {message(text)}", err=True)


def apply_baseline(
    report: Report,
    settings_for: Callable[[str], Any],
    baseline_file: str | None,
    write_baseline: str | None,
    verbose: bool,
) -> None:
    """Write ``write_baseline`` and/or leave out the findings of the baseline (the option's, else each
    file's configuration's); ``report.findings`` and ``report.failed`` then say what is left.

    A baseline that cannot be read, or is not one, is a one-line error (exit 2).
    """
    from monitlint.linter.catalog import always_on_codes

    always_on = always_on_codes()
    try:
        if write_baseline:
            count = write(write_baseline, report.findings, report.sources, always_on)
            _say(f"wrote {count} finding(s) to the baseline {write_baseline}", "note")
        loaded: dict[str, Baseline] = {}

        def baseline_of(diag: Diagnostic) -> Baseline | None:
            path = write_baseline or baseline_file or settings_for(diag.span.path).config.baseline
            if path is None:
                return None
            if path not in loaded:
                loaded[path] = load(path)
            return loaded[path]

        kept, unmatched = leave_out(report.findings, report.sources, baseline_of, always_on)
    except BaselineError as exc:
        _say(str(exc), "error")
        sys.exit(EXIT_ERROR)
    if verbose:
        if len(kept) < len(report.findings):
            _say(f"{len(report.findings) - len(kept)} finding(s) left out: recorded in the baseline", "note")
        for path, count in sorted(unmatched.items()):
            if count:
                _say(f"{path}: {count} baseline finding(s) no longer found (write it again to drop them)", "note")
    report.findings = kept
    report.failed = any(settings_for(d.span.path).selection.fails([d]) for d in kept)
