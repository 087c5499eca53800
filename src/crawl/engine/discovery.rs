//! Sitemaps and feeds in the crawl: a fetched sitemap or feed is parsed on the blocking
//! pool (sniffed: a URL found as a feed may be a sitemap, and the other way round), and its
//! entries are queued: a sitemap index's sitemaps, a urlset's pages (as news-sitemap pages
//! when they carry news dates), a feed's items; entries dated before `--since` are skipped.
//! Parsing itself is `crate::crawl::discover`'s.
//!
//! In: a 2xx response for a sitemap or feed URL. Out: queued URLs.

use super::shared::{lock, Shared};
use crate::crawl::discover::{self, Sitemap};
use crate::crawl::fetch::Fetched;
use crate::crawl::state::item::{Item, Kind, Via};
use crate::crawl::state::store::Outcome;
use crate::crawl::urls;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use url::Url;

/// Largest sitemap or feed accepted, uncompressed (the sitemap protocol's limit).
pub const MAX_SITEMAP_BYTES: usize = 50 * 1024 * 1024;

/// What a discovery document held.
enum Found {
    Sitemap(Sitemap),
    Feed(Vec<discover::FeedItem>),
}

/// Parse a sitemap or feed body (sniffed, whatever it was queued as); the error says at
/// which stage (`sitemap`, `feed`) and why.
fn parse_discovery(kind: Kind, body: &[u8], base: &Url) -> Result<Found, (&'static str, String)> {
    let feed = || {
        discover::parse_feed(body, Some(base), MAX_SITEMAP_BYTES)
            .map(Found::Feed)
            .map_err(|e| ("feed", crate::error::chain(&e)))
    };
    if discover::looks_like_feed(body) {
        return feed();
    }
    match discover::parse_sitemap(body, MAX_SITEMAP_BYTES) {
        Ok(s) => Ok(Found::Sitemap(s)),
        Err(_) if kind == Kind::Feed => feed(),
        Err(e) => Err(("sitemap", crate::error::chain(&e))),
    }
}

impl Shared {
    /// Parse a fetched sitemap or feed (one of as many at a time as there are extraction
    /// threads) and queue what it lists. A guessed location that holds no such document is
    /// no error.
    pub async fn read_discovery(self: &Arc<Self>, item: Item, f: Fetched, host: &str) {
        let _slot = self.discovery.acquire().await;
        let body = f.body.clone();
        let base = item.url.clone();
        let kind = item.kind;
        let parsed = tokio::task::spawn_blocking(move || parse_discovery(kind, &body, &base)).await;
        match parsed {
            Ok(Ok(found)) => self.discovered(&item, found, host),
            Ok(Err((stage, e))) => {
                if item.probe {
                    self.settle(&item.url, Outcome::Done { listing: false });
                    self.finish();
                } else {
                    self.fail(&item, stage, stage, e, Some(f.status));
                }
            }
            Err(e) => self.fail(&item, "sitemap", "panic", e.to_string(), Some(f.status)),
        }
    }

    /// Queue the entries of a parsed sitemap or feed; the document itself is done.
    fn discovered(self: &Arc<Self>, item: &Item, found: Found, host: &str) {
        let mut items = Vec::new();
        match found {
            Found::Sitemap(Sitemap::Index(entries)) => {
                lock(&self.stats).sitemaps += 1;
                for e in entries {
                    if self.too_old(e.lastmod) {
                        continue;
                    }
                    if let Some(u) = urls::resolve(Some(&item.url), &e.loc) {
                        items.push(Item::new(u, Kind::Sitemap, Via::Sitemap, 0));
                    }
                }
            }
            Found::Sitemap(Sitemap::UrlSet { entries, news }) => {
                lock(&self.stats).sitemaps += 1;
                self.host_info(host).sitemap_found.store(true, Ordering::SeqCst);
                for e in entries {
                    if self.too_old(e.news_publication_date.or(e.lastmod)) {
                        continue;
                    }
                    let via = if news || e.news_publication_date.is_some() {
                        Via::NewsSitemap
                    } else {
                        Via::Sitemap
                    };
                    if let Some(u) = urls::resolve(Some(&item.url), &e.loc) {
                        items.push(Item::new(u, Kind::Page, via, 1));
                    }
                }
            }
            Found::Feed(entries) => {
                lock(&self.stats).feeds += 1;
                for e in entries {
                    if self.too_old(e.published) {
                        continue;
                    }
                    if let Some(u) = urls::resolve(Some(&item.url), &e.url) {
                        items.push(Item::new(u, Kind::Page, Via::Feed, 1));
                    }
                }
            }
        }
        self.enqueue_many(items, false);
        self.settle(&item.url, Outcome::Done { listing: false });
        self.finish();
    }
}
