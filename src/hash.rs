//! Stable hashes: values that are stored (MinHash signatures) or decide where work goes
//! (shard ranks) must not change with the toolchain, as `std`'s hasher may.

/// FNV-1a, 64 bits.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// splitmix64's finaliser: spreads a 64-bit value over all bits.
pub fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// [`fnv1a`] then [`mix`]: a stable, well-mixed hash of a string.
pub fn stable_hash(key: &str) -> u64 {
    mix(fnv1a(key.as_bytes()))
}
