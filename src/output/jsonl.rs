//! JSON Lines output: one JSON object per line, to stdout or a file, compressed by the
//! file's name (`.gz` gzip, `.zst` zstd) or as asked. [`Output`] is the byte stream (also
//! used for the crawl's `--errors` lines); [`JsonlWriter`] is the [`RecordWriter`] over it.
//! Finishing writes the compression trailer: a dropped gzip/zstd stream is truncated.

use super::{Compression, Dest, Durability, Encoded, Format, OutputError, RecordWriter, Repr};
use crate::output::compression::ZSTD_LEVEL;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

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

impl Output {
    /// Open `path` (compression chosen by extension), or stdout for `None` or `-`.
    pub fn open(path: Option<&Path>) -> io::Result<Output> {
        let Some(p) = path.filter(|p| p.as_os_str() != "-") else {
            return Ok(Output::Stdout(BufWriter::new(io::stdout())));
        };
        Output::wrap(Dest::File(File::create(p)?), Compression::from_name(p))
    }

    /// Create `path` with this compression, whatever its name.
    pub fn create(path: &Path, compression: Compression) -> io::Result<Output> {
        Output::wrap(Dest::File(File::create(path)?), compression)
    }

    /// A stream on `dest`; stdout is never compressed.
    pub(crate) fn wrap(dest: Dest, compression: Compression) -> io::Result<Output> {
        let f = match dest {
            Dest::Stdout(s) => return Ok(Output::Stdout(BufWriter::new(s))),
            Dest::File(f) => BufWriter::new(f),
        };
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

/// Records as JSON Lines.
pub struct JsonlWriter {
    out: Output,
    compression: Compression,
    /// The destination, for errors (`stdout` or the path).
    what: String,
}

impl JsonlWriter {
    /// Records to `dest`, compressed with `compression` (a file only).
    pub(crate) fn new(
        dest: Dest,
        compression: Compression,
        what: String,
    ) -> Result<JsonlWriter, OutputError> {
        let out =
            Output::wrap(dest, compression).map_err(|e| OutputError::io(format!("creating {what}"), e))?;
        Ok(JsonlWriter {
            out,
            compression,
            what,
        })
    }

    fn io(&self, e: io::Error) -> OutputError {
        OutputError::io(format!("writing {}", self.what), e)
    }
}

impl RecordWriter for JsonlWriter {
    fn format(&self) -> Format {
        Format::Jsonl(self.compression)
    }

    fn write_encoded(&mut self, record: Encoded) -> Result<u64, OutputError> {
        let Repr::Line(line) = &record.0 else {
            return Err(record.mismatch(self.format()));
        };
        let written = self
            .out
            .write_all(line.as_bytes())
            .and_then(|()| self.out.write_all(b"\n"));
        written.map_err(|e| self.io(e))?;
        Ok(line.len() as u64 + 1)
    }

    fn flush(&mut self) -> Result<(), OutputError> {
        self.out.flush().map_err(|e| self.io(e))
    }

    fn finish(self: Box<Self>, durability: Durability) -> Result<(), OutputError> {
        let JsonlWriter { out, what, .. } = *self;
        let done = match durability {
            Durability::Flush => out.finish(),
            Durability::Sync => out.finish_synced(),
        };
        done.map_err(|e| OutputError::io(format!("finishing {what}"), e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

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

    #[test]
    fn the_record_writer_writes_the_lines_output_writes() {
        let dir = crate::test_dir("jsonl-writer");
        for name in ["b.jsonl", "b.jsonl.zst"] {
            let p = dir.join(name);
            let format = Format::from_name(&p);
            let mut w = crate::output::create(Some(&p), format).unwrap();
            let line = format.encode(&serde_json::json!({"n": 1})).unwrap();
            assert_eq!(w.write_encoded(line).unwrap(), 8, "the line and its newline");
            // A record encoded for Parquet is refused, not written as something else.
            let other = Format::Parquet.encode(&serde_json::json!({"n": 2})).unwrap();
            assert!(matches!(
                w.write_encoded(other),
                Err(OutputError::FormatMismatch { .. })
            ));
            w.finish(Durability::Sync).unwrap();
            let raw = std::fs::read(&p).unwrap();
            let raw = if name.ends_with(".zst") {
                zstd::decode_all(&raw[..]).unwrap()
            } else {
                raw
            };
            assert_eq!(raw, b"{\"n\":1}\n", "{name}");
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}
