//! Fuzz target `warc`: see `newsharvest::fuzz::warc`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| newsharvest::fuzz::warc(data));
