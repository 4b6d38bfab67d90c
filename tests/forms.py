"""The coverage suite: one small control file per statement form of `man monit` (Monit 5.33).

`ACCEPTED` forms must be accepted by both `monit -t` and monitlint; `REJECTED` forms must be
rejected by `monit -t` for a language reason, with monitlint reporting MON001 (or, for the
semantic checks, MON006/MON201/MON203) on the same line.  test_forms.py writes each form to
its own file and runs both.
"""

from __future__ import annotations

PROC = 'check process p with pidfile /run/p.pid\n    start program = "/bin/true"\n    stop program = "/bin/true"\n'
FILE = "check file f with path /etc/hostname\n"
FIFO = "check fifo q with path /run/q.fifo\n"
FS = "check filesystem fs with path /\n"
DIR = "check directory d with path /tmp\n"
HOST = "check host h with address 127.0.0.1\n"
SYS = "check system s\n"
PROG = "check program g with path /bin/true\n    if status != 0 then alert\n"
NET = "check network n with interface lo\n"

SIMPLE_PROTOCOLS = (
    "default",
    "clamav",
    "dns",
    "dwp",
    "fail2ban",
    "ftp",
    "gps",
    "imap",
    "imaps",
    "ldap2",
    "ldap3",
    "lmtp",
    "memcache",
    "mongodb",
    "nntp",
    "ntp3",
    "pop",
    "pops",
    "postfix-policy",
    "rdate",
    "redis",
    "rsync",
    "sieve",
    "spamassassin",
    "ssh",
    "tns",
)

ACCEPTED: dict[str, str] = {
    # --- set statements -------------------------------------------------------------------
    "set-daemon": "set daemon 30\n",
    "set-daemon-start-delay": "set daemon 30 with start delay 240\n",
    "set-daemon-noise": "set daemon is 60\n",
    "set-terminal-batch": "set terminal batch\n",
    "set-init": "set daemon 30\nset init\n",
    "set-onreboot-start": "set onreboot start\n",
    "set-onreboot-nostart": "set onreboot nostart\n",
    "set-onreboot-laststate": "set onreboot laststate\n",
    "set-log-syslog": "set log syslog\n",
    "set-log-syslog-facility": "set logfile syslog facility log_daemon\n",
    "set-pidfile": "set pidfile /run/monit-test.pid\n",
    "set-eventqueue-basedir": "set eventqueue basedir /var/lib/monit/events slots 100\n",
    "set-eventqueue-slots": "set eventqueue slots 5000\n",
    "set-expectbuffer": "set expectbuffer 10 kb\n",
    "set-limits-all": (
        "set limits {\n    programOutput: 512 B\n    sendExpectBuffer: 256 B\n    fileContentBuffer: 512 B\n"
        "    httpContentBuffer: 1 MB\n    networkTimeout: 5 s\n    programTimeout: 300 s\n"
        "    stopTimeout: 30 s\n    startTimeout: 30 s\n    restartTimeout: 30 s\n}\n"
    ),
    "set-limits-empty": "set limits {}\n",
    "set-limits-ms": "set limits { networkTimeout: 500 ms }\n",
    "set-ssl-options": "set ssl { verify: enable, selfsigned: allow, version: auto -tlsv11 }\n",
    "set-ssl-cipher": 'set ssl options { ciphers: "ECDHE-RSA-AES256-GCM-SHA384" }\n',
    "set-ssl-version-list": "set tls { version: tlsv12 tlsv13 }\n",
    "set-mail-format": (
        "set mail-format {\n    from: Monit <monit@example.com>\n    reply-to: ops@example.com\n"
        "    subject: $SERVICE $EVENT\n    message: $EVENT on $HOST: $DESCRIPTION\n}\n"
    ),
    "set-mail-format-from-only": "set mail-format { from: monit@example.com }\n",
    "set-alert": "set alert ops@example.com\n",
    "set-alert-only-on": "set alert ops@example.com only on { timeout, nonexist, exec }\n",
    "set-alert-but-not-on": "set alert ops@example.com but not on { instance, action, pid, ppid }\n",
    "set-alert-mail-format": "set alert ops@example.com with mail-format { subject: alarm }\n",
    "set-alert-reminder": "set alert ops@example.com with reminder on 10 cycles\n",
    "set-alert-all": "set alert ops@example.com not on { instance } with mail-format { subject: x\n} reminder 3\n",
    "set-mailserver": "set mailserver localhost\n",
    "set-mailserver-list": "set mailserver smtp1.example.com port 25, smtp2.example.com, localhost\n",
    "set-mailserver-full": (
        'set mailserver smtp.example.com port 587 username "monit@example.com" password "pw" using tls\n'
        "    with timeout 30 seconds using hostname mon.example.com\n"
    ),
    "set-mailserver-ssl-options": "set mailserver smtp.example.com port 465 with ssl { verify: enable }\n",
    "set-mmonit": "set mmonit http://monit:monit@127.0.0.1:8080/collector\n",
    "set-mmonit-options": (
        "set mmonit https://monit:monit@127.0.0.1:8443/collector with timeout 10 seconds\n"
        "    and register without credentials\n"
    ),
    "set-httpd-port": "set httpd port 2812 use address localhost allow localhost\n",
    "set-httpd-readonly-port": "set httpd port 2812 read-only allow localhost\n",
    "set-httpd-unixsocket": "set httpd unixsocket /run/monit-t.sock allow localhost\n",
    "set-httpd-unixsocket-options": "set httpd unixsocket /run/monit-t.sock uid root gid root permission 0660\n"
    "    allow localhost\n",
    "set-httpd-allow-user": 'set httpd port 2812 allow admin:"pass word" allow guest:guest read-only\n',
    "set-httpd-allow-pam": "set httpd port 2812 allow @root allow @root read-only\n",
    "set-httpd-allow-net": "set httpd port 2812 allow 10.0.0.0/8 allow 192.168.1.0/255.255.255.0 allow ::1\n",
    "set-httpd-signature": "set httpd port 2812 signature disable allow localhost\n",
    "set-httpd-merge": "set httpd port 2812 allow localhost\nset httpd unixsocket /run/m.sock allow localhost\n",
    "set-httpd-noise-order": "set httpd port 2812 and\n    use address 127.0.0.1\n    allow localhost\n",
    # --- check headers ---------------------------------------------------------------------
    "check-process-pidfile": PROC,
    "check-process-path": "check process p with path /run/p.pid\n",
    "check-process-matching": 'check process p matching "^/usr/sbin/sshd"\n',
    "check-process-matching-unquoted": "check process p matching sshd\n",
    "check-process-no-type": "check p with pidfile /run/p.pid\n",
    "check-process-quoted-name": 'check process "my app" with pidfile /run/p.pid\n',
    "check-process-upper": 'CHECK PROCESS P WITH PIDFILE /run/p.pid\n    START PROGRAM = "/bin/true"\n',
    "check-file": FILE,
    "check-fifo": FIFO,
    "check-filesystem": FS,
    "check-filesystem-device": "check filesystem fs with path /dev/sda1\n",
    "check-filesystem-name": "check filesystem fs with path tmpfs\n",
    "check-device": "check device fs with path /\n",
    "check-directory": DIR,
    "check-host": HOST + "    if failed port 22 then alert\n",
    "check-host-ipv6": "check host h with address ::1\n    if failed port 22 then alert\n",
    "check-system": SYS,
    "check-system-host": "check system $HOST\n",
    "check-program": PROG,
    "check-program-args": 'check program g with path "/bin/echo hello world" with timeout 10 seconds\n'
    "    if status != 0 then alert\n",
    "check-program-uid": 'check program g with path "/bin/true" as uid root and gid root\n'
    "    if status != 0 then alert\n",
    "check-network-interface": NET,
    "check-network-address": "check network n with address 127.0.0.1\n",
    # --- methods and block statements --------------------------------------------------------
    "method-forms": (
        "check process p with pidfile /run/p.pid\n"
        '    start program = "/bin/true"\n    stop program "/bin/true"\n    restart = "/bin/true"\n'
    ),
    "method-glued": 'check process p with pidfile /run/p.pid\n    startprogram="/bin/true"\n',
    "method-unquoted-path": "check process p with pidfile /run/p.pid\n    start program /bin/true\n",
    "method-single-quoted": "check process p with pidfile /run/p.pid\n    start '/bin/true'\n",
    "method-extra-args": 'check process p with pidfile /run/p.pid\n    start program = "/bin/echo" "a b" c\n',
    "method-uid-gid-timeout": (
        "check process p with pidfile /run/p.pid\n"
        '    start program = "/bin/true" as uid root and gid root with timeout 60 seconds\n'
    ),
    "method-multiline": 'check process p with pidfile /run/p.pid\n    start program = "/bin/sh -c\n      true"\n',
    "method-inner-quotes": "check process p with pidfile /run/p.pid\n"
    "    start program = \"/bin/sh -c 'echo a > /dev/null'\"\n",
    "depends-list": PROC + "    depends on f, d\n" + FILE + DIR,
    "depends-multiline": PROC + "    depends on f,\n       d\n" + FILE + DIR,
    "group": PROC + "    group www\n    group web\n",
    "every-cycles": PROC + "    every 2 cycles\n",
    "every-cron": PROC + '    every "0-5 * * * 1-5"\n',
    "not-every-cron": PROC + "    not every '* 0-6 * * *'\n",
    "mode-active": PROC + "    mode active\n",
    "mode-passive": PROC + "    mode passive\n",
    "mode-manual": PROC + "    mode manual\n",
    "onreboot-block": PROC + "    onreboot laststate\n",
    "alert-block": PROC + "    alert ops@example.com on { timeout }\n    noalert dev@example.com\n",
    "restart-limit": PROC + "    if 3 restarts within 5 cycles then unmonitor\n",
    "restart-limit-timeout": PROC + "    if 5 restarts with 5 cycles then timeout\n",
    "restart-limit-singular": PROC + "    if 2 restart 3 cycle then alert\n",
    # --- actions, rates and recovery ------------------------------------------------------------------
    "action-alert": PROC + "    if cpu > 50% then alert\n",
    "action-restart-start-stop": PROC + "    if cpu > 90% then restart\n    if cpu > 95% then stop\n"
    "    if cpu > 99% then start\n    if cpu > 98% then unmonitor\n",
    "action-exec": PROC + '    if cpu > 90% then exec "/bin/echo cpu"\n',
    "action-exec-options": PROC + '    if cpu > 90% then exec "/bin/echo cpu" as uid root and gid root'
    " repeat every 3 cycles\n",
    "action-exec-single-quoted": PROC + "    if cpu > 90% then exec '/bin/echo'\n",
    "rate-for-cycles": PROC + "    if cpu > 90% for 5 cycles then alert\n",
    "rate-times-within": PROC + "    if cpu > 90% 3 times within 5 cycles then alert\n",
    "rate-bare": PROC + "    if cpu > 90% 3 5 cycles then alert\n",
    "else-action": PROC + "    if cpu > 90% then alert else alert\n",
    "else-if-succeeded": PROC + "    if cpu > 90% then alert else if succeeded then alert\n",
    "else-if-recovered-rate": PROC + "    if failed port 80 then restart else if recovered 2 cycles then alert\n",
    "else-if-passed": PROC + '    if cpu > 90% then alert else if passed then exec "/bin/true"\n',
    "noise-heavy": PROC + "    if the cpu usage is greater than 50% for the last 3 cycles then alert\n",
    "separators": PROC + "    (if memory > 10% then alert),\n    if cpu > 50% then alert;\n",
    "operators-words": PROC + "    if cpu gt 50% then alert\n    if cpu less than 1% then alert\n"
    "    if memory ne 5 MB then alert\n    if threads >= 5 then alert\n",
    # --- process tests --------------------------------------------------------------------------------
    "process-exist": PROC + "    if does not exist then restart\n    if exist then alert\n",
    "process-pid-ppid": PROC + "    if changed pid then alert\n    if changed ppid then alert\n",
    "process-uid-gid-euid": PROC + "    if failed uid root then alert\n    if failed gid 0 then alert\n"
    "    if failed euid root then alert\n",
    "process-secattr": PROC + '    if failed security attribute "unconfined" then alert\n',
    "process-fds": PROC + "    if filedescriptors > 800 then alert\n    if filedescriptors > 80% then alert\n"
    "    if total filedescriptors > 1000 then alert\n",
    "process-uptime": PROC + "    if uptime < 3 minutes then alert\n    if uptime > 3 days then restart\n",
    "process-resources": PROC + "    if cpu > 50% then alert\n    if total cpu > 60% then alert\n"
    "    if memory > 200 MB then alert\n    if memory usage > 10% then alert\n"
    "    if total memory > 1 GB then alert\n    if threads > 100 then alert\n"
    "    if children > 20 then alert\n",
    "process-loadavg": PROC + "    if loadavg (1min) > 4 then alert\n    if loadavg (5min) per core > 1.5 then alert\n",
    "process-io": PROC + "    if read rate > 1 MB/s then alert\n    if write > 500 kB/s then alert\n"
    "    if disk read > 10 MB/s then alert\n    if disk write rate > 200 operations/s then alert\n",
    "process-port": PROC + "    if failed port 80 then restart\n",
    "process-host-port-protocol": PROC + "    if failed host 127.0.0.1 port 80 protocol http then restart\n",
    "process-port-options": PROC
    + "    if failed port 53 type udp protocol dns with timeout 5 seconds retry 2 then alert\n",
    "process-port-send-expect": PROC + '    if failed port 6379 send "PING\\r\\n" expect "PONG" then alert\n',
    "process-port-tcpssl": PROC + "    if failed port 443 type tcpssl tlsv12 then alert\n",
    "process-port-ssl-options": PROC + "    if failed port 443 with ssl { verify: enable } then alert\n",
    "process-port-ipv6": PROC + "    if failed host ::1 port 22 ipv6 protocol ssh then alert\n",
    "process-port-certificate": PROC
    + "    if failed port 443 protocol https and certificate valid > 30 days then alert\n",
    "process-port-responsetime": PROC + "    if failed port 80 responsetime < 200 ms then alert\n",
    "process-unixsocket": PROC + "    if failed unixsocket /run/p.sock then restart\n",
    "process-unix-protocol": PROC + "    if failed unix /run/postgresql/.s.PGSQL.5432 protocol pgsql then restart\n",
    "process-url": PROC + '    if failed url http://127.0.0.1:8080/health and content = "ok" then restart\n',
    "process-url-credentials": PROC
    + "    if failed url https://user:pw@example.com/status with timeout 10 seconds then alert\n",
    "process-succeeded-port": PROC + "    if succeeded port 80 then alert else if failed then alert\n",
    # --- protocols --------------------------------------------------------------------------------
    "protocol-http-options": PROC + '    if failed port 80 protocol http request "/health" status = 200\n'
    '        hostheader "example.com" method get then restart\n',
    "protocol-http-credentials": PROC + '    if failed port 80 protocol http username "u" password "p" then alert\n',
    "protocol-http-headers": PROC + "    if failed port 80 protocol http http headers [Host: example.com, "
    "Accept: text/plain] then alert\n",
    "protocol-http-checksum": PROC + "    if failed port 80 protocol http request /x checksum "
    "8f7f419955cefa0b33a2ba316cba3659 then alert\n",
    "protocol-https": PROC + "    if failed port 443 protocol https then alert\n",
    "protocol-simple": PROC
    + "".join(f"    if failed port {900 + i} protocol {name} then alert\n" for i, name in enumerate(SIMPLE_PROTOCOLS)),
    "protocol-mysql": PROC + '    if failed port 3306 protocol mysql username "u" password "p" then alert\n',
    "protocol-pgsql": PROC
    + '    if failed port 5432 protocol pgsql username "u" password "p" database "db" then alert\n',
    "protocol-smtp": PROC + '    if failed port 25 protocol smtp username "u" password "p" then alert\n',
    "protocol-mqtt": PROC + "    if failed port 1883 protocol mqtt then alert\n",
    "protocol-radius": PROC + '    if failed port 1812 type udp protocol radius secret "s" then alert\n',
    "protocol-sip": PROC
    + "    if failed port 5060 type udp protocol sip target monit@example.com maxforward 10 then alert\n",
    "protocol-websocket": PROC
    + '    if failed port 80 protocol websocket request /ws origin "http://a.b" version 13 then alert\n',
    "protocol-apache-status": PROC
    + "    if failed port 80 protocol apache-status loglimit > 10% or waitlimit > 20% then alert\n",
    # --- file, fifo, directory tests ------------------------------------------------------------------
    "file-exist": FILE + "    if does not exist then alert\n",
    "file-timestamp": FILE + "    if timestamp > 15 minutes then alert\n    if mtime < 1 hour then alert\n"
    "    if changed timestamp then alert\n    if changed ctime then alert\n",
    "file-timestamp-words": FILE + "    if modification time older than 2 days then alert\n"
    "    if access timestamp > 1 month then alert\n",
    "file-permission": FILE
    + "    if failed permission 644 then alert\n    if changed permission then alert else alert\n",
    "file-uid-gid": FILE + "    if failed uid root then alert\n    if failed gid root then alert\n",
    "file-checksum": FILE + "    if changed checksum then alert\n    if changed sha1 checksum then alert\n",
    "file-checksum-expect": FILE + "    if failed md5 checksum expect 8f7f419955cefa0b33a2ba316cba3659 then alert\n",
    "file-size": FILE + "    if size > 100 MB then alert\n    if changed size then alert\n",
    "file-content": FILE + '    if content = "ERROR" then alert\n    if content != "^ok" then alert\n',
    "file-ignore-content": FILE + '    ignore content = "debug"\n    if content = "ERROR" then alert\n',
    "file-match": FILE + '    if match "ERROR" then alert\n    ignore match "DEBUG"\n    if not match "x" then alert\n',
    "fifo-tests": FIFO + "    if failed permission 660 then alert\n    if timestamp > 1 hour then alert\n",
    "directory-tests": DIR + "    if changed timestamp then alert\n    if failed uid root then alert\n",
    # --- filesystem tests ---------------------------------------------------------------------------------
    "fs-space": FS + "    if space usage > 80% then alert\n    if space free < 1 GB then alert\n",
    "fs-inode": FS + "    if inode usage > 90% then alert\n    if inodes free < 1000 then alert\n",
    "fs-io": FS + "    if read rate > 10 MB/s then alert\n    if write rate > 500 operations/s then alert\n",
    "fs-servicetime": FS + "    if service time > 300 milliseconds for 5 cycles then alert\n",
    "fs-fsflags": FS + "    if changed fsflags then alert\n",
    "fs-permission": FS + "    if failed permission 755 then alert\n",
    # --- host, system, program, network -------------------------------------------------------------------------
    "host-ping": HOST
    + "    if failed ping then alert\n    if failed ping4 count 3 size 64 with timeout 5 seconds then alert\n",
    "host-ping-responsetime": HOST + "    if failed ping responsetime > 100 ms then alert\n",
    "host-icmp": HOST + "    if failed icmp type echo then alert\n",
    "host-succeeded-ping": HOST + "    if succeeded ping6 then alert\n",
    "host-url": HOST + "    if failed url http://127.0.0.1/ then alert\n",
    "system-resources": SYS + "    if loadavg (15min) > 2 then alert\n    if cpu usage > 95% then alert\n"
    "    if cpu (user) > 80% then alert\n    if cpu usage (system) > 30% then alert\n"
    "    if cpu (wait) > 20% then alert\n    if memory usage > 75% then alert\n"
    "    if swap usage > 25% then alert\n",
    "system-fds-uptime": SYS + "    if filedescriptors > 90% then alert\n    if uptime < 10 minutes then alert\n",
    "program-content": PROG + '    if content = "FAIL" then alert\n    if changed status then alert\n',
    "network-tests": NET + "    if link down then alert\n    if changed link capacity then alert\n"
    "    if saturation > 90% then alert\n    if upload > 10 MB/s then alert\n"
    "    if download > 1000 packets/s then alert\n"
    "    if total downloaded > 1 GB in last 2 hours then alert\n"
    "    if total upload > 10 GB in last day then alert\n",
    "network-link-up": NET + "    if link up then alert else if failed then alert\n",
    # --- lexical ------------------------------------------------------------------------------------------------
    "lexical-crlf": "set daemon 30\r\ncheck system s\r\n    if cpu > 95% then alert\r\n",
    "lexical-no-final-newline": "set daemon 30\ncheck system s",
    "lexical-empty": "",
    "lexical-comments-only": "# nothing here\n   # indented\n",
    "lexical-tabs": "set daemon\t30\ncheck\tsystem s\n\tif cpu > 95% then alert\n",
    "lexical-backslash": "set daemon \\\n  30\n",
    "lexical-percent-glued-then": SYS + "    if cpu > 95%then alert\n",
    "program-args-continue": PROC + "    group\n    www\n",  # `group` + newline: more stop arguments
    "mail-format-lone-word": "set mail-format {\n  from: nobody\n  reply-to: Ops <ops>\n}\n",
    "lexical-name-with-hash": "check process foo#bar with pidfile /run/x.pid\n",
}

REJECTED: dict[str, str] = {
    "glued-operator": SYS + "    if cpu>80% then alert\n",
    "glued-operator-value": SYS + "    if cpu >80% then alert\n",
    "glued-unit": PROC + "    if memory > 80MB then alert\n",
    "daemon-seconds": "set daemon 30s\n",
    "daemon-negative": "set daemon -5\n",
    "if-without-then": SYS + "    if cpu > 80% alert\n",
    "test-without-if": SYS + "    cpu > 80% then alert\n",
    "cpu-in-file": FILE + "    if cpu > 80% then alert\n",
    "space-in-process": PROC + "    if space usage > 80% then alert\n",
    "ping-in-process": PROC + "    if failed ping then alert\n",
    "port-in-file": FILE + "    if failed port 80 then alert\n",
    "checksum-in-directory": DIR + "    if changed checksum then alert\n",
    "exist-in-host": HOST + "    if failed port 80 then alert\n    if does not exist then alert\n",
    "swap-in-process": PROC + "    if swap > 10% then alert\n",
    "status-in-process": PROC + "    if status != 0 then alert\n",
    "link-in-system": SYS + "    if link down then alert\n",
    "process-without-target": 'check process p\n    start program = "/bin/true"\n',
    "process-relative-pidfile": "check process p with pidfile run/p.pid\n",
    "file-relative-path": "check file f with path etc/hostname\n",
    "start-single-quotes-after-equal": "check process p with pidfile /run/p.pid\n    start program = '/bin/true'\n",
    "start-unquoted-after-equal": "check process p with pidfile /run/p.pid\n    start program = /bin/true\n",
    "start-empty": 'check process p with pidfile /run/p.pid\n    start program = ""\n',
    "start-programs": 'check process p with pidfile /run/p.pid\n    start programs = "/bin/true"\n',
    "depends-space-separated": PROC + "    depends on f d\n" + FILE + DIR,
    "depends-next-line": PROC + "    depends on\n      f\n" + FILE,
    "group-with-space": PROC + '    group "my group"\n',
    "else-after-changed": FILE + "    if changed checksum then alert else alert\n",
    "else-after-restart-limit": PROC + "    if 3 restarts within 5 cycles then alert else alert\n",
    "port-quoted": PROC + '    if failed port "80" then alert\n',
    "alert-quoted-address": 'set alert "ops@example.com"\n',
    "alert-two-addresses": "set alert a@example.com, b@example.com\n",
    "alert-empty-filter": "set alert ops@example.com on {}\n",
    "alert-unknown-event": "set alert ops@example.com on { ping }\n",
    "alert-reminder-before-format": "set alert ops@example.com reminder 3 with mail-format { subject: x }\n",
    "mail-format-empty": "set mail-format { }\n",
    "mail-format-no-address": "set mail-format {\n  from: Nobody Here\n}\n",
    "mail-format-quoted-name-only": 'set mail-format {\n  from: "Foo Bar"\n}\n',
    "unknown-protocol": PROC + "    if failed port 80 protocol gopher then alert\n",
    "http-option-after-break": PROC
    + '    if failed port 80 protocol http with timeout 5 seconds request "/" then alert\n',
    "timeout-action-in-test": PROC + "    if cpu > 90% then timeout\n",
    "monitor-action": PROC + "    if cpu > 90% then monitor\n",
    "every-step-cron": PROC + '    every "*/5 * * * *"\n',
    "every-six-fields": PROC + '    every "0 0 * * * *"\n',
    "every-cycle-word": PROC + "    every cycle\n",
    "keyword-as-password": "set httpd port 2812 allow admin:secret\n",
    "unbalanced-quotes": 'set alert ops@example.com with mail-format { subject: "x }\ncheck system "s\n',
    "stray-bang": SYS + "    if cpu > 80% then alert !\n",
    "stray-ampersand-statement": SYS + "    & if cpu > 80% then alert\n",
    "check-without-name": "check process\n",
    "truncated-if": SYS + "    if cpu > 80%\n",
    "truncated-set": "set daemon\n",
    "set-log-relative": "set log monit.log\n",
    "limits-no-colon": "set limits { programOutput 512 B }\n",
    "limits-minutes": "set limits { networkTimeout: 1 minute }\n",
    "rate-without-cycles": SYS + "    if cpu > 80% for 3 times within 5 then alert\n",
    "method-timeout-minutes": (
        'check process p with pidfile /run/p.pid\n    start program = "/bin/true" with timeout 1 minute\n'
    ),
    "program-timeout-before-uid": 'check program g with path "/bin/true" with timeout 5 seconds as uid root\n'
    "    if status != 0 then alert\n",
    "size-real": FILE + "    if size > 1.5 MB then alert\n",
    "url-quoted": PROC + '    if failed url "http://127.0.0.1/" then alert\n',
    "url-ftp": PROC + "    if failed url ftp://127.0.0.1/ then alert\n",
    "cpu-user-in-process": PROC + "    if cpu (user) > 80% then alert\n",
    "load-without-avg": SYS + "    if load > 5 then alert\n",
    "total-two-spaces": PROC + "    if total  cpu > 50% then alert\n",
    "days-as-d": FILE + "    if timestamp > 2 d then alert\n",
    "weeks": FILE + "    if timestamp > 2 weeks then alert\n",
    "set-in-block-then-if": "set daemon 30\ncheck system s\nset log syslog\n    if cpu > 80% then alert\n",
}

# Semantic checks of `monit -t` (monitlint: MON006 monit-rejects, MON201, MON203).
REJECTED_SEMANTIC: dict[str, tuple[str, str]] = {
    "restart-limit-more-restarts": (PROC + "    if 5 restarts within 3 cycles then unmonitor\n", "MON006"),
    "restart-limit-zero": (PROC + "    if 0 restarts within 3 cycles then unmonitor\n", "MON006"),
    "rate-too-many-cycles": (PROC + "    if cpu > 90% for 65 cycles then alert\n", "MON006"),
    "rate-more-events-than-cycles": (PROC + "    if cpu > 90% 6 times within 5 cycles then alert\n", "MON006"),
    "permission-not-octal": (FILE + "    if failed permission 0999 then alert\n", "MON006"),
    "host-without-test": (HOST + "    alert ops@example.com\n", "MON006"),
    "program-without-test": ("check program g with path /bin/true\n    group x\n", "MON006"),
    "name-starting-with-slash": ("check process /abs with pidfile /run/p.pid\n", "MON006"),
    "duplicate-name": (PROC + "check file P with path /etc/hostname\n", "MON201"),
    "bad-regex": ('check process p matching "a(b"\n', "MON006"),
    "ping-size": (HOST + "    if failed ping size 4 then alert\n", "MON006"),
    "syslog-facility": ("set log syslog facility log_user\n", "MON006"),
}
