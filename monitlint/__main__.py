"""Allow ``python -m monitlint``."""

from monitlint.cli import main

main()
