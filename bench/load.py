#!/usr/bin/env python3
"""Fault-containment load test: normal and misbehaving requests at once.

Starts the `wafer` host with the hello, items, faulty, auth and plain
components on a free loopback port, then for a bounded time sends a mix of
normal requests (which must all succeed), faulty ones (infinite loops, memory
exhaustion, stack overflow, panics, traps, slow and huge responses, which
must each get their error) and hostile clients (slow heads over HTTP/1.1 and
HTTP/2, stalled bodies, chunked oversize bodies, parallel bad logins, a
client over its rate limit; see `hostile.py`), which must each get their
documented answer in their documented time. Prints the counts by kind and status, throughput, and the host's
memory at start and at its peak in each half of the run. Exits 1 if the host
died, a normal request was lost, a hostile one was not answered as
documented, or memory grew without bound: the second
half's peak above the first half's by more than half of what the first half
added (at least 64 MiB). Memory that the host holds by design levels off
once the load has gone round (each instance slot keeps up to 10 MiB of the
linear memory its last guest used, and the faulty guests use 32 MiB); a leak
keeps climbing.

    python3 bench/load.py                      # 60 s against a release host
    python3 bench/load.py --seconds 10 --wafer target/debug/wafer
"""

import argparse
import collections
import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time

import hostile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_WAFER = os.path.join(ROOT, "target/release/wafer")

NORMAL = [
    ("GET", "/hello", None, {200}),
    ("GET", "/items/5?q=x", None, {200}),
    ("POST", "/items", '{"name": "hammer", "price": 9.5}', {201}),
]
FAULTY = [
    ("GET", "/faulty/loop", None, {504}),
    ("GET", "/faulty/alloc", None, {500}),
    ("GET", "/faulty/recurse", None, {500}),
    ("GET", "/faulty/panic", None, {500}),
    ("GET", "/faulty/trap", None, {500}),
    ("GET", "/faulty/sleep/3000", None, {504}),
    # 2 MiB streamed under a 200 ms CPU limit: on a slow host the guest may
    # run out of CPU mid-body, and the client sees the body cut short.
    ("GET", "/faulty/big/2", None, {200, "error: IncompleteRead"}),
    ("POST", "/items", '{"name": 5}', {422}),
]


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def start_host(wafer, manifest):
    host = subprocess.Popen(
        [wafer, "serve", manifest, "--listen", "127.0.0.1:0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "RUST_LOG": "warn"},
    )
    for line in host.stdout:
        if line.startswith("wafer: listening on http://"):
            return host, line.split("http://", 1)[1].strip()
    sys.exit("wafer did not start")


def sample_rss(pid, deadline, samples):
    """Records the host's `(time, RSS)` four times a second until `deadline`."""
    while time.monotonic() < deadline:
        try:
            samples.append((time.monotonic(), rss_kib(pid)))
        except OSError:
            return
        time.sleep(0.25)


def grew_without_bound(rss_start, samples, started, elapsed):
    """The peaks of each half of the run, and whether the second half's
    climbed on: above the first's by more than half of what the first half
    added, and by at least 64 MiB."""
    middle = started + elapsed / 2
    first = max([rss for at, rss in samples if at < middle], default=rss_start)
    second = max([rss for at, rss in samples if at >= middle], default=first)
    return first, second, second - first > max((first - rss_start) / 2, 64 * 1024)


def worker(address, deadline, shares, counts, lock):
    host, port = address.rsplit(":", 1)
    connection = None
    rng = random.Random()
    faulty_share, hostile_share = shares
    while time.monotonic() < deadline:
        draw = rng.random()
        if draw < hostile_share:
            name, outcome, ok = rng.choice(hostile.ACTIONS)(address)
            with lock:
                counts[("hostile", name, outcome, ok)] += 1
            # The keep-alive connection sat idle meanwhile, and the host
            # closes one that has had no request for header_timeout_ms: as
            # any HTTP client must, start on a new one.
            if connection is not None:
                connection.close()
                connection = None
            continue
        kind = "faulty" if draw < hostile_share + faulty_share else "normal"
        method, path, body, expected = rng.choice(FAULTY if kind == "faulty" else NORMAL)
        headers = {"content-type": "application/json"} if body else {}
        try:
            if connection is None:
                connection = http.client.HTTPConnection(host, int(port), timeout=30)
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            status = response.status
            if response.getheader("connection", "").lower() == "close":
                connection.close()
                connection = None
        except (OSError, http.client.HTTPException) as error:
            status = f"error: {type(error).__name__}"
            if connection is not None:
                connection.close()
            connection = None
        with lock:
            counts[(kind, path, status, status in expected)] += 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--faulty-share", type=float, default=0.3)
    parser.add_argument("--hostile-share", type=float, default=0.05)
    parser.add_argument("--wafer", default=DEFAULT_WAFER,
                        help="the host binary (default: a release build, built first)")
    args = parser.parse_args()

    subprocess.run(
        ["cargo", "build", "--quiet", "--target", "wasm32-wasip2", "--release",
         "-p", "hello", "-p", "items", "-p", "faulty", "-p", "auth", "-p", "plain"],
        cwd=ROOT, check=True,
    )
    if args.wafer == DEFAULT_WAFER:
        subprocess.run(["cargo", "build", "--quiet", "--release", "-p", "wafer-host"], cwd=ROOT, check=True)
    wasm = os.path.join(ROOT, "target/wasm32-wasip2/release")
    with tempfile.TemporaryDirectory() as folder:
        manifest = os.path.join(folder, "wafer.toml")
        with open(manifest, "w") as file:
            file.write(hostile.MANIFEST)
            for name, route, extra in [
                ("hello", "/hello/...", ""),
                ("items", "/items/...", hostile.COMPONENT_LIMITS["items"]),
                ("faulty", "/faulty/...", "limits = { cpu_ms = 200, memory_mb = 32, timeout_ms = 1000 }\n"),
                ("auth", "/account/...", ""),
                ("plain", "/plain/...", hostile.COMPONENT_LIMITS["plain"]),
            ]:
                file.write(f'[[component]]\nname = "{name}"\nroute = "{route}"\n'
                           f'source = "{wasm}/{name}.wasm"\n{extra}\n')
            file.write(hostile.auth_section(os.path.join(ROOT, "examples/auth/config")))
        host, address = start_host(args.wafer, manifest)
        try:
            rss_start = rss_kib(host.pid)
            counts = collections.Counter()
            lock = threading.Lock()
            deadline = time.monotonic() + args.seconds
            started = time.monotonic()
            samples = []
            threads = [
                threading.Thread(target=worker, args=(address, deadline,
                                                      (args.faulty_share, args.hostile_share), counts, lock))
                for _ in range(args.clients)
            ] + [threading.Thread(target=sample_rss, args=(host.pid, deadline, samples))]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
            alive = host.poll() is None
        finally:
            host.terminate()
            host.wait(timeout=30)

    total = sum(counts.values())
    print(f"{total} requests in {elapsed:.1f} s ({total / elapsed:,.0f}/s), {args.clients} clients, "
          f"{args.faulty_share:.0%} faulty, {args.hostile_share:.0%} hostile")
    print(f"{'kind':7} {'path':22} {'status':>22} {'as expected':>11} {'count':>8}")
    for (kind, path, status, ok), count in sorted(counts.items(), key=lambda item: (item[0][0], item[0][1], str(item[0][2]))):
        print(f"{kind:7} {path:22} {str(status):>22} {'yes' if ok else 'NO':>11} {count:>8}")
    lost = sum(count for (kind, _, _, ok), count in counts.items() if kind == "normal" and not ok)
    wrong = sum(count for (kind, _, _, ok), count in counts.items() if kind == "faulty" and not ok)
    undocumented = sum(count for (kind, _, _, ok), count in counts.items() if kind == "hostile" and not ok)
    print(f"host alive: {'yes' if alive else 'NO'}; normal requests lost: {lost}; "
          f"faulty requests with another status: {wrong}; "
          f"hostile clients not answered as documented: {undocumented}")
    first, second, grew = grew_without_bound(rss_start, samples, started, elapsed)
    print(f"host memory (RSS): {rss_start / 1024:.1f} MiB at start, peak {first / 1024:.1f} MiB "
          f"in the first half, {second / 1024:.1f} MiB in the second")
    print(json.dumps({"requests": total, "seconds": round(elapsed, 1), "lost": lost, "alive": alive,
                      "rss_start_kib": rss_start, "rss_first_half_kib": first,
                      "rss_second_half_kib": second}))
    if not alive or lost or undocumented or grew:
        sys.exit("FAILED: " + ", ".join(
            what for what, bad in [("the host died", not alive), (f"{lost} normal requests lost", lost),
                                   (f"{undocumented} hostile clients not answered as documented", undocumented),
                                   ("memory grew without bound", grew)] if bad))


if __name__ == "__main__":
    main()
