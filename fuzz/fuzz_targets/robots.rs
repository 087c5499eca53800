//! Fuzz target `robots`: see `newsharvest::fuzz::robots`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| newsharvest::fuzz::robots(data));
