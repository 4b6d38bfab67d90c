"""Where monitlint lives on the web: the one repository URL, and the stable address of each rule's doc.

README.md, .pre-commit-hooks.yaml, pyproject.toml, action.yml and the reports all name this one
repository (tests/test_wiring.py checks they agree).
"""

from __future__ import annotations

REPOSITORY = "https://github.com/monitlint/monitlint"
# The rules' documentation, on the default branch (docs/rules.md is generated from the rule modules).
RULES_DOC = f"{REPOSITORY}/blob/main/docs/rules.md"
MONIT_MANUAL = "https://mmonit.com/monit/documentation/monit.html"


def rule_anchor(code: str, name: str) -> str:
    """The anchor of a rule's section in docs/rules.md (its heading ``CODE name``, as GitHub makes anchors)."""
    return f"{code}-{name}".lower()


def rule_doc_url(code: str, name: str) -> str:
    """The stable URL of a rule's documentation (SARIF ``helpUri``, ``monitlint rule``)."""
    return f"{RULES_DOC}#{rule_anchor(code, name)}"


def manual_url(anchor: str) -> str:
    """A section of the Monit manual."""
    return f"{MONIT_MANUAL}#{anchor}"
