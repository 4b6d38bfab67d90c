"""Host facts for templates: pinned from a file, gathered on this machine when asked, else fixed placeholders.

Nothing of this machine is read unless the command line asks (``--gather-facts``, or
``MONITLINT_GATHER_FACTS=1`` for a CI job you control): then ansible-core's own fact collectors
(``ansible.module_utils.facts``, the code the ``setup`` module runs) gather a subset that needs no
network, no root and runs no program of Ansible's (``GATHERED``; Python's ``platform.architecture()``
runs ``file`` on the interpreter), or, without ansible-core, a few facts read
here (``values.local_facts``).  Otherwise the templates see ``PLACEHOLDER_FACTS``, the same on
every machine, so CI renders what a laptop renders; ``-v`` names the facts assumed.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from enum import Enum
from typing import Any

from monitlint.templates.values import local_facts, read_mapping

GATHER_ENV = "MONITLINT_GATHER_FACTS"

# The collectors gathered (ansible-core's names): no `env` (CI secrets), no `local` (it runs
# /etc/ansible/facts.d programs), no `network` or `caps` (they run programs), no `ssh_pub_keys`.
GATHERED = frozenset(
    {
        "platform",
        "distribution",
        "python",
        "service_mgr",
        "pkg_mgr",
        "dns",
        "user",
        "lsb",
        "selinux",
        "apparmor",
        "fips",
        "date_time",
        "hardware",
    }
)

# What a template sees when no facts are given: a Debian 12 host with documentation addresses.
# The host names are the inventory host's when one is chosen (still the same on every machine).
PLACEHOLDER_FACTS: dict[str, Any] = {
    "hostname": "localhost",
    "nodename": "localhost",
    "fqdn": "localhost.localdomain",
    "domain": "localdomain",
    "system": "Linux",
    "kernel": "6.1.0-18-amd64",
    "architecture": "x86_64",
    "machine": "x86_64",
    "userspace_bits": "64",
    "os_family": "Debian",
    "distribution": "Debian",
    "distribution_release": "bookworm",
    "distribution_version": "12.5",
    "distribution_major_version": "12",
    "processor_vcpus": 2,
    "processor_cores": 2,
    "processor_count": 1,
    "processor_nproc": 2,
    "processor_threads_per_core": 1,
    "memtotal_mb": 2048,
    "memfree_mb": 1024,
    "swaptotal_mb": 0,
    "python_version": "3.11.2",
    "service_mgr": "systemd",
    "pkg_mgr": "apt",
    "user_id": "root",
    "default_ipv4": {"address": "192.0.2.10", "interface": "eth0", "gateway": "192.0.2.1", "netmask": "255.255.255.0"},
    "all_ipv4_addresses": ["192.0.2.10"],
    "interfaces": ["lo", "eth0"],
}


class FactsSource(Enum):
    """Where the facts a template sees came from."""

    FILE = "a facts file"
    GATHERED = "gathered on this machine by ansible-core's fact collectors"
    LOCAL = "read on this machine (ansible-core is not installed: a few facts only)"
    PLACEHOLDER = "placeholders"


class _Module:
    """What ansible-core's collectors ask of the ``setup`` module: finding and running programs, here refused."""

    def __init__(self) -> None:
        self.params: dict[str, Any] = {"gather_subset": ["!all"], "gather_timeout": 10, "filter": []}
        self.check_mode = False

    def get_bin_path(self, _name: str, required: bool = False, opt_dirs: Any = None) -> None:
        """No program is found: the collectors fall back to reading files."""
        return None

    def run_command(self, *_args: Any, **_kwargs: Any) -> tuple[int, str, str]:
        """No program is run."""
        return 1, "", "not run by monitlint"

    def warn(self, _message: str) -> None:
        """Warnings of the collectors are not shown."""

    def debug(self, _message: str) -> None:
        """Nor their debugging."""

    def deprecate(self, *_args: Any, **_kwargs: Any) -> None:
        """Nor their deprecations."""


def ansible_facts() -> dict[str, Any] | None:
    """This machine's facts by ansible-core's collectors (``GATHERED``), or None without ansible-core."""
    try:
        from ansible.module_utils.facts import ansible_collector, default_collectors
        from ansible.module_utils.facts.namespace import PrefixFactNamespace
    except Exception:
        return None
    collector = ansible_collector.get_ansible_collector(
        all_collector_classes=default_collectors.collectors,
        namespace=PrefixFactNamespace(namespace_name="ansible", prefix="ansible_"),
        gather_subset=["!all"],  # GATHERED is the minimal set: it alone is collected
        gather_timeout=10,
        minimal_gather_subset=GATHERED,
    )
    # A collector that fails writes its exception to stderr and the others go on: keep it off the report.
    with contextlib.redirect_stderr(io.StringIO()), _distro_reading_files_only():
        facts = collector.collect(module=_Module())
    return {k: v for k, v in facts.items() if k.startswith("ansible_")}


@contextlib.contextmanager
def _distro_reading_files_only() -> Iterator[None]:
    """While facts are gathered, the ``distro`` library ansible-core uses reads os-release files only.

    Its shared instance runs ``lsb_release -a`` and ``uname -rs`` the first time it is asked (not
    through the module above, which refuses programs); one made without those sources reads the
    same ``/etc/os-release`` and runs nothing.
    """
    try:
        import ansible.module_utils.distro as distro  # the `distro` package ansible-core picked
    except Exception:
        yield
        return
    shared = getattr(distro, "_distro", None)
    maker = getattr(distro, "LinuxDistribution", None)
    if shared is None or maker is None:
        yield
        return
    distro._distro = maker(include_lsb=False, include_uname=False, include_oslevel=False)
    try:
        yield
    finally:
        distro._distro = shared


def placeholder_facts(host: str | None) -> dict[str, Any]:
    """``PLACEHOLDER_FACTS``, named after the inventory host when there is one."""
    facts = dict(PLACEHOLDER_FACTS)
    if host:
        short, _, domain = host.partition(".")
        facts.update(hostname=short, nodename=short, fqdn=host if domain else f"{short}.localdomain")
        facts["domain"] = domain or "localdomain"
    return facts


def host_facts(facts_file: str | None, gather: bool, host: str | None) -> tuple[dict[str, Any], FactsSource]:
    """The facts templates see: the file's (raises ValuesError), gathered when asked, else placeholders."""
    if facts_file:
        return read_mapping(facts_file), FactsSource.FILE
    if gather:
        gathered = ansible_facts()
        if gathered is not None:
            return gathered, FactsSource.GATHERED
        return local_facts(), FactsSource.LOCAL
    return placeholder_facts(host), FactsSource.PLACEHOLDER


def facts_note(source: FactsSource, facts: dict[str, Any]) -> str:
    """The ``-v`` note saying where the facts came from (the assumed ones named, with their values)."""
    if source is FactsSource.PLACEHOLDER:
        shown = ", ".join(f"ansible_{k}={v}" for k, v in facts.items() if not isinstance(v, dict | list))
        return (
            "no host facts given: templates see placeholder facts, the same on every machine (--facts FILE to pin "
            f"yours, --gather-facts to gather this machine's): {shown}"
        )
    return f"host facts: {source.value}"
