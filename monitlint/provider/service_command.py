"""The ``monitlint service`` command: a thin shell over :class:`MonitProvider`."""

from __future__ import annotations

import sys

import click


@click.command()
@click.argument("action", type=click.Choice(["start", "stop", "restart", "monitor", "unmonitor", "status", "ensure"]))
@click.argument("name")
@click.argument("state", required=False, type=click.Choice(["running", "stopped"]))
@click.option(
    "-c",
    "--control-file",
    type=click.Path(dir_okay=False, readable=False),
    default=None,
    help="Monit control file (default: Monit's own search order).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.5),
    default=None,
    help="Seconds to wait for the change to settle (default: the service's program timeout "
    "plus two daemon cycles plus slack).",
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
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, readable=False),
    default=None,
    help="monitlint configuration file (default: nearest .monitlint.toml or pyproject.toml).",
)
@click.option("--isolated", is_flag=True, help="Ignore every monitlint configuration file.")
def service(
    action: str,
    name: str,
    state: str | None,
    control_file: str | None,
    timeout: float | None,
    monit: str,
    output_format: str,
    config_file: str | None,
    isolated: bool,
) -> None:
    """Act on a Monit service through the monit executable, then verify the real process state.

    ACTION is start, stop, restart, monitor, unmonitor, status, or `ensure NAME running|stopped`.
    The control file is linted first: a syntax error, or an error on this service (such as MON101,
    no stop program), refuses the action and nothing is sent to Monit.

    Exit status: 0 done and verified, 1 the action failed or could not be verified in time,
    2 usage or environment error (monit missing, daemon down or hung, unknown service), 3 refused by linting.
    """
    import json

    from monitlint.provider.errors import ProviderError
    from monitlint.provider.provider import MonitProvider

    if action == "ensure" and state is None:
        raise click.UsageError("ensure needs a target state: monitlint service ensure NAME running|stopped")
    if action != "ensure" and state is not None:
        raise click.UsageError(f"unexpected extra argument '{state}' for {action}")
    from monitlint.cli import _load_config

    try:
        config = _load_config(config_file, isolated)
        provider = MonitProvider(control_file=control_file, monit=monit, timeout=timeout, config=config)
        if action == "ensure":
            assert state is not None
            result = provider.ensure(name, state)
        else:
            result = getattr(provider, action)(name)
    except ProviderError as exc:
        if output_format == "json":
            click.echo(json.dumps({"service": name, "action": action, "ok": False, "error": str(exc)}, indent=2))
        click.echo(f"monitlint: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    if output_format == "json":
        click.echo(json.dumps(result.to_dict(), indent=2))
    else:
        from monitlint.output.text import render_diagnostic

        word = "ok" if result.ok else ("refused" if result.exit_code == 3 else "FAILED")
        click.echo(f"{word}: {result.message}")
        if action == "status":
            click.echo(
                f"  state: {result.state}; monitoring: {'yes' if result.monitored else 'no'}; "
                f"mode: {result.mode}; on reboot: {result.on_reboot}"
            )
        for diag in result.findings if not result.ok else []:
            click.echo(render_diagnostic(diag, {}))
    sys.exit(result.exit_code)
