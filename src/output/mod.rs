//! The output stage: [`Record`]s written in a [`Format`] (JSON Lines, plain or `.gz`/`.zst`;
//! Parquet) through one trait, [`RecordWriter`], to three kinds of destination:
//! - a single file or stdout ([`create`]): `extract -o out.parquet`, `crawl -o out.jsonl`;
//! - the rank output of sharded extraction ([`rank::RankOutput`]): `extract --shard I/N -o DIR/`;
//! - the exactly-once shards of a crawl ([`shards::Shards`]): `crawl -o DIR/`.
//!
//! A record is encoded for its format by [`Format::encode`] — on the caller's worker
//! threads, so `extract` serializes JSON in parallel — and appended by
//! [`RecordWriter::write_encoded`]. File names and lock files are defined once in
//! [`names`], the locks in [`lock`]. This stage does not decide what a record holds
//! (`crate::record`) nor when a crawl commits (`crate::crawl`).
//!
//! # Layout
//! - [`compression`]: none, gzip, zstd, for JSONL.
//! - [`jsonl`]: JSON Lines streams ([`jsonl::Output`], also used for the crawl's `--errors`).
//! - [`parquet`]: the Parquet schema, the column shredder and the file writer.
//! - [`shards`]: a directory of rotated shards, published whole by the crawl's commit.
//! - [`rank`]: one rank's output of sharded extraction, and its completion marker.
//! - [`lock`], [`names`]: run locks and the file names of this stage.

pub mod compression;
mod error;
pub mod jsonl;
pub mod lock;
pub mod names;
pub mod parquet;
pub mod rank;
pub mod shards;

pub use compression::Compression;
pub use error::OutputError;

use crate::Record;
use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

/// The format of an output: JSON Lines with a compression, or Parquet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line, `.jsonl[.gz|.zst]`.
    Jsonl(Compression),
    /// Typed columns, `.parquet` (its pages compressed with zstd).
    Parquet,
}

/// The format a user asks for (`--format`, the crawl's `format` key: `jsonl`, `parquet`);
/// the compression of JSONL comes from elsewhere.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum FormatName {
    /// JSON Lines (`.jsonl`, `.jsonl.gz`, `.jsonl.zst`).
    #[default]
    Jsonl,
    /// Apache Parquet (`.parquet`).
    Parquet,
}

/// The Parquet file extension.
const PARQUET_EXTENSION: &str = "parquet";

impl From<Compression> for Format {
    fn from(c: Compression) -> Format {
        Format::Jsonl(c)
    }
}

impl Format {
    /// Every format, for the names of an earlier attempt's outputs.
    pub const ALL: [Format; 4] = [
        Format::Jsonl(Compression::None),
        Format::Jsonl(Compression::Gzip),
        Format::Jsonl(Compression::Zstd),
        Format::Parquet,
    ];

    /// The file extension: `jsonl`, `jsonl.gz`, `jsonl.zst`, `parquet`.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jsonl(c) => c.extension(),
            Format::Parquet => PARQUET_EXTENSION,
        }
    }

    /// The format a file's name says: `.parquet`, else JSONL compressed by the name.
    pub fn from_name(path: &Path) -> Format {
        let is_parquet = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case(PARQUET_EXTENSION));
        if is_parquet {
            Format::Parquet
        } else {
            Format::Jsonl(Compression::from_name(path))
        }
    }

    /// The format of `-o FILE` (or stdout for `None` or `-`): the file's name decides, and
    /// `asked` (`--format`) must agree with it; stdout is what is asked (JSONL by default).
    pub fn for_file(path: Option<&Path>, asked: Option<FormatName>) -> Result<Format, OutputError> {
        let Some(p) = path.filter(|p| p.as_os_str() != "-") else {
            return Ok(match asked.unwrap_or_default() {
                FormatName::Jsonl => Format::Jsonl(Compression::None),
                FormatName::Parquet => Format::Parquet,
            });
        };
        let by_name = Format::from_name(p);
        match (asked, by_name) {
            (Some(FormatName::Parquet), Format::Jsonl(_)) => Err(OutputError::Usage(format!(
                "--format parquet writes a .parquet file: {} is named as JSON Lines",
                p.display()
            ))),
            (Some(FormatName::Jsonl), Format::Parquet) => Err(OutputError::Usage(format!(
                "--format jsonl: {} is named as Parquet",
                p.display()
            ))),
            _ => Ok(by_name),
        }
    }

    /// The format of a directory output (shards, rank outputs): `asked`, JSONL compressed
    /// with `compression`.
    pub fn for_dir(asked: FormatName, compression: Compression) -> Format {
        match asked {
            FormatName::Jsonl => Format::Jsonl(compression),
            FormatName::Parquet => Format::Parquet,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Format::Jsonl(_) => "JSONL",
            Format::Parquet => "Parquet",
        }
    }

    /// Encode one record (any value serialized as a record) for this format: its JSON line
    /// for JSONL, its JSON value (to be split into columns) for Parquet. Meant for worker
    /// threads; the writer only appends.
    pub fn encode<T: serde::Serialize + ?Sized>(self, v: &T) -> Result<Encoded, OutputError> {
        Ok(Encoded(match self {
            Format::Jsonl(_) => Repr::Line(serde_json::to_string(v).map_err(OutputError::Json)?),
            Format::Parquet => Repr::Value(serde_json::to_value(v).map_err(OutputError::Json)?),
        }))
    }
}

/// A record encoded for a format by [`Format::encode`].
#[derive(Debug, Clone, PartialEq)]
pub struct Encoded(Repr);

#[derive(Debug, Clone, PartialEq)]
enum Repr {
    /// A JSON line, without its newline.
    Line(String),
    /// The record's JSON value.
    Value(serde_json::Value),
}

impl Encoded {
    /// A JSON line (without its newline) as an encoded JSONL record.
    pub fn from_line(line: String) -> Encoded {
        Encoded(Repr::Line(line))
    }

    fn kind(&self) -> &'static str {
        match self.0 {
            Repr::Line(_) => "a JSON line",
            Repr::Value(_) => "a JSON value",
        }
    }

    fn mismatch(&self, writer: Format) -> OutputError {
        OutputError::FormatMismatch {
            encoded: self.kind(),
            writer: writer.name(),
        }
    }
}

/// How far [`RecordWriter::finish`] goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// Trailer or footer written and flushed.
    Flush,
    /// Also synced to disk (`fsync`): before a rename publishes the file.
    Sync,
}

/// A sink of records in one format.
pub trait RecordWriter: Send {
    /// The format records are encoded in (see [`Format::encode`]).
    fn format(&self) -> Format;

    /// Append a record encoded by this writer's [`Format::encode`]; returns its
    /// uncompressed size in bytes (a JSONL line with its newline; a Parquet record's values).
    fn write_encoded(&mut self, record: Encoded) -> Result<u64, OutputError>;

    /// Encode and append one record.
    fn write_record(&mut self, record: &Record) -> Result<u64, OutputError> {
        let encoded = self.format().encode(record)?;
        self.write_encoded(encoded)
    }

    /// Push buffered bytes to the file (a JSONL line is then readable; a Parquet file is
    /// readable only once finished).
    fn flush(&mut self) -> Result<(), OutputError>;

    /// Write the compression trailer or the Parquet footer and flush; with
    /// [`Durability::Sync`], sync the file to disk too. Without it, a gzip/zstd file is
    /// truncated and a Parquet file unreadable.
    fn finish(self: Box<Self>, durability: Durability) -> Result<(), OutputError>;
}

/// Where a file writer's bytes go.
pub(crate) enum Dest {
    /// Standard output.
    Stdout(io::Stdout),
    /// A file.
    File(File),
}

impl Dest {
    /// Sync a file to disk (nothing for stdout).
    fn sync(&self) -> io::Result<()> {
        match self {
            Dest::Stdout(_) => Ok(()),
            Dest::File(f) => f.sync_all(),
        }
    }
}

impl Write for Dest {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Dest::Stdout(w) => w.write(buf),
            Dest::File(w) => w.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Dest::Stdout(w) => w.flush(),
            Dest::File(w) => w.flush(),
        }
    }
}

/// Does `-o` name a directory (a path ending in `/`, or an existing directory)? Then the
/// output is rotated shards (`crawl`) or a rank's output (`extract`), not one stream.
pub fn is_dir_output(p: &Path) -> bool {
    p.to_string_lossy().ends_with('/') || p.is_dir()
}

/// A writer of `format` to `path` (created or truncated), or to stdout for `None` or `-`.
pub fn create(path: Option<&Path>, format: Format) -> Result<Box<dyn RecordWriter>, OutputError> {
    let path = path.filter(|p| p.as_os_str() != "-");
    let what = || path.map_or("stdout".to_string(), |p| p.display().to_string());
    let dest = match path {
        None => Dest::Stdout(io::stdout()),
        Some(p) => {
            Dest::File(File::create(p).map_err(|e| OutputError::io(format!("creating {}", what()), e))?)
        }
    };
    Ok(match format {
        Format::Jsonl(c) => Box::new(jsonl::JsonlWriter::new(dest, c, what())?),
        Format::Parquet => Box::new(parquet::ParquetFile::new(dest, what())?),
    })
}
