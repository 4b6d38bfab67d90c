"""Reading values files: YAML (role defaults and vars, ``--template-vars``), JSON or YAML facts."""

from __future__ import annotations

import json
import os
from typing import Any

# A values file larger than this is refused: they are small, and a stranger's could be huge.
MAX_VALUES_BYTES = 4 * 1024 * 1024


class ValuesError(Exception):
    """A values file that cannot be read or is not a mapping; the message is one line."""


def read_mapping(path: str, *, trusted_as_template: bool = False) -> dict[str, Any]:
    """The mapping in a YAML or JSON file (ansible-core's loader when installed: it knows ``!unsafe``, ``!vault``)."""
    try:
        size = os.stat(path).st_size
    except OSError as exc:
        raise ValuesError(f"{path}: cannot read: {exc.strerror}") from None
    if size > MAX_VALUES_BYTES:
        raise ValuesError(f"{path}: larger than {MAX_VALUES_BYTES} bytes")
    data: Any
    try:
        from ansible.parsing.dataloader import DataLoader
    except Exception:
        DataLoader = None
    try:
        if DataLoader is not None:
            data = DataLoader().load_from_file(path, cache="none", trusted_as_template=trusted_as_template)
        else:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
            if path.endswith(".json"):
                data = json.loads(text)
            else:
                import yaml

                data = yaml.safe_load(text)
    except Exception as exc:  # a stranger's file: one line, never a traceback
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValuesError(f"{path}: not valid YAML or JSON: {first}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValuesError(f"{path}: expected a mapping of names to values")
    return dict(data)


def facts_variables(facts: dict[str, Any]) -> dict[str, Any]:
    """Facts as a play sees them: ``ansible_facts`` and each fact as ``ansible_<name>``."""
    inner = facts.get("ansible_facts", facts)
    if not isinstance(inner, dict):
        return {}
    names = {str(k).removeprefix("ansible_"): v for k, v in inner.items()}
    out: dict[str, Any] = {"ansible_facts": names}
    out.update({f"ansible_{k}": v for k, v in names.items()})
    return out


def _memtotal_mb() -> int:
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    return 1024


def local_facts() -> dict[str, Any]:
    """The few facts templates use, gathered from this machine as Ansible's setup would name them."""
    import platform
    import socket

    facts: dict[str, Any] = {
        "hostname": socket.gethostname().split(".")[0],
        "fqdn": socket.getfqdn(),
        "nodename": platform.node(),
        "system": platform.system(),
        "architecture": platform.machine(),
        "domain": socket.getfqdn().partition(".")[2],
        "kernel": platform.release(),
        "machine": platform.machine(),
        "processor_vcpus": os.cpu_count() or 1,
        "processor_cores": os.cpu_count() or 1,
        "processor_count": 1,
        "processor_threads_per_core": 1,
        "python_version": platform.python_version(),
        "memtotal_mb": _memtotal_mb(),
        "service_mgr": "systemd" if os.path.isdir("/run/systemd/system") else "sysvinit",
    }
    release: dict[str, str] = {}
    try:
        with open("/etc/os-release", encoding="utf-8") as handle:
            for line in handle:
                key, _, value = line.strip().partition("=")
                release[key] = value.strip('"')
    except OSError:
        pass
    family = {"debian": "Debian", "ubuntu": "Debian", "rhel": "RedHat", "centos": "RedHat", "fedora": "RedHat"}
    distro = release.get("ID", "")
    facts["distribution"] = release.get("NAME", distro).split()[0] if release else "Debian"
    facts["distribution_release"] = release.get("VERSION_CODENAME", "")
    facts["distribution_major_version"] = release.get("VERSION_ID", "").split(".")[0]
    facts["os_family"] = family.get(distro, family.get(release.get("ID_LIKE", "").split(" ")[0], "Debian"))
    facts["default_ipv4"] = {"address": "127.0.0.1"}
    return facts
