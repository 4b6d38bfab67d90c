"""The ``monitlint`` command line.

Only click and the standard library are imported at start-up; the parser and
the rules are imported inside the commands that need them, so ``--help`` and
``--version`` stay fast.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from typing import Any

import click

from monitlint import __version__


def _error(text: str, kind: str = "error") -> None:
    """One ``monitlint: error: …`` line on stderr, with every control character in it made visible."""
    from monitlint.output.sanitize import message

    click.echo(f"monitlint: {kind}: {message(text)}", err=True)


EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


def _use_colour(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never":
        return False
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _root_option(function: Any) -> Any:
    return click.option(
        "--root",
        type=click.Path(file_okay=False, exists=True),
        default=None,
        help="Resolve absolute include paths under this folder (lint a checkout as if installed).",
    )(function)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="monitlint")
def cli() -> None:
    """Lint Monit control files (monitrc) and catch what `monit -t` lets through."""


FORMATS = ["text", "json", "sarif", "github", "gitlab", "junit"]


def _load_config(config_file: str | None, isolated: bool) -> Any:
    from monitlint.config import Config, ConfigError, find_config_file, load_config

    if isolated:
        return Config()
    try:
        return load_config(config_file or find_config_file())
    except ConfigError as exc:
        _error(str(exc))
        sys.exit(EXIT_ERROR)


def _selectors(values: tuple[str, ...], option: str) -> list[str]:
    """Split --select/--ignore values; an unknown rule is a one-line usage error, never silently nothing."""
    from monitlint.linter.registry import all_rules, selector_matches

    selectors = _split(values)
    for selector in selectors:
        if not any(selector_matches(rule, selector) for rule in all_rules()):
            _error(f"unknown rule '{selector}' in {option} (see `monitlint rules`)")
            sys.exit(EXIT_ERROR)
    return selectors


def _split(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(readable=False))
@click.option(
    "--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True, help="Output format."
)
@click.option(
    "--color",
    "color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour the text output (auto: only on a terminal, never with NO_COLOR).",
)
@_root_option
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, readable=False),
    default=None,
    help="Configuration file (default: nearest .monitlint.toml or pyproject.toml [tool.monitlint]).",
)
@click.option("--isolated", is_flag=True, help="Ignore every configuration file.")
@click.option("--select", multiple=True, help="Only these rules (codes, prefixes such as MON1, or names).")
@click.option("--ignore", multiple=True, help="Skip these rules (codes, prefixes or names).")
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    default=None,
    help="Lowest severity that makes the exit status 1 [default: info, i.e. any finding].",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--statistics", is_flag=True, help="Print a count of findings per rule instead of the findings.")
@click.option("--stdin-filename", default=None, help="The name to report for `-` (standard input).")
@click.option("--no-cache", is_flag=True, help="Do not read or write the result cache (~/.cache/monitlint/results).")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Processes for a large config: its includes (over 256 KiB) and its rules [default: the usable CPUs].",
)
def check(
    paths: tuple[str, ...],
    output_format: str,
    color: str,
    root: str | None,
    config_file: str | None,
    isolated: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str | None,
    exit_zero: bool,
    statistics: bool,
    stdin_filename: str | None,
    no_cache: bool,
    jobs: int | None,
) -> None:
    """Check control files and report problems with their location.

    PATHS are control files, folders (every Monit config below them), or `-` for standard input.
    Exit status: 0 nothing found, 1 findings, 2 a file could not be read or a usage error.
    """
    from monitlint import cache
    from monitlint.diagnostics import Diagnostic, Severity
    from monitlint.discovery import discover_files
    from monitlint.source import SourceError, SourceFile, decode_text, read_source

    config = _load_config(config_file, isolated)
    if select:
        config.select = _selectors(select, "--select")
    if ignore:
        config.ignore = [*config.ignore, *_selectors(ignore, "--ignore")]
    if fail_on:
        config.fail_on = Severity.parse(fail_on)
    linter: Any = None
    use_cache = not no_cache and not config.entrypoints
    settings = f"{config!r}|root={root!r}"

    diagnostics: list[Diagnostic] = []
    sources: dict[str, SourceFile] = {}
    errors: list[dict[str, str]] = []
    warnings: list[dict[str, str]] = []
    checked: list[str] = []
    targets: list[str] = []
    for path in paths:
        if path != "-" and os.path.isdir(path):
            found, skipped = discover_files(path)
            for message in skipped:
                warnings.append({"path": path, "message": message})
                _error(message, "warning")
            if not found:
                message = f"{path}: no Monit control files found under this folder"
                errors.append({"path": path, "message": message})
                _error(message)
            targets.extend(found)
        else:
            targets.append(path)
    for path in targets:
        key = cache.entry_key(path, settings) if use_cache and path != "-" else None
        effective_root = root if root is not None else config.root
        cached = cache.lookup(key, path, effective_root) if key is not None else None
        if cached is not None:
            checked.append(path)
            diagnostics.extend(cached)
            continue
        try:
            if path == "-":
                from monitlint.linter.engine import lint_text

                name = stdin_filename or "<stdin>"
                text = decode_text(sys.stdin.buffer.read(), name)
                result = lint_text(text, name, root=root, config=config)
                path = name
            else:
                if linter is None:
                    from monitlint.linter.engine import Linter
                    from monitlint.parallel import usable_cpus

                    linter = Linter(config, root, jobs or usable_cpus())
                result = linter.lint(path)
        except SourceError as exc:
            errors.append({"path": path, "message": str(exc)})
            _error(str(exc))
            continue
        checked.append(path)
        diagnostics.extend(result.diagnostics)
        if result.parse is not None:
            sources.update(result.parse.sources)
            if key is not None:
                includes = {inc.resolved_pattern: inc.files for inc in result.parse.config.includes}
                cache.store(key, list(result.parse.sources), includes, result.diagnostics, path, effective_root)

    if output_format in ("text", "sarif", "gitlab"):  # these show or hash the source lines
        for diag in diagnostics:
            if diag.span.path not in sources:
                with contextlib.suppress(SourceError):
                    sources[diag.span.path] = read_source(diag.span.path)
    _report(diagnostics, sources, checked, errors, output_format, color, statistics, warnings)
    if errors:
        sys.exit(EXIT_ERROR)
    failing = [d for d in diagnostics if d.severity >= config.fail_on]
    sys.exit(EXIT_FINDINGS if failing and not exit_zero else EXIT_OK)


def _report(
    diagnostics: list[Any],
    sources: dict[str, Any],
    checked: list[str],
    errors: list[dict[str, str]],
    output_format: str,
    color: str,
    statistics: bool,
    warnings: list[dict[str, str]] | None = None,
) -> None:
    def line_texts() -> list[str]:
        # One string per source line, shared by its findings: 33,000 findings on one 100 KB line
        # would otherwise hold 3.3 GB of copies of it.
        texts: dict[tuple[str, int], str] = {}
        for d in diagnostics:
            where = (d.span.path, d.span.line)
            if where not in texts:
                texts[where] = sources[d.span.path].line_text(d.span.line) if d.span.path in sources else ""
        return [texts[(d.span.path, d.span.line)] for d in diagnostics]

    if statistics and output_format == "text":
        from collections import Counter

        counts = Counter((d.code, d.rule) for d in diagnostics)
        for (code, rule), count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
            click.echo(f"{count:6d}  {code}  {rule}")
        return
    if output_format == "json":
        from monitlint.output import json_format

        click.echo(json_format.render(diagnostics, len(checked), errors))
    elif output_format == "sarif":
        from monitlint.output import sarif

        click.echo(sarif.render(diagnostics, line_texts()))
    elif output_format == "github":
        from monitlint.output import github

        # Files that could not be checked become annotations too: a CI log is read for those, not stderr.
        for block in (github.render_errors(errors), github.render_warnings(warnings or []), github.render(diagnostics)):
            if block:
                click.echo(block)
    elif output_format == "gitlab":
        from monitlint.output import gitlab

        click.echo(gitlab.render(diagnostics, line_texts()))
    elif output_format == "junit":
        from monitlint.output import junit

        click.echo(junit.render(diagnostics, checked))
    else:
        from monitlint.output import text

        colour = _use_colour(color)
        for diag in diagnostics:
            click.echo(text.render_diagnostic(diag, sources, colour), color=colour)
            click.echo("")
        if checked:
            click.echo(text.render_summary(diagnostics, len(checked)))


@cli.command()
@click.argument("key")
def rule(key: str) -> None:
    """Explain a rule: KEY is a code (MON101) or a name (missing-stop-program)."""
    from monitlint.linter.registry import find_rule

    found = find_rule(key)
    if found is None:
        _error(f"no rule '{key}' (see `monitlint rules`)")
        sys.exit(EXIT_ERROR)
    click.echo(f"{found.code} {found.name} ({found.severity})\n")
    click.echo(found.doc)


@cli.command()
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules(output_format: str) -> None:
    """List every rule with its code, name, default severity and summary."""
    from monitlint.linter.registry import all_rules

    listed = all_rules()
    if output_format == "json":
        import json

        click.echo(
            json.dumps(
                [
                    {
                        "code": r.code,
                        "name": r.name,
                        "severity": str(r.severity),
                        "summary": r.summary,
                        "scope": r.scope,
                    }
                    for r in listed
                ],
                indent=2,
            )
        )
        return
    width = max(len(r.name) for r in listed)
    for r in listed:
        click.echo(f"{r.code}  {r.name:<{width}}  {r.severity!s:<7}  {r.summary}")


@cli.command()
@click.argument("path", type=click.Path(readable=False))
@click.option(
    "--format", "output_format", type=click.Choice(["json"]), default="json", show_default=True, help="Output format."
)
@_root_option
def parse(path: str, output_format: str, root: str | None) -> None:
    """Print the parsed model of a control file (services, settings, spans) as JSON.

    Exit status: 0 parsed cleanly, 1 syntax or include errors were found, 2 the file could not be read.
    """
    import json

    from monitlint.grammar.parser import parse_file
    from monitlint.source import SourceError

    try:
        result = parse_file(path, root=root)
    except SourceError as exc:
        _error(str(exc))
        sys.exit(EXIT_ERROR)
    document = {
        "version": 1,
        "config": result.config.to_dict(),
        "diagnostics": [d.to_dict() for d in result.diagnostics],
    }
    click.echo(json.dumps(document, indent=2))
    sys.exit(EXIT_FINDINGS if result.diagnostics else EXIT_OK)


from monitlint.provider.service_command import service  # noqa: E402

cli.add_command(service)


def main() -> None:
    """Entry point: run the CLI, then leave without the interpreter's teardown."""
    # A short-lived process that builds a large, cycle-free model: the cyclic collector
    # would only re-scan it (see monitlint.gc_pause); reference counting frees the rest.
    gc.disable()
    try:
        _dispatch()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else EXIT_ERROR)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a closed pipe (`monitlint check … | head`)
        code = code or EXIT_ERROR
    # Freeing a model of millions of objects one by one takes longer than the OS
    # reclaiming the whole process; every file monitlint writes is closed by now.
    os._exit(code)


def _dispatch() -> None:
    """Run the CLI; turn any unexpected failure into a one-line error (exits through SystemExit)."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        from monitlint.output.sanitize import message

        # Click's messages quote command-line paths, which pre-commit and CI take from file names.
        exc.message = message(exc.message)  # type: ignore[misc]  # Final in click's stubs, a plain attribute at runtime
        exc.show()
        sys.exit(EXIT_ERROR)
    except click.Abort:
        click.echo("monitlint: aborted", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(EXIT_ERROR)
    except SystemExit:
        raise
    except RecursionError:
        click.echo("monitlint: error: input nested too deeply to check", err=True)
        sys.exit(EXIT_ERROR)
    except Exception as exc:  # never a traceback for users
        _error(f"{type(exc).__name__}: {exc} (please report this)", "internal error")
        sys.exit(EXIT_ERROR)
