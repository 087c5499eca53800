//! Duplicate articles: the same text written twice (exact: equal content hash) and the
//! syndicated wire story on two sites, near-identical but for a dateline, a byline or a
//! sentence (near: MinHash of word 3-shingles, estimated Jaccard similarity at least
//! [`NEAR_THRESHOLD`]).
//!
//! A record whose text duplicates one written earlier gets `duplicate_of` (that record's id
//! and URL); `--drop-duplicates` leaves it out. Candidates are found by locality-sensitive
//! hashing: the [`SIGNATURE_LEN`] minima are cut into [`BANDS`] bands, and two texts sharing
//! a band are compared on the whole signature. Texts shorter than [`MIN_WORDS`] are not
//! compared (a short caption or results line says too little). Articles written from one
//! template (weather, sports results) differ in the names and numbers in every sentence, so
//! most of their shingles differ: they stay well below the threshold (see docs/operations.md, "State", for the
//! measurement on the evaluation sets).

/// MinHash values per text.
pub const SIGNATURE_LEN: usize = 64;
/// Bands of the signature for candidate lookup (rows per band: `SIGNATURE_LEN / BANDS`).
/// With 4 rows a pair at similarity 0.8 shares a band with probability 1 − (1 − 0.8⁴)¹⁶ ≈ 0.9999.
pub const BANDS: usize = 16;
/// Words per shingle.
pub const SHINGLE_WORDS: usize = 3;
/// Texts with fewer words are never called near-duplicates.
pub const MIN_WORDS: usize = 30;
/// Estimated Jaccard similarity of the shingle sets from which two texts are near-duplicates.
pub const NEAR_THRESHOLD: f64 = 0.8;

// Signatures are stored: their hashes must be stable (`mix` is one hash function per seed).
use crate::hash::{fnv1a, mix};

/// The words of a text for shingling: letters and digits, lowercased.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The MinHash signature of a text; empty when it has fewer than [`MIN_WORDS`] words.
pub fn signature(text: &str) -> Vec<u32> {
    let w = words(text);
    if w.len() < MIN_WORDS {
        return Vec::new();
    }
    let mut sig = vec![u32::MAX; SIGNATURE_LEN];
    for shingle in w.windows(SHINGLE_WORDS) {
        let h = fnv1a(shingle.join(" ").as_bytes());
        for (i, slot) in sig.iter_mut().enumerate() {
            let v = (mix(h ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)) >> 32) as u32;
            if v < *slot {
                *slot = v;
            }
        }
    }
    sig
}

/// The band keys of a signature (the band's index is part of the key).
pub fn bands(sig: &[u32]) -> Vec<u64> {
    if sig.len() != SIGNATURE_LEN {
        return Vec::new();
    }
    let rows = SIGNATURE_LEN / BANDS;
    sig.chunks(rows)
        .enumerate()
        .map(|(i, chunk)| {
            let mut bytes = Vec::with_capacity(4 * rows + 1);
            bytes.push(i as u8);
            for v in chunk {
                bytes.extend_from_slice(&v.to_le_bytes());
            }
            // Stored as SQLite integers: keep them positive.
            fnv1a(&bytes) >> 1
        })
        .collect()
}

/// Estimated Jaccard similarity of two signatures (0 when either is empty).
pub fn similarity(a: &[u32], b: &[u32]) -> f64 {
    if a.len() != SIGNATURE_LEN || b.len() != SIGNATURE_LEN {
        return 0.0;
    }
    a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / SIGNATURE_LEN as f64
}

/// A signature as bytes for storage, and back.
pub fn to_bytes(sig: &[u32]) -> Vec<u8> {
    sig.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// See [`to_bytes`].
pub fn from_bytes(b: &[u8]) -> Vec<u32> {
    b.chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const WIRE: &str = "GENEVA (AP) — Negotiators from twelve countries reached a provisional agreement \
        on Tuesday night to limit fishing in the northern Atlantic, after three weeks of talks that \
        several delegates had described as the most difficult in a decade. The accord, which still \
        needs the approval of national parliaments, sets quotas for cod and haddock and creates a \
        monitoring body with the power to inspect vessels at sea. Environmental groups welcomed the \
        deal but said the quotas remained too high to allow stocks to recover within ten years.";

    #[test]
    fn a_syndicated_copy_is_near_and_a_template_sibling_is_not() {
        let a = signature(WIRE);
        let copy = format!(
            "{} Reporting by the Harbour Times staff.",
            WIRE.replace("GENEVA (AP) — ", "GENEVA — ")
        );
        let b = signature(&copy);
        assert!(similarity(&a, &b) >= NEAR_THRESHOLD, "{}", similarity(&a, &b));
        assert!(bands(&a).iter().any(|x| bands(&b).contains(x)));

        let weather = |city: &str, hi: i32, lo: i32, sky: &str, wind: i32| {
            format!(
                "Weather for {city} on Wednesday: a high of {hi} degrees and a low of {lo} degrees, {sky} \
                 skies through the afternoon, winds from the west at {wind} kilometres an hour, and a \
                 {hi} percent chance of showers in {city} after dark. Thursday in {city} looks \
                 {sky} again, with a high near {lo} and light winds of {wind} kilometres an hour."
            )
        };
        let x = signature(&weather("Portsmouth", 14, 6, "cloudy", 20));
        let y = signature(&weather("Southampton", 12, 4, "sunny", 15));
        assert!(similarity(&x, &y) < NEAR_THRESHOLD, "{}", similarity(&x, &y));
    }

    #[test]
    fn short_texts_have_no_signature_and_bytes_round_trip() {
        assert!(signature("Too short to compare.").is_empty());
        let s = signature(WIRE);
        assert_eq!(s.len(), SIGNATURE_LEN);
        assert_eq!(from_bytes(&to_bytes(&s)), s);
        assert_eq!(bands(&s).len(), BANDS);
        assert!(bands(&s).iter().all(|b| *b <= i64::MAX as u64));
    }
}
