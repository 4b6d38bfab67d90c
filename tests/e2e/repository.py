"""A realistic infrastructure repository with planted mistakes, built in a temporary folder."""

from __future__ import annotations

import subprocess
from pathlib import Path

MONITRC = """\
# Installed as /etc/monit/monitrc
set daemon 30
set log syslog
# planted: the web interface on every address with the default password (MON302, MON303)
set httpd port 2812 and use address 0.0.0.0
    allow admin:monit
set mailserver localhost
set alert ops@example.com

include /etc/monit/conf.d/*
"""

CONF_D = {
    "nginx": """\
check process nginx with pidfile /run/nginx.pid
    group www
    start program = "/usr/sbin/service nginx start"
    stop program = "/usr/sbin/service nginx stop" with timeout 60 seconds
    if failed port 80 protocol http then restart
""",
    # planted: no stop program (MON101), deprecated `mode manual` (MON504), no timeouts (MON107)
    "app": """\
check process app with pidfile /run/app.pid
    start program = "/usr/bin/app start" as uid root and gid root
    mode manual
    depends on nginx
""",
    # planted: the deprecated `if failed link` (MON504)
    "network": """\
check network lo with interface lo
    if failed link then alert
""",
    "worker": """\
check process worker with pidfile /run/worker.pid
    start program = "/usr/bin/worker start" with timeout 20 seconds
    stop program = "/usr/bin/worker stop" with timeout 20 seconds
    depends on nginx, app
""",
}

ROLE = {
    "roles/monit/tasks/main.yml": "- name: Install monit\n  ansible.builtin.apt:\n    name: monit\n",
    "roles/monit/templates/monitrc.j2": "set daemon {{ monit_interval }}\n",
    "roles/monit/handlers/main.yml": "- name: Reload monit\n  ansible.builtin.command: monit reload\n",
    "roles/monit/README.md": "# monit role\n",
    # planted: a plain Monit file of the role whose matching is too generic (MON405)
    "roles/monit/files/monit.d/celery": (
        "check process celery matching python\n"
        '    start program = "/usr/sbin/service celery start" with timeout 10 seconds\n'
        '    stop program = "/usr/sbin/service celery stop" with timeout 10 seconds\n'
    ),
}

VENDOR = {
    # gitignored: never the team's to fix
    "vendor/monit/monitrc": 'set daemon 30\ncheck process third with pidfile /run/x.pid\n  start program = "x"\n',
}

CONFIG = 'root = "."\nentrypoints = ["etc/monit/monitrc"]\n'


def build(top: Path) -> Path:
    """Write the repository under ``top`` (a git checkout), and return it."""
    files = {
        ".monitlint.toml": CONFIG,
        ".gitignore": "vendor/\n",
        "etc/monit/monitrc": MONITRC,
        **{f"etc/monit/conf.d/{name}": text for name, text in CONF_D.items()},
        **ROLE,
        **VENDOR,
        "docker/Dockerfile": "FROM debian:12\nRUN apt-get install -y monit\n",
    }
    for name, text in files.items():
        path = top / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        path.chmod(0o600 if "monit" in name else 0o644)
    subprocess.run(["git", "init", "-q", str(top)], check=True, capture_output=True)
    return top
