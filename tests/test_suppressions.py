"""Suppression comments, through the CLI: what `# monitlint: disable=...` covers, and MON901/MON902."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli

HEADER = "set daemon 30\nset httpd unixsocket /run/monit.sock allow localhost\n"  # lines 1-2: no findings
STOP = '    stop program = "/bin/{0} stop" with timeout 5 seconds\n'


def lint(path: Path, *args: str) -> tuple[int, list[tuple[str, int]]]:
    """Lint ``path`` (isolated from any configuration); return the exit status and (code, line) pairs."""
    result = run_cli("check", "--isolated", "--no-cache", "--format", "json", *args, str(path))
    assert result.stderr == "", result.stderr
    diagnostics = json.loads(result.stdout)["diagnostics"]
    return result.exit_code, [(d["code"], d["line"]) for d in diagnostics]


def lint_text(tmp_path: Path, text: str, *args: str) -> list[tuple[str, int]]:
    """Write ``text`` to a control file and lint it; return (code, line) pairs."""
    path = tmp_path / "monitrc"
    path.write_text(text)
    return lint(path, *args)[1]


def details(tmp_path: Path, text: str) -> list[dict[str, object]]:
    """The full JSON findings for ``text``."""
    path = tmp_path / "monitrc"
    path.write_text(text)
    result = run_cli("check", "--isolated", "--no-cache", "--format", "json", str(path))
    diagnostics: list[dict[str, object]] = json.loads(result.stdout)["diagnostics"]
    return diagnostics


def test_without_directives_every_finding_is_reported(tmp_path: Path) -> None:
    text = HEADER + (
        "check process a with pidfile /run/a.pid\n"  # 3
        '    start program = "/bin/a start"\n'  # 4 MON107
        '    stop program = "/bin/a stop"\n'  # 5 MON107
        "    if memory > 200 then alert\n"  # 6 MON401
    )
    assert lint_text(tmp_path, text) == [("MON107", 4), ("MON107", 5), ("MON401", 6)]


def test_trailing_directive_covers_its_statement_only(tmp_path: Path) -> None:
    text = HEADER + (
        "check process a with pidfile /run/a.pid\n"  # 3
        '    start program = "/bin/a start"  # monitlint: disable=MON107\n'  # 4
        '    stop program = "/bin/a stop"\n'  # 5 MON107
        "    if memory > 200 then alert\n"  # 6 MON401
    )
    assert lint_text(tmp_path, text) == [("MON107", 5), ("MON401", 6)]


def test_trailing_directive_on_a_continuation_line_covers_the_whole_statement(tmp_path: Path) -> None:
    text = (
        HEADER
        + (
            "check process a with pidfile /run/a.pid\n"  # 3
            '    start program = "/bin/a start" with timeout 5 seconds\n'  # 4
            + STOP.format("a")  # 5
            + "    if memory > 200\n"  # 6 MON401 is reported here
            "       then alert  # monitlint: disable=MON401\n"  # 7
            "    if memory > 300 then alert\n"  # 8 MON401
        )
    )
    assert lint_text(tmp_path, text) == [("MON401", 8)]


def test_trailing_directive_on_a_check_line_covers_that_line_only(tmp_path: Path) -> None:
    text = HEADER + (
        "check process a with pidfile /run/a.pid  # monitlint: disable=MON101\n"  # 3 MON101 suppressed
        '    start program = "/bin/a start"\n'  # 4 MON107
    )
    assert lint_text(tmp_path, text) == [("MON107", 4)]


def test_own_line_directive_covers_the_next_statement_only(tmp_path: Path) -> None:
    text = (
        HEADER
        + (
            "check process a with pidfile /run/a.pid\n"  # 3
            '    start program = "/bin/a start" with timeout 5 seconds\n'  # 4
            + STOP.format("a")  # 5
            + "    # monitlint: disable=MON401\n"  # 6
            "\n"  # 7
            "    # an unrelated comment between the directive and its statement\n"  # 8
            "    if memory > 200 then alert\n"  # 9 suppressed
            "    if memory > 300 then alert\n"  # 10 MON401
        )
    )
    assert lint_text(tmp_path, text) == [("MON401", 10)]


def test_own_line_directive_before_a_check_line_covers_the_whole_service(tmp_path: Path) -> None:
    text = HEADER + (
        "# monitlint: disable=MON101,MON107\n"  # 3
        "check process b with pidfile /run/b.pid\n"  # 4 MON101 suppressed
        '    start program = "/bin/b start"\n'  # 5 MON107 suppressed
        "    if memory > 200 then alert\n"  # 6 MON401 (not named)
        "\n"
        "check process c with pidfile /run/c.pid\n"  # 8 MON101
        '    start program = "/bin/c start"\n'  # 9 MON107
    )
    assert lint_text(tmp_path, text) == [("MON401", 6), ("MON101", 8), ("MON107", 9)]


def test_disable_file_covers_the_whole_file(tmp_path: Path) -> None:
    text = (
        "# monitlint: disable-file=MON107\n"
        + HEADER
        + (
            "check process a with pidfile /run/a.pid\n"  # 4
            '    start program = "/bin/a start"\n'  # 5 suppressed
            '    stop program = "/bin/a stop"\n'  # 6 suppressed
            "    if memory > 200 then alert\n"  # 7 MON401
            "check process b with pidfile /run/b.pid\n"  # 8
            '    start program = "/bin/b start"\n' + STOP.format("b")  # 9 suppressed
        )
    )
    assert lint_text(tmp_path, text) == [("MON401", 7)]


def test_codes_by_name_and_case_insensitive(tmp_path: Path) -> None:
    text = HEADER + (
        "# monitlint: disable=missing-stop-program\n"  # 3
        "check process a with pidfile /run/a.pid\n"  # 4 MON101 suppressed
        '    start program = "/bin/a start" with timeout 5 seconds\n'  # 5
        "    if memory > 200 then alert  # MONITLINT: Disable = mon401\n"  # 6 suppressed
        "    if memory > 300 then alert  # monitlint: disable=unitless-threshold\n"  # 7 suppressed
    )
    assert lint_text(tmp_path, text) == []


def test_several_codes_in_one_directive(tmp_path: Path) -> None:
    text = (
        HEADER
        + (
            "check process a with pidfile /run/a.pid\n"  # 3
            '    start program = "/bin/a start" with timeout 5 seconds\n'  # 4
            + STOP.format("a")  # 5
            + "    if memory > 200 then alert\n"  # 6 MON401
            "    if memory > 200, cpu > 50% then alert  # monitlint: disable=MON401, MON403\n"  # 7
        )
    )
    without = text.replace("  # monitlint: disable=MON401, MON403", "")
    assert sorted(lint_text(tmp_path, without)) == [("MON401", 6), ("MON401", 7), ("MON403", 7)]
    assert lint_text(tmp_path, text) == [("MON401", 6)]
    assert lint_text(tmp_path, text.replace("MON401, MON403", "MON401 MON403")) == [("MON401", 6)]


def test_unused_suppression_is_mon901(tmp_path: Path) -> None:
    text = HEADER + (
        "check process a with pidfile /run/a.pid\n"  # 3
        '    start program = "/bin/a start" with timeout 5 seconds\n'  # 4
        '    stop program = "/bin/a stop" with timeout 5 seconds  # monitlint: disable=MON101\n'  # 5
        "    # monitlint: disable=MON401\n"  # 6
        "    if memory > 200 MB then alert\n"  # 7
    )
    found = details(tmp_path, text)
    assert [(d["code"], d["line"]) for d in found] == [("MON901", 5), ("MON901", 6)]
    assert all(d["rule"] == "unused-suppression" and d["severity"] == "warning" for d in found)
    assert "MON101" in str(found[0]["message"]) and "MON401" in str(found[1]["message"])
    line = text.splitlines()[4]
    assert (found[0]["column"], found[0]["end_column"]) == (line.index("#") + 1, len(line) + 1)  # the comment


def test_unused_suppression_reports_only_the_idle_codes(tmp_path: Path) -> None:
    text = HEADER + (
        "check process a with pidfile /run/a.pid\n"  # 3
        '    start program = "/bin/a start" with timeout 5 seconds\n'  # 4
        + STOP.format("a")  # 5
        + "    if memory > 200 then alert  # monitlint: disable=MON401,MON402\n"  # 6
    )
    found = details(tmp_path, text)
    assert [(d["code"], d["line"]) for d in found] == [("MON901", 6)]
    assert "MON402" in str(found[0]["message"]) and "MON401" not in str(found[0]["message"])


def test_suppression_of_a_rule_that_is_not_selected_is_not_unused(tmp_path: Path) -> None:
    text = HEADER + (
        "check process a with pidfile /run/a.pid\n"
        '    start program = "/bin/a start" with timeout 5 seconds\n'
        + STOP.format("a")
        + "    if memory > 200 MB then alert  # monitlint: disable=MON401\n"
    )
    assert lint_text(tmp_path, text) == [("MON901", 6)]
    assert lint_text(tmp_path, text, "--select", "MON1,MON9") == []
    assert lint_text(tmp_path, text, "--ignore", "MON901") == []


def test_bad_suppressions_are_mon902(tmp_path: Path) -> None:
    text = (
        HEADER
        + (
            "check process a with pidfile /run/a.pid\n"  # 3
            '    start program = "/bin/a start" with timeout 5 seconds\n'  # 4
            + STOP.format("a")  # 5
            + "    if memory > 200 MB then alert  # monitlint: disable=MON1O1\n"  # 6 unknown code
            "    if memory > 300 MB then alert  # monitlint: disable MON401\n"  # 7 malformed
            "    # monitlint: enable=MON401\n"  # 8 malformed
            "    # monitlint: disable=\n"  # 9 no rule
            "    # monitlint: disable=MON401,no-such-rule\n"  # 10 unknown name; MON401 still applies
            "    if memory > 400 then alert\n"  # 11 suppressed
        )
    )
    found = details(tmp_path, text)
    assert [(d["code"], d["line"]) for d in found] == [
        ("MON902", 6),
        ("MON902", 7),
        ("MON902", 8),
        ("MON902", 9),
        ("MON902", 10),
    ]
    messages = [str(d["message"]) for d in found]
    assert "unknown rule 'MON1O1'" in messages[0]
    assert messages[1].startswith("malformed suppression") and messages[2].startswith("malformed suppression")
    assert "names no rule" in messages[3]
    assert "unknown rule 'no-such-rule'" in messages[4]
    assert all(d["rule"] == "bad-suppression" for d in found)


def test_a_directive_inside_a_string_is_not_a_directive(tmp_path: Path) -> None:
    text = HEADER + (
        "check process a with pidfile /run/a.pid\n"  # 3
        '    start program = "/bin/echo # monitlint: disable=MON107"\n' + STOP.format("a")  # 4 MON107
    )
    assert lint_text(tmp_path, text) == [("MON107", 4)]


def test_suppression_in_an_included_file(tmp_path: Path) -> None:
    conf_d = tmp_path / "conf.d"
    conf_d.mkdir()
    (conf_d / "app.conf").write_text(
        "# monitlint: disable=MON101\n"  # 1
        "check process inc with pidfile /run/inc.pid\n"  # 2 MON101 suppressed
        '    start program = "/bin/inc start" with timeout 5 seconds\n'  # 3
        "    if memory > 500 then alert  # monitlint: disable=MON401\n"  # 4 suppressed
        "    if memory > 600 then alert\n"  # 5 MON401
        "    if memory > 700 MB then alert  # monitlint: disable=MON401\n"  # 6 MON901
    )
    main = tmp_path / "monitrc"
    main.write_text(
        "# monitlint: disable-file=MON401\n"  # covers this file only, not the included one
        + HEADER
        + f"include {conf_d}/*.conf\n"
        + "check process a with pidfile /run/a.pid\n"
        '    start program = "/bin/a start" with timeout 5 seconds\n'
        + STOP.format("a")
        + "    if memory > 200 then alert\n"  # suppressed by disable-file
    )
    result = run_cli("check", "--isolated", "--no-cache", "--format", "json", str(main))
    found = [(Path(d["path"]).name, d["code"], d["line"]) for d in json.loads(result.stdout)["diagnostics"]]
    assert found == [("app.conf", "MON401", 5), ("app.conf", "MON901", 6)]
    assert result.exit_code == 1


def test_directive_above_or_on_an_include_line_covers_that_include(tmp_path: Path) -> None:
    text = HEADER + (
        "# monitlint: disable=MON002\n"  # 3
        f"include {tmp_path}/missing-a/*.conf\n"  # 4 suppressed
        f"include {tmp_path}/missing-b/*.conf  # monitlint: disable=include-not-found\n"  # 5 suppressed
        f"include {tmp_path}/missing-c/*.conf\n"  # 6 MON002
        "check process a with pidfile /run/a.pid\n"  # 7
        '    start program = "/bin/a start"\n'  # 8 MON107
        + STOP.format("a")  # 9
        + f"    include {tmp_path}/missing-d/x  # monitlint: disable=MON002\n"  # 10 the include only
    )
    assert lint_text(tmp_path, text) == [("MON002", 6), ("MON107", 8)]


def test_suppressed_findings_do_not_fail_the_run(tmp_path: Path) -> None:
    path = tmp_path / "monitrc"
    path.write_text(
        HEADER + "# monitlint: disable=MON101\n"
        "check process a with pidfile /run/a.pid\n"
        '    start program = "/bin/a start" with timeout 5 seconds\n'
    )
    assert lint(path) == (0, [])


def test_an_upper_case_directive_alone_covers_its_block(tmp_path: Path) -> None:
    # The statement bounds a directive needs are recorded for a file holding a directive in any
    # case (they were recorded only where the lower-case word appeared somewhere in the file).
    text = HEADER + (
        "# MONITLINT: disable=unitless-threshold\n"  # 3
        "check process a with pidfile /run/a.pid\n"  # 4
        '    start program = "/bin/a start" with timeout 5 seconds\n'
        + STOP.format("a")  # 5, 6
        + "    if memory > 200 then alert\n"  # 7 suppressed: the directive covers the block
    )
    assert lint_text(tmp_path, text) == []


def test_the_word_monitlint_alone_is_no_directive() -> None:
    from monitlint.files.source import SourceFile

    assert not SourceFile("monitrc", "set log /srv/monitlint-ci/monit.log\n").may_have_directives
    assert SourceFile("monitrc", "#  MonitLint : disable=MON101\n").may_have_directives
