//! Discovery sources: XML/text sitemaps, RSS/Atom/JSON feeds, and feed links in HTML.
//!
//! In: raw response bodies (optionally gzipped) and parsed home pages. Out: [`Sitemap`] entries and
//! [`FeedItem`]s with their dates and titles, and feed URLs. Sitemaps are stream-parsed with
//! quick-xml (no DOM) and every body is capped in size after decompression, so a gzip bomb costs
//! at most the cap. This module does not fetch, consult robots.txt, or decide scope: the crawler
//! passes the results through `super::urls::Scope` and the frontier.
//!
//! [`sitemap`](parse_sitemap) parses sitemaps and their dates, [`feed`](parse_feed) feeds,
//! feed sniffing and feed links in HTML; this file has the limits, the errors and the capped
//! gzip reading both use.

mod feed;
mod sitemap;
#[cfg(test)]
mod tests;

pub use feed::{feed_links, looks_like_feed, parse_feed, resolve_unique, FeedItem};
pub use sitemap::{parse_sitemap, parse_w3c_datetime, Sitemap, SitemapEntry};

use flate2::read::MultiGzDecoder;
use std::borrow::Cow;
use std::io::Read;

/// Most entries kept from one sitemap or feed file: the sitemap protocol's per-file limit.
pub const MAX_ENTRIES_PER_FILE: usize = 50_000;

/// Conventional locations tried when robots.txt names no sitemap.
pub const CONVENTIONAL_SITEMAPS: &[&str] = &[
    "/sitemap.xml",
    "/sitemap_index.xml",
    "/news-sitemap.xml",
    "/wp-sitemap.xml",
];

/// Conventional feed locations tried when a home page declares no feed.
pub const CONVENTIONAL_FEEDS: &[&str] = &["/feed/", "/rss.xml", "/feed.xml", "/atom.xml"];

pub use crate::extract::links::FEED_MIME_TYPES;

/// The first two bytes of every gzip member.
pub(crate) const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];

/// A UTF-8 byte order mark, which some servers put before the XML declaration.
pub(crate) const UTF8_BOM: &[u8] = &[0xef, 0xbb, 0xbf];

/// Size of one read from a gzip decoder.
const GZIP_READ_CHUNK: usize = 64 * 1024;

/// Why a sitemap or feed body could not be used.
#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    /// The XML is not well formed (unclosed tags, garbage); the message has quick-xml's reason and
    /// the byte position.
    #[error("malformed sitemap XML: {0}")]
    Malformed(String),
    /// The body, after decompression, is larger than the caller's cap.
    #[error("body exceeds the limit of {limit} bytes (after decompression)")]
    TooLarge {
        /// The cap that was exceeded, in bytes.
        limit: usize,
    },
    /// The body starts like gzip but does not decompress.
    #[error("gzip decompression failed")]
    Gzip(#[source] std::io::Error),
    /// Well-formed XML whose root is neither `<urlset>` nor `<sitemapindex>`, or a non-XML body
    /// without a single absolute http(s) URL line.
    #[error("not a sitemap: root element is neither <urlset> nor <sitemapindex> and no URL lines")]
    NotASitemap,
    /// feed-rs could not parse the body as RSS, Atom or JSON Feed.
    #[error("unparseable feed")]
    Feed(#[source] feed_rs::parser::ParseFeedError),
}

/// Body bytes after optional gzip decompression, capped at `max_bytes`.
pub(crate) fn decompress(bytes: &[u8], max_bytes: usize) -> Result<Cow<'_, [u8]>, DiscoverError> {
    if !bytes.starts_with(GZIP_MAGIC) {
        if bytes.len() > max_bytes {
            return Err(DiscoverError::TooLarge { limit: max_bytes });
        }
        return Ok(Cow::Borrowed(bytes));
    }
    let out =
        read_capped(MultiGzDecoder::new(bytes), max_bytes.saturating_add(1)).map_err(DiscoverError::Gzip)?;
    if out.len() > max_bytes {
        return Err(DiscoverError::TooLarge { limit: max_bytes });
    }
    Ok(Cow::Owned(out))
}

/// Read at most `limit` bytes; the buffer's capacity never exceeds `limit`.
pub(crate) fn read_capped(mut reader: impl Read, limit: usize) -> std::io::Result<Vec<u8>> {
    let mut out: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; GZIP_READ_CHUNK.min(limit.max(1))];
    while out.len() < limit {
        let want = chunk.len().min(limit - out.len());
        let Some(buf) = chunk.get_mut(..want) else { break };
        let n = match reader.read(buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if out.capacity() - out.len() < n {
            // Grow geometrically for amortised copying, but never past the cap.
            let target = (out.capacity() * 2).max(out.len() + n).min(limit);
            out.reserve_exact(target - out.len());
        }
        out.extend_from_slice(buf.get(..n).unwrap_or_default());
    }
    Ok(out)
}

/// The body without a leading UTF-8 BOM and leading whitespace.
pub(crate) fn skip_bom_and_space(body: &[u8]) -> &[u8] {
    let body = body.strip_prefix(UTF8_BOM).unwrap_or(body);
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    body.get(start..).unwrap_or_default()
}
