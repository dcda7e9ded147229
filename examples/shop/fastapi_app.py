"""The shop's FastAPI twin: the app of issue 20, verbatim below the imports.

`examples/shop` answers every request as this app does; its recorded answers
(`oracle/answers.json`, to the requests in `oracle/cases.json`) are the oracle
that `src/tests.rs` compares the component with. Record them again with

    python3 guest-sdk/tests/fastapi/record.py examples/shop/fastapi_app.py examples/shop/oracle

(FastAPI 0.165, Pydantic 2.x and python-multipart installed), or serve it with
`uvicorn fastapi_app:app` from this folder.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from fastapi import Cookie, Depends, FastAPI, Form, Header, HTTPException, Query, Response, UploadFile
from fastapi.responses import RedirectResponse
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from pydantic import BaseModel, Field, conint, field_validator

app = FastAPI()

class EmailContact(BaseModel):
    type: Literal["email"]
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")
class PhoneContact(BaseModel):
    type: Literal["phone"]
    phone: str = Field(min_length=7, max_length=15)

class Order(BaseModel):
    id: UUID
    placed_at: datetime
    ship_by: date | None = None
    total: Decimal = Field(ge=0, max_digits=10, decimal_places=2)
    kind: Literal["standard", "express"] = "standard"
    contact: Annotated[EmailContact | PhoneContact, Field(discriminator="type")]
    coupon: str | None = None
    lines: list[conint(ge=1, le=99)] = Field(default_factory=list, max_length=20)
    @field_validator("coupon")
    @classmethod
    def upper(cls, v):
        if v is not None and v != v.upper(): raise ValueError("coupon must be upper case")
        return v

class OrderPatch(BaseModel):
    ship_by: date | None = None
    kind: Literal["standard", "express"] | None = None

@app.post("/shop/login")
def login(response: Response, username: str = Form(min_length=3), password: str = Form(min_length=8), remember: bool = Form(False)):
    response.set_cookie("session", f"s-{username}", httponly=True, max_age=3600 if remember else None)
    return {"username": username, "remember": remember}

@app.get("/shop/me")
def me(session: str | None = Cookie(None)):
    if session is None: raise HTTPException(401, "Not logged in")
    return {"session": session}

@app.post("/shop/upload")
async def upload(file: UploadFile, note: str = Form("", max_length=100)):
    data = await file.read()
    return {"filename": file.filename, "content_type": file.content_type, "size": len(data), "note": note}

@app.post("/shop/orders", status_code=201)
def create(order: Order): return order

@app.get("/shop/orders/{order_id}")
def read(order_id: UUID, include: list[str] = Query([]), x_trace: list[str] = Header([])):
    return {"id": order_id, "include": include, "x_trace": x_trace}

@app.patch("/shop/orders/{order_id}", response_model=OrderPatch, response_model_exclude_unset=True)
def patch(order_id: UUID, p: OrderPatch): return p

@app.get("/shop/catalog/")
def catalog(): return {"items": []}          # /shop/catalog → 307 to /shop/catalog/

@app.get("/shop/old")
def old(): return RedirectResponse("/shop/catalog/", status_code=308)

@app.get("/shop/admin")
def admin(creds: HTTPBasicCredentials = Depends(HTTPBasic())):
    if (creds.username, creds.password) != ("admin", "s3cret"): raise HTTPException(401, "Bad credentials", headers={"WWW-Authenticate": "Basic"})
    return {"user": creds.username}
