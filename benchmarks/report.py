"""The report: each target with its measured value, the Markdown tables, the plot and the
printed summary."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any, Sequence

TARGETS = {
    "retrieve_p50_ms": 12.0,
    "ask_p50_ms": 20.0,
    "retrieve_vs_langchain": 0.5,
    "throughput_speedup": 2.5,
    "search_1m_p50_ms": 20.0,
    "recall_1m": 0.95,
    "cold_start_s": 8.0,
    "serving_rss_mb": 1536.0,
}


def targets(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each target of the issue with the measured value and whether it is met (None: not measured)."""
    warm = report.get("warm", {})
    cold = report.get("cold_start", {})
    serving = report.get("serving") or {}
    big = next((r for r in report.get("scale", []) if r.get("passages") == 1_000_000 and "chosen" in r), None)

    def row(value: Any, target: float, smaller: bool = True) -> dict[str, Any]:
        met = None if value is None else (value <= target if smaller else value >= target)
        return {"value": value, "target": target, "met": met}

    t = TARGETS
    return {
        "warm retrieve p50 (ms)": row(warm.get("retrieve", {}).get("p50_ms"), t["retrieve_p50_ms"]),
        "warm ask p50 (ms)": row(warm.get("ask", {}).get("p50_ms"), t["ask_p50_ms"]),
        "retrieve p50 / LangChain similarity_search p50": row(warm.get("retrieve_vs_langchain"),
                                                              t["retrieve_vs_langchain"]),
        "embedding throughput / plain sentence-transformers": row(report.get("throughput", {}).get("best_speedup"),
                                                                  t["throughput_speedup"], smaller=False),
        "1M search p50 (ms)": row(big["chosen"]["p50_ms"] if big else None, t["search_1m_p50_ms"]),
        "1M recall@10 vs exact": row(big["chosen"]["recall@10"] if big else None, t["recall_1m"], smaller=False),
        "cold start (s)": row(cold.get("total_s"), t["cold_start_s"]),
        "serving RSS (MB)": row(serving.get("peak_rss_mb", cold.get("peak_rss_mb")), t["serving_rss_mb"]),
    }


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    return str(value)


def markdown(report: dict[str, Any]) -> str:
    lines = [f"# Speed and scale benchmark{' (quick)' if report.get('quick') else ''}", "",
             f"Machine: {report['machine']}", "", "## Targets", "", "| figure | measured | target | met |",
             "|---|---|---|---|"]
    for name, r in report["targets"].items():
        met = {True: "yes", False: "no", None: "not measured"}[r["met"]]
        lines.append(f"| {name} | {_fmt(r['value'])} | {_fmt(r['target'])} | {met} |")
    warm = report["warm"]
    lines += ["", f"## Warm latency ({warm['retrieve']['n']} calls each, backend {warm['backend']})", "",
              "| call | p50 ms | p95 ms | mean ms |", "|---|---|---|---|"]
    for name in ("retrieve", "ask", "query_embedding", "langchain_similarity_search", "langchain_same_runtime"):
        r = warm[name]
        lines.append(f"| {name} | {_fmt(r['p50_ms'])} | {_fmt(r['p95_ms'])} | {_fmt(r['mean_ms'])} |")
    lines += ["", f"retrieve / LangChain p50: {warm['retrieve_vs_langchain']} (LangChain on torch, as its users run "
                  f"it); {warm.get('retrieve_vs_langchain_same_runtime')} (LangChain on the project's embedder); "
                  f"ask / LangChain p50: {warm['ask_vs_langchain']}"]
    bridge = report.get("bridge")
    if bridge:
        lines += ["", "Lexicon bridge, `ask` p50 with / without it (ms): " + "; ".join(
            f"{script} {b['with']['p50_ms']} / {b['without']['p50_ms']} (+{b['added_p50_ms']})"
            for script, b in bridge.items())]
    cold = report["cold_start"]
    lines += ["", f"## Cold start (median of {cold['repeats']}, backend {cold['backend']})", "",
              "| total s | interpreter | imports | model load | index load | first answer | RSS MB | peak RSS MB |",
              "|---|---|---|---|---|---|---|---|",
              "| " + " | ".join(_fmt(cold[k]) for k in ("total_s", "interpreter_s", "imports_s", "model_load_s",
                                                      "index_load_s", "first_answer_s", "rss_mb", "peak_rss_mb"))
              + " |"]
    if report.get("serving"):
        lines += ["", f"Serving process (app.py): {report['serving']}"]
    b = report["index_build"]
    lines += ["", f"## Index build: {b['seconds']} s for {b['passages']} passages and {b['sentences']} sentences "
                  f"({b['index_type']}, backend {b['backend']})"]
    tp = report["throughput"]
    lines += ["", f"## Embedding throughput ({tp['passages']} passages, mean {tp['mean_chars']} chars)", "",
              "| encoder | passages/s | speedup | min cosine to plain |", "|---|---|---|---|",
              f"| plain SentenceTransformer.encode (torch) | {tp['plain_sentence_transformers']['passages_per_s']} "
              "| 1.0 | 1.0 |"]
    for name, r in tp["embedder"].items():
        if "error" in r:
            lines.append(f"| Embedder {name} | error: {r['error'][:80]} | | |")
        else:
            lines.append(f"| Embedder {name} | {r['passages_per_s']} | {r['speedup_vs_plain']} | "
                         f"{r['cosine_to_plain_min']} |")
    c = report.get("ceiling")
    if c:
        lines += ["", "## What the hardware allows", "",
                  f"The model costs {c['model_mflop_per_token']} MFLOP per token; this machine multiplies float32 "
                  f"matrices at up to {c['peak_gflops']} GFLOP/s ({c['sgemm_gflops']}). So one query of "
                  f"{tp.get('mean_query_tokens')} tokens needs at least {c.get('query_embedding_floor_ms')} ms "
                  f"(measured p50 {report['warm']['query_embedding']['p50_ms']} ms, "
                  f"{c.get('query_embedding_gflops_achieved')} GFLOP/s), and passages of {tp['mean_tokens']} tokens "
                  f"embed at most {c['passages_per_s_ceiling']}/s, {c['speedup_ceiling_vs_plain']}x plain "
                  f"sentence-transformers. Achieved GFLOP/s: {c['passage_gflops_achieved']}."]
    lines += ["", "Golden metrics per backend:", "", "| backend | n | hit@1 | hit@3 | mrr | answer accuracy |"
              " refusal | false refusal |", "|---|---|---|---|---|---|---|---|"]
    for name, r in report["golden_by_backend"].items():
        if "error" in r:
            lines.append(f"| {name} | error: {r['error'][:80]} | | | | | | |")
        else:
            lines.append(f"| {name} | " + " | ".join(_fmt(r[k]) for k in (
                "n", "hit@1", "hit@3", "mrr", "answer_accuracy", "refusal_rate", "false_refusal_rate")) + " |")
    lines += ["", "## Scale (synthetic vectors and token lists; search k=50 as retrieval asks)", "",
              "| passages | index | build s | search p50 ms | p95 ms | recall@10 | index MB (RSS delta) | exact p50 ms |"
              " BM25 p50 ms | BM25 p95 ms | BM25 build s | BM25 MB |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in report["scale"]:
        if "error" in r:
            lines.append(f"| {r['passages']:,} | error | | | | | | | | | | |")
            continue
        c, e, lx = r["chosen"], r["exact"], r["lexical"]
        lines.append(f"| {r['passages']:,} | {r['index_type']} | {_fmt(c['build_s'])} | {_fmt(c['p50_ms'])} | "
                     f"{_fmt(c['p95_ms'])} | {_fmt(c['recall@10'])} | {_fmt(c['index_mb'])} ({_fmt(c['rss_delta_mb'])}) | "
                     f"{_fmt(e['p50_ms'])} | {_fmt(lx['p50_ms'])} | {_fmt(lx['p95_ms'])} | {_fmt(lx['build_s'])} | "
                     f"{_fmt(lx['rss_delta_mb'])} |")
    lines += stores_table(report.get("stores", []))
    lines += ["", f"Total benchmark time: {report['seconds']} s", ""]
    return "\n".join(lines)


def stores_table(rows: Sequence[dict[str, Any]]) -> list[str]:
    """FAISS against Milvus Lite on the same synthetic passages (``benchmarks.stores``)."""
    if not rows:
        return []
    lines = ["", "## Stores: FAISS against Milvus Lite (synthetic passages, 2 sentences each)", "",
             "The store's share of `retrieve`: dense top 50, lexical candidates, exact BM25 in memory (the same on "
             "both stores) and the candidates' sentence scores; load (the store, then the in-memory BM25) and memory "
             "in a fresh process.", "",
             "| passages | store | index | write s | load s | BM25 s | retrieve p50 ms | p95 ms | RSS after load MB | "
             "peak RSS MB |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['passages']:,} | {r['store']} | error: {r['error'][-80:]!r} | | | | | | | |")
            continue
        lines.append(f"| {r['passages']:,} | {r['store']} | {r.get('index_type')} | {_fmt(r.get('write_s'))} | "
                     f"{_fmt(r['load_s'])} | {_fmt(r.get('bm25_s'))} | {_fmt(r['p50_ms'])} | {_fmt(r['p95_ms'])} | {_fmt(r['rss_loaded_mb'])} | "
                     f"{_fmt(r['peak_rss_mb'])} |")
    return lines


def plot(rows: Sequence[dict[str, Any]], path: Path, width: int = 760, height: int = 480) -> None:
    """Log-log plot of search p50 against corpus size (chosen FAISS index, exact search, BM25),
    drawn with Pillow so the benchmark needs no plotting library."""
    from PIL import Image, ImageDraw

    rows = [r for r in rows if "chosen" in r]
    series = {
        "FAISS (index chosen by size)": ((31, 119, 180), [(r["passages"], r["chosen"]["p50_ms"]) for r in rows]),
        "exact IndexFlatIP": ((255, 127, 14), [(r["passages"], r["exact"]["p50_ms"]) for r in rows]),
        "BM25 scores + top-k": ((44, 160, 44), [(r["passages"], r["lexical"]["p50_ms"]) for r in rows]),
    }
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    left, right, top, bottom = 70, width - 20, 20, height - 60
    xs = [x for _, pts in series.values() for x, _ in pts] or [1_000, 1_000_000]
    ys = [max(y, 1e-3) for _, pts in series.values() for _, y in pts] or [0.1, 100]
    x0, x1 = math.floor(math.log10(min(xs))), math.ceil(math.log10(max(xs)))
    y0, y1 = math.floor(math.log10(min(ys + [20]))), math.ceil(math.log10(max(ys + [20])))
    x1, y1 = max(x1, x0 + 1), max(y1, y0 + 1)

    def at(x: float, y: float) -> tuple[float, float]:
        px = left + (math.log10(x) - x0) / (x1 - x0) * (right - left)
        py = bottom - (math.log10(max(y, 1e-3)) - y0) / (y1 - y0) * (bottom - top)
        return px, py

    draw.rectangle([left, top, right, bottom], outline="black")
    for e in range(x0, x1 + 1):
        px, _ = at(10 ** e, 10 ** y0)
        draw.line([px, top, px, bottom], fill=(225, 225, 225))
        draw.text((px - 12, bottom + 6), f"1e{e}", fill="black")
    for e in range(y0, y1 + 1):
        _, py = at(10 ** x0, 10 ** e)
        draw.line([left, py, right, py], fill=(225, 225, 225))
        draw.text((8, py - 6), f"{10 ** e:g} ms", fill="black")
    _, target_y = at(10 ** x0, 20)
    draw.line([left, target_y, right, target_y], fill=(200, 0, 0), width=1)
    draw.text((right - 120, target_y - 14), "target 20 ms", fill=(200, 0, 0))
    for n, (name, (colour, pts)) in enumerate(series.items()):
        coords = [at(x, y) for x, y in pts]
        if len(coords) > 1:
            draw.line(coords, fill=colour, width=2)
        for px, py in coords:
            draw.ellipse([px - 3, py - 3, px + 3, py + 3], fill=colour)
        draw.line([left + 10, top + 12 + 16 * n, left + 30, top + 12 + 16 * n], fill=colour, width=2)
        draw.text((left + 36, top + 6 + 16 * n), name, fill="black")
    draw.text((left + (right - left) // 2 - 120, height - 30), "passages (log) - search p50 in ms (log)",
              fill="black")
    image.save(path, format="PNG")


def print_summary(report: dict[str, Any], out: Path, stream=sys.stdout) -> None:
    """A short human summary: the targets, then where the files are."""
    w = report["warm"]
    print(f"warm p50: retrieve {w['retrieve']['p50_ms']} ms, ask {w['ask']['p50_ms']} ms, query embedding "
          f"{w['query_embedding']['p50_ms']} ms, LangChain similarity_search {w['langchain_similarity_search']['p50_ms']} "
          f"ms on torch, {w['langchain_same_runtime']['p50_ms']} ms on the project's embedder "
          f"(backend {w['backend']})", file=stream)
    for name, r in report["targets"].items():
        met = {True: "met", False: "NOT met", None: "not measured"}[r["met"]]
        print(f"  {name}: {_fmt(r['value'])} (target {_fmt(r['target'])}) {met}", file=stream)
    for script, b in (report.get("bridge") or {}).items():
        print(f"  lexicon bridge, {script} ask p50: {b['with']['p50_ms']} ms with, {b['without']['p50_ms']} ms without "
              f"(+{b['added_p50_ms']} ms)", file=stream)
    c = report.get("ceiling")
    if c:
        print(f"  hardware: {c['peak_gflops']} GFLOP/s float32 -> query embedding >= {c.get('query_embedding_floor_ms')} ms, "
              f"throughput <= {c['speedup_ceiling_vs_plain']}x plain sentence-transformers", file=stream)
    for r in report["scale"]:
        if "chosen" in r:
            print(f"  {r['passages']:>9,} passages: {r['index_type']} p50 {r['chosen']['p50_ms']} ms, recall@10 "
                  f"{r['chosen']['recall@10']}, build {r['chosen']['build_s']} s; BM25 p50 {r['lexical']['p50_ms']} ms",
                  file=stream)
        else:
            print(f"  {r['passages']:>9,} passages: failed", file=stream)
    print(f"report: {out / 'report.json'}, {out / 'report.md'}, {out / 'latency_vs_size.png'} "
          f"({report['seconds']} s)", file=stream)


