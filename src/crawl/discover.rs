//! Discovery documents: sitemaps (XML `urlset`/`sitemapindex`, Google News tags, gzip,
//! plain-text lists) streamed with quick-xml, and feeds (RSS, Atom, JSON Feed) through
//! feed-rs. Bytes in, URL entries out; no I/O. A gzip body is inflated with a hard cap, so
//! a compression bomb is an error, never an allocation.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};
use quick_xml::events::Event;
use std::io::Read;

/// At most this many entries are read from one sitemap (the protocol's own limit).
pub const MAX_ENTRIES: usize = 50_000;
/// Bytes looked at to sniff what a document is.
const SNIFF_BYTES: usize = 2048;

/// Conventional locations tried when robots.txt names no sitemap.
pub const CONVENTIONAL_SITEMAPS: &[&str] = &[
    "/sitemap.xml",
    "/sitemap_index.xml",
    "/news-sitemap.xml",
    "/wp-sitemap.xml",
];
/// Conventional feed locations tried when a home page declares no feed.
pub const CONVENTIONAL_FEEDS: &[&str] = &["/feed/", "/rss.xml", "/feed.xml", "/atom.xml"];

/// Why a sitemap or feed could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    /// Not well-formed XML.
    #[error("malformed sitemap XML: {0}")]
    Malformed(String),
    /// Bigger than the cap once inflated.
    #[error("larger than {limit} bytes once inflated")]
    TooLarge {
        /// The cap.
        limit: usize,
    },
    /// A broken gzip stream.
    #[error("bad gzip data: {0}")]
    Gzip(String),
    /// Well-formed, but neither a `urlset` nor a `sitemapindex`.
    #[error("not a sitemap (root element <{0}>)")]
    NotASitemap(String),
    /// feed-rs could not read it.
    #[error("unreadable feed: {0}")]
    Feed(String),
}

/// One `<url>` or `<sitemap>` entry.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SitemapEntry {
    /// `<loc>`.
    pub loc: String,
    /// `<lastmod>`.
    pub lastmod: Option<DateTime<FixedOffset>>,
    /// `<news:publication_date>`.
    pub news_publication_date: Option<DateTime<FixedOffset>>,
    /// `<news:title>`.
    pub news_title: Option<String>,
}

/// A parsed sitemap.
#[derive(Debug, Clone, PartialEq)]
pub enum Sitemap {
    /// A `sitemapindex`: more sitemaps.
    Index(Vec<SitemapEntry>),
    /// A `urlset`: pages; `news` when it carries Google News tags.
    UrlSet {
        /// The pages.
        entries: Vec<SitemapEntry>,
        /// Any entry had `news:` tags.
        news: bool,
    },
}

/// Inflate gzip (by magic bytes) with a cap; other bodies pass through.
fn inflate(bytes: &[u8], max_bytes: usize) -> Result<std::borrow::Cow<'_, [u8]>, DiscoverError> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(std::borrow::Cow::Borrowed(bytes));
    }
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .take(max_bytes as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| DiscoverError::Gzip(e.to_string()))?;
    if out.len() > max_bytes {
        return Err(DiscoverError::TooLarge { limit: max_bytes });
    }
    Ok(std::borrow::Cow::Owned(out))
}

fn skip_prolog(b: &[u8]) -> &[u8] {
    let b = b.strip_prefix(&[0xef, 0xbb, 0xbf]).unwrap_or(b);
    let start = b.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(b.len());
    &b[start..]
}

/// Parse a sitemap (see the module comment).
pub fn parse_sitemap(bytes: &[u8], max_bytes: usize) -> Result<Sitemap, DiscoverError> {
    let body = inflate(bytes, max_bytes)?;
    if body.len() > max_bytes {
        return Err(DiscoverError::TooLarge { limit: max_bytes });
    }
    let trimmed = skip_prolog(&body);
    if !trimmed.starts_with(b"<") {
        return plain_text(trimmed);
    }
    let mut reader = quick_xml::Reader::from_reader(trimmed);
    reader.config_mut().check_end_names = true;
    let mut buf = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut root: Option<String> = None;
    let mut entries = Vec::new();
    let mut cur: Option<SitemapEntry> = None;
    let mut text = String::new();
    let mut news = false;
    loop {
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|e| DiscoverError::Malformed(format!("at byte {}: {e}", reader.error_position())))?;
        match ev {
            Event::Start(e) => {
                let name = local(e.local_name().as_ref());
                if root.is_none() {
                    if name != "urlset" && name != "sitemapindex" {
                        return Err(DiscoverError::NotASitemap(name));
                    }
                    root = Some(name.clone());
                }
                if name == "url" || name == "sitemap" {
                    cur = Some(SitemapEntry::default());
                }
                if name == "news" {
                    news = true;
                }
                text.clear();
                stack.push(name);
            }
            Event::Empty(e) if root.is_none() => {
                return Err(DiscoverError::NotASitemap(local(e.local_name().as_ref())));
            }
            Event::Text(t) => {
                text.push_str(&t.decode().unwrap_or_default());
            }
            Event::CData(t) => {
                text.push_str(&String::from_utf8_lossy(&t.into_inner()));
            }
            Event::GeneralRef(r) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    text.push(c);
                } else {
                    let name = r.decode().unwrap_or_default();
                    text.push_str(match name.as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    });
                }
            }
            Event::End(_) => {
                let Some(name) = stack.pop() else {
                    return Err(DiscoverError::Malformed(
                        "closing tag without an opening tag".into(),
                    ));
                };
                let parent = stack.last().map(String::as_str);
                let value = text.trim().to_string();
                if let Some(e) = cur.as_mut() {
                    match (name.as_str(), parent) {
                        ("loc", Some("url" | "sitemap")) => e.loc = value,
                        ("lastmod", Some("url" | "sitemap")) => e.lastmod = parse_w3c_datetime(&value),
                        ("publication_date", _) => e.news_publication_date = parse_w3c_datetime(&value),
                        ("title", Some("news")) => e.news_title = Some(value).filter(|v| !v.is_empty()),
                        _ => {}
                    }
                }
                if name == "url" || name == "sitemap" {
                    if let Some(e) = cur.take().filter(|e| !e.loc.is_empty()) {
                        if entries.len() < MAX_ENTRIES {
                            entries.push(e);
                        }
                    }
                }
                text.clear();
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if let Some(open) = stack.last() {
        return Err(DiscoverError::Malformed(format!("document ends inside <{open}>")));
    }
    match root.as_deref() {
        Some("sitemapindex") => Ok(Sitemap::Index(entries)),
        Some(_) => Ok(Sitemap::UrlSet { entries, news }),
        None => Err(DiscoverError::Malformed("no root element".into())),
    }
}

fn local(name: &[u8]) -> String {
    String::from_utf8_lossy(name).to_ascii_lowercase()
}

/// A plain-text sitemap: one absolute URL per line.
fn plain_text(body: &[u8]) -> Result<Sitemap, DiscoverError> {
    let text = String::from_utf8_lossy(body);
    let entries: Vec<SitemapEntry> = text
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("http://") || l.starts_with("https://"))
        .filter(|l| url::Url::parse(l).is_ok())
        .take(MAX_ENTRIES)
        .map(|l| SitemapEntry {
            loc: l.to_string(),
            ..Default::default()
        })
        .collect();
    if entries.is_empty() {
        return Err(DiscoverError::NotASitemap("plain text without URLs".into()));
    }
    Ok(Sitemap::UrlSet { entries, news: false })
}

/// W3C Datetime as used in sitemaps (`2026`, `2026-11`, `2026-11-20`, with time and zone,
/// fractions), RFC 3339 and RFC 2822. A date alone means 00:00 UTC.
pub fn parse_w3c_datetime(s: &str) -> Option<DateTime<FixedOffset>> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d);
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Some(d);
    }
    let utc = FixedOffset::east_opt(0)?;
    // Minutes without seconds, with a zone: 2026-11-20T08:30Z / +01:00.
    for fmt in ["%Y-%m-%dT%H:%M%:z", "%Y-%m-%dT%H:%M%z"] {
        if let Ok(d) = DateTime::parse_from_str(s, fmt) {
            return Some(d);
        }
    }
    if let Some(base) = s.strip_suffix('Z') {
        for fmt in ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%.f"] {
            if let Ok(n) = chrono::NaiveDateTime::parse_from_str(base, fmt) {
                return utc.from_local_datetime(&n).single();
            }
        }
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"] {
        if let Ok(n) = chrono::NaiveDateTime::parse_from_str(s, fmt) {
            return utc.from_local_datetime(&n).single();
        }
    }
    let date = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d"))
        .or_else(|_| NaiveDate::parse_from_str(&format!("{s}-01-01"), "%Y-%m-%d"))
        .ok()?;
    utc.from_local_datetime(&date.and_hms_opt(0, 0, 0)?).single()
}

/// One feed entry.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedItem {
    /// The entry's page.
    pub url: String,
    /// Published (else updated) date.
    pub published: Option<DateTime<FixedOffset>>,
    /// Title.
    pub title: Option<String>,
}

/// Parse RSS 0.9x/1.0/2.0, Atom or JSON Feed; relative links resolved against `base`.
pub fn parse_feed(
    bytes: &[u8],
    base: Option<&url::Url>,
    max_bytes: usize,
) -> Result<Vec<FeedItem>, DiscoverError> {
    let body = inflate(bytes, max_bytes)?;
    let feed = feed_rs::parser::parse(&body[..]).map_err(|e| DiscoverError::Feed(e.to_string()))?;
    let mut out = Vec::new();
    for e in feed.entries.into_iter().take(MAX_ENTRIES) {
        let link = e
            .links
            .iter()
            .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
            .or_else(|| e.links.first())
            .map(|l| l.href.clone())
            .or_else(|| Some(e.id.clone()).filter(|id| id.starts_with("http")));
        let Some(href) = link else { continue };
        let resolved = match base {
            Some(b) => b.join(href.trim()).map(|u| u.to_string()).ok(),
            None => url::Url::parse(href.trim()).map(|u| u.to_string()).ok(),
        };
        let Some(url) = resolved else { continue };
        out.push(FeedItem {
            url,
            published: e.published.or(e.updated).map(|d| d.fixed_offset()),
            title: e.title.map(|t| t.content),
        });
    }
    Ok(out)
}

/// Is this body (after optional gzip) a feed rather than a sitemap?
pub fn looks_like_feed(bytes: &[u8]) -> bool {
    let head: Vec<u8> = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut v = Vec::new();
        let _ = flate2::read::MultiGzDecoder::new(bytes)
            .take(SNIFF_BYTES as u64)
            .read_to_end(&mut v);
        v
    } else {
        bytes[..bytes.len().min(SNIFF_BYTES)].to_vec()
    };
    let b = skip_prolog(&head);
    if b.starts_with(b"{") {
        return String::from_utf8_lossy(b).contains("jsonfeed.org");
    }
    let mut reader = quick_xml::Reader::from_reader(b);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let name = local(e.local_name().as_ref());
                return name == "rss" || name == "feed" || name == "rdf";
            }
            Ok(Event::Eof) | Err(_) => return false,
            _ => {}
        }
        buf.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const CAP: usize = 1024 * 1024;

    fn gz(b: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(b).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn sitemap_index() {
        let x = br#"<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
 <sitemap><loc>https://a.test/news-sitemap.xml</loc><lastmod>2026-11-27T10:00:00+00:00</lastmod></sitemap>
 <sitemap><loc> https://a.test/post-sitemap.xml.gz </loc></sitemap>
</sitemapindex>"#;
        let Sitemap::Index(e) = parse_sitemap(x, CAP).unwrap() else {
            panic!("index")
        };
        assert_eq!(e.len(), 2);
        assert_eq!(e[1].loc, "https://a.test/post-sitemap.xml.gz");
        assert_eq!(e[0].lastmod.unwrap().to_rfc3339(), "2026-11-27T10:00:00+00:00");
    }

    #[test]
    fn news_urlset_with_images_and_entities() {
        let x = br#"<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
<url><loc>https://a.test/story?id=1&amp;x=2</loc>
 <image:image><image:loc>https://a.test/i.jpg</image:loc><image:title>Picture title</image:title></image:image>
 <news:news><news:publication><news:name>A</news:name><news:language>en</news:language></news:publication>
 <news:publication_date>2026-11-26T08:30Z</news:publication_date><news:title><![CDATA[Cranes & ships]]></news:title></news:news>
</url>
<url><loc>https://a.test/old</loc><lastmod>2025-06-14</lastmod></url>
</urlset>"#;
        let Sitemap::UrlSet { entries, news } = parse_sitemap(x, CAP).unwrap() else {
            panic!("urlset")
        };
        assert!(news);
        assert_eq!(entries[0].loc, "https://a.test/story?id=1&x=2");
        assert_eq!(entries[0].news_title.as_deref(), Some("Cranes & ships"));
        assert_eq!(
            entries[0].news_publication_date.unwrap().to_rfc3339(),
            "2026-11-26T08:30:00+00:00"
        );
        assert_eq!(
            entries[1].lastmod.unwrap().to_rfc3339(),
            "2025-06-14T00:00:00+00:00"
        );
        assert_eq!(entries[1].news_title, None);
    }

    #[test]
    fn gzip_plain_text_and_bombs() {
        let x = b"<urlset><url><loc>https://a.test/x</loc></url></urlset>";
        assert!(matches!(parse_sitemap(&gz(x), CAP), Ok(Sitemap::UrlSet { .. })));
        let bomb = gz(&vec![b' '; 20 * 1024 * 1024]);
        assert!(matches!(
            parse_sitemap(&bomb, CAP),
            Err(DiscoverError::TooLarge { .. })
        ));
        let txt = b"https://a.test/a\nhttps://a.test/b\n\nnot a url\n";
        let Sitemap::UrlSet { entries, .. } = parse_sitemap(txt, CAP).unwrap() else {
            panic!()
        };
        assert_eq!(entries.len(), 2);
    }

    #[test]
    fn malformed_and_foreign_documents_are_errors() {
        let broken = b"<urlset><url><loc>https://a.test/x</loc>\n<url><loc>https://a.test/y\n</urlset";
        assert!(matches!(
            parse_sitemap(broken, CAP),
            Err(DiscoverError::Malformed(_))
        ));
        let unclosed = b"<urlset><url><loc>https://a.test/x</loc></url>";
        assert!(matches!(
            parse_sitemap(unclosed, CAP),
            Err(DiscoverError::Malformed(_))
        ));
        let html = b"<html><body>hi</body></html>";
        assert!(matches!(
            parse_sitemap(html, CAP),
            Err(DiscoverError::NotASitemap(_))
        ));
    }

    #[test]
    fn dates() {
        let f = |s: &str| parse_w3c_datetime(s).map(|d| d.to_rfc3339());
        assert_eq!(f("2026"), Some("2026-01-01T00:00:00+00:00".into()));
        assert_eq!(f("2026-11"), Some("2026-11-01T00:00:00+00:00".into()));
        assert_eq!(
            f("2026-11-20T08:30:00.123Z"),
            Some("2026-11-20T08:30:00.123+00:00".into())
        );
        assert_eq!(
            f("2026-11-20T08:30+01:00"),
            Some("2026-11-20T08:30:00+01:00".into())
        );
        assert_eq!(
            f("Fri, 20 Nov 2026 08:30:00 +0000"),
            Some("2026-11-20T08:30:00+00:00".into())
        );
        assert_eq!(f("yesterday"), None);
    }

    #[test]
    fn feeds() {
        let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>V</title><link>http://v.test/</link>
<item><title>One</title><link>/2026/11/18/one/</link><pubDate>Wed, 18 Nov 2026 10:15:00 +0000</pubDate><guid isPermaLink="false">http://v.test/?p=1</guid></item>
</channel></rss>"#;
        assert!(looks_like_feed(rss));
        let base = url::Url::parse("http://v.test/feed.xml").unwrap();
        let items = parse_feed(rss, Some(&base), CAP).unwrap();
        assert_eq!(items[0].url, "http://v.test/2026/11/18/one/");
        assert_eq!(
            items[0].published.unwrap().to_rfc3339(),
            "2026-11-18T10:15:00+00:00"
        );
        let atom = br#"<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>x</id><updated>2026-11-20T00:00:00Z</updated>
<entry><title>T</title><id>urn:1</id><link rel="alternate" href="https://a.test/t"/><link rel="edit" href="https://a.test/e"/><updated>2026-11-20T00:00:00Z</updated></entry></feed>"#;
        assert!(looks_like_feed(atom));
        assert_eq!(parse_feed(atom, None, CAP).unwrap()[0].url, "https://a.test/t");
        assert!(!looks_like_feed(b"<urlset></urlset>"));
        assert!(parse_feed(b"<html></html>", None, CAP).is_err());
    }
}
