"""The FastAPI twin of the items example (examples/items/fastapi_app.py), with
the hello example's `GET /hello` added, for the benchmark suite:

    PYTHONPATH=../examples/items uvicorn fastapi_bench:app --workers 2
"""

from fastapi_app import app


@app.get("/hello")
def hello():
    return {"message": "hello"}
