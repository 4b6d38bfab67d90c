#!/usr/bin/python
# Copyright: monitlint developers
# MIT License (see https://opensource.org/licenses/MIT)
"""Ansible module monitlint.monit.service: a thin shell over monitlint's provider on the managed host."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: service
short_description: Start, stop, restart, monitor or unmonitor a Monit service, safely
version_added: "0.1.0"
description:
  - Drives a service of the Monit daemon on the managed host through monitlint's provider
    (C(monitlint service)), which lints the control file first, acts through the C(monit)
    executable and verifies the real process state before reporting success.
  - The lint gate refuses to act on a service with an error-severity finding (for example
    MON101, a process without a stop program, which C(monit stop) would mark "Not monitored"
    while leaving it running); the task then fails with the findings in its result.
  - The current state is read first, and for C(started) and C(stopped) decided exactly as the
    action would decide it (C(monitlint service ensure --dry-run)), so a pending stop is waited
    for and a monitored service whose process died is not C(stopped)). Nothing is done, and
    C(changed) is false, when the service is already in the requested state.
    C(restarted) always acts.
  - Runs on the managed host with its Python interpreter, which must be able to import
    monitlint (install monitlint there, and point C(ansible_python_interpreter) at that
    Python when monitlint lives in a virtualenv).
options:
  name:
    description:
      - The Monit service name, as in the control file (Monit compares names without regard
        to case). C(all) and names starting with C(-) are refused.
    type: str
    required: true
  state:
    description:
      - C(started) and C(stopped) are idempotent and verified by the process table.
      - C(restarted) always restarts and verifies a new process runs.
      - C(monitored) and C(unmonitored) switch Monit's monitoring of the service; C(unmonitored)
        leaves the process as it is.
    type: str
    required: true
    choices: [started, stopped, restarted, monitored, unmonitored]
  control_file:
    description:
      - The control file of the running Monit daemon.
      - Defaults to the environment variable C(MONITLINT_CONTROL_FILE), else Monit's own search
        order (C(~/.monitrc), C(/etc/monitrc), C(/etc/monit/monitrc), ...).
    type: path
  timeout:
    description:
      - Seconds to wait for the change to settle, a number above 0.
      - Default is monitlint's own deadline (the service's program timeouts, plus those of
        services Monit is busy with, plus two daemon cycles).
    type: float
requirements:
  - monitlint importable by the managed host's Python
  - monit (the executable and a running daemon with C(set httpd)) on the managed host
notes:
  - C(started) and C(stopped) judge by the process table and by Monit's monitoring, exactly as
    C(monitlint service ensure) does. C(started) means a process of the service runs and Monit
    monitors it without a failure: a running but unmonitored service is started (Monit monitors
    it and runs no second instance). C(stopped) means no process runs and Monit does not monitor
    it: a monitored service whose process died is stopped (else Monit would start it again).
    C(stopped) on a running, unmonitored service has Monit monitor it first (Monit runs no stop
    program for an unmonitored service), as C(steps) and C(notes) say.
  - There is no C(enabled) option. Monit keeps a service's start/stop state across reboots by
    itself; "not monitored" is runtime state, not "disabled at boot".
  - Supports check mode (the state is read, nothing is sent to Monit; a service the lint gate
    would refuse fails in check mode too) and diff mode (state, monitoring and pid, before and
    after).
author:
  - monitlint developers
"""

EXAMPLES = r"""
- name: Make sure nginx runs
  monitlint.monit.service:
    name: nginx
    state: started

- name: Stop the worker, with a private control file and a cap on the wait
  monitlint.monit.service:
    name: worker
    state: stopped
    control_file: /etc/monit/monitrc
    timeout: 60

- name: Restart after a configuration change
  monitlint.monit.service:
    name: nginx
    state: restarted

- name: Stop watching a service during maintenance (its process keeps running)
  monitlint.monit.service:
    name: backup
    state: unmonitored
"""

RETURN = r"""
msg:
  description: What was done, or would be done in check mode, in one line.
  returned: always
  type: str
  sample: "'nginx' started (pid 1234)"
service:
  description: The service name as Monit spells it.
  returned: always
  type: str
  sample: nginx
action:
  description: The monitlint call that produced the result (C(status) when nothing needed doing).
  returned: always
  type: str
  sample: ensure
state:
  description: C(running), C(stopped), C(pending) or C(unknown) for processes; C(monitored) or
    C(not monitored) for other service types. In check mode, the state before.
  returned: always
  type: str
  sample: running
monitored:
  description: Whether Monit monitors the service.
  returned: always
  type: bool
status:
  description: Monit's own status words for the service.
  returned: always
  type: str
  sample: OK
pid_before:
  description: The service's process before the call, as found in the process table.
  returned: always
  type: int
pid_after:
  description: The service's process after the call, as found in the process table.
  returned: always
  type: int
on_reboot:
  description: Monit's C(onreboot) setting for the service.
  returned: always
  type: str
mode:
  description: Monit's monitoring mode (active, passive, manual).
  returned: always
  type: str
steps:
  description: The monit actions sent, in order (empty when nothing was sent).
  returned: always
  type: list
  elements: str
  sample: [monitor, stop]
notes:
  description: What monitlint noticed on the way (pids it did not count and why, extra steps).
  returned: always
  type: list
  elements: str
findings:
  description: The service's own lint findings; on a refusal, the ones that caused it.
  returned: always
  type: list
  elements: dict
  sample: [{code: MON101, rule: missing-stop-program, severity: error, path: /etc/monit/conf.d/x, line: 3}]
in_state:
  description: For C(started) and C(stopped), whether the service already was in that state.
  returned: always
  type: bool
dry_run:
  description: Whether the result is monitlint's dry run (the current state read in check mode).
  returned: always
  type: bool
exit_code:
  description: The exit status C(monitlint service) would have had (0 ok, 1 failed, 2 environment
    or usage error, 3 refused by the lint gate).
  returned: always
  type: int
message:
  description: monitlint's own message.
  returned: always
  type: str
"""

import sys  # noqa: E402  (Ansible modules import after DOCUMENTATION)

from ansible.module_utils.basic import AnsibleModule, env_fallback  # noqa: E402

ACTIONS = {  # state -> the monitlint call that gets there
    "started": ("ensure", "running"),
    "stopped": ("ensure", "stopped"),
    "restarted": ("restart", None),
    "monitored": ("monitor", None),
    "unmonitored": ("unmonitor", None),
}
VERBS = {
    "started": "start",
    "stopped": "stop",
    "restarted": "restart",
    "monitored": "monitor",
    "unmonitored": "unmonitor",
}


def needs_action(state, current):
    """For monitored, unmonitored and restarted: whether the service, as `status` shows it, needs the call."""
    if state == "monitored":
        return not current.monitored
    if state == "unmonitored":
        return bool(current.monitored)
    return True  # restarted


def view(result, pid):
    """The part of a result that diff mode shows."""
    return {"state": result.state, "monitored": result.monitored, "pid": pid}


def fields(result):
    data = result.to_dict()
    for key in ("ok", "changed"):
        data.pop(key, None)
    return data


def summary(result):
    """The message, then each finding the message does not already name (a refusal names its first)."""
    lines = [result.message]
    for f in result.findings:
        where = f"{f.code} {f.rule} at {f.span.path}:{f.span.line}"
        lines.append(where + f": {f.message}" if where not in result.message else f.message)
    return "; ".join(lines)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            state=dict(type="str", required=True, choices=list(ACTIONS)),
            control_file=dict(type="path", fallback=(env_fallback, ["MONITLINT_CONTROL_FILE"])),
            timeout=dict(type="float"),
        ),
        supports_check_mode=True,
    )
    try:
        from monitlint.provider.service_command import run_service
    except ImportError as exc:
        module.fail_json(
            msg=f"install monitlint on the managed host: {sys.executable} cannot import it ({exc}); "
            "install it there (pip install monitlint), or set ansible_python_interpreter to a Python that has it"
        )
    name = module.params["name"]
    state = module.params["state"]
    control_file = module.params["control_file"]
    timeout = module.params["timeout"]
    if timeout is not None and not timeout > 0:
        module.fail_json(msg=f"timeout must be a number of seconds above 0 (got {timeout})")

    action, target = ACTIONS[state]
    if target is not None:
        # Decided as the action decides it: pending actions waited for, a crashed but monitored service not stopped.
        before = run_service("ensure", name, target, control_file=control_file, timeout=timeout, dry_run=True)
        needed = before.exit_code != 0 or not before.in_state
    else:
        before = run_service("status", name, control_file=control_file, timeout=timeout)
        needed = needs_action(state, before)
    # A refusal is reported by the real call itself ("nothing was sent"); in check mode by the dry run.
    if before.exit_code != 0 and not (before.exit_code == 3 and not module.check_mode):
        module.fail_json(msg=summary(before), **fields(before))
    diff_before = view(before, before.pid_after)

    if not needed:
        module.exit_json(
            changed=False, msg=before.message, diff=dict(before=diff_before, after=diff_before), **fields(before)
        )

    if module.check_mode:
        refusal = gate_refusal(name, control_file) if target is None else None
        if refusal:
            module.fail_json(msg=f"{VERBS[state]} '{name}' would be refused: " + summary(refusal), **fields(refusal))
        predicted = dict(diff_before)
        if state in ("started", "restarted"):
            predicted.update(state="running", monitored=True, pid=None)
        elif state == "stopped":
            predicted.update(state="stopped", monitored=False, pid=None)
        else:
            predicted.update(monitored=state == "monitored")
        module.exit_json(
            changed=True,
            msg=before.message
            if before.dry_run
            else f"would {VERBS[state]} '{before.service}' (now: {before.message})",
            diff=dict(before=diff_before, after=predicted),
            **fields(before),
        )

    result = run_service(action, name, target, control_file=control_file, timeout=timeout)
    if result.exit_code != 0:
        module.fail_json(msg=summary(result), changed=bool(result.changed), **fields(result))
    module.exit_json(
        changed=bool(result.changed),
        msg=result.message,
        diff=dict(before=diff_before, after=view(result, result.pid_after)),
        **fields(result),
    )


def gate_refusal(name, control_file):
    """In check mode: the result the lint gate would give, if it would refuse to act (else None)."""
    from monitlint.provider.control_file import lint_gate, locate_control_file
    from monitlint.provider.errors import EXIT_REFUSED, ProviderError
    from monitlint.provider.provider import ActionResult

    try:
        verdict = lint_gate(locate_control_file(control_file), name)
    except ProviderError:
        return None  # the real run would report it; status already read the same file
    if not verdict.blocking:
        return None
    first = verdict.blocking[0]
    return ActionResult(
        service=name,
        action="check",
        ok=False,
        changed=False,
        state="unknown",
        message=f"the control file fails linting: {first.code} {first.rule} at {first.span.path}:{first.span.line}",
        exit_code=EXIT_REFUSED,
        findings=list(verdict.blocking),
    )


if __name__ == "__main__":
    main()
