//! Output files: JSON Lines to stdout or a file, compressed by the file name (`.gz` gzip,
//! `.zst` zstd). [`Output::finish`] writes the compression trailer; call it before exit
//! (a dropped gzip/zstd file would be truncated).

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

    /// Write one value as a JSON line.
    pub fn write_json<T: serde::Serialize>(&mut self, v: &T) -> io::Result<()> {
        serde_json::to_writer(&mut *self, v).map_err(io::Error::other)?;
        self.write_all(b"\n")
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
}
