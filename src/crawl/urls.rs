//! URL canonicalisation and crawl scope.
//!
//! Turns raw hrefs into canonical `url::Url`s (the frontier's dedup key), names the registrable
//! domain of a host, decides which URLs a crawl may fetch ([`Scope`]) and which are certainly not
//! pages ([`is_asset`]). Pure functions, no I/O; it does not fetch, rank or classify pages
//! (see `super::classify` for article-or-listing).

use std::collections::BTreeSet;
use std::net::IpAddr;

use regex::Regex;
use url::Url;

use crate::url_params;
pub use crate::url_params::{SESSION_PARAMS_IF_TOKEN, TRACKING_PARAMS, TRACKING_PARAM_PREFIXES};

/// Path parameters that carry a session id (`/page;jsessionid=ABC?x=1`).
const SESSION_PATH_PARAMS: &[&str] = &["jsessionid", "phpsessid", "sessionid", "sid"];

/// File extensions (lowercase, without the dot) of resources that are never HTML pages.
pub const ASSET_EXTENSIONS: &[&str] = &[
    // images
    "jpg", "jpeg", "png", "gif", "webp", "avif", "svg", "ico", "bmp", "tif", "tiff", "heic",
    // styles, scripts, data
    "css", "js", "mjs", "map", "json", // documents
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "epub", "csv", "ics",
    // archives and binaries
    "zip", "gz", "tgz", "bz2", "xz", "7z", "rar", "tar", "exe", "dmg", "apk", "iso", "swf",
    // audio and video
    "mp3", "mp4", "m4a", "m4v", "webm", "ogg", "ogv", "oga", "wav", "flac", "mov", "avi", "mkv", "wmv", "flv",
    "m3u8", // fonts
    "woff", "woff2", "ttf", "otf", "eot",
];

/// A compressed file with this ending is a gzipped sitemap or feed, not an asset.
const COMPRESSED_XML_SUFFIX: &str = ".xml.gz";

/// Path segments of machine endpoints (CMS APIs, admin, logins) that never serve an article.
/// Feed paths such as `/feed/` are deliberately absent: discovery fetches them.
pub const NON_PAGE_SEGMENTS: &[&str] = &[
    "wp-json",              // WordPress REST API
    "xmlrpc.php",           // WordPress XML-RPC
    "wp-login.php",         // WordPress login
    "wp-admin",             // WordPress admin
    "wp-cron.php",          // WordPress cron trigger
    "wp-comments-post.php", // WordPress comment form target
    "cdn-cgi",              // Cloudflare internal endpoints (email protection, challenges)
];

/// Canonical form for dedup.
///
/// Scheme and host lowercased (the `url` crate does this when parsing), default port dropped,
/// fragment dropped, tracking and session parameters ([`url_params::is_noise_pair`]) removed,
/// remaining query pairs sorted by key (stable: duplicates keep their order), empty pairs and
/// an empty query (`?` alone) removed. Session ids in the path go too: `;jsessionid=…`
/// parameters and ASP.NET's cookieless `/(S(…))/` segment. The rest of the path is kept as
/// is, and so is the percent-encoding of every kept query pair (pairs are moved, never
/// re-encoded).
pub fn canonicalize(u: &Url) -> Url {
    let mut out = u.clone();
    out.set_fragment(None);
    if let Some(path) = strip_path_sessions(out.path()) {
        out.set_path(&path);
    }
    if out.port().is_some() && out.port() == default_port(out.scheme()) {
        // `set_port` only fails for URLs that cannot have a port; nothing to drop then.
        let _ = out.set_port(None);
    }
    let query = out.query().map(canonical_query);
    match query {
        Some(q) if !q.is_empty() => out.set_query(Some(&q)),
        _ => out.set_query(None),
    }
    out
}

/// Default port of a special scheme, for schemes the crawler cares about.
fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

/// The path without session ids, or `None` when it has none (the common case, no copy).
fn strip_path_sessions(path: &str) -> Option<String> {
    let lower = path.to_ascii_lowercase();
    let has_param = path.contains(';')
        && SESSION_PATH_PARAMS
            .iter()
            .any(|p| lower.contains(&format!(";{p}=")));
    let has_aspnet = path.contains("/(");
    if !has_param && !has_aspnet {
        return None;
    }
    let kept: Vec<String> = path
        .split('/')
        .map(|seg| {
            let mut parts = seg.split(';');
            let head = parts.next().unwrap_or("");
            let rest: Vec<&str> = parts
                .filter(|p| {
                    let key = p.split('=').next().unwrap_or("").to_ascii_lowercase();
                    !SESSION_PATH_PARAMS.contains(&key.as_str())
                })
                .collect();
            std::iter::once(head).chain(rest).collect::<Vec<_>>().join(";")
        })
        // After the parameters are gone: `/(S(…));jsessionid=x/` is a session segment too.
        .filter(|seg| !is_aspnet_session_segment(seg))
        .collect();
    Some(kept.join("/"))
}

/// ASP.NET cookieless state in the path: `(S(lit3py55t21z5v55vlm25s55))`, `(X(1)S(…))`.
fn is_aspnet_session_segment(seg: &str) -> bool {
    let Some(inner) = seg.strip_prefix('(').and_then(|s| s.strip_suffix(')')) else {
        return false;
    };
    let b = inner.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_alphabetic()
        && b.get(1) == Some(&b'(')
        && inner.ends_with(')')
        && inner.contains("S(")
}

/// The query string with tracking pairs and empty pairs removed and the rest sorted by key.
fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, &str)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .filter(|p| !url_params::is_noise_pair(p))
        .map(|p| (url_params::decoded_key(p), p))
        .collect();
    // `sort_by` is stable, so duplicate keys keep their relative order.
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    pairs.iter().map(|(_, raw)| *raw).collect::<Vec<_>>().join("&")
}

/// Resolve `href` against `base` (if any) and canonicalize it.
///
/// Whitespace around `href` is trimmed. Only `http` and `https` results are accepted: `None` for
/// an empty href, a fragment-only href (`#top`, which points back at the same page),
/// `javascript:`, `mailto:`, `tel:`, `data:`, `ftp:` and anything else that does not parse.
pub fn resolve(base: Option<&Url>, href: &str) -> Option<Url> {
    let href = href.trim();
    if href.is_empty() || href.starts_with('#') {
        return None;
    }
    let joined = match base {
        Some(b) => b.join(href).ok()?,
        None => Url::parse(href).ok()?,
    };
    let web = matches!(joined.scheme(), "http" | "https") && joined.host_str().is_some_and(|h| !h.is_empty());
    web.then(|| canonicalize(&joined))
}

/// Registrable domain ("eTLD+1") of a host, lowercased.
///
/// Uses the public suffix list: `www.bbc.co.uk` → `bbc.co.uk`; a TLD the list does not know
/// (`news.harbour-times.test`) counts as a one-label suffix, so the last two labels are kept.
/// IP addresses (with or without IPv6 brackets), single-label hosts (`localhost`) and hosts that
/// are themselves a public suffix come back unchanged. A trailing root dot is dropped.
pub fn registrable_domain(host: &str) -> String {
    let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
    let unbracketed = host.trim_start_matches('[').trim_end_matches(']');
    if unbracketed.parse::<IpAddr>().is_ok() || !host.contains('.') {
        return host;
    }
    match psl::domain_str(&host) {
        Some(d) => d.to_string(),
        None => host,
    }
}

/// Which URLs a crawl may fetch.
#[derive(Debug, Clone)]
pub struct Scope {
    /// Registrable domains of the seeds: a crawl never leaves its sites.
    domains: BTreeSet<String>,
    /// When non-empty, a URL must match at least one of these (full canonical URL string).
    include: Vec<Regex>,
    /// A URL matching any of these is out of scope, whatever `include` says.
    exclude: Vec<Regex>,
}

impl Scope {
    /// A scope over the registrable domains of `seeds`, with include/exclude regexes matched
    /// against the full canonical URL string.
    pub fn new(seeds: &[Url], include: Vec<Regex>, exclude: Vec<Regex>) -> Scope {
        let mut scope = Scope {
            domains: BTreeSet::new(),
            include,
            exclude,
        };
        for seed in seeds {
            scope.add_seed(seed);
        }
        scope
    }

    /// Add the registrable domain of `seed` (e.g. of a seed added later). A seed without a host
    /// adds nothing.
    pub fn add_seed(&mut self, seed: &Url) {
        if let Some(host) = seed.host_str() {
            self.domains.insert(registrable_domain(host));
        }
    }

    /// The registrable domains this scope admits, sorted.
    pub fn domains(&self) -> impl Iterator<Item = &str> {
        self.domains.iter().map(String::as_str)
    }

    /// In scope: `http(s)`, registrable domain among the seeds', matches at least one include
    /// regex (when any are given), matches no exclude regex. Regexes see the canonical URL.
    pub fn allows(&self, u: &Url) -> bool {
        if !matches!(u.scheme(), "http" | "https") {
            return false;
        }
        let Some(host) = u.host_str() else {
            return false;
        };
        if !self.domains.contains(&registrable_domain(host)) {
            return false;
        }
        let canonical = canonicalize(u);
        let s = canonical.as_str();
        let included = self.include.is_empty() || self.include.iter().any(|r| r.is_match(s));
        included && !self.exclude.iter().any(|r| r.is_match(s))
    }
}

/// Whether a URL is certainly not a page: its path ends in a static-asset extension
/// ([`ASSET_EXTENSIONS`]; `.gz` only when not `.xml.gz`) or it is a CMS machine endpoint
/// ([`NON_PAGE_SEGMENTS`]: `wp-json`, `xmlrpc.php`, `wp-login.php`, ...). Feed paths such as
/// `/feed/` are not assets.
pub fn is_asset(u: &Url) -> bool {
    let path = u.path().to_ascii_lowercase();
    if path.split('/').any(|seg| NON_PAGE_SEGMENTS.contains(&seg)) {
        return true;
    }
    let last = path.rsplit('/').next().unwrap_or("");
    let Some((_, ext)) = last.rsplit_once('.') else {
        return false;
    };
    if ext == "gz" && last.ends_with(COMPRESSED_XML_SUFFIX) {
        return false;
    }
    ASSET_EXTENSIONS.contains(&ext)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    fn canon(s: &str) -> String {
        canonicalize(&u(s)).to_string()
    }

    #[test]
    fn canonicalize_removes_tracking_params() {
        assert_eq!(
            canon("https://ex.com/a?utm_source=tw&id=7&utm_medium=social&fbclid=xyz&gclid=1"),
            "https://ex.com/a?id=7"
        );
        assert_eq!(
            canon("https://ex.com/a?UTM_Campaign=x&_ga=2.1&mc_eid=3&igshid=4"),
            "https://ex.com/a"
        );
    }

    #[test]
    fn canonicalize_removes_session_ids() {
        assert_eq!(
            canon("https://ex.com/a?PHPSESSID=9f86d081884c7d659a2feaa0c55ad015&id=7&JSESSIONID=x&cftoken=1&CFID=2"),
            "https://ex.com/a?id=7"
        );
        assert_eq!(
            canon("https://ex.com/a?sid=3c59dc048e8850243be8079a5c74d079&zenid=1&ASPSESSIONIDQSTRCBAT=AB"),
            "https://ex.com/a"
        );
        // `sid` that is not a token is an id of the page: kept.
        assert_eq!(
            canon("https://slashdot.org/article.pl?sid=07/01/01/1234"),
            "https://slashdot.org/article.pl?sid=07/01/01/1234"
        );
        assert_eq!(
            canon("https://ex.com/search?s=climate"),
            "https://ex.com/search?s=climate"
        );
        // In the path.
        assert_eq!(
            canon("https://ex.com/shop/item;jsessionid=A1B2C3D4E5?id=4"),
            "https://ex.com/shop/item?id=4"
        );
        assert_eq!(
            canon("https://ex.com/a;v=2;JSESSIONID=x/b"),
            "https://ex.com/a;v=2/b"
        );
        assert_eq!(
            canon("https://ex.com/(S(lit3py55t21z5v55vlm25s55))/news/page.aspx"),
            "https://ex.com/news/page.aspx"
        );
        assert_eq!(
            canon("https://ex.com/wiki/Rust_(language)"),
            "https://ex.com/wiki/Rust_(language)"
        );
        assert_eq!(
            canon("https://ex.com/a?xtor=RSS-1&ocid=msedgntp&ns_campaign=x&WT.mc_id=y&CMP=share_btn_tw&p=1"),
            "https://ex.com/a?p=1"
        );
    }

    #[test]
    fn canonicalize_sorts_query_stably_and_keeps_encoding() {
        assert_eq!(
            canon("https://ex.com/s?b=2&a=1&b=1&a=0"),
            "https://ex.com/s?a=1&a=0&b=2&b=1"
        );
        assert_eq!(
            canon("https://ex.com/s?q=a%2Fb+c&p=%C3%A9"),
            "https://ex.com/s?p=%C3%A9&q=a%2Fb+c"
        );
        assert_eq!(canon("https://ex.com/s?flag&a=1"), "https://ex.com/s?a=1&flag");
    }

    #[test]
    fn canonicalize_drops_empty_query_and_empty_pairs() {
        assert_eq!(canon("https://ex.com/a?"), "https://ex.com/a");
        assert_eq!(canon("https://ex.com/a?&&x=1&"), "https://ex.com/a?x=1");
        assert_eq!(canon("https://ex.com/a?utm_source=only"), "https://ex.com/a");
    }

    #[test]
    fn canonicalize_drops_fragment_and_default_ports() {
        assert_eq!(canon("https://ex.com/a#comments"), "https://ex.com/a");
        assert_eq!(canon("http://ex.com:80/a"), "http://ex.com/a");
        assert_eq!(canon("https://ex.com:443/a"), "https://ex.com/a");
        assert_eq!(canon("https://ex.com:8443/a"), "https://ex.com:8443/a");
        assert_eq!(canon("http://ex.com:443/a"), "http://ex.com:443/a");
    }

    #[test]
    fn canonicalize_lowercases_scheme_and_host_but_keeps_path() {
        assert_eq!(
            canon("HTTPS://WWW.Example.COM/News/Story/"),
            "https://www.example.com/News/Story/"
        );
        assert_eq!(canon("https://ex.com/a/"), "https://ex.com/a/");
        assert_eq!(canon("https://ex.com/a"), "https://ex.com/a");
    }

    #[test]
    fn canonicalize_is_idempotent() {
        let once = canonicalize(&u("https://EX.com:443/p?z=1&utm_x=2&a=3#f"));
        assert_eq!(canonicalize(&once), once);
    }

    #[test]
    fn resolve_relative_and_absolute() {
        let base = u("https://ex.com/world/story.html");
        assert_eq!(
            resolve(Some(&base), "other.html").unwrap().as_str(),
            "https://ex.com/world/other.html"
        );
        assert_eq!(
            resolve(Some(&base), "/a?utm_source=x").unwrap().as_str(),
            "https://ex.com/a"
        );
        assert_eq!(
            resolve(Some(&base), "  //cdn.ex.com/x \n").unwrap().as_str(),
            "https://cdn.ex.com/x"
        );
        assert_eq!(
            resolve(None, "http://Ex.com/b#x").unwrap().as_str(),
            "http://ex.com/b"
        );
        assert_eq!(resolve(None, "/relative/without/base"), None);
    }

    #[test]
    fn resolve_rejects_non_web_hrefs() {
        let base = u("https://ex.com/a");
        for href in [
            "",
            "   ",
            "#",
            "#top",
            "javascript:void(0)",
            "JavaScript:alert(1)",
            "mailto:a@ex.com",
            "tel:+123",
            "data:text/html,hi",
            "ftp://ex.com/file",
            "http://",
        ] {
            assert_eq!(resolve(Some(&base), href), None, "{href:?}");
        }
    }

    #[test]
    fn registrable_domain_cases() {
        assert_eq!(registrable_domain("www.bbc.co.uk"), "bbc.co.uk");
        assert_eq!(registrable_domain("WWW.BBC.CO.UK"), "bbc.co.uk");
        assert_eq!(
            registrable_domain("news.harbour-times.test"),
            "harbour-times.test"
        );
        assert_eq!(registrable_domain("a.b.c.example.com."), "example.com");
        assert_eq!(registrable_domain("example.com"), "example.com");
        assert_eq!(registrable_domain("127.0.0.1"), "127.0.0.1");
        assert_eq!(registrable_domain("[::1]"), "[::1]");
        assert_eq!(registrable_domain("localhost"), "localhost");
        assert_eq!(registrable_domain("co.uk"), "co.uk");
    }

    #[test]
    fn scope_domains_and_regexes() {
        let seeds = [u("https://www.bbc.co.uk/news"), u("http://127.0.0.1:8080/")];
        let scope = Scope::new(&seeds, vec![], vec![Regex::new(r"/live/").unwrap()]);
        assert!(scope.allows(&u("https://bbc.co.uk/news/world-1")));
        assert!(scope.allows(&u("https://sport.bbc.co.uk/x")));
        assert!(scope.allows(&u("http://127.0.0.1:8080/a")));
        assert!(!scope.allows(&u("https://bbc.com/news")));
        assert!(!scope.allows(&u("https://www.bbc.co.uk/news/live/123")));
        assert!(!scope.allows(&u("ftp://www.bbc.co.uk/file")));
        assert_eq!(scope.domains().collect::<Vec<_>>(), ["127.0.0.1", "bbc.co.uk"]);
    }

    #[test]
    fn scope_include_sees_canonical_url_and_add_seed() {
        let include = vec![Regex::new(r"^https://[^/]+/news/[^?]*$").unwrap()];
        let mut scope = Scope::new(&[u("https://ex.test/")], include, vec![]);
        assert!(scope.allows(&u("https://ex.test/news/a?utm_source=x#frag")));
        assert!(!scope.allows(&u("https://ex.test/news/a?id=1")));
        assert!(!scope.allows(&u("https://ex.test/about")));
        assert!(!scope.allows(&u("https://other.test/news/a")));
        scope.add_seed(&u("https://www.other.test/"));
        assert!(scope.allows(&u("https://other.test/news/a")));
    }

    #[test]
    fn asset_extensions() {
        for s in [
            "https://ex.com/img/photo.JPG",
            "https://ex.com/a.png?w=300",
            "https://ex.com/style.css",
            "https://ex.com/app.js",
            "https://ex.com/report.pdf",
            "https://ex.com/dump.tar.gz",
            "https://ex.com/font.woff2",
            "https://ex.com/data.json",
            "https://ex.com/clip.mp4",
        ] {
            assert!(is_asset(&u(s)), "{s}");
        }
    }

    #[test]
    fn asset_endpoints_but_not_pages_or_feeds() {
        assert!(is_asset(&u("https://ex.com/wp-json/wp/v2/posts")));
        assert!(is_asset(&u("https://ex.com/xmlrpc.php")));
        assert!(is_asset(&u("https://ex.com/wp-login.php?redirect_to=x")));
        for s in [
            "https://ex.com/",
            "https://ex.com/feed/",
            "https://ex.com/sitemap.xml.gz",
            "https://ex.com/sitemap.xml",
            "https://ex.com/2026/11/20/story.html",
            "https://ex.com/news/story-about-pdf-files",
            "https://ex.com/v1.2/page",
            "https://ex.com/article.php?id=3",
        ] {
            assert!(!is_asset(&u(s)), "{s}");
        }
    }
}
