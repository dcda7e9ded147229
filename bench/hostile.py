"""The hostile clients of the load test: what a single client could try to
exhaust the host with, each checked to get its documented answer in its
documented time.

Each action takes the host's `host:port` and returns `(name, outcome, ok)`.
The times come from the load test's manifest (`MANIFEST` below).
"""

import socket
import time

# What the load test's manifest sets for these clients to meet.
HEADER_TIMEOUT_S = 2.0
GUEST_TIMEOUT_S = 3.0
FORM_TIMEOUT_S = 2.0
MAX_BODY_BYTES = 4096
# Added to every documented time: scheduling on a loaded two-core machine.
SLACK_S = 3.0

MANIFEST = f"""
[server]
header_timeout_ms = {int(HEADER_TIMEOUT_S * 1000)}
"""

COMPONENT_LIMITS = {
    "items": f"limits = {{ timeout_ms = {int(GUEST_TIMEOUT_S * 1000)}, max_body_bytes = {MAX_BODY_BYTES} }}\n",
    "plain": "rate_limit = { requests_per_second = 5, burst = 5 }\n",  # RATE_BURST
}


def auth_section(config):
    """The token endpoint and schemes of the `auth` example, with `config`
    its folder."""
    return f"""
[auth.schemes.oauth2]
issued_here = true

[auth.schemes.api_key]
api_keys = "{config}/api-keys.toml"

[auth.token_endpoint]
users = "{config}/users.toml"
body_timeout_ms = {int(FORM_TIMEOUT_S * 1000)}
"""


def _connect(address):
    host, port = address.rsplit(":", 1)
    return socket.create_connection((host, int(port)), timeout=60)


def _closed_after(sock):
    """Seconds until the host closes the connection, reading what it sends."""
    started = time.monotonic()
    try:
        while sock.recv(4096):
            pass
    except OSError:
        pass
    return time.monotonic() - started


def _answer(sock):
    """The status of the host's answer, and seconds until it came."""
    started = time.monotonic()
    data = b""
    try:
        while b"\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    elapsed = time.monotonic() - started
    parts = data.split(b" ", 2)
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else "no answer"
    return status, elapsed


def slow_head_http1(address):
    """A request head that never ends (slowloris): cut at the header timeout."""
    with _connect(address) as sock:
        sock.sendall(b"GET /hello HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        after = _closed_after(sock)
    return "slow head, HTTP/1.1", "closed", after < HEADER_TIMEOUT_S + SLACK_S


PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
SETTINGS = bytes([0, 0, 0, 0x4, 0, 0, 0, 0, 0])
# HEADERS of GET / for stream 1: END_STREAM, no END_HEADERS.
HEADERS = bytes([0, 0, 3, 0x1, 0x1, 0, 0, 0, 1, 0x82, 0x86, 0x84])


def slow_head_http2(address):
    """A HEADERS frame whose END_HEADERS never comes: the connection goes
    once it has had no request for the header timeout (checked once per
    timeout, so within two)."""
    with _connect(address) as sock:
        sock.sendall(PREFACE + SETTINGS + HEADERS)
        after = _closed_after(sock)
    return "slow head, HTTP/2", "closed", after < 2 * HEADER_TIMEOUT_S + SLACK_S


def stalled_body_guest(address):
    """A body that stops coming: the guest waits, and timeout_ms answers."""
    with _connect(address) as sock:
        sock.sendall(b"POST /items HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n"
                     b"content-length: 1000\r\n\r\n{\"name\":")
        status, after = _answer(sock)
    return "stalled body, guest", status, status == 504 and after < GUEST_TIMEOUT_S + SLACK_S


def stalled_body_token(address):
    """A login form that stops coming: 408 at the form's deadline."""
    with _connect(address) as sock:
        sock.sendall(b"POST /token HTTP/1.1\r\nHost: x\r\n"
                     b"content-type: application/x-www-form-urlencoded\r\n"
                     b"content-length: 100\r\n\r\ngrant_type=pass")
        status, after = _answer(sock)
    return "stalled form, /token", status, status == 408 and after < FORM_TIMEOUT_S + SLACK_S


def chunked_oversize(address):
    """A chunked body twice max_body_bytes: counted as it streams, 413."""
    chunk = b"%x\r\n%s\r\n" % (1024, b"x" * 1024)
    with _connect(address) as sock:
        sock.sendall(b"POST /items HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n"
                     b"transfer-encoding: chunked\r\n\r\n" + chunk * (2 * MAX_BODY_BYTES // 1024)
                     + b"0\r\n\r\n")
        status, _ = _answer(sock)
    return "chunked oversize", status, status == 413


def bad_login(address):
    """A wrong password: 400, or 429 once the address or account is
    throttled, or 503 while every checker and its queue are busy."""
    with _connect(address) as sock:
        form = b"grant_type=password&username=alice&password=wrong"
        sock.sendall(b"POST /token HTTP/1.1\r\nHost: x\r\nconnection: close\r\n"
                     b"content-type: application/x-www-form-urlencoded\r\n"
                     b"content-length: %d\r\n\r\n%s" % (len(form), form))
        status, _ = _answer(sock)
    return "bad login", status, status in (400, 429, 503)


RATE_BURST = 5


def over_rate_limit(address):
    """A client twice as fast as its bucket holds: 200 until the bucket is
    empty, then 429, and never anything else."""
    statuses = []
    for _ in range(2 * RATE_BURST):
        with _connect(address) as sock:
            sock.sendall(b"GET /plain/x HTTP/1.1\r\nHost: x\r\nconnection: close\r\n\r\n")
            statuses.append(_answer(sock)[0])
    ok = set(statuses) <= {200, 429} and 429 in statuses
    return "over its rate limit", "429 after 200s" if ok else str(statuses), ok


ACTIONS = [slow_head_http1, slow_head_http2, stalled_body_guest, stalled_body_token,
           chunked_oversize, bad_login, over_rate_limit]
