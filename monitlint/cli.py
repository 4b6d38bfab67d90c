"""The ``monitlint`` command line.

Only click and the standard library are imported at start-up; the parser and
the rules are imported inside the commands that need them, so ``--help`` and
``--version`` stay fast.
"""

from __future__ import annotations

import gc
import os
import sys
from typing import Any

import click

from monitlint import __version__
from monitlint.cli_options import config_file_option
from monitlint.output import FORMATS as OUTPUT_FORMATS
from monitlint.templates.cli_hook import check_templates, merge, split_paths, template_options


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


class _Commands(click.Group):
    """The command group; ``service`` (the provider, a large option set) is imported only when named."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), "service"])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name == "service":
            from monitlint.provider.service_command import service

            return service
        return super().get_command(ctx, cmd_name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="monitlint")
def cli() -> None:
    """Lint Monit control files (monitrc) and catch what `monit -t` lets through."""


FORMATS = list(OUTPUT_FORMATS)


def _usage_error(text: str) -> None:
    """A one-line usage error, exit 2."""
    _error(text)
    sys.exit(EXIT_ERROR)


def _selectors(values: tuple[str, ...], option: str) -> list[str]:
    """Split --select/--ignore values; an unknown rule is a one-line usage error, never silently nothing."""
    from monitlint.selection import selector_problem

    selectors = _split(values)
    for selector in selectors:
        problem = selector_problem(selector, option)
        if problem is not None:
            _usage_error(problem)
    return selectors


def _split(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


class _Configs:
    """The configuration of each linted file: the closest one above its folder (or the one named), cached.

    Command-line options override every one of them (see :class:`monitlint.selection.RuleSelection`);
    what Monit refuses is kept on in all.
    """

    def __init__(
        self,
        config_file: str | None,
        isolated: bool,
        select: list[str] | None,
        ignore: list[str],
        fail_on: str | None,
        host: bool = False,
        root: str | None = None,
        targets: tuple[tuple[int, int], ...] = (),
    ) -> None:
        self.targets = targets
        self.host = host
        self.root = root
        self.config_file = config_file
        self.isolated = isolated
        self.select = select
        self.ignore = ignore
        self.fail_on = fail_on
        self._loaded: dict[str | None, Any] = {}
        # --exclude, --extend-exclude, --force-exclude (None: not given), applied over every file's configuration.
        self.exclusion: tuple[list[str] | None, list[str], bool] = (None, [], False)
        self._warned: set[str] = set()

    def for_path(self, path: str) -> Any:
        """The effective configuration for ``path`` (a file, or the name given to standard input)."""
        from monitlint.config import find_config_file

        if self.isolated:
            return self._load(None)
        if self.config_file:
            return self._load(self.config_file)
        folder = os.path.dirname(os.path.abspath(path)) if path not in ("-", "<stdin>") else os.getcwd()
        untrusted: list[str] = []
        found = find_config_file(folder, untrusted)
        for text in untrusted:  # each once per run, however many files sit below it
            if text not in self._warned:
                self._warned.add(text)
                _error(text, "warning")
        return self._load(found, discovered=True)

    def loaded(self) -> list[Any]:
        """The settings of every configuration read so far."""
        return list(self._loaded.values())

    def _load(self, source: str | None, discovered: bool = False) -> Any:
        if source in self._loaded:
            return self._loaded[source]
        import dataclasses

        from monitlint.config import ConfigError, load_config
        from monitlint.diagnostics import Severity
        from monitlint.selection import RuleSelection, Settings

        try:
            # A file found by walking up must belong to the caller or root (see config.trusted_owners);
            # one named with --config is trusted as every path on the command line is.
            config = load_config(source, trusted_only=discovered)
            # The one selection for every file under this configuration: the file's, overridden by the options.
            selection = RuleSelection.checked(
                config,
                select=self.select,
                ignore=self.ignore,
                fail_on=Severity.parse(self.fail_on) if self.fail_on else None,
                targets=self.targets or None,
            )
        except ConfigError as exc:
            _error(str(exc))
            sys.exit(EXIT_ERROR)
        config = _with_exclusion(config, self.exclusion)
        if self.host or self.root is not None:  # host checks look under --root too
            config = dataclasses.replace(
                config,
                host=config.host or self.host,
                root=os.path.abspath(self.root) if self.root is not None else config.root,
            )
        self._loaded[source] = Settings(config, selection)
        return self._loaded[source]


def _with_exclusion(config: Any, exclusion: tuple[list[str] | None, list[str], bool]) -> Any:
    """The configuration with the command line's --exclude (replaces), --extend-exclude (adds), --force-exclude."""
    import dataclasses

    exclude, extend, force = exclusion
    if exclude is None and not extend and not force:
        return config
    return dataclasses.replace(
        config,
        exclude=exclude if exclude is not None else config.exclude,
        extend_exclude=[*config.extend_exclude, *extend],
        force_exclude=config.force_exclude or force,
    )


def _exclusion_options(function: Any) -> Any:
    """--exclude, --extend-exclude and --force-exclude (see monitlint.files.exclusion)."""
    for option in reversed(
        [
            click.option(
                "--exclude",
                multiple=True,
                metavar="PATTERN",
                help="Leave these out of folder discovery, replacing the `exclude` setting and the default list "
                "(.git, .venv, node_modules …): a name (`legacy`: every file or folder so named) or a path glob.",
            ),
            click.option(
                "--extend-exclude",
                multiple=True,
                metavar="PATTERN",
                help="Leave these out too, in addition to `exclude` (comma-separated or repeated).",
            ),
            click.option(
                "--force-exclude",
                is_flag=True,
                help="Apply the exclude patterns to files named on the command line too "
                "(the pre-commit hook passes it).",
            ),
        ]
    ):
        function = option(function)
    return function


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
@config_file_option(
    "Configuration file for every path (default: the closest .monitlint.toml or pyproject.toml "
    "[tool.monitlint] above each linted file)."
)
@click.option("--isolated", is_flag=True, help="Ignore every configuration file.")
@click.option("--select", multiple=True, help="Only these rules (codes, prefixes such as MON1, or names).")
@click.option("--ignore", multiple=True, help="Skip these rules (codes, prefixes or names).")
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    default=None,
    help="Lowest severity that makes the exit status 1 [default: warning: infos are printed but never fail].",
)
@click.option(
    "--exit-zero",
    is_flag=True,
    help="Exit 0 even when there are findings, syntax errors included (report-only runs); they are still printed.",
)
@click.option(
    "--statistics",
    is_flag=True,
    help="Print a count of findings per rule instead of the findings (text), or add it to the summary (json).",
)
@click.option("--stdin-filename", default=None, help="The name to report for `-` (standard input).")
@click.option("--no-cache", is_flag=True, help="Do not read or write the result cache (~/.cache/monitlint/results).")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Processes for a large config: its includes (over 256 KiB) and its rules [default: the usable CPUs].",
)
@click.option(
    "--skip-non-monit",
    is_flag=True,
    help="Judge named files as folder contents are judged, and skip those that are not Monit control files "
    "(the pre-commit hook passes this).",
)
@click.option(
    "--host",
    is_flag=True,
    help="Also check the control file against this machine (under --root when given) as `monit -t` does: "
    "users, groups, programs, PEM/CA files, htpasswd and pattern files, log folders (rules MON6xx). "
    "In a git or hg checkout without --root, only files inside the checkout are looked at.",
)
@click.option(
    "--target-version",
    "target_versions",
    multiple=True,
    help="Monit release(s) to lint for, 5.26 to 5.35 (repeat or comma-separate for a fleet) "
    "[default: the configuration's target-version(s), else 5.33].",
)
@click.option("--verbose", "-v", is_flag=True, help="Say which files were skipped and why.")
@click.option("--fix", is_flag=True, help="Apply the safe fixes (see `monitlint rule CODE`) and report what is left.")
@click.option("--diff", is_flag=True, help="Print the safe fixes as a unified diff and change nothing (exit 1 if any).")
@click.option(
    "--add-noqa",
    is_flag=True,
    help="Add `# monitlint: disable=CODE` comments for the current findings (never for what Monit refuses).",
)
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(dir_okay=False, readable=False),
    default=None,
    help="Leave out the findings recorded in this baseline file (default: `baseline` in the configuration).",
)
@click.option(
    "--write-baseline",
    type=click.Path(dir_okay=False, readable=False),
    default=None,
    help="Record today's findings in this file (JSON), for --baseline; what Monit refuses is never recorded.",
)
@template_options
@_exclusion_options
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
    skip_non_monit: bool,
    host: bool,
    target_versions: tuple[str, ...],
    verbose: bool,
    exclude: tuple[str, ...],
    extend_exclude: tuple[str, ...],
    force_exclude: bool,
    fix: bool,
    diff: bool,
    add_noqa: bool,
    baseline_file: str | None,
    write_baseline: str | None,
    template_vars: tuple[str, ...] = (),
    facts_file: str | None = None,
    manifest: str | None = None,
    modulepath: tuple[str, ...] = (),
    puppet_compile: bool = False,
    inventories: tuple[str, ...] = (),
    template_host: str | None = None,
    gather_facts: bool = False,
) -> None:
    """Check control files and report problems with their location.

    PATHS are control files, folders (every Monit config below them), or `-` for standard input.
    Each file is checked once, however many arguments or includes reach it.
    Ansible roles and Puppet modules among them have their Monit templates rendered and checked,
    findings at the template lines (README: "Templates").
    Exit status: 0 nothing found, 1 findings, 2 a file could not be read or a usage error.
    """
    from monitlint.api import Text, display_name, lint
    from monitlint.files.source import SourceError, read_stream
    from monitlint.output import WITH_STATISTICS, FormatOptions, render

    if stdin_filename is not None and "-" not in paths:
        _usage_error("--stdin-filename names standard input: pass `-` among the paths")
    if statistics and output_format not in WITH_STATISTICS:
        _usage_error(f"--statistics works with --format text or json, not {output_format}")
    if color == "always" and output_format != "text":
        _usage_error(f"--color always works with --format text only, not {output_format}")
    configs = _Configs(
        config_file,
        isolated,
        _selectors(select, "--select") if select else None,
        _selectors(ignore, "--ignore") if ignore else [],
        fail_on,
        host,
        root,
        _target_versions(target_versions),
    )
    configs.exclusion = (_split(exclude) if exclude else None, _split(extend_exclude), force_exclude)
    inputs: list[Any] = []
    unreadable: list[tuple[str, str]] = []  # standard input that could not be read, reported as a file would be
    for path in paths:
        if path == "-":
            name = stdin_filename or "<stdin>"
            try:
                inputs.append(Text(read_stream(0, name).text, name))
            except SourceError as exc:
                unreadable.append((name, str(exc)))
        else:
            inputs.append(path)
    projects, inputs = split_paths(inputs)
    if (fix or diff) and "-" in paths:
        _usage_error("--fix and --diff change files: they do not read standard input")

    def run_lint() -> Any:
        return lint(
            inputs,
            configs.for_path,
            root=root,
            jobs=jobs,
            # fixes and suppressions need each file's parse, which a cache hit has not
            cache=not (no_cache or fix or diff or add_noqa),
            skip_non_monit=skip_non_monit,
            names=display_name,
            force_exclude=force_exclude,
        )

    if fix and diff:
        _usage_error("--fix writes the fixes and --diff only shows them: pass one of them")
    if add_noqa and (diff or "-" in paths):
        _usage_error("--add-noqa changes files: it does not work with --diff or standard input")

    def root_for(main: str) -> str | None:
        return root if root is not None else configs.for_path(main).config.root

    report = run_lint()
    if fix:
        from monitlint.fixes.command import fix_files

        report = fix_files(report, run_lint, root_for, list(paths))
    if add_noqa:
        from monitlint.fixes.command import suppress_findings

        report = suppress_findings(report, run_lint, root_for, list(paths))
    report.errors[:0] = unreadable
    if projects:  # roles and modules: rendered by their engines, findings at template lines
        found = check_templates(
            projects,
            configs.for_path,
            display_name,
            template_vars=template_vars,
            facts_file=facts_file,
            manifest=manifest,
            modulepath=modulepath,
            puppet_compile=puppet_compile,
            inventories=inventories,
            template_host=template_host,
            gather_facts=gather_facts,
        )
        merge(report, found, verbose)
    if baseline_file or write_baseline or any(s.config.baseline for s in configs.loaded()):
        from monitlint.baseline_command import apply_baseline

        apply_baseline(report, configs.for_path, baseline_file, write_baseline, verbose)
    for _path, text in report.warnings:
        _error(text, "warning")
    for _path, text in report.errors:
        _error(text)
    if verbose:
        for text in report.notes:
            _error(text, "note")
    if diff:
        from monitlint.fixes.command import show_diff

        changed = show_diff(report, run_lint, root_for)
        sys.exit(EXIT_ERROR if report.errors else (EXIT_FINDINGS if changed else EXIT_OK))
    colour = output_format == "text" and _use_colour(color)
    output = render(output_format, report, FormatOptions(colour=colour, statistics=statistics))
    if output:
        click.echo(output, color=colour)
    if report.errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if report.failed and not exit_zero else EXIT_OK)


@cli.command()
@click.argument("key")
def rule(key: str) -> None:
    """Explain a rule: KEY is a code (MON101) or a name (missing-stop-program)."""
    from monitlint.linter.catalog import find_rule

    found = find_rule(key)
    if found is None:
        _error(f"no rule '{key}' (see `monitlint rules`)")
        sys.exit(EXIT_ERROR)
    click.echo(f"{found.code} {found.name} ({found.severity})\n")
    if found.fix_summary:
        click.echo(f"Fix: {found.fix_summary}, safe (`monitlint check --fix`; `--diff` to preview)\n")
    click.echo(found.doc)
    click.echo(_rule_links(found))


def _rule_links(found: Any) -> str:
    """Where a rule comes from and is documented: the Monit manual's section, its version, its doc page."""
    from monitlint.links import manual_url, rule_doc_url

    lines = [""]
    if found.manual:
        lines.append(f"Monit manual: {manual_url(found.manual)}")
    lines.append(f"Since: monitlint {found.since or 'unreleased'}")
    lines.append(f"Documentation: {rule_doc_url(found.code, found.name)}")
    return "\n".join(lines)


def _rule_link_fields(found: Any) -> dict[str, str | None]:
    """`rules --format json`: the Monit manual's section, the version a rule appeared in, its doc page."""
    from monitlint.links import manual_url, rule_doc_url

    return {
        "manual": manual_url(found.manual) if found.manual else None,
        "since": found.since or None,
        "url": rule_doc_url(found.code, found.name),
    }


@cli.command()
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules(output_format: str) -> None:
    """List every rule with its code, name, default severity and summary."""
    from monitlint.linter.catalog import all_rules

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
                        "fix": r.fix_summary,  # what `check --fix` does for it, or null
                        **_rule_link_fields(r),
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
@click.option("--stdin-filename", default=None, help="The name to report for `-` (standard input).")
def parse(path: str, output_format: str, root: str | None, stdin_filename: str | None) -> None:
    """Print the parsed model of a control file (services, settings, spans) as JSON.

    PATH is a control file, or `-` for standard input.
    Exit status: 0 parsed cleanly, 1 syntax or include errors were found, 2 the file could not be read.
    """
    import json

    from monitlint.files.source import SourceError, read_stream
    from monitlint.grammar.parser import parse_file, parse_text

    if stdin_filename is not None and path != "-":
        _usage_error("--stdin-filename names standard input: pass `-` as the path")
    try:
        if path == "-":
            name = stdin_filename or "<stdin>"
            result = parse_text(read_stream(0, name).text, name, root=root)
        else:
            result = parse_file(path, root=root)
    except SourceError as exc:
        _error(str(exc))
        sys.exit(EXIT_ERROR)
    from monitlint.linter.catalog import stamp

    document = {
        "version": 2,  # 2: the typed model (one object per test kind and per set statement, enums as strings)
        "config": result.config.to_dict(),
        "diagnostics": [stamp(problem).to_dict() for problem in result.problems],
    }
    click.echo(json.dumps(document, indent=2))
    sys.exit(EXIT_FINDINGS if result.problems else EXIT_OK)


@cli.command()
def server() -> None:
    """Run the language server (LSP over standard input and output) for editors.

    Needs the server extra: pip install 'monitlint[server]'.
    """
    try:
        from monitlint.server.protocol import run
    except ImportError:
        _error("the language server needs pygls: install monitlint[server] (pip install 'monitlint[server]')")
        sys.exit(EXIT_ERROR)
    run()
    # pygls closed standard output on `exit`: leave now, without the CLI's flush of it.
    os._exit(EXIT_OK)


# What a run built, held so that only the process's end frees it (see main).
_HELD_UNTIL_EXIT: list[object] = []


def main() -> None:
    """Entry point: run the CLI, then leave without the interpreter's teardown."""
    # A short-lived process that builds a large, cycle-free model: the cyclic collector
    # would only re-scan it (see monitlint.runtime.gc_pause); reference counting frees the rest.
    gc.disable()
    try:
        _dispatch()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else EXIT_ERROR)
        # Held until os._exit: its traceback holds the command's frames, and with them the model,
        # whose objects would otherwise be freed one by one here (8 ms at 2,000 services) for nothing.
        _HELD_UNTIL_EXIT.append(exc)
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


def _target_versions(items: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
    """``--target-version`` values as releases; a usage error for one monitlint does not know."""
    from monitlint.monit_versions import TargetVersionError, parse_targets

    try:
        return parse_targets(items)
    except TargetVersionError as exc:
        _usage_error(f"--target-version: {exc}")
        raise AssertionError("unreachable") from None
