//! Sharded extraction for batch engines (Slurm arrays, Kubernetes Indexed Jobs, Ray,
//! Spark): `extract INPUTS… --shard I/N -o DIR/` makes rank I of N process a deterministic
//! 1/N of the inputs, with no coordination between ranks. Which rank owns an input is a
//! stable hash of its key (the file's path as given, or `<file>#<offset>` of a WARC record
//! with `--shard-by record`), so ranks balance and every input has exactly one owner.
//!
//! Each rank writes `DIR/rank-0000I-of-0000N.jsonl.zst` (or `.parquet` with `--format
//! parquet`) through a temporary file (`.rank-….tmp`, fsynced, then renamed), then its
//! completion marker `DIR/rank-0000I-of-0000N.done` (JSON: records, failures, inputs). A
//! rerun of a rank first removes its marker, then replaces its output in whatever format it
//! was: the N outputs together always hold exactly the records of one unsharded run, and a
//! reader that waits for the N markers never reads a partial one. Reading the inputs and
//! extracting them is the caller's (`app/extract.rs`).

use super::{names, Durability, Encoded, Format, OutputError, RecordWriter};
use crate::hash::stable_hash;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// An error in a `--shard` specification.
#[derive(Debug, thiserror::Error)]
pub enum ShardError {
    /// The text is not `I/N` or `auto/N`.
    #[error("--shard {0}: expected I/N (0 <= I < N) or auto/N")]
    Syntax(String),
    /// `auto` found no rank in the environment.
    #[error("--shard auto/{0}: no rank in the environment (SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX)")]
    NoRank(u32),
    /// The rank from the environment does not fit the count.
    #[error("--shard auto/{count}: {var}={value} is not a rank of 0..{count}{hint}")]
    BadRank {
        /// The shard count.
        count: u32,
        /// The variable read.
        var: &'static str,
        /// Its value.
        value: String,
        /// What may be wrong.
        hint: String,
    },
}

/// Which part of the inputs a rank owns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardSpec {
    /// This rank, `0..count`.
    pub index: u32,
    /// Number of ranks.
    pub count: u32,
}

/// What is hashed to pick an input's rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ShardBy {
    /// Each input file (a page or a whole WARC file): a rank reads only its own files.
    #[default]
    File,
    /// Each WARC record: every rank reads every WARC file but extracts only its records
    /// (for a few large WARC files over many ranks).
    Record,
}

impl ShardSpec {
    /// Parse `I/N` or `auto/N`; `auto` takes the rank from `SLURM_ARRAY_TASK_ID` (minus
    /// `SLURM_ARRAY_TASK_MIN`, so `--array=1-N` works too) or `JOB_COMPLETION_INDEX`
    /// (Kubernetes Indexed Jobs), read through `env`.
    pub fn parse(spec: &str, env: impl Fn(&str) -> Option<String>) -> Result<ShardSpec, ShardError> {
        let syntax = || ShardError::Syntax(spec.to_string());
        let (rank, count) = spec.split_once('/').ok_or_else(syntax)?;
        let count: u32 = count.trim().parse().map_err(|_| syntax())?;
        if count == 0 {
            return Err(syntax());
        }
        if rank.trim() != "auto" {
            let index: u32 = rank.trim().parse().map_err(|_| syntax())?;
            if index >= count {
                return Err(syntax());
            }
            return Ok(ShardSpec { index, count });
        }
        let bad = |var: &'static str, value: String, hint: &str| ShardError::BadRank {
            count,
            var,
            value,
            hint: hint.to_string(),
        };
        if let Some(id) = env("SLURM_ARRAY_TASK_ID") {
            let min: i64 = env("SLURM_ARRAY_TASK_MIN")
                .and_then(|m| m.trim().parse().ok())
                .unwrap_or(0);
            let index = id
                .trim()
                .parse::<i64>()
                .ok()
                .map(|i| i - min)
                .filter(|i| (0..i64::from(count)).contains(i))
                .ok_or_else(|| bad("SLURM_ARRAY_TASK_ID", id.clone(), " (is --array 0-(N-1) or 1-N?)"))?;
            if let Some(n) = env("SLURM_ARRAY_TASK_COUNT").and_then(|n| n.trim().parse::<u32>().ok()) {
                if n != count {
                    return Err(bad(
                        "SLURM_ARRAY_TASK_ID",
                        id,
                        &format!(" (the array has {n} tasks: use --shard auto/{n})"),
                    ));
                }
            }
            return Ok(ShardSpec {
                index: index as u32,
                count,
            });
        }
        if let Some(id) = env("JOB_COMPLETION_INDEX") {
            let index = id
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|i| *i < count)
                .ok_or_else(|| bad("JOB_COMPLETION_INDEX", id.clone(), " (is completions = N?)"))?;
            return Ok(ShardSpec { index, count });
        }
        Err(ShardError::NoRank(count))
    }

    /// Does this rank own the input with this key?
    pub fn owns(&self, key: &str) -> bool {
        self.count <= 1 || stable_hash(key) % u64::from(self.count) == u64::from(self.index)
    }

    /// `rank-00003-of-00016`: the stem of this rank's files.
    pub fn stem(&self) -> String {
        names::rank_stem(self.index, self.count)
    }
}

/// What a rank's completion marker says.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct Marker {
    /// This rank.
    pub rank: u32,
    /// Number of ranks.
    pub ranks: u32,
    /// The output file (name in the directory).
    pub output: String,
    /// Records written.
    pub records: u64,
    /// Pages that failed (skipped with a message on stderr).
    pub failed: u64,
    /// Input files this rank read.
    pub inputs: u64,
    /// When the rank finished (RFC 3339 UTC).
    pub finished: String,
}

/// One rank's output in a directory: written to a temporary name, renamed when complete,
/// then marked done.
pub struct RankOutput {
    dir: PathBuf,
    spec: ShardSpec,
    name: String,
    tmp: PathBuf,
    out: Option<Box<dyn RecordWriter>>,
    format: Format,
    records: u64,
    _lock: crate::output::lock::LockGuard,
}

/// Remove a file; whether it was there.
fn remove_if_present(path: &Path) -> io::Result<bool> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

impl RankOutput {
    /// Start this rank's output in `dir` (created when missing), in `format` (a
    /// [`Compression`] for JSONL, or a [`Format`]), holding the rank's lock
    /// (`.rank-….lock`; [`io::ErrorKind::ResourceBusy`] while another attempt of the rank
    /// runs): its marker and any output or temporary file of an earlier attempt are removed
    /// first, so until this attempt completes the rank reads as not done.
    ///
    /// [`Compression`]: super::Compression
    pub fn create(dir: &Path, spec: ShardSpec, format: impl Into<Format>) -> io::Result<RankOutput> {
        let format = format.into();
        std::fs::create_dir_all(dir)?;
        let stem = spec.stem();
        // One attempt of a rank at a time (a requeued task while the old one still runs):
        // two would write one temporary file.
        let lock = crate::output::lock::acquire(
            &dir.join(names::rank_lock(&stem)),
            &format!("rank {} of {} in {}", spec.index, spec.count, dir.display()),
        )?;
        if remove_if_present(&dir.join(names::rank_marker(&stem)))? {
            sync_dir(dir)?;
        }
        // An earlier attempt's output in another format or compression is replaced too,
        // and what a killed one left under its temporary name.
        for other in Format::ALL.into_iter().filter(|f| *f != format) {
            let name = format!("{stem}.{}", other.extension());
            remove_if_present(&dir.join(names::in_progress(&name)))?;
            remove_if_present(&dir.join(name))?;
        }
        let name = format!("{stem}.{}", format.extension());
        let tmp = dir.join(names::in_progress(&name));
        let out = super::create(Some(&tmp), format)?;
        Ok(RankOutput {
            dir: dir.to_path_buf(),
            spec,
            name,
            tmp,
            out: Some(out),
            format,
            records: 0,
            _lock: lock,
        })
    }

    /// The format of the output.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Write one record encoded by [`Format::encode`] with [`RankOutput::format`].
    pub fn write_encoded(&mut self, record: Encoded) -> Result<(), OutputError> {
        let Some(out) = self.out.as_mut() else {
            return Err(OutputError::Finished);
        };
        out.write_encoded(record)?;
        self.records += 1;
        Ok(())
    }

    /// Complete the output: sync, rename over any earlier output of this rank, then write
    /// the marker (also through a temporary file). Returns the marker.
    pub fn finish(mut self, failed: u64, inputs: u64) -> Result<Marker, OutputError> {
        let Some(out) = self.out.take() else {
            return Err(OutputError::Finished);
        };
        out.finish(Durability::Sync)?;
        let io = |what: &str| {
            let what = format!("{what} in {}", self.dir.display());
            move |e| OutputError::io(what, e)
        };
        std::fs::rename(&self.tmp, self.dir.join(&self.name)).map_err(io("publishing the rank output"))?;
        sync_dir(&self.dir).map_err(io("syncing the directory"))?;
        let marker = Marker {
            rank: self.spec.index,
            ranks: self.spec.count,
            output: self.name.clone(),
            records: self.records,
            failed,
            inputs,
            finished: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        };
        let done = self.dir.join(names::rank_marker(&self.spec.stem()));
        write_marker(&done, &marker).map_err(io("writing the completion marker"))?;
        Ok(marker)
    }
}

/// Write `marker` to `path` through a temporary file, synced, renamed, the directory synced.
fn write_marker(path: &Path, marker: &Marker) -> io::Result<()> {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return Err(io::Error::other("a marker path without a directory"));
    };
    let tmp = dir.join(names::in_progress(&name.to_string_lossy()));
    {
        let mut f = std::fs::File::create(&tmp)?;
        serde_json::to_writer_pretty(&mut f, marker).map_err(io::Error::other)?;
        f.write_all(b"\n")?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    sync_dir(dir)
}

impl Drop for RankOutput {
    fn drop(&mut self) {
        // An attempt that did not finish leaves no temporary file behind (a kill still may:
        // the next attempt of the rank removes it).
        if self.out.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Compression;

    /// A JSON line as a JSONL record.
    fn line(l: &str) -> Encoded {
        Encoded::from_line(l.to_string())
    }

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
    }

    #[test]
    fn specs_parse_and_auto_reads_the_batch_engines() {
        let none = env(&[]);
        assert_eq!(
            ShardSpec::parse("3/16", &none).unwrap(),
            ShardSpec { index: 3, count: 16 }
        );
        for bad in ["16/16", "x/4", "1", "1/0", "-1/4"] {
            assert!(ShardSpec::parse(bad, &none).is_err(), "{bad}");
        }
        assert!(matches!(
            ShardSpec::parse("auto/4", &none),
            Err(ShardError::NoRank(4))
        ));
        let slurm = env(&[("SLURM_ARRAY_TASK_ID", "4"), ("SLURM_ARRAY_TASK_MIN", "1")]);
        assert_eq!(
            ShardSpec::parse("auto/4", &slurm).unwrap().index,
            3,
            "--array=1-4"
        );
        let slurm0 = env(&[("SLURM_ARRAY_TASK_ID", "0"), ("SLURM_ARRAY_TASK_COUNT", "8")]);
        let err = ShardSpec::parse("auto/4", &slurm0).unwrap_err().to_string();
        assert!(err.contains("auto/8"), "{err}");
        let k8s = env(&[("JOB_COMPLETION_INDEX", "2")]);
        assert_eq!(
            ShardSpec::parse("auto/4", &k8s).unwrap(),
            ShardSpec { index: 2, count: 4 }
        );
        assert!(ShardSpec::parse("auto/2", &k8s).is_err());
    }

    #[test]
    fn every_key_has_one_owner_and_ranks_balance() {
        let specs: Vec<ShardSpec> = (0..8).map(|index| ShardSpec { index, count: 8 }).collect();
        let mut per_rank = [0usize; 8];
        for i in 0..8000 {
            let key = format!("crawl/CC-MAIN-{i:05}.warc.gz");
            let owners: Vec<u32> = specs.iter().filter(|s| s.owns(&key)).map(|s| s.index).collect();
            assert_eq!(owners.len(), 1, "{key}");
            per_rank[owners[0] as usize] += 1;
        }
        // 1,000 expected each: within 10%.
        assert!(per_rank.iter().all(|n| (900..=1100).contains(n)), "{per_rank:?}");
        // Stable across builds: the same key always goes to the same rank.
        assert!(ShardSpec { index: 0, count: 1 }.owns("anything"));
        // (the value of an independent implementation of FNV-1a + splitmix64's finaliser)
        assert_eq!(stable_hash("a"), 0x02c0_bdbf_4814_20f8);
    }

    #[test]
    fn a_rerun_replaces_the_output_and_the_marker_comes_last() {
        let dir = crate::test_dir("rank-output");
        let _ = std::fs::remove_dir_all(&dir);
        let spec = ShardSpec { index: 1, count: 4 };
        let mut r = RankOutput::create(&dir, spec, Compression::None).unwrap();
        r.write_encoded(line("{\"n\":1}")).unwrap();
        r.write_encoded(line("{\"n\":2}")).unwrap();
        assert!(
            !dir.join("rank-00001-of-00004.jsonl").exists(),
            "only complete outputs have the final name"
        );
        let m = r.finish(0, 2).unwrap();
        assert_eq!((m.records, m.output.as_str()), (2, "rank-00001-of-00004.jsonl"));
        assert!(dir.join("rank-00001-of-00004.done").exists());
        // A rerun: not done while it runs; its output replaces the first one.
        let mut again = RankOutput::create(&dir, spec, Compression::None).unwrap();
        assert!(!dir.join("rank-00001-of-00004.done").exists());
        again.write_encoded(line("{\"n\":3}")).unwrap();
        again.finish(0, 1).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.join("rank-00001-of-00004.jsonl")).unwrap(),
            "{\"n\":3}\n"
        );
        // An attempt that fails leaves nothing behind.
        drop(RankOutput::create(&dir, spec, Compression::None).unwrap());
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names.iter().filter(|n| !n.ends_with(".lock")).collect::<Vec<_>>(),
            vec!["rank-00001-of-00004.jsonl"],
            "{names:?}"
        );
        // An attempt in another compression replaces the earlier output.
        RankOutput::create(&dir, spec, Compression::Gzip)
            .unwrap()
            .finish(0, 0)
            .unwrap();
        assert!(!dir.join("rank-00001-of-00004.jsonl").exists());
        assert!(dir.join("rank-00001-of-00004.jsonl.gz").exists());
        let _ = std::fs::remove_dir_all(dir);
    }
}
