//! The page log (`crawl --page-log FILE`): one line per fetched page saying what it was
//! (`page_type`, with the evidence), whether a record was written for it, and if not why
//! ([`NotWritten`]), so that no page is dropped silently. Pages only: robots.txt, sitemaps
//! and feeds are not in it, nor URLs never fetched (robots.txt disallowed, trap budgets).
//!
//! The engine makes a [`PageEntry`] for every page that ends after a fetch (processed,
//! `304 Not Modified`, failed) and hands it to its writer thread, which decides the fate of
//! records (a dropped near-duplicate) and passes the entry to [`crate::crawl::Sink::page`]
//! and to the [`PageLog`] file, one line per page, each written whole with one `write`, so a
//! killed run leaves only complete lines.

use crate::model::PageType;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;

/// Why a fetched page has no record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NotWritten {
    /// Not an article, and no `--emit-all`.
    NotArticle,
    /// The extractor found no text on it.
    NoText,
    /// Its record's id (canonical URL) was written under another URL in this run, or its
    /// text duplicates an earlier record's and `--drop-duplicates` left it out.
    Duplicate,
    /// An earlier run wrote its record (`--state`).
    Known,
    /// A recrawl found its text unchanged (`--recrawl-after`).
    Unchanged,
    /// A conditional request answered `304 Not Modified`.
    NotModified,
    /// The fetch or the extraction failed: its line in `--errors` says why.
    Error,
}

/// One line of the page log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageEntry {
    /// The URL as first queued (before redirects).
    pub url: String,
    /// The URL whose response was read (after redirects).
    pub final_url: String,
    /// The HTTP status of that response, when one came.
    pub status: Option<u16>,
    /// The page's type; `null` when the page was not read (a failure, `304`).
    pub page_type: Option<PageType>,
    /// A record was written for it.
    pub written: bool,
    /// Why not, when not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<NotWritten>,
    /// With reason `error`: the error kind (`http_404`, `timeout`), as in `--errors`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The signals that decided `page_type` (`extraction.page_type_evidence`).
    pub evidence: Vec<String>,
}

impl PageEntry {
    /// The entry of a page that was read: `written`, or not for `reason`.
    pub fn read(
        url: String,
        final_url: String,
        status: u16,
        page_type: PageType,
        evidence: Vec<String>,
        reason: Option<NotWritten>,
    ) -> PageEntry {
        PageEntry {
            url,
            final_url,
            status: Some(status),
            page_type: Some(page_type),
            written: reason.is_none(),
            reason,
            error: None,
            evidence,
        }
    }

    /// The entry of a page that was not read: a failure (with its error kind) or a `304`.
    pub fn unread(
        url: String,
        final_url: String,
        status: Option<u16>,
        reason: NotWritten,
        error: Option<String>,
    ) -> PageEntry {
        PageEntry {
            url,
            final_url,
            status,
            page_type: None,
            written: false,
            reason: Some(reason),
            error,
            evidence: Vec::new(),
        }
    }

    /// Not written after all (the writer dropped the record).
    pub fn not_written(&mut self, reason: NotWritten) {
        self.written = false;
        self.reason = Some(reason);
    }
}

/// The `--page-log` file (created anew by each run, like `--errors`).
pub struct PageLog {
    file: std::fs::File,
}

impl PageLog {
    /// Create (or empty) the file at `path`.
    pub fn create(path: &Path) -> std::io::Result<PageLog> {
        Ok(PageLog {
            file: std::fs::File::create(path)?,
        })
    }

    /// Append one entry's line. Unbuffered: the line reaches the file in one `write` before
    /// this returns, so a killed run leaves whole lines.
    pub fn write(&mut self, e: &PageEntry) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(e).map_err(std::io::Error::other)?;
        line.push(b'\n');
        self.file.write_all(&line)
    }

    /// Make the lines durable (end of the crawl).
    pub fn finish(self) -> std::io::Result<()> {
        self.file.sync_data()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_read_as_documented() {
        let e = PageEntry::read(
            "http://a.test/x".into(),
            "http://a.test/y".into(),
            200,
            PageType::Listing,
            vec!["url:listing-segment=tag".into()],
            Some(NotWritten::NotArticle),
        );
        let line = serde_json::to_string(&e).expect("serialises");
        assert_eq!(
            line,
            r#"{"url":"http://a.test/x","final_url":"http://a.test/y","status":200,"page_type":"listing","written":false,"reason":"not-article","evidence":["url:listing-segment=tag"]}"#
        );
        let f = PageEntry::unread(
            "http://a.test/z".into(),
            "http://a.test/z".into(),
            Some(404),
            NotWritten::Error,
            Some("http_404".into()),
        );
        let line = serde_json::to_string(&f).expect("serialises");
        assert!(
            line.contains(r#""page_type":null,"written":false,"reason":"error","error":"http_404""#),
            "{line}"
        );
        assert_eq!(serde_json::from_str::<PageEntry>(&line).expect("reads back"), f);
        let mut w = PageEntry::read(String::new(), String::new(), 200, PageType::Article, vec![], None);
        assert!(w.written && !serde_json::to_string(&w).expect("ser").contains("reason"));
        w.not_written(NotWritten::Duplicate);
        assert_eq!((w.written, w.reason), (false, Some(NotWritten::Duplicate)));
    }
}
