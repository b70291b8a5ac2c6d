"""The naive Python client of issue 20: a thread pool of C workers (python3 stdlib only), each
row created then processed with urllib, the same requests as lib/bare-loop.ts sends (Basic auth,
JSON bodies, `a.b` columns nested, the amount a JSON number). No validation, no journal, no retries.
Usage: python3 naive-pool.py <file.csv> <concurrency> [reference-prefix] [max-rows]
Reads MILKYPAY_API_URL, MILKYPAY_KEY_ID, MILKYPAY_SECRET_KEY. Prints one JSON line."""
import base64
import csv
import json
import os
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

FILE, C = sys.argv[1], int(sys.argv[2])
PREFIX = sys.argv[3] if len(sys.argv) > 3 else "bare-"
MAX_ROWS = int(sys.argv[4]) if len(sys.argv) > 4 else None
BASE = os.environ["MILKYPAY_API_URL"]
AUTH = "Basic " + base64.b64encode(f"{os.environ['MILKYPAY_KEY_ID']}:{os.environ['MILKYPAY_SECRET_KEY']}".encode()).decode()
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def attributes(row):
    out = {}
    for key, value in row.items():
        if value == "":
            continue
        *parents, last = key.split(".")
        at = out
        for part in parents:
            at = at.setdefault(part, {})
        at[last] = float(value) if key == "amount" else PREFIX + value if key == "reference_id" else value
    return out


def post(url, body=None):
    headers = {"authorization": AUTH, "accept": "application/json"}
    data = None
    if body is not None:
        headers["content-type"] = "application/json"
        data = json.dumps(body, separators=(",", ":")).encode()
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with OPENER.open(request) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, None


def pay(row):
    try:
        status, created = post(f"{BASE}/payout-invoices", {"data": {"type": "payout-invoice", "attributes": attributes(row)}})
        invoice = (created or {}).get("data", {}).get("id")
        if status != 201 or not invoice:
            return False
        status, _ = post(f"{BASE}/payout-invoices/{urllib.parse.quote(invoice, safe='')}/process")
        return status == 200
    except Exception:
        return False


started = time.perf_counter()
with open(FILE, newline="", encoding="utf-8-sig") as f:
    rows = list(csv.DictReader(f))[:MAX_ROWS]
with ThreadPoolExecutor(max_workers=C) as pool:
    results = list(pool.map(pay, rows))
ok = sum(results)
print(json.dumps({"rows": len(results), "ok": ok, "failed": len(results) - ok, "seconds": time.perf_counter() - started}))
