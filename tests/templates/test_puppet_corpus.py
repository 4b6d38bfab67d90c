"""The real Puppet modules of ../shared/templates compiled by `puppet` and linted, against VERDICTS.tsv.

Each module and values set of VERDICTS.tsv (manifest, pinned facts, Hiera data as --template-vars):
what Monit refused for its language is a MON001/MON006 error at a template of the module, at the
template line that writes the refused text; a file Monit accepted has no such error; a catalog that
did not compile is a MON010 finding.  Then a planted mistake in each main template is found at its
line.  Slow (each compile takes seconds) and an integration test (the real Puppet).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from monitlint.templates.run import TemplateOptions
from tests.templates.conftest import TEMPLATES, check, require_templates, verdicts

pytestmark = [
    pytest.mark.slow,
    pytest.mark.integration,
    pytest.mark.skipif(shutil.which("puppet") is None, reason="`puppet` is not installed (Debian: puppet)"),
]

ROWS = [r for r in verdicts() if r["kind"] == "puppet" and r["render_status"] in ("rendered", "render-error")]
SETS = sorted({(r["owner__name"], r["values"]) for r in ROWS})
# example42's module needs stdlib 8 (is_array), before the other dependencies (README of ../shared/templates).
MODULEPATHS = {"example42__puppet-monit": ["modules-stdlib8", "modules"]}


def options(slug: str, values: str) -> TemplateOptions:
    """The values VERDICTS.tsv names, as a team would pass them."""
    parts = [TEMPLATES / v for v in values.split(";")]
    return TemplateOptions(
        manifest=next((str(p) for p in parts if p.suffix == ".pp"), None),
        facts=next((str(p) for p in parts if p.name == "facts-override.json"), None),
        template_vars=[str(p) for p in parts if p.name == "common.yaml"],
        modulepath=[str(TEMPLATES / "puppet-deps" / m) for m in MODULEPATHS.get(slug, ["modules"])],
        puppet=True,
    )


@pytest.mark.parametrize(("slug", "values"), SETS or [("-", "-")])
def test_each_module_compiles_and_agrees_with_monit(slug: str, values: str) -> None:
    require_templates()
    module = TEMPLATES / "corpus" / "puppet" / slug
    report = check(module, options=options(slug, values))
    rows = [r for r in ROWS if r["owner__name"] == slug and r["values"] == values]
    refused = [d for d in report.findings if d.code in ("MON001", "MON006")]
    if any(r["render_status"] == "render-error" for r in rows):
        assert [d.code for d in report.findings if d.code == "MON010"] == ["MON010"]
        return
    assert [d for d in report.findings if d.code == "MON010"] == []
    language = [r for r in rows if r["language_or_host"] == "language"]
    for row in language:
        word = re.search(r"syntax error '([^']+)'", row["first_error"])
        assert word is not None
        templates = [t.strip() for t in re.findall(r"templates/[\w/.-]+", row["template"])]
        matching = [d for d in refused if any(d.span.path.endswith(t) for t in templates)]
        assert matching, (row["rendered"], refused)
        # At the template line that writes the refused word (or the value that carries it).
        lines = {(d.span.path, d.span.line) for d in matching}
        assert any(_writes(Path(path), line, word.group(1)) for path, line in lines), lines
    assert len({d.span.path + str(d.message) for d in refused}) == len(language)


def _writes(template: Path, line: int, word: str) -> bool:
    text = template.read_text().splitlines()[line - 1]
    return word in text or "<%=" in text


MAIN_TEMPLATES = {
    "Puppet-Finland__puppet-monit": "templates/monitrc.erb",
    "example42__puppet-monit": "templates/monit.conf.erb",
    "sbitio__puppet-monit": "templates/conf_file.erb",
    "voxpupuli__puppet-monit": "templates/monitrc.erb",
}


@pytest.mark.parametrize("slug", sorted(MAIN_TEMPLATES))
def test_a_planted_mistake_in_each_main_template_is_found_at_its_line(slug: str, tmp_path: Path) -> None:
    require_templates()
    module = tmp_path / slug
    shutil.copytree(TEMPLATES / "corpus" / "puppet" / slug, module)
    template = module / MAIN_TEMPLATES[slug]
    lines = template.read_text().splitlines(keepends=True)
    plain = [i for i, line in enumerate(lines) if line.lower().lstrip().startswith("set ") and "<%" not in line]
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    at = plain[0] if plain else len(lines) - 1  # after the first plain `set` line, else at the end
    lines.insert(at + 1, "set alert root\n")
    template.write_text("".join(lines))
    values = next(v for s, v in SETS if s == slug and "readme" not in v and "defines" not in v)
    report = check(module, options=options(slug, values))
    found = [(d.span.path, d.span.line) for d in report.findings if d.code == "MON001"]
    assert (str(template), at + 2) in found, report.findings


def test_a_template_that_fails_to_compile_is_a_finding_at_its_line(tmp_path: Path) -> None:
    require_templates()
    module = tmp_path / "voxpupuli__puppet-monit"
    shutil.copytree(TEMPLATES / "corpus" / "puppet" / "voxpupuli__puppet-monit", module)
    template = module / "templates" / "monitrc.erb"
    lines = template.read_text().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("set daemon"))
    lines[at] = lines[at].rstrip("\n") + " <%= @undefined_value.foo %>\n"
    template.write_text("".join(lines))
    report = check(module, options=options("voxpupuli__puppet-monit", "render/puppet/voxpupuli__puppet-monit/site.pp"))
    (diag,) = [d for d in report.findings if d.code == "MON010"]
    assert (diag.span.path, diag.span.line) == (str(template), at + 1)
    assert "undefined method `foo'" in diag.message
