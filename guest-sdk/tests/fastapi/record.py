"""Records FastAPI's answers to `cases.json` into `answers.json`.

Regenerate after changing `cases.json` or `oracle_app.py`:

    pip install fastapi httpx
    python3 guest-sdk/tests/fastapi/record.py
"""

import json
import pathlib

from fastapi.testclient import TestClient

from oracle_app import app

# The response headers recorded (when FastAPI sends them) and compared;
# `tests/it/oracle` compares the same list.
RECORDED_HEADERS = ["location", "set-cookie", "www-authenticate"]

here = pathlib.Path(__file__).parent
cases = json.loads((here / "cases.json").read_text())
client = TestClient(app)
answers = []
for case in cases:
    # Each case on its own: no cookie that an earlier answer set.
    client.cookies.clear()
    response = client.request(
        case["method"],
        case["path"],
        headers=case.get("headers", {}),
        content=case.get("body", "").encode(),
        # A redirect is an answer to record, not to follow.
        follow_redirects=False,
    )
    answer = {"status": response.status_code, "body": response.text}
    headers = {
        name: response.headers.get_list(name)
        for name in RECORDED_HEADERS
        if name in response.headers
    }
    if headers:
        answer["headers"] = headers
    answers.append(answer)
(here / "answers.json").write_text(json.dumps(answers, indent=1, ensure_ascii=False) + "\n")
print(f"recorded {len(answers)} answers")
