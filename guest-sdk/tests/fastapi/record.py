"""Records FastAPI's answers to `cases.json` into `answers.json`.

Regenerate after changing `cases.json` or `oracle_app.py`:

    pip install fastapi==0.165.0 httpx python-multipart
    python3 guest-sdk/tests/fastapi/record.py

or, for another app and its folder of `cases.json` (an example's twin):

    python3 guest-sdk/tests/fastapi/record.py examples/shop/fastapi_app.py examples/shop/oracle
"""

import importlib.util
import json
import pathlib
import sys

from fastapi.testclient import TestClient

here = pathlib.Path(__file__).parent
app_file, folder = (
    (pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]))
    if len(sys.argv) == 3
    else (here / "oracle_app.py", here)
)
spec = importlib.util.spec_from_file_location(app_file.stem, app_file)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
app = module.app

# The response headers recorded (when FastAPI sends them) and compared;
# `tests/it/oracle` compares the same list.
RECORDED_HEADERS = ["location", "set-cookie", "www-authenticate"]

cases = json.loads((folder / "cases.json").read_text())
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
(folder / "answers.json").write_text(json.dumps(answers, indent=1, ensure_ascii=False) + "\n")
print(f"recorded {len(answers)} answers")
