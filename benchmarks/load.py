"""Load test of the chat page's HTTP API, from a second process, on 127.0.0.1 only.

    python benchmarks/load.py [--clients 32] [--seconds 60] [--burst 200] [--json report.json]

Starts ``app.py`` on a free local port, then (1) keeps ``--clients`` concurrent clients asking
golden questions for ``--seconds`` seconds, (2) sends ``--burst`` requests at once and checks
each answer against the single-user answer to the same question. Every loop is bounded in
count and time. Reports requests served, errors, latency percentiles and the server's memory.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_REQUESTS = 100_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def ask(base: str, question: str, timeout: float = 120) -> dict:
    """One call of the ``/ask`` endpoint through Gradio's queue (POST, then read the event stream)."""
    body = json.dumps({"data": [question, None]}).encode()  # question, history
    req = urllib.request.Request(f"{base}gradio_api/call/ask", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        event_id = json.load(resp)["event_id"]
    with urllib.request.urlopen(f"{base}gradio_api/call/ask/{event_id}", timeout=timeout) as resp:
        event = None
        for raw in resp:
            line = raw.decode().strip()
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                data = json.loads(line[5:])
                if event == "error":
                    raise RuntimeError(f"server error: {data}")
                return data[0]
    raise RuntimeError("stream ended without a result")


def start_server(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("app.py exited during start-up")
        try:
            ask(base, "카카오 2분기 매출은 얼마야?", timeout=10)
            return proc, base
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError("app.py did not answer within 300 s")


def sustained(base: str, questions: list[str], clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(n: int) -> None:
        i = n
        while time.monotonic() < stop_at and len(latencies) + len(errors) < MAX_REQUESTS:
            q = questions[i % len(questions)]
            i += clients
            t = time.perf_counter()
            try:
                ask(base, q)
                with lock:
                    latencies.append((time.perf_counter() - t) * 1000)
            except Exception as exc:  # counted, reported, never hidden
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}"[:200])

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return _latency_report(latencies, errors, elapsed) | {"clients": clients, "seconds": seconds}


def burst(base: str, questions: list[str], size: int) -> dict:
    expected = {q: ask(base, q)["text"] for q in questions}
    batch = [questions[i % len(questions)] for i in range(size)]
    latencies: list[float] = []
    errors: list[str] = []
    wrong = 0

    def one(q: str) -> None:
        nonlocal wrong
        t = time.perf_counter()
        try:
            text = ask(base, q)["text"]
            latencies.append((time.perf_counter() - t) * 1000)
            wrong += text != expected[q]
        except Exception as exc:  # counted, reported, never hidden
            errors.append(f"{type(exc).__name__}: {exc}"[:200])

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=size) as pool:
        list(pool.map(one, batch))
    report = _latency_report(latencies, errors, time.perf_counter() - started)
    return report | {"clients": size, "answers_differing_from_single_user": wrong}


def _latency_report(latencies: list[float], errors: list[str], elapsed: float) -> dict:
    def pct(p: float) -> float | None:
        return round(statistics.quantiles(latencies, n=100)[p - 1], 1) if len(latencies) > 1 else None

    return {"served": len(latencies), "errors": len(errors), "error_samples": sorted(set(errors))[:5],
            "p50_ms": pct(50), "p95_ms": pct(95), "p99_ms": pct(99),
            "throughput_rps": round(len(latencies) / elapsed, 1) if elapsed else None}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--burst", type=int, default=200)
    parser.add_argument("--index", help="index folder for the server (default: the project's)")
    parser.add_argument("--json", type=Path, help="also write the report here")
    args = parser.parse_args(argv)
    if not (1 <= args.clients <= 256 and 0 < args.seconds <= 600 and 1 <= args.burst <= 1000):
        parser.error("clients 1-256, seconds up to 600, burst 1-1000")
    golden = [json.loads(line)["question"] for line in (ROOT / "tests/golden/qa.jsonl").read_text("utf-8").splitlines()]
    env = dict(os.environ, **({"RAG_INDEX_DIR": args.index} if args.index else {}))
    proc, base = start_server(env)
    try:
        rss_launch = rss_mb(proc.pid)
        # Allocators and caches grow during the first requests; growth is measured after that.
        sustained(base, golden, args.clients, min(5.0, args.seconds))
        rss_start = rss_mb(proc.pid)
        report = {"sustained": sustained(base, golden, args.clients, args.seconds)}
        rss_after_sustained = rss_mb(proc.pid)
        report["burst"] = burst(base, golden[:10], args.burst)
        report["rss_mb"] = {"launch": round(rss_launch, 1), "start": round(rss_start, 1), "after_sustained": round(rss_after_sustained, 1),
                            "end": round(rss_mb(proc.pid), 1)}
        report["rss_growth"] = round(report["rss_mb"]["end"] / rss_start - 1, 3)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    return report


if __name__ == "__main__":
    result = main()
    print(json.dumps(result, indent=2, ensure_ascii=False))
