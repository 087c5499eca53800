//! The crawl state behind one trait ([`store::StateStore`]): frontier, seen-set, fetch
//! history, written articles, shards, robots cache. In memory ([`memory::MemoryStore`]), in
//! SQLite ([`sqlite`], `--state crawl.db`) or shared by many workers in Redis
//! ([`redis_store`], with its Lua scripts); [`backend::StateBackend`] is the
//! choice among them. [`item`] is the URL that flows through them; [`frontier`] holds the
//! in-memory per-host priority queues; [`legacy`] reads the JSON Lines state of earlier
//! versions to migrate it.

pub mod backend;
pub mod frontier;
pub mod item;
pub mod legacy;
pub mod memory;
pub mod redis_store;
pub mod sqlite;
pub mod store;
