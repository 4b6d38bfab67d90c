"""Each rule's doc links the Monit manual section it is about and says the monitlint version it appeared in."""

from __future__ import annotations

import json
import re
import tarfile

import pytest

from monitlint import __version__
from monitlint.links import MONIT_MANUAL, manual_url, rule_doc_url
from monitlint.linter.catalog import all_rules
from tests.conftest import REPO, run_cli

MONIT_TARBALL = REPO.parent / "shared" / "monit-versions" / "monit-5.35.2.tar.gz"


def _released_versions() -> set[str]:
    changelog = (REPO / "CHANGELOG.md").read_text()
    upcoming = __version__.split(".dev")[0]  # a rule added since the last release appears in the next one
    return set(re.findall(r"^## \[(\d+\.\d+\.\d+)\]", changelog, re.MULTILINE)) | {upcoming}


def test_every_rule_declares_its_manual_section_and_version() -> None:
    versions = _released_versions()
    for rule in all_rules():
        assert rule.manual, f"{rule.code} has no MANUAL_SECTION"
        assert rule.since in versions, f"{rule.code}: SINCE {rule.since!r} is not a released version {versions}"


def test_manual_anchors_are_headings_of_monits_manual() -> None:
    """mmonit.com's monit.html is made from doc/monit.pod: an anchor is a heading with `-` for spaces."""
    if not MONIT_TARBALL.is_file():
        pytest.skip(f"Monit's source is missing: {MONIT_TARBALL} (it lives beside the checkout, in ../shared)")
    with tarfile.open(MONIT_TARBALL) as tar:
        member = tar.extractfile("monit-5.35.2/doc/monit.pod")
        assert member is not None
        pod = member.read().decode("utf-8", "replace")
    anchors = {heading.strip().replace(" ", "-") for heading in re.findall(r"^=head\d (.+)$", pod, re.MULTILINE)}
    for rule in all_rules():
        assert rule.manual in anchors, (rule.code, rule.manual)


def test_rule_command_and_docs_show_the_links() -> None:
    docs = (REPO / "docs" / "rules.md").read_text()
    for rule in all_rules():
        assert rule.manual is not None
        assert manual_url(rule.manual) in docs
    shown = run_cli("rule", "MON101").stdout
    assert f"Monit manual: {MONIT_MANUAL}#SERVICE-METHODS" in shown
    assert "Since: monitlint 0.1.0" in shown
    assert f"Documentation: {rule_doc_url('MON101', 'missing-stop-program')}" in shown
    listed = {r["code"]: r for r in json.loads(run_cli("rules", "--format", "json").stdout)}
    assert listed["MON303"]["manual"] == manual_url("Host-and-network-allow-list")
    assert listed["MON303"]["since"] == "0.1.0"
