//! # newsharvest
//!
//! Turns news pages into clean text records: the article body, all of it and nothing else,
//! with its metadata. The heart is [`process`]: raw bytes in, [`Article`] out, no I/O.
//!
//! # Layout
//! - [`model`]: `Page` → `Article` → `Record`, the contracts between stages.
//! - [`decode`]: bytes → text (HTTP charset, BOM, `<meta>` prescan, detection).
//! - [`extract`]: `process()`; readability-style scoring, rendering, metadata, title.
//! - [`clean`]: cleaner rules applied to elements and text blocks, each with an id.
//! - [`rules`]: `selectors/*.toml` loaded and compiled once.
//! - [`record`]: `Article` → `Record` (ids, hashes, schema v1).
//! - [`input`]: reading pages from files, directories, `.gz`, stdin and manifests.
//! - [`eval`]: scoring extractions against gold sets (`newsharvest eval`).
//! - [`dom`], [`text`]: helpers over the DOM and over strings.
//! - [`error`]: typed errors.

pub mod clean;
pub mod decode;
pub mod dom;
pub mod error;
pub mod eval;
pub mod extract;
pub mod input;
pub mod model;
pub mod record;
pub mod rules;
pub mod text;

pub use error::{Error, Result};
pub use extract::{process, Options};
pub use model::{Article, Page, Record};
pub use rules::Rules;
