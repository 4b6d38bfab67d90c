"""Helpers for the template tests: the real roles and modules of ../shared/templates, and rendering in process."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from monitlint.config import Config
from monitlint.selection import Settings
from monitlint.templates.projects import find_projects
from monitlint.templates.run import TemplateOptions, TemplateReport, check_projects

TEMPLATES = Path(__file__).resolve().parents[2].parent / "shared" / "templates"


def require_templates() -> Path:
    """../shared/templates, or a skip with the reason (a failure when MONITLINT_REQUIRE_CORPUS=1, as in CI)."""
    if (TEMPLATES / "VERDICTS.tsv").is_file():
        return TEMPLATES
    message = f"the real templates corpus is missing: {TEMPLATES} (it lives beside the checkout, in ../shared)"
    if os.environ.get("MONITLINT_REQUIRE_CORPUS") == "1":
        pytest.fail(message)
    pytest.skip(message)


def verdicts() -> list[dict[str, str]]:
    """The rows of VERDICTS.tsv (empty when the corpus is missing: the tests using them then skip)."""
    path = TEMPLATES / "VERDICTS.tsv"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def check(
    path: Path | str,
    template_vars: list[str] | None = None,
    config: Config | None = None,
    *,
    options: TemplateOptions | None = None,
    shown: Callable[[str], str] = str,
) -> TemplateReport:
    """Render and lint the roles and modules at ``path`` in process, with every rule selected."""
    settings = Settings.of(config or Config())
    given = options or TemplateOptions(template_vars=list(template_vars or []))
    return check_projects(find_projects(str(path)), lambda _p: given, lambda _p: settings, shown)
