"""Which files count as Monit control files: by name, or by content inside monit folders.

Folder arguments and the pre-commit hook (`check --skip-non-monit`) judge files the same way;
files named on the command line without that option are always linted.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from monitlint.files.discovery import classify, discover_all
from tests.conftest import run_cli

CHECK = "check process app with pidfile /run/app.pid\n"
TREE = {
    # by name: always
    "etc/monitrc": "set daemon 30\n",
    "hosts/web.monitrc": "set daemon 60\n",
    # inside monit folders: by content
    "roles/monit/files/conf.d/app": "# the app\n\nCHECK process app with pidfile /run/app.pid\n",
    "etc/monit/conf-available/db": "check process db matching dbserver\n",
    "etc/monit/templates/rootbin": "  if failed checksum then unmonitor\n",  # a block fragment
    "etc/monit/conf.d/inc": "include /etc/monit/extra/*\n",
    # inside monit folders, but not Monit files
    "roles/monit/tasks/main.yml": "- name: install monit\n  apt: name=monit\n",
    "roles/monit/handlers/main.yaml": "- name: reload monit\n",
    "roles/monit/README.md": "# Monit\n\nSet up monit.\n",
    "roles/monit/templates/monitrc.j2": "set daemon {{ monit_interval }}\n",
    "roles/monit/templates/app.conf": "check process {{ app }} with pidfile /run/{{ app }}.pid\n",
    "modules/monit/templates/monitrc.epp": "set daemon <%= $interval %>\n",
    "etc/monit/notes": "These files are managed by Ansible.\n",
    "etc/monit/conf.d/empty": "# nothing yet\n",
    "etc/monit/conf.d/data.json": '{"check": 1}\n',
    "etc/monit/conf.d/app~": CHECK,
    # outside monit folders: never
    "etc/nginx/conf.d/site.conf": CHECK,
    "docs/monitrc.md": "set daemon 30\n",
}


def _tree(base: Path) -> None:
    (base / ".git").mkdir(parents=True)
    for name, content in TREE.items():
        path = base / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)


FOUND = [
    "etc/monit/conf-available/db",
    "etc/monit/conf.d/inc",
    "etc/monit/templates/rootbin",
    "etc/monitrc",
    "hosts/web.monitrc",
    "roles/monit/files/conf.d/app",
]


def test_discovery_by_name_and_by_content(tmp_path: Path) -> None:
    _tree(tmp_path)
    found = discover_all(str(tmp_path))
    assert sorted(str(Path(p).relative_to(tmp_path)) for p in found.found) == FOUND
    reasons = {str(Path(p).relative_to(tmp_path)): why for p, why in found.not_monit}
    assert reasons["roles/monit/tasks/main.yml"] == "a YAML file"
    assert reasons["roles/monit/README.md"] == "documentation"
    assert reasons["roles/monit/templates/monitrc.j2"] == "a Jinja template"
    assert reasons["roles/monit/templates/app.conf"].startswith("a template")
    assert reasons["modules/monit/templates/monitrc.epp"] == "an EPP template"
    assert "'these'" in reasons["etc/monit/notes"]
    assert reasons["etc/monit/conf.d/empty"] == "holds no statement"
    assert reasons["etc/monit/conf.d/data.json"] == "a data file"
    # Every file left out is named with its reason (`check -v` prints them), candidates or not.
    assert reasons["etc/monit/conf.d/app~"] == "an editor backup (Monit skips names ending in '~')"
    assert reasons["etc/nginx/conf.d/site.conf"].startswith("not named like a Monit control file")
    assert reasons["docs/monitrc.md"] == "documentation"


@pytest.mark.parametrize(
    ("relative", "content", "counts"),
    [
        ("monitrc", "anything at all\n", True),  # by name
        ("x.monitrc", "", True),
        ("monit/app", "set daemon 30\n", True),
        ("monit.d/app", "\n# c\n  check host h with address h\n", True),
        ("monit/app", "start program = /bin/x\n", True),
        ("monit/app", "depends on db\n", True),
        ("monit/app", "settings: 1\n", False),
        ("monit/app", "#!/bin/sh\necho set\n", False),
        ("monit/app.sh", "set -e\n", False),
        ("monit/app.tmpl", "check process {{ .Name }}\n", False),
        ("monit/app.erb", "check process <%= @name %>\n", False),
        ("monitrc", "set daemon {{ interval }}\n", False),  # a template, even by name
    ],
)
def test_classify(tmp_path: Path, relative: str, content: str, counts: bool) -> None:
    path = tmp_path / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)
    assert (classify(str(path), relative) is None) is counts


def test_folder_check_skips_non_monit_files_and_verbose_says_why(tmp_path: Path) -> None:
    _tree(tmp_path)
    result = run_cli("check", "--isolated", "--no-cache", "--format", "json", ".", cwd=tmp_path)
    assert json.loads(result.stdout)["summary"]["files"] == len(FOUND), result.stderr
    assert result.stderr == ""
    verbose = run_cli("check", "--isolated", "--no-cache", "--format", "json", "--verbose", ".", cwd=tmp_path)
    assert "monitlint: note: roles/monit/tasks/main.yml: skipped: a YAML file" in verbose.stderr
    assert "roles/monit/templates/monitrc.j2: skipped: a Jinja template" in verbose.stderr
    assert verbose.stdout == result.stdout


def test_named_files_are_always_linted_unless_skip_non_monit(tmp_path: Path) -> None:
    _tree(tmp_path)
    named = ["roles/monit/tasks/main.yml", "etc/monit/conf-available/db"]
    always = run_cli("check", "--isolated", "--no-cache", "--format", "json", *named, cwd=tmp_path)
    document = json.loads(always.stdout)
    assert document["summary"]["files"] == 2
    assert any(d["path"] == "roles/monit/tasks/main.yml" and d["code"] == "MON001" for d in document["diagnostics"])
    hook = run_cli(
        "check", "--isolated", "--no-cache", "--format", "json", "--skip-non-monit", "-v", *named, cwd=tmp_path
    )
    document = json.loads(hook.stdout)
    assert document["summary"]["files"] == 1
    assert {d["path"] for d in document["diagnostics"]} <= {"etc/monit/conf-available/db"}
    assert "roles/monit/tasks/main.yml: skipped: a YAML file" in hook.stderr


def test_skip_non_monit_with_nothing_left_passes(tmp_path: Path) -> None:
    _tree(tmp_path)
    (tmp_path / "roles/monit/files/logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0")
    args = ("roles/monit/README.md", "roles/monit/files/logo.png")
    result = run_cli("check", "--isolated", "--no-cache", "--skip-non-monit", *args, cwd=tmp_path)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout == "" and result.stderr == ""


def test_a_block_fragment_alone_is_linted_inside_a_stand_in_block(tmp_path: Path) -> None:
    """Debian's templates/* hold `if` lines for inclusion in a check block: on their own they are no error."""
    folder = tmp_path / "monit" / "templates"
    folder.mkdir(parents=True)
    good = folder / "rootbin"
    good.write_text(" if failed checksum       then unmonitor\n if failed permission 755 then unmonitor\n")
    bad = folder / "typo"
    bad.write_text(" if failed checksum then unmonitor\n\n if failed uid root then alrt\n")
    result = run_cli("check", "--isolated", "--no-cache", "--format", "json", str(good), str(bad))
    found = json.loads(result.stdout)["diagnostics"]
    assert [(d["path"].endswith("typo"), d["line"], d["code"]) for d in found] == [(True, 3, "MON001")], found
    assert all(d["service"] is None for d in found)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("monitrc.prod", None),
        ("monitrc-staging", None),
        ("monit.conf", None),
        ("web.monitrc", None),
        (".monitrc", None),
        ("monitrc~", "an editor backup (Monit skips names ending in '~')"),
        ("monitrc.bak", "a backup or patch leftover"),
        ("monitrc.orig", "a backup or patch leftover"),
        ("monitrc.dpkg-old", "a backup or patch leftover"),
        ("monitrc.dpkg-dist", "a backup or patch leftover"),
        ("monitrc.rpmsave", "a backup or patch leftover"),
        ("monitrc-prod.old", "a backup or patch leftover"),
        ("monitrc.j2", "a Jinja template"),
        ("monitrc.md", "documentation"),
        ("monitrc.yml", "a YAML file"),
        ("monit.config", "not named like a Monit control file"),
    ],
)
def test_discovery_by_the_names_people_use(tmp_path: Path, name: str, reason: str | None) -> None:
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / name).write_text("set daemon 30\n")
    found = discover_all(str(tmp_path))
    if reason is None:
        assert [Path(p).name for p in found.found] == [name]
        return
    assert found.found == []
    ((path, why),) = found.not_monit
    assert Path(path).name == name and why.startswith(reason), why
