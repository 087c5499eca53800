//! Fuzz target `sitemap`: see `newsharvest::fuzz::sitemap`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| newsharvest::fuzz::sitemap(data));
