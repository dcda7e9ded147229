"""The FastAPI app that `tests/it/oracle.rs` mirrors route for route.

`record.py` sends it every request in `cases.json` and stores FastAPI's answers
in `answers.json`, which the Rust test compares Wafer's answers with.
"""

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from uuid import UUID
from typing import Annotated, Literal, Optional, Union

from fastapi import Cookie, Depends, FastAPI, Form, Header, HTTPException, Path, Query, Response, UploadFile
from fastapi.responses import RedirectResponse
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from pydantic import BaseModel, ConfigDict, Field, field_validator

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


class Priced(BaseModel):
    price: float = Field(gt=0)


class Constrained(BaseModel):
    name: str = Field(min_length=1, max_length=5)
    code: Optional[str] = Field(None, pattern=r"^[a-z]+$")
    n: int = Field(0, ge=1, le=10)
    x: float = Field(0.5, gt=0, lt=1)
    m: int = Field(0, multiple_of=5)
    f: float = Field(0.0, multiple_of=0.5)
    tags: list[str] = Field(default_factory=list, min_length=1, max_length=2)
    subs: list[Priced] = Field(default_factory=list)


class Ordered(BaseModel):
    s: str = Field("x", min_length=3, max_length=2, pattern="^z")
    i: int = Field(7, multiple_of=5, le=3, lt=3, ge=10, gt=10)
    f: float = Field(7.0, multiple_of=5, le=3, lt=3, ge=10, gt=10)
    l: list[str] = Field(default_factory=list, min_length=2)


@app.post("/constrained")
def constrained(body: Constrained):
    return body


@app.post("/ordered")
def ordered(body: Ordered):
    return body


@app.get("/bounded/{item_id}")
def bounded(
    item_id: int = Path(ge=1),
    q: Optional[str] = Query(None, max_length=3),
    k: list[int] = Query([], max_length=2),
):
    return {"item_id": item_id, "q": q, "k": k}


Digit = Annotated[int, Field(ge=0, le=9)]
Word = Annotated[str, Field(min_length=1, pattern=r"^[a-z]+$")]


class Grid(BaseModel):
    rows: list[Annotated[list[Digit], Field(min_length=2)]] = Field(min_length=1, max_length=3)
    scores: list[Annotated[float, Field(gt=0)]] = Field(default_factory=list)
    words: Optional[list[Word]] = None


@app.post("/grid")
def grid(body: Grid):
    return body


@app.get("/digits")
def digits(d: list[Digit] = Query([])):
    return {"d": d}


# Cookies: read as parameters (one, typed and constrained, a model of them),
# set on the response, in FastAPI's error order among the other sources. (The
# shop's twin, examples/shop/fastapi_app.py, has the session cookie, the login
# form, the upload and the catalog's redirects: its oracle holds their cases.)


@app.get("/cookies/typed")
def cookie_typed(
    n: int = Cookie(),
    flag: bool = Cookie(False),
    code: str = Cookie("ab", min_length=2, max_length=4),
):
    return {"n": n, "flag": flag, "code": code}


@app.get("/cookies/mixed/{p}")
def cookie_mixed(p: int, q: int, x_h: int = Header(), c: int = Cookie()):
    return {"p": p, "q": q, "x_h": x_h, "c": c}


class Prefs(BaseModel):
    theme: str = "light"
    size: int = Field(10, ge=1)


@app.get("/cookies/prefs")
def cookie_prefs(prefs: Annotated[Prefs, Cookie()]):
    return prefs


@app.get("/cookies/login/{user}")
def cookie_login(user: str, response: Response, remember: bool = False):
    response.set_cookie("session", f"s-{user}", httponly=True, max_age=3600 if remember else None)
    return {"user": user}


@app.get("/cookies/theme")
def cookie_theme(response: Response):
    response.set_cookie("theme", "dark blue;x", secure=True, samesite="strict", path="/cookies")
    response.set_cookie("seen", "1", samesite=None, domain="example.com")
    return {}


# Forms: fields one by one, a form model, and among the other sources.


class Signup(BaseModel):
    name: str = Field(min_length=1, max_length=10)
    age: int = Field(ge=18)
    tags: list[str] = []
    newsletter: Optional[bool] = None


@app.post("/forms/signup")
def form_signup(signup: Annotated[Signup, Form()]):
    return signup


@app.post("/forms/mixed/{p}")
def form_mixed(p: int, q: int, n: int = Form(), note: str = Form("")):
    return {"p": p, "q": q, "n": n, "note": note}


# Files: one, optional, many, among form fields; multipart bodies that are
# not ones.


@app.post("/files/many")
async def file_many(files: list[UploadFile], label: Optional[str] = Form(None)):
    return {"names": [f.filename for f in files], "sizes": [len(await f.read()) for f in files], "label": label}


@app.post("/files/optional")
async def file_optional(file: Optional[UploadFile] = None):
    return {"file": file.filename if file else None}


# Redirects: Starlette's RedirectResponse, its statuses and location encoding.


@app.get("/redirects/to")
def redirect_to(url: str):
    return RedirectResponse(url)


@app.post("/redirects/after-post")
def redirect_after_post():
    return RedirectResponse("/redirects/old?from=post", status_code=303)


# Starlette's redirect_slashes: a path no route matches but for its trailing
# slash is answered 307 to the other spelling.


@app.post("/redirects/items")
def redirect_items():
    return {"created": True}


@app.get("/redirects/users/{name}/")
def redirect_user(name: str):
    return {"name": name}


# HTTP Basic: FastAPI's HTTPBasic, and a handler that checks what it gets.


@app.get("/basic/admin")
def basic_admin(creds: HTTPBasicCredentials = Depends(HTTPBasic())):
    if (creds.username, creds.password) != ("admin", "s3cret"):
        raise HTTPException(401, "Bad credentials", headers={"WWW-Authenticate": "Basic"})
    return {"user": creds.username, "password_length": len(creds.password)}


# Pydantic's everyday types: UUID.


class Tagged(BaseModel):
    id: UUID
    parent: Optional[UUID] = None
    ids: list[UUID] = []


@app.get("/types/uuid/{item_id}")
def uuid_path(item_id: UUID, other: Optional[UUID] = None, x_ref: Optional[UUID] = Header(None)):
    return {"item_id": item_id, "other": other, "x_ref": x_ref}


@app.post("/types/uuid")
def uuid_body(body: Tagged):
    return body


# Pydantic's everyday types: date and datetime.


class Scheduled(BaseModel):
    at: datetime
    on: Optional[date] = None


@app.get("/types/dates/{day}")
def dates_path(day: date, at: Optional[datetime] = None):
    return Scheduled(at=at or datetime(2000, 1, 1), on=day)


@app.post("/types/dates")
def dates_body(body: Scheduled):
    return body


# Pydantic's everyday types: Decimal.


class Priced(BaseModel):
    total: Decimal = Field(ge=0, max_digits=10, decimal_places=2)
    rate: Optional[Decimal] = None
    step: Decimal = Field(Decimal("0.5"), multiple_of=0.25, lt=1e3)


class Amounts(BaseModel):
    amount: Decimal
    cap: Optional[Decimal] = None


@app.get("/types/decimal/{amount}")
def decimal_path(amount: Decimal, cap: Optional[Decimal] = Query(None, max_digits=4, decimal_places=1)):
    return Amounts(amount=amount, cap=cap)


@app.post("/types/decimal")
def decimal_body(body: Priced):
    return body


# Literal values.


class Shipping(BaseModel):
    kind: Literal["standard", "express"] = "standard"
    channel: Optional[Literal["email"]] = None


class Picked(BaseModel):
    kind: Literal["standard", "express"]
    size: Literal["s", "m", "l"]


@app.get("/types/literal/{kind}")
def literal_path(kind: Literal["standard", "express"], size: Literal["s", "m", "l"] = "m"):
    return Picked(kind=kind, size=size)


@app.post("/types/literal")
def literal_body(body: Shipping):
    return body


# A field's own validators.


class Coupon(BaseModel):
    coupon: Optional[str] = None
    count: int = Field(0, ge=0)
    name: str = ""

    @field_validator("coupon")
    @classmethod
    def upper(cls, v):
        if v is not None and v != v.upper():
            raise ValueError("coupon must be upper case")
        return v

    @field_validator("count")
    @classmethod
    def even(cls, v):
        if v % 2:
            raise ValueError("count must be even")
        return v

    @field_validator("name")
    @classmethod
    def strip(cls, v):
        return v.strip()


@app.post("/types/validated")
def validated(body: Coupon):
    return body


# Discriminated unions.


class EmailContact(BaseModel):
    type: Literal["email"]
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")


class PhoneContact(BaseModel):
    type: Literal["phone"]
    phone: str = Field(min_length=7, max_length=15)


class PostContact(BaseModel):
    type: Literal["post", "mail"]
    address: str


Contact = Annotated[Union[EmailContact, PhoneContact, PostContact], Field(discriminator="type")]


class Contacted(BaseModel):
    name: str
    contact: Contact
    backup: Optional[Contact] = None
    others: list[Contact] = Field(default_factory=list)


@app.post("/types/union")
def union_body(body: Contacted):
    return body
