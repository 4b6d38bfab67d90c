#!/usr/bin/env python3
"""Long local runs of the differential fuzzer (tests/differential_fuzz.py): every disagreement between
monitlint --target-version X and Monit X's `monit -t`, minimised, written to a folder.

Usage:
    python scripts/fuzz-differential.py --cases 5000 [--seed 1] [--release 5.33.0] [--out fuzz-findings]

Needs the six Monit releases (scripts/build-monit-versions.sh, and Debian's monit for 5.33.0).
Each finding is written as RELEASE-N.monitrc with Monit's and monitlint's words in RELEASE-N.txt;
findings with the same minimised text are written once.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run from a checkout
    sys.path.insert(0, str(REPO))

from tests.differential_fuzz import cases, judge, minimise, seeds  # noqa: E402
from tests.monit_versions import Judge, find_judges  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Fuzz, minimise, write the findings; exit 1 when there are any."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000, help="files per release (default 1000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--release", action="append", help="only this release (e.g. 5.33.0); repeatable")
    parser.add_argument("--out", type=Path, default=Path("fuzz-findings"))
    args = parser.parse_args(argv)
    judges, missing = find_judges()
    if missing:
        print(f"fuzz-differential: {missing}", file=sys.stderr)
    chosen = [j for r, j in sorted(judges.items()) if not args.release or r in args.release]
    if not chosen:
        print("fuzz-differential: no Monit binary to judge with", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    seed_texts = seeds()
    seen: set[tuple[str, str]] = set()
    with tempfile.TemporaryDirectory(prefix="monitlint-fuzz-") as scratch:
        work = Path(scratch)
        for release_judge in chosen:
            rng = random.Random(f"{args.seed}-{release_judge.release}")
            for text in cases(rng, args.cases, seed_texts):
                found = judge(release_judge, text, work)
                if found is None:
                    continue

                def still(candidate: str, by: Judge = release_judge, direction: bool = found.monit_accepts) -> bool:
                    again = judge(by, candidate, work)
                    return again is not None and again.monit_accepts == direction

                small = minimise(found, still)
                if (release_judge.release, small) in seen:
                    continue
                seen.add((release_judge.release, small))
                final = judge(release_judge, small, work) or found
                stem = f"{release_judge.release}-{len(seen)}"
                (args.out / f"{stem}.monitrc").write_text(small)
                (args.out / f"{stem}.txt").write_text(f"monit -t: {final.monit}\nmonitlint: {final.monitlint}\n")
                side = "Monit accepts, monitlint refuses" if final.monit_accepts else "Monit refuses, monitlint accepts"
                print(f"{args.out / stem}.monitrc: {side}", flush=True)
    print(f"fuzz-differential: {len(seen)} distinct finding(s) in {args.out}", file=sys.stderr)
    return 1 if seen else 0


if __name__ == "__main__":
    sys.exit(main())
