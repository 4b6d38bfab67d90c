"""The differential fuzzer, bounded for CI: a few hundred files per Monit release, each judged by
that release's `monit -t` and by monitlint linting for it (tests/differential_fuzz.py).

The seed is fixed, so a run is reproducible; scripts/fuzz-differential.py runs longer batches with
other seeds and minimises what it finds.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.differential_fuzz import cases, generate, judge, minimise, mutate, seeds
from tests.monit_versions import RELEASES, Judge

CASES_PER_RELEASE = 250


@pytest.mark.slow
@pytest.mark.parametrize("release", RELEASES)
def test_fuzzed_files_get_the_release_verdict(release: str, monit_binaries: dict[str, Judge], tmp_path: Path) -> None:
    """No file, generated or mutated, on which monitlint --target-version X and Monit X disagree."""
    rng = random.Random(f"ci-{release}")
    found = []
    for text in cases(rng, CASES_PER_RELEASE, seeds()):
        disagreement = judge(monit_binaries[release], text, tmp_path)
        if disagreement is not None:
            found.append(disagreement)
    assert not found, "\n\n".join(
        f"Monit {d.release}: {d.monit!r}\nmonitlint: {d.monitlint}\n{d.text!r}" for d in found[:5]
    )


def test_generation_is_reproducible_and_grammar_shaped() -> None:
    """The same seed makes the same files; each starts with `set daemon` and holds a `check`."""
    first = [generate(random.Random(7)) for _ in range(3)]
    assert first == [generate(random.Random(7)) for _ in range(3)]
    assert all(text.startswith("set daemon 30\n") and "\ncheck " in text for text in first)


def test_mutation_changes_text_within_bounds() -> None:
    """A mutation is one edit: the text changes and grows by at most a word or a buffer-sized run (16,383)."""
    rng = random.Random(3)
    text = "set daemon 30\ncheck process p with pidfile /run/p.pid\n"
    results = [mutate(text, rng) for _ in range(50)]
    assert any(result != text for result in results)
    assert all(len(result) <= len(text) + 16_400 for result in results)


def test_minimise_keeps_the_property() -> None:
    """Minimising keeps a text on which the property holds, and drops what it does not need."""
    from tests.differential_fuzz import Disagreement

    found = Disagreement("5.33.0", "set daemon 30\ncheck process p\n  if link up then alert\n", "", ["x"])
    small = minimise(found, lambda text: "link up" in text)
    assert small == "link up"
