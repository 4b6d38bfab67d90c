"""Differential tests: monitlint's parser against the real `monit -t` on the same files.

(The coverage suite of statement forms is in test_forms.py.)

Agreement means: where `monit -t` accepts a file, monitlint reports no MON001;
where it rejects the file for a language error, monitlint reports MON001 on the
same line (Monit sometimes counts one line off, so +-1 is allowed) of the same
file.  Host checks (missing users, groups, programs, log folders, permissions)
are not language errors and are ignored here.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from monitlint.grammar.parser import parse_file
from tests.conftest import CORPUS, DEBIAN_MONIT, MonitVerdict, findings_of, first_syntax_error, require_corpus

# Files where monitlint and Monit knowingly disagree, with the reason.
KNOWN_DIFFERENCES: dict[str, str] = {}

MonitT = Callable[[Path, Path | None], MonitVerdict]


def assert_agrees(path: Path, verdict: MonitVerdict, root: str | None = None, display: str | None = None) -> None:
    """monitlint reports MON001 exactly where `monit -t` reports a language error."""
    result = parse_file(str(path), root=root)
    ours = [d for d in findings_of(result) if d.code == "MON001"]
    theirs = first_syntax_error(verdict)
    name = display or path.name
    if theirs is None:
        assert not ours, f"{name}: monit -t accepts it, monitlint says {[(d.span.line, d.message) for d in ours]}"
        return
    their_file, their_line, their_text = theirs
    assert ours, f"{name}: monit -t says {their_text!r}, monitlint found no syntax error"
    first = ours[0]
    assert Path(first.span.path).name in (their_file, path.name), f"{name}: {first.span.path} vs {their_file}"
    assert abs(first.span.line - their_line) <= 1, (
        f"{name}: monit -t says {their_text!r}, monitlint says line {first.span.line}: {first.message}"
    )


# (b) the files Debian's monit package ships --------------------------------------------------

DEBIAN_FILES = [DEBIAN_MONIT / "monitrc", *sorted((DEBIAN_MONIT / "conf-available").glob("*"))]
DEBIAN_TEMPLATES = sorted((DEBIAN_MONIT / "templates").glob("*"))


def test_debian_package_files_are_present() -> None:
    if not (DEBIAN_MONIT / "monitrc").exists():
        pytest.fail("Debian's monit package is not installed (/etc/monit/monitrc is missing)")
    assert len(DEBIAN_FILES) > 5 and DEBIAN_TEMPLATES


@pytest.mark.parametrize("path", DEBIAN_FILES, ids=lambda p: p.name)
def test_debian_shipped_files(path: Path, monit_t: MonitT) -> None:
    verdict = monit_t(path, None)
    assert first_syntax_error(verdict) is None
    assert_agrees(path, verdict)


@pytest.mark.parametrize("template", DEBIAN_TEMPLATES, ids=lambda p: p.name)
def test_debian_templates_inside_a_check_block(template: Path, tmp_path: Path, monit_t: MonitT) -> None:
    wrapper = tmp_path / "wrapper.monitrc"
    wrapper.write_text(f"check file bin with path /bin/sh\n    include {template}\n")
    verdict = monit_t(wrapper, None)
    assert first_syntax_error(verdict) is None
    assert_agrees(wrapper, verdict)
    result = parse_file(str(wrapper))
    assert result.config.services[0].tests, "the template's tests belong to the enclosing block"


# (c) the real-world corpus -----------------------------------------------------------------------


def corpus_rows() -> list[dict[str, str]]:
    sources = CORPUS / "SOURCES.tsv"
    if not sources.exists():
        return []
    with sources.open(newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def test_corpus_is_present() -> None:
    require_corpus()
    assert corpus_rows(), f"{CORPUS}/SOURCES.tsv is missing or empty"


@pytest.mark.parametrize("row", corpus_rows(), ids=lambda r: r["name"])
def test_real_world_corpus(row: dict[str, str], monit_t: MonitT) -> None:
    if row["name"] in KNOWN_DIFFERENCES:
        pytest.xfail(KNOWN_DIFFERENCES[row["name"]])
    path = CORPUS / row["name"]
    verdict = monit_t(path, None)
    # the recorded verdict (Monit 5.33 on Debian bookworm) and today's must tell the same story
    if row["error_kind"] == "syntax":
        assert first_syntax_error(verdict) is not None, verdict.stderr
    assert_agrees(path, verdict, display=row["name"])
