"""MON504 names a replacement only where every target release takes it (and --fix writes only that)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli

LINK = "check network eth with interface eth0\n    if failed link then alert\n"


@pytest.mark.parametrize(
    ("targets", "reported"), [("5.33", True), ("5.31,5.35", True), ("5.27", False), ("5.27,5.33", False)]
)
def test_deprecated_only_where_every_target_takes_the_replacement(tmp_path: Path, targets: str, reported: bool) -> None:
    control = tmp_path / "monitrc"
    control.write_text(LINK)
    result = run_cli("check", "--no-cache", "--select", "MON504", "--target-version", targets, str(control))
    assert ("`if failed link` is deprecated" in result.stdout) is reported, result.stdout + result.stderr


def test_fix_leaves_the_old_form_for_a_fleet_that_needs_it(tmp_path: Path) -> None:
    control = tmp_path / "monitrc"
    control.write_text(LINK)
    result = run_cli("check", "--no-cache", "--diff", "--target-version", "5.27", str(control))
    assert "link down" not in result.stdout, result.stdout
    fixed = run_cli("check", "--no-cache", "--diff", "--target-version", "5.33", str(control))
    assert "+    if link down then alert" in fixed.stdout, fixed.stdout
