"""The FastAPI twin of the todos example, on the same kind of store, for the
benchmark suite:

    TODOS_STORE=sqlite:/tmp/todos.sqlite3 PYTHONPATH=examples/todos uvicorn fastapi_app:app
    TODOS_STORE=redis://127.0.0.1:6379/0  PYTHONPATH=examples/todos uvicorn fastapi_app:app

The data is kept as Wafer keeps it: a key-value table in SQLite (WAL mode,
`synchronous = NORMAL`, through aiosqlite) or keys in Redis (through
redis.asyncio), each todo a JSON value under `todo:<padded id>` and the ids
from the counter `next-id`.
"""

import json
import os
from contextlib import asynccontextmanager

from fastapi import FastAPI, HTTPException, Query, Response
from pydantic import BaseModel, Field

STORE = os.environ.get("TODOS_STORE", "sqlite:todos.sqlite3")
PREFIX = "todo:"


def key(todo_id):
    return f"{PREFIX}{todo_id:020}"


class SqliteStore:
    """A key-value table in SQLite, as Wafer's embedded store."""

    async def open(self, path):
        import aiosqlite

        # Autocommit: each statement is its own transaction, so that the
        # requests sharing this connection never interleave inside one.
        self.db = await aiosqlite.connect(path, timeout=5, isolation_level=None)
        await self.db.execute("PRAGMA journal_mode = WAL")
        await self.db.execute("PRAGMA synchronous = NORMAL")
        await self.db.execute(
            "CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY NOT NULL, value BLOB NOT NULL)"
            " WITHOUT ROWID")

    async def close(self):
        await self.db.close()

    async def get(self, name):
        async with self.db.execute("SELECT value FROM kv WHERE key = ?", (name,)) as rows:
            row = await rows.fetchone()
        return row[0] if row else None

    async def set(self, name, value):
        await self.db.execute(
            "INSERT INTO kv (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value", (name, value))

    async def delete(self, name):
        await self.db.execute("DELETE FROM kv WHERE key = ?", (name,))

    async def keys(self):
        async with self.db.execute("SELECT key FROM kv ORDER BY key") as rows:
            return [row[0] async for row in rows]

    async def increment(self, name):
        async with self.db.execute(
                "INSERT INTO kv (key, value) VALUES (?, '1') ON CONFLICT (key)"
                " DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)"
                " RETURNING value", (name,)) as rows:
            [(value,)] = await rows.fetchall()
        return int(value)


class RedisStore:
    """Keys in Redis, as Wafer's Redis store."""

    async def open(self, url):
        import redis.asyncio

        self.redis = redis.asyncio.Redis.from_url(url)

    async def close(self):
        await self.redis.aclose()

    async def get(self, name):
        return await self.redis.get(name)

    async def set(self, name, value):
        await self.redis.set(name, value)

    async def delete(self, name):
        await self.redis.delete(name)

    async def keys(self):
        return sorted([k.decode() async for k in self.redis.scan_iter(count=1000)])

    async def increment(self, name):
        return await self.redis.incr(name)


store = RedisStore() if STORE.startswith("redis://") else SqliteStore()


@asynccontextmanager
async def lifespan(_app):
    await store.open(STORE.removeprefix("sqlite:"))
    yield
    await store.close()


app = FastAPI(title="Todos", version="0.1.0", lifespan=lifespan)


class TodoIn(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    done: bool = False


class TodoPatch(BaseModel):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    done: bool | None = None


class Todo(BaseModel):
    id: int
    title: str
    done: bool


async def read(todo_id):
    value = await store.get(key(todo_id))
    if value is None:
        raise HTTPException(404, "Todo not found")
    return Todo.model_validate_json(value)


async def write(todo):
    await store.set(key(todo.id), todo.model_dump_json())
    return todo


@app.post("/todos", status_code=201)
async def create_todo(todo: TodoIn) -> Todo:
    todo_id = await store.increment("next-id")
    return await write(Todo(id=todo_id, **todo.model_dump()))


@app.get("/todos")
async def list_todos(offset: int = Query(0, ge=0), limit: int = Query(10, ge=1, le=100)) -> list[Todo]:
    keys = [k for k in await store.keys() if k.startswith(PREFIX)][offset:offset + limit]
    todos = []
    for name in keys:
        value = await store.get(name)
        if value is not None:
            todos.append(Todo.model_validate_json(value))
    return todos


@app.get("/todos/{todo_id}")
async def read_todo(todo_id: int) -> Todo:
    return await read(todo_id)


@app.put("/todos/{todo_id}")
async def replace_todo(todo_id: int, todo: TodoIn) -> Todo:
    await read(todo_id)
    return await write(Todo(id=todo_id, **todo.model_dump()))


@app.patch("/todos/{todo_id}")
async def update_todo(todo_id: int, patch: TodoPatch) -> Todo:
    todo = await read(todo_id)
    changed = todo.model_copy(update=patch.model_dump(exclude_unset=True))
    return await write(changed)


@app.delete("/todos/{todo_id}", status_code=204)
async def delete_todo(todo_id: int):
    await read(todo_id)
    await store.delete(key(todo_id))
    return Response(status_code=204)


if __name__ == "__main__":
    print(json.dumps(app.openapi()))
