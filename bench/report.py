"""The suite's report: the ratios the targets are stated in, the Markdown
tables, and BENCHMARKS.md's results section."""

import os
import platform
import sys
import time

import graphql_api
from paths import ROOT


def ratios(rows, raw_case, gateway_case):
    """The ratios the targets are stated in, and a few that explain them;
    `raw_case` names the case of the raw wasi:http component, `gateway_case`
    the gateway example's fan-out."""
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
        ("fresh GET /hello vs wasmtime serve (tuned pooling)", "wafer (fresh",
         "wasmtime serve (tuned", "GET /hello", None),
        ("wasmtime serve, tuned pooling vs default, GET /hello", "wasmtime serve (tuned",
         "wasmtime serve (default", "GET /hello", None),
        ("fresh GET /hello vs native axum", "wafer (fresh", "native", "GET /hello", None),
        ("raw component, fresh vs wasmtime serve (default)", "wafer (fresh",
         "wasmtime serve (default", raw_case, None),
        ("raw component, fresh vs wasmtime serve (tuned pooling)", "wafer (fresh",
         "wasmtime serve (tuned", raw_case, None),
        ("raw component, reuse vs wasmtime serve (reuse)", "wafer (instance reuse",
         "wasmtime serve (reuse", raw_case, None),
        ("gateway fan-out, fresh vs FastAPI", "wafer (fresh", "FastAPI", gateway_case, None),
        ("gateway fan-out, reuse vs FastAPI", "wafer (instance reuse", "FastAPI", gateway_case,
         None),
        ("gateway fan-out, fresh vs wasmtime serve (default)", "wafer (fresh",
         "wasmtime serve (default", gateway_case, None),
    ]
    for store, twin in (("embedded", "aiosqlite"), ("Redis", "redis.asyncio")):
        for case in ("GET /todos/{id}", "POST /todos"):
            for mode in ("fresh", "reuse"):
                wanted.append((f"todos {case} on {store}, {mode} vs FastAPI ({twin})",
                               f"wafer ({mode}), {store}", f"FastAPI, {twin}", case, None))
    for case in ("POST /digits/predict", "POST /digits/predict/batch (64)"):
        for mode in ("fresh, pre-initialized", "reuse"):
            wanted.append((f"digits {case}, {mode} vs FastAPI (onnxruntime)", f"wafer ({mode})",
                           "FastAPI, onnxruntime", case, None))
    for mode in ("fresh, pre-initialized", "reuse"):
        wanted.append((f"graphql nested query, {mode} vs FastAPI (Strawberry)", f"wafer ({mode})",
                       "FastAPI, Strawberry", "POST /graphql (nested query)", None))
    out = []
    for label, ours, theirs, case, target in wanted:
        a, b = rps(ours, case), rps(theirs, case)
        if a and b:
            out.append({"ratio": label, "value": a / b, "target": target})
    return out


def first_answers(title, rows):
    """The table of each system's first answer after start-up."""
    lines = ["", f"| {title} | Start → answer | The request alone |", "|---|---:|---:|"]
    for row in rows:
        lines.append(f"| {row['system']} | {row['start_to_answer_ms']:.1f} ms | "
                     f"{row['first_request_ms']:.1f} ms |")
    return lines


def render(results):
    lines = [f"Machine: {results['machine']}", f"Load: {results['load']}", ""]
    lines += table(results["load_cases"])
    if results.get("raw_cases"):
        lines += ["", "The raw `wasi:http` component (tests/components/plain), WebAssembly systems only:",
                  ""] + table(results["raw_cases"], memory=False)
    if results.get("gateway_cases"):
        lines += ["", "The gateway example's fan-out (examples/gateway): three upstream calls at once, "
                      "each answered after 20 ms:", ""] + table(results["gateway_cases"])
    if results.get("todos_cases"):
        lines += ["", "The todos example (examples/todos) on a store: embedded (SQLite in WAL mode; "
                      "aiosqlite for FastAPI) and Redis (redis.asyncio for FastAPI):", ""]
        lines += table(results["todos_cases"])
    if results.get("digits_cases"):
        lines += ["", "The digits example (examples/digits): a scikit-learn model run by tract in "
                      "the component, by onnxruntime (one thread per worker) in FastAPI:", ""]
        lines += table(results["digits_cases"])
    if results.get("digits_first"):
        lines += first_answers("Digits: first prediction after start-up (warm cache)",
                               results["digits_first"])
    if results.get("graphql_cases"):
        lines += ["", "The graphql example (examples/graphql): async-graphql on the embedded store in "
                      "the component, Strawberry on SQLite in FastAPI; every author with their books "
                      f"and each book's author, {graphql_api.AUTHORS} authors of "
                      f"{graphql_api.BOOKS_EACH} books:", ""]
        lines += table(results["graphql_cases"])
    if results.get("graphql_first"):
        lines += first_answers("GraphQL: first answer after a restart (warm cache)",
                               results["graphql_first"])
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


def table(rows, memory=True):
    """The Markdown table of load rows."""
    lines = ["| System | Case | Requests/s | p50 | p99 |" + (" Peak memory |" if memory else ""),
             "|---|---|---:|---:|---:|" + ("---:|" if memory else "")]
    for row in rows:
        lines.append(f"| {row['system']} | `{row['case']}` | {row['rps']:,.0f} | "
                     f"{row['p50_ms']:.2f} ms | {row['p99_ms']:.2f} ms |"
                     + (f" {row['peak_mib']:.1f} MiB |" if memory else ""))
    return lines


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
