//! Output files: JSON Lines to stdout or a file, compressed by the file name (`.gz` gzip,
//! `.zst` zstd). [`Output::finish`] writes the compression trailer; call it before exit
//! (a dropped gzip/zstd file would be truncated). [`Shards`] writes a directory of rotated
//! shards that appear only complete: written as `.part-00012.jsonl.zst.tmp`, synced, then
//! renamed to `part-00012.jsonl.zst` by the crawl's state commit.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Does `-o` name a directory (a path ending in `/`, or an existing directory)? Then the
/// output is rotated shards (`crawl`) or a rank's output (`extract`), not one stream.
pub fn is_dir_output(p: &Path) -> bool {
    p.to_string_lossy().ends_with('/') || p.is_dir()
}

/// An open output stream.
pub enum Output {
    /// Standard output.
    Stdout(BufWriter<io::Stdout>),
    /// A plain file.
    File(BufWriter<File>),
    /// A gzip file.
    Gzip(flate2::write::GzEncoder<BufWriter<File>>),
    /// A zstd file.
    Zstd(zstd::stream::write::Encoder<'static, BufWriter<File>>),
}

/// zstd level: fast, still ~4x on JSONL text.
const ZSTD_LEVEL: i32 = 3;

impl Output {
    /// Open `path` (compression chosen by extension), or stdout for `None` or `-`.
    pub fn open(path: Option<&Path>) -> io::Result<Output> {
        let Some(p) = path.filter(|p| p.as_os_str() != "-") else {
            return Ok(Output::Stdout(BufWriter::new(io::stdout())));
        };
        let f = BufWriter::new(File::create(p)?);
        let name = p.to_string_lossy().to_ascii_lowercase();
        Ok(if name.ends_with(".gz") {
            Output::Gzip(flate2::write::GzEncoder::new(f, flate2::Compression::default()))
        } else if name.ends_with(".zst") || name.ends_with(".zstd") {
            Output::Zstd(zstd::stream::write::Encoder::new(f, ZSTD_LEVEL)?)
        } else {
            Output::File(f)
        })
    }

    /// Create `path` with this compression, whatever its name.
    pub fn create(path: &Path, compression: Compression) -> io::Result<Output> {
        let f = BufWriter::new(File::create(path)?);
        Ok(match compression {
            Compression::None => Output::File(f),
            Compression::Gzip => {
                Output::Gzip(flate2::write::GzEncoder::new(f, flate2::Compression::default()))
            }
            Compression::Zstd => Output::Zstd(zstd::stream::write::Encoder::new(f, ZSTD_LEVEL)?),
        })
    }

    /// Write one value as a JSON line.
    pub fn write_json<T: serde::Serialize>(&mut self, v: &T) -> io::Result<()> {
        serde_json::to_writer(&mut *self, v).map_err(io::Error::other)?;
        self.write_all(b"\n")
    }

    /// Flush, write the compression trailer and sync the file to disk.
    pub fn finish_synced(self) -> io::Result<()> {
        let file = match self {
            Output::Stdout(mut w) => return w.flush(),
            Output::File(w) => w.into_inner().map_err(|e| e.into_error())?,
            Output::Gzip(g) => g.finish()?.into_inner().map_err(|e| e.into_error())?,
            Output::Zstd(z) => z.finish()?.into_inner().map_err(|e| e.into_error())?,
        };
        file.sync_all()
    }

    /// Flush and write the compression trailer.
    pub fn finish(self) -> io::Result<()> {
        match self {
            Output::Stdout(mut w) => w.flush(),
            Output::File(mut w) => w.flush(),
            Output::Gzip(g) => g.finish()?.flush(),
            Output::Zstd(z) => z.finish()?.flush(),
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::Stdout(w) => w.write(buf),
            Output::File(w) => w.write(buf),
            Output::Gzip(w) => w.write(buf),
            Output::Zstd(w) => w.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Stdout(w) => w.flush(),
            Output::File(w) => w.flush(),
            Output::Gzip(w) => w.flush(),
            Output::Zstd(w) => w.flush(),
        }
    }
}

/// Compression of output shards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// `.jsonl`
    None,
    /// `.jsonl.gz`
    Gzip,
    /// `.jsonl.zst`
    Zstd,
}

impl Compression {
    /// The shard file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Compression::None => "jsonl",
            Compression::Gzip => "jsonl.gz",
            Compression::Zstd => "jsonl.zst",
        }
    }

    /// `none`, `gz`/`gzip`, `zst`/`zstd`.
    pub fn parse(s: &str) -> Option<Compression> {
        match s.to_ascii_lowercase().as_str() {
            "none" | "jsonl" => Some(Compression::None),
            "gz" | "gzip" => Some(Compression::Gzip),
            "zst" | "zstd" => Some(Compression::Zstd),
            _ => None,
        }
    }
}

/// When a shard is complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardLimits {
    /// Records per shard.
    pub records: u64,
    /// Uncompressed bytes per shard.
    pub bytes: u64,
    /// A shard open this long is completed at the next checkpoint, so a killed run loses
    /// (and the next run refetches) at most this much work.
    pub max_age: std::time::Duration,
}

impl Default for ShardLimits {
    fn default() -> ShardLimits {
        ShardLimits {
            records: 10_000,
            bytes: 256 << 20,
            max_age: std::time::Duration::from_secs(300),
        }
    }
}

/// The shard in progress.
struct OpenShard {
    out: Output,
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
    compression: Compression,
    limits: ShardLimits,
    next: u64,
    current: Option<OpenShard>,
    /// The directory's lock (`.newsharvest.lock`), held while the shards are open.
    _lock: crate::output::lock::LockGuard,
}

/// The lock file of a shard directory.
pub const SHARD_LOCK: &str = ".newsharvest.lock";

/// What [`Shards::open`] cleaned up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cleanup {
    /// In-progress shards of a killed run, removed.
    pub partial: Vec<String>,
    /// Complete shards the state never committed (renamed just before a kill), removed.
    pub uncommitted: Vec<String>,
}

impl Shards {
    /// Shards in `dir` (created when missing). Leftovers of a killed run are removed: every
    /// in-progress `.<prefix>-*.tmp` file, and — when `committed` comes from a persistent
    /// state — complete shards numbered at or above the next one the state expects but not
    /// committed by it. Numbering continues after the highest shard in the directory.
    pub fn open(
        dir: &Path,
        prefix: &str,
        compression: Compression,
        limits: ShardLimits,
        committed: Option<&std::collections::HashSet<String>>,
    ) -> io::Result<(Shards, Cleanup)> {
        std::fs::create_dir_all(dir)?;
        // One writer per directory: another crawl's shard in progress is not a leftover.
        let lock = crate::output::lock::shard_dir(dir, prefix)?;
        let mut cleanup = Cleanup::default();
        let number = |name: &str| -> Option<u64> {
            let rest = name.strip_prefix(prefix)?.strip_prefix('-')?;
            let (n, ext) = rest.split_once('.')?;
            (ext.starts_with("jsonl")).then_some(())?;
            n.parse().ok()
        };
        let committed_next = committed
            .map(|c| c.iter().filter_map(|n| number(n)).max().map_or(0, |m| m + 1))
            .unwrap_or(0);
        let mut highest: Option<u64> = None;
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(tmp) = name.strip_prefix('.').filter(|n| n.ends_with(".tmp")) {
                if number(tmp.trim_end_matches(".tmp")).is_some() {
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
                compression,
                limits,
                next,
                current: None,
                _lock: lock,
            },
            cleanup,
        ))
    }

    /// Write one record to the shard in progress (opened when needed).
    pub fn write_json<T: serde::Serialize>(&mut self, v: &T) -> io::Result<()> {
        let mut line = serde_json::to_vec(v).map_err(io::Error::other)?;
        line.push(b'\n');
        if self.current.is_none() {
            let name = format!(
                "{}-{:05}.{}",
                self.prefix,
                self.next,
                self.compression.extension()
            );
            self.next += 1;
            let tmp = self.dir.join(format!(".{name}.tmp"));
            self.current = Some(OpenShard {
                // Opened by the shard's compression: the temporary name ends in `.tmp`.
                out: Output::create(&tmp, self.compression)?,
                tmp,
                name,
                records: 0,
                bytes: 0,
                opened: std::time::Instant::now(),
            });
        }
        let Some(cur) = self.current.as_mut() else {
            return Err(io::Error::other("no open shard"));
        };
        cur.out.write_all(&line)?;
        cur.records += 1;
        cur.bytes += line.len() as u64;
        Ok(())
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

    /// Complete the shard in progress: trailer written, file synced. Returns its name and
    /// the step that publishes it (rename into place, directory synced), to be run by the
    /// state commit; `None` when no shard is open.
    pub fn seal(&mut self) -> io::Result<Option<(String, impl FnMut() -> io::Result<()> + Send + 'static)>> {
        let Some(cur) = self.current.take() else {
            return Ok(None);
        };
        cur.out.finish_synced()?;
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
    use std::io::Read;

    #[test]
    fn shards_appear_complete_and_leftovers_of_a_kill_are_removed() {
        let dir = crate::test_dir("shards");
        let _ = std::fs::remove_dir_all(&dir);
        let limits = ShardLimits {
            records: 2,
            ..ShardLimits::default()
        };
        let (mut s, c) = Shards::open(&dir, "part", Compression::Zstd, limits, None).unwrap();
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
        let committed: std::collections::HashSet<String> = ["part-00000.jsonl.zst".to_string()].into();
        let (s, c) = Shards::open(&dir, "part", Compression::Zstd, limits, Some(&committed)).unwrap();
        assert_eq!(c.partial, vec![".part-00001.jsonl.zst.tmp".to_string()]);
        assert_eq!(c.uncommitted, vec!["part-00001.jsonl.zst".to_string()]);
        assert_eq!(s.next, 1);
        assert!(dir.join("notes.txt").exists() && dir.join("part-00000.jsonl.zst").exists());
        // One writer per directory: another process cannot lock it while the shards are open.
        let other = File::open(dir.join(SHARD_LOCK)).unwrap();
        assert!(matches!(other.try_lock(), Err(std::fs::TryLockError::WouldBlock)));
        drop(s);
        assert!(other.try_lock().is_ok());
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn compressed_outputs_round_trip() {
        let dir = crate::test_dir("sink");
        for name in ["a.jsonl", "a.jsonl.gz", "a.jsonl.zst"] {
            let p = dir.join(name);
            let mut o = Output::open(Some(&p)).unwrap();
            o.write_json(&serde_json::json!({"n": 1})).unwrap();
            o.write_json(&serde_json::json!({"n": 2})).unwrap();
            o.finish().unwrap();
            let raw = std::fs::read(&p).unwrap();
            let text = if name.ends_with(".gz") {
                let mut s = String::new();
                flate2::read::GzDecoder::new(&raw[..])
                    .read_to_string(&mut s)
                    .unwrap();
                s
            } else if name.ends_with(".zst") {
                String::from_utf8(zstd::decode_all(&raw[..]).unwrap()).unwrap()
            } else {
                String::from_utf8(raw).unwrap()
            };
            assert_eq!(text, "{\"n\":1}\n{\"n\":2}\n", "{name}");
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}
