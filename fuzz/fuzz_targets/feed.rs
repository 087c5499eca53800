//! Fuzz target `feed`: see `newsharvest::fuzz::feed`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| newsharvest::fuzz::feed(data));
