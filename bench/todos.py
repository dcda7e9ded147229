"""The todos cases of the benchmark suite: `GET /todos/{id}` and `POST /todos`
of examples/todos on each kind of store, under Wafer (fresh instances and
instance reuse) and under its FastAPI twin (examples/todos/fastapi_app.py)
with the same store: the embedded one (SQLite in WAL mode; aiosqlite for
FastAPI) and Redis (a `redis-server` this suite starts; redis.asyncio).

Each system starts on an empty store (a new SQLite file, a flushed Redis)
holding one todo, id 1, which the GET case reads.
"""

import json
import os
import shutil
import socket
import tempfile
import time

from measure import free_port, json_answer, measure, request, spawn, stop, uvicorn, wait_ready
from paths import OUT, ROOT, WASM


TODO = '{"title": "milk"}'
# (case, method, path, body, expected status, what the answer's body must satisfy)
CASES = [
    ("GET /todos/{id}", "GET", "/todos/1", None, 200,
     json_answer(lambda j: j == {"id": 1, "title": "milk", "done": False})),
    ("POST /todos", "POST", "/todos", TODO, 201,
     json_answer(lambda j: j.get("title") == "milk" and j.get("id", 0) > 1)),
]
# How many requests one instance serves in the reuse mode.
REUSE = 10_000


def run(tools, only, case_name, seconds, warmup, report):
    """Measures each system (whose name contains `only`, if given) in each
    case (whose name contains `case_name`); `report` is called with each row."""
    rows = []
    redis = Redis()
    try:
        for system in systems(tools, redis):
            for case in CASES:
                if only and only not in system["name"] or case_name and case_name not in case[0]:
                    continue
                rows.append(measure(system, case, seconds, warmup))
                report(rows[-1])
    finally:
        redis.close()
    return rows


class Redis:
    """A `redis-server` on a free port, saving nothing, for the Redis cases."""

    def __init__(self):
        self.port = free_port()
        self.folder = tempfile.mkdtemp(prefix="wafer-bench-redis-")
        self.process = spawn(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                              "--save", "", "--appendonly", "no", "--dir", self.folder])
        deadline = time.monotonic() + 10
        while self.command("PING") != "+PONG":
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"redis-server did not start: {open(self.process.log).read()}")
            time.sleep(0.05)

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def command(self, *words):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=2) as s:
                request = f"*{len(words)}\r\n" + "".join(f"${len(w)}\r\n{w}\r\n" for w in words)
                s.sendall(request.encode())
                return s.recv(4096).decode().strip()
        except OSError:
            return None

    def close(self):
        stop(self.process)
        shutil.rmtree(self.folder, ignore_errors=True)


def systems(tools, redis):
    """How to start each system; each start returns (process, base URL) with
    the store holding todo 1."""
    todos = os.path.join(WASM, "todos.wasm")

    def fresh_store(kind):
        """A new, empty store of `kind` and a folder of its own: the Wafer
        manifest's section for it (none for embedded), the FastAPI twin's
        TODOS_STORE, and the folder (Wafer's data directory)."""
        folder = tempfile.mkdtemp(prefix="wafer-bench-todos-", dir=OUT)
        if kind == "redis":
            redis.command("FLUSHALL")
            return (f'[key_value_store.default]\ntype = "redis"\nurl = "{redis.url}"\n\n',
                    redis.url, folder)
        return "", f"sqlite:{os.path.join(folder, 'todos.sqlite3')}", folder

    def seeded(process, base):
        wait_ready(base, process)
        status, text = request(base + "/todos", "POST", TODO)
        if status != 201 or json.loads(text).get("id") != 1:
            stop(process)
            raise SystemExit(f"{base}: the first todo got {status} {text[:200]!r}")
        return process, base

    def wafer(kind, reuse):
        def start(case):
            section, _, data = fresh_store(kind)
            manifest = os.path.join(data, "todos.toml")
            with open(manifest, "w") as f:
                # concurrency = 128, as for the gateway (bench/run.py): a
                # guest holds its slot a moment after its answer has gone.
                f.write(section + "[[component]]\nname = \"todos\"\nroute = \"/todos/...\"\n"
                        f"source = {json.dumps(todos)}\nkey_value_stores = [\"default\"]\n"
                        "limits = { concurrency = 128 }\n"
                        + (f"instance_reuse = {REUSE}\n" if reuse else ""))
            return seeded(*spawn([tools["wafer"], "serve", manifest,
                                  "--listen", f"127.0.0.1:{free_port()}",
                                  "--data-dir", data, "--cache-dir", os.path.join(OUT, "cache")],
                                 ready=r"listening on (http://\S+)"))
        return start

    def fastapi(kind):
        def start(case):
            _, store, _ = fresh_store(kind)
            return seeded(*uvicorn(tools["python"], "fastapi_app:app",
                                   os.path.join(ROOT, "examples", "todos"), {"TODOS_STORE": store}))
        return start

    return [
        {"name": "wafer (fresh), embedded", "start": wafer("embedded", reuse=False)},
        {"name": "wafer (reuse), embedded", "start": wafer("embedded", reuse=True)},
        {"name": "FastAPI, aiosqlite", "start": fastapi("embedded")},
        {"name": "wafer (fresh), Redis", "start": wafer("redis", reuse=False)},
        {"name": "wafer (reuse), Redis", "start": wafer("redis", reuse=True)},
        {"name": "FastAPI, redis.asyncio", "start": fastapi("redis")},
    ]
