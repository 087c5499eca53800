//! One URL to fetch ([`Item`]: what it should be, how it was found, its redirect chain)
//! and what earlier rounds learnt about it ([`History`]): the data that flows between the
//! crawl engine and every state store. No queue and no storage here (see
//! [`super::frontier`] and [`super::store`]).

use url::Url;

/// What a queued URL is expected to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An HTML page.
    Page,
    /// A sitemap or sitemap index.
    Sitemap,
    /// An RSS/Atom/JSON feed.
    Feed,
}

/// How a URL was discovered (written to `crawl.discovered_via`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// Given as a seed.
    Seed,
    /// From a plain sitemap (or robots.txt for sitemaps themselves).
    Sitemap,
    /// From a Google News sitemap.
    NewsSitemap,
    /// From an RSS/Atom feed.
    Feed,
    /// A link on a crawled page.
    Link,
}

impl Via {
    /// The name in records.
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Seed => "seed",
            Via::Sitemap => "sitemap",
            Via::NewsSitemap => "news_sitemap",
            Via::Feed => "feed",
            Via::Link => "link",
        }
    }
}

/// One URL to fetch.
#[derive(Debug, Clone)]
pub struct Item {
    /// Canonical URL.
    pub url: Url,
    /// What it should be.
    pub kind: Kind,
    /// How it was found.
    pub via: Via,
    /// Link hops from a seed.
    pub depth: u32,
    /// Fetch attempts so far (retries).
    pub attempts: u32,
    /// URLs that redirected here, in order (loop detection and the hop limit).
    pub chain: Vec<String>,
    /// A conventional location we only guessed (404 is expected, not an error).
    pub probe: bool,
    /// For a link: the page it was found on, whose budget it counts against (see
    /// `crate::crawl::traps`).
    pub from: Option<std::sync::Arc<crate::crawl::traps::Origin>>,
    /// What earlier rounds learnt about this URL (validators for a conditional request, the
    /// record written before), when the state has it.
    pub prior: Option<Box<History>>,
}

impl Item {
    /// A fresh item.
    pub fn new(url: Url, kind: Kind, via: Via, depth: u32) -> Item {
        Item {
            url,
            kind,
            via,
            depth,
            attempts: 0,
            chain: Vec::new(),
            probe: false,
            from: None,
            prior: None,
        }
    }

    /// Queue priority (lower first): discovery documents before pages, seeds and
    /// sitemap/feed articles before deep links.
    pub fn priority(&self) -> u32 {
        match (self.kind, self.via) {
            (Kind::Sitemap, _) => 1,
            (Kind::Page, Via::Seed) => 2,
            (Kind::Feed, _) => 3,
            (Kind::Page, Via::NewsSitemap | Via::Feed) => 4,
            (Kind::Page, Via::Sitemap) => 5,
            (Kind::Page, _) => 6 + self.depth,
        }
    }
}

/// What earlier fetches of a URL left behind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// HTTP status of the last response.
    pub status: Option<u16>,
    /// Its `ETag`.
    pub etag: Option<String>,
    /// Its `Last-Modified`.
    pub last_modified: Option<String>,
    /// When (Unix seconds).
    pub fetched_at: Option<i64>,
    /// The page was a listing (re-read each round, conditionally).
    pub listing: bool,
    /// Failed fetches in a row.
    pub failures: u32,
    /// The record written for it, if any (a recrawl then compares texts).
    pub record_id: Option<String>,
    /// Hash of that record's text.
    pub content_hash: Option<String>,
    /// That record's revision (1 for the first).
    pub revision: u32,
}
