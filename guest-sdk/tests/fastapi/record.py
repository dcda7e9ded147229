"""Records FastAPI's answers to `cases.json` into `answers.json`.

Regenerate after changing `cases.json` or `oracle_app.py`:

    pip install fastapi httpx
    python3 guest-sdk/tests/fastapi/record.py
"""

import json
import pathlib

from fastapi.testclient import TestClient

from oracle_app import app

here = pathlib.Path(__file__).parent
cases = json.loads((here / "cases.json").read_text())
client = TestClient(app)
answers = []
for case in cases:
    response = client.request(
        case["method"],
        case["path"],
        headers=case.get("headers", {}),
        content=case.get("body", "").encode(),
    )
    answers.append({"status": response.status_code, "body": response.text})
(here / "answers.json").write_text(json.dumps(answers, indent=1, ensure_ascii=False) + "\n")
print(f"recorded {len(answers)} answers")
