"""Parquet output read back by a real reader (pyarrow): `extract fixtures/ -o out.parquet`
holds the records of `-o out.jsonl`, field by field — JSON nulls and absent fields as Parquet
nulls, lists as lists, nested structs as structs, the `extraction.removed` map as a map —
with the documented column types; Parquet to stdout and per-rank Parquet outputs too. Runs
the command line only (no Python package needed)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"

#: The CLI: $NEWSHARVEST_BIN, else the release binary of this checkout, else
#: `python -m newsharvest` (as test_newsharvest.py).
BIN = os.environ.get("NEWSHARVEST_BIN") or str(ROOT / "target" / "release" / "newsharvest")
CLI = [BIN] if os.access(BIN, os.X_OK) else [sys.executable, "-m", "newsharvest"]

#: Column types as docs/output.md lists them (the rest are strings).
TYPES = {
    "authors": pa.list_(pa.field("element", pa.string(), nullable=False)),
    "tags": pa.list_(pa.field("element", pa.string(), nullable=False)),
    "breadcrumbs": pa.list_(pa.field("element", pa.string(), nullable=False)),
    "word_count": pa.uint64(),
    "schema_version": pa.uint32(),
    "revision": pa.uint32(),
}
STRUCTS = {"extraction", "http", "crawl", "duplicate_of"}


def extract(*args: str) -> bytes:
    out = subprocess.run([*CLI, "extract", "--quiet", *args], check=True, capture_output=True)
    return out.stdout


def as_json(rec: dict) -> dict:
    """A record read by pyarrow in the shape of its JSON line: the map as an object."""
    rec = dict(rec)
    rec["extraction"] = dict(rec["extraction"])
    rec["extraction"]["removed"] = dict(rec["extraction"]["removed"])
    return rec


def assert_same_record(parquet: dict, line: dict, columns: list[str]) -> None:
    # Every field of the JSON line is a column.
    assert set(line) <= set(columns), set(line) - set(columns)
    for col in columns:
        # A field the line leaves out (crawl fields of `extract`) is a null column.
        want, got = line.get(col), parquet[col]
        if isinstance(want, dict) and got is not None:
            for key in set(want) | set(got):
                assert got.get(key) == want.get(key), (line["id"], f"{col}.{key}")
        else:
            assert got == want, (line["id"], col)


@pytest.mark.parametrize("explain", [False, True], ids=["plain", "explain"])
def test_parquet_holds_the_records_of_jsonl(tmp_path: Path, explain: bool):
    flags = ["--explain"] if explain else []
    extract(str(FIXTURES), *flags, "-o", str(tmp_path / "out.jsonl"))
    extract(str(FIXTURES), *flags, "-o", str(tmp_path / "out.parquet"))
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.num_rows == len(lines) > 10
    for name, ty in TYPES.items():
        assert table.schema.field(name).type == ty, name
    for name in STRUCTS:
        assert pa.types.is_struct(table.schema.field(name).type), name
    removed = table.schema.field("extraction").type.field("removed").type
    assert pa.types.is_map(removed) and removed.item_type == pa.uint32()
    assert table.schema.field("text").nullable is False
    assert table.schema.field("title").nullable is True
    rows = [as_json(r) for r in table.to_pylist()]
    for parquet, line in zip(rows, lines):
        assert_same_record(parquet, line, table.column_names)
    if explain:
        assert any(r["extraction"]["explain"] for r in rows), "some removals were explained"
    else:
        assert all(r["extraction"]["explain"] is None for r in rows)
    assert pq.ParquetFile(tmp_path / "out.parquet").metadata.metadata[b"newsharvest.schema_version"] == b"1"


def test_parquet_on_stdout_and_in_rank_outputs(tmp_path: Path):
    lines = [json.loads(line) for line in extract(str(FIXTURES)).decode().splitlines()]
    piped = pq.read_table(io.BytesIO(extract(str(FIXTURES), "--format", "parquet")))
    for parquet, line in zip((as_json(r) for r in piped.to_pylist()), lines):
        assert_same_record(parquet, line, piped.column_names)
    out = tmp_path / "ranks"
    for i in range(2):
        extract(str(FIXTURES), "--shard", f"{i}/2", "--format", "parquet", "-o", f"{out}/")
    ranks = sorted(out.glob("rank-*.parquet"))
    assert [p.name for p in ranks] == ["rank-00000-of-00002.parquet", "rank-00001-of-00002.parquet"]
    assert len(list(out.glob("rank-*.done"))) == 2
    rows = pq.read_table(ranks).to_pylist()
    by_path = {r["source_path"]: as_json(r) for r in rows}
    assert len(rows) == len(lines) == len(by_path)
    for line in lines:
        assert_same_record(by_path[line["source_path"]], line, piped.column_names)
