"""Hover texts: what Monit does with a keyword (a short summary of its manual), and a rule code's documentation."""

from __future__ import annotations

import re

# Written for monitlint from what Monit's manual says each does, in a sentence or two.
KEYWORDS: dict[str, str] = {
    "check": "`check TYPE NAME …` begins a service: Monit watches it every cycle and runs the block's tests.",
    "process": "`check process NAME with pidfile PATH | matching REGEX`: a running process, found by its pidfile "
    "or by matching its command line.",
    "file": "`check file NAME with path PATH`: a regular file (existence, permissions, checksum, size, content …).",
    "fifo": "`check fifo NAME with path PATH`: a named pipe.",
    "filesystem": "`check filesystem NAME with path PATH`: a mounted file system (space, inodes, flags, I/O).",
    "directory": "`check directory NAME with path PATH`: a directory (existence, permissions, timestamps).",
    "host": "`check host NAME with address ADDR`: a remote host, tested by `if failed ping|port …`.",
    "system": "`check system NAME`: this machine (load average, CPU, memory, swap, uptime).",
    "program": "`check program NAME with path PATH`: runs PATH each cycle and tests its exit status and output.",
    "network": "`check network NAME with interface IF`: a network interface (link, speed, traffic).",
    "set": "`set …` is a global setting: the daemon's interval, log, mail server, httpd, alerts …",
    "daemon": "`set daemon N`: run as a daemon, checking every N seconds (`with start delay S` waits after boot).",
    "logfile": "`set log PATH | syslog`: where Monit writes its log.",
    "log": "`set log PATH | syslog`: where Monit writes its log.",
    "httpd": "`set httpd port N …`: Monit's web interface and the API `monit status/start/stop` use; "
    "`allow` says who may connect.",
    "allow": "`allow USER:PASSWORD`, `allow HOST`, `allow NET/MASK`: who may use Monit's httpd "
    "(without an allow, no one can, and the CLI cannot reach the daemon).",
    "mailserver": "`set mailserver HOST [port N] …`: the SMTP server(s) alerts are sent through, tried in order.",
    "alert": "`alert ADDRESS [on { events }]` (global with `set alert`): who gets mail about events; "
    "as an action, `then alert` only sends one.",
    "noalert": "`noalert ADDRESS`: this service sends no mail to an address set globally.",
    "start": '`start program = "CMD" [as uid U] [with timeout N seconds]`: how Monit starts the service '
    "(no shell, no PATH; default timeout 30 s). As an action, `then start`.",
    "stop": '`stop program = "CMD"`: how Monit stops the service; without it `monit stop` only stops '
    "monitoring. As an action, `then stop` stops it and monitoring.",
    "restart": '`restart program = "CMD"`: how Monit restarts the service (default: stop, then start). '
    "As an action, `then restart`.",
    "if": "`if CONDITION [N cycles] then ACTION [else if succeeded then ACTION]`: a test, run every cycle.",
    "then": "`then ACTION`: what Monit does when the test's condition holds: alert, restart, start, stop, "
    "exec, unmonitor.",
    "exec": '`then exec "CMD"`: run a program (no shell) when the test fails; `repeat every N cycles` repeats it.',
    "unmonitor": "`then unmonitor`: stop monitoring the service (no more tests nor restarts until `monit monitor`).",
    "depends": "`depends on NAME[, NAME]`: start those services first, stop this one before them, "
    "and restart it when they restart.",
    "group": "`group NAME`: puts the service in a group, for `monit -g NAME start|stop|restart`.",
    "every": '`every N cycles` or `every "CRON"`: test the service only then.',
    "mode": "`mode active|passive|manual`: passive services are only alerted on, never started or stopped.",
    "onreboot": "`onreboot start|nostart|laststate`: what Monit does with the service when it starts.",
    "pidfile": "`with pidfile PATH`: the process whose id is in PATH (`set pidfile`: Monit's own).",
    "matching": '`matching "REGEX"`: the process whose command line matches (the first one found, by uptime).',
    "path": "`with path PATH`: the file, directory, file system or program the service is about.",
    "address": "`with address HOST`: the host name or IP address tested.",
    "cpu": "`if cpu > N% …`: the process's (or system's) CPU use; `totalcpu` includes the children.",
    "memory": "`if memory > N MB | N% …`: the process's (or system's) memory; `totalmemory` includes the children.",
    "totalmemory": "`if totalmemory > N …`: the memory of the process and all its children.",
    "children": "`if children > N …`: how many child processes the process has.",
    "loadavg": "`if loadavg (1min|5min|15min) > N …`: the system's load average.",
    "space": "`if space usage > N% …`: a file system's used space (or `space free < N GB`).",
    "inode": "`if inode usage > N% …`: a file system's used inodes.",
    "failed": "`if failed port N | host … | ping …`: a connection test; `if failed` also tests a program's "
    "status or a checksum.",
    "port": "`port N [type tcp|udp|tcpssl] [protocol P] …`: the port a connection test connects to.",
    "protocol": "`protocol http|smtp|…`: the conversation a port test has with the server.",
    "timestamp": "`if changed timestamp` or `if timestamp > N minutes`: when the file was last changed.",
    "checksum": "`if changed checksum` or `if failed [md5|sha1] checksum expect HASH`: the file's content.",
    "permission": "`if failed permission 0644`: the file's mode.",
    "uid": "`if failed uid USER`: the file's (or process's) owner.",
    "gid": "`if failed gid GROUP`: the file's (or process's) group.",
    "size": "`if size > N MB`: the file's size.",
    "content": '`if content = "REGEX"`: a line added to the file matches (read from where Monit stopped).',
    "status": "`if status != 0`: a program's exit status (`check program`).",
    "exist": "`if does not exist`: the service's target is missing (default action: restart).",
    "exists": "`if exists`: the service's target exists.",
    "uptime": "`if uptime < N minutes`: how long the process (or system) has been running.",
    "timeout": "`with timeout N seconds`: how long Monit waits for a program or connection (default 30 s / 5 s).",
    "cycles": "`N cycles`: a condition must hold for N checks in a row (or `N times within M cycles`).",
    "include": "`include PATH-OR-GLOB`: read other control files here; a glob's matches are read in reverse "
    "sorted order, and a relative path is resolved against Monit's working directory.",
    "mmonit": "`set mmonit URL`: send events and status to an M/Monit server.",
    "eventqueue": "`set eventqueue basedir PATH`: keep alerts that could not be sent and retry them.",
    "statefile": "`set statefile PATH`: where Monit keeps services' monitoring state across restarts.",
    "idfile": "`set idfile PATH`: where Monit keeps its unique id (for M/Monit).",
    "limits": "`set limits { … }`: Monit's own limits (program output, send/expect buffers, timeouts).",
}

_CODE = re.compile(r"MON\d{3}", re.IGNORECASE)


def rule_hover(word: str) -> str | None:
    """Markdown about the rule ``word`` names (a code such as MON101, or a rule name), None if it names none."""
    from monitlint.linter.catalog import find_rule

    if not (_CODE.fullmatch(word) or "-" in word):
        return None
    rule = find_rule(word.upper() if _CODE.fullmatch(word) else word)
    if rule is None:
        return None
    return f"**{rule.code} {rule.name}** ({rule.severity})\n\n{rule.summary}\n\n{rule.doc}"


def keyword_hover(word: str) -> str | None:
    """What Monit does with the keyword ``word``, None when it is not one described here."""
    text = KEYWORDS.get(word.lower())
    return f"**{word.lower()}** (Monit)\n\n{text}" if text is not None else None
