"""The provider's JSON object on usage errors too: ``service … --format json`` always prints one.

Click reports a bad option value (``--timeout abc``), an unknown option or a missing argument before
the command runs; Puppet and Ansible read stdout as JSON whatever happens.  So the ``service``
command is a :class:`JsonUsageCommand`: on a usage error, when the command line asked for
``--format json``, the same object as every other outcome (``ok`` false, exit code 2, the usage
message) is printed on stdout, and the usage line still goes to stderr with exit status 2.
"""

from __future__ import annotations

import json
from typing import Any

import click

from monitlint.provider.errors import EXIT_ENVIRONMENT

# The options of `service` that take a value (so their value is not taken for ACTION or NAME).
_VALUED = frozenset({"-c", "--control-file", "--timeout", "--monit", "--format", "--config"})


def wants_json(args: list[str]) -> bool:
    """True when the raw arguments ask for ``--format json`` (the last ``--format`` wins, as in click)."""
    chosen = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--format" and i + 1 < len(args):
            chosen = args[i + 1]
        elif arg.startswith("--format="):
            chosen = arg.split("=", 1)[1]
    return chosen == "json"


def positionals(args: list[str]) -> list[str]:
    """The positional arguments (ACTION, NAME, STATE) as far as they can be told from the raw arguments."""
    out: list[str] = []
    skip = False
    for i, arg in enumerate(args):
        if skip:
            skip = False
            continue
        if arg == "--":
            out.extend(args[i + 1 :])
            break
        if arg.startswith("-") and arg != "-":
            skip = arg in _VALUED
            continue
        out.append(arg)
    return out


def usage_error_object(args: list[str], message: str) -> dict[str, Any]:
    """The result object of a call stopped by a usage error: every field, ``ok`` false, exit code 2."""
    from monitlint import __version__
    from monitlint.provider.results import Action, not_done

    words = positionals(args)
    action = words[0] if words else ""
    name = words[1] if len(words) > 1 else ""
    if action == "list":  # `service list` has its own shape (see service_command._list_object)
        return {"version": __version__, "ok": False, "exit_code": EXIT_ENVIRONMENT, "message": message, "services": []}
    # The result's fields as for any refused call; its action is the word given, an action or not.
    data = not_done(name, Action.STATUS, message, EXIT_ENVIRONMENT).to_dict()
    data["action"] = action
    return data


class JsonUsageCommand(click.Command):
    """A click command that prints the JSON result object on usage errors when asked for JSON."""

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        """Parse the arguments; a usage error with ``--format json`` prints the JSON object first."""
        raw = list(args)
        try:
            context = super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:
            self._print(raw, exc)
            raise
        context.meta["monitlint.raw_args"] = raw
        return context

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a usage error it raises (no name, extra argument) gets the JSON object too."""
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            self._print(ctx.meta.get("monitlint.raw_args", []), exc)
            raise

    @staticmethod
    def _print(raw: list[str], exc: click.UsageError) -> None:
        if wants_json(raw):
            from monitlint.output.sanitize import message

            click.echo(json.dumps(usage_error_object(raw, message(exc.format_message())), indent=2))
