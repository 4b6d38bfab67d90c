"""Fast tests of the server's LSP-free parts: UTF-16 columns, edits, expected keywords, the missing extra."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from monitlint.grammar.expect import expected_terminals, keywords_for
from monitlint.server.actions import Edit, FixRequest, apply_edits, rule_fix
from monitlint.server.positions import char_index, lsp_column, lsp_length, lsp_range
from monitlint.server.workspace import Workspace


def test_utf16_columns_count_astral_characters_twice() -> None:
    line = "\tn\u00e9ant \U0001d51e x"
    assert lsp_column(line, 1) == 0
    assert lsp_column(line, len("\tnéant ") + 1) == len("\tnéant ")
    assert lsp_column(line, len("\tnéant 𝔞 ") + 1) == len("\tnéant ") + 3
    assert char_index(line, len("\tnéant ") + 3) == len("\tnéant 𝔞 ")
    assert lsp_column(line, len(line) + 3) == lsp_length(line) + 2  # past the end of the line: counted on
    assert lsp_range(["ab"], 1, 1, 1, 3) == (0, 0, 0, 2)


def test_edits_apply_from_the_end() -> None:
    text = "one\ntwo\nthree\n"
    edited = apply_edits(text, [Edit(1, 4, 1, 4, "  # x"), Edit(2, 1, 2, 4, "2"), Edit(3, 6, 3, 6, "\nfour")])
    assert edited == "one  # x\n2\nthree\nfour\n"


def test_expected_keywords_after_if() -> None:
    words = keywords_for(expected_terminals("check process a with pidfile /x\n  if ") or set())
    assert {"cpu", "memory", "children"} <= set(words)
    assert keywords_for(expected_terminals("") or set())[-1] == "set"
    assert expected_terminals("check process a with with with\n  if ") is None


def test_workspace_reads_open_documents_in_place_of_files(tmp_path: Path) -> None:
    (tmp_path / ".monitlint.toml").write_text('[tool.monitlint]\nentrypoints = ["monitrc"]\n')
    (tmp_path / "monitrc").write_text(f"set daemon 30\ninclude {tmp_path}/part\n")
    part = tmp_path / "part"
    part.write_text("check file a with path /etc/a\n  depends on b\n")
    workspace = Workspace()
    assert [d.code for d in workspace.lint(str(part)).diagnostics] == ["MON202"]
    workspace.open(str(tmp_path / "monitrc"), f"set daemon 30\ninclude {tmp_path}/part\ncheck file b with path /b\n")
    assert workspace.lint(str(part)).diagnostics == []
    workspace.close(str(tmp_path / "monitrc"))
    assert [d.code for d in workspace.lint(str(part)).diagnostics] == ["MON202"]


def test_server_without_the_extra_is_a_one_line_error(tmp_path: Path) -> None:
    # A stand-in pygls that cannot be imported: as if the extra were not installed.
    (tmp_path / "pygls").mkdir()
    (tmp_path / "pygls" / "__init__.py").write_text("raise ImportError('no pygls here')\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-m", "monitlint", "server"], capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "install monitlint[server]" in proc.stderr


def test_columns_follow_a_negotiated_utf8_encoding() -> None:
    from monitlint.server.positions import use_encoding

    line = "\tn\u00e9ant \U0001d51e x"
    try:
        use_encoding("utf-8")
        assert lsp_column(line, len("\tnéant 𝔞 ") + 1) == len("\tnéant 𝔞 ".encode())
        assert char_index(line, len("\tnéant ".encode())) == len("\tnéant ")
        use_encoding("utf-32")
        assert lsp_column(line, len("\tnéant 𝔞 ") + 1) == len("\tnéant 𝔞 ")
    finally:
        use_encoding("utf-16")


def test_kept_parses_give_the_same_findings_and_follow_changes(tmp_path: Path) -> None:
    """Reusing the parses of unchanged included files changes no finding, and a changed file is parsed again."""
    confd = tmp_path / "conf.d"
    confd.mkdir()
    (tmp_path / ".monitlint.toml").write_text('[tool.monitlint]\nentrypoints = ["monitrc"]\n')
    (tmp_path / "monitrc").write_text(f"set daemon 30\ninclude {confd}/*\ncheck file t with path /t\n  depends on s3\n")
    for index in range(12):
        (confd / f"s{index:02d}").write_text(f"check file s{index} with path /s{index}\n  depends on s{index + 1}\n")
    (confd / "s05").write_text("check process x with pidfile /x\n  if cpu > 5 then restart\n  if foo bar\n")
    (confd / "s07").write_text(f"check file n with path /n\ninclude {tmp_path}/nested\n")
    (tmp_path / "nested").write_text("  depends on s1\n")
    edited = confd / "s03"

    def findings(reuse: bool, workspace: Workspace | None = None) -> tuple[Workspace, list[dict[str, object]]]:
        workspace = workspace or Workspace()
        workspace.reuse_parses = reuse
        workspace.open(str(edited), "check file s3 with path /s3\n  depends on nowhere\n")
        found = [
            d.to_dict()
            for path in (edited, confd / "s05", confd / "s11", tmp_path / "monitrc", tmp_path / "nested")
            for d in workspace.lint(str(path)).diagnostics
        ]
        return workspace, found

    kept, first = findings(True)
    assert first == findings(False)[1]
    assert {d["code"] for d in first} >= {"MON001", "MON202"}
    assert kept.kept is not None and kept.kept.groups  # the included files' parses are kept
    assert kept.kept.first_items  # and whether each begins a statement
    assert findings(True, kept)[1] == first  # answered from the kept parses
    (tmp_path / "nested").write_text("  depends on nothing_here\n")  # a file a kept parse included
    _, again = findings(True, kept)
    assert again == findings(False)[1] != first


def test_a_rules_own_fix_is_a_quick_fix() -> None:
    """MON107's `--fix` (Monit's default timeout made explicit) is offered as an edit of the line."""
    from monitlint.grammar.parser import parse_text
    from monitlint.linter.catalog import find_rule
    from monitlint.linter.context import LintContext

    text = (
        "check process app with pidfile /run/app.pid\n"
        '  start program = "/bin/app start"\n'
        '  stop program = "/bin/app stop" with timeout 9 seconds\n'
    )
    parsed = parse_text(text, "/tmp/monitrc")
    rule = find_rule("MON107")
    assert rule is not None
    [finding] = list(rule.check(LintContext.of(parsed), rule))
    [fix] = rule_fix(FixRequest("/tmp/monitrc", text.split("\n"), finding, parsed.config, {"parse": parsed}))
    assert fix.preferred
    assert 'start program = "/bin/app start" with timeout 30 seconds\n' in apply_edits(text, fix.edits)
    assert list(rule_fix(FixRequest("/tmp/monitrc", text.split("\n"), finding, parsed.config))) == []
