#!/usr/bin/env python3
"""Wafer's benchmark suite: one command, one table.

Runs, one after another on this machine, with the same load (wrk, 2 threads,
64 connections, loopback, a warm-up before each measured case):

- the Wafer host serving the examples, a fresh instance per request and with
  instance reuse (`instance_reuse` in the manifest);
- the same components under `wasmtime serve -Scli`, default and with
  `--max-instance-reuse-count`;
- a native axum server with the same routes and checks (bench/native);
- the FastAPI twin of the items example under uvicorn with 2 workers;

for GET /hello, GET /items/{id}?q=, POST /items (201) and POST /items with an
invalid body (422), and prints requests/s, p50/p99 latency and peak memory,
the ratios the performance targets are stated in, cold start (empty and warm
compiled-artifact cache, 1 and 20 components), the instantiation
micro-benchmark (host/benches/instantiate.rs) and the host's idle memory.

    python3 bench/run.py                  # the full run, about 8 minutes
    python3 bench/run.py --update-docs    # ... and write BENCHMARKS.md's tables and chart
    python3 bench/run.py --quick --debug  # CI: a second per case, debug builds

Results go to target/bench/ (results.json, results.md, chart.svg). Nothing
here fails on a figure: the suite fails only if a system does not start or
answers wrongly.
"""

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import chart  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.path.join(ROOT, "target")
OUT = os.path.join(TARGET, "bench")
WASM = os.path.join(TARGET, "wasm32-wasip2", "release")
# Pinned so that a run next year measures the same FastAPI.
PYTHON_PACKAGES = ["fastapi==0.165.0", "uvicorn[standard]==0.54.0"]
# The same features the compatibility test installs wasmtime-cli with
# (tests/e2e/compatibility.rs), so both share one install.
WASMTIME_FEATURES = (
    "serve,run,cranelift,component-model,component-model-async,"
    "pooling-allocator,parallel-compilation"
)
ITEM = '{"name": "hammer", "price": 9.5, "tags": ["tools"]}'
INVALID_ITEM = '{"name": "", "price": -1}'
# (case, method, path, body, expected status, what the JSON answer must satisfy)
CASES = [
    ("GET /hello", "GET", "/hello", None, 200, lambda j: j == {"message": "hello"}),
    ("GET /items/{id}?q=", "GET", "/items/42?q=hammer", None, 200,
     lambda j: j.get("id") == 42 and j.get("q") == "hammer"),
    ("POST /items", "POST", "/items", ITEM, 201,
     lambda j: j.get("name") == "hammer" and j.get("price") == 9.5),
    ("POST /items (422)", "POST", "/items", INVALID_ITEM, 422,
     lambda j: isinstance(j.get("detail"), list) and len(j["detail"]) > 0),
]
# How many requests one instance serves in the reuse modes.
REUSE = 10_000


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="1 s per case after a 1 s warm-up (CI)")
    parser.add_argument("--debug", action="store_true",
                        help="use debug builds of the host and the native server")
    parser.add_argument("--seconds", type=int, help="measured seconds per case")
    parser.add_argument("--update-docs", action="store_true",
                        help="write the results into BENCHMARKS.md and docs/images/")
    parser.add_argument("--only", help="run only the systems whose name contains this")
    args = parser.parse_args()
    seconds = args.seconds or (1 if args.quick else 10)  # wrk takes whole seconds
    warmup = 1 if args.quick else 2

    need_tool("wrk", "apt-get install wrk")
    os.makedirs(OUT, exist_ok=True)
    tools = build(debug=args.debug)

    results = {
        "machine": machine(),
        "command": " ".join(["python3", "bench/run.py"] + sys.argv[1:]),
        "load": f"wrk -t2 -c64 -d{seconds:g}s --latency, after {warmup:g} s of warm-up",
        "load_cases": [],
    }
    for system in systems(tools):
        if args.only and args.only not in system["name"]:
            continue
        for case in CASES:
            row = measure(system, case, seconds, warmup)
            results["load_cases"].append(row)
            print(f"{row['system']:<28} {row['case']:<22} {row['rps']:>9,.0f} req/s"
                  f"  p50 {row['p50_ms']:.2f} ms  p99 {row['p99_ms']:.2f} ms"
                  f"  peak {row['peak_mib']:.1f} MiB", flush=True)
    if not args.only:
        # A debug host compiles slowly: CI's quick run starts 3, not 20.
        counts = (1, 3) if args.quick else (1, 20)
        results["cold_start"] = cold_start(tools, counts, repeat=1 if args.quick else 5)
        results["idle"] = idle_memory(tools)
        results["instantiation"] = instantiation(quick=args.quick, debug=args.debug)
    results["ratios"] = ratios(results["load_cases"])

    report = render(results)
    print()
    print(report)
    with open(os.path.join(OUT, "results.json"), "w") as f:
        json.dump(results, f, indent=2)
    with open(os.path.join(OUT, "results.md"), "w") as f:
        f.write(report)
    svg = chart.render(results["load_cases"])
    with open(os.path.join(OUT, "chart.svg"), "w") as f:
        f.write(svg)
    print(f"written: {OUT}/results.json, results.md, chart.svg")
    if args.update_docs:
        update_docs(report, svg)


# --- building ---------------------------------------------------------------


def build(debug):
    """Builds the host, the native server and the components; finds wasmtime
    and a Python with FastAPI. Returns the paths."""
    # Cargo resolves features for the packages a command selects: a debug
    # build of `-p wafer-host` alone would rebuild every dependency (minutes,
    # and gigabytes of target/) instead of reusing what the test command,
    # `cargo test --workspace`, built. Debug mode (CI) therefore selects the
    # whole workspace with its tests, as that command does; so does the
    # micro-benchmark's build below.
    if debug:
        run(["cargo", "build", "--workspace", "--bins", "--tests"])
    else:
        run(["cargo", "build", "--release", "-p", "wafer-host", "-p", "wafer-bench-native"])
    run(["cargo", "build", "--target", "wasm32-wasip2", "--release",
         "-p", "hello", "-p", "items", "-p", "auth"])
    binaries = os.path.join(TARGET, "debug" if debug else "release")
    return {
        "wafer": os.path.join(binaries, "wafer"),
        "native": os.path.join(binaries, "native-items"),
        "wasmtime": wasmtime_cli(),
        "python": fastapi_python(),
    }


def wasmtime_cli():
    if os.environ.get("WASMTIME"):
        return os.environ["WASMTIME"]
    version = locked_version("wasmtime")
    root = os.path.join(TARGET, "tools", f"wasmtime-{version}")
    binary = os.path.join(root, "bin", "wasmtime")
    if not os.path.exists(binary):
        print(f"installing wasmtime-cli {version} into {root} (once, about ten minutes)")
        run(["cargo", "install", "wasmtime-cli", "--locked", "--version", f"={version}",
             "--no-default-features", "--features", WASMTIME_FEATURES, "--root", root])
    return binary


def fastapi_python():
    venv = os.path.join(TARGET, "tools", "bench-python")
    python = os.path.join(venv, "bin", "python")
    marker = os.path.join(venv, ".installed")
    wanted = "\n".join(PYTHON_PACKAGES)
    if not os.path.exists(marker) or open(marker).read() != wanted:
        run([sys.executable, "-m", "venv", venv])
        run([python, "-m", "pip", "install", "--quiet", *PYTHON_PACKAGES])
        with open(marker, "w") as f:
            f.write(wanted)
    return python


def locked_version(package):
    lock = open(os.path.join(ROOT, "Cargo.lock")).read()
    return re.search(rf'name = "{package}"\nversion = "([^"]+)"', lock).group(1)


# --- the systems --------------------------------------------------------------


def systems(tools):
    """How to start each system; each start returns (process, base URL)."""
    def wafer(reuse):
        def start(case):
            manifest = wafer_manifest(reuse)
            # Default settings, one log line per request included.
            return spawn([tools["wafer"], "serve", manifest, "--listen", f"127.0.0.1:{free_port()}",
                          "--cache-dir", os.path.join(OUT, "cache")],
                         ready=r"listening on (http://\S+)")
        return start

    def wasmtime(reuse):
        def start(case):
            component = "hello" if case == "GET /hello" else "items"
            port = free_port()
            extra = ["--max-instance-reuse-count", str(REUSE)] if reuse else []
            process = spawn([tools["wasmtime"], "serve", "-Scli", *extra,
                             "--addr", f"127.0.0.1:{port}",
                             os.path.join(WASM, f"{component}.wasm")])
            return process, f"http://127.0.0.1:{port}"
        return start

    def native(case):
        port = free_port()
        return spawn([tools["native"], f"127.0.0.1:{port}"],
                     ready=r"listening on (http://\S+)")

    def fastapi(case):
        port = free_port()
        process = spawn([tools["python"], "-m", "uvicorn", "fastapi_bench:app",
                         "--workers", "2", "--no-access-log", "--log-level", "warning",
                         "--host", "127.0.0.1", "--port", str(port)],
                        cwd=os.path.dirname(os.path.abspath(__file__)),
                        env={"PYTHONPATH": os.path.join(ROOT, "examples", "items")})
        return process, f"http://127.0.0.1:{port}"

    return [
        {"name": "wafer (fresh instance)", "start": wafer(reuse=False)},
        {"name": "wafer (instance reuse)", "start": wafer(reuse=True)},
        {"name": "wasmtime serve (default)", "start": wasmtime(reuse=False)},
        {"name": "wasmtime serve (reuse)", "start": wasmtime(reuse=True)},
        {"name": "native axum", "start": native},
        {"name": "FastAPI (uvicorn, 2 workers)", "start": fastapi},
    ]


def wafer_manifest(reuse, copies=None, folder=None):
    """A manifest for hello and items (or `copies`: a list of (name, wasm,
    route)), with instance reuse or not."""
    folder = folder or OUT
    components = copies or [("hello", os.path.join(WASM, "hello.wasm"), "/hello/..."),
                            ("items", os.path.join(WASM, "items.wasm"), "/items/...")]
    lines = []
    if copies:
        # Copies document the same paths, which one merged document refuses;
        # each component's own document is still read, for the security gate.
        lines += ["[docs]", "openapi = false", "swagger_ui = false", "redoc = false", ""]
    for name, source, route in components:
        lines += ["[[component]]", f'name = "{name}"', f'route = "{route}"',
                  f"source = {json.dumps(source)}"]
        if reuse:
            lines.append(f"instance_reuse = {REUSE}")
        lines.append("")
    path = os.path.join(folder, "reuse.toml" if reuse else "fresh.toml")
    with open(path, "w") as f:
        f.write("\n".join(lines))
    return path


# --- measuring ----------------------------------------------------------------


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


def check(base, method, path, body, status, answer, system):
    """One request before the load: the system must answer it correctly,
    status and body."""
    got, text = request(base + path, method, body)
    try:
        correct = got == status and answer(json.loads(text))
    except (ValueError, AttributeError):
        correct = False
    if not correct:
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


# --- cold start, idle memory, instantiation ----------------------------------


def cold_start(tools, counts, repeat):
    """Process start to the first 200, with an empty and a warm cache, for 1
    and 20 components. Each of them is a distinct file (a copy of an
    example with its own custom section), so each is compiled and cached on
    its own."""
    results = []
    for count in counts:
        folder = tempfile.mkdtemp(prefix="wafer-cold-", dir=OUT)
        examples = ["hello", "items"]
        copies = []
        for i in range(count):
            example = examples[i % len(examples)]
            source = os.path.join(folder, f"c{i:02}-{example}.wasm")
            with open(os.path.join(WASM, f"{example}.wasm"), "rb") as f:
                wasm = f.read()
            with open(source, "wb") as f:
                f.write(wasm + custom_section("wafer-bench-copy", str(i).encode()))
            route = "/hello/..." if i == 0 else f"/c{i:02}/..."
            copies.append((f"c{i:02}-{example}", source, route))
        manifest = wafer_manifest(False, copies, folder)
        cache = os.path.join(folder, "cache")
        empty, warm = [], []
        for _ in range(repeat):
            shutil.rmtree(cache, ignore_errors=True)
            empty.append(time_to_first_200(tools["wafer"], manifest, cache))
            warm.append(time_to_first_200(tools["wafer"], manifest, cache))
        shutil.rmtree(folder, ignore_errors=True)
        results.append({"components": count,
                        "empty_cache_ms": statistics.median(empty),
                        "warm_cache_ms": statistics.median(warm)})
        print(f"cold start, {count} component(s): empty cache {results[-1]['empty_cache_ms']:.1f} ms,"
              f" warm cache {results[-1]['warm_cache_ms']:.1f} ms", flush=True)
    return results


def custom_section(name, payload):
    """A WebAssembly custom section (id 0), valid at the end of a component."""
    content = leb128(len(name)) + name.encode() + payload
    return b"\x00" + leb128(len(content)) + content


def leb128(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def time_to_first_200(wafer, manifest, cache):
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen([wafer, "serve", manifest, "--listen", f"127.0.0.1:{port}",
                                "--cache-dir", cache],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)
    try:
        while True:
            if process.poll() is not None:
                sys.exit(f"wafer exited during start-up: {process.stderr.read().decode()}")
            if raw_get(port, "/hello") == 200:
                return (time.perf_counter() - started) * 1000
            time.sleep(0.0005)
    finally:
        stop(process)


def raw_get(port, path):
    """The status of GET `path`, or None if nothing listens yet."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            head = s.recv(64).decode(errors="replace")
            return int(head.split(" ")[1]) if head.startswith("HTTP/1.1 ") else None
    except OSError:
        return None


def idle_memory(tools):
    """Resident memory of a host serving the examples (hello, items, auth),
    once started and answered one request each, then idle for a second."""
    manifest = os.path.join(ROOT, "examples", "wafer.toml")
    process, base = spawn([tools["wafer"], "serve", manifest, "--listen", f"127.0.0.1:{free_port()}",
                           "--cache-dir", os.path.join(OUT, "cache")],
                          ready=r"listening on (http://\S+)")
    try:
        wait_ready(base, process)
        for path in ["/hello", "/items/1", "/account/public"]:
            request(base + path)
        time.sleep(1)
        rss = resident_memory(process.pid)
    finally:
        stop(process)
    print(f"idle resident memory with the examples: {rss:.1f} MiB", flush=True)
    return {"rss_mib": rss}


def instantiation(quick, debug):
    """The criterion micro-benchmark of host/benches/instantiate.rs."""
    # In debug mode, `--workspace` reuses the test build (see `build`).
    selection = ["--profile", "dev", "--workspace"] if debug else ["-p", "wafer-host"]
    timing = ["--warm-up-time", "0.2", "--measurement-time", "0.5"] if quick else []
    run(["cargo", "bench", *selection, "--bench", "instantiate", "--",
         "--noplot", *timing])
    results = {}
    criterion = os.path.join(TARGET, "criterion")
    for folder in sorted(os.listdir(criterion)):
        new = os.path.join(criterion, folder, "new")
        if os.path.exists(os.path.join(new, "estimates.json")):
            with open(os.path.join(new, "benchmark.json")) as f:
                name = json.load(f)["title"]
            with open(os.path.join(new, "estimates.json")) as f:
                results[name] = json.load(f)["median"]["point_estimate"] / 1000
    for name, us in results.items():
        print(f"instantiation micro-benchmark: {name}: {us:.1f} µs", flush=True)
    return results


# --- report -----------------------------------------------------------------


def ratios(rows):
    def rps(system, case):
        for row in rows:
            if row["system"].startswith(system) and row["case"] == case:
                return row["rps"]
        return None

    wanted = [
        ("fresh GET /hello vs wasmtime serve (default)", "wafer (fresh", "wasmtime serve (default",
         "GET /hello", 3),
        ("fresh POST /items vs FastAPI", "wafer (fresh", "FastAPI", "POST /items", 4),
        ("reuse GET /hello vs native axum", "wafer (instance reuse", "native", "GET /hello", 0.6),
        ("reuse POST /items vs FastAPI", "wafer (instance reuse", "FastAPI", "POST /items", 10),
        ("reuse GET /hello vs wasmtime serve (reuse)", "wafer (instance reuse",
         "wasmtime serve (reuse", "GET /hello", None),
        ("fresh GET /hello vs native axum", "wafer (fresh", "native", "GET /hello", None),
    ]
    out = []
    for label, ours, theirs, case, target in wanted:
        a, b = rps(ours, case), rps(theirs, case)
        if a and b:
            out.append({"ratio": label, "value": a / b, "target": target})
    return out


def render(results):
    lines = [f"Machine: {results['machine']}", f"Load: {results['load']}", ""]
    lines += ["| System | Case | Requests/s | p50 | p99 | Peak memory |",
              "|---|---|---:|---:|---:|---:|"]
    for row in results["load_cases"]:
        lines.append(f"| {row['system']} | `{row['case']}` | {row['rps']:,.0f} | "
                     f"{row['p50_ms']:.2f} ms | {row['p99_ms']:.2f} ms | {row['peak_mib']:.1f} MiB |")
    lines += ["", "| Ratio | Measured | Target |", "|---|---:|---:|"]
    for ratio in results["ratios"]:
        target = f"≥ {ratio['target']:g}×" if ratio["target"] else "-"
        met = "" if not ratio["target"] else (" ✓" if ratio["value"] >= ratio["target"] else " ✗")
        lines.append(f"| {ratio['ratio']} | {ratio['value']:.2f}× | {target}{met} |")
    wafer_p99 = [row["p99_ms"] for row in results["load_cases"] if row["system"].startswith("wafer")]
    if wafer_p99:
        lines += ["", f"Highest Wafer p99 at 64 connections: {max(wafer_p99):.2f} ms (target < 5 ms)"]
    if "cold_start" in results:
        lines += ["", "| Cold start (process start → first 200) | Empty cache | Warm cache |",
                  "|---|---:|---:|"]
        for row in results["cold_start"]:
            lines.append(f"| {row['components']} component(s) | {row['empty_cache_ms']:.1f} ms | "
                         f"{row['warm_cache_ms']:.1f} ms |")
    if "instantiation" in results:
        lines += ["", "| Instantiation micro-benchmark (criterion, median) | Time |", "|---|---:|"]
        for name, us in results["instantiation"].items():
            lines.append(f"| `{name}` | {us:.1f} µs |")
    if "idle" in results:
        lines += ["", f"Idle resident memory of the host with the examples loaded: "
                      f"{results['idle']['rss_mib']:.1f} MiB (target < 40 MB)"]
    return "\n".join(lines) + "\n"


def update_docs(report, svg):
    path = os.path.join(ROOT, "BENCHMARKS.md")
    text = open(path).read()
    begin, end = "<!-- results: begin -->", "<!-- results: end -->"
    if begin not in text or end not in text:
        sys.exit(f"{path}: no {begin} ... {end} markers to write the results between")
    before, rest = text.split(begin, 1)
    _, after = rest.split(end, 1)
    with open(path, "w") as f:
        f.write(before + begin + "\n" + report + end + after)
    with open(os.path.join(ROOT, "docs", "images", "benchmarks.svg"), "w") as f:
        f.write(svg)
    print(f"updated {path} and docs/images/benchmarks.svg")


def machine():
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, "
            f"Linux {platform.release()}, {time.strftime('%Y-%m-%d')}")


# --- processes --------------------------------------------------------------


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


def need_tool(name, install):
    if shutil.which(name) is None:
        sys.exit(f"{name} is not installed: {install}")


def run(command, **kwargs):
    print("+ " + " ".join(command), flush=True)
    subprocess.run(command, check=True, cwd=ROOT, **kwargs)


if __name__ == "__main__":
    main()
