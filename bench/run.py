#!/usr/bin/env python3
"""Wafer's benchmark suite: one command, one table.

Runs, one after another on this machine, with the same load (wrk, 2 threads,
64 connections, loopback, a warm-up before each measured case):

- the Wafer host serving the examples, a fresh instance per request and with
  instance reuse (`instance_reuse` in the manifest);
- the same components under `wasmtime serve -Scli`: default, with its pooling
  allocator tuned as Wafer's, and with `--max-instance-reuse-count`;
- a native axum server with the same routes and checks (bench/native);
- the FastAPI twin of the items example under uvicorn with 2 workers;

for GET /hello, GET /items/{id}?q=, POST /items (201) and POST /items with an
invalid body (422) -- plus, for the WebAssembly systems, a raw `wasi:http`
component without the SDK (tests/components/plain) -- and the gateway
example's fan-out (three upstream calls at once, each answered after 20 ms by
bench/native's upstream) under Wafer, `wasmtime serve` and its FastAPI twin
(`async def` with httpx), and the todos example's GET /todos/{id} and
POST /todos on the embedded store and on Redis under Wafer and its FastAPI
twin on the same stores (bench/todos.py), and the digits example's one-image
and 64-image predictions under Wafer and its FastAPI twin (onnxruntime), with
the first prediction after start-up (bench/digits.py), and the graphql
example's nested query under Wafer and its Strawberry twin, with the first
answer after start-up (bench/graphql_api.py); and prints requests/s,
p50/p99 latency and peak memory, the ratios the performance targets are
stated in, cold start (empty and warm compiled-artifact cache, 1 and 20
components), the instantiation micro-benchmark (host/benches/instantiate.rs)
and the host's idle memory.

    python3 bench/run.py                  # the full run, about 20 minutes
    python3 bench/run.py --update-docs    # ... and write BENCHMARKS.md's tables and chart
    python3 bench/run.py --quick --debug  # CI: a second per case, debug builds
    python3 bench/run.py --case gateway   # one case (or --only one system)

Results go to target/bench/ (results.json, results.md, chart.svg). Nothing
here fails on a figure: the suite fails only if a system does not start or
answers wrongly.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import chart  # noqa: E402
import digits  # noqa: E402
import graphql_api  # noqa: E402
import todos  # noqa: E402
from measure import (  # noqa: E402
    free_port, json_answer, measure, raw_get, request, resident_memory, spawn, stop, uvicorn,
    wait_ready,
)
from paths import OUT, ROOT, TARGET, WASM  # noqa: E402
from report import ratios, render, update_docs, machine  # noqa: E402

# Pinned so that a run next year measures the same FastAPI.
PYTHON_PACKAGES = ["fastapi==0.165.0", "uvicorn[standard]==0.54.0", "httpx==0.28.1",
                   "aiosqlite==0.22.1", "redis==8.1.0", "onnxruntime==1.31.1", "numpy==2.4.6",
                   "strawberry-graphql==0.341.2"]
# The same features the compatibility test installs wasmtime-cli with
# (tests/e2e/compatibility.rs), so both share one install.
WASMTIME_FEATURES = (
    "serve,run,cranelift,component-model,component-model-async,"
    "pooling-allocator,parallel-compilation"
)
ITEM = '{"name": "hammer", "price": 9.5, "tags": ["tools"]}'
INVALID_ITEM = '{"name": "", "price": -1}'


# (case, method, path, body, expected status, what the answer's body must satisfy)
CASES = [
    ("GET /hello", "GET", "/hello", None, 200, json_answer(lambda j: j == {"message": "hello"})),
    ("GET /items/{id}?q=", "GET", "/items/42?q=hammer", None, 200,
     json_answer(lambda j: j.get("id") == 42 and j.get("q") == "hammer")),
    ("POST /items", "POST", "/items", ITEM, 201,
     json_answer(lambda j: j.get("name") == "hammer" and j.get("price") == 9.5)),
    ("POST /items (422)", "POST", "/items", INVALID_ITEM, 422,
     json_answer(lambda j: isinstance(j.get("detail"), list) and len(j["detail"]) > 0)),
]
# The reference figures were taken on a minimal raw `wasi:http`
# component: tests/components/plain, which answers `plain` and does nothing
# else, run by the WebAssembly systems only. Beside the hello case it shows
# how much of a request is the guest SDK's and how much the host's.
RAW_CASE = ("GET /plain (raw wasi:http)", "GET", "/plain", None, 200, lambda text: text == "plain")
# The gateway example's fan-out: three calls to the upstream at once, each
# answered after 20 ms, so a request cannot take less than 20 ms.
GATEWAY_CASE = ("GET /gateway/fanout (3 × 20 ms upstream)", "GET",
                "/gateway/fanout?delays=20,20,20", None, 200,
                json_answer(lambda j: [r["status"] for r in j["results"]] == [200, 200, 200]))
# The component each case is served by.
COMPONENT = {"GET /hello": "hello", RAW_CASE[0]: "plain"}
# How many requests one instance serves in the reuse modes.
REUSE = 10_000
# `wasmtime serve` with its pooling allocator set as Wafer's engine sets it
# (host/src/runtime/engine.rs): the tuning the reference figures list.
WASMTIME_TUNED_POOLING = ("pooling-allocator=y,pooling-memory-keep-resident=10485760,"
                          "pooling-table-keep-resident=10485760,pooling-pagemap-scan=auto,"
                          "pooling-decommit-batch-size=16")


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
    parser.add_argument("--case", help="run only the load cases whose name contains this")
    args = parser.parse_args()
    seconds = args.seconds or (1 if args.quick else 10)  # wrk takes whole seconds
    warmup = 1 if args.quick else 2

    need_tool("wrk", "apt-get install wrk")
    need_tool("redis-server", "apt-get install redis-server")
    os.makedirs(OUT, exist_ok=True)
    tools = build(debug=args.debug)

    results = {
        "machine": machine(),
        "command": " ".join(["python3", "bench/run.py"] + sys.argv[1:]),
        "load": f"wrk -t2 -c64 -d{seconds:g}s --latency, after {warmup:g} s of warm-up",
        "load_cases": [],
        "raw_cases": [],
        "gateway_cases": [],
    }
    for system in systems(tools):
        if args.only and args.only not in system["name"]:
            continue
        # Only the WebAssembly systems can serve the raw component.
        for case in CASES + ([RAW_CASE] if system.get("wasm") else []):
            if args.case and args.case not in case[0]:
                continue
            row = measure(system, case, seconds, warmup)
            results["raw_cases" if case is RAW_CASE else "load_cases"].append(row)
            print_row(row)
    upstream, upstream_url = spawn([tools["upstream"], f"127.0.0.1:{free_port()}"],
                                   ready=r"listening on (http://\S+)")
    try:
        for system in gateway_systems(tools, upstream_url):
            if args.only and args.only not in system["name"]:
                continue
            if args.case and args.case not in GATEWAY_CASE[0]:
                continue
            row = measure(system, GATEWAY_CASE, seconds, warmup)
            results["gateway_cases"].append(row)
            print_row(row)
    finally:
        stop(upstream)
    results["todos_cases"] = todos.run(tools, args.only, args.case, seconds, warmup, print_row)
    results["digits_cases"], results["digits_first"] = digits.run(
        tools, args.only, args.case, seconds, warmup, print_row)
    results["graphql_cases"], results["graphql_first"] = graphql_api.run(
        tools, args.only, args.case, seconds, warmup, print_row)
    if not args.only and not args.case:
        # A debug host compiles slowly: CI's quick run starts 3, not 20.
        counts = (1, 3) if args.quick else (1, 20)
        results["cold_start"] = cold_start(tools, counts, repeat=1 if args.quick else 5)
        results["idle"] = idle_memory(tools)
        results["instantiation"] = instantiation(quick=args.quick, debug=args.debug)
    results["ratios"] = ratios(results["load_cases"] + results["raw_cases"]
                               + results["gateway_cases"] + results["todos_cases"]
                               + results["digits_cases"] + results["graphql_cases"],
                               RAW_CASE[0], GATEWAY_CASE[0])

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


def print_row(row):
    print(f"{row['system']:<30} {row['case']:<26} {row['rps']:>9,.0f} req/s"
          f"  p50 {row['p50_ms']:.2f} ms  p99 {row['p99_ms']:.2f} ms"
          f"  peak {row['peak_mib']:.1f} MiB", flush=True)


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
         "-p", "hello", "-p", "items", "-p", "auth", "-p", "gateway", "-p", "plain",
         "-p", "todos", "-p", "digits", "-p", "graphql"])
    binaries = os.path.join(TARGET, "debug" if debug else "release")
    return {
        "wafer": os.path.join(binaries, "wafer"),
        "native": os.path.join(binaries, "native-items"),
        "upstream": os.path.join(binaries, "bench-upstream"),
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
            if case == RAW_CASE[0]:
                manifest = wafer_manifest(reuse, [("plain", os.path.join(WASM, "plain.wasm"),
                                                   "/plain/...")])
            else:
                manifest = wafer_manifest(reuse)
            # Default settings, one log line per request included.
            return spawn([tools["wafer"], "serve", manifest, "--listen", f"127.0.0.1:{free_port()}",
                          "--cache-dir", os.path.join(OUT, "cache")],
                         ready=r"listening on (http://\S+)")
        return start

    def wasmtime(reuse=False, tuned=False):
        def start(case):
            component = COMPONENT.get(case, "items")
            port = free_port()
            extra = ["--max-instance-reuse-count", str(REUSE)] if reuse else []
            extra += ["-O", WASMTIME_TUNED_POOLING] if tuned else []
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
        return uvicorn(tools["python"], "fastapi_bench:app", os.path.dirname(os.path.abspath(__file__)),
                       {"PYTHONPATH": os.path.join(ROOT, "examples", "items")})

    return [
        {"name": "wafer (fresh instance)", "start": wafer(reuse=False), "wasm": True},
        {"name": "wafer (instance reuse)", "start": wafer(reuse=True), "wasm": True},
        {"name": "wasmtime serve (default)", "start": wasmtime(), "wasm": True},
        {"name": "wasmtime serve (tuned pooling)", "start": wasmtime(tuned=True), "wasm": True},
        {"name": "wasmtime serve (reuse)", "start": wasmtime(reuse=True), "wasm": True},
        {"name": "native axum", "start": native},
        {"name": "FastAPI (uvicorn, 2 workers)", "start": fastapi},
    ]


def gateway_systems(tools, upstream):
    """The gateway example under Wafer (fresh and reused instances) and
    `wasmtime serve`, and its FastAPI twin, all calling `upstream`."""
    gateway = os.path.join(WASM, "gateway.wasm")

    def wafer(reuse):
        def start(case):
            lines = ["[[component]]", 'name = "gateway"', 'route = "/gateway/..."',
                     f"source = {json.dumps(gateway)}",
                     f"environment = {{ UPSTREAM = {json.dumps(upstream)} }}",
                     f"allowed_outbound_hosts = [{json.dumps(upstream)}]",
                     # A guest holds its slot until its handler returns, a
                     # moment after the client has its answer and sent the
                     # next request: at the default of 64, wrk's 64
                     # connections would now and then find none free.
                     "limits = { concurrency = 128 }"]
            if reuse:
                lines.append(f"instance_reuse = {REUSE}")
            manifest = os.path.join(OUT, "gateway-reuse.toml" if reuse else "gateway.toml")
            with open(manifest, "w") as f:
                f.write("\n".join(lines) + "\n")
            return spawn([tools["wafer"], "serve", manifest, "--listen", f"127.0.0.1:{free_port()}",
                          "--cache-dir", os.path.join(OUT, "cache")],
                         ready=r"listening on (http://\S+)")
        return start

    def wasmtime(case):
        port = free_port()
        process = spawn([tools["wasmtime"], "serve", "-Scli", "--env", f"UPSTREAM={upstream}",
                         "--addr", f"127.0.0.1:{port}", gateway])
        return process, f"http://127.0.0.1:{port}"

    def fastapi(case):
        return uvicorn(tools["python"], "fastapi_app:app", os.path.join(ROOT, "examples", "gateway"),
                       {"UPSTREAM": upstream})

    return [
        {"name": "wafer (fresh instance)", "start": wafer(reuse=False)},
        {"name": "wafer (instance reuse)", "start": wafer(reuse=True)},
        {"name": "wasmtime serve (default)", "start": wasmtime},
        {"name": "FastAPI (uvicorn, 2 workers)", "start": fastapi},
    ]


def wafer_manifest(reuse, components=None, folder=None, docs=True):
    """A manifest for hello and items (or `components`: a list of (name, wasm,
    route)), with instance reuse or not, with the merged docs or not."""
    folder = folder or OUT
    components = components or [("hello", os.path.join(WASM, "hello.wasm"), "/hello/..."),
                                ("items", os.path.join(WASM, "items.wasm"), "/items/...")]
    lines = []
    if not docs:
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
        # Copies document the same paths, which one merged document refuses;
        # each component's own document is still read, for the security gate.
        manifest = wafer_manifest(False, copies, folder, docs=False)
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


def idle_memory(tools):
    """Resident memory of a host serving the examples (hello, items, auth),
    once started from a warm cache and answered one request each, then idle
    for a second. A first start fills the cache."""
    manifest = os.path.join(ROOT, "examples", "wafer.toml")
    for _ in range(2):
        process, base = spawn([tools["wafer"], "serve", manifest,
                               "--listen", f"127.0.0.1:{free_port()}",
                               "--cache-dir", os.path.join(OUT, "cache"),
                               "--data-dir", os.path.join(OUT, "data")],
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


def need_tool(name, install):
    if shutil.which(name) is None:
        sys.exit(f"{name} is not installed: {install}")


def run(command, **kwargs):
    print("+ " + " ".join(command), flush=True)
    subprocess.run(command, check=True, cwd=ROOT, **kwargs)


if __name__ == "__main__":
    main()
