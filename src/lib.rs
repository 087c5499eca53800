//! # newsharvest
//!
//! Turns news pages into clean text records: the article body, all of it and nothing else,
//! with its metadata. The heart is [`process`]: raw bytes in, [`Article`] out, no I/O.
//!
//! # Layout
//! The flow is fetch → decode/parse → extract → clean → record → output. The pure stages
//! ([`html`], [`rules`], [`extract`], [`clean`], [`model`], [`record`]) do no I/O and import
//! nothing from the stages after them (checked by `tests/layout.rs`).
//! - [`model`]: `Page` → `Article` → `Record`, the contracts between stages.
//! - [`html`]: bytes → text (`decode`), text → a bounded DOM (`parse`), DOM helpers (`dom`),
//!   CSS selectors with pre-check keys (`select`), string helpers (`text`).
//! - [`limits`]: the bounds of one page's work (size, nodes, depth, time budget).
//! - [`rules`]: `selectors/*.toml` loaded and compiled once; the class index of the dom rules.
//! - [`extract`]: `process()`; readability-style scoring, rendering, metadata, title.
//! - [`clean`]: cleaner rules applied to elements and text blocks, each with an id.
//! - [`record`]: `Article` → `Record` (ids, hashes, schema v1).
//! - [`output`]: records written as JSONL (`.gz`, `.zst`) or Parquet: one file, exactly-once
//!   crawl shards, or a rank's output of sharded extraction; the lock files.
//! - [`input`]: reading pages from files, directories, `.gz`, stdin, manifests and WARC.
//! - [`crawl`]: the polite crawler (`newsharvest crawl`): config, discovery, frontier and
//!   state, politeness, fetching, article/listing classification, the engine.
//! - [`warc`]: WARC archives: HTML responses read for `extract`, written by `crawl --warc`.
//! - [`eval`]: scoring extractions against gold sets (`newsharvest eval`).
//! - [`app`]: the command line, one file per verb (extract, crawl, status, eval, demo).
//! - [`serve`]: a loopback HTTP server for the offline demo, crawl tests and benchmarks.
//! - [`fuzz`]: fuzz targets (bytes in, invariants checked) for `fuzz/` and `tests/fuzz.rs`.
//! - [`hash`]: stable hashes; [`error`]: typed errors.

pub mod app;
pub mod clean;
pub mod crawl;
pub mod error;
pub mod eval;
pub mod extract;
pub mod fuzz;
pub mod hash;
pub mod html;
pub mod input;
pub mod limits;
pub mod model;
pub mod output;
pub mod record;
pub mod rules;
pub mod serve;
pub mod url_params;
pub mod warc;

pub use error::{Error, Result};
pub use extract::{process, process_for_crawl, Options, PageInfo};
pub use limits::Limits;
pub use model::{Article, Page, Record};
pub use rules::Rules;

/// The `page.html` of every fixture, for the tests that check a faster way of computing
/// something against the plain one on real-shaped pages.
#[cfg(test)]
pub(crate) fn fixture_pages() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("fixtures/")
        .filter_map(|e| e.ok().map(|e| e.path().join("page.html")))
        .collect();
    paths.sort();
    let pages: Vec<String> = paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    assert!(pages.len() > 5, "{} fixture pages", pages.len());
    pages
}

/// A scratch directory for one test module, unique to this test process.
#[cfg(test)]
pub(crate) fn test_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("nh-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create the test directory");
    dir
}
