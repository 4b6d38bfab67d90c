"""A repository's inventory: group_vars and host_vars layered as Ansible layers them, and host facts.

Small repositories written here (a role, an inventory with a group hierarchy, vars files and
folders that disagree), rendered in process or through the CLI; which value wins is read in the
rendered text and in the findings of the lint.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from monitlint.templates.jinja_render import ansible_available
from monitlint.templates.run import TemplateOptions, TemplateReport
from tests.conftest import run_cli
from tests.templates.conftest import check

pytestmark = pytest.mark.skipif(not ansible_available(), reason="ansible-core is not installed (monitlint[ansible])")

# One line per variable, so the rendered text says which layer each value came from.
KEYS = "abcdefghijklm"
MAIN = (
    "set daemon 60\n"
    "set alert {{ alert_to }}\n"
    "set httpd unixsocket /run/monit.sock allow localhost\n"
    "check system {{ inventory_hostname }}\n"
    + "".join(f"# {k}={{{{ {k} | default('unset') }}}}\n" for k in KEYS)
    + "# groups={{ group_names | join(',') }}\n"
    "# host={{ ansible_hostname }}\n"
)
TASKS = """\
- name: main control file
  template:
    src: monitrc.j2
    dest: /etc/monit/monitrc
  vars:
    l: task
    m: task
"""
INI = """\
[web]
web01 i=ini_host
web02

[eu_web]
web01

[web:children]
eu_web

[prod:children]
web

[prod:vars]
h=ini_prod

[alpha]
web01

[beta]
web01

[db]
db01
"""


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def make_repository(root: Path, inventory: str = "inventory", *, main: str = MAIN, tasks: str = TASKS) -> Path:
    """A repository: roles/monit, and an inventory (prod > web > eu_web; alpha, beta) whose layers disagree."""
    role = root / "roles" / "monit"
    _write(role / "tasks" / "main.yml", tasks)
    _write(role / "templates" / "monitrc.j2", main)
    _write(role / "defaults" / "main.yml", "alert_to: ops@example.org\na: defaults\nc: defaults\n")
    _write(role / "vars" / "main.yml", "f: role_vars\ng: role_vars\nm: role_vars\n")
    inv = root / inventory
    _write(inv / "hosts.ini", INI)
    _write(inv / "group_vars" / "all.yml", "a: all\nb: all\nh: all\n")
    _write(inv / "group_vars" / "prod.yml", "b: prod\nc: prod\n")
    _write(inv / "group_vars" / "web" / "10-first.yml", "c: web\nd: web\nj: first\n")
    _write(inv / "group_vars" / "web" / "20-second.yml", "j: second\n")
    _write(inv / "group_vars" / "eu_web", "d: eu_web\ne: eu_web\ni: eu_web\n")
    _write(inv / "group_vars" / "alpha.yml", "k: alpha\n")
    _write(inv / "group_vars" / "beta.yml", "k: beta\n")
    _write(inv / "host_vars" / "web01.yml", "e: host\nf: host\nalert_to: root\n")
    return role


def rendered(report: TemplateReport) -> dict[str, str]:
    """The ``# key=value`` lines of the rendered monitrc."""
    (monitrc,) = [f for f in report.rendered if f.dest == "/etc/monit/monitrc"]
    pairs = [line[2:].split("=", 1) for line in monitrc.text.splitlines() if line.startswith("# ") and "=" in line]
    return {k: v for k, v in pairs}


def codes(report: TemplateReport, code: str) -> list[tuple[str, int]]:
    return [(Path(d.span.path).name, d.span.line) for d in report.findings if d.code == code]


def test_each_layer_wins_where_ansible_says(tmp_path: Path) -> None:
    role = make_repository(tmp_path)
    extra = _write(tmp_path / "extra.yml", "g: extra\nl: extra\n")
    report = check(role, options=TemplateOptions(template_vars=[str(extra)], template_host="web01"))
    assert rendered(report) == {
        "a": "all",  # group_vars/all over role defaults
        "b": "prod",  # a group over all
        "c": "web",  # a child group over its parent
        "d": "eu_web",  # deeper still
        "e": "host",  # host_vars over every group
        "f": "role_vars",  # role vars over host_vars
        "g": "extra",  # extra vars over role vars
        "h": "all",  # group_vars/all over the inventory file's [prod:vars]
        "i": "ini_host",  # the inventory file's host vars over group_vars
        "j": "second",  # a group_vars folder: its files in name order
        "k": "beta",  # groups of one depth: by name
        "l": "extra",  # extra vars over the task's vars
        "m": "task",  # the task's vars over role vars
        "groups": "alpha,beta,eu_web,prod,web",
        "host": "web01",  # placeholder facts are named after the host
    }
    # host_vars/web01 sets `alert_to: root`, which Monit refuses: found at the template line
    assert codes(report, "MON001") == [("monitrc.j2", 2)]


def test_another_host_gets_its_own_groups_values(tmp_path: Path) -> None:
    role = make_repository(tmp_path)
    report = check(role, options=TemplateOptions(template_host="web02"))
    values = rendered(report)
    assert [values[k] for k in "cdeik"] == ["web", "web", "unset", "unset", "unset"]
    assert codes(report, "MON001") == []  # web02 has no host_vars: the default address stands


def test_without_a_host_only_group_all_applies_and_a_note_says_so(tmp_path: Path) -> None:
    role = make_repository(tmp_path)
    report = check(role)
    values = rendered(report)
    assert (values["a"], values["b"], values["c"], values["e"]) == ("all", "all", "defaults", "unset")
    assert any("has 3 hosts: templates rendered for group `all` only" in n for n in report.notes)
    assert any("no host facts given: templates see placeholder facts" in n for n in report.notes)


def test_the_only_host_of_an_inventory_is_the_default(tmp_path: Path) -> None:
    role = make_repository(tmp_path)
    _write(tmp_path / "inventory" / "hosts.ini", "[eu_web]\nweb01\n[web:children]\neu_web\n")
    values = rendered(check(role))
    assert (values["d"], values["e"], values["groups"]) == ("eu_web", "host", "eu_web,web")


def test_an_unknown_host_is_a_finding(tmp_path: Path) -> None:
    report = check(make_repository(tmp_path), options=TemplateOptions(template_host="nope"))
    (finding,) = [d for d in report.findings if d.code == "MON010"]
    assert "--template-host nope: no such host in the inventory" in finding.message
    shutil.rmtree(tmp_path / "inventory")
    report = check(tmp_path / "roles" / "monit", options=TemplateOptions(template_host="web01"))
    (finding,) = [d for d in report.findings if d.code == "MON010"]
    assert "--template-host web01: no inventory found for" in finding.message


@pytest.mark.parametrize("layout", ["inventories/production", "hosts"])
def test_the_usual_layouts_are_found(tmp_path: Path, layout: str) -> None:
    role = make_repository(tmp_path, inventory="inventories/production")
    if layout == "hosts":  # hosts beside roles/, its group_vars beside it (the repository's)
        (tmp_path / "inventories" / "production" / "hosts.ini").rename(tmp_path / "hosts")
        (tmp_path / "inventories" / "production" / "group_vars").rename(tmp_path / "group_vars")
        (tmp_path / "inventories" / "production" / "host_vars").rename(tmp_path / "host_vars")
    assert rendered(check(role, options=TemplateOptions(template_host="web01")))["e"] == "host"


def test_several_environments_need_inventory(tmp_path: Path) -> None:
    role = make_repository(tmp_path, inventory="inventories/production")
    staging = tmp_path / "inventories" / "staging"
    _write(staging / "hosts.yml", "all:\n  hosts:\n    stage01:\n      e: staging_yaml\n")
    _write(staging / "group_vars" / "all" / "main.yml", "a: staging\n")
    report = check(role)
    assert rendered(report)["a"] == "defaults"
    assert rendered(report)["a"] == "defaults"
    values = rendered(check(role, options=TemplateOptions(inventory=[str(staging)])))
    assert (values["a"], values["e"]) == ("staging", "staging_yaml")  # the only host, from a YAML inventory


def test_a_file_no_inventory_plugin_parses(tmp_path: Path) -> None:
    role = make_repository(tmp_path)
    _write(tmp_path / "inventory" / "notes.conf", "web01 this is not = an inventory\n")
    report = check(role, options=TemplateOptions(template_host="web01"))
    assert rendered(report)["e"] == "host"  # in a folder: skipped with a note, as ansible-core skips it
    assert any("notes.conf: not a valid ini inventory" in n for n in report.notes)
    hosts_tree = _write(tmp_path / "other" / "hosts" / "web" / "monitrc", "set daemon 60\n")  # a `hosts/` folder
    make_repository(tmp_path / "other", inventory="nowhere")
    report = check(tmp_path / "other" / "roles" / "monit")
    assert hosts_tree.is_file() and [d.message for d in report.findings if d.code == "MON010"] == []
    named = check(role, options=TemplateOptions(inventory=[str(tmp_path / "inventory" / "notes.conf")]))
    assert any("notes.conf: not a valid ini inventory" in d.message for d in named.findings if d.code == "MON010")


def test_the_repository_s_ansible_cfg_names_the_inventory(tmp_path: Path) -> None:
    role = make_repository(tmp_path, inventory="inventories/production")
    _write(tmp_path / "inventories" / "staging" / "hosts.yml", "all:\n  hosts:\n    stage01: {e: staging}\n")
    _write(tmp_path / "ansible.cfg", "[defaults]\ninventory = inventories/staging/hosts.yml\nremote_user = %(x)s\n")
    assert rendered(check(role))["e"] == "staging"
    _write(tmp_path / "ansible.cfg", "[defaults]\ninventory = /etc/ansible/hosts, ../../outside\n")
    report = check(role)  # named outside the repository: not read, and the layouts are not guessed past it
    assert any("inventory '/etc/ansible/hosts' is not in the repository: not read" in n for n in report.notes)
    assert rendered(report)["a"] == "defaults"


def test_playbook_group_vars_come_after_the_inventory_s(tmp_path: Path) -> None:
    role = make_repository(tmp_path)
    _write(tmp_path / "group_vars" / "web.yml", "c: playbook_web\nd: playbook_web\n")
    assert rendered(check(role, options=TemplateOptions(template_host="web02")))["c"] == "playbook_web"
    # every group's inventory vars first, then every group's beside the playbooks, as ansible-core
    assert rendered(check(role, options=TemplateOptions(template_host="web01")))["d"] == "playbook_web"


def test_a_script_inventory_is_never_run(tmp_path: Path) -> None:
    role = make_repository(tmp_path)
    marker = tmp_path / "ran"
    script = _write(tmp_path / "inventory" / "dynamic.py", f"#!/bin/sh\ntouch {marker}\necho '{{}}'\n")
    script.chmod(0o755)
    _write(tmp_path / "inventory" / "aws_ec2.yml", "plugin: amazon.aws.aws_ec2\nregions: [eu-west-1]\n")
    report = check(role, options=TemplateOptions(template_host="web01"))
    assert not marker.exists()
    messages = [d.message for d in report.findings if d.code == "MON010"]
    assert any("dynamic.py: not read: an executable file is a script inventory" in m for m in messages)
    assert any("aws_ec2.yml: not read: it configures the inventory plugin 'amazon.aws.aws_ec2'" in m for m in messages)
    assert rendered(report)["e"] == "host"  # the rest of the inventory is read


def test_files_leading_outside_the_tree_and_huge_files_are_refused(tmp_path: Path) -> None:
    repository = tmp_path / "repo"
    role = make_repository(repository)
    secret = _write(tmp_path / "outside" / "secret.yml", "a: SECRET\nb: SECRET\n")
    group_vars = repository / "inventory" / "group_vars"
    (group_vars / "all.yml").unlink()
    (group_vars / "all.yml").symlink_to(secret)
    (group_vars / "prod.yml").unlink()
    (group_vars / "prod").symlink_to(secret.parent, target_is_directory=True)
    _write(group_vars / "beta.yml", "k: " + "x" * (5 * 1024 * 1024) + "\n")
    report = check(role, options=TemplateOptions(template_host="web01"))
    values = rendered(report)
    assert "SECRET" not in json.dumps(values)
    assert (values["a"], values["b"], values["k"]) == ("defaults", "unset", "alpha")
    messages = [d.message for d in report.findings if d.code == "MON010"]
    assert sum("not read: it leads outside" in m for m in messages) == 2
    assert any("beta.yml: not read: larger than" in m for m in messages)
    assert all("\n" not in m for m in messages)


def test_two_roles_of_a_repository_read_its_inventory_once(tmp_path: Path) -> None:
    role = make_repository(tmp_path)
    shutil.copytree(role, tmp_path / "roles" / "monit2")
    (tmp_path / "inventory" / "group_vars" / "prod.yml").unlink()
    (tmp_path / "inventory" / "group_vars" / "prod.yml").symlink_to("/etc/hostname")
    report = check(tmp_path / "roles", options=TemplateOptions(template_host="web01"))
    refused = [d for d in report.findings if d.code == "MON010"]
    assert len(refused) == 1 and "prod.yml: not read: it leads outside" in refused[0].message
    assert [rendered_text.text.count("# e=host") for rendered_text in report.rendered] == [1, 1]


def test_an_inventory_symlinked_out_of_the_repository_is_refused(tmp_path: Path) -> None:
    repository = tmp_path / "repo"
    role = make_repository(tmp_path / "elsewhere")
    (repository / "roles").mkdir(parents=True)
    (repository / "roles" / "monit").symlink_to(role, target_is_directory=True)
    (repository / "inventory").symlink_to(tmp_path / "elsewhere" / "inventory", target_is_directory=True)
    report = check(repository / "roles" / "monit", options=TemplateOptions(template_host="web01"))
    messages = [d.message for d in report.findings if d.code == "MON010"]
    assert any("inventory: not read: it leads outside" in m for m in messages)


def test_facts_are_gathered_by_ansible_only_when_asked(tmp_path: Path) -> None:
    role = make_repository(tmp_path)
    report = check(role, options=TemplateOptions(template_host="web02", gather_facts=True))
    assert rendered(report)["host"] == platform.node().split(".")[0]
    assert any("gathered on this machine by ansible-core's fact collectors" in n for n in report.notes)
    assert rendered(check(role, options=TemplateOptions(template_host="web02")))["host"] == "web02"


def test_the_command_line_and_the_configuration(tmp_path: Path) -> None:
    role = make_repository(tmp_path, inventory="site")
    result = run_cli(
        "check", "--isolated", "-v", "--format", "json", "--inventory", str(tmp_path / "site" / "hosts.ini"),
        "--template-host", "web01", str(role),
    )  # fmt: skip
    found = [(Path(d["path"]).name, d["line"], d["code"]) for d in json.loads(result.stdout)["diagnostics"]]
    assert found == [("monitrc.j2", 2, "MON001")], result.stderr
    assert "templates rendered for host web01 of the inventory" in result.stderr
    assert "rendered /etc/monit/monitrc:5 (from " in result.stderr and "# a=all" in result.stderr
    _write(tmp_path / ".monitlint.toml", 'inventory = ["site"]\ntemplate-host = "web01"\n')
    configured = run_cli("check", "--format", "json", str(role), cwd=tmp_path)
    assert [d["code"] for d in json.loads(configured.stdout)["diagnostics"]] == ["MON001"], configured.stderr
    _write(tmp_path / ".monitlint.toml", 'inventory = ["/etc"]\n')
    refused = run_cli("check", str(role), cwd=tmp_path)
    assert refused.exit_code == 2 and "leads outside the project" in refused.stderr
    missing = run_cli("check", "--isolated", "--inventory", str(tmp_path / "nope"), str(role))
    assert missing.exit_code == 2 and "nope: no such file or folder" in missing.stderr
    gathered = run_cli("check", "--isolated", "-v", str(role), env={"MONITLINT_GATHER_FACTS": "1"})
    assert "gathered on this machine" in gathered.stderr and "Traceback" not in gathered.stderr
    assert os.path.isdir(tmp_path / "site")


@pytest.mark.slow
@pytest.mark.parametrize("host", ["web01", "web02", "db01"])
def test_the_values_are_those_ansible_playbook_renders(tmp_path: Path, host: str) -> None:
    """The same repository applied by real `ansible-playbook` to a local folder: the same text, line for line."""
    playbook_tool = shutil.which("ansible-playbook", path=os.path.dirname(sys.executable))
    if playbook_tool is None:
        pytest.skip("ansible-playbook is not installed beside this Python")
    main = MAIN.replace("# host={{ ansible_hostname }}\n", "")  # no facts gathered in the play
    tasks = TASKS.replace("dest: /etc/monit/monitrc", "dest: \"{{ monit_root | default('') }}/etc/monit/monitrc\"")
    role = make_repository(tmp_path, main=main, tasks=tasks)
    extra = _write(tmp_path / "extra.yml", "g: extra\nl: extra\n")
    _write(tmp_path / "site.yml", "- hosts: all\n  gather_facts: false\n  roles: [monit]\n")
    # beside the playbook: its group_vars come after all the inventory's (web's over eu_web's too)
    _write(tmp_path / "group_vars" / "web.yml", "c: playbook_web\nd: playbook_web\n")
    _write(tmp_path / "group_vars" / "all" / "main.yml", "a: playbook_all\nb: playbook_all\n")
    _write(tmp_path / "host_vars" / "web02.yml", "i: playbook_host\n")
    out = tmp_path / "out"
    (out / "etc" / "monit").mkdir(parents=True)
    home = tmp_path / "ansible-home"
    env = {
        **os.environ,
        "LC_ALL": "C.UTF-8",
        "ANSIBLE_CONFIG": str(tmp_path / "none.cfg"),
        "ANSIBLE_HOME": str(home),
        "ANSIBLE_LOCAL_TEMP": str(home / "tmp"),
        "ANSIBLE_REMOTE_TEMP": str(home / "remote-tmp"),
        "ANSIBLE_NOCOLOR": "1",
    }
    run = subprocess.run(
        [playbook_tool, "-i", str(tmp_path / "inventory"), "-l", host, "-c", "local", "-e", f"@{extra}",
         "-e", f"monit_root={out}", "-e", f"ansible_python_interpreter={sys.executable}", str(tmp_path / "site.yml")],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    report = check(role, options=TemplateOptions(template_vars=[str(extra)], template_host=host))
    (ours,) = [f.text for f in report.rendered if f.dest == "/etc/monit/monitrc"]
    assert ours == (out / "etc" / "monit" / "monitrc").read_text()


def test_gathering_runs_no_program_of_ansible_s(monkeypatch: pytest.MonkeyPatch) -> None:
    from monitlint.templates.facts import FactsSource, host_facts

    started: list[object] = []

    def refuse(*args: object, **_kwargs: object) -> None:
        started.append(args)
        raise OSError("no program may run while facts are gathered")

    monkeypatch.setattr(subprocess, "Popen", refuse)
    facts, source = host_facts(None, True, None)
    # only `file` on the interpreter, which Python's own platform.architecture() runs
    assert source is FactsSource.GATHERED and all(list(a[0])[:2] == ["file", "-b"] for a in started), started
    assert facts["ansible_hostname"] == platform.node().split(".")[0] and facts["ansible_processor_vcpus"] >= 1
    assert "ansible_env" not in facts and "ansible_local" not in facts


def test_without_ansible_core_only_group_vars_all_and_a_few_local_facts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ansible-core made unimportable (a fast unit test of the fallback paths)."""
    from monitlint.templates.facts import FactsSource, host_facts
    from monitlint.templates.inventory import inventory_values

    role = make_repository(tmp_path)
    for name in ("ansible.inventory.data", "ansible.module_utils.facts"):
        monkeypatch.setitem(sys.modules, name, None)
    found = inventory_values(str(role), [], "web01", str)
    assert [layer for _name, layer in found.layers] == [{"a": "all", "b": "all", "h": "all"}]
    assert any("ansible-core is not installed: the inventory's hosts and groups are not read" in n for n in found.notes)
    facts, source = host_facts(None, True, None)
    assert source is FactsSource.LOCAL and facts["hostname"]
