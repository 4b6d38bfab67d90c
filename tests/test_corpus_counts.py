"""How many findings each rule produces on the real-world corpus (../shared/corpus/real-world/).

This is a record, not a target: when a rule change moves a count, look at what changed (a fixed false
positive, a new true finding, a regression), then update RECORDED in the same commit and say why.

Every file of the corpus (the templates/ folder included) is linted on its own with the default
settings. Absolute includes are resolved under an empty --root, so the host's own /etc/monit does not
leak into the counts: an absolute include then finds nothing (MON002) on every machine alike.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from monitlint.linter.catalog import all_rules
from tests.conftest import CORPUS, require_corpus, run_cli

RECORDED_FILES = 160
RECORDED: dict[str, int] = {
    "MON001": 112,
    "MON002": 127,
    "MON003": 0,
    "MON004": 1,
    "MON005": 0,
    "MON006": 3,
    "MON010": 0,
    "MON101": 80,
    "MON102": 62,
    "MON103": 0,
    "MON104": 12,
    "MON105": 7,
    "MON106": 64,
    "MON107": 407,
    "MON201": 3,
    "MON202": 0,
    "MON203": 0,
    "MON204": 0,
    "MON205": 0,
    "MON301": 0,
    "MON302": 45,
    "MON303": 63,
    "MON304": 0,
    "MON401": 0,
    "MON402": 0,
    "MON403": 0,
    "MON404": 0,
    "MON405": 2,
    "MON501": 24,
    "MON502": 5,
    "MON503": 9,
    "MON504": 13,  # +2 (2026-12-02): the pre-5.21 httpd `pemfile`, which MON504 documented but never reported
    "MON601": 0,
    "MON602": 0,
    "MON603": 0,
    "MON604": 0,
    "MON605": 0,
    "MON606": 0,
    "MON607": 0,
    "MON608": 0,
    "MON609": 0,
    "MON610": 0,
    "MON611": 0,
    "MON612": 0,
    "MON613": 0,
    "MON614": 0,
    "MON901": 0,
    "MON902": 0,
}


def corpus_files() -> list[Path]:
    """Every control file of the corpus (not its SOURCES.tsv or README), sorted."""
    require_corpus()
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix not in {".tsv", ".md"})


def test_recorded_counts_cover_every_rule() -> None:
    assert sorted(RECORDED) == [rule.code for rule in all_rules()]


def test_findings_per_rule_on_the_real_world_corpus(tmp_path: Path) -> None:
    files = corpus_files()
    assert len(files) == RECORDED_FILES, f"the corpus now holds {len(files)} files"
    empty_root = tmp_path / "root"
    empty_root.mkdir()
    result = run_cli(
        "check",
        "--isolated",
        "--no-cache",
        "--root",
        str(empty_root),
        "--format",
        "json",
        *map(str, files),
        cwd=tmp_path,
    )
    assert result.exit_code == 1, result.stderr
    document = json.loads(result.stdout)
    assert document["errors"] == [] and document["summary"]["unreadable"] == 0
    assert document["summary"]["files"] == RECORDED_FILES
    counts = Counter(d["code"] for d in document["diagnostics"])
    actual = {rule.code: counts.get(rule.code, 0) for rule in all_rules()}
    changed = {code: f"{RECORDED.get(code)} -> {actual[code]}" for code in actual if actual[code] != RECORDED.get(code)}
    assert not changed, f"finding counts moved on the corpus (recorded -> now): {changed}"
    assert all(d["path"].startswith(str(CORPUS)) for d in document["diagnostics"])
