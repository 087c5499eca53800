//! The crawl state behind one trait ([`store::StateStore`]): frontier, seen-set, fetch
//! history, written articles, shards, robots cache. In memory ([`store::MemoryStore`]), in
//! SQLite ([`sqlite`], `--state crawl.db`) or shared by many workers in Redis
//! ([`redis_store`], with its Lua scripts in [`redis_lua`]). [`frontier`] holds the per-host
//! priority queues; [`legacy`] reads the JSON Lines state of earlier versions to migrate it.

pub mod frontier;
pub mod legacy;
pub mod redis_lua;
pub mod redis_store;
pub mod sqlite;
pub mod store;
