"""The FastAPI app that `tests/it/oracle.rs` mirrors route for route.

`record.py` sends it every request in `cases.json` and stores FastAPI's answers
in `answers.json`, which the Rust test compares Wafer's answers with.
"""

from enum import Enum
from typing import Optional

from fastapi import FastAPI, Header, Query
from pydantic import BaseModel, ConfigDict, Field

app = FastAPI()


class Item(BaseModel):
    name: str
    price: float
    tags: list[str] = Field(default_factory=list)


class Sub(BaseModel):
    a: int


class Color(str, Enum):
    red = "red"
    green = "green"
    blue = "blue"


class Everything(BaseModel):
    i: Optional[int] = None
    f: Optional[float] = None
    s: Optional[str] = None
    b: Optional[bool] = None
    l: Optional[list[int]] = None
    d: Optional[dict[str, int]] = None
    m: Optional[Sub] = None
    c: Optional[Color] = None


class Order(BaseModel):
    customer: str
    lines: list[Sub]
    note: Optional[str] = None
    rush: bool = False


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str


@app.get("/items/{item_id}")
def read_item(item_id: int, q: Optional[str] = Query(None)):
    return {"id": item_id, "q": q}


@app.post("/items", status_code=201)
def create_item(item: Item) -> Item:
    return item


@app.post("/everything")
def everything(body: Everything):
    return body


@app.post("/orders")
def orders(order: Order):
    return order


@app.post("/strict")
def strict(body: Strict):
    return body


@app.get("/flags/{flag}")
def flags(flag: bool, n: list[int] = Query([])):
    return {"flag": flag, "n": n}


@app.get("/headers")
def headers(count: int, x_token: str = Header(), x_level: Optional[int] = Header(None)):
    return {"count": count, "x_token": x_token, "x_level": x_level}


@app.get("/colors/{color}")
def colors(color: Color):
    return {"color": color}
