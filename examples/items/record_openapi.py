"""Writes FastAPI's OpenAPI document for the twin app to fastapi_openapi.json.

The items example's tests check that Wafer's document declares the same
constraints. Regenerate after changing fastapi_app.py:

    pip install fastapi
    python3 examples/items/record_openapi.py
"""

import json
import pathlib

from fastapi_app import app

here = pathlib.Path(__file__).parent
(here / "fastapi_openapi.json").write_text(json.dumps(app.openapi(), indent=2) + "\n")
