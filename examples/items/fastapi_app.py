"""The FastAPI twin of this example: the oracle for its answers.

Run it with `uvicorn fastapi_app:app` (pip install fastapi uvicorn) and send
both the same requests: status and body must be the same.
"""

from typing import Optional

from fastapi import Depends, FastAPI, Path, Query
from pydantic import BaseModel, Field

app = FastAPI(title="Items", version="0.1.0")


class Item(BaseModel):
    name: str = Field(min_length=1, max_length=50)
    price: float = Field(gt=0)
    tags: list[str] = Field(default_factory=list, max_length=10)


CATALOG = [
    Item(name="hammer", price=9.5),
    Item(name="saw", price=14.0),
    Item(name="drill", price=89.9),
]


class Pagination:
    def __init__(self, skip: int = 0, limit: int = 10):
        self.skip = skip
        self.limit = limit


@app.get("/items", tags=["items"])
def list_items(page: Pagination = Depends()) -> list[Item]:
    return CATALOG[page.skip : page.skip + page.limit]


@app.get("/items/{item_id}", tags=["items"])
def read_item(item_id: int = Path(ge=1), q: Optional[str] = Query(None, max_length=20)):
    return {"id": item_id, "q": q}


@app.post("/items", status_code=201, tags=["items"])
def create_item(item: Item) -> Item:
    return item
