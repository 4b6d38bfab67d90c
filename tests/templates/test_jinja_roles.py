"""Jinja2 templates of a role: rendered by ansible-core in process, findings at the template lines.

Small roles written here (fast tier); the real roles of ../shared are in test_ansible_corpus.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from monitlint.templates.jinja_render import ansible_available, render_plain
from monitlint.templates.render_result import Rendered, RenderFailure
from tests.conftest import RUN_TOKEN, run_cli
from tests.templates.conftest import check

pytestmark = pytest.mark.skipif(not ansible_available(), reason="ansible-core is not installed (monitlint[ansible])")

MAIN = """\
# {{ ansible_managed }}
set daemon {{ monit_interval }}
set logfile syslog
set httpd unixsocket /run/monit/monit.sock allow localhost
include /etc/monit/conf.d/*
"""
SERVICE = """\
check process {{ item.name }} with pidfile /run/{{ item.name }}.pid
  start program = "/usr/sbin/service {{ item.name }} start" with timeout 30 seconds
  stop program = "/usr/sbin/service {{ item.name }} stop" with timeout 30 seconds
{% for rule in item.rules | default([]) %}
  {{ rule }}
{% endfor %}
{% if item.depends is defined %}
  depends on {{ item.depends }}
{% endif %}
"""
TASKS = """\
- name: main control file
  template:
    src: monitrc.j2
    dest: /etc/monit/monitrc
    mode: "0600"
- name: services
  ansible.builtin.template:
    src: service.j2
    dest: "/etc/monit/conf.d/{{ item.name }}"
  loop: "{{ monit_services }}"
- name: a unit file, not Monit's
  template: src=unit.j2 dest=/etc/systemd/system/monit.service
"""
DEFAULTS = """\
monit_interval: 60
monit_services:
  - name: sshd
    rules:
      - if failed port 22 protocol ssh then restart
  - name: cron
    depends: sshd
"""


def make_role(root: Path, *, main: str = MAIN, service: str = SERVICE, defaults: str = DEFAULTS) -> Path:
    """A role with a main template, a looped service template, and a template that is not Monit's."""
    role = root / "roles" / "monit"
    (role / "tasks").mkdir(parents=True)
    (role / "templates").mkdir()
    (role / "defaults").mkdir()
    (role / "tasks" / "main.yml").write_text(TASKS)
    (role / "templates" / "monitrc.j2").write_text(main)
    (role / "templates" / "service.j2").write_text(service)
    (role / "templates" / "unit.j2").write_text("[Service]\nExecStart=/usr/bin/monit -I\n")
    (role / "defaults" / "main.yml").write_text(defaults)
    return role


def codes_at(report: object, code: str) -> list[tuple[str, int, str]]:
    findings = report.findings  # type: ignore[attr-defined]
    return [(Path(d.span.path).name, d.span.line, d.message) for d in findings if d.code == code]


def test_a_clean_role_renders_every_monit_file_and_is_quiet(tmp_path: Path) -> None:
    report = check(make_role(tmp_path))
    assert sorted(f.dest for f in report.rendered) == [
        "/etc/monit/conf.d/cron",
        "/etc/monit/conf.d/sshd",
        "/etc/monit/monitrc",
    ]
    assert [d for d in report.findings if d.severity >= 2] == []
    assert any("unit.j2 is written to /etc/systemd/system/monit.service, not a Monit file" in n for n in report.notes)


def test_a_mistake_in_a_loop_body_points_at_the_body_line_and_names_the_item(tmp_path: Path) -> None:
    bad = SERVICE.replace("  {{ rule }}\n", "  {{ rule }}\n  if cpu usage > then alert\n")
    report = check(make_role(tmp_path, service=bad))
    found = codes_at(report, "MON001")
    assert found, report.findings
    assert {(name, line) for name, line, _ in found} == {("service.j2", 6)}
    assert any("item name=sshd" in message and "rule=" in message for _, _, message in found)


def test_a_mistake_in_the_main_template_is_found_at_its_line(tmp_path: Path) -> None:
    report = check(make_role(tmp_path, main=MAIN.replace("set logfile syslog", "set logfile syslog\nset alert root")))
    assert [(n, line) for n, line, _ in codes_at(report, "MON001")] == [("monitrc.j2", 4)]


def test_depends_on_resolves_across_the_files_the_role_installs(tmp_path: Path) -> None:
    report = check(make_role(tmp_path))
    assert codes_at(report, "MON202") == []
    lonely = DEFAULTS.replace("depends: sshd", "depends: nginx")
    report = check(make_role(tmp_path / "b", defaults=lonely))
    assert [(n, line) for n, line, _ in codes_at(report, "MON202")] == [("service.j2", 8)]


def test_an_undefined_variable_is_a_finding_naming_where_to_define_it(tmp_path: Path) -> None:
    report = check(make_role(tmp_path, main=MAIN.replace("monit_interval", "monit_poll")))
    (diag,) = [d for d in report.findings if d.code == "MON010"]
    assert (Path(diag.span.path).name, diag.span.line) == ("monitrc.j2", 2)
    assert "monit_poll" in diag.message
    assert diag.hint is not None and "defaults/main.yml" in diag.hint and "--template-vars" in diag.hint


def test_a_template_syntax_error_is_a_finding_at_its_line(tmp_path: Path) -> None:
    report = check(make_role(tmp_path, main=MAIN.replace("set logfile syslog", "{% if x %}\nset logfile syslog")))
    (diag,) = [d for d in report.findings if d.code == "MON010"]
    assert Path(diag.span.path).name == "monitrc.j2" and diag.span.line >= 3


def test_template_vars_override_the_role_defaults(tmp_path: Path) -> None:
    values = tmp_path / "values.yml"
    values.write_text("monit_interval: 0\n")
    report = check(make_role(tmp_path), [str(values)])
    assert [(n, line) for n, line, _ in codes_at(report, "MON006")] == [("monitrc.j2", 2)]


@pytest.mark.parametrize(
    "expression",
    [
        "lookup('pipe', 'touch {marker}')",
        "lookup('env', 'HOME')",
        "lookup('file', '/etc/hostname')",
        "lookup('file', '../../../../etc/hostname')",
        "lookup('url', 'http://127.0.0.1:9/')",
        "query('ansible.builtin.pipe', 'touch {marker}')",
    ],
)
def test_lookups_that_reach_outside_the_role_are_refused(tmp_path: Path, expression: str) -> None:
    marker = tmp_path / f"ran-{RUN_TOKEN}"
    main = MAIN.replace("set logfile syslog", "# {{ " + expression.format(marker=marker) + " }}")
    report = check(make_role(tmp_path, main=main))
    (diag,) = [d for d in report.findings if d.code == "MON010"]
    assert "not run by monitlint" in diag.message or "only files inside the role" in diag.message
    assert not marker.exists()


def test_the_sandbox_refuses_python_internals(tmp_path: Path) -> None:
    main = MAIN.replace("set logfile syslog", "# {{ ''.__class__.__mro__[1].__subclasses__() }}")
    report = check(make_role(tmp_path, main=main))
    assert [d.code for d in report.findings if d.code == "MON010"] == ["MON010"]


def test_plain_jinja_renders_with_origins(tmp_path: Path) -> None:
    template = tmp_path / "t.j2"
    template.write_text("{% for n in names %}\ncheck process {{ n }} with pidfile /run/{{ n }}.pid\n{% endfor %}\n")
    result = render_plain(str(template), "t.j2", {"names": ["a", "b"]}, [str(tmp_path)], "x")
    assert isinstance(result, Rendered)
    assert result.text.splitlines() == [
        "check process a with pidfile /run/a.pid",
        "check process b with pidfile /run/b.pid",
    ]
    assert [(o.line, o.loop) for o in result.origins if o] == [(2, (("n", "a"),)), (2, (("n", "b"),))]
    failure = render_plain(str(template), "t.j2", {}, [str(tmp_path)], "in a values file")
    assert isinstance(failure, RenderFailure) and "names" in failure.message


def test_check_on_a_role_through_the_cli(tmp_path: Path) -> None:
    role = make_role(tmp_path, main=MAIN.replace("set logfile syslog", "set alert root"))
    result = run_cli("check", "--isolated", "--format", "json", str(role))
    assert result.exit_code == 1, result.stderr
    document = json.loads(result.stdout)
    assert [(Path(d["path"]).name, d["line"], d["code"]) for d in document["diagnostics"] if d["code"] == "MON001"] == [
        ("monitrc.j2", 3, "MON001")
    ]
    verbose = run_cli("check", "--isolated", "-v", str(role))
    assert (
        "rendered /etc/monit/monitrc:3 (from " in verbose.stderr and "monitrc.j2:3): set alert root" in verbose.stderr
    )
    clean = run_cli("check", "--isolated", str(make_role(tmp_path / "ok")))
    assert clean.exit_code == 0, clean.stdout + clean.stderr


def test_configuration_keys_give_the_values(tmp_path: Path) -> None:
    role = make_role(tmp_path)
    (tmp_path / "values.yml").write_text("monit_interval: 0\n")
    (tmp_path / ".monitlint.toml").write_text('template-vars = ["values.yml"]\n')
    result = run_cli("check", "--format", "json", str(role), cwd=tmp_path)
    found = [(Path(d["path"]).name, d["line"], d["code"]) for d in json.loads(result.stdout)["diagnostics"]]
    assert ("monitrc.j2", 2, "MON006") in found
    (tmp_path / ".monitlint.toml").write_text('template-vars = ["/etc/hostname"]\n')
    refused = run_cli("check", str(role), cwd=tmp_path)
    assert refused.exit_code == 2 and "leads outside the project" in refused.stderr


@pytest.mark.slow
def test_a_template_writing_without_end_is_stopped_as_a_finding(tmp_path: Path) -> None:
    main = MAIN.replace("set logfile syslog", "{% for i in range(10**12) %}# {{ i }} padding padding\n{% endfor %}")
    report = check(make_role(tmp_path, main=main))
    (diag,) = [d for d in report.findings if d.code == "MON010"]
    assert "renders more than" in diag.message and Path(diag.span.path).name == "monitrc.j2"


def test_a_template_looping_without_output_is_stopped_by_its_cpu_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("monitlint.templates.budget.RENDER_CPU_SECONDS", 0.5)
    main = MAIN.replace("set logfile syslog", "{% for i in range(10**12) %}{% endfor %}")
    report = check(make_role(tmp_path, main=main))
    (diag,) = [d for d in report.findings if d.code == "MON010"]
    assert "s of CPU time" in diag.message and Path(diag.span.path).name == "monitrc.j2"


def test_a_loose_template_reading_as_monit_renders_with_the_values_and_others_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "app.j2").write_text(
        "check process {{ name }} with pidfile /run/{{ name }}.pid\n  if cpu > then alert\n"
    )
    (tmp_path / "nginx.conf.j2").write_text("server {\n  listen {{ port }};\n}\n")
    (tmp_path / "values.yml").write_text("name: web\n")
    result = run_cli(
        "check", "--isolated", "-v", "--format", "json", "--template-vars", str(tmp_path / "values.yml"),
        str(tmp_path / "app.j2"), str(tmp_path / "nginx.conf.j2"),
    )  # fmt: skip
    found = [(Path(d["path"]).name, d["line"], d["code"]) for d in json.loads(result.stdout)["diagnostics"]]
    assert found == [("app.j2", 2, "MON001")]
    assert "nginx.conf.j2: skipped: a template outside any role that does not read as a Monit file" in result.stderr
    assert "app.j2: not part of a role" in result.stderr


def test_a_missing_values_file_is_a_one_line_error(tmp_path: Path) -> None:
    result = run_cli("check", "--isolated", "--template-vars", str(tmp_path / "nope.yml"), str(make_role(tmp_path)))
    assert result.exit_code == 2
    assert f"monitlint: error: {tmp_path / 'nope.yml'}: no such file" in result.stderr
    assert "Traceback" not in result.stderr


def test_facts_from_a_file_are_what_the_templates_see(tmp_path: Path) -> None:
    facts = tmp_path / "facts.json"
    facts.write_text('{"ansible_facts": {"hostname": "web1", "os_family": "RedHat"}}')
    main = MAIN.replace("# {{ ansible_managed }}", "# {{ ansible_hostname }} {{ ansible_facts.os_family }}")
    from monitlint.templates.run import TemplateOptions

    report = check(make_role(tmp_path, main=main), options=TemplateOptions(facts=str(facts)))
    (monitrc,) = [f for f in report.rendered if f.dest == "/etc/monit/monitrc"]
    assert monitrc.text.splitlines()[0] == "# web1 RedHat"


def test_per_file_ignores_apply_to_the_template_paths(tmp_path: Path) -> None:
    role = make_role(tmp_path, main=MAIN.replace("monit_interval", "monit_poll"))
    (tmp_path / ".monitlint.toml").write_text('per-file-ignores = { "**/monitrc.j2" = ["MON010"] }\n')
    result = run_cli("check", "--format", "json", str(role), cwd=tmp_path)
    assert [d["code"] for d in json.loads(result.stdout)["diagnostics"]] == []


def test_the_template_task_options_are_honoured(tmp_path: Path) -> None:
    role = make_role(tmp_path)
    tasks = role / "tasks" / "main.yml"
    tasks.write_text(tasks.read_text().replace('    mode: "0600"\n', '    mode: "0600"\n    lstrip_blocks: true\n'))
    main = MAIN.replace("set logfile syslog", "    {% if true %}\nset logfile syslog\n    {% endif %}")
    report = check(make_role(tmp_path / "plain", main=main))
    (plain,) = [f for f in report.rendered if f.dest == "/etc/monit/monitrc"]
    assert "    " in plain.text  # without lstrip_blocks the blanks before a tag stay
    (role / "templates" / "monitrc.j2").write_text(main)
    (stripped,) = [f for f in check(role).rendered if f.dest == "/etc/monit/monitrc"]
    assert "\nset logfile syslog\n" in stripped.text and "    " not in stripped.text


def test_the_repository_group_vars_all_come_between_defaults_and_template_vars(tmp_path: Path) -> None:
    role = make_role(tmp_path)
    (tmp_path / "group_vars").mkdir()
    (tmp_path / "group_vars" / "all.yml").write_text("monit_interval: 0\n")
    assert [(n, line) for n, line, _ in codes_at(check(role), "MON006")] == [("monitrc.j2", 2)]
    values = tmp_path / "values.yml"
    values.write_text("monit_interval: 30\n")
    assert codes_at(check(role, [str(values)]), "MON006") == []


def test_a_line_written_by_an_included_template_points_into_that_template(tmp_path: Path) -> None:
    main = MAIN.replace("set logfile syslog", "set logfile syslog\n{% include 'alerts.j2' %}")
    role = make_role(tmp_path, main=main)
    (role / "templates" / "alerts.j2").write_text(
        "# alerts\n{% for a in ['root'] %}\nset alert {{ a }}\n{% endfor %}\n"
    )
    report = check(role)
    found = [(Path(d.span.path).name, d.span.line, d.message) for d in report.findings if d.code == "MON001"]
    assert [(name, line) for name, line, _ in found] == [("alerts.j2", 3)]
    assert "a=root" in found[0][2]
