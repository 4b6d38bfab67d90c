"""Every format is a valid document for any file name, and SARIF messages carry no live links.

Measured before the fixes: a file name that is not UTF-8 (``a\\xff.monitrc``) made
``--format sarif`` and ``--format gitlab`` end in ``internal error: UnicodeEncodeError``
(exit 2, no report), and JSON held it as a lone surrogate (``"\\udcff"``), which strict
parsers refuse.  A service named ``[Security fix](https://evil.example/fix.sh)`` became a
live link in SARIF viewers (SARIF 2.1.0 §3.11.6: brackets in plain-text messages are
escaped as ``\\[`` ``\\]``).  Now such a byte is shown as ``\\xff`` in all six formats.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.security._run import monitlint

FORMATS = ["text", "json", "sarif", "github", "gitlab", "junit"]
NAME = b"app\xff\xfe.monitrc"  # not UTF-8
SHOWN = "app\\xff\\xfe.monitrc"  # how every format names it
NO_STOP = b'check process app with pidfile /run/app.pid\n  start program = "/bin/true"\n'
LINK = "[Security fix](https://evil.example/fix.sh)"
UNESCAPED_BRACKET = re.compile(r"(?<!\\)[\[\]]")


def _write(folder: Path, name: bytes, data: bytes) -> None:
    path = os.path.join(os.fsencode(folder), name)
    with open(path, "wb") as handle:
        handle.write(data)
    os.chmod(path, 0o600)


def _document(output_format: str, stdout: str) -> list[str]:
    """The file names the document reports (parsing it is the validity check)."""
    if output_format == "json":
        document = json.loads(stdout)
        return [d["path"] for d in document["diagnostics"]] + [e["path"] for e in document["errors"]]
    if output_format == "sarif":
        run = json.loads(stdout)["runs"][0]
        locations = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]]
        notifications = run["invocations"][0]["toolExecutionNotifications"]
        return locations + [n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for n in notifications]
    if output_format == "gitlab":
        return [issue["location"]["path"] for issue in json.loads(stdout)]
    if output_format == "junit":
        return [case.get("name", "") for case in ElementTree.fromstring(stdout).iter("testcase")]
    if output_format == "github":
        return re.findall(r"file=([^,]*),", stdout)
    return re.findall(r"^(\S+?):\d+:\d+: ", stdout, re.MULTILINE)


@pytest.mark.parametrize("output_format", FORMATS)
def test_a_name_that_is_not_utf8_is_shown_one_way_in_a_valid_document(tmp_path: Path, output_format: str) -> None:
    _write(tmp_path, NAME, NO_STOP)
    run = monitlint("check", "--no-cache", "--isolated", "--format", output_format, ".", cwd=tmp_path)
    assert run.exit_code == 1, run.stderr
    assert "internal error" not in run.stderr and "\ufffd" not in run.stdout
    names = _document(output_format, run.stdout)
    wanted = "app%5Cxff%5Cxfe.monitrc" if output_format == "sarif" else SHOWN  # a URI: the same name, %-encoded
    assert names and set(names) == {wanted}, names


@pytest.mark.parametrize("output_format", FORMATS)
def test_an_unreadable_such_name_is_an_error_in_a_valid_document(tmp_path: Path, output_format: str) -> None:
    _write(tmp_path, NAME, b"\0binary")
    _write(tmp_path, b"ok.monitrc", NO_STOP)
    run = monitlint("check", "--no-cache", "--isolated", "--format", output_format, ".", cwd=tmp_path)
    assert run.exit_code == 2, run.stderr
    assert "internal error" not in run.stderr
    (error,) = [line for line in run.stderr.splitlines() if "binary file" in line]
    assert SHOWN in error
    if output_format in ("json", "sarif", "junit"):  # the formats that list unreadable files
        assert any("xff" in name for name in _document(output_format, run.stdout))


@pytest.mark.parametrize("output_format", FORMATS)
def test_a_folder_and_an_include_with_such_names(tmp_path: Path, output_format: str) -> None:
    folder = os.path.join(os.fsencode(tmp_path), b"conf\xe9.d")
    os.mkdir(folder)
    _write(Path(os.fsdecode(folder)), b"web\xff", b"check process web with pidfile /run/web.pid\n")
    _write(tmp_path, b"monitrc", b"set daemon 30\ninclude conf*/*\n")
    run = monitlint("check", "--no-cache", "--isolated", "--format", output_format, "monitrc", cwd=tmp_path)
    assert run.exit_code == 1, run.stderr
    assert "internal error" not in run.stderr
    names = _document(output_format, run.stdout)
    assert any("conf\\xe9.d/web\\xff" in name or "conf%5Cxe9.d/web%5Cxff" in name for name in names), names


def test_an_absolute_name_outside_the_current_folder_is_a_file_uri(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    _write(elsewhere, NAME, NO_STOP)
    here = tmp_path / "here"
    here.mkdir()
    absolute = os.fsdecode(os.path.join(os.fsencode(elsewhere), NAME))
    run = monitlint("check", "--no-cache", "--isolated", "--format", "sarif", absolute, cwd=here)
    assert run.exit_code == 1, run.stderr
    uris = _document("sarif", run.stdout)
    assert uris and all(uri.startswith("file:///") and uri.endswith("app%5Cxff%5Cxfe.monitrc") for uri in uris)


def test_fingerprints_agree_between_sarif_and_gitlab(tmp_path: Path) -> None:
    _write(tmp_path, NAME, NO_STOP)
    sarif = json.loads(monitlint("check", "--no-cache", "--isolated", "--format", "sarif", ".", cwd=tmp_path).stdout)
    gitlab = json.loads(monitlint("check", "--no-cache", "--isolated", "--format", "gitlab", ".", cwd=tmp_path).stdout)
    prints = {r["partialFingerprints"]["monitlint/v1"] for r in sarif["runs"][0]["results"]}
    assert prints == {issue["fingerprint"] for issue in gitlab}


# --- SARIF messages are plain text: no embedded links ---------------------------------------------------


def _sarif_texts(stdout: str) -> list[str]:
    run = json.loads(stdout)["runs"][0]
    notifications = run["invocations"][0]["toolExecutionNotifications"]
    return [r["message"]["text"] for r in run["results"]] + [n["message"]["text"] for n in notifications]


def test_a_service_named_like_a_link_is_no_link_in_sarif(tmp_path: Path) -> None:
    service = f'check process "{LINK}" with pidfile /run/app.pid\n  start program = "/bin/true"\n'
    (tmp_path / "monitrc").write_text(service)
    run = monitlint("check", "--no-cache", "--isolated", "--format", "sarif", "monitrc", cwd=tmp_path)
    texts = _sarif_texts(run.stdout)
    assert any("\\[Security fix\\](https://evil.example/fix.sh)" in text for text in texts), texts
    assert not [text for text in texts if UNESCAPED_BRACKET.search(text)], texts


def test_a_file_named_like_a_link_is_no_link_in_sarif_notifications(tmp_path: Path) -> None:
    (tmp_path / "monit.d").mkdir()
    (tmp_path / "monit.d" / "[x](https:").mkdir()
    (tmp_path / "monit.d" / "[x](https:" / "evil.example)").write_bytes(b"\0")
    run = monitlint("check", "--no-cache", "--isolated", "--format", "sarif", ".", cwd=tmp_path)
    assert run.exit_code == 2
    texts = _sarif_texts(run.stdout)
    assert texts and not [text for text in texts if UNESCAPED_BRACKET.search(text)], texts


def test_a_message_with_brackets_and_escapes_keeps_its_escapes_visible(tmp_path: Path) -> None:
    _write(tmp_path, b"x\x1b[2J].monitrc", b"\0")
    run = monitlint("check", "--no-cache", "--isolated", "--format", "sarif", ".", cwd=tmp_path)
    texts = _sarif_texts(run.stdout)
    assert any("x\\x1b\\[2J\\].monitrc" in text for text in texts), texts
    assert not [text for text in texts if UNESCAPED_BRACKET.search(text)], texts
    assert "\x1b" not in run.stdout
