//! The contracts between stages: [`Page`] goes into [`crate::process`], [`Article`] comes out,
//! and [`Record`] is what a sink writes (schema v1, one JSON object per line): the article
//! with its id, hashes and, for fetched pages, the fetch. Also the typed values the records
//! carry as strings ([`PageType`], [`Method`], [`DateSource`]) and the [`Block`]s the renderer
//! hands to the cleaner. Types and their serialisation only: building a record is [`crate::record`]'s job.

use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

/// Version of the record schema written in every record. Adding a field that is optional or
/// has a default keeps it (readers of version 1 ignore or default it); renaming or removing a
/// field, or changing its type or meaning, raises it (docs/record-schema.md).
pub const SCHEMA_VERSION: u32 = 1;

/// What kind of page a record comes from, written as `page_type` (lowercase).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PageType {
    /// A news article, blog post, report, brief or column: one authored text.
    #[default]
    Article,
    /// A page that lists other pages: home, section, tag, author, search, archive,
    /// collection and gallery indexes.
    Listing,
    /// A discussion: forum threads, Q&A pages, comment threads.
    Forum,
    /// A product page: one thing for sale, its description, specifications and offers.
    Product,
    /// Documentation: manuals, API references, guides, help and knowledge-base pages.
    Documentation,
    /// A page about a company or site: company and landing pages, about, contact and legal
    /// pages.
    Service,
    /// Anything else (a form, a media player, an error page).
    Other,
}

impl PageType {
    /// Every type, in the order above.
    pub const ALL: [PageType; 7] = [
        PageType::Article,
        PageType::Listing,
        PageType::Forum,
        PageType::Product,
        PageType::Documentation,
        PageType::Service,
        PageType::Other,
    ];

    /// The name written in records (`article`, `listing`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            PageType::Article => "article",
            PageType::Listing => "listing",
            PageType::Forum => "forum",
            PageType::Product => "product",
            PageType::Documentation => "documentation",
            PageType::Service => "service",
            PageType::Other => "other",
        }
    }
}

impl fmt::Display for PageType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for PageType {
    type Err = String;

    fn from_str(s: &str) -> Result<PageType, String> {
        PageType::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| format!("unknown page type `{s}`"))
    }
}

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
    /// `site:<file>`, `theme:<name>`, `readability` or `jsonld`.
    pub method: Method,
    /// Number of removals per rule id.
    pub removed: BTreeMap<String, u32>,
    /// The removed texts, only with `--explain`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub explain: Option<Vec<Removal>>,
    /// Encoding the page was decoded with and where that came from.
    pub charset: String,
    /// Why [`Article::page_type`]: the scores (`article=21>listing=4`) or the URL guard that
    /// decided (`guard:listing-url`), then the winner's signals with their points
    /// (`date:dateline+4`, `ld:article+2`, …; `crate::extract::page_type`); empty in
    /// records written before pages were classified.
    #[serde(default)]
    pub page_type_evidence: Vec<String>,
}

/// How the article's body was found, written as `extraction.method`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Method {
    /// Readability-style scoring of the page: `readability`.
    #[default]
    Readability,
    /// The JSON-LD `articleBody`, when the markup gave no body: `jsonld`.
    JsonLd,
    /// A site file's body selector: `site:<file>`, the file's path in its selectors folder.
    Site(String),
    /// A theme's body selector: `theme:<name>`.
    Theme(String),
    /// The extraction for a page type other than `article` (`crate::extract::by_type`):
    /// `type:<page type>`.
    ByType(PageType),
}

/// `extraction.method` of a body found by scoring.
const READABILITY: &str = "readability";
/// `extraction.method` of a body taken from JSON-LD.
const JSONLD: &str = "jsonld";
/// Prefix of `extraction.method` for a site file.
const SITE_PREFIX: &str = "site:";
/// Prefix of `extraction.method` for a theme.
const THEME_PREFIX: &str = "theme:";
/// Prefix of `extraction.method` for the extraction by page type.
const TYPE_PREFIX: &str = "type:";

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Method::Readability => f.write_str(READABILITY),
            Method::JsonLd => f.write_str(JSONLD),
            Method::Site(file) => write!(f, "{SITE_PREFIX}{file}"),
            Method::Theme(name) => write!(f, "{THEME_PREFIX}{name}"),
            Method::ByType(t) => write!(f, "{TYPE_PREFIX}{t}"),
        }
    }
}

impl std::str::FromStr for Method {
    type Err = String;

    fn from_str(s: &str) -> Result<Method, String> {
        if let Some(file) = s.strip_prefix(SITE_PREFIX) {
            return Ok(Method::Site(file.to_string()));
        }
        if let Some(name) = s.strip_prefix(THEME_PREFIX) {
            return Ok(Method::Theme(name.to_string()));
        }
        if let Some(t) = s.strip_prefix(TYPE_PREFIX) {
            return t.parse().map(Method::ByType);
        }
        match s {
            READABILITY => Ok(Method::Readability),
            JSONLD => Ok(Method::JsonLd),
            other => Err(format!("unknown extraction method `{other}`")),
        }
    }
}

impl Serialize for Method {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Method {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Method, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Where a date came from, written as `date_published_source` / `date_modified_source`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DateSource {
    /// The article's JSON-LD object.
    #[serde(rename = "jsonld")]
    JsonLd,
    /// A `<meta>` tag.
    #[serde(rename = "meta")]
    Meta,
    /// A `<time datetime>` element, microdata, or a site rule's date selector.
    #[serde(rename = "time")]
    Time,
    /// The page's URL (`/2021/05/03/`).
    #[serde(rename = "url")]
    Url,
    /// Text on the page (a date element, a dateline next to the headline).
    #[serde(rename = "text")]
    Text,
}

impl DateSource {
    /// True for a date the page declares for machines (JSON-LD, meta, `<time>`), not one read
    /// from its URL or text.
    pub fn is_declared(self) -> bool {
        matches!(self, DateSource::JsonLd | DateSource::Meta | DateSource::Time)
    }
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
    /// What kind of page it is; why is in `extraction.page_type_evidence`. Records written
    /// before the field existed read back as `article`.
    #[serde(default)]
    pub page_type: PageType,
    /// The cleaned article body: blocks separated by a blank line.
    pub text: String,
    /// The same body as GitHub-flavoured Markdown, when asked for (`--markdown`).
    #[serde(default)]
    pub markdown: Option<String>,
    /// The same body as minimal, safe HTML, when asked for (`--article-html`).
    #[serde(default)]
    pub article_html: Option<String>,
    /// The images of the body, in document order.
    #[serde(default)]
    pub images: Vec<Image>,
    /// Author names.
    pub authors: Vec<String>,
    /// Publication date, ISO 8601.
    pub date_published: Option<String>,
    /// Where the publication date came from: jsonld, meta, time, url or text.
    pub date_published_source: Option<DateSource>,
    /// Modification date, ISO 8601.
    pub date_modified: Option<String>,
    /// Where the modification date came from.
    pub date_modified_source: Option<DateSource>,
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
///
/// The JSON object has the article's fields with the record's own among them, in the schema's
/// order (see the `Serialize` impl); reading one back takes the article's fields into
/// [`Record::article`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Record {
    /// Stable id: hash of the canonical URL (or URL), else of the content.
    pub id: String,
    /// The extracted article, its blank strings as `None`.
    #[serde(flatten)]
    pub article: Article,
    /// Host of the canonical URL or URL, without `www.`.
    pub source_domain: Option<String>,
    /// Words in `text`.
    pub word_count: usize,
    /// SHA-256 of `text`, hex (first 32 chars).
    pub content_hash: String,
    /// The file the page came from, when extracting files.
    pub source_path: Option<String>,
    /// Schema version, currently 1.
    pub schema_version: u32,
    /// When the page was fetched (RFC 3339, UTC); fetched records only.
    #[serde(default)]
    pub date_fetched: Option<String>,
    /// The HTTP response; fetched records only.
    #[serde(default)]
    pub http: Option<HttpInfo>,
    /// How the crawler found the page; crawled records only.
    #[serde(default)]
    pub crawl: Option<CrawlInfo>,
    /// 1 for the first record of a URL, 2… when a recrawl found its text changed; crawled
    /// records only.
    #[serde(default)]
    pub revision: Option<u32>,
    /// The earlier record whose text this one duplicates (syndicated copies); crawled
    /// records only, absent when the text is new.
    #[serde(default)]
    pub duplicate_of: Option<DuplicateOf>,
}

/// Fields every record has: `id`, the article's 19 fields (`markdown` and `article_html`
/// aside), `source_domain`,
/// `word_count`, `content_hash`, `source_path` and `schema_version`.
const RECORD_FIELDS: usize = 25;

impl Serialize for Record {
    /// The schema's order: the record's own fields stand among the article's (`source_domain`
    /// after `canonical_url`, `word_count`… before `extraction`), `page_type` after `title`
    /// (what the page is, next to what it is called, before its text); the fields of fetched
    /// and crawled records are left out when unset.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let a = &self.article;
        let optional = [
            a.markdown.is_some(),
            a.article_html.is_some(),
            self.date_fetched.is_some(),
            self.http.is_some(),
            self.crawl.is_some(),
            self.revision.is_some(),
            self.duplicate_of.is_some(),
        ];
        let len = RECORD_FIELDS + optional.iter().filter(|set| **set).count();
        let mut m = serializer.serialize_struct("Record", len)?;
        m.serialize_field("id", &self.id)?;
        m.serialize_field("url", &a.url)?;
        m.serialize_field("canonical_url", &a.canonical_url)?;
        m.serialize_field("source_domain", &self.source_domain)?;
        m.serialize_field("site_name", &a.site_name)?;
        m.serialize_field("title", &a.title)?;
        m.serialize_field("page_type", &a.page_type)?;
        m.serialize_field("text", &a.text)?;
        optional_field(&mut m, "markdown", &a.markdown)?;
        optional_field(&mut m, "article_html", &a.article_html)?;
        m.serialize_field("authors", &a.authors)?;
        m.serialize_field("date_published", &a.date_published)?;
        m.serialize_field("date_published_source", &a.date_published_source)?;
        m.serialize_field("date_modified", &a.date_modified)?;
        m.serialize_field("date_modified_source", &a.date_modified_source)?;
        m.serialize_field("language", &a.language)?;
        m.serialize_field("description", &a.description)?;
        m.serialize_field("image_url", &a.image_url)?;
        m.serialize_field("images", &a.images)?;
        m.serialize_field("section", &a.section)?;
        m.serialize_field("tags", &a.tags)?;
        m.serialize_field("breadcrumbs", &a.breadcrumbs)?;
        m.serialize_field("word_count", &self.word_count)?;
        m.serialize_field("content_hash", &self.content_hash)?;
        m.serialize_field("source_path", &self.source_path)?;
        m.serialize_field("extraction", &a.extraction)?;
        m.serialize_field("schema_version", &self.schema_version)?;
        optional_field(&mut m, "date_fetched", &self.date_fetched)?;
        optional_field(&mut m, "http", &self.http)?;
        optional_field(&mut m, "crawl", &self.crawl)?;
        optional_field(&mut m, "revision", &self.revision)?;
        optional_field(&mut m, "duplicate_of", &self.duplicate_of)?;
        m.end()
    }
}

/// Write `value` under `key` when it is set, else skip the field (as
/// `skip_serializing_if = "Option::is_none"` does).
fn optional_field<M: SerializeStruct, T: Serialize>(
    m: &mut M,
    key: &'static str,
    value: &Option<T>,
) -> Result<(), M::Error> {
    if value.is_some() {
        m.serialize_field(key, value)
    } else {
        m.skip_field(key)
    }
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
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Block {
    /// The text, whitespace collapsed, `\n` for `<br>` (a code block's text as written, a
    /// table's rows one a line with cells tab-separated, a formula's TeX source or MathML tokens).
    pub text: String,
    /// Characters of `text`.
    pub chars: usize,
    /// Characters inside links.
    pub link_chars: usize,
    /// Name of the innermost block element that produced it (`p`, `h2`, `li`, …).
    pub tag: String,
    /// Number of distinct links in the block.
    pub links: usize,
    /// What the block is, with its structure.
    pub kind: BlockKind,
    /// The list item it belongs to, when inside a list.
    pub list: Option<ListItem>,
    /// How many `<blockquote>`s it is inside.
    pub quote: u8,
    /// The text as inline Markdown (escaped, `**strong**`, `*em*`, `` `code` ``, inline
    /// `$math$` and images), lines separated by `\n`; empty unless Markdown was asked for.
    pub md: String,
    /// The images of the block, in document order.
    pub images: Vec<Image>,
}

/// What a [`Block`] is.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum BlockKind {
    /// A paragraph (or any other run of text).
    #[default]
    Paragraph,
    /// A heading of level 1–6.
    Heading(u8),
    /// A `<pre>` block: `text` is the code byte for byte.
    Code {
        /// The language named by the markup (`language-x`, `lang-x`, `highlight-x`,
        /// `brush: x`), lowercased.
        lang: Option<String>,
    },
    /// A data table: `text` has its caption and rows.
    Table(Table),
    /// A display formula: `text` is its TeX source (or its MathML's tokens), `md` its TeX.
    Math,
    /// A figure caption (`<figcaption>`), following its images.
    Caption,
}

/// Where a block stands in a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListItem {
    /// 0 for a top-level list, 1 inside it, …
    pub depth: u8,
    /// `<ol>` rather than `<ul>`.
    pub ordered: bool,
    /// The item's number (its list's `start`, counted on; 1… for unordered lists too).
    pub number: u32,
    /// True for the item's first block (which carries the bullet or number).
    pub first: bool,
}

/// A data table's content as inline Markdown cells (filled when Markdown was asked for).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// The `<caption>`, as inline Markdown.
    pub caption: Option<String>,
    /// The rows, each as wide as the widest (spanned cells empty); the first is the header.
    pub rows: Vec<Vec<String>>,
}

/// An image of the article body, written in the record's `images`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    /// Absolute URL.
    pub url: String,
    /// `alt` text (`null` when absent or empty).
    pub alt: Option<String>,
    /// The caption (`<figcaption>`), when the image has one.
    pub caption: Option<String>,
}

impl Block {
    /// A plain paragraph of `text` (already collapsed).
    pub fn paragraph(text: String, tag: &str) -> Block {
        Block {
            chars: text.chars().count(),
            tag: tag.to_string(),
            text,
            ..Block::default()
        }
    }

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
