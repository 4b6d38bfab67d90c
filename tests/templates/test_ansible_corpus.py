"""The real Ansible roles of ../shared/templates, rendered with their values and linted, against VERDICTS.tsv.

Each role and values set of VERDICTS.tsv: every file that rendered there renders here with the same
text (ansible-core's own semantics), nothing Monit accepts is a syntax error or a rejection here
(MON001, MON006), a `depends on` Monit resolved only with the other files of the set resolves here
(no MON202), and a template that did not render is a MON010 finding at that template.  Then a planted
mistake in each role's main template is found at its line.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from monitlint.templates.jinja_render import ansible_available
from monitlint.templates.run import TemplateOptions
from tests.templates.conftest import TEMPLATES, check, require_templates, verdicts

# In the fast tier: the six roles render and lint in about two seconds.
pytestmark = pytest.mark.skipif(not ansible_available(), reason="ansible-core is not installed (monitlint[ansible])")

ROWS = [r for r in verdicts() if r["kind"] == "ansible"]
SETS = sorted({(r["owner__name"], r["values"]) for r in ROWS if r["render_status"] in ("rendered", "render-error")})
# Files a role writes with its own Python (an action plugin), which monitlint never runs.
WRITTEN_BY_ROLE_PLUGINS = {
    ("sbitio__ansible-monit", "templates/" + n) for n in ("check_service.j2", "check_system.j2", "check_filesystem.j2")
}


# The rendering machine's facts, pinned (templates otherwise see placeholder facts, not this machine's).
CORPUS_FACTS = str(Path(__file__).parent / "data" / "corpus-host-facts.yml")


def _options(values: list[str]) -> TemplateOptions:
    return TemplateOptions(template_vars=values, facts=CORPUS_FACTS)


def _values(values: str) -> list[str]:
    return [str(TEMPLATES / v) for v in values.split(";") if v.endswith((".yml", ".yaml"))]


@pytest.mark.parametrize(("slug", "values"), SETS or [("-", "-")])
def test_each_role_renders_as_ansible_did_and_agrees_with_monit(slug: str, values: str) -> None:
    require_templates()
    role = TEMPLATES / "corpus" / "ansible" / slug
    report = check(role, options=_options(_values(values)))
    rows = [r for r in ROWS if r["owner__name"] == slug and r["values"] == values]
    texts = {}
    for file in report.rendered:
        texts.setdefault(Path(file.template).name, []).append(file.text)
    for row in rows:
        if row["render_status"] != "rendered" or (slug, row["template"]) in WRITTEN_BY_ROLE_PLUGINS:
            continue
        want = (TEMPLATES / row["rendered"]).read_text()
        got = texts.get(Path(row["template"]).name, [])
        # Two loop items writing one destination: the host keeps one (VERDICTS keeps both renders).
        assert want in got or len(got) < sum(1 for r in rows if r["template"] == row["template"]), row["rendered"]
    refused = [d for d in report.findings if d.code in ("MON001", "MON006")]
    assert all(r["language_or_host"] != "language" for r in rows) and refused == []
    assert [d for d in report.findings if d.code == "MON202"] == []
    failed = {Path(r["template"]).name for r in rows if r["render_status"] == "render-error"}
    assert {Path(d.span.path).name for d in report.findings if d.code == "MON010"} == failed


MAIN_TEMPLATES = {
    "bodsch__ansible-monit": "templates/etc/monitrc.j2",
    "idealista__monit-role": "templates/monitrc.j2",
    "pgolm__ansible-role-monit": "templates/monitrc.j2",
    "sbitio__ansible-monit": "templates/monit.conf.j2",
    "tschifftner__ansible-role-monit": "templates/monitrc.j2",
    "while-true-do__ansible-role-monit": "templates/monitrc.j2",
}


def _plant(template: Path) -> int:
    """Insert a line Monit refuses after the template's first plain `set` line; return its line number."""
    lines = template.read_text().splitlines(keepends=True)
    for index, line in enumerate(lines):
        if line.lstrip().startswith("set ") and "{" not in line and "%}" not in lines[index - 1 if index else 0]:
            lines.insert(index + 1, "set alert root\n")
            template.write_text("".join(lines))
            return index + 2
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    lines.append("set alert root\n")
    template.write_text("".join(lines))
    return len(lines)


@pytest.mark.parametrize("slug", sorted(MAIN_TEMPLATES))
def test_a_planted_mistake_in_each_main_template_is_found_at_its_line(slug: str, tmp_path: Path) -> None:
    require_templates()
    role = tmp_path / slug
    shutil.copytree(TEMPLATES / "corpus" / "ansible" / slug, role)
    line = _plant(role / MAIN_TEMPLATES[slug])
    values = _values(f"render/ansible/{slug}/vars-used.yml")
    report = check(role, options=_options(values))
    found = [(d.span.path, d.span.line) for d in report.findings if d.code == "MON001"]
    assert found == [(str(role / MAIN_TEMPLATES[slug]), line)], report.findings
