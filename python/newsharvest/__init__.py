"""newsharvest: news pages to clean text corpora.

The Rust library behind the ``newsharvest`` command, for Python: the same extraction, the
same record schema (see docs/record-schema.md), no subprocess.

>>> import newsharvest
>>> rec = newsharvest.extract(html, url="https://news.example/2026/12/04/story")
>>> rec["title"], rec["page_type"], rec["text"][:80], rec["authors"], rec["date_published"]

``extract`` raises ``ExtractError`` when no record can be made (empty page, not HTML, no
article text, too large, timeout); bad input never crashes the interpreter.
"""

from __future__ import annotations

import os
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

from ._newsharvest import ExtractError, Extractor, RecordStream, WarcRecords, __version__, cli as _cli

__all__ = [
    "ExtractError",
    "Extractor",
    "WarcRecords",
    "RecordStream",
    "extract",
    "extract_many",
    "iter_extract",
    "read_warc",
    "main",
    "__version__",
]

Html = Union[str, bytes, bytearray]
PathLike = Union[str, "os.PathLike[str]"]
Record = Dict[str, Any]

_default: Optional[Extractor] = None


def _extractor(
    selectors: Optional[Union[PathLike, Sequence[PathLike]]],
    explain: bool,
    markdown: bool = False,
    links: bool = False,
    article_html: bool = False,
) -> Extractor:
    """The shared default extractor (bundled rules), or a new one for other settings."""
    global _default
    if selectors is None and not (explain or markdown or links or article_html):
        if _default is None:
            _default = Extractor()
        return _default
    return Extractor(
        selectors, explain=explain, markdown=markdown, links=links, article_html=article_html
    )


def extract(
    html: Html,
    url: Optional[str] = None,
    *,
    explain: bool = False,
    markdown: bool = False,
    links: bool = False,
    article_html: bool = False,
    selectors: Optional[Union[PathLike, Sequence[PathLike]]] = None,
    content_type: Optional[str] = None,
) -> Record:
    """Extract the article of one page.

    Args:
        html: the page, as text (already decoded) or as bytes (decoded by ``content_type``'s
            charset, the BOM, ``<meta charset>``, or detection, as the CLI does).
        url: where the page is from: resolves links, finds dates in the URL, picks site
            rules, and makes the record ``id``.
        explain: add the removed texts to ``record["extraction"]["explain"]``.
        markdown: add the body as GitHub-flavoured Markdown in ``record["markdown"]``.
        links: write links in that Markdown as ``[text](url)`` (absolute), else as text.
        article_html: add the body as minimal, safe HTML in ``record["article_html"]``.
        selectors: extra rule directories (one path or several). For many pages with the
            same rules, make one ``Extractor`` and call its ``extract``.
        content_type: the HTTP ``Content-Type`` header, when known.

    Returns:
        The record: ``title``, ``page_type``, ``text``, ``authors``, ``date_published``,
        ``language``, …; ``None`` where the CLI writes ``null``.

    Raises:
        ExtractError: no record could be made; the message says why.
    """
    return _extractor(selectors, explain, markdown, links, article_html).extract(
        html, url, content_type=content_type
    )


def extract_many(
    pages: Iterable[Union[Html, Tuple[Html, Optional[str]]]],
    threads: Optional[int] = None,
    *,
    errors: str = "none",
    explain: bool = False,
    markdown: bool = False,
    links: bool = False,
    article_html: bool = False,
    selectors: Optional[Union[PathLike, Sequence[PathLike]]] = None,
) -> List[Optional[Record]]:
    """Extract many pages in parallel on all cores (or ``threads``), the GIL released.
    The settings (``explain``, ``markdown``, ``links``, ``article_html``, ``selectors``) are
    those of ``extract``.

    ``pages`` yields ``html`` or ``(html, url)``. Returns the records in input order; a page
    without a record is ``None`` (``errors="none"``) or raises ``ExtractError``
    (``errors="raise"``).
    """
    ex = _extractor(selectors, explain, markdown, links, article_html)
    return ex.extract_many(pages, threads, errors=errors)


def iter_extract(
    pages: Iterable[Union[Html, Tuple[Html, Optional[str]]]],
    threads: Optional[int] = None,
    *,
    errors: str = "none",
    explain: bool = False,
    markdown: bool = False,
    links: bool = False,
    article_html: bool = False,
    selectors: Optional[Union[PathLike, Sequence[PathLike]]] = None,
) -> Iterator[Optional[Record]]:
    """``extract_many`` as a stream: yields each page's record (or ``None``) in input order,
    reading ``pages`` a batch at a time and extracting each batch on all cores. Memory stays
    at one batch however long the input (a generator over a crawl, a ``datasets`` column).
    """
    ex = _extractor(selectors, explain, markdown, links, article_html)
    return ex.iter_extract(pages, threads, errors=errors)


def read_warc(
    path: PathLike,
    *,
    errors: str = "skip",
    explain: bool = False,
    markdown: bool = False,
    links: bool = False,
    article_html: bool = False,
    selectors: Optional[Union[PathLike, Sequence[PathLike]]] = None,
) -> Iterator[Record]:
    """The records of the HTML responses of a WARC file (``.warc``, ``.warc.gz``), streamed.

    Each record also has ``source_path`` (``<file>#<offset>``), ``date_fetched`` and
    ``http`` from the WARC record. Pages without a record are skipped (the iterator's
    ``failed`` counts them), or raise ``ExtractError`` with ``errors="raise"``.
    """
    ex = _extractor(selectors, explain, markdown, links, article_html)
    return ex.read_warc(os.fspath(path), errors=errors)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """The ``newsharvest`` command line, in this process: ``python -m newsharvest crawl …``."""
    import sys

    args = list(sys.argv[1:] if argv is None else argv)
    return _cli(["newsharvest", *args])
