//! The names `crate::app::crawl_cmd` imports from the output stage today, re-exported from
//! where they now live. Nothing is defined here; once the crawl imports from `output`
//! directly (`output::{jsonl::Output, shards::Shards, …}`) this file goes.

pub use super::compression::Compression;
pub use super::is_dir_output;
pub use super::jsonl::Output;
pub use super::shards::{Cleanup, ShardLimits, Shards, SHARD_LOCK};
