//! The compressions of JSONL output: none, gzip, zstd. Chosen by a file's name (`.gz`,
//! `.zst`) for `-o FILE`, by `--compress` for shards and rank outputs. Parquet files
//! compress their own pages (zstd, see `output::parquet`) and take none of these.

use std::path::Path;

/// zstd level of JSONL streams: fast, still ~4x on JSONL text.
pub const ZSTD_LEVEL: i32 = 3;

/// Compression of a JSONL output.
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
    /// Every compression, for the names of an earlier attempt's outputs.
    pub const ALL: [Compression; 3] = [Compression::None, Compression::Gzip, Compression::Zstd];

    /// The file extension of a JSONL output with this compression.
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

    /// The compression a file's name asks for: `.gz` gzip, `.zst`/`.zstd` zstd, else none.
    pub fn from_name(path: &Path) -> Compression {
        let name = path.to_string_lossy().to_ascii_lowercase();
        if name.ends_with(".gz") {
            Compression::Gzip
        } else if name.ends_with(".zst") || name.ends_with(".zstd") {
            Compression::Zstd
        } else {
            Compression::None
        }
    }
}
