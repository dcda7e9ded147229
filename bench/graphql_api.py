"""The GraphQL cases of the benchmark suite (not named graphql.py, which
would shadow graphql-core): a query with nested fields
(`POST /graphql`, every author with their books and each book's author) of
examples/graphql under Wafer (fresh pre-initialized instances, and instance
reuse) and under its FastAPI twin (examples/graphql/fastapi_app.py:
Strawberry on SQLite), plus each system's first answer after start-up.

Each system starts on an empty store and is given the same library first:
8 authors with 4 books each, added with the `addBook` mutation.
"""

import json
import os
import tempfile
import time

from measure import (
    free_port, json_answer, measure_all, request, spawn, stop, uvicorn, wait_ready,
)
from paths import OUT, ROOT, WASM

AUTHORS, BOOKS_EACH = 8, 4
NESTED = json.dumps({"query": "{ authors { id name books { id title author { name } } } }"})
ADD_BOOK = ("mutation($title: String!, $author: String!) "
            "{ addBook(title: $title, authorName: $author) { id } }")


def complete(answer):
    authors = answer["data"]["authors"]
    return len(authors) == AUTHORS and all(len(a["books"]) == BOOKS_EACH for a in authors)


# (case, method, path, body, expected status, what the answer's body must satisfy)
CASES = [
    ("POST /graphql (nested query)", "POST", "/graphql", NESTED, 200, json_answer(complete)),
]
# How many requests one instance serves in the reuse mode.
REUSE = 10_000


def run(tools, only, case_name, seconds, warmup, report):
    """The rows of each system and case, and each system's first answer
    (see measure.measure_all)."""
    return measure_all(systems(tools), CASES, first_answer, only, case_name, seconds, warmup,
                       report)


def first_answer(system):
    """From starting the system to its first answer to the nested query, and
    that request's own time, after a restart: the compilation cache warm and
    the library already in the store."""
    process, _ = system["start"](CASES[0][0])
    stop(process)
    started = time.monotonic()
    process, base = system["start"](CASES[0][0], seed_first=False, keep=True)
    try:
        wait_ready(base, process, timeout=600)
        ready = time.monotonic()
        status, text = request(base + "/graphql", "POST", NESTED)
        done = time.monotonic()
    finally:
        stop(process)
    if status != 200 or not CASES[0][5](text):
        raise SystemExit(f"{system['name']}: the first query got {status} {text[:200]!r}")
    return {"system": system["name"], "start_to_answer_ms": (done - started) * 1000,
            "first_request_ms": (done - ready) * 1000}


def seed(process, base):
    """Adds the library, through the API."""
    wait_ready(base, process, timeout=600)
    for author in range(AUTHORS):
        for book in range(BOOKS_EACH):
            body = json.dumps({"query": ADD_BOOK, "variables": {
                "title": f"Book {book} of author {author}", "author": f"Author {author}"}})
            status, text = request(base + "/graphql", "POST", body)
            if status != 200 or "errors" in json.loads(text):
                stop(process)
                raise SystemExit(f"{base}: addBook got {status} {text[:200]!r}")
    return process, base


def systems(tools):
    """How to start each system: (process, base URL), on a store of its own
    (`keep`: the last one's, so that a restart finds the library)."""
    graphql = os.path.join(WASM, "graphql.wasm")
    folders = {}

    def folder(name, keep):
        if not keep or name not in folders:
            folders[name] = tempfile.mkdtemp(prefix=f"wafer-bench-graphql-{name}-", dir=OUT)
        return folders[name]

    def wafer(reuse):
        mode = "reuse" if reuse else "fresh"

        def start(case, seed_first=True, keep=False):
            data = folder(mode, keep)
            manifest = os.path.join(data, "graphql.toml")
            with open(manifest, "w") as f:
                f.write("[[component]]\nname = \"graphql\"\nroute = \"/graphql/...\"\n"
                        f"source = {json.dumps(graphql)}\nkey_value_stores = [\"library\"]\n"
                        "pre_initialize = true\nlimits = { concurrency = 128 }\n"
                        + (f"instance_reuse = {REUSE}\n" if reuse else ""))
            started = spawn([tools["wafer"], "serve", manifest,
                             "--listen", f"127.0.0.1:{free_port()}",
                             "--data-dir", data, "--cache-dir", os.path.join(OUT, "cache")],
                            ready=r"listening on (http://\S+)")
            return seed(*started) if seed_first else started
        return start

    def fastapi(case, seed_first=True, keep=False):
        data = folder("fastapi", keep)
        started = uvicorn(tools["python"], "fastapi_app:app",
                          os.path.join(ROOT, "examples", "graphql"),
                          {"LIBRARY_DB": os.path.join(data, "library.sqlite3")})
        return seed(*started) if seed_first else started

    return [
        {"name": "wafer (fresh, pre-initialized)", "start": wafer(reuse=False)},
        {"name": "wafer (reuse)", "start": wafer(reuse=True)},
        {"name": "FastAPI, Strawberry", "start": fastapi},
    ]
