//! WARC (ISO 28500, versions 1.0 and 1.1) web archives: reading them for `extract` and
//! writing them for `crawl --warc`. Plain `.warc` and `.warc.gz` files are both handled,
//! gzip either one member per record (as Common Crawl, wget and warcio write them) or one
//! member for the whole file.
//!
//! Hand-written rather than the `warc` crate: that crate (0.4) hides gzip member boundaries,
//! so it cannot report the offset of a record, it cannot carry on after a malformed record,
//! and it writes neither digests nor per-record gzip members. The format is small: a version
//! line, header lines, a blank line, `Content-Length` bytes of content, `\r\n\r\n`.
//!
//! - [`read`]: a streaming record reader with byte offsets and recovery after bad records.
//! - [`http`]: HTTP messages inside records: status line and headers, chunked transfer
//!   coding, `Content-Encoding` (gzip, deflate, br, zstd), HTML sniffing.
//! - [`pages`]: `response` records → HTML pages for [`crate::process`], with counts of
//!   what was skipped.
//! - [`write`]: a record writer (digests, one gzip member per record) for `crawl --warc`.

pub mod http;
pub mod pages;
pub mod read;
pub mod write;

pub use pages::{Counts, WarcPage, WarcPages};
pub use read::{RecordHead, WarcReader};
pub use write::{NewRecord, WarcWriter};

use std::fmt;
use std::io::{self, BufRead, Read};

/// Longest header block accepted, WARC or HTTP (headers only, not the content).
pub const MAX_HEADER_BYTES: u64 = 64 * 1024;
/// Characters of input quoted in an error message.
const QUOTE_CHARS: usize = 60;

/// Where a record starts, as `dd` or warcio would seek to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    /// Byte offset in the file: the record's own offset in a plain WARC, the offset of its
    /// gzip member in a `.warc.gz`.
    pub offset: u64,
    /// Offset inside the decompressed gzip member; 0 unless one member holds several records
    /// (a whole-file gzipped WARC).
    pub inner: u64,
}

impl fmt::Display for Position {
    /// `12345`, or `0+5678` for the record 5,678 bytes into the member at 0.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.inner == 0 {
            write!(f, "{}", self.offset)
        } else {
            write!(f, "{}+{}", self.offset, self.inner)
        }
    }
}

/// Errors while reading a WARC file.
#[derive(Debug, thiserror::Error)]
pub enum WarcError {
    /// One record is malformed (bad headers, wrong length, corrupt gzip, cut short);
    /// reading goes on with the next record.
    #[error("record at offset {position}: {message}")]
    Record {
        /// Where the record starts.
        position: Position,
        /// What is wrong with it.
        message: String,
    },
    /// The file itself cannot be read.
    #[error("{0}")]
    Io(#[from] io::Error),
}

/// Header lines of a WARC record or an HTTP message, in order, names as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers(pub Vec<(String, String)>);

impl Headers {
    /// The first value of a header, by case-insensitive name.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Read `Name: value` lines up to a blank line (CRLF or LF endings, folded continuation
    /// lines joined), at most [`MAX_HEADER_BYTES`] in all.
    pub fn read(r: &mut dyn BufRead) -> Result<Headers, String> {
        let mut out: Vec<(String, String)> = Vec::new();
        let mut budget = MAX_HEADER_BYTES;
        let mut line = Vec::new();
        loop {
            line.clear();
            let n = r
                .take(budget)
                .read_until(b'\n', &mut line)
                .map_err(|e| e.to_string())?;
            if n == 0 {
                return Err("the data ends inside the headers".into());
            }
            if !line.ends_with(b"\n") {
                return Err(format!("headers longer than {MAX_HEADER_BYTES} bytes"));
            }
            budget -= n as u64;
            let text = String::from_utf8_lossy(trim_eol(&line));
            if text.is_empty() {
                return Ok(Headers(out));
            }
            if text.starts_with([' ', '\t']) {
                match out.last_mut() {
                    Some((_, v)) => {
                        v.push(' ');
                        v.push_str(text.trim());
                    }
                    None => return Err(format!("bad header line {}", shorten(&text))),
                }
                continue;
            }
            match text.split_once(':') {
                Some((name, value)) if !name.trim().is_empty() => {
                    out.push((name.trim().to_string(), value.trim().to_string()))
                }
                _ => return Err(format!("bad header line {}", shorten(&text))),
            }
        }
    }
}

/// A line without its `\r\n` or `\n`.
pub(crate) fn trim_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// A piece of input quoted in an error message, cut to a readable length.
pub(crate) fn shorten(s: &str) -> String {
    let cut: String = s.chars().take(QUOTE_CHARS).collect();
    format!("{cut:?}")
}

/// Records built by hand for the tests of this module.
#[cfg(test)]
pub(crate) mod test_records {
    use std::io::Write;

    /// A WARC/1.0 record of type `kind` for `uri` holding `block`.
    pub fn record(kind: &str, uri: &str, block: &[u8]) -> Vec<u8> {
        let mut v = format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2026-11-28T10:00:00.5Z\r\n\
             Content-Type: application/http; msgtype={kind}\r\nContent-Length: {}\r\n\r\n",
            block.len()
        )
        .into_bytes();
        v.extend_from_slice(block);
        v.extend_from_slice(b"\r\n\r\n");
        v
    }

    /// `data` as one gzip member.
    pub fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).expect("gzip to memory");
        e.finish().expect("gzip to memory")
    }
}
