//! Streaming WARC reader: one record at a time, never the whole file in memory. Each record
//! comes with its [`Position`] (the gzip member's offset in a `.warc.gz`), its headers, and
//! its content readable through [`WarcReader::block`]; what is not read is skipped.
//!
//! A malformed record (bad version line or headers, no `Content-Length`, content cut short,
//! no `\r\n\r\n` after the content, corrupt gzip) is returned as [`WarcError::Record`] and
//! the reader carries on: in a plain stream it looks for the next `WARC/` line, in a gzip
//! file for the next gzip member. Only an I/O error of the file itself ends the reading.

use super::{shorten, trim_eol, Headers, Position, WarcError};
use flate2::bufread::GzDecoder;
use std::io::{self, BufRead, BufReader, Read};

/// Buffer of the decompressed data of a gzip member.
const MEMBER_BUFFER: usize = 64 * 1024;
/// Start of every gzip member: magic bytes and the deflate method.
const GZIP_MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];
/// How a record starts (`WARC/1.0`, `WARC/1.1`).
const VERSION_PREFIX: &[u8] = b"WARC/";

/// A [`BufRead`] that counts the bytes consumed.
pub struct Counting<R> {
    inner: R,
    pos: u64,
}

impl<R> Counting<R> {
    fn new(inner: R) -> Self {
        Counting { inner, pos: 0 }
    }
}

impl<R: BufRead> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counting<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        self.inner.consume(n);
        self.pos += n as u64;
    }
}

/// The decompressed data of one gzip member, counted from the member's start.
type Member<R> = Counting<BufReader<GzDecoder<Counting<R>>>>;

enum Stream<R> {
    /// An uncompressed WARC.
    Plain(Counting<R>),
    /// A gzip file, between members; `scan` after garbage or a corrupt member: skip to the
    /// next gzip magic.
    Between { outer: Counting<R>, scan: bool },
    /// Inside the gzip member that starts at `start`.
    Member { start: u64, dec: Box<Member<R>> },
    /// End of input, or the file could not be read.
    Done,
}

/// The header block of a record; its content follows in [`WarcReader::block`].
#[derive(Debug, Clone)]
pub struct RecordHead {
    /// Where the record starts.
    pub position: Position,
    /// `WARC/1.0` or `WARC/1.1`.
    pub version: String,
    /// The WARC headers.
    pub headers: Headers,
    /// Bytes of content (`Content-Length`).
    pub content_length: u64,
}

impl RecordHead {
    /// `WARC-Type`, lowercased (`response`, `request`, `warcinfo`…).
    pub fn warc_type(&self) -> String {
        self.headers.get("WARC-Type").unwrap_or("").to_ascii_lowercase()
    }

    /// `WARC-Target-URI`, without the angle brackets some writers of WARC/1.0 put around it.
    pub fn target_uri(&self) -> Option<&str> {
        let u = self.headers.get("WARC-Target-URI")?.trim();
        let u = u.strip_prefix('<').and_then(|u| u.strip_suffix('>')).unwrap_or(u);
        (!u.is_empty()).then_some(u)
    }
}

/// Reads records one by one from a plain or gzipped WARC stream.
pub struct WarcReader<R> {
    stream: Stream<R>,
    /// Content bytes of the current record not read yet.
    remaining: u64,
    /// The record returned last and not yet finished.
    current: Option<Position>,
    /// After a malformed record: look for the next record before reading on.
    lost: bool,
}

impl<R: BufRead> WarcReader<R> {
    /// Start reading; gzip is recognised by its magic bytes, not by the file name.
    pub fn new(inner: R) -> io::Result<WarcReader<R>> {
        let mut outer = Counting::new(inner);
        let gzip = outer.fill_buf()?.starts_with(&GZIP_MAGIC[..2]);
        let stream = if gzip {
            Stream::Between { outer, scan: false }
        } else {
            Stream::Plain(outer)
        };
        Ok(WarcReader {
            stream,
            remaining: 0,
            current: None,
            lost: false,
        })
    }

    /// Bytes of the file consumed so far (compressed bytes for a `.warc.gz`), for progress.
    pub fn bytes_read(&self) -> u64 {
        match &self.stream {
            Stream::Plain(c) | Stream::Between { outer: c, .. } => c.pos,
            Stream::Member { dec, .. } => dec.inner.get_ref().get_ref().pos,
            Stream::Done => 0,
        }
    }

    /// The next record's head; the previous record is finished first (its unread content
    /// skipped). `None` at the end of the input.
    pub fn next_record(&mut self) -> Option<Result<RecordHead, WarcError>> {
        if self.current.is_some() {
            if let Err(e) = self.finish_record() {
                return Some(Err(e));
            }
        }
        if self.lost {
            self.resync();
        }
        let position = match self.start_of_record() {
            Ok(Some(p)) => p,
            Ok(None) => return None,
            Err(e) => return Some(Err(e)),
        };
        let head = match self.reader() {
            Some(r) => read_head(r),
            None => return None,
        };
        match head {
            Ok((version, headers, content_length)) => {
                self.remaining = content_length;
                self.current = Some(position);
                Some(Ok(RecordHead {
                    position,
                    version,
                    headers,
                    content_length,
                }))
            }
            Err(message) => {
                self.lost = true;
                Some(Err(WarcError::Record { position, message }))
            }
        }
    }

    /// The current record's content: at most `Content-Length` bytes.
    pub fn block(&mut self) -> Block<'_, R> {
        Block { reader: self }
    }

    /// Skip what is left of the current record's content and check that it ends as the
    /// format says (`\r\n\r\n`, then the next record or the end of the member or file).
    pub fn finish_record(&mut self) -> Result<(), WarcError> {
        let Some(position) = self.current.take() else {
            return Ok(());
        };
        let fail = |me: &mut Self, message: String| {
            me.lost = true;
            me.remaining = 0;
            Err(WarcError::Record { position, message })
        };
        if let Err(e) = io::copy(&mut self.block(), &mut io::sink()) {
            return fail(self, format!("reading the content: {e}"));
        }
        if self.remaining > 0 {
            let message = format!(
                "cut short: the data ends {} bytes before the end of the content (Content-Length)",
                self.remaining
            );
            return fail(self, message);
        }
        let Some(r) = self.reader() else {
            return Ok(());
        };
        match end_of_record(r) {
            Ok(true) => Ok(()),
            Ok(false) => fail(
                self,
                "no \\r\\n\\r\\n after the content: Content-Length is wrong or the record is corrupt".into(),
            ),
            Err(e) => fail(self, format!("after the content: {e}")),
        }
    }

    /// The stream records are read from now.
    fn reader(&mut self) -> Option<&mut dyn BufRead> {
        match &mut self.stream {
            Stream::Plain(c) => Some(c),
            Stream::Member { dec, .. } => Some(&mut **dec),
            Stream::Between { .. } | Stream::Done => None,
        }
    }

    /// Move to where the next record starts (over blank lines, into the next gzip member);
    /// `None` at the end.
    fn start_of_record(&mut self) -> Result<Option<Position>, WarcError> {
        loop {
            match std::mem::replace(&mut self.stream, Stream::Done) {
                Stream::Done => return Ok(None),
                Stream::Plain(mut c) => match skip_blank(&mut c) {
                    Ok(true) => {
                        let p = Position {
                            offset: c.pos,
                            inner: 0,
                        };
                        self.stream = Stream::Plain(c);
                        return Ok(Some(p));
                    }
                    Ok(false) => return Ok(None),
                    Err(e) => return Err(WarcError::Io(e)),
                },
                Stream::Member { start, mut dec } => match skip_blank(&mut *dec) {
                    Ok(true) => {
                        let p = Position {
                            offset: start,
                            inner: dec.pos,
                        };
                        self.stream = Stream::Member { start, dec };
                        return Ok(Some(p));
                    }
                    Ok(false) => {
                        let outer = outer_of(*dec);
                        self.stream = Stream::Between { outer, scan: false };
                    }
                    Err(e) => {
                        self.stream = abandon(start, *dec);
                        let position = Position {
                            offset: start,
                            inner: 0,
                        };
                        return Err(WarcError::Record {
                            position,
                            message: format!("corrupt gzip member: {e}"),
                        });
                    }
                },
                Stream::Between { mut outer, scan } => {
                    if scan {
                        skip_to_magic(&mut outer)?;
                    }
                    let buf = outer.fill_buf()?;
                    if buf.is_empty() {
                        return Ok(None);
                    }
                    if buf.starts_with(&GZIP_MAGIC[..buf.len().min(GZIP_MAGIC.len())]) {
                        let start = outer.pos;
                        let dec = Box::new(Counting::new(BufReader::with_capacity(
                            MEMBER_BUFFER,
                            GzDecoder::new(outer),
                        )));
                        self.stream = Stream::Member { start, dec };
                    } else {
                        let position = Position {
                            offset: outer.pos,
                            inner: 0,
                        };
                        self.stream = Stream::Between { outer, scan: true };
                        return Err(WarcError::Record {
                            position,
                            message: "not a gzip member: data between members is skipped".into(),
                        });
                    }
                }
            }
        }
    }

    /// After a malformed record: skip to a line that starts with `WARC/` (in a gzip member,
    /// the rest of the member may be skipped; a corrupt member is left for the next one).
    fn resync(&mut self) {
        self.lost = false;
        self.remaining = 0;
        match std::mem::replace(&mut self.stream, Stream::Done) {
            Stream::Plain(mut c) => {
                if skip_to_version_line(&mut c).is_ok() {
                    self.stream = Stream::Plain(c);
                }
            }
            Stream::Member { start, mut dec } => {
                self.stream = match skip_to_version_line(&mut *dec) {
                    Ok(()) => Stream::Member { start, dec },
                    Err(_) => abandon(start, *dec),
                };
            }
            other => self.stream = other,
        }
    }
}

/// The compressed stream behind a member that ended.
fn outer_of<R: BufRead>(dec: Member<R>) -> Counting<R> {
    dec.inner.into_inner().into_inner()
}

/// Give up a corrupt member: look for the next gzip magic after its start.
fn abandon<R: BufRead>(start: u64, dec: Member<R>) -> Stream<R> {
    let mut outer = outer_of(dec);
    if outer.pos == start {
        outer.consume(1);
    }
    Stream::Between { outer, scan: true }
}

/// Skip CR and LF bytes; false at the end of the data.
fn skip_blank(r: &mut dyn BufRead) -> io::Result<bool> {
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Ok(false);
        }
        let n = buf.iter().take_while(|b| matches!(b, b'\r' | b'\n')).count();
        if n == 0 {
            return Ok(true);
        }
        r.consume(n);
    }
}

/// After the content: `\r\n\r\n` (any run of CR/LF is accepted), then the end of the
/// data or the next record.
fn end_of_record(r: &mut dyn BufRead) -> io::Result<bool> {
    let mut eol = 0;
    while let Some(b'\r' | b'\n') = r.fill_buf()?.first() {
        r.consume(1);
        eol += 1;
    }
    let next = r.fill_buf()?;
    Ok(next.is_empty() || eol > 0 && is_version_start(next))
}

/// The buffered bytes begin a `WARC/` line (or a prefix of one, at a buffer's end).
fn is_version_start(buf: &[u8]) -> bool {
    let n = buf.len().min(VERSION_PREFIX.len());
    buf[..n] == VERSION_PREFIX[..n]
}

/// Skip to the next `WARC/` (a record's version line), or the end of the data. The marker
/// is looked for anywhere, not only at a line start: garbage or a record cut short need not
/// end with a line break before the next record begins.
fn skip_to_version_line(r: &mut dyn BufRead) -> io::Result<()> {
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Ok(());
        }
        if let Some(i) = memchr::memmem::find(buf, VERSION_PREFIX) {
            r.consume(i);
            return Ok(());
        }
        // A marker cut by the buffer's end: stop at its first part.
        let n = buf.len();
        let keep = (1..VERSION_PREFIX.len().min(n + 1))
            .rev()
            .find(|&k| buf[n - k..] == VERSION_PREFIX[..k])
            .unwrap_or(0);
        r.consume(n - keep);
        if keep > 0 {
            return Ok(());
        }
    }
}

/// Skip until the next gzip magic, or the end of the file.
fn skip_to_magic(r: &mut dyn BufRead) -> io::Result<()> {
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Ok(());
        }
        match buf.iter().position(|&b| b == GZIP_MAGIC[0]) {
            Some(i) => {
                let rest = &buf[i..];
                let n = rest.len().min(GZIP_MAGIC.len());
                if rest[..n] == GZIP_MAGIC[..n] {
                    r.consume(i);
                    return Ok(());
                }
                r.consume(i + 1);
            }
            None => {
                let n = buf.len();
                r.consume(n);
            }
        }
    }
}

/// Version line and headers of a record.
fn read_head(r: &mut dyn BufRead) -> Result<(String, Headers, u64), String> {
    let mut line = Vec::new();
    r.take(super::MAX_HEADER_BYTES)
        .read_until(b'\n', &mut line)
        .map_err(|e| format!("reading the version line: {e}"))?;
    let version = trim_eol(&line);
    if !version.starts_with(VERSION_PREFIX) {
        return Err(format!(
            "expected a WARC/1.x version line, found {}",
            shorten(&String::from_utf8_lossy(version))
        ));
    }
    let version = String::from_utf8_lossy(version).into_owned();
    let headers = Headers::read(r)?;
    let length = headers.get("Content-Length").ok_or("no Content-Length header")?;
    let length = length
        .trim()
        .parse::<u64>()
        .map_err(|_| format!("bad Content-Length {}", shorten(length)))?;
    Ok((version, headers, length))
}

/// The content of the current record, read from [`WarcReader::block`].
pub struct Block<'a, R> {
    reader: &'a mut WarcReader<R>,
}

impl<R> Block<'_, R> {
    /// Content bytes not read yet.
    pub fn remaining(&self) -> u64 {
        self.reader.remaining
    }
}

impl<R: BufRead> Read for Block<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = {
            let avail = self.fill_buf()?;
            let n = avail.len().min(buf.len());
            buf[..n].copy_from_slice(&avail[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Block<'_, R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        let remaining = self.reader.remaining;
        if remaining == 0 {
            return Ok(&[]);
        }
        match self.reader.reader() {
            Some(r) => {
                let buf = r.fill_buf()?;
                let n = buf.len().min(usize::try_from(remaining).unwrap_or(usize::MAX));
                Ok(&buf[..n])
            }
            None => Ok(&[]),
        }
    }

    fn consume(&mut self, n: usize) {
        if let Some(r) = self.reader.reader() {
            r.consume(n);
        }
        self.reader.remaining = self.reader.remaining.saturating_sub(n as u64);
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_records::{self, gz};
    use super::*;

    fn record(kind: &str, body: &[u8]) -> Vec<u8> {
        test_records::record(kind, &format!("<http://a.test/{kind}>"), body)
    }

    /// (type, position, content) of a record, or the error message.
    type Got = Result<(String, Position, Vec<u8>), String>;

    fn read_all(data: &[u8]) -> Vec<Got> {
        let mut r = WarcReader::new(data).unwrap();
        let mut out = Vec::new();
        while let Some(h) = r.next_record() {
            match h {
                Ok(h) => {
                    let mut body = Vec::new();
                    r.block().read_to_end(&mut body).unwrap();
                    match r.finish_record() {
                        Ok(()) => out.push(Ok((h.warc_type(), h.position, body))),
                        Err(e) => out.push(Err(e.to_string())),
                    }
                }
                Err(e) => out.push(Err(e.to_string())),
            }
        }
        out
    }

    #[test]
    fn plain_records_with_offsets_and_partial_reads() {
        let a = record("warcinfo", b"software: x\r\n");
        let b = record("response", b"HTTP/1.1 200 OK\r\n\r\n<p>hi</p>");
        let data = [a.clone(), b"\r\n".to_vec(), b.clone()].concat();
        let got = read_all(&data);
        assert_eq!(got.len(), 2);
        let (t, p, body) = got[1].clone().unwrap();
        assert_eq!(t, "response");
        assert_eq!(p.offset, a.len() as u64 + 2);
        assert!(body.ends_with(b"<p>hi</p>"));
        // Content left unread is skipped.
        let mut r = WarcReader::new(&data[..]).unwrap();
        let h = r.next_record().unwrap().unwrap();
        assert_eq!(h.target_uri(), Some("http://a.test/warcinfo"));
        let h = r.next_record().unwrap().unwrap();
        assert_eq!(h.warc_type(), "response");
        assert!(r.next_record().is_none());
    }

    #[test]
    fn per_record_gzip_offsets_are_member_offsets() {
        let members: Vec<Vec<u8>> = ["warcinfo", "request", "response"]
            .iter()
            .map(|k| gz(&record(k, format!("body of {k}").as_bytes())))
            .collect();
        let data = members.concat();
        let got = read_all(&data);
        let mut offset = 0u64;
        for (i, g) in got.iter().enumerate() {
            let (_, p, body) = g.clone().unwrap();
            assert_eq!(p, Position { offset, inner: 0 }, "record {i}");
            // Seeking to the offset and gunzipping one member gives the record back.
            let mut one = Vec::new();
            flate2::read::GzDecoder::new(&data[offset as usize..])
                .read_to_end(&mut one)
                .unwrap();
            assert!(one.starts_with(b"WARC/1.0"));
            assert!(String::from_utf8_lossy(&one).contains(&String::from_utf8_lossy(&body).to_string()));
            offset += members[i].len() as u64;
        }
    }

    #[test]
    fn whole_file_gzip_gives_inner_offsets() {
        let a = record("request", b"GET / HTTP/1.1\r\n\r\n");
        let b = record("response", b"HTTP/1.1 200 OK\r\n\r\nx");
        let data = gz(&[a.clone(), b].concat());
        let got = read_all(&data);
        assert_eq!(got[0].clone().unwrap().1, Position { offset: 0, inner: 0 });
        let p = got[1].clone().unwrap().1;
        assert_eq!(
            p,
            Position {
                offset: 0,
                inner: a.len() as u64
            }
        );
        assert_eq!(p.to_string(), format!("0+{}", a.len()));
    }

    #[test]
    fn malformed_records_are_reported_and_reading_goes_on() {
        let good = record("response", b"HTTP/1.1 200 OK\r\n\r\nfine");
        // Plain: a bad Content-Length, then a record whose Content-Length is too short.
        let bad_len = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: lots\r\n\r\nxxxx\r\n\r\n".to_vec();
        let short = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 2\r\n\r\nabcdef\r\n\r\n".to_vec();
        let data = [good.clone(), bad_len.clone(), short.clone(), good.clone()].concat();
        let got = read_all(&data);
        assert_eq!(got.len(), 4, "{got:?}");
        assert!(got[0].is_ok() && got[3].is_ok());
        let e1 = got[1].clone().unwrap_err();
        assert!(
            e1.contains(&format!("offset {}", good.len())) && e1.contains("Content-Length"),
            "{e1}"
        );
        assert!(got[2].clone().unwrap_err().contains("no \\r\\n\\r\\n"));

        // Gzip: a corrupt member and garbage between members; the others are read.
        let mut corrupt = gz(&good);
        let mid = corrupt.len() / 2;
        corrupt[mid] ^= 0xff;
        corrupt[mid + 1] ^= 0xff;
        let data = [gz(&good), corrupt, b"junk".to_vec(), gz(&good)].concat();
        let got = read_all(&data);
        let oks = got.iter().filter(|g| g.is_ok()).count();
        assert_eq!(oks, 2, "{got:?}");
        assert!(got.iter().any(|g| g.is_err()));

        // A file cut inside the content.
        let data = [good.clone(), good[..good.len() - 8].to_vec()].concat();
        let got = read_all(&data);
        assert_eq!(got.len(), 2);
        assert!(got[1].clone().unwrap_err().contains("cut short"), "{got:?}");
        let data = [gz(&good), gz(&good)[..20].to_vec()].concat();
        let got = read_all(&data);
        assert!(got[0].is_ok() && got[1].is_err(), "{got:?}");
    }
}
