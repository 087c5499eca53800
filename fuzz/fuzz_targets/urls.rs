//! Fuzz target `urls`: see `newsharvest::fuzz::url_text`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| newsharvest::fuzz::url_text(data));
