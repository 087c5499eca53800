//! WARC records → pages for [`crate::process`]: every `response` record with a 2xx status
//! and an HTML `Content-Type` (or none, and a payload that sniffs as HTML) becomes a
//! [`WarcPage`] with its URL, fetch date and HTTP headers; everything else is skipped and
//! counted in [`Counts`]. Pages come one at a time, so a 1 GB archive is never in memory.

use super::http::{self, ResponseHead};
use super::{RecordHead, WarcError, WarcReader};
use crate::limits;
use crate::model::{Article, HttpInfo, Record};
use std::fmt;
use std::io::{BufRead, Read};

/// An HTML response found in a WARC file.
#[derive(Debug, Clone)]
pub struct WarcPage {
    /// `<file>#<offset>`: where the record is.
    pub source_path: String,
    /// `WARC-Target-URI`.
    pub url: Option<String>,
    /// `WARC-Date`, as RFC 3339 UTC when it parses.
    pub date: Option<String>,
    /// The HTTP status and headers.
    pub http: ResponseHead,
    /// The payload, de-chunked and decompressed.
    pub body: Vec<u8>,
}

impl WarcPage {
    /// The HTTP `Content-Type`.
    pub fn content_type(&self) -> Option<&str> {
        self.http.headers.get("Content-Type")
    }

    /// The HTTP `Content-Language`.
    pub fn content_language(&self) -> Option<&str> {
        self.http.headers.get("Content-Language")
    }

    /// Extract this page's article (its URL, `Content-Type` and `Content-Language` from the
    /// WARC record) into its [`record`](Self::record).
    pub fn extract(&self, rules: &crate::Rules, opts: &crate::Options) -> crate::Result<Record> {
        let page = crate::Page {
            bytes: &self.body,
            url: self.url.as_deref(),
            content_type: self.content_type(),
            content_language: self.content_language(),
        };
        Ok(self.record(crate::process(&page, rules, opts)?))
    }

    /// The record of an article extracted from this page: `source_path`, `date_fetched`
    /// and `http` filled in from the WARC record.
    pub fn record(&self, article: Article) -> Record {
        let header = |n: &str| self.http.headers.get(n).map(str::to_string);
        let http = HttpInfo::new(
            self.http.status,
            header("Content-Type"),
            header("ETag"),
            header("Last-Modified"),
        );
        crate::record::to_fetched_record(article, Some(self.source_path.clone()), self.date.clone(), http)
    }
}

/// What was found in WARC files, for the summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Records read (malformed ones included).
    pub records: u64,
    /// HTML responses handed on as pages.
    pub pages: u64,
    /// `request` records.
    pub requests: u64,
    /// `warcinfo` and `metadata` records.
    pub metadata: u64,
    /// `revisit` records.
    pub revisits: u64,
    /// Responses with a status other than 2xx.
    pub not_2xx: u64,
    /// 2xx responses that are not HTML (images, feeds, robots.txt, DNS…).
    pub not_html: u64,
    /// Other record types (`resource`, `conversion`, `continuation`).
    pub other: u64,
    /// Records that could not be read.
    pub malformed: u64,
}

impl Counts {
    /// Add another file's counts.
    pub fn add(&mut self, o: &Counts) {
        self.records += o.records;
        self.pages += o.pages;
        self.requests += o.requests;
        self.metadata += o.metadata;
        self.revisits += o.revisits;
        self.not_2xx += o.not_2xx;
        self.not_html += o.not_html;
        self.other += o.other;
        self.malformed += o.malformed;
    }
}

impl fmt::Display for Counts {
    /// `120 WARC records: 40 HTML responses; skipped 60 requests, 18 non-HTML, …`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} WARC records: {} HTML responses", self.records, self.pages)?;
        let skipped: Vec<String> = [
            (self.requests, "requests"),
            (self.not_html, "non-HTML responses"),
            (self.not_2xx, "non-2xx responses"),
            (self.revisits, "revisits"),
            (self.metadata, "warcinfo/metadata"),
            (self.other, "other records"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        if !skipped.is_empty() {
            write!(f, "; skipped {}", skipped.join(", "))?;
        }
        if self.malformed > 0 {
            write!(f, "; {} malformed", self.malformed)?;
        }
        Ok(())
    }
}

/// The HTML pages of one WARC stream, in file order. An `Err` is one malformed record,
/// as `<file>#<offset>: reason`; the iteration goes on after it.
pub struct WarcPages<R> {
    reader: WarcReader<R>,
    /// The file name used in `source_path` and messages.
    name: String,
    counts: Counts,
    /// Largest payload read (`--max-page-size`); a bigger one is reported as too large.
    max_payload: usize,
}

/// What a response record turned out to be.
enum Outcome {
    Page(Box<WarcPage>),
    Skipped,
}

impl<R: BufRead> WarcPages<R> {
    /// Pages of the WARC read from `reader`; `name` is the file as records name it.
    pub fn new(reader: R, name: &str) -> std::io::Result<WarcPages<R>> {
        Ok(WarcPages {
            reader: WarcReader::new(reader)?,
            name: name.to_string(),
            counts: Counts::default(),
            max_payload: limits::DEFAULT_MAX_PAGE_BYTES,
        })
    }

    /// Payloads (decoded) bigger than `n` bytes are reported as too large, never read whole.
    pub fn with_max_payload(mut self, n: usize) -> WarcPages<R> {
        self.max_payload = n;
        self
    }

    /// What was read so far.
    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// Bytes of the file consumed so far, for progress.
    pub fn bytes_read(&self) -> u64 {
        self.reader.bytes_read()
    }

    fn response(&mut self, head: &RecordHead) -> Result<Outcome, String> {
        let warc_ct = head.headers.get("Content-Type").unwrap_or("");
        if !warc_ct.is_empty() && !http::media_type(warc_ct).starts_with("application/http") {
            self.counts.not_html += 1;
            return Ok(Outcome::Skipped);
        }
        let mut block = self.reader.block();
        let resp = http::read_response_head(&mut block)?;
        if !(200..300).contains(&resp.status) {
            self.counts.not_2xx += 1;
            return Ok(Outcome::Skipped);
        }
        let declared = resp.headers.get("Content-Type").filter(|c| !c.trim().is_empty());
        if declared.is_some_and(|c| !http::is_html(c)) {
            self.counts.not_html += 1;
            return Ok(Outcome::Skipped);
        }
        let max = self.max_payload;
        let too_large = |len: usize| crate::extract::too_large(len, max).to_string();
        let remaining = usize::try_from(block.remaining()).unwrap_or(usize::MAX);
        if remaining > max {
            return Err(too_large(remaining));
        }
        let mut raw = Vec::with_capacity(remaining);
        block
            .read_to_end(&mut raw)
            .map_err(|e| format!("reading the payload: {e}"))?;
        self.reader.finish_record().map_err(|e| reason(&e))?;
        // One byte over the cap tells a page over it from one exactly at it.
        let body = http::decode_payload(&resp, raw, (max as u64).saturating_add(1))?;
        if body.len() > max {
            return Err(too_large(body.len()));
        }
        if declared.is_none() && !http::looks_like_html(&body) {
            self.counts.not_html += 1;
            return Ok(Outcome::Skipped);
        }
        Ok(Outcome::Page(Box::new(WarcPage {
            source_path: format!("{}#{}", self.name, head.position),
            url: head.target_uri().map(str::to_string),
            date: head.headers.get("WARC-Date").map(normalize_date),
            http: resp,
            body,
        })))
    }
}

/// The message of a record error, without the position (the caller puts it in the path).
fn reason(e: &WarcError) -> String {
    match e {
        WarcError::Record { message, .. } => message.clone(),
        WarcError::Io(e) => e.to_string(),
    }
}

/// `2026-11-28T10:00:00.123456Z` → `2026-11-28T10:00:00Z`, as crawled records write it.
fn normalize_date(d: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(d.trim()) {
        Ok(t) => t
            .with_timezone(&chrono::Utc)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        Err(_) => d.trim().to_string(),
    }
}

impl<R: BufRead> Iterator for WarcPages<R> {
    type Item = Result<WarcPage, String>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let head = match self.reader.next_record()? {
                Ok(h) => h,
                Err(e) => {
                    self.counts.records += 1;
                    self.counts.malformed += 1;
                    return Some(Err(match &e {
                        WarcError::Record { position, message } => {
                            format!("{}#{position}: {message}", self.name)
                        }
                        WarcError::Io(io) => format!("{}: {io}", self.name),
                    }));
                }
            };
            self.counts.records += 1;
            let outcome = match head.warc_type().as_str() {
                "response" => self.response(&head),
                "request" => {
                    self.counts.requests += 1;
                    Ok(Outcome::Skipped)
                }
                "warcinfo" | "metadata" => {
                    self.counts.metadata += 1;
                    Ok(Outcome::Skipped)
                }
                "revisit" => {
                    self.counts.revisits += 1;
                    Ok(Outcome::Skipped)
                }
                _ => {
                    self.counts.other += 1;
                    Ok(Outcome::Skipped)
                }
            };
            match outcome {
                Ok(Outcome::Page(p)) => {
                    self.counts.pages += 1;
                    return Some(Ok(*p));
                }
                Ok(Outcome::Skipped) => {}
                Err(message) => {
                    self.counts.malformed += 1;
                    // The record is done with, whatever its state.
                    let _ = self.reader.finish_record();
                    return Some(Err(format!("{}#{}: {message}", self.name, head.position)));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_records::record;
    use super::*;

    #[test]
    fn only_2xx_html_responses_become_pages() {
        let html = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=windows-1252\r\nContent-Language: fr\r\n\r\n<html><p>caf\xe9</p></html>";
        let sniffed = b"HTTP/1.1 200 OK\r\n\r\n<!doctype html><p>x</p>";
        let data = [
            record("request", "http://a.test/", b"GET / HTTP/1.1\r\n\r\n"),
            record("response", "http://a.test/", html),
            record(
                "response",
                "http://a.test/img",
                b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG",
            ),
            record(
                "response",
                "http://a.test/gone",
                b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n<p>no</p>",
            ),
            record("response", "http://a.test/s", sniffed),
            record("response", "http://a.test/j", b"HTTP/1.1 200 OK\r\n\r\n{\"a\":1}"),
            record("revisit", "http://a.test/", b""),
        ]
        .concat();
        let mut it = WarcPages::new(&data[..], "x.warc").unwrap();
        let pages: Vec<WarcPage> = it.by_ref().map(|p| p.unwrap()).collect();
        assert_eq!(pages.len(), 2);
        let p = &pages[0];
        assert_eq!(p.url.as_deref(), Some("http://a.test/"));
        assert_eq!(p.content_type(), Some("text/html; charset=windows-1252"));
        assert_eq!(p.content_language(), Some("fr"));
        assert_eq!(p.date.as_deref(), Some("2026-11-28T10:00:00Z"));
        assert!(p.source_path.starts_with("x.warc#") && p.source_path != "x.warc#0");
        assert_eq!(pages[1].content_type(), None);
        let c = it.counts();
        assert_eq!(
            (c.records, c.pages, c.requests, c.not_html, c.not_2xx, c.revisits),
            (7, 2, 1, 2, 1, 1)
        );
        assert_eq!(
            c.to_string(),
            "7 WARC records: 2 HTML responses; skipped 1 requests, 2 non-HTML responses, 1 non-2xx responses, 1 revisits"
        );
    }
}
