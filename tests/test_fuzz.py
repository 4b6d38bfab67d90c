"""Fuzzing and property tests: monitlint never crashes, and agrees with the real `monit -t`.

(a) arbitrary text through ``lint_text`` and arbitrary bytes through ``lint_file`` end in findings or a
    ``SourceError``, never in another exception; every finding has a sane span and message;
(b) mutated real files (``samples/``, the real-world corpus, the statement forms of tests/forms.py);
(c) the CLI on garbage: exit status 0, 1 or 2 and no traceback, well-formed JSON/SARIF/GitLab output;
(d) generated valid control files checked by the real ``monit -t``: Monit accepts the file if and only
    if monitlint reports none of MON001/MON006/MON201/MON202/MON203.

Every disagreement or crash the fuzzers found is pinned below as an explicit regression test (all
fixed now; a new one is added as ``xfail(strict=True)`` until monitlint is fixed).

By default each property runs a small, derandomized number of examples (deterministic in CI); set
``MONITLINT_FUZZ_EXAMPLES=N`` to run N random examples per property instead.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
import xml.dom.minidom
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from monitlint.cli import FORMATS, cli
from monitlint.files.source import SourceError, decode_text
from monitlint.linter.result import LintResult
from tests import fuzz_strategies as fs
from tests.conftest import CORPUS, SAMPLES, lint_file, lint_text, monit_executable, run_cli
from tests.forms import ACCEPTED, REJECTED

LANGUAGE_CODES = {"MON001", "MON006", "MON201", "MON202", "MON203"}
EXTRA_EXAMPLES = int(os.environ.get("MONITLINT_FUZZ_EXAMPLES", "0") or "0")

F = TypeVar("F", bound=Callable[..., Any])


def fuzz(default: int) -> Callable[[F], F]:
    """Hypothesis settings: ``default`` derandomized examples, or MONITLINT_FUZZ_EXAMPLES random ones."""
    common: dict[str, Any] = {
        "deadline": None,
        "database": None,  # never write .hypothesis/ into the checkout
        "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    }
    if EXTRA_EXAMPLES > 0:
        chosen = settings(max_examples=EXTRA_EXAMPLES, **common)
    else:
        chosen = settings(max_examples=default, derandomize=True, **common)

    def apply(test: F) -> F:
        return chosen(test)

    return apply


def real_files() -> list[Path]:
    """Control files of samples/ and the real-world corpus (the corpus lives beside the checkout)."""
    files = [p for p in sorted(SAMPLES.rglob("*")) if p.is_file() and p.suffix != ".md"]
    if CORPUS.is_dir():
        files += [p for p in sorted(CORPUS.rglob("*")) if p.is_file() and p.suffix not in {".tsv", ".md"}]
    return files


REAL_TEXTS = [p.read_text(encoding="utf-8", errors="replace") for p in real_files()]
FORM_TEXTS = [text for text in (*ACCEPTED.values(), *REJECTED.values()) if text]


def check_result(result: LintResult, path: str, text: str) -> None:
    """Every finding is well-formed and, in the linted file, points inside it."""
    lines = text.count("\n") + 1
    for diag in result.diagnostics:
        assert re.fullmatch(r"MON\d{3}", diag.code), diag
        assert diag.message and "Token(" not in diag.message and "__ANON" not in diag.message, diag.message
        span = diag.span
        assert span.line >= 1 and span.column >= 1, diag
        assert (span.end_line, span.end_column) >= (span.line, span.column), diag
        if span.path == path:
            assert span.end_line <= lines, (diag, lines)


def lint_text_safely(text: str, path: str, root: str) -> LintResult | None:
    """``lint_text``: any exception propagates (no known crash remains)."""
    return lint_text(text, path, root=root)


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch folder; include patterns of fuzzed text resolve inside it (it is also the --root)."""
    return tmp_path_factory.mktemp("fuzz")


# --- (a) arbitrary text and bytes -------------------------------------------------------------


@pytest.mark.filterwarnings("error")  # a warning printed to users is a bug too
@fuzz(60)
@given(text=fs.garbage_text())
def test_arbitrary_text_never_raises(fuzz_dir: Path, text: str) -> None:
    path = str(fuzz_dir / "text.monitrc")
    result = lint_text_safely(text, path, str(fuzz_dir))
    if result is not None:
        check_result(result, path, text)


@pytest.mark.filterwarnings("error")
@fuzz(60)
@given(data=fs.garbage_bytes())
def test_arbitrary_bytes_through_the_file_api(fuzz_dir: Path, data: bytes) -> None:
    path = fuzz_dir / "bytes.monitrc"
    path.write_bytes(data)
    try:
        result = lint_file(str(path), root=str(fuzz_dir))
    except SourceError as exc:
        event("SourceError")
        message = str(exc)
        assert message.startswith(str(path)) and "\n" not in message, message
        return
    event("linted")
    check_result(result, str(path), decode_text(data, str(path)))


@pytest.mark.filterwarnings("error")
@fuzz(60)
@given(text=fs.regex_statement())
def test_odd_regular_expressions_never_raise(fuzz_dir: Path, text: str) -> None:
    path = str(fuzz_dir / "regex.monitrc")
    result = lint_text_safely(text, path, str(fuzz_dir))
    if result is not None:
        check_result(result, path, text)


# --- (b) mutated real files --------------------------------------------------------------------


@pytest.mark.filterwarnings("error")
@fuzz(50)
@given(text=fs.mutated(REAL_TEXTS))
def test_mutated_real_files_never_raise(fuzz_dir: Path, text: str) -> None:
    # Absolute includes of samples/good resolve into the sample tree (read only).
    path = str(fuzz_dir / "mutated.monitrc")
    result = lint_text_safely(text, path, str(SAMPLES / "good"))
    if result is not None:
        check_result(result, path, text)


@pytest.mark.filterwarnings("error")
@fuzz(50)
@given(text=fs.mutated(FORM_TEXTS, max_mutations=4))
def test_mutated_statement_forms_never_raise(fuzz_dir: Path, text: str) -> None:
    path = str(fuzz_dir / "form.monitrc")
    result = lint_text_safely(text, path, str(fuzz_dir))
    if result is not None:
        check_result(result, path, text)


def test_real_files_are_there() -> None:
    assert len(REAL_TEXTS) >= 4  # samples/ at least; the corpus adds ~160 when present


# --- (c) the command line ------------------------------------------------------------------------

# XML 1.0 forbids these characters; see test_junit_output_with_control_characters_is_well_formed.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


CONCISE_LINE = re.compile(r".+:\d+:\d+: MON\d{3} (error|warning|info): .*")


def findings_in_output(output_format: str, stdout: str, source: str) -> int | None:
    """How many findings a run's output reports, read the way its consumer reads that format.

    The machine-readable formats must parse to do so.  For JUnit it is the count of failing files, and
    None when the source holds characters XML 1.0 cannot carry (the report then cannot be parsed).
    """
    if output_format == "json":
        data = json.loads(stdout)
        assert data["summary"]["total"] == len(data["diagnostics"]), data["summary"]
        return len(data["diagnostics"])
    if output_format == "sarif":
        return sum(len(run["results"]) for run in json.loads(stdout)["runs"])
    if output_format == "gitlab":
        return len(json.loads(stdout))
    if output_format == "junit":
        if XML_ILLEGAL.search(source):
            return None
        return int(xml.dom.minidom.parseString(stdout).documentElement.getAttribute("failures"))
    if output_format == "github":
        return sum(line.startswith(("::error ", "::warning ", "::notice ")) for line in stdout.splitlines())
    if output_format == "concise":
        lines = stdout.splitlines()
        assert all(CONCISE_LINE.fullmatch(line) for line in lines), lines[:5]
        return len(lines)
    assert output_format == "text", output_format
    last = stdout.rstrip("\n").rsplit("\n", 1)[-1]
    found = re.fullmatch(r"Found (\d+) problems? \(.*\) in \d+ files?\.", last)
    assert found or re.fullmatch(r"No problems found in \d+ files?\.", last), last
    return int(found.group(1)) if found else 0


def check_output(output_format: str, stdout: str, source: str, exit_code: int) -> None:
    """The output parses, and reports findings exactly when the exit status says so (1: findings, 0: none).

    The runs pass `--fail-on info`, so that any finding fails (the default, `warning`, lets infos pass).
    """
    assert exit_code in (0, 1), exit_code
    count = findings_in_output(output_format, stdout, source)
    if count is not None:
        assert (count > 0) == (exit_code == 1), (output_format, exit_code, count, stdout[-2000:])


CLI_INPUTS = st.one_of(
    fs.garbage_bytes(),
    fs.mutated(REAL_TEXTS).map(lambda s: s.encode("utf-8", "surrogatepass")),
    fs.regex_statement().map(str.encode),
)


@pytest.mark.filterwarnings("error")
@fuzz(50)
@given(data=CLI_INPUTS, output_format=st.sampled_from(FORMATS))
def test_cli_in_process_on_garbage(fuzz_dir: Path, data: bytes, output_format: str) -> None:
    path = fuzz_dir / "cli.monitrc"
    path.write_bytes(data)
    result = CliRunner().invoke(
        cli, ["check", "--no-cache", "--isolated", "--fail-on", "info", "--format", output_format, str(path)]
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 1, 2), result.output
    if result.exit_code != 2:
        check_output(output_format, result.stdout, data.decode("utf-8", "replace"), result.exit_code)


@fuzz(8)
@given(
    data=st.one_of(fs.garbage_bytes(), fs.mutated(REAL_TEXTS).map(str.encode)), output_format=st.sampled_from(FORMATS)
)
def test_cli_subprocess_on_garbage(fuzz_dir: Path, data: bytes, output_format: str) -> None:
    path = fuzz_dir / "sub.monitrc"
    path.write_bytes(data)
    result = run_cli(
        "check", "--no-cache", "--isolated", "--fail-on", "info", "--format", output_format, str(path), cwd=fuzz_dir
    )
    assert result.exit_code in (0, 1, 2), result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    if result.exit_code == 2:
        assert result.stderr.startswith("monitlint: error: ") and result.stderr.count("\n") == 1, result.stderr
        assert result.stdout == "" or output_format != "text", result.stdout
    else:
        check_output(output_format, result.stdout, data.decode("utf-8", "replace"), result.exit_code)


@fuzz(4)
@given(text=fs.garbage_text())
def test_cli_subprocess_on_garbage_stdin(fuzz_dir: Path, text: str) -> None:
    result = run_cli(
        "check", "--no-cache", "--isolated", "--fail-on", "info", "--format", "json", "-", cwd=fuzz_dir, stdin=text
    )
    assert result.exit_code in (0, 1, 2), result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    if result.exit_code == 2:
        assert result.stderr.startswith("monitlint: error: "), result.stderr
        return
    check_output("json", result.stdout, text, result.exit_code)
    # Findings on standard input name it "<stdin>" and point inside the text that was read.
    lines = text.count("\n") + 1
    for finding in json.loads(result.stdout)["diagnostics"]:
        if finding["path"] == "<stdin>":
            assert 1 <= finding["line"] <= finding["end_line"] <= lines, (finding, lines)


# --- (d) generated valid configs against the real monit -t -------------------------------------


@dataclass
class Verdicts:
    """What `monit -t` and monitlint said of one control file."""

    monit_ok: bool
    monit_output: str
    ours: list[str] = field(default_factory=list)

    @property
    def agree(self) -> bool:
        return self.monit_ok == (not self.ours)


def judge(files: dict[str, str], main: str = "monitrc") -> Verdicts:
    """Write ``files`` (``{dir}`` replaced by the folder) to a fresh folder; run `monit -t` and monitlint."""
    monit = monit_executable()
    with tempfile.TemporaryDirectory(prefix="monitlint-fuzz-") as tmp:
        for name, text in files.items():
            target = Path(tmp, name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text.replace("{dir}", tmp))
        main_path = Path(tmp, main)
        main_path.chmod(0o600)
        proc = subprocess.run(
            [monit, "-t", "-c", str(main_path)],
            cwd=tmp,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tmp, "LC_ALL": "C"},
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
        diagnostics = lint_file(str(main_path)).diagnostics
        ours = [
            f"{Path(d.span.path).name}:{d.span.line}: {d.code} {d.message}"
            for d in diagnostics
            if d.code in LANGUAGE_CODES
        ]
        output = (proc.stdout + proc.stderr).replace(tmp, "{dir}").strip()
    return Verdicts(proc.returncode == 0, output, ours)


def describe(files: dict[str, str], verdicts: Verdicts) -> str:
    shown = "\n".join(f"--- {name}\n{text}" for name, text in files.items())
    said = "accepts" if verdicts.monit_ok else "rejects"
    return f"monit -t {said} it ({verdicts.monit_output!r}); monitlint says {verdicts.ours}\n{shown}"


@fuzz(40)
@given(config=fs.valid_config())
def test_generated_configs_agree_with_monit(config: fs.GeneratedConfig) -> None:
    files = {"monitrc": config.main_text("{dir}/conf.d/included.monitrc" if config.included else None)}
    if config.included:
        files["conf.d/included.monitrc"] = config.included_text()
    verdicts = judge(files)
    event("monit accepts" if verdicts.monit_ok else "monit rejects")
    assert verdicts.agree, describe(files, verdicts)


@fuzz(25)
@given(composed=fs.composed_forms(ACCEPTED))
def test_composed_statement_forms_agree_with_monit(composed: tuple[list[str], str]) -> None:
    names, text = composed
    verdicts = judge({"monitrc": text})
    assert verdicts.agree, f"forms {names}: " + describe({"monitrc": text}, verdicts)


def test_the_generator_makes_mostly_valid_configs() -> None:
    """A generator of valid configs must mostly produce configs Monit accepts, or (d) tests little."""
    accepted = 0
    examples: list[fs.GeneratedConfig] = []

    @settings(max_examples=15, derandomize=True, database=None, deadline=None)
    @given(config=fs.valid_config())
    def collect(config: fs.GeneratedConfig) -> None:
        examples.append(config)

    collect()
    for config in examples:
        files = {"monitrc": config.main_text("{dir}/inc.monitrc" if config.included else None)}
        if config.included:
            files["inc.monitrc"] = config.included_text()
        accepted += judge(files).monit_ok
    assert accepted >= 0.8 * len(examples), f"only {accepted} of {len(examples)} generated configs are valid"


# --- regression tests: every disagreement and crash the fuzzers found --------------------------

PROC = 'check process p with pidfile /run/p.pid\n    start program = "/bin/true"\n    stop program = "/bin/true"\n'
FILE = "check file f with path /etc/hostname\n"
HOST = "check host h with address 127.0.0.1\n"
NET = "check network n with interface lo\n"


def glob_of(count: int) -> dict[str, str]:
    files = {"monitrc": "set daemon 30\ninclude {dir}/conf.d/*\n"}
    files.update({f"conf.d/s{i:05d}.conf": f"check file f{i} with path /etc/hostname\n" for i in range(count)})
    return files


@dataclass
class Disagreement:
    """A control file Monit and monitlint judge differently, with Monit's verdict."""

    files: dict[str, str]
    monit_accepts: bool
    reason: str


# Where monitlint and `monit -t` (Debian's 5.33) disagreed when the fuzzers found them; all fixed
# since, and kept as regression tests: Monit's verdict is pinned, and monitlint must match it.
DISAGREEMENTS: dict[str, Disagreement] = {
    # MON006 compiles regexes with Python's re; Monit uses POSIX extended regcomp (glibc).
    "regex-nested-repeat": Disagreement(
        {"monitrc": 'check process p matching "a**"\n'}, True, "POSIX ERE accepts `a**`; MON006 reports it"
    ),
    "regex-unmatched-close-paren": Disagreement(
        {"monitrc": FILE + '    if match "a)" then alert\n'}, True, "POSIX ERE takes a lone `)` literally"
    ),
    "regex-repeated-interval": Disagreement(
        {"monitrc": 'check process p matching "a{1}{2}"\n'}, True, "POSIX ERE accepts `a{1}{2}`"
    ),
    "regex-perl-inline-flag": Disagreement(
        {"monitrc": 'check process p matching "(?i)foo"\n'},
        False,
        "`(?i)` is Python-only; Monit: Invalid preceding regular expression",
    ),
    "regex-perl-non-capturing-group": Disagreement(
        {"monitrc": 'check process p matching "(?:x)"\n'}, False, "`(?:` is Python-only"
    ),
    "regex-unclosed-interval": Disagreement(
        {"monitrc": FILE + '    ignore match "a{1"\n'}, False, "Monit: Unmatched \\{; Python takes `a{1` literally"
    ),
    "regex-repetition-over-re-dup-max": Disagreement(
        {"monitrc": 'check process p matching "a{32768}"\n'},
        False,
        "glibc's RE_DUP_MAX is 32767: Regular expression too big",
    ),
    "regex-in-url-content-unchecked": Disagreement(
        {"monitrc": PROC + '    if failed url http://127.0.0.1/ and content = "(?i)x" then alert\n'},
        False,
        "the regex of `url ... content` is not checked at all",
    ),
    "regex-in-expect-unchecked": Disagreement(
        {"monitrc": PROC + '    if failed port 80 send "x" expect "(?i)x" then alert\n'},
        False,
        "the regex of `send ... expect` is not checked at all",
    ),
    # MON006 bounds a restart limit's cycles to 64, as for rates; Monit does not.
    "restart-limit-over-64-cycles": Disagreement(
        {"monitrc": PROC + "    if 1 restarts within 65 cycles then unmonitor\n"},
        True,
        "Monit has no 64-cycle bound here",
    ),
    # Checksums of the wrong length (Monit: "invalid checksum").
    "checksum-expect-wrong-length": Disagreement(
        {"monitrc": FILE + "    if failed md5 checksum expect abc then alert\n"}, False, "Monit: Invalid checksum [abc]"
    ),
    "checksum-expect-md5-for-sha1": Disagreement(
        {"monitrc": FILE + "    if failed sha1 checksum expect 8f7f419955cefa0b33a2ba316cba3659 then alert\n"},
        False,
        "a 32-digit checksum is not a SHA1",
    ),
    "http-checksum-wrong-length": Disagreement(
        {"monitrc": PROC + '    if failed port 80 protocol http request "/x" checksum abc then alert\n'},
        False,
        "Monit: invalid checksum [abc]",
    ),
    # Range limits of `total ... in last N unit` (Monit: "Maximum range for total test is 24 hours").
    "total-range-over-24-hours": Disagreement(
        {"monitrc": NET + "    if total uploaded > 1 GB in last 25 hours then alert\n"}, False, "max 24 hours"
    ),
    "total-range-over-60-minutes": Disagreement(
        {"monitrc": NET + "    if total uploaded > 1 GB in last 61 minutes then alert\n"},
        False,
        "Monit: Maximum value for [minute(s)] unit is 60",
    ),
    "total-range-2-days": Disagreement(
        {"monitrc": NET + "    if total downloaded > 1 GB in last 2 days then alert\n"}, False, "max 24 hours"
    ),
    # Monit's scanner reads a single-quoted name in a depends list up to the LAST quote on the line.
    "depends-two-single-quoted-names": Disagreement(
        {
            "monitrc": "set daemon 30\n"
            + FILE.replace(" f ", " a ")
            + FILE.replace(" f ", " b ")
            + FILE.replace(" f ", " c ")
            + "    depends on 'a', 'b'\n"
        },
        False,
        "Monit: Depending service 'a', 'b' is not defined",
    ),
    # Monit's include limit counts every pending file of a glob on its include stack, not only nesting.
    "glob-of-1025-files": Disagreement(glob_of(1025), False, "Monit: include files limit reached"),
    # Monit reads numbers with atoi(): values of 2**31 and more wrap around.
    "daemon-wraps-to-zero": Disagreement(
        {"monitrc": "set daemon 4294967296\n"}, False, "atoi wraps 2**32 to 0: Poll time is invalid"
    ),
    "repeat-every-wraps-negative": Disagreement(
        {"monitrc": PROC + '    if cpu > 90% then exec "/bin/true" repeat every 2147483648 cycles\n'},
        False,
        "Monit: The number of repeat cycles must be greater or equal to 0",
    ),
    "rate-cycles-wrap-to-one": Disagreement(
        {"monitrc": PROC + "    if cpu > 90% for 4294967297 cycles then alert\n"}, True, "atoi wraps 2**32+1 to 1"
    ),
}


@pytest.mark.parametrize("name", sorted(DISAGREEMENTS))
def test_known_disagreement_monit_verdict(name: str) -> None:
    case = DISAGREEMENTS[name]
    verdicts = judge(case.files)
    assert verdicts.monit_ok == case.monit_accepts, describe(case.files, verdicts)


@pytest.mark.parametrize("name", sorted(DISAGREEMENTS))
def test_fixed_disagreement_monitlint(name: str, tmp_path: Path) -> None:
    case = DISAGREEMENTS[name]
    for file_name, text in case.files.items():
        target = tmp_path / file_name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text.replace("{dir}", str(tmp_path)))
    ours = [d for d in lint_file(str(tmp_path / "monitrc")).diagnostics if d.code in LANGUAGE_CODES]
    assert (not ours) == case.monit_accepts, [(d.code, d.message) for d in ours]


# Boundaries where both agree today, pinned against the real Monit.
AGREEMENTS: dict[str, tuple[str, bool]] = {
    "rate-64-cycles": (PROC + "    if cpu > 90% for 64 cycles then alert\n", True),
    "rate-65-cycles": (PROC + "    if cpu > 90% for 65 cycles then alert\n", False),
    "rate-0-cycles": (PROC + "    if cpu > 90% for 0 cycles then alert\n", False),
    "permission-7777": (FILE + "    if failed permission 7777 then alert\n", True),
    "permission-17777": (FILE + "    if failed permission 17777 then alert\n", False),
    "permission-8": (FILE + "    if failed permission 8 then alert\n", False),
    "ping-size-1492": (HOST + "    if failed ping size 1492 then alert\n", True),
    "ping-size-1493": (HOST + "    if failed ping size 1493 then alert\n", False),
    "total-range-24-hours": (NET + "    if total uploaded > 1 GB in last 24 hours then alert\n", True),
    "regex-32767": ('check process p matching "a{32767}"\n', True),
    "regex-min-over-max": ('check process p matching "a{2,1}"\n', False),
    "depends-double-quoted-names": (
        "set daemon 30\n"
        + FILE.replace(" f ", " a ")
        + FILE.replace(" f ", " b ")
        + FILE.replace(" f ", " c ")
        + '    depends on "a", "b"\n',
        True,
    ),
    "depends-self": ("set daemon 30\n" + FILE + "    depends on f\n", False),
    "name-case-conflict": ("check file a with path /etc/hostname\ncheck file A with path /etc/hostname\n", False),
    "single-quoted-name-greedy": (
        "check file 'a' with path /etc/hostname\ncheck file 'b' with path '/etc/hostname'\n",
        False,
    ),
    "daemon-99999999999": ("set daemon 99999999999\n", True),
    "certificate-checksum-untyped-md5": (
        HOST + "    if failed port 443 ssl certificate checksum 0123456789abcdef0123456789abcdef then alert\n",
        True,
    ),
    "certificate-checksum-sha1-of-32-digits": (
        HOST + "    if failed port 443 ssl certificate checksum sha1 0123456789abcdef0123456789abcdef then alert\n",
        False,
    ),
    "file-checksum-uppercase-hex": (
        FILE + "    if failed checksum expect 8F7F419955CEFA0B33A2BA316CBA3659 then alert\n",
        True,
    ),
}


@pytest.mark.parametrize("name", sorted(AGREEMENTS))
def test_boundary_agreement(name: str) -> None:
    text, accepted = AGREEMENTS[name]
    verdicts = judge({"monitrc": text})
    assert verdicts.monit_ok == accepted, describe({"monitrc": text}, verdicts)
    assert verdicts.agree, describe({"monitrc": text}, verdicts)


def test_glob_of_1024_files_agrees() -> None:
    verdicts = judge(glob_of(1024))
    assert verdicts.monit_ok and verdicts.agree, verdicts


# --- regression tests: crashes ----------------------------------------------------------------------


def test_regex_repetition_overflow(tmp_path: Path) -> None:
    # Monit: "Regex parsing error: Regular expression too big"; monitlint reports MON006.
    result = lint_text('check process p matching "a{4294967296}"\n', str(tmp_path / "monitrc"))
    assert "MON006" in {d.code for d in result.diagnostics}


def test_deeply_nested_regex(tmp_path: Path) -> None:
    # Monit accepts 2000 nested groups; so must monitlint.
    text = 'check process p matching "' + "(" * 2000 + "a" + ")" * 2000 + '"\n'
    result = lint_text(text, str(tmp_path / "monitrc"))
    assert not [d for d in result.diagnostics if d.code in LANGUAGE_CODES]


def test_cli_regex_repetition_overflow(tmp_path: Path) -> None:
    path = tmp_path / "monitrc"
    path.write_text('check process p matching "a{4294967296}"\n')
    result = run_cli("check", "--no-cache", "--isolated", str(path))
    assert result.exit_code == 1 and "MON006" in result.stdout, result.stderr


def test_cli_deeply_nested_regex(tmp_path: Path) -> None:
    path = tmp_path / "monitrc"
    path.write_text('check process p matching "' + "(" * 2000 + "a" + ")" * 2000 + '"\n')
    result = run_cli("check", "--no-cache", "--isolated", "--format", "json", str(path))
    assert result.exit_code == 1 and result.stderr == "", result.stderr
    found = {d["code"] for d in json.loads(result.stdout)["diagnostics"]}
    # Accepted as Monit accepts it: what fails the file is the missing stop program, not the pattern.
    assert "MON101" in found and not found & LANGUAGE_CODES, found


def test_posix_character_class_prints_no_warning(tmp_path: Path) -> None:
    path = tmp_path / "monitrc"
    path.write_text('check process p matching "[[:digit:]]+"\n')
    result = run_cli("check", "--no-cache", "--isolated", str(path))
    assert result.exit_code == 1 and result.stderr == "", result.stderr
    assert "MON101" in result.stdout and "MON006" not in result.stdout, result.stdout  # the class is valid POSIX


def test_junit_output_with_control_characters_is_well_formed(tmp_path: Path) -> None:
    path = tmp_path / "monitrc"
    path.write_bytes(b"\x07\n")
    result = run_cli("check", "--no-cache", "--isolated", "--format", "junit", str(path))
    assert result.exit_code == 1
    report = xml.dom.minidom.parseString(result.stdout)
    failures = report.getElementsByTagName("failure")
    assert failures and report.documentElement.getAttribute("failures") == "1", result.stdout
    assert not XML_ILLEGAL.search(result.stdout), result.stdout  # the BEL is left out or escaped, never written raw
