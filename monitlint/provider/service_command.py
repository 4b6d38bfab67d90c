"""The ``monitlint service`` command: a thin shell over :class:`MonitProvider`."""

from __future__ import annotations

import math
import sys
from typing import TYPE_CHECKING

import click

from monitlint.cli_options import config_file_option
from monitlint.provider.errors import EXIT_ENVIRONMENT, EXIT_REFUSED, ProviderError

if TYPE_CHECKING:  # the provider is imported only when the command runs: `monitlint check` stays fast
    from monitlint.config import Config
    from monitlint.provider.provider import ActionResult


def _timeout(_ctx: click.Context, _param: click.Parameter, value: str | None) -> float | None:
    """--timeout: a finite number of seconds above 0 (``nan``, ``inf`` and negatives are usage errors)."""
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a number of seconds") from None
    if not math.isfinite(seconds) or seconds <= 0:
        raise click.BadParameter(f"'{value}' is not a finite number of seconds above 0")
    return seconds


@click.command()
@click.argument(
    "action", type=click.Choice(["start", "stop", "restart", "monitor", "unmonitor", "status", "ensure", "list"])
)
@click.argument("name", required=False)
@click.argument("state", required=False, type=click.Choice(["running", "stopped"]))
@click.option(
    "-c",
    "--control-file",
    type=click.Path(dir_okay=False, readable=False),
    default=None,
    envvar="MONITLINT_CONTROL_FILE",
    help="Monit control file (default: $MONITLINT_CONTROL_FILE, else Monit's own search order).",
)
@click.option(
    "--timeout",
    callback=_timeout,
    default=None,
    help="Seconds to wait for the change to settle, a finite number above 0 (default: the service's "
    "program timeouts, plus those of services Monit is busy with, plus two daemon cycles).",
)
@click.option(
    "--reload",
    "reload_daemon",
    is_flag=True,
    help="If the control file changed since the daemon loaded it, run `monit reload` and wait for it "
    "(without it such a file is refused).",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="With ensure: wait for pending actions, say whether the service is in the state and what would be "
    "done or refused; send nothing (what Puppet's status and Ansible's check mode use).",
)
@click.option("--monit", "monit", default="monit", show_default=True, help="The monit executable.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@config_file_option(
    "monitlint configuration for the lint gate. Never discovered: a planted .monitlint.toml must not "
    "switch the gate off for root."
)
@click.option(
    "--isolated", is_flag=True, hidden=True, help="Accepted for compatibility: no configuration is discovered."
)
def service(
    action: str,
    name: str | None,
    state: str | None,
    control_file: str | None,
    timeout: float | None,
    reload_daemon: bool,
    dry_run: bool,
    monit: str,
    output_format: str,
    config_file: str | None,
    isolated: bool,
) -> None:
    """Act on a Monit service through the monit executable, then verify the real process state.

    ACTION is start, stop, restart, monitor, unmonitor, status, `ensure NAME running|stopped`, or
    `list` (every service of the daemon with its state and whether the lint gate would refuse it).
    The control file is linted first: a syntax error, or an error on this service (such as MON101,
    no stop program), refuses the action and nothing is sent to Monit.

    Exit status: 0 done and verified, 1 the action failed or could not be verified in time,
    2 usage or environment error (monit missing, daemon down or hung, unknown service), 3 refused by linting.
    """
    if action == "list":
        if name is not None:
            raise click.UsageError("list takes no service name")
        _list(control_file, monit, config_file, output_format)
        return
    if name is None:
        raise click.UsageError(f"{action} needs a service name")
    if action == "ensure" and state is None:
        raise click.UsageError("ensure needs a target state: monitlint service ensure NAME running|stopped")
    if action != "ensure" and state is not None:
        raise click.UsageError(f"unexpected extra argument '{state}' for {action}")
    if dry_run and action != "ensure":
        raise click.UsageError("--dry-run goes with ensure: monitlint service ensure NAME running|stopped --dry-run")
    del isolated
    result = run_service(action, name, state, control_file, timeout, reload_daemon, monit, config_file, dry_run=dry_run)
    _print(result, action, output_format)
    sys.exit(result.exit_code)


def gate_config(config_file: str | None) -> Config:
    """The configuration the lint gate honours: the file the caller named, else none (never discovered)."""
    from monitlint.config import Config, ConfigError, load_config
    from monitlint.selection import RuleSelection

    try:
        config = load_config(config_file) if config_file else Config()
        RuleSelection.checked(config)  # its rule names checked here: a mistake is a usage error, not a failed lint
        return config
    except ConfigError as exc:
        raise ProviderError(str(exc)) from None


def _list(control_file: str | None, monit: str, config_file: str | None, output_format: str) -> None:
    from monitlint.provider.provider import MonitProvider

    try:
        entries = MonitProvider(control_file=control_file, monit=monit, config=gate_config(config_file)).list_services()
    except ProviderError as exc:
        if output_format == "json":
            import json

            click.echo(json.dumps({"ok": False, "exit_code": exc.exit_code, "message": str(exc), "services": []}))
        click.echo(f"monitlint: error: {clean(str(exc))}", err=True)
        sys.exit(exc.exit_code)
    if output_format == "json":
        import json

        click.echo(json.dumps({"ok": True, "exit_code": 0, "message": "", "services": [e.to_dict() for e in entries]}))
        return
    for entry in entries:
        pid = f" pid {entry.pid}" if entry.pid else ""
        gate = f"; refused: {clean(entry.refusal)}" if entry.refusal else ""
        click.echo(f"{clean(entry.name)}\t{entry.type}\t{entry.state}{pid}\t{clean(entry.status)}{gate}")


def run_service(
    action: str,
    name: str,
    state: str | None = None,
    control_file: str | None = None,
    timeout: float | None = None,
    reload_daemon: bool = False,
    monit: str = "monit",
    config_file: str | None = None,
    *,
    dry_run: bool = False,
) -> ActionResult:
    """Run one provider call and return its result; errors become results with the same fields.

    ``dry_run`` (with ``ensure``) sends nothing: see :meth:`MonitProvider.ensure`.
    """
    from monitlint.provider.provider import MonitProvider, error_result
    from monitlint.provider.results import Action

    label = Action(action)  # click offers only the provider's actions
    try:
        config = gate_config(config_file)
        provider = MonitProvider(
            control_file=control_file, monit=monit, timeout=timeout, config=config, reload=reload_daemon
        )
        if label is Action.ENSURE:
            assert state is not None
            return provider.ensure(name, state, dry_run=dry_run)
        result: ActionResult = getattr(provider, action)(name)
        return result
    except ProviderError as exc:
        return error_result(name, label, exc)
    except Exception as exc:  # never a traceback, and the JSON keeps its fields
        return error_result(
            name, label, ProviderError(f"internal error: {type(exc).__name__}: {exc} (please report this)")
        )


def _print(result: ActionResult, action: str, output_format: str) -> None:
    if output_format == "json":
        import json

        click.echo(json.dumps(result.to_dict(), indent=2))
        if result.exit_code == EXIT_ENVIRONMENT:
            click.echo(f"monitlint: error: {clean(result.message)}", err=True)
        return
    from monitlint.output.text import render_diagnostic

    if result.exit_code == EXIT_ENVIRONMENT:
        click.echo(f"monitlint: error: {clean(result.message)}", err=True)
        return
    word = "ok" if result.ok else ("refused" if result.exit_code == EXIT_REFUSED else "FAILED")
    if result.dry_run and result.ok:
        word = "in state" if result.in_state else "dry run"
    click.echo(f"{word}: {clean(result.message)}")
    if action == "status" or result.dry_run:
        click.echo(
            f"  state: {result.state}; monitoring: {'yes' if result.monitored else 'no'}; "
            f"mode: {result.mode}; on reboot: {result.on_reboot}"
        )
    for note in result.notes:
        click.echo(f"  note: {clean(note)}")
    for diag in result.findings if not result.ok else []:
        click.echo(render_diagnostic(diag, {}))


def clean(text: str) -> str:
    """Text from outside (names, paths, Monit's words) made safe for a terminal or a CI log."""
    from monitlint.output.sanitize import message

    return message(text)
