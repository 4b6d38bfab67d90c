"""Malformed traffic never ends the server: raw bytes over stdio, then a normal request is still answered.

A fake client on purpose: a real one cannot send broken JSON.  The server is the real one, as a subprocess.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from typing import IO, Any

import pytest

pytest.importorskip("pygls", reason="the server extra (pygls) is not installed: pip install -e '.[test]'")

pytestmark = pytest.mark.slow


def _frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _send(stdin: IO[bytes], message: dict[str, Any]) -> None:
    stdin.write(_frame(json.dumps(message).encode()))
    stdin.flush()


def _read(stdout: IO[bytes]) -> dict[str, Any]:
    length = 0
    while True:
        line = stdout.readline()
        if not line:
            raise EOFError("the server closed its output")
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
        if line == b"\r\n":
            break
    message: dict[str, Any] = json.loads(stdout.read(length))
    return message


def _answer(stdout: IO[bytes], request_id: int) -> dict[str, Any]:
    while True:
        message = _read(stdout)
        if message.get("id") == request_id and "method" not in message:
            return message


def test_malformed_messages_leave_the_server_serving() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitlint", "server"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    stderr: list[bytes] = []
    drain = threading.Thread(target=lambda: stderr.append(proc.stderr.read()), daemon=True)  # type: ignore[union-attr]
    drain.start()
    try:
        _send(proc.stdin, {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
        assert "capabilities" in _answer(proc.stdout, 1)["result"]
        _send(proc.stdin, {"jsonrpc": "2.0", "method": "initialized", "params": {}})
        proc.stdin.write(_frame(b"{not json"))  # broken JSON
        proc.stdin.write(_frame(b"\xff\xfe\x00garbage"))  # not even text
        proc.stdin.write(_frame(b"[1, 2, 3]"))  # JSON, not a message
        _send(proc.stdin, {"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": {"bogus": True}})
        _send(proc.stdin, {"jsonrpc": "2.0", "id": 3, "method": "no/such/method", "params": {}})
        _send(
            proc.stdin,
            {
                "jsonrpc": "2.0",
                "method": "textDocument/didOpen",
                "params": {"textDocument": {"uri": "untitled:x", "languageId": "monitrc", "version": 1, "text": "x"}},
            },
        )
        _send(
            proc.stdin,
            {"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": "file:///nope"}}},
        )
        assert "error" in _answer(proc.stdout, 2)
        assert "error" in _answer(proc.stdout, 3)
        _send(
            proc.stdin,
            {
                "jsonrpc": "2.0",
                "id": 4,
                "method": "textDocument/documentSymbol",
                "params": {"textDocument": {"uri": "file:///not/open"}},
            },
        )
        answer = _answer(proc.stdout, 4)  # answered at all: the server is alive
        assert "result" in answer or "error" in answer
        _send(proc.stdin, {"jsonrpc": "2.0", "id": 5, "method": "shutdown"})
        assert _answer(proc.stdout, 5)["result"] is None
        _send(proc.stdin, {"jsonrpc": "2.0", "method": "exit"})
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    drain.join(timeout=60)
    assert b"Traceback" not in b"".join(stderr)
