"""The digits cases of the benchmark suite: `POST /digits/predict` (one image)
and `POST /digits/predict/batch` (64 images) of examples/digits under Wafer
(fresh pre-initialized instances, fresh instances that each load the model,
and instance reuse) and under its FastAPI
twin (examples/digits/fastapi_app.py: onnxruntime, one thread per worker),
plus each system's first answer after start-up: how long from starting the
process to the first prediction, and how long that first request took.
"""

import json
import os
import time

from measure import (
    free_port, json_answer, measure_all, request, spawn, stop, uvicorn, wait_ready,
)
from paths import OUT, ROOT, WASM

# The first image of the data set (a 0), and the first 64.
with open(os.path.join(ROOT, "examples", "digits", "data", "digits.csv")) as _f:
    _IMAGES = [[int(n) for n in line.split(",")[:64]] for line in _f][:64]
ONE = json.dumps({"pixels": _IMAGES[0]})
BATCH = json.dumps({"images": _IMAGES})

# (case, method, path, body, expected status, what the answer's body must satisfy)
CASES = [
    ("POST /digits/predict", "POST", "/digits/predict", ONE, 200,
     json_answer(lambda j: j.get("digit") == 0 and len(j.get("probabilities", [])) == 10)),
    ("POST /digits/predict/batch (64)", "POST", "/digits/predict/batch", BATCH, 200,
     json_answer(lambda j: len(j.get("digits", [])) == 64 and j["digits"][0] == 0)),
]
# How many requests one instance serves in the reuse mode.
REUSE = 10_000


def run(tools, only, case_name, seconds, warmup, report):
    """The rows of each system and case, and each system's first answer
    (see measure.measure_all)."""
    return measure_all(systems(tools), CASES, first_answer, only, case_name, seconds, warmup,
                       report)


def first_answer(system):
    """From starting the system to its first prediction, and that request's
    own time, with a warm compilation cache (as a restart has)."""
    # Once to fill the cache (compiled code, the snapshot), then measured.
    for _ in range(2):
        started = time.monotonic()
        process, base = system["start"](CASES[0][0])
        try:
            wait_ready(base, process, timeout=600)
            ready = time.monotonic()
            status, _ = request(base + CASES[0][2], "POST", ONE)
            done = time.monotonic()
        finally:
            stop(process)
        if status != 200:
            raise SystemExit(f"{system['name']}: the first prediction got {status}")
    return {"system": system["name"], "start_to_answer_ms": (done - started) * 1000,
            "first_request_ms": (done - ready) * 1000}


def systems(tools):
    """How to start each system: (process, base URL)."""
    digits = os.path.join(WASM, "digits.wasm")

    def wafer(reuse, pre_initialize=True):
        def start(case):
            mode = ("reuse" if reuse else "fresh") + ("" if pre_initialize else "-plain")
            manifest = os.path.join(OUT, f"digits-{mode}.toml")
            with open(manifest, "w") as f:
                f.write("[[component]]\nname = \"digits\"\nroute = \"/digits/...\"\n"
                        f"source = {json.dumps(digits)}\n"
                        f"pre_initialize = {'true' if pre_initialize else 'false'}\n"
                        "limits = { concurrency = 128 }\n"
                        + (f"instance_reuse = {REUSE}\n" if reuse else ""))
            return spawn([tools["wafer"], "serve", manifest,
                          "--listen", f"127.0.0.1:{free_port()}",
                          "--cache-dir", os.path.join(OUT, "cache")],
                         ready=r"listening on (http://\S+)")
        return start

    def fastapi(case):
        return uvicorn(tools["python"], "fastapi_app:app", os.path.join(ROOT, "examples", "digits"))

    return [
        {"name": "wafer (fresh, pre-initialized)", "start": wafer(reuse=False)},
        # What pre-initializing buys: each fresh instance loads the model.
        {"name": "wafer (fresh, not pre-initialized)",
         "start": wafer(reuse=False, pre_initialize=False)},
        {"name": "wafer (reuse)", "start": wafer(reuse=True)},
        {"name": "FastAPI, onnxruntime", "start": fastapi},
    ]
