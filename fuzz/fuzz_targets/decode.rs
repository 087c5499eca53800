//! Fuzz target `decode`: see `newsharvest::fuzz::decode`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| newsharvest::fuzz::decode(data));
