"""All rules, imported in a fixed order so registration is deterministic.

A rule is a module named after its code and name, declaring CODE, NAME,
SEVERITY, SUMMARY, MANUAL_SECTION (the Monit manual's section it is about), SINCE (the
version it appeared in) (SCOPE = "config" for whole-config rules, ALWAYS_ON = True for
what Monit itself refuses, which cannot be turned off, COST for a slow rule, CATEGORY
for GitLab when not its family's) beside
an optional ``check(ctx, rule)`` generator over a
:class:`~monitlint.linter.context.LintContext`, or KINDS: the problem kinds that the
parser, the include expander or the suppression reader report for it, with their
severities.  Its docstring is its documentation.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from monitlint.linter.registry import Rule, rule_from_module

# Explicit and ordered (no discovery magic): add a new rule module here.
RULE_MODULES = (
    "mon001_syntax_error",
    "mon002_include_not_found",
    "mon003_include_cycle",
    "mon004_relative_include",
    "mon005_include_picks_backup",
    "mon006_monit_rejects",
    "mon010_template_render_error",
    "mon101_missing_stop_program",
    "mon102_missing_start_program",
    "mon103_action_without_program",
    "mon104_relative_program_path",
    "mon105_shell_syntax_without_shell",
    "mon106_silent_unmonitor",
    "mon107_program_timeout_default",
    "mon201_duplicate_service_name",
    "mon202_unknown_dependency",
    "mon203_dependency_cycle",
    "mon204_group_name_typo",
    "mon205_service_named_all",
    "mon301_control_file_permissions",
    "mon302_default_credentials",
    "mon303_httpd_exposed",
    "mon304_cleartext_secret_readable",
    "mon401_unitless_threshold",
    "mon402_value_out_of_range",
    "mon403_only_last_condition_counts",
    "mon404_noise_word_trap",
    "mon405_overbroad_matching",
    "mon501_cli_unreachable",
    "mon502_alert_without_mailserver",
    "mon503_repeated_global",
    "mon504_deprecated_syntax",
    "mon601_unknown_user",
    "mon602_unknown_group",
    "mon603_missing_check_program",
    "mon604_ssl_pem_file",
    "mon605_ssl_ca_file",
    "mon606_unreadable_htpasswd",
    "mon607_htpasswd_without_users",
    "mon608_pattern_file",
    "mon609_log_file",
    "mon610_missing_program",
    "mon611_program_not_executable",
    "mon612_checksum_file",
    "mon613_hostname_conflict",
    "mon614_id_file",
    "mon901_unused_suppression",
    "mon902_bad_suppression",
)

MODULES: list[ModuleType] = [importlib.import_module(f"{__name__}.{name}") for name in RULE_MODULES]


RULES: list[Rule] = [rule_from_module(m) for m in MODULES]
