//! The output stage: records written to files (JSONL, `.gz`, `.zst`), single files or
//! exactly-once shards, and the lock files that keep two runs off one output.

pub mod lock;
pub mod shards;
pub mod sink;
