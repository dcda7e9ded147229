"""The FastAPI twin of the gateway example (`async def` and httpx's
AsyncClient), for the benchmark suite:

    UPSTREAM=http://127.0.0.1:8090 PYTHONPATH=examples/gateway uvicorn fastapi_app:app
"""

import asyncio
import json
import os
import time
from contextlib import asynccontextmanager

import httpx
from fastapi import BackgroundTasks, FastAPI, HTTPException, Query
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field

UPSTREAM = os.environ.get("UPSTREAM", "http://127.0.0.1:8090").rstrip("/")
client: httpx.AsyncClient


@asynccontextmanager
async def lifespan(_app):
    global client
    # Connections kept for reuse: without them each call would connect anew.
    limits = httpx.Limits(max_connections=1000, max_keepalive_connections=1000)
    async with httpx.AsyncClient(limits=limits) as client:
        yield


app = FastAPI(title="Gateway", version="0.1.0", lifespan=lifespan)


async def call(method, url, timeout_ms=None, **kwargs):
    timeout = timeout_ms / 1000 if timeout_ms is not None else None
    try:
        return await client.request(method, url, timeout=timeout, **kwargs)
    except httpx.TimeoutException:
        raise HTTPException(504, "Gateway Timeout")
    except httpx.HTTPError:
        raise HTTPException(502, "Bad Gateway")


@app.get("/gateway/fanout")
async def fanout(delays: str, timeout_ms: int | None = None):
    started = time.perf_counter()
    try:
        values = [int(ms) for ms in delays.split(",")]
    except ValueError:
        raise HTTPException(422, "delays is a comma-separated list of 1 to 16 numbers of milliseconds")
    responses = await asyncio.gather(
        *(call("GET", f"{UPSTREAM}/delay/{ms}", timeout_ms) for ms in values))
    return {"results": [{"status": r.status_code, "body": r.json()} for r in responses],
            "elapsed_ms": int((time.perf_counter() - started) * 1000)}


@app.post("/gateway/echo")
async def echo(body: dict, timeout_ms: int | None = None):
    response = await call("POST", f"{UPSTREAM}/echo", timeout_ms, json=body)
    return JSONResponse(response.json(), status_code=response.status_code)


@app.get("/gateway/events")
async def events(n: int = Query(5, ge=1, le=10000), interval_ms: int = Query(100, le=60000)):
    async def stream():
        for i in range(n):
            if i:
                await asyncio.sleep(interval_ms / 1000)
            yield f"data: {json.dumps({'i': i}, separators=(',', ':'))}\n\n"
    return StreamingResponse(stream(), media_type="text/event-stream")


class Order(BaseModel):
    item: str = Field(min_length=1)
    quantity: int = Field(ge=1)


@app.post("/gateway/orders", status_code=202)
async def order(order: Order, tasks: BackgroundTasks):
    tasks.add_task(call, "POST", f"{UPSTREAM}/audit", 5000, json=order.model_dump())
    return {"accepted": True, "item": order.item}
