"""Lines of code per pipeline stage (ARCHITECTURE.md) for one or more monitlint checkouts, side by side.

    git worktree add /tmp/before <rev>
    python benchmarks/loc_per_stage.py /tmp/before .

Counts non-blank lines of ``monitlint/**/*.py`` and the grammar, by the stage each module
belongs to; the provider is left out (it is not part of the lint pipeline). A module no stage
claims is listed on its own line, so a new module is never silently left out.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Module path prefixes (relative to monitlint/) per stage, as ARCHITECTURE.md's table places them.
STAGES: list[tuple[str, tuple[str, ...]]] = [
    (
        "scan",
        (
            "files/source.py",
            "grammar/lexer.py",
            "grammar/tokens.py",
            "grammar/keywords.py",
            "grammar/messages.py",
            "grammar/includes.py",
            "grammar/include_glob.py",
        ),
    ),
    ("parse", ("grammar/parser.py", "grammar/monitrc.lark", "grammar/lalr.py")),
    ("build model", ("grammar/transformer.py", "grammar/build_", "model", "span.py", "runtime/records.py")),
    ("run rules", ("linter/",)),
    ("host facts", ("host/",)),
    (
        "report, API, CLI",
        (
            "output/",
            "api.py",
            "cli.py",
            "diagnostics.py",
            "config.py",
            "files/discovery.py",
            "cache.py",
            "__init__.py",
            "__main__.py",
        ),
    ),
    ("performance seams", ("runtime/parallel.py", "runtime/work.py", "runtime/gc_pause.py", "runtime/budgets.py")),
    ("shared (safe reads, POSIX regex)", ("files/safe_fs.py", "posix_regex.py", "grammar/__init__.py")),
]
LEFT_OUT = ("provider/",)


def stage_of(module: str) -> str | None:
    """The stage ``module`` (a path relative to monitlint/) belongs to; None for the provider."""
    if module.startswith(LEFT_OUT):
        return None
    for stage, prefixes in STAGES:
        if module.startswith(prefixes):
            return stage
    return f"unplaced: {module}"


def count(checkout: Path) -> dict[str, int]:
    """Non-blank lines per stage in ``checkout``."""
    package = checkout / "monitlint"
    lines: dict[str, int] = {}
    for path in sorted(package.rglob("*")):
        if path.suffix not in (".py", ".lark") or "__pycache__" in path.parts:
            continue
        stage = stage_of(path.relative_to(package).as_posix())
        if stage is not None:
            text = path.read_text(encoding="utf-8")
            lines[stage] = lines.get(stage, 0) + sum(1 for line in text.splitlines() if line.strip())
    return lines


def main(argv: list[str]) -> int:
    """Print a Markdown table: one column per checkout given."""
    checkouts = [Path(arg) for arg in argv] or [Path(__file__).resolve().parent.parent]
    missing = [str(c) for c in checkouts if not (c / "monitlint").is_dir()]
    if missing:
        print(f"not a monitlint checkout: {', '.join(missing)}", file=sys.stderr)
        return 2
    counts = [count(c) for c in checkouts]
    stages = [name for name, _ in STAGES] + sorted({s for c in counts for s in c if s.startswith("unplaced")})
    print("| stage | " + " | ".join(str(c) for c in checkouts) + " |")
    print("|---" * (len(checkouts) + 1) + "|")
    for stage in stages:
        print(f"| {stage} | " + " | ".join(str(c.get(stage, 0)) for c in counts) + " |")
    print("| total | " + " | ".join(str(sum(c.values())) for c in counts) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
