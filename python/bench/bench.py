"""Side-by-side speed and quality of newsharvest.extract, trafilatura.extract and
resiliparse's extract_plain_text(main_content=True) from Python, on the same pages.

    python python/bench/bench.py ../shared/eval/wcxb-articles-dev [--out DIR]

Each extractor runs alone over every page of the set, in this process, one page at a time
(one core), from the page's raw bytes: decoding is part of the work (resiliparse is given
the text its own encoding detection decodes). Reported: pages per CPU-second (process CPU
time over all pages), the median CPU milliseconds per page, and the set's body F1 from
../shared/eval/score.py on the texts each one produced. Then newsharvest.extract_many on
all cores: pages per wall-second and CPU time. Needs trafilatura and resiliparse installed
(pip install trafilatura lxml_html_clean resiliparse); either is skipped when missing.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


def load(set_dir: Path):
    pages = []
    for line in (set_dir / "gold.jsonl").read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            continue
        g = json.loads(line)
        raw = gzip.decompress((set_dir / "pages" / f"{g['id']}.html.gz").read_bytes())
        pages.append((g["id"], g.get("url"), raw))
    return pages


def run_one(name, fn, pages):
    """Time `fn(raw, url) -> text` over the pages; return stats and predictions."""
    per_page, preds = [], []
    start = time.process_time()
    for pid, url, raw in pages:
        t0 = time.process_time()
        try:
            text = fn(raw, url) or ""
        except Exception:  # an extractor's failure on one page: empty output
            text = ""
        per_page.append(time.process_time() - t0)
        preds.append({"id": pid, "text": text})
    total = time.process_time() - start
    return {
        "extractor": name,
        "pages": len(pages),
        "cpu_s": total,
        "pages_per_cpu_s": len(pages) / total,
        "median_ms": statistics.median(per_page) * 1000,
    }, preds


def score(set_dir: Path, preds, out: Path, name: str):
    path = out / f"pred-{name}.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in preds))
    scorer = set_dir.parent / "score.py"
    metrics = out / f"score-{name}.json"
    res = subprocess.run(
        [sys.executable, str(scorer), "--gold", str(set_dir), "--pred", str(path), "--json", str(metrics),
         "--n-bootstrap", "50"],
        capture_output=True,
        text=True,
    )
    if res.returncode != 0 or not metrics.exists():
        print(res.stderr, file=sys.stderr)
        return None
    return json.loads(metrics.read_text())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("set_dir", type=Path)
    ap.add_argument("--out", type=Path, default=Path("target/py-bench"))
    ap.add_argument("--only", nargs="*", default=None)
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    pages = load(a.set_dir)

    import newsharvest

    ex = newsharvest.Extractor()

    def ours(raw, url):
        return ex.extract(raw, url)["text"]

    extractors = [("newsharvest", ours)]
    try:
        import trafilatura

        extractors.append(("trafilatura", lambda raw, url: trafilatura.extract(raw, url=url)))
    except ImportError:
        print("trafilatura not installed: skipped", file=sys.stderr)
    try:
        from resiliparse.extract.html2text import extract_plain_text
        from resiliparse.parse.encoding import bytes_to_str, detect_encoding

        extractors.append(
            (
                "resiliparse",
                lambda raw, url: extract_plain_text(bytes_to_str(raw, detect_encoding(raw)), main_content=True),
            )
        )
    except ImportError:
        print("resiliparse not installed: skipped", file=sys.stderr)

    rows = []
    for name, fn in extractors:
        if a.only and name not in a.only:
            continue
        fn(pages[0][2], pages[0][1])  # warm-up (imports, rule loading)
        stats, preds = run_one(name, fn, pages)
        s = score(a.set_dir, preds, a.out, name)
        if s:
            body = s.get("body") or {}
            stats.update({f"body_{k}": body.get(k) for k in ("f1", "precision", "recall")})
            stats["snippet_f1"] = (s.get("snippets") or {}).get("f1")
        rows.append(stats)
        print(json.dumps(stats), flush=True)

    if not a.only or "extract_many" in a.only:
        batch = [(raw, url) for _, url, raw in pages]
        cpu0, t0 = time.process_time(), time.perf_counter()
        out = ex.extract_many(batch)
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        stats = {
            "extractor": f"newsharvest.extract_many ({os.cpu_count()} cores)",
            "pages": len(batch),
            "records": sum(r is not None for r in out),
            "wall_s": wall,
            "cpu_s": cpu,
            "pages_per_s": len(batch) / wall,
            "pages_per_cpu_s": len(batch) / cpu,
        }
        rows.append(stats)
        print(json.dumps(stats), flush=True)
    (a.out / "results.json").write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
