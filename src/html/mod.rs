//! The HTML stage: raw bytes → text ([`decode`]) → a bounded DOM: [`engine`] parses the
//! text with the vendored lexbor (C, `vendor/lexbor/`) into our own DOM, [`arena`]; then the
//! read-only tools every later stage uses on it: tag sets, text statistics and collapsed
//! text ([`dom`]), CSS selectors with pre-check keys ([`select`], the keys in `keys`) and string helpers
//! ([`text`]). Imports nothing from the stages after it.

pub mod arena;
pub mod decode;
pub mod dom;
pub mod engine;
mod keys;
pub mod repair;
pub mod select;
pub mod text;
