#!/usr/bin/env python3
"""The upstream service the gateway example calls, on 127.0.0.1:8090.

GET /delay/{ms} waits ms milliseconds, then answers {"delay_ms": ms};
POST /echo answers with the request's body; POST /audit records its body
and GET /audit lists what was recorded.

    python3 examples/gateway/upstream.py [--port 8090]
"""

import argparse
import json
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

AUDIT = []


class Upstream(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self, status, body):
        data = json.dumps(body).encode() if not isinstance(body, bytes) else body
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path.startswith("/delay/"):
            try:
                ms = int(self.path[len("/delay/"):])
            except ValueError:
                return self.answer(422, {"detail": "the delay is a number of milliseconds"})
            time.sleep(min(ms, 60_000) / 1000)
            return self.answer(200, {"delay_ms": ms})
        if self.path == "/audit":
            return self.answer(200, AUDIT)
        self.answer(404, {"detail": "Not Found"})

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        if self.path == "/echo":
            return self.answer(200, body)
        if self.path == "/audit":
            AUDIT.append(json.loads(body or b"null"))
            return self.answer(204, b"")
        self.answer(404, {"detail": "Not Found"})

    def log_message(self, *args):
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8090)
    port = parser.parse_args().port
    print(f"upstream: listening on http://127.0.0.1:{port}", flush=True)
    ThreadingHTTPServer(("127.0.0.1", port), Upstream).serve_forever()


if __name__ == "__main__":
    main()
