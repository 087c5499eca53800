//! How items and written articles are stored in Redis (JSON), and URL fingerprints (the
//! keys of per-URL hashes).

use crate::crawl::state::item::Item;
use crate::crawl::state::store::{kind_code, kind_of, via_code, via_of, Written};
use redis::Value;
use sha2::Digest;
use std::sync::Arc;

/// An item as stored in Redis.
#[derive(serde::Serialize, serde::Deserialize)]
pub(super) struct ItemWire {
    url: String,
    kind: i64,
    via: i64,
    depth: u32,
    #[serde(default)]
    attempts: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    chain: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    probe: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    from: Option<String>,
}

pub(super) fn encode_item(item: &Item) -> String {
    let w = ItemWire {
        url: item.url.to_string(),
        kind: kind_code(item.kind),
        via: via_code(item.via),
        depth: item.depth,
        attempts: item.attempts,
        chain: item.chain.clone(),
        probe: item.probe,
        from: item.from.as_ref().map(|o| o.url.clone()),
    };
    serde_json::to_string(&w).unwrap_or_default()
}

pub(super) fn decode_item(s: &str) -> Option<Item> {
    let w: ItemWire = serde_json::from_str(s).ok()?;
    let url = url::Url::parse(&w.url).ok()?;
    let mut item = Item::new(url, kind_of(w.kind), via_of(w.via), w.depth);
    item.attempts = w.attempts;
    item.chain = w.chain;
    item.probe = w.probe;
    item.from = w
        .from
        .and_then(|f| crate::crawl::traps::Origin::parse(&f))
        .map(Arc::new);
    Some(item)
}

/// The fingerprint of a canonical URL: 96 bits of its SHA-256, hex.
pub fn fingerprint(url: &str) -> String {
    let d = sha2::Sha256::digest(url.as_bytes());
    d[..12].iter().map(|b| format!("{b:02x}")).collect()
}

/// Queue priorities above this share one level (scores stay exact in a double).
pub(super) const MAX_PRIORITY: u32 = 800;

/// An article in a prepared entry.
#[derive(serde::Serialize, serde::Deserialize)]
pub(super) struct WrittenWire {
    pub(super) url: String,
    pub(super) id: String,
    pub(super) hash: String,
    pub(super) rev: u32,
    pub(super) sig: Vec<u32>,
    pub(super) dup: bool,
}

pub(super) fn to_wire(w: &Written) -> WrittenWire {
    WrittenWire {
        url: w.url.clone(),
        id: w.id.clone(),
        hash: w.content_hash.clone(),
        rev: w.revision,
        sig: w.signature.clone(),
        dup: w.duplicate,
    }
}

pub(super) fn text(v: &Value) -> String {
    redis::from_redis_value_ref::<Option<String>>(v)
        .ok()
        .flatten()
        .unwrap_or_default()
}

pub(super) fn int(v: &Value) -> i64 {
    redis::from_redis_value_ref::<i64>(v).unwrap_or(0)
}
