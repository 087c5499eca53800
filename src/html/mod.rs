//! The HTML stage: raw bytes → text ([`decode`]) → a bounded DOM ([`parse`]), and the
//! read-only tools every later stage uses on that DOM: tag and text helpers ([`dom`]),
//! CSS selectors with pre-check keys ([`select`]) and string helpers ([`text`]).
//! Imports nothing from the stages after it.
//!
//! The new engine (issue 19), not yet used by the passes: [`engine`] parses decoded text
//! with the vendored lexbor (C, `vendor/lexbor/`) into our own DOM, [`arena`].

pub mod arena;
pub mod decode;
pub mod dom;
pub mod engine;
pub mod parse;
pub mod select;
pub mod text;
