"""newsharvest as a datatrove extractor.

``NewsharvestExtractor`` is a datatrove ``BaseExtractor`` (install ``newsharvest[datatrove]``),
so a pipeline reads as it does with datatrove's own extractors::

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import WarcReader
    from datatrove.pipeline.writers import JsonlWriter
    from newsharvest.datatrove import NewsharvestExtractor

    LocalPipelineExecutor(pipeline=[
        WarcReader("crawl/"),
        NewsharvestExtractor(),
        JsonlWriter("out/"),
    ]).run()

Each document's ``text`` becomes the article body; the record's metadata goes into
``doc.metadata`` (``title``, ``page_type``, ``authors``, ``date_published``, ``language``, …,
see ``METADATA``): filter on ``page_type`` to keep articles only, or to route listings,
forums or products to their own outputs. A page without an article is dropped, as datatrove's extractors drop empty
texts. Unlike trafilatura's step, no sandbox process is needed: extraction is bounded
(size, nodes, nesting, time) inside newsharvest and never crashes the worker.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional, Sequence, Union

from . import ExtractError, Extractor

try:
    from datatrove.pipeline.extractors.base import BaseExtractor
    from datatrove.utils.typeshelper import StatHints
except ImportError as e:  # pragma: no cover - exercised only without datatrove
    raise ImportError(
        "newsharvest.datatrove needs datatrove: pip install 'newsharvest[datatrove]'"
    ) from e

#: Record fields copied into ``doc.metadata`` (the ones with a value).
METADATA = (
    "title",
    "page_type",
    "page_type_evidence",
    "authors",
    "date_published",
    "date_modified",
    "language",
    "site_name",
    "section",
    "tags",
    "canonical_url",
    "description",
    "image_url",
    "word_count",
    "content_hash",
)


class NewsharvestExtractor(BaseExtractor):
    """Extract the article of each document's HTML with newsharvest.

    Args:
        timeout: per-document time budget in seconds (newsharvest's ``page_timeout``).
        selectors: extra rule directories.
        metadata: copy the record's metadata into ``doc.metadata`` (``METADATA``).
        url_key: the ``doc.metadata`` key holding the page URL (WarcReader's ``url``).
        markdown: the document's text is the body as GitHub-flavoured Markdown (tables,
            code, math, lists and headings kept) instead of plain text.
    """

    name = "📰 newsharvest"
    _requires_dependencies = []

    def __init__(
        self,
        timeout: float = 10.0,
        selectors: Optional[Union[str, Sequence[str]]] = None,
        metadata: bool = True,
        url_key: str = "url",
        markdown: bool = False,
    ):
        super().__init__(timeout)
        if not (timeout >= 0 and timeout != float("inf")):
            raise ValueError(f"timeout must be a finite number of seconds >= 0, not {timeout!r}")
        self.selectors = selectors
        self.metadata = metadata
        self.url_key = url_key
        self.markdown = markdown
        self._extractor: Optional[Extractor] = None

    @property
    def extractor(self) -> Extractor:
        # Made lazily: pipeline steps are pickled to the workers.
        if self._extractor is None:
            self._extractor = Extractor(self.selectors, markdown=self.markdown, page_timeout=self.timeout)
        return self._extractor

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_extractor"] = None
        return state

    def extract(self, text: str) -> str:
        """The article body of one HTML text ("" when there is none)."""
        try:
            record = self.extractor.extract(text)
            return (record.get("markdown") if self.markdown else None) or record["text"] or ""
        except ExtractError:
            return ""

    def run(self, data: Iterable[Any], rank: int = 0, world_size: int = 1) -> Iterable[Any]:
        for doc in data:
            self.stat_update(StatHints.total)
            with self.track_time():
                url = doc.metadata.get(self.url_key) if doc.metadata else None
                try:
                    record = self.extractor.extract(doc.text, url)
                except ExtractError:
                    self.stat_update("no_article")
                    record = None
                except Exception:  # as BaseExtractor: one bad document never ends the task
                    self.stat_update("clean_error")
                    record = None
            if not record or not record.get("text"):
                self.stat_update(StatHints.dropped)
                continue
            self.stat_update("extracted")
            doc.text = (record.get("markdown") if self.markdown else None) or record["text"]
            if self.metadata:
                for key in METADATA:
                    value = record.get(key)
                    if key == "page_type_evidence":
                        value = record["extraction"].get(key)
                    if value not in (None, [], ""):
                        doc.metadata[key] = value
            self.stat_update(StatHints.forwarded)
            self.update_doc_stats(doc)
            yield doc
