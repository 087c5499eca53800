//! A crawl's output directory of rotated shards that appear only complete (`crawl -o
//! DIR/`): a shard is written as `.part-00012.<ext>.tmp`, finished and synced when full or
//! old ([`Shards::seal`]), then renamed to `part-00012.<ext>` by the publish step the
//! crawl's state commit runs — so with `--state` every record is in exactly one published
//! shard. JSONL (`.jsonl[.gz|.zst]`) and Parquet (`.parquet`) shards follow the same
//! protocol. A reopened directory is cleaned of what a killed run left ([`Cleanup`]).
//! One writer per directory: the shards hold its lock ([`super::lock::shard_dir`]), the one
//! the caller took (a crawl takes it before it opens anything) or, when none is given, their
//! own. This file does not know the state; it is given the shard names the state committed.

use super::lock::{self, LockGuard};
use super::{names, Durability, Encoded, Format, OutputError, RecordWriter};
use std::collections::HashSet;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

/// When a shard is complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardLimits {
    /// Records per shard.
    pub records: u64,
    /// Uncompressed bytes per shard (JSONL: the lines; Parquet: the values).
    pub bytes: u64,
    /// A shard open this long is completed at the next checkpoint, so a killed run loses
    /// (and the next run refetches) at most this much work.
    pub max_age: std::time::Duration,
}

/// Records per shard by default: a shard is a unit of work for a downstream job.
const DEFAULT_SHARD_RECORDS: u64 = 10_000;
/// Uncompressed bytes per shard by default: ~60 MiB of zstd JSONL, one read per file.
const DEFAULT_SHARD_BYTES: u64 = 256 << 20;
/// A shard is completed after this long by default: bounds the work a kill loses.
const DEFAULT_SHARD_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(300);

impl Default for ShardLimits {
    fn default() -> ShardLimits {
        ShardLimits {
            records: DEFAULT_SHARD_RECORDS,
            bytes: DEFAULT_SHARD_BYTES,
            max_age: DEFAULT_SHARD_MAX_AGE,
        }
    }
}

/// The shard in progress.
struct OpenShard {
    out: Box<dyn RecordWriter>,
    tmp: PathBuf,
    name: String,
    records: u64,
    bytes: u64,
    opened: std::time::Instant,
}

/// A directory of rotated output shards (see the module documentation).
pub struct Shards {
    dir: PathBuf,
    /// Shard names are `<prefix>-<number>.<extension>`.
    prefix: String,
    format: Format,
    limits: ShardLimits,
    next: u64,
    current: Option<OpenShard>,
    /// The directory's lock (`.newsharvest.lock`), held while the shards are open.
    _lock: LockGuard,
}

/// What [`Shards::open`] cleaned up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cleanup {
    /// In-progress shards of a killed run, removed.
    pub partial: Vec<String>,
    /// Complete shards the state never committed (renamed just before a kill), removed.
    pub uncommitted: Vec<String>,
}

impl Shards {
    /// Shards in `dir` (created when missing), in `format` (a [`Compression`] for JSONL, or
    /// a [`Format`]). Leftovers of a killed run are removed: every in-progress
    /// `.<prefix>-*.tmp` file, and — when `committed` comes from a persistent state —
    /// complete shards numbered at or above the next one the state expects but not
    /// committed by it. Numbering continues after the highest shard in the directory,
    /// whatever its format.
    ///
    /// `lock` is the directory's lock for `prefix` ([`lock::shard_dir`]) when the caller
    /// holds it already; without it, it is taken here ([`io::ErrorKind::ResourceBusy`] when
    /// another writer holds it). The shards keep it until they are dropped.
    ///
    /// [`Compression`]: super::Compression
    pub fn open(
        dir: &Path,
        prefix: &str,
        format: impl Into<Format>,
        limits: ShardLimits,
        committed: Option<&HashSet<String>>,
        lock: Option<LockGuard>,
    ) -> io::Result<(Shards, Cleanup)> {
        std::fs::create_dir_all(dir)?;
        // One writer per directory: another crawl's shard in progress is not a leftover.
        let lock = match lock {
            Some(held) => held,
            None => lock::shard_dir(dir, prefix)?,
        };
        let mut cleanup = Cleanup::default();
        let number = |name: &str| names::shard_number(prefix, name);
        let committed_next = committed
            .map(|c| c.iter().filter_map(|n| number(n)).max().map_or(0, |m| m + 1))
            .unwrap_or(0);
        let mut highest: Option<u64> = None;
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(tmp) = names::of_in_progress(&name) {
                if number(tmp).is_some() {
                    std::fs::remove_file(entry.path())?;
                    cleanup.partial.push(name);
                }
                continue;
            }
            let Some(n) = number(&name) else { continue };
            if let Some(c) = committed {
                if n >= committed_next && !c.contains(&name) {
                    std::fs::remove_file(entry.path())?;
                    cleanup.uncommitted.push(name);
                    continue;
                }
            }
            highest = Some(highest.map_or(n, |h: u64| h.max(n)));
        }
        let next = highest.map_or(committed_next, |h| (h + 1).max(committed_next));
        Ok((
            Shards {
                dir: dir.to_path_buf(),
                prefix: prefix.to_string(),
                format: format.into(),
                limits,
                next,
                current: None,
                _lock: lock,
            },
            cleanup,
        ))
    }

    /// The format of the shards.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Write one record (any value serialized as a record) to the shard in progress.
    pub fn write_json<T: serde::Serialize>(&mut self, v: &T) -> io::Result<()> {
        let encoded = self.format.encode(v)?;
        self.write_encoded(encoded)
    }

    /// Write one record encoded by [`Format::encode`] with [`Shards::format`] to the shard
    /// in progress (opened when needed).
    pub fn write_encoded(&mut self, record: Encoded) -> io::Result<()> {
        if self.current.is_none() {
            self.current = Some(self.start()?);
        }
        let Some(cur) = self.current.as_mut() else {
            return Err(io::Error::other("no open shard"));
        };
        cur.bytes += cur.out.write_encoded(record)?;
        cur.records += 1;
        Ok(())
    }

    /// Open the next shard under its in-progress name.
    fn start(&mut self) -> Result<OpenShard, OutputError> {
        let name = names::shard(&self.prefix, self.next, self.format.extension());
        self.next += 1;
        let tmp = self.dir.join(names::in_progress(&name));
        Ok(OpenShard {
            // Written in the shard's format: the temporary name ends in `.tmp`.
            out: super::create(Some(&tmp), self.format)?,
            tmp,
            name,
            records: 0,
            bytes: 0,
            opened: std::time::Instant::now(),
        })
    }

    /// The shard in progress is full (records or bytes).
    pub fn full(&self) -> bool {
        self.current
            .as_ref()
            .is_some_and(|c| c.records >= self.limits.records || c.bytes >= self.limits.bytes)
    }

    /// The shard in progress has been open longer than its maximum age.
    pub fn old(&self) -> bool {
        self.current
            .as_ref()
            .is_some_and(|c| c.opened.elapsed() >= self.limits.max_age)
    }

    /// Complete the shard in progress: trailer or footer written, file synced. Returns its
    /// name and the step that publishes it (rename into place, directory synced), to be run
    /// by the state commit; `None` when no shard is open.
    pub fn seal(&mut self) -> io::Result<Option<(String, impl FnMut() -> io::Result<()> + Send + 'static)>> {
        let Some(cur) = self.current.take() else {
            return Ok(None);
        };
        cur.out.finish(Durability::Sync)?;
        let (tmp, dest, dir) = (cur.tmp, self.dir.join(&cur.name), self.dir.clone());
        let publish = move || {
            std::fs::rename(&tmp, &dest)?;
            File::open(&dir)?.sync_all()
        };
        Ok(Some((cur.name, publish)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Compression;

    #[test]
    fn shards_appear_complete_and_leftovers_of_a_kill_are_removed() {
        let dir = crate::test_dir("shards");
        let _ = std::fs::remove_dir_all(&dir);
        let limits = ShardLimits {
            records: 2,
            ..ShardLimits::default()
        };
        let (mut s, c) = Shards::open(&dir, "part", Compression::Zstd, limits, None, None).unwrap();
        assert_eq!(c, Cleanup::default());
        for n in 0..3 {
            s.write_json(&serde_json::json!({ "n": n })).unwrap();
            if s.full() {
                let (name, mut publish) = s.seal().unwrap().unwrap();
                assert_eq!(name, "part-00000.jsonl.zst");
                assert!(dir.join(".part-00000.jsonl.zst.tmp").exists());
                publish().unwrap();
            }
        }
        assert!(dir.join("part-00000.jsonl.zst").exists());
        assert!(
            dir.join(".part-00001.jsonl.zst.tmp").exists(),
            "in progress under another name"
        );
        let raw = std::fs::read(dir.join("part-00000.jsonl.zst")).unwrap();
        assert_eq!(
            String::from_utf8(zstd::decode_all(&raw[..]).unwrap()).unwrap(),
            "{\"n\":0}\n{\"n\":1}\n"
        );
        // A kill: one shard in progress, one renamed but not committed by the state.
        drop(s);
        std::fs::write(dir.join("part-00001.jsonl.zst"), b"uncommitted").unwrap();
        std::fs::write(dir.join("notes.txt"), b"not ours").unwrap();
        let committed: HashSet<String> = ["part-00000.jsonl.zst".to_string()].into();
        let (s, c) = Shards::open(&dir, "part", Compression::Zstd, limits, Some(&committed), None).unwrap();
        assert_eq!(c.partial, vec![".part-00001.jsonl.zst.tmp".to_string()]);
        assert_eq!(c.uncommitted, vec!["part-00001.jsonl.zst".to_string()]);
        assert_eq!(s.next, 1);
        assert!(dir.join("notes.txt").exists() && dir.join("part-00000.jsonl.zst").exists());
        // One writer per directory: another process cannot lock it while the shards are open.
        let other = File::open(dir.join(names::SHARD_LOCK)).unwrap();
        assert!(matches!(other.try_lock(), Err(std::fs::TryLockError::WouldBlock)));
        drop(s);
        assert!(other.try_lock().is_ok());
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn parquet_shards_follow_the_same_protocol() {
        let dir = crate::test_dir("shards-parquet");
        let _ = std::fs::remove_dir_all(&dir);
        let limits = ShardLimits {
            records: 2,
            ..ShardLimits::default()
        };
        let rec = crate::output::parquet::tests::full_record();
        let (mut s, _) = Shards::open(&dir, "part", Format::Parquet, limits, None, None).unwrap();
        for _ in 0..3 {
            s.write_json(&rec).unwrap();
            if s.full() {
                let (name, mut publish) = s.seal().unwrap().unwrap();
                assert_eq!(name, "part-00000.parquet");
                assert!(dir.join(".part-00000.parquet.tmp").exists());
                publish().unwrap();
            }
        }
        let published = crate::output::parquet::tests::read_back(&dir.join("part-00000.parquet"));
        assert_eq!(published.len(), 2);
        assert!(
            dir.join(".part-00001.parquet.tmp").exists(),
            "in progress under another name"
        );
        // A kill: the shard in progress is removed, an uncommitted one too; numbering goes
        // on after the committed shard, also when the next run writes JSONL.
        drop(s);
        std::fs::write(dir.join("part-00001.parquet"), b"uncommitted").unwrap();
        let committed: HashSet<String> = ["part-00000.parquet".to_string()].into();
        let (mut s, c) =
            Shards::open(&dir, "part", Compression::None, limits, Some(&committed), None).unwrap();
        assert_eq!(c.partial, vec![".part-00001.parquet.tmp".to_string()]);
        assert_eq!(c.uncommitted, vec!["part-00001.parquet".to_string()]);
        s.write_json(&rec).unwrap();
        let (name, _) = s.seal().unwrap().unwrap();
        assert_eq!(name, "part-00001.jsonl");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn the_callers_lock_is_kept_and_a_second_writer_is_refused() {
        let dir = crate::test_dir("shards-lock");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let limits = ShardLimits::default();
        let open = |prefix: &str, held: Option<LockGuard>| {
            Shards::open(&dir, prefix, Format::Parquet, limits, None, held).map(|(s, _)| s)
        };
        // The caller's lock (a crawl takes it before it opens anything) is not taken again.
        let held = lock::shard_dir(&dir, "part").unwrap();
        let s = open("part", Some(held)).unwrap();
        match open("part", None) {
            Err(e) => assert_eq!(e.kind(), io::ErrorKind::ResourceBusy, "{e}"),
            Ok(_) => panic!("a second writer of the directory"),
        }
        // A worker of a shared frontier locks only its own names.
        let w = open("part-w1", None).unwrap();
        assert!(open("part-w1", None).is_err());
        drop((s, w));
        assert!(open("part", None).is_ok(), "released with the shards");
        let _ = std::fs::remove_dir_all(dir);
    }
}
