//! Fuzz target `html`: see `newsharvest::fuzz::html`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| newsharvest::fuzz::html(data));
