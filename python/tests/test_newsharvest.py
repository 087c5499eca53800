"""The Python package against the CLI: the same records on every fixture, bytes decoded by
their declared charsets, clear errors for bad pages, extract_many in order and in
parallel, WARC files, and a datatrove pipeline."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import newsharvest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted((ROOT / "fixtures").glob("case-*/page.html"))
#: The values of a record's `page_type` (docs/record-schema.md).
PAGE_TYPES = {"article", "listing", "forum", "product", "documentation", "service", "other"}


#: The CLI to compare with: $NEWSHARVEST_BIN, else the release binary of this checkout,
#: else `python -m newsharvest`.
BIN = os.environ.get("NEWSHARVEST_BIN") or str(ROOT / "target" / "release" / "newsharvest")
CLI = [BIN] if os.access(BIN, os.X_OK) else [sys.executable, "-m", "newsharvest"]


def cli_records(*args: str) -> list:
    """Records of the command line (`newsharvest extract ARGS`)."""
    out = subprocess.run([*CLI, "extract", "--quiet", *args], check=True, capture_output=True)
    return [json.loads(line) for line in out.stdout.decode().splitlines()]


def without_source(rec: dict) -> dict:
    rec = dict(rec)
    rec.pop("source_path", None)
    return rec


def test_there_are_fixtures():
    assert len(FIXTURES) >= 10


@pytest.mark.parametrize("page", FIXTURES, ids=lambda p: p.parent.name)
def test_records_equal_the_clis(page: Path):
    url = f"https://fixtures.test/{page.parent.name}/"
    (cli,) = cli_records("--url", url, str(page))
    ours = newsharvest.extract(page.read_bytes(), url=url)
    assert without_source(ours) == without_source(cli)
    assert list(ours) == list(cli), "keys in the schema's order"
    assert list(ours["extraction"]) == list(cli["extraction"])
    # The same from text: the page's UTF-8 decoded by Python first.
    assert newsharvest.extract(page.read_bytes().decode("utf-8"), url=url)["text"] == cli["text"]
    # Types as documented: None where the CLI writes null, lists never None.
    assert isinstance(ours["authors"], list) and isinstance(ours["tags"], list)
    assert ours["source_path"] is None and ours["schema_version"] == 1
    assert ours["page_type"] in PAGE_TYPES and isinstance(ours["extraction"]["page_type_evidence"], list)


STRUCTURED = sorted((ROOT / "fixtures").glob("case-md-*/page.html"))


@pytest.mark.parametrize("page", STRUCTURED, ids=lambda p: p.parent.name)
def test_markdown_links_and_html_equal_the_clis(page: Path):
    url = (page.parent / "url.txt").read_text().strip()
    flags = ("--markdown", "--links", "--article-html")
    (cli,) = cli_records(*flags, "--url", url, str(page))
    ours = newsharvest.extract(page.read_bytes(), url=url, markdown=True, links=True, article_html=True)
    assert without_source(ours) == without_source(cli)
    assert ours["markdown"] and ours["article_html"].startswith("<")
    if page.parent.name == "case-md-lists-figures":
        # A relative link in the body, written absolute in both renderings.
        target = "https://www.gardenweekly.test/guides/beans"
        assert f"[bush beans](<{target}>)" in ours["markdown"]
        assert f'<a href="{target}">bush beans</a>' in ours["article_html"]
    # Without `links` the Markdown has no link targets; the module helpers take the settings.
    (plain,) = newsharvest.extract_many([(page.read_bytes(), url)], markdown=True)
    assert "](<http" not in re.sub(r"!\[[^\]]*\]\(<[^>]*>\)", "", plain["markdown"])
    assert "article_html" not in plain
    # The fixture's expected Markdown is the one without links.
    assert plain["markdown"].rstrip() == (page.parent / "expected.md").read_text().rstrip()


ARTICLE = (
    "<p>{}</p>" * 4
).format(
    "Le café de la gare a rouvert ses portes après des travaux qui ont duré près de deux ans, à la grande joie des habitués.",
    "Les élèves du lycée voisin y prennent désormais leur petit-déjeuner avant les cours, et la terrasse ne désemplit pas.",
    "Le propriétaire, arrivé de Besançon en 2019, a conservé le comptoir en zinc et les banquettes d'origine.",
    "Une fête est prévue samedi pour célébrer la réouverture, avec un orchestre et une exposition de photographies anciennes.",
)


def page(charset_meta: str) -> str:
    return (
        f"<!doctype html><html lang=fr><head>{charset_meta}<title>Réouverture du café</title></head>"
        f"<body><article><h1>Réouverture du café</h1>{ARTICLE}</article></body></html>"
    )


@pytest.mark.parametrize("charset", ["windows-1252", "iso-8859-15", "utf-8", "utf-16"])
def test_bytes_are_decoded_by_their_declared_charset(charset: str):
    meta = "" if charset == "utf-16" else f'<meta charset="{charset}">'
    raw = page(meta).encode(charset)  # utf-16: a BOM says it
    rec = newsharvest.extract(raw)
    assert "Le café de la gare" in rec["text"], rec["text"][:80]
    assert rec["title"] == "Réouverture du café"


def test_the_http_charset_wins_and_text_is_never_decoded_twice():
    raw = page('<meta charset="utf-8">').encode("windows-1252")
    rec = newsharvest.extract(raw, content_type="text/html; charset=windows-1252")
    assert "élèves" in rec["text"]
    # A str is already text: its <meta charset> must not decode it again.
    rec = newsharvest.extract(page('<meta charset="windows-1252">'))
    assert "élèves" in rec["text"] and "Ã" not in rec["text"]


@pytest.mark.parametrize(
    "html, reason",
    [
        (b"", "empty page"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "not HTML"),
        ("<html><body><nav><a href=/>Home</a></nav></body></html>", "no article text"),
    ],
)
def test_a_page_without_a_record_raises_extract_error_with_the_reason(html, reason):
    with pytest.raises(newsharvest.ExtractError, match=reason):
        newsharvest.extract(html)


def test_hostile_pages_never_crash_the_interpreter(tmp_path: Path):
    deep = "<div>" * 200_000 + "<p>" + "deep text " * 50 + "</p>"
    attrs = "<p " + " ".join(f"a{i}=x" for i in range(300_000)) + ">text</p>"
    for html in (deep, attrs, "\x00" * 10_000, "<" * 1_000_000):
        try:
            newsharvest.extract(html)
        except newsharvest.ExtractError:
            pass
    with pytest.raises(newsharvest.ExtractError, match="too large"):
        newsharvest.Extractor(max_page_size=1000).extract("<p>x</p>" * 1000)
    with pytest.raises(TypeError):
        newsharvest.extract(12)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        newsharvest.Extractor(page_timeout=-1)
    with pytest.raises(ValueError):
        newsharvest.Extractor(page_timeout=1e20)
    # Lone surrogates (bytes decoded with surrogateescape) are replaced, not an error.
    rec = newsharvest.extract(page('<meta charset="utf-8">') + "\udc80")
    assert "Le café" in rec["text"]
    (tmp_path / "broken.toml").write_text("selectors = [unclosed")
    with pytest.raises(ValueError, match="rules"):
        newsharvest.Extractor(selectors=tmp_path)


def test_extract_many_keeps_the_order_and_marks_failures():
    pages = [(p.read_bytes(), f"https://fixtures.test/{p.parent.name}/") for p in FIXTURES]
    pages.insert(3, (b"", "https://fixtures.test/empty/"))
    got = newsharvest.extract_many(pages)
    assert len(got) == len(pages)
    assert got[3] is None
    for (html, url), rec in zip(pages, got):
        if rec is not None:
            assert rec == newsharvest.extract(html, url=url)
    with pytest.raises(newsharvest.ExtractError, match="empty/: empty page"):
        newsharvest.extract_many(pages, errors="raise")
    # An item that is no page is None too (or raises with errors="raise").
    assert newsharvest.extract_many([pages[0], 42, pages[1]]) == [got[0], None, got[1]]
    with pytest.raises(TypeError):
        newsharvest.extract_many([pages[0], 42], errors="raise")
    # Bare pages are fine too.
    assert newsharvest.extract_many([pages[0][0]])[0]["text"] == got[0]["text"]


def test_iter_extract_streams_a_generator_in_order():
    pages = [(p.read_bytes(), f"https://fixtures.test/{p.parent.name}/") for p in FIXTURES]
    read = 0

    def endless():
        nonlocal read
        while True:
            for page in pages:
                read += 1
                yield page

    stream = newsharvest.iter_extract(endless())
    first = [next(stream) for _ in range(3 * len(pages))]
    # Read ahead by at most a batch (64 pages per thread), not the endless whole.
    assert read <= 3 * len(pages) + 64 * (os.cpu_count() or 1)
    want = newsharvest.extract_many(pages)
    assert first == want * 3
    assert list(newsharvest.iter_extract([])) == []
    with pytest.raises(newsharvest.ExtractError, match="page 1: empty page"):
        list(newsharvest.iter_extract([pages[0][0], b""], errors="raise"))


def test_extract_many_releases_the_gil():
    """Another Python thread makes progress while `extract_many` works, with one worker
    thread and with two. A structural check, not a timing one: with the GIL held for the
    whole call the counting thread could not run at all between the call's start and its
    end (at most a tick or two slip in before the call starts), whatever the machine's load;
    with the GIL released it ticks every millisecond or so for as long as the extraction
    runs. (The old CPU-time > 1.2 x wall-time check failed whenever other processes kept
    the cores busy.)"""
    pages = [p.read_bytes() for p in FIXTURES] * 20
    for threads in (1, 2):
        ticks = 0
        stop = threading.Event()

        def count():
            nonlocal ticks
            while not stop.is_set():
                ticks += 1
                time.sleep(0.001)

        t = threading.Thread(target=count)
        t.start()
        try:
            before = ticks
            records = newsharvest.extract_many(pages, threads=threads)
            during = ticks - before
        finally:
            stop.set()
            t.join()
        assert len(records) == len(pages)
        assert during > 10, f"threads={threads}: the counting thread ticked {during} times during extract_many"


def write_warc(path: Path, pages: list) -> None:
    """A WARC file with one response per page, written with warcio."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as f:
        w = WARCWriter(f, gzip=True)
        for i, p in enumerate(pages):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            rec = w.create_warc_record(
                f"https://fixtures.test/{p.parent.name}/",
                "response",
                payload=BytesIO(p.read_bytes()),
                http_headers=headers,
                warc_headers_dict={"WARC-Identified-Payload-Type": "text/html"},
            )
            w.write_record(rec)


def test_read_warc_yields_the_clis_records(tmp_path: Path):
    pytest.importorskip("warcio")
    warc = tmp_path / "pages.warc.gz"
    write_warc(warc, FIXTURES)
    records = list(newsharvest.read_warc(warc))
    assert records == cli_records(str(warc))
    assert len(records) == len(FIXTURES)
    assert all(r["source_path"].startswith(f"{warc}#") and r["date_fetched"] for r in records)
    with pytest.raises(ValueError, match="WARC"):
        newsharvest.read_warc(tmp_path / "x.txt")


def test_the_datatrove_pipeline_runs_unchanged(tmp_path: Path):
    pytest.importorskip("datatrove")
    pytest.importorskip("warcio")
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import WarcReader
    from datatrove.pipeline.writers import JsonlWriter

    from newsharvest.datatrove import NewsharvestExtractor

    crawl = tmp_path / "crawl"
    crawl.mkdir()
    write_warc(crawl / "pages.warc.gz", FIXTURES)
    out = tmp_path / "out"
    LocalPipelineExecutor(
        pipeline=[WarcReader(str(crawl)), NewsharvestExtractor(), JsonlWriter(str(out), compression=None)],
        tasks=1,
        workers=1,
        logging_dir=str(tmp_path / "logs"),
    ).run()
    docs = [json.loads(line) for f in sorted(out.glob("*.jsonl")) for line in f.read_text().splitlines()]
    assert len(docs) == len(FIXTURES)
    for doc, p in zip(docs, FIXTURES):
        url = f"https://fixtures.test/{p.parent.name}/"
        want = newsharvest.extract(p.read_bytes().decode("utf-8"), url=url)
        assert doc["text"] == want["text"]
        assert doc["metadata"]["url"] == url
        assert doc["metadata"]["title"] == want["title"]
        assert doc["metadata"]["page_type"] == want["page_type"]
        assert doc["metadata"].get("authors", []) == want["authors"]


def test_python_m_newsharvest_is_the_cli():
    out = subprocess.run([sys.executable, "-m", "newsharvest", "--version"], capture_output=True, check=True)
    assert out.stdout.decode().startswith("newsharvest ")
    bad = subprocess.run([sys.executable, "-m", "newsharvest", "extract", "--no-such-flag"], capture_output=True)
    assert bad.returncode == 2
    assert newsharvest.main(["--version"]) == 0
