"""The FastAPI twin of the graphql example: the same schema with Strawberry,
as a FastAPI user would serve it, for the tests and the benchmark suite:

    LIBRARY_DB=/tmp/library.sqlite3 uvicorn --app-dir examples/graphql fastapi_app:app

Books and authors are tables in SQLite (WAL mode, `synchronous = NORMAL`, as
Wafer keeps its embedded store), so that every worker sees every mutation.
The limits match the component's where Strawberry has one: a depth of 16,
and at most 500 aliases (Strawberry has no complexity limit).
"""

import os
import sqlite3
import threading
from typing import Optional

import strawberry
from fastapi import FastAPI
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter
from strawberry.fastapi import GraphQLRouter

DATABASE = os.environ.get("LIBRARY_DB", "library.sqlite3")
MAX_TITLE = 200
MAX_NAME = 100

local = threading.local()


def db():
    """This thread's connection, the tables created on first use."""
    connection = getattr(local, "connection", None)
    if connection is None:
        connection = sqlite3.connect(DATABASE, timeout=5, isolation_level=None)
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute(
            "CREATE TABLE IF NOT EXISTS authors "
            "(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)"
        )
        connection.execute(
            "CREATE TABLE IF NOT EXISTS books (id INTEGER PRIMARY KEY, "
            "title TEXT NOT NULL, author_id INTEGER NOT NULL REFERENCES authors(id))"
        )
        local.connection = connection
    return connection


@strawberry.type(description="A book.")
class Book:
    id: strawberry.ID
    title: str
    author_id: strawberry.Private[int]

    @strawberry.field(description="Who wrote it.")
    def author(self) -> "Author":
        row = db().execute(
            "SELECT id, name FROM authors WHERE id = ?", (self.author_id,)
        ).fetchone()
        return Author(id=strawberry.ID(str(row[0])), name=row[1])


@strawberry.type(description="An author.")
class Author:
    id: strawberry.ID
    name: str

    @strawberry.field(description="What they wrote, in the order the books were added.")
    def books(self) -> list[Book]:
        rows = db().execute(
            "SELECT id, title, author_id FROM books WHERE author_id = ? ORDER BY id",
            (int(self.id),),
        )
        return [book(row) for row in rows]


def book(row):
    return Book(id=strawberry.ID(str(row[0])), title=row[1], author_id=row[2])


@strawberry.type
class Query:
    @strawberry.field(description="Every book, in the order they were added.")
    def books(self) -> list[Book]:
        rows = db().execute("SELECT id, title, author_id FROM books ORDER BY id")
        return [book(row) for row in rows]

    @strawberry.field(description="The book with this id, or null if there is none.")
    def book(self, id: strawberry.ID) -> Optional[Book]:
        if not id.isdigit():
            return None
        row = db().execute(
            "SELECT id, title, author_id FROM books WHERE id = ?", (int(id),)
        ).fetchone()
        return book(row) if row else None

    @strawberry.field(description="Every author, in the order they were added.")
    def authors(self) -> list[Author]:
        rows = db().execute("SELECT id, name FROM authors ORDER BY id")
        return [Author(id=strawberry.ID(str(id)), name=name) for id, name in rows]


def check_text(argument, text, most):
    if not text.strip():
        raise ValueError(f"{argument} must not be blank")
    if len(text) > most:
        raise ValueError(f"{argument} must have at most {most} characters, not {len(text)}")


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Add a book by the author of this name.")
    def add_book(self, title: str, author_name: str) -> Book:
        check_text("title", title, MAX_TITLE)
        check_text("authorName", author_name, MAX_NAME)
        connection = db()
        connection.execute("INSERT OR IGNORE INTO authors (name) VALUES (?)", (author_name,))
        (author_id,) = connection.execute(
            "SELECT id FROM authors WHERE name = ?", (author_name,)
        ).fetchone()
        cursor = connection.execute(
            "INSERT INTO books (title, author_id) VALUES (?, ?)", (title, author_id)
        )
        return Book(id=strawberry.ID(str(cursor.lastrowid)), title=title, author_id=author_id)


schema = strawberry.Schema(
    query=Query,
    mutation=Mutation,
    extensions=[QueryDepthLimiter(max_depth=16), MaxAliasesLimiter(max_alias_count=500)],
)

app = FastAPI(title="Library")
app.include_router(GraphQLRouter(schema, graphql_ide="graphiql"), prefix="/graphql")
