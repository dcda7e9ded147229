"""Where the benchmark suite reads and writes."""

import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.path.join(ROOT, "target")
OUT = os.path.join(TARGET, "bench")
WASM = os.path.join(TARGET, "wasm32-wasip2", "release")
