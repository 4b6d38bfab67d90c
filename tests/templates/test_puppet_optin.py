"""Compiling a Puppet module runs its Ruby: `check` does it only when asked, and says so otherwise."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import RUN_TOKEN, run_cli


def make_module(root: Path) -> tuple[Path, Path]:
    """A module whose ERB template would leave a marker file if Ruby ran."""
    module = root / "monit"
    (module / "manifests").mkdir(parents=True)
    (module / "templates").mkdir()
    marker = root / f"ruby-ran-{RUN_TOKEN}"
    (module / "manifests" / "init.pp").write_text(
        "class monit {\n  file { '/etc/monit/monitrc':\n    content => template('monit/monitrc.erb'),\n  }\n}\n"
    )
    (module / "templates" / "monitrc.erb").write_text(f"<% File.write('{marker}', 'x') %>set daemon 60\n")
    return module, marker


def test_a_module_is_not_compiled_without_consent_and_every_run_says_so(tmp_path: Path) -> None:
    module, marker = make_module(tmp_path)
    result = run_cli("check", "--isolated", str(module), env={"MONITLINT_PUPPET": ""})
    assert result.exit_code == 0  # nothing was found: the warning says nothing was looked at either
    assert "monitlint: warning: " in result.stderr
    assert "not compiled: compiling a Puppet module runs its Ruby code" in result.stderr
    assert "--puppet" in result.stderr
    assert not marker.exists()
