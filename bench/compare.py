"""Builds of Wafer back to back: one case under each build in turn, for a few
rounds, so that what a change does shows through this machine's noise.

A build is a `wafer` binary and the component it serves, `BINARY:WASM`. Keep
copies of the build before a change, then compare it with the current one:

    cp target/release/wafer /tmp/wafer-before
    cp target/wasm32-wasip2/release/hello.wasm /tmp/hello-before.wasm
    ...change, rebuild...
    python3 bench/compare.py --reuse \\
        /tmp/wafer-before:/tmp/hello-before.wasm \\
        target/release/wafer:target/wasm32-wasip2/release/hello.wasm

Prints each build's requests/s per round, their mean, and its p99 latencies.
`--body` POSTs a JSON body instead (`--path /items --status 201 --body
'{"name": "hammer", "price": 9.5}'` with items.wasm).
"""

import argparse
import os
import sys

from measure import free_port, measure, spawn
from paths import OUT


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("builds", nargs="+", metavar="BINARY:WASM")
    parser.add_argument("--path", default="/hello", help="what to GET (default /hello)")
    parser.add_argument("--body", help="POST this JSON body to the path instead")
    parser.add_argument("--status", type=int, default=200, help="the status expected (200)")
    parser.add_argument("--reuse", action="store_true", help="instance_reuse = 10000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5, help="of load per round and build")
    args = parser.parse_args()

    builds = [parse_build(build) for build in args.builds]
    figures = [[] for _ in builds]
    for _ in range(args.rounds):
        for build, runs in zip(builds, figures):
            runs.append(load(build, args))
    for (binary, wasm), runs in zip(builds, figures):
        rps = [run["rps"] for run in runs]
        print(f"{binary} + {os.path.basename(wasm)}: "
              + " ".join(f"{value:,.0f}" for value in rps)
              + f" requests/s, mean {sum(rps) / len(rps):,.0f}; p99 "
              + " ".join(f"{run['p99_ms']:.1f}" for run in runs) + " ms")


def parse_build(text):
    binary, separator, wasm = text.partition(":")
    if not separator:
        sys.exit(f"{text}: expected BINARY:WASM")
    for path in (binary, wasm):
        if not os.path.isfile(path):
            sys.exit(f"{path}: no such file")
    return os.path.abspath(binary), os.path.abspath(wasm)


def load(build, args):
    """wrk's figures for GET `args.path` under `build`, after one checked
    request and a second of warm-up."""
    binary, wasm = build
    os.makedirs(OUT, exist_ok=True)
    manifest = os.path.join(OUT, "compare.toml")
    route = "/" + args.path.strip("/").split("/")[0] + "/..."
    with open(manifest, "w") as f:
        f.write(f'[[component]]\nname = "compared"\nroute = "{route}"\nsource = "{wasm}"\n'
                + ("instance_reuse = 10000\n" if args.reuse else ""))
    system = {"name": binary,
              "start": lambda _case: spawn([binary, "serve", manifest,
                                            "--listen", f"127.0.0.1:{free_port()}",
                                            "--cache-dir", os.path.join(OUT, "cache")],
                                           ready=r"listening on (http://\S+)")}
    method = "POST" if args.body is not None else "GET"
    case = (f"{method} {args.path}", method, args.path, args.body, args.status,
            lambda _text: True)
    return measure(system, case, args.seconds, warmup=1)


if __name__ == "__main__":
    main()
