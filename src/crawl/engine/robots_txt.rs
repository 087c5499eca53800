//! robots.txt in the crawl: fetched once per host before its first URL (or taken from the
//! state's cache when an earlier run read it within [`ROBOTS_CACHE`]), retried with backoff
//! while the host answers 429/5xx or nothing, then obeyed: its `Crawl-delay` sets the
//! host's pace, and its `Sitemap:` lines (or, for a seed's host, the conventional sitemap
//! locations) are queued. The meaning of each response is `crate::crawl::robots::answer`.
//!
//! In: a host and its first URL. Out: the host's [`Robots`] policy (`None`: host skipped).

use super::shared::{lock, unix_now, HostInfo, Shared};
use crate::crawl::discover;
use crate::crawl::fetch::{FetchError, Want};
use crate::crawl::robots::{self, Answer, Robots};
use crate::crawl::state::item::{Item, Kind, Via};
use crate::crawl::urls;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};
use url::Url;

/// An earlier run's robots.txt is used again for this long (Google caches it for a day).
pub const ROBOTS_CACHE: Duration = Duration::from_secs(24 * 3600);

impl Shared {
    /// The robots policy of `host`, whose first URL to fetch is `first`; `None` when
    /// robots.txt could not be fetched (the host is skipped).
    pub async fn fetch_robots(self: &Arc<Self>, host: &str, first: &Url) -> Option<Arc<Robots>> {
        let mut url = first.join("/robots.txt").ok()?;
        let mut redirects = 0;
        let mut stop = self.stop_rx.clone();
        let info = self.host_info(host);
        // A robots.txt an earlier run read recently enough is used again.
        if let Ok(Some((body, at))) = self.store.robots(host) {
            if unix_now().saturating_sub(at) < ROBOTS_CACHE.as_secs() as i64 {
                lock(&self.stats).robots_cached += 1;
                return Some(self.adopt_robots(host, &info, first, &url, &body));
            }
        }
        for attempt in 0..self.cfg.robots_attempts.max(1) {
            if attempt > 0 {
                // Same backoff as pages: the host is failing or overloaded.
                self.polite
                    .block_until(host, Instant::now() + self.backoff(attempt - 1));
            }
            loop {
                if !self.polite.acquire(host, &mut stop).await {
                    return Some(Arc::new(Robots::allow_all()));
                }
                let r = self
                    .get(&url, Want::Robots, Some(self.cfg.robots_timeout), None)
                    .await;
                self.polite.done(host);
                let f = match r {
                    Ok(f) => f,
                    // Nothing is sent to a blocked address; the page fetch says why.
                    Err(FetchError::Blocked(_)) => return Some(Arc::new(Robots::allow_all())),
                    Err(_) => {
                        lock(&self.stats).no_response(host);
                        break;
                    }
                };
                lock(&self.stats).response(host, f.status, f.body.len());
                let location = f.header(reqwest::header::LOCATION);
                match robots::answer(f.status, location.as_deref(), &url, host, redirects) {
                    Answer::Rules => {
                        let _ = self.store.set_robots(host, &f.body, unix_now());
                        return Some(self.adopt_robots(host, &info, first, &url, &f.body));
                    }
                    Answer::Follow(t) => {
                        redirects += 1;
                        url = t;
                    }
                    Answer::AllowAll => return Some(Arc::new(Robots::allow_all())),
                    Answer::Retry => break,
                    Answer::Missing => {
                        // No robots.txt, everything allowed (cached as an empty file).
                        let _ = self.store.set_robots(host, b"", unix_now());
                        return Some(self.adopt_robots(host, &info, first, &url, b""));
                    }
                }
            }
        }
        tracing::debug!(host, "robots.txt unavailable: host skipped");
        None
    }

    /// Obey a robots.txt body (empty: everything allowed): its Crawl-delay, and its
    /// `Sitemap:` lines (or the conventional sitemap locations when it has none).
    fn adopt_robots(
        self: &Arc<Self>,
        host: &str,
        info: &HostInfo,
        first: &Url,
        url: &Url,
        body: &[u8],
    ) -> Arc<Robots> {
        let rb = Robots::parse(&self.agent, body);
        if let Some(d) = rb.crawl_delay {
            self.polite.set_crawl_delay(host, d);
        }
        if self.cfg.sitemaps {
            let sitemaps: Vec<Item> = rb
                .sitemaps
                .iter()
                .filter_map(|s| urls::resolve(Some(url), s))
                .map(|u| Item::new(u, Kind::Sitemap, Via::Sitemap, 0))
                .collect();
            if sitemaps.is_empty() {
                if info.seed.load(Ordering::SeqCst) {
                    self.probe(
                        first,
                        discover::CONVENTIONAL_SITEMAPS,
                        Kind::Sitemap,
                        Via::Sitemap,
                    );
                }
            } else {
                info.sitemap_found.store(true, Ordering::SeqCst);
                self.enqueue_many(sitemaps, false);
            }
        }
        Arc::new(rb)
    }

    /// Queue guessed locations (`/sitemap.xml`, `/feed/`…); a 404 there is not an error.
    pub fn probe(self: &Arc<Self>, base: &Url, paths: &[&str], kind: Kind, via: Via) {
        for p in paths {
            if let Ok(u) = base.join(p) {
                let mut it = Item::new(urls::canonicalize(&u), kind, via, 0);
                it.probe = true;
                self.enqueue(it, false);
            }
        }
    }
}
