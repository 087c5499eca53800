//! Fuzz targets: one function per input parser, taking arbitrary bytes and checking what
//! must hold for any input: no panic, no hang (the page limits), and the invariants a
//! caller relies on (a canonical URL is its own canonical form, a record's text is never
//! empty). The coverage-guided targets in `fuzz/` (cargo fuzz) and the bounded run of
//! `tests/fuzz.rs` call these same functions; a crash either finds goes to
//! `fuzz/regressions/<target>/` and is replayed by `cargo test`.

use crate::crawl::{discover, robots::Robots, traps, urls};
use crate::limits::Limits;
use crate::{process, process_for_crawl, Error, Options, Page, Rules};
use std::sync::LazyLock;
use std::time::Duration;
use url::Url;

/// Names of the targets, as in `fuzz/fuzz_targets/` and `fuzz/corpus/`.
pub const TARGETS: &[&str] = &["html", "decode", "warc", "robots", "sitemap", "feed", "urls"];

static RULES: LazyLock<Option<Rules>> = LazyLock::new(|| Rules::bundled().ok());
static BASE: LazyLock<Option<Url>> =
    LazyLock::new(|| Url::parse("https://fuzz.test/news/2026/11/story.html").ok());

/// Run target `name` on `data`; `false` for an unknown name.
pub fn run(name: &str, data: &[u8]) -> bool {
    match name {
        "html" => html(data),
        "decode" => decode(data),
        "warc" => warc(data),
        "robots" => robots(data),
        "sitemap" => sitemap(data),
        "feed" => feed(data),
        "urls" => url_text(data),
        _ => return false,
    }
    true
}

/// The extractor, as `extract` and `crawl` call it. The first byte picks a content type
/// (none, a charset, a wrong one) so that header/meta precedence is fuzzed too.
pub fn html(data: &[u8]) {
    let Some(rules) = RULES.as_ref() else { return };
    let content_type = match data.first().map(|b| b % 4) {
        Some(1) => Some("text/html; charset=utf-8"),
        Some(2) => Some("text/html; charset=windows-1251"),
        Some(3) => Some("text/html; charset=bogus"),
        _ => None,
    };
    let page = Page {
        bytes: data,
        url: Some("https://fuzz.test/news/2026/11/story.html"),
        content_type,
        content_language: None,
    };
    let opts = Options {
        explain: data.len().is_multiple_of(2),
        markdown: data.len().is_multiple_of(3),
        links: data.len().is_multiple_of(5),
        article_html: data.len().is_multiple_of(7),
        limits: Limits {
            timeout: Some(Duration::from_secs(10)),
            ..Limits::default()
        },
    };
    match process(&page, rules, &opts) {
        Ok(a) => {
            assert!(!a.text.is_empty(), "an article with no text");
            if let Some(h) = &a.article_html {
                assert_safe_html(h);
            }
        }
        // `process` turns panics into errors so that a batch goes on; here they are bugs.
        Err(Error::Panic(m)) => panic!("extraction panicked: {m}"),
        // The engine fails only on a bug or out of memory, which fuzz inputs never reach.
        Err(Error::Engine(m)) => panic!("the HTML engine failed: {m}"),
        // Fuzz inputs are small: running out of time on one is a hang.
        Err(Error::Timeout(t)) => panic!("extraction of {} bytes took longer than {t:?}", data.len()),
        Err(_) => {}
    }
    let (res, info) = process_for_crawl(&page, rules, &opts);
    match res {
        Err(Error::Panic(m)) => panic!("extraction for the crawler panicked: {m}"),
        Err(Error::Engine(m)) => panic!("the HTML engine failed for the crawler: {m}"),
        _ => {}
    }
    for href in info.links.iter().take(1000) {
        let _ = urls::resolve(BASE.as_ref(), href);
    }
}

/// The charset decoder: always valid text without NULs, and a declared UTF-8 page that is
/// valid UTF-8 reads back as itself (without its NULs and BOM).
pub fn decode(data: &[u8]) {
    let (ct, body) = match data.split_first() {
        Some((b, rest)) if b % 3 == 0 => (Some("text/html; charset=utf-8"), rest),
        Some((b, rest)) if b % 3 == 1 => (Some("text/html; charset=shift_jis"), rest),
        Some((_, rest)) => (None, rest),
        None => (None, data),
    };
    let d = crate::html::decode::decode_html(body, ct);
    assert!(!d.text.contains('\0'), "a NUL in decoded text");
    if ct == Some("text/html; charset=utf-8") {
        if let Ok(s) = std::str::from_utf8(body) {
            let want = s.replace('\0', "");
            let want = want.trim_start_matches('\u{feff}');
            assert_eq!(d.text.trim_start_matches('\u{feff}'), want);
        }
    }
    let _ = crate::html::decode::looks_binary(body);
}

/// The WARC reader: every record ends as a page or a reason, and reading always ends.
pub fn warc(data: &[u8]) {
    let Ok(pages) = crate::warc::WarcPages::new(data, "fuzz.warc") else {
        return;
    };
    let pages = pages.with_max_payload(1 << 20);
    // Each record consumes input, so a bounded number of items come out.
    for (i, page) in pages.enumerate() {
        assert!(i <= data.len(), "more records than input bytes");
        if let Ok(p) = page {
            assert!(p.body.len() <= 1 << 20);
        }
    }
}

/// robots.txt: any body gives a policy, asked about a few URLs.
pub fn robots(data: &[u8]) {
    let r = Robots::parse("newsharvest", data);
    for u in [
        "https://fuzz.test/",
        "https://fuzz.test/private/x?y=1",
        "https://fuzz.test/%E2%82%AC/",
    ] {
        if let Ok(u) = Url::parse(u) {
            let _ = r.allowed(&u);
        }
    }
}

/// Sitemaps (XML, text, gzip): entries are absolute http(s) URLs when resolved.
pub fn sitemap(data: &[u8]) {
    if let Ok(discover::Sitemap::UrlSet { entries, .. }) = discover::parse_sitemap(data, 1 << 20) {
        for e in entries.iter().take(1000) {
            let _ = urls::resolve(BASE.as_ref(), &e.loc);
        }
    }
}

/// Feeds (RSS, Atom, JSON Feed), and the sniffer that tells them from sitemaps.
pub fn feed(data: &[u8]) {
    let _ = discover::looks_like_feed(data);
    if let Ok(items) = discover::parse_feed(data, BASE.as_ref(), 1 << 20) {
        for i in &items {
            assert!(
                i.url.starts_with("http"),
                "a feed item without a web URL: {}",
                i.url
            );
        }
    }
}

/// URL resolution and canonicalisation: a canonical URL is its own canonical form, and the
/// trap rules take any URL.
pub fn url_text(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Some(u) = urls::resolve(BASE.as_ref(), &text) else {
        return;
    };
    let again = urls::canonicalize(&u);
    assert_eq!(again.as_str(), u.as_str(), "canonicalize is not idempotent");
    let _ = traps::pattern(&u);
    let _ = traps::pathological(&u);
    let _ = urls::is_asset(&u);
    let _ = urls::registrable_domain(u.host_str().unwrap_or(""));
}

/// `article_html` carries no active content: only the renderer's own elements and
/// attributes, and only http(s) URLs in `href` and `src`.
fn assert_safe_html(html: &str) {
    const ELEMENTS: &[&str] = &[
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "blockquote",
        "pre",
        "code",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "img",
        "a",
        "strong",
        "em",
        "del",
        "br",
        "hr",
        "span",
    ];
    const ATTRIBUTES: &[&str] = &["href", "src", "alt", "title", "class", "start"];
    // Text never holds a raw `<` (it is written `&lt;`), so every `<` opens a tag.
    for tag in html.split('<').skip(1) {
        let tag = tag.split('>').next().unwrap_or("").trim_start_matches('/');
        let name: String = tag.chars().take_while(char::is_ascii_alphanumeric).collect();
        assert!(
            ELEMENTS.contains(&name.as_str()),
            "element <{name}> in article_html: {html}"
        );
        // Attributes: `name="value"` pairs (values are written quoted, `"` escaped inside).
        let mut rest = tag[name.len()..].trim_start();
        while let Some(eq) = rest.find("=\"") {
            let attr = rest[..eq].trim();
            let value_end = rest[eq + 2..].find('"').map_or(rest.len(), |e| eq + 2 + e);
            let value = &rest[eq + 2..value_end];
            assert!(
                ATTRIBUTES.contains(&attr),
                "attribute {attr} in article_html: {html}"
            );
            if attr == "href" || attr == "src" {
                assert!(
                    value.starts_with("http://") || value.starts_with("https://"),
                    "{attr}={value} in article_html: {html}"
                );
            }
            rest = rest.get(value_end + 1..).unwrap_or("").trim_start();
        }
    }
}
