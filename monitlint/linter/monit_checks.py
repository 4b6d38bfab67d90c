"""Monit's own checks after the grammar that rule MON006 reports (the ones of ``addport()``,
``sethttpd``, ``sendexpect``, ``_setPEM()``, ``_parseOutgoingAddress()``, ``addargument()``,
``sslversion`` and ``postparse()`` in Monit 5.33's ``src/p.y``).

Each check yields a :class:`Refusal`: what is wrong with Monit's own words, where, and how to
fix it.  Nothing here is a rule: MON006 turns the refusals into its findings.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from monitlint.linter.helpers import monit_number, programs
from monitlint.model import (
    Checksum,
    ConnectionTest,
    ControlFile,
    DaemonSetting,
    HashType,
    HttpdSetting,
    InitSetting,
    MailServerSetting,
    MMonitSetting,
    PingTest,
    Protocol,
    Service,
    SocketType,
    Span,
    SslOptions,
    SslSetting,
    Test,
)
from monitlint.runtime.records import record


@record(frozen=True, slots=True)
class Refusal:
    """One thing `monit -t` refuses: the message (with Monit's reason), where, and a fix."""

    message: str
    span: Span
    hint: str
    service: str | None = None


def _says(reason: str) -> str:
    return f'Monit says "{reason}"'


# --- checksums (`cleanup_hash_string()`: only the hex digits count, so `8F:7F:…` is fine) ---------

CHECKSUM_LENGTHS = {HashType.MD5: 32, HashType.SHA1: 40}
_HEX = frozenset("0123456789abcdefABCDEF")


def checksum_problem(checksum: Checksum, limit: int | None = None) -> str | None:
    """Why Monit refuses a checksum value, or None: 32 (MD5) or 40 (SHA1) hex digits, of the stated type.

    ``limit``: the characters Monit keeps of it (a file checksum test's buffer holds 65).
    """
    kept = (
        checksum.value
        if limit is None
        else checksum.value.encode("utf-8", "surrogateescape")[:limit].decode("utf-8", "ignore")
    )
    digits = sum(1 for char in kept if char in _HEX)
    stated = CHECKSUM_LENGTHS[checksum.hash] if checksum.hash is not None else None
    if stated is None and digits not in (32, 40):
        return f"unknown checksum type [{checksum.value}]: expect 32 (MD5) or 40 (SHA1) hex digits"
    if stated is not None and digits != stated:
        kind = "MD5" if stated == 32 else "SHA1"
        return f"invalid checksum [{checksum.value}]: an {kind} checksum is {stated} hex digits"
    return None


CHECKSUM_HINT = "copy the whole checksum: 32 hex digits for MD5, 40 for SHA1 (colons between bytes are fine)"


def _checksums(items: Iterable[Checksum], service: str | None = None) -> Iterator[Refusal]:
    for checksum in items:
        problem = checksum_problem(checksum)
        if problem:
            yield Refusal(problem, checksum.span, CHECKSUM_HINT, service)


# --- TLS options (`sslversion`, `_setPEM()`) ----------------------------------------------------------

# Monit's words for each file option (model field -> (keyword, description)).
PEM_OPTIONS = {
    "pemfile": ("pemfile", "SSL server PEM file"),
    "pemchain": ("pemchain", "SSL certificate chain PEM file"),
    "pemkey": ("pemkey", "SSL server private key PEM file"),
    "clientpemfile": ("clientpemfile", "SSL client PEM file"),
    "ca_certificate_file": ("cacertificatefile", "SSL CA certificates file"),
    "ca_certificate_path": ("cacertificatepath", "SSL CA certificates directory"),
}
# Versions Debian's and Ubuntu's Monit (built on OpenSSL 3, without SSLv2/SSLv3) refuse.
UNSUPPORTED_VERSIONS = {"sslv2": "2", "sslv3": "3"}


def _duplicates(names: Iterable[str], span: Span, service: str | None = None) -> Iterator[Refusal]:
    for name in names:
        keyword, description = PEM_OPTIONS.get(name, (name, name))
        yield Refusal(
            f"`{keyword}` is given twice: {_says('Duplicate ' + description)}",
            span,
            f"keep one `{keyword}`",
            service,
        )


def _versions(versions: Iterable[str], span: Span, service: str | None = None) -> Iterator[Refusal]:
    for version in dict.fromkeys(versions):
        number = UNSUPPORTED_VERSIONS.get(version)
        if number is not None:
            reason = f"Your SSL Library does not support SSL version {number}"
            yield Refusal(
                f"TLS version `{version}`: Monit built on OpenSSL 3 (Debian's and Ubuntu's monit) says \"{reason}\"",
                span,
                "use `version: tlsv12 tlsv13` (or `auto`): SSLv2 and SSLv3 are broken and gone from OpenSSL 3",
                service,
            )


def _ssl(options: SslOptions | None, service: str | None = None, httpd: bool = False) -> Iterator[Refusal]:
    if options is None:
        return
    yield from _versions(options.versions, options.span, service)
    if not httpd:  # `set httpd` reports its duplicates over the whole statement
        yield from _duplicates(options.duplicates, options.span, service)


# --- set httpd ----------------------------------------------------------------------------------------


def _httpd_tls_switch(setting: HttpdSetting) -> str | None:
    """What turns TLS on for `set httpd` (as Monit's `sslset.flags`), or None when it stays off."""
    ssl = setting.ssl
    if ssl is not None and ssl.enabled:
        return "`ssl`"
    if setting.allow_self_certification:
        return "`allowselfcertification`"
    if setting.pemfile or setting.clientpemfile:
        return "`pemfile`" if setting.pemfile else "`clientpemfile`"
    return None


def _httpd(setting: HttpdSetting) -> Iterator[Refusal]:
    ssl = setting.ssl
    yield from _ssl(ssl, httpd=True)
    yield from _duplicates(setting.pem_duplicates, setting.span)
    pemfile = setting.pemfile or (ssl.pemfile if ssl is not None else None)
    pemchain = ssl.pemchain if ssl is not None else None
    pemkey = ssl.pemkey if ssl is not None else None
    switch = _httpd_tls_switch(setting)
    if pemfile and (pemchain or pemkey):
        reason = "SSL server option pemfile and pemchain|pemkey are mutually exclusive"
        yield Refusal(
            f"`set httpd` names `pemfile` and `{'pemchain' if pemchain else 'pemkey'}`: {_says(reason)}",
            setting.span,
            "use either `pemfile` (certificate and key in one file) or `pemchain` with `pemkey`",
        )
    elif switch is not None and not pemfile and not (pemchain and pemkey):
        reason = "SSL server PEM file is required (please use ssl pemfile option)"
        if pemchain or pemkey:
            what = "`pemchain` without `pemkey`" if pemchain else "`pemkey` without `pemchain`"
        else:
            what = f"{switch} turns TLS on but no server certificate is given"
        yield Refusal(
            f"`set httpd`: {what}: {_says(reason)}",
            setting.span,
            "add `ssl { pemfile: /etc/monit/monit.pem }` (certificate and key in one file),"
            " or `pemchain:` with `pemkey:`",
        )
    socket_ = setting.unixsocket
    if socket_ is not None and socket_.permission is not None and socket_.permission.isdigit():
        problem = octal_problem(int(socket_.permission))
        if problem is not None:
            reason = "Permission statements must have an octal value between 0 and 7777"
            yield Refusal(
                f"`permission {socket_.permission}` of the httpd unix socket{problem}: {_says(reason)}",
                socket_.span,
                "write an octal mode such as 0660 or 0600",
            )


def octal_problem(written: int) -> str | None:
    """Why Monit's `check_perm()` refuses a number, '' for plainly not octal, None when fine.

    Monit reads the number as a 32-bit int, prints it in decimal and reads that back in octal.
    """
    value = monit_number(written)
    text = str(value)
    if value < 0:
        return f" (Monit reads {written} as {value}: its numbers are 32-bit)"
    if any(char in "89" for char in text) or int(text, 8) > 0o7777:
        return "" if value == written else f" (Monit reads {written} as {value}: its numbers are 32-bit)"
    return None


# --- poll time (`postparse()`) ---------------------------------------------------------------------


def _poll_time(model: ControlFile, complete: bool) -> Iterator[Refusal]:
    """`set init` needs a poll time; for a whole file only (a fragment's main file may set it)."""
    if not complete:
        return
    inits = [s for s in model.settings if isinstance(s, InitSetting)]
    daemons = [s for s in model.settings if isinstance(s, DaemonSetting)]
    if inits and not daemons:
        reason = "Poll time is invalid or not defined. Please define poll time in the control file"
        yield Refusal(
            f"`set init` without `set daemon`: {_says(reason)}",
            inits[0].span,
            "add `set daemon 30` (a check cycle every 30 seconds)",
        )


def settings_refusals(model: ControlFile, complete: bool) -> Iterator[Refusal]:
    """What Monit refuses in the `set` statements (and, for a whole file, a missing poll time)."""
    for setting in model.settings:
        if isinstance(setting, HttpdSetting):
            yield from _httpd(setting)
        elif isinstance(setting, SslSetting):
            yield from _ssl(setting.options)
        elif isinstance(setting, MailServerSetting | MMonitSetting):
            for server in setting.servers:
                yield from _ssl(server.ssl)
                yield from _versions(server.ssl_versions, server.span)
                yield from _checksums(server.certificate_checksums)
    yield from _poll_time(model, complete)


# --- connection tests (`addport()`, `sendexpect`, `status`, `outgoing`) --------------------------------

# The protocol each TLS variant shares its check (and so its name in Monit's messages) with.
_PLAIN_PROTOCOLS = {"https": "http", "imaps": "imap", "pops": "pop", "mysqls": "mysql", "smtps": "smtp"}


def _protocol_name(protocol: Protocol) -> str:
    """The protocol as Monit's messages name it: ``HTTP`` for https too, ``APACHESTATUS``."""
    name = _PLAIN_PROTOCOLS.get(protocol.name, protocol.name)
    return name.replace("apache-status", "apachestatus").upper()


def _before(first: Span, second: Span) -> bool:
    return (first.line, first.column) < (second.line, second.column)


def _send_expect(test: ConnectionTest, service: str) -> Iterator[Refusal]:
    """`send`/`expect` after a `protocol X`: Monit allows them only in the default (generic) protocol."""
    protocol = test.protocol
    if protocol is None or protocol.name == "default" or not test.send_expect:
        return
    for item in test.send_expect:
        if _before(protocol.span, item.span):
            word = "send" if item.send else "expect"
            reason = f"The {word.upper()} statement is not allowed in the {_protocol_name(protocol)} protocol context"
            yield Refusal(
                f"`{word}` in a `protocol {protocol.name}` test: {_says(reason)}",
                item.span,
                f"`send`/`expect` only work without a protocol (the generic one): drop `protocol {protocol.name}`,"
                " or drop the send/expect and let the protocol test talk",
                service,
            )
            return


def _http(test: ConnectionTest, protocol: Protocol, service: str) -> Iterator[Refusal]:
    if protocol.method == "head" and (test.content or protocol.checksum is not None):
        reason = "if response content or checksum test is enabled, the HEAD method is not allowed"
        yield Refusal(
            f"`method head` with a {'content' if test.content else 'checksum'} test: {_says(reason)}",
            protocol.span,
            "use `method get` (the default): a HEAD response has no body to check",
            service,
        )
    status = protocol.status
    if status is not None and status.value is not None:
        written = status.value.written
        if written.isdigit() and monit_number(int(written)) < 0:
            reason = "The status value must be greater or equal to 0"
            yield Refusal(
                f"HTTP `status {written}` is read as {monit_number(int(written))} (Monit's numbers are 32-bit):"
                f" {_says(reason)}",
                status.span,
                "write the HTTP status code to expect, e.g. `status = 200`",
                service,
            )


def _tls_on(test: ConnectionTest) -> str | None:
    """What turns TLS on for a connection test (as Monit's `sslset.flags`), or None."""
    if test.protocol is not None and test.protocol.name == "mysqls":
        return "`protocol mysqls`"
    if test.ssl is not None and test.ssl.enabled:
        return "`ssl`"
    if test.certificate_checksums:
        return "`certificate checksum`"
    if test.certificate_valid_days is not None:
        return "`certificate valid`"
    return None


def _mysql(test: ConnectionTest, protocol: Protocol, service: str) -> Iterator[Refusal]:
    rsakey = protocol.rsakey
    if rsakey is None:
        return
    if protocol.username is None:
        reason = "the rsakey checksum test requires credentials to be defined"
        yield Refusal(
            f"`rsakey checksum` without a `username`: {_says(reason)}",
            rsakey.span,
            f'add `username "monit" password "…"` to `protocol {protocol.name}`',
            service,
        )
    switch = _tls_on(test)
    if switch is not None:
        reason = "the rsakey checksum test can be used just with unsecured mysql protocol"
        yield Refusal(
            f"`rsakey checksum` over TLS ({switch}): {_says(reason)}",
            rsakey.span,
            "use plain `protocol mysql` without TLS options, or drop the rsakey checksum",
            service,
        )


def numeric_address_problem(address: str) -> str | None:
    """Why `getaddrinfo(address, AI_NUMERICHOST)` fails (as in Monit), or None for a numeric IP address."""
    import socket  # here, not at the top: few files set an outgoing address, and importing costs start-up time

    try:
        socket.getaddrinfo(address.strip().encode("utf-8", "surrogateescape"), None, flags=socket.AI_NUMERICHOST)
    except socket.gaierror as error:
        return error.strerror or "not a numeric address"
    except (UnicodeError, ValueError, OSError):
        return "not a numeric address"
    return None


def _outgoing(address: str | None, span: Span, service: str) -> Iterator[Refusal]:
    if address is None:
        return
    problem = numeric_address_problem(address)
    if problem is not None:
        reason = f"IP address parsing failed for {address} -- {problem}"
        yield Refusal(
            f"outgoing `address {address}` is not a numeric IP address: {_says(reason)}",
            span,
            "write the local IP address to send from, e.g. `address 192.0.2.10`: Monit does not resolve names here",
            service,
        )


def _connection(test: ConnectionTest, service: str) -> Iterator[Refusal]:
    protocol = test.protocol
    yield from _send_expect(test, service)
    if protocol is not None:
        if protocol.name in ("http", "https"):
            yield from _http(test, protocol, service)
        elif protocol.name in ("mysql", "mysqls"):
            yield from _mysql(test, protocol, service)
        elif protocol.name == "radius" and test.socket_type is not SocketType.UDP:
            yield Refusal(
                f"`protocol radius` over TCP: {_says('Radius protocol test supports UDP only')}",
                test.span,
                "add `type udp`",
                service,
            )
    yield from _outgoing(test.address, test.span, service)
    yield from _ssl(test.ssl, service)
    yield from _checksums(_connection_checksums(test), service)


def _connection_checksums(test: ConnectionTest) -> Iterator[Checksum]:
    """The checksums a connection test names: the http body's, the certificate's, the mysql rsakey's."""
    protocol = test.protocol
    if protocol is not None and protocol.checksum is not None:
        yield protocol.checksum
    yield from test.certificate_checksums
    if protocol is not None and protocol.rsakey is not None:
        yield protocol.rsakey


# --- programs (`addargument()`) ----------------------------------------------------------------------

# Monit's ARGMAX: a program and its arguments fill at most 63 slots (the last one ends the list).
MAX_PROGRAM_WORDS = 63


def _programs(service: Service) -> Iterator[Refusal]:
    for label, program in programs(service):
        if len(program.argv) > MAX_PROGRAM_WORDS:
            reason = "Exceeded maximum number of program arguments"
            yield Refusal(
                f"{label} has {len(program.argv)} words, Monit takes at most {MAX_PROGRAM_WORDS}"
                f" (the program and {MAX_PROGRAM_WORDS - 1} arguments): {_says(reason)}",
                program.span,
                "move the command into a script and run the script",
                service.name,
            )


def test_refusals(test: Test, service: str) -> Iterator[Refusal]:
    """What Monit refuses in one test beyond the checks MON006 makes itself."""
    if isinstance(test, ConnectionTest):
        yield from _connection(test, service)
    elif isinstance(test, PingTest):
        yield from _outgoing(test.address, test.span, service)


def service_refusals(service: Service) -> Iterator[Refusal]:
    """What Monit refuses in a service's programs (its tests: :func:`test_refusals`)."""
    yield from _programs(service)
