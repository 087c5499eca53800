//! The contracts between stages: [`Page`] goes into [`crate::process`], [`Article`] comes out,
//! and [`Record`] is what a sink writes (schema v1, one JSON object per line).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Version of the record schema written in every record.
pub const SCHEMA_VERSION: u32 = 1;

/// One page to process: the raw bytes as fetched or saved, plus what is known about where
/// they came from.
#[derive(Debug, Clone, Default)]
pub struct Page<'a> {
    /// Raw bytes, undecoded.
    pub bytes: &'a [u8],
    /// The page URL, when known (used for relative links, dates in URLs, site rules).
    pub url: Option<&'a str>,
    /// HTTP `Content-Type` header value, when known (its charset wins over `<meta>`).
    pub content_type: Option<&'a str>,
    /// HTTP `Content-Language` header value, when known.
    pub content_language: Option<&'a str>,
}

/// A removed piece of text, reported by `--explain`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Removal {
    /// The rule that removed it.
    pub rule: String,
    /// The removed text (shortened).
    pub text: String,
}

/// How the article was found and what the cleaner removed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Extraction {
    /// `site:<file>`, `theme:<name>` or `readability`.
    pub method: String,
    /// Number of removals per rule id.
    pub removed: BTreeMap<String, u32>,
    /// The removed texts, only with `--explain`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub explain: Option<Vec<Removal>>,
    /// Encoding the page was decoded with and where that came from.
    pub charset: String,
}

/// The result of [`crate::process`]: the article and its metadata.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// URL given with the page.
    pub url: Option<String>,
    /// `<link rel=canonical>` or `og:url`, absolute.
    pub canonical_url: Option<String>,
    /// Site name (`og:site_name`, JSON-LD publisher).
    pub site_name: Option<String>,
    /// The article title, without site suffix or breadcrumb.
    pub title: Option<String>,
    /// The cleaned article body: blocks separated by a blank line.
    pub text: String,
    /// Author names.
    pub authors: Vec<String>,
    /// Publication date, ISO 8601.
    pub date_published: Option<String>,
    /// Where the publication date came from: jsonld, meta, time, url or text.
    pub date_published_source: Option<String>,
    /// Modification date, ISO 8601.
    pub date_modified: Option<String>,
    /// Where the modification date came from.
    pub date_modified_source: Option<String>,
    /// Language code (`en`, `de`, `pt-BR` kept as given by the page).
    pub language: Option<String>,
    /// Meta description.
    pub description: Option<String>,
    /// Lead image.
    pub image_url: Option<String>,
    /// Section of the site.
    pub section: Option<String>,
    /// Tags / keywords.
    pub tags: Vec<String>,
    /// Breadcrumb trail, kept as data.
    pub breadcrumbs: Vec<String>,
    /// How it was extracted.
    pub extraction: Extraction,
}

/// One output record (schema v1). `null` is written for unknown values, never `""`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Stable id: hash of the canonical URL (or URL), else of the content.
    pub id: String,
    /// URL the page was fetched from or given with.
    pub url: Option<String>,
    /// Canonical URL declared by the page.
    pub canonical_url: Option<String>,
    /// Host of the canonical URL or URL, without `www.`.
    pub source_domain: Option<String>,
    /// Site name.
    pub site_name: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// Cleaned article body.
    pub text: String,
    /// Authors.
    pub authors: Vec<String>,
    /// Publication date, ISO 8601.
    pub date_published: Option<String>,
    /// jsonld | meta | time | url | text.
    pub date_published_source: Option<String>,
    /// Modification date, ISO 8601.
    pub date_modified: Option<String>,
    /// jsonld | meta | time | url | text.
    pub date_modified_source: Option<String>,
    /// Language code.
    pub language: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Lead image URL.
    pub image_url: Option<String>,
    /// Section.
    pub section: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Breadcrumb trail.
    pub breadcrumbs: Vec<String>,
    /// Words in `text`.
    pub word_count: usize,
    /// SHA-256 of `text`, hex (first 32 chars).
    pub content_hash: String,
    /// The file the page came from, when extracting files.
    pub source_path: Option<String>,
    /// How it was extracted and what was removed.
    pub extraction: Extraction,
    /// Schema version, currently 1.
    pub schema_version: u32,
    /// When the page was fetched (RFC 3339, UTC); crawled records only.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub date_fetched: Option<String>,
    /// The HTTP response; crawled records only.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub http: Option<HttpInfo>,
    /// How the crawler found the page; crawled records only.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub crawl: Option<CrawlInfo>,
    /// 1 for the first record of a URL, 2… when a recrawl found its text changed; crawled
    /// records only.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub revision: Option<u32>,
    /// The earlier record whose text this one duplicates (syndicated copies); crawled
    /// records only, absent when the text is new.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub duplicate_of: Option<DuplicateOf>,
}

/// The record a duplicate's text was first written in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicateOf {
    /// Its `id`.
    pub id: String,
    /// Its `url`.
    pub url: String,
}

/// The HTTP response a crawled record came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpInfo {
    /// Status code of the final response.
    pub status: u16,
    /// `Content-Type` header.
    pub content_type: Option<String>,
    /// Charset from the `Content-Type` header, when given.
    pub charset: Option<String>,
    /// `ETag` header.
    pub etag: Option<String>,
    /// `Last-Modified` header.
    pub last_modified: Option<String>,
}

impl HttpInfo {
    /// The response's details; `charset` is read from the `Content-Type` parameters.
    pub fn new(
        status: u16,
        content_type: Option<String>,
        etag: Option<String>,
        last_modified: Option<String>,
    ) -> HttpInfo {
        HttpInfo {
            status,
            charset: content_type.as_deref().and_then(charset_of),
            content_type,
            etag,
            last_modified,
        }
    }
}

/// The `charset` parameter of a `Content-Type` value, lowercased.
fn charset_of(ct: &str) -> Option<String> {
    ct.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim().eq_ignore_ascii_case("charset")).then(|| v.trim().trim_matches('"').to_lowercase())
    })
}

/// How the crawler reached a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrawlInfo {
    /// `seed`, `sitemap`, `news_sitemap`, `feed` or `link`.
    pub discovered_via: String,
    /// Link hops from a seed (seeds 0; sitemap and feed entries 1).
    pub depth: u32,
}

/// One rendered text block of the article.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// The text, whitespace collapsed, `\n` for `<br>`.
    pub text: String,
    /// Characters of `text`.
    pub chars: usize,
    /// Characters inside links.
    pub link_chars: usize,
    /// Name of the innermost block element that produced it (`p`, `h2`, `li`, …).
    pub tag: String,
    /// Number of distinct links in the block.
    pub links: usize,
}

impl Block {
    /// Share of the block's characters that are link text.
    pub fn link_ratio(&self) -> f64 {
        if self.chars == 0 {
            0.0
        } else {
            self.link_chars as f64 / self.chars as f64
        }
    }

    /// True for `h1`–`h6`.
    pub fn is_heading(&self) -> bool {
        matches!(self.tag.as_str(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
    }
}
