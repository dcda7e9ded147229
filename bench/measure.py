"""Running servers and loading them: start and stop a server, check its
answer, drive it with wrk and read wrk's figures and the server's memory."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from paths import OUT


def measure(system, case, seconds, warmup):
    name, method, path, body, status, answer = case
    process, base = system["start"](name)
    try:
        wait_ready(base, process)
        check(base, method, path, body, status, answer, system["name"])
        script = wrk_script(method, body)
        wrk(base + path, script, warmup)
        output = wrk(base + path, script, seconds)
        peak = peak_memory(process.pid)
    finally:
        stop(process)
    stats = parse_wrk(output)
    expected_non_2xx = status >= 300
    if (stats["non_2xx"] > 0) != expected_non_2xx or stats["errors"]:
        sys.exit(f"{system['name']}, {name}: wrong answers under load:\n{output}")
    return {"system": system["name"], "case": name, "rps": stats["rps"],
            "p50_ms": stats["p50_ms"], "p99_ms": stats["p99_ms"], "peak_mib": peak}


def measure_all(systems, cases, first_answer, only, case_name, seconds, warmup, report):
    """Measures each system (whose name contains `only`, if given) in each
    case (whose name contains `case_name`), after `first_answer(system)`;
    `report` is called with each row. Returns the rows and the first answers."""
    rows, first = [], []
    for system in systems:
        if only and only not in system["name"]:
            continue
        wanted = [case for case in cases if not case_name or case_name in case[0]]
        if not wanted:
            continue
        first.append(first_answer(system))
        for case in wanted:
            rows.append(measure(system, case, seconds, warmup))
            report(rows[-1])
    return rows, first


def json_answer(predicate):
    """An answer check: the body is JSON and satisfies `predicate`."""
    def check(text):
        try:
            return bool(predicate(json.loads(text)))
        except (ValueError, AttributeError):
            return False
    return check


def check(base, method, path, body, status, answer, system):
    """One request before the load: the system must answer it correctly,
    status and body."""
    got, text = request(base + path, method, body)
    if got != status or not answer(text):
        sys.exit(f"{system}: {method} {path} answered {got} {text[:300]!r}; expected {status}")


def request(url, method="GET", body=None):
    data = body.encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def wrk_script(method, body):
    if method == "GET":
        return None
    path = os.path.join(OUT, f"post-{abs(hash(body))}.lua")
    with open(path, "w") as f:
        f.write(f'wrk.method = "POST"\nwrk.body = {json.dumps(body)}\n'
                'wrk.headers["Content-Type"] = "application/json"\n')
    return path


def wrk(url, script, seconds):
    command = ["wrk", "-t2", "-c64", f"-d{seconds:g}s", "--latency", "--timeout", "5s"]
    if script:
        command += ["-s", script]
    return subprocess.run(command + [url], check=True, capture_output=True, text=True).stdout


def parse_wrk(output):
    def latency(percent):
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": latency(50),
        "p99_ms": latency(99),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        # Connections still open when wrk stops count as timeouts; only
        # refused, failed reads and writes are errors.
        "errors": errors and re.search(r"(connect|read|write) [1-9]", errors.group(1)),
    }


def peak_memory(pid):
    """Peak resident memory (VmHWM) of the process and its children, MiB."""
    total = 0
    for p in [pid] + children(pid):
        try:
            status = open(f"/proc/{p}/status").read()
        except OSError:
            continue
        total += int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))
    return total / 1024


def resident_memory(pid):
    status = open(f"/proc/{pid}/status").read()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            direct = [int(c) for c in f.read().split()]
    except OSError:
        return []
    return direct + [g for c in direct for g in children(c)]


def raw_get(port, path):
    """The status of GET `path`, or None if nothing listens yet."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            head = s.recv(64).decode(errors="replace")
            return int(head.split(" ")[1]) if head.startswith("HTTP/1.1 ") else None
    except OSError:
        return None


def spawn(command, env=None, cwd=None, ready=None):
    """Starts a server, its standard error in target/bench/logs/; with
    `ready`, waits for its stdout line and returns (process, URL)."""
    logs = os.path.join(OUT, "logs")
    os.makedirs(logs, exist_ok=True)
    log = open(os.path.join(logs, os.path.basename(command[0]) + ".log"), "w")
    process = subprocess.Popen(command, stdout=subprocess.PIPE if ready else subprocess.DEVNULL,
                               stderr=log, env={**os.environ, **(env or {})}, cwd=cwd, text=True,
                               start_new_session=True)
    process.log = log.name
    if ready is None:
        return process
    line = process.stdout.readline()
    match = re.search(ready, line)
    if not match:
        stop(process)
        sys.exit(f"{command[0]} did not start: {line}{open(log.name).read()}")
    return process, match.group(1)


def uvicorn(python, app, cwd, env=None):
    """A FastAPI app under uvicorn with 2 workers, as the suite runs every
    FastAPI system: (process, URL)."""
    port = free_port()
    process = spawn([python, "-m", "uvicorn", app,
                     "--workers", "2", "--no-access-log", "--log-level", "warning",
                     "--host", "127.0.0.1", "--port", str(port)], cwd=cwd, env=env)
    return process, f"http://127.0.0.1:{port}"


def wait_ready(base, process, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"server exited: {open(process.log).read()}")
        try:
            urllib.request.urlopen(base + "/", timeout=1).read()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"nothing answers at {base} after {timeout} s")


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
