#!/usr/bin/env python3
"""make_corpus.py OUT_DIR: writes the request fixtures (tests/requests/) as seed inputs of fuzz_request
("<endpoint>[?<query>]\\n<body>", one file per case)."""
import json
import os
import sys

cases = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "requests")
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
n = 0
for name in sorted(os.listdir(cases)):
    d = os.path.join(cases, name)
    if not os.path.isdir(d):
        continue
    expect = json.load(open(os.path.join(d, "expect.json")))
    head = expect["endpoint"] + ("?" + expect["query"] if "query" in expect else "")
    body_path = os.path.join(d, "request.json")
    body = open(body_path, "rb").read() if os.path.exists(body_path) else b""
    with open(os.path.join(out, name), "wb") as f:
        f.write(head.encode() + b"\n" + body)
    n += 1
print("%d seeds in %s" % (n, out))
