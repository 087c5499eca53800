"""Type stubs of the Rust module behind ``newsharvest``."""

import os
from typing import Any, Dict, Iterable, Iterator, List, Literal, Optional, Sequence, Tuple, Union

__version__: str

_Html = Union[str, bytes, bytearray]
_Path = Union[str, "os.PathLike[str]"]
#: The values of a record's ``page_type`` (docs/record-schema.md#page-types).
_PageType = Literal["article", "listing", "forum", "product", "documentation", "service", "other"]
#: A record (docs/record-schema.md): ``id``, ``url``, ``title``, ``page_type`` (a ``_PageType``),
#: ``text``, ``authors``, …, ``extraction`` (with ``page_type_evidence``, a list of strings).
_Record = Dict[str, Any]

class ExtractError(Exception):
    """No record could be made from a page; the message says why."""

class Extractor:
    """Reusable extraction settings (rules loaded once); safe to share between threads."""

    def __init__(
        self,
        selectors: Optional[Union[_Path, Sequence[_Path]]] = None,
        *,
        explain: bool = False,
        markdown: bool = False,
        links: bool = False,
        article_html: bool = False,
        max_page_size: Optional[int] = None,
        max_nodes: Optional[int] = None,
        max_nesting: Optional[int] = None,
        page_timeout: Optional[float] = None,
    ) -> None: ...
    def extract(self, html: _Html, url: Optional[str] = None, *, content_type: Optional[str] = None) -> _Record: ...
    def extract_many(
        self,
        pages: Iterable[Union[_Html, Tuple[_Html, Optional[str]]]],
        threads: Optional[int] = None,
        *,
        errors: str = "none",
    ) -> List[Optional[_Record]]: ...
    def iter_extract(
        self,
        pages: Iterable[Union[_Html, Tuple[_Html, Optional[str]]]],
        threads: Optional[int] = None,
        *,
        errors: str = "none",
    ) -> "RecordStream": ...
    def read_warc(self, path: _Path, *, errors: str = "skip") -> "WarcRecords": ...

class RecordStream(Iterator[Optional[_Record]]):
    """The records of ``Extractor.iter_extract``, in input order."""

    def __iter__(self) -> "RecordStream": ...
    def __next__(self) -> Optional[_Record]: ...

class WarcRecords(Iterator[_Record]):
    """The records of a WARC file, streamed."""

    @property
    def failed(self) -> int: ...
    def __iter__(self) -> "WarcRecords": ...
    def __next__(self) -> _Record: ...

def cli(argv: List[str]) -> int: ...
