"""An Ansible callback for the tests: one JSON line per task result, in the file named by MONITLINT_ANSIBLE_LOG."""

from __future__ import annotations

import json
import os
from typing import Any

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: jsonlines
type: aggregate
short_description: one JSON line per task result (monitlint's tests)
description: Writes host, task, status and the module's result to the file named by MONITLINT_ANSIBLE_LOG.
"""


class CallbackModule(CallbackBase):  # type: ignore[misc]
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "jsonlines"
    CALLBACK_NEEDS_ENABLED = True

    def _write(self, status: str, result: Any) -> None:
        host = getattr(result, "host", None) or result._host
        task = getattr(result, "task", None) or result._task
        data = getattr(result, "result", None)
        if not isinstance(data, dict):
            data = result._result
        line = {"host": host.get_name(), "task": task.get_name(), "status": status, "result": data}
        with open(os.environ["MONITLINT_ANSIBLE_LOG"], "a") as handle:
            handle.write(json.dumps(line, default=str) + "\n")

    def v2_runner_on_ok(self, result: Any) -> None:
        self._write("ok", result)

    def v2_runner_on_failed(self, result: Any, ignore_errors: bool = False) -> None:
        self._write("failed", result)

    def v2_runner_on_skipped(self, result: Any) -> None:
        self._write("skipped", result)

    def v2_runner_on_unreachable(self, result: Any) -> None:
        self._write("unreachable", result)
