#!/usr/bin/env python3
"""Check every control file in ok/ and bad/ against the real `monit -t`.

ok/*.monitrc  must be accepted (exit 0).
bad/*.monitrc must be rejected for a language reason (a scanner or syntax error, see
              LANGUAGE_ERRORS), and their first line must be `# monit: <first stderr line>`
              (temp path removed) and their second line `# why: <reason>`.

Each folder is copied into a fresh temporary directory; each main file is chmod 0600 there
and `monit -t -c FILE` runs with the copy as its working directory (relative includes such
as `include include-glob.d/*.cfg` resolve against it) and with HOME set to the temporary
directory.  Nothing is written into the repository (this is checked).  Note: Monit finds
its default id file (~/.monit.id) through the password database, not $HOME, so a missing
id file is created in the real home directory of the user running this script.

Usage: python3 verify.py [--monit /usr/bin/monit] [-v] [--fix-headers] [NAME ...]
Exit status 0 when every file is classified correctly.  Standard library only.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FOLDERS = ("ok", "bad")

# First stderr line of a language (scanner or parser) error, after the "<file>:<line>: " prefix.
LANGUAGE_ERRORS = re.compile(
    r"^[^:]+:\d+: (syntax error '"
    r"|unbalanced quotes"
    r"|invalid every format"
    r"|invalid HTTP header list format"
    r"|invalid mail format"
    r"|missing address"
    r"|missing hostname in URL"
    r"|URL protocol not supported"
    r"|include files limit reached)"
)


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for p in root.rglob("*"):
        st = p.lstat()
        out[str(p.relative_to(root))] = (st.st_mtime_ns, st.st_size)
    return out


def run_monit(monit: str, workdir: Path, name: str, home: Path) -> tuple[int, str, str]:
    env = dict(os.environ, HOME=str(home))
    proc = subprocess.run(
        [monit, "-t", "-c", name],
        cwd=workdir,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=60,
    )
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")


def first_line(stderr: str, workdir: Path) -> str:
    lines = stderr.splitlines()
    line = lines[0] if lines else ""
    return line.replace(str(workdir) + "/", "").replace(str(workdir), "")


def header_of(path: Path) -> tuple[str, str]:
    lines = path.read_bytes().decode("utf-8", "replace").splitlines()
    return (lines[0] if lines else "", lines[1] if len(lines) > 1 else "")


def fix_header(path: Path, message: str) -> None:
    data = path.read_bytes()
    nl = data.index(b"\n")
    path.write_bytes(("# monit: " + message).encode() + data[nl:])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--monit", default=shutil.which("monit") or "/usr/bin/monit")
    ap.add_argument("-v", "--verbose", action="store_true", help="show monit's stderr for every file")
    ap.add_argument("--fix-headers", action="store_true", help="rewrite the '# monit:' line of bad files")
    ap.add_argument("names", nargs="*", help="only these files (base names, with or without .monitrc)")
    args = ap.parse_args()
    wanted = {n if n.endswith(".monitrc") else n + ".monitrc" for n in args.names}

    before = snapshot(HERE)
    problems: list[str] = []
    counts = {f: 0 for f in FOLDERS}
    with tempfile.TemporaryDirectory(prefix="monit-forms-") as tmp:
        tmp_path = Path(tmp)
        home = tmp_path / "home"
        home.mkdir()
        for folder in FOLDERS:
            work = tmp_path / folder
            shutil.copytree(HERE / folder, work, symlinks=True)
            for path in sorted(work.glob("*.monitrc")):
                name = path.name
                if wanted and name not in wanted:
                    continue
                counts[folder] += 1
                path.chmod(0o600)
                rc, _out, err = run_monit(args.monit, work, name, home)
                msg = first_line(err, work)
                if args.verbose and err.strip():
                    print(f"{folder}/{name}: rc={rc}\n    " + err.strip().replace("\n", "\n    "))
                if folder == "ok":
                    if rc != 0:
                        problems.append(f"ok/{name}: REJECTED by monit: {msg}")
                    continue
                repo_file = HERE / folder / name
                if rc == 0:
                    problems.append(f"bad/{name}: ACCEPTED by monit")
                    continue
                if not LANGUAGE_ERRORS.match(msg):
                    problems.append(f"bad/{name}: rejected for a non-syntax reason: {msg}")
                    continue
                head, why = header_of(repo_file)
                if head != "# monit: " + msg:
                    if args.fix_headers and head.startswith("# monit:"):
                        fix_header(repo_file, msg)
                        print(f"bad/{name}: header updated: {msg}")
                    else:
                        problems.append(f"bad/{name}: header {head!r} != actual '# monit: {msg}'")
                if not why.startswith("# why: ") or len(why) <= len("# why: "):
                    problems.append(f"bad/{name}: second line must be '# why: <reason>'")
    after = snapshot(HERE)
    if not args.fix_headers and after != before:
        changed = sorted(set(after.items()) ^ set(before.items()))
        problems.append(f"files in {HERE} changed during the run: {changed[:5]}")

    for p in problems:
        print(p)
    print(f"checked {counts['ok']} ok and {counts['bad']} bad files: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
