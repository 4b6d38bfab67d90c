"""Every grammar rule has a place in the model: a builder method, a test kind, a service, a setting,
or an explicit Node rule.  A rule in none of them would silently become a Node and drop out."""

from __future__ import annotations

import re

from monitlint.grammar.transformer import mapped_rules
from tests.conftest import REPO

_RULE = re.compile(r"^[!?]?([a-z_][a-z0-9_]*)\s*:", re.MULTILINE)
_ALIAS = re.compile(r"->\s*([a-z_][a-z0-9_]*)")  # an alternative reduced under its own name


def grammar_rules() -> set[str]:
    """The rule and alias names of monitrc.lark (Lark's own helper rules are not named there)."""
    text = (REPO / "monitlint" / "grammar" / "monitrc.lark").read_text()
    return set(_RULE.findall(text)) | set(_ALIAS.findall(text))


def test_every_grammar_rule_has_a_model_mapping() -> None:
    rules = grammar_rules()
    assert len(rules) > 150  # the pattern still reads the grammar
    assert sorted(rules - mapped_rules()) == []


def test_the_mapping_names_no_rule_the_grammar_lacks() -> None:
    assert sorted(mapped_rules() - grammar_rules()) == []
