//! The file names of the output stage, defined once: crawl shards (`part-00012.jsonl.zst`,
//! `part-00012.parquet`), files in progress (`.part-00012.parquet.tmp`), rank outputs of
//! sharded extraction (`rank-00003-of-00016.jsonl.zst` and their `.done` markers) and the
//! lock files that keep two runs off one output. Only names: nothing here touches the disk.

use std::path::{Path, PathBuf};

/// The prefix of a crawl's shards (`part-00012.jsonl.zst`); the workers of a shared
/// frontier add their id (`part-<worker>-00012…`).
pub const SHARD_PREFIX: &str = "part";

/// The lock file of a shard directory written by one crawl (prefix [`SHARD_PREFIX`]).
pub const SHARD_LOCK: &str = ".newsharvest.lock";

/// Digits of a shard number: `00012`, so names sort in writing order up to 99,999 shards.
const SHARD_DIGITS: usize = 5;

/// What ends a file that is being written: it gets its final name only once complete.
const IN_PROGRESS_SUFFIX: &str = ".tmp";

/// `<prefix>-00012.<extension>`.
pub fn shard(prefix: &str, number: u64, extension: &str) -> String {
    format!("{prefix}-{number:0SHARD_DIGITS$}.{extension}")
}

/// The number of a complete shard named `<prefix>-<number>.<extension>` in any output
/// format (`jsonl`, `jsonl.gz`, `jsonl.zst`, `parquet`); `None` for other names.
pub fn shard_number(prefix: &str, name: &str) -> Option<u64> {
    let rest = name.strip_prefix(prefix)?.strip_prefix('-')?;
    let (n, ext) = rest.split_once('.')?;
    (ext.starts_with("jsonl") || ext == "parquet").then_some(())?;
    n.parse().ok()
}

/// The name a file has while it is written: `.<name>.tmp` (hidden, and not matched by the
/// readers' `*.jsonl.zst` / `*.parquet` patterns).
pub fn in_progress(name: &str) -> String {
    format!(".{name}{IN_PROGRESS_SUFFIX}")
}

/// The final name of a file in progress (`.<name>.tmp` → `<name>`).
pub fn of_in_progress(file_name: &str) -> Option<&str> {
    file_name.strip_prefix('.')?.strip_suffix(IN_PROGRESS_SUFFIX)
}

/// The lock file of the shards with this prefix: [`SHARD_LOCK`] for a crawl's `part-…`,
/// `.newsharvest-<prefix>.lock` for a worker of a shared frontier (the job's workers share
/// the directory, each locks its own names).
pub fn shard_lock(prefix: &str) -> String {
    if prefix == SHARD_PREFIX {
        SHARD_LOCK.to_string()
    } else {
        format!(".newsharvest-{prefix}.lock")
    }
}

/// `rank-00003-of-00016`: the stem of a rank's files.
pub fn rank_stem(index: u32, count: u32) -> String {
    format!("rank-{index:0SHARD_DIGITS$}-of-{count:0SHARD_DIGITS$}")
}

/// The lock file of one rank: `.<stem>.lock`.
pub fn rank_lock(stem: &str) -> String {
    format!(".{stem}.lock")
}

/// The completion marker of one rank: `<stem>.done`.
pub fn rank_marker(stem: &str) -> String {
    format!("{stem}.done")
}

/// The lock file of a crawl state: `<state>.lock` beside it.
pub fn state_lock(state: &Path) -> PathBuf {
    let mut name = state.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_names_round_trip_in_every_format() {
        for ext in ["jsonl", "jsonl.gz", "jsonl.zst", "parquet"] {
            let name = shard("part", 12, ext);
            assert_eq!(shard_number("part", &name), Some(12), "{name}");
            assert_eq!(of_in_progress(&in_progress(&name)), Some(name.as_str()));
        }
        assert_eq!(shard("part", 12, "parquet"), "part-00012.parquet");
        assert_eq!(in_progress("part-00012.parquet"), ".part-00012.parquet.tmp");
        for other in ["part-00012.csv", "part-x.jsonl", "parts-00001.jsonl", "notes.txt"] {
            assert_eq!(shard_number("part", other), None, "{other}");
        }
        // A worker's shards are not the crawl's, and the other way round.
        assert_eq!(shard_number("part", "part-w1-00003.jsonl"), None);
        assert_eq!(shard_number("part-w1", "part-w1-00003.parquet"), Some(3));
        assert_eq!(rank_stem(3, 16), "rank-00003-of-00016");
        assert_eq!(shard_lock("part"), SHARD_LOCK);
        assert_eq!(shard_lock("part-w1"), ".newsharvest-part-w1.lock");
    }
}
