"""The ``monitlint`` command and ``python -m monitlint``: the CLI, loaded with the cyclic collector off."""

import gc


def main() -> None:
    """Run the CLI (:func:`monitlint.cli.main`), importing it without the cyclic garbage collector.

    Loading click, the grammar and the model makes tens of thousands of objects that live as long
    as the process: the collector would scan them again and again while they load (measured: 48 ms
    of imports took 59 with it on), and the CLI runs with it off anyway.
    """
    gc.disable()
    from monitlint.cli import main as run_cli

    run_cli()


if __name__ == "__main__":
    main()
