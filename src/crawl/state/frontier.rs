//! The frontier: URLs waiting to be fetched, one priority queue per host, and the set of
//! every URL ever queued (so each canonical URL is fetched at most once per run). Holds
//! URLs only, never page bodies.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
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
    pub prior: Option<Box<super::store::History>>,
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

/// One host's queue.
#[derive(Debug, Default)]
pub struct HostQueue {
    heap: BinaryHeap<Reverse<(u32, u64)>>,
    items: HashMap<u64, Item>,
    /// Workers currently serving this host.
    pub workers: usize,
}

/// All hosts' queues and the seen set.
#[derive(Debug, Default)]
pub struct Frontier {
    hosts: HashMap<String, HostQueue>,
    seen: HashSet<String>,
    seq: u64,
}

impl Frontier {
    /// Mark a URL as seen; `false` when it already was.
    pub fn mark_seen(&mut self, url: &Url) -> bool {
        self.seen.insert(url.as_str().to_string())
    }

    /// Was this URL queued before?
    pub fn is_seen(&self, url: &Url) -> bool {
        self.seen.contains(url.as_str())
    }

    /// [`Frontier::is_seen`] for a URL string.
    pub fn is_seen_str(&self, url: &str) -> bool {
        self.seen.contains(url)
    }

    /// Items queued, over all hosts.
    pub fn queued(&self) -> usize {
        self.hosts.values().map(|q| q.items.len()).sum()
    }

    /// Queue an item under its host (no dedup here; see [`Frontier::mark_seen`]).
    pub fn push(&mut self, host: &str, item: Item) -> &mut HostQueue {
        self.seq += 1;
        let seq = self.seq;
        let q = self.hosts.entry(host.to_string()).or_default();
        q.heap.push(Reverse((item.priority(), seq)));
        q.items.insert(seq, item);
        q
    }

    /// The host's queue, created when missing.
    pub fn host(&mut self, host: &str) -> &mut HostQueue {
        self.hosts.entry(host.to_string()).or_default()
    }

    /// Next item of a host, by priority then arrival.
    pub fn pop(&mut self, host: &str) -> Option<Item> {
        let q = self.hosts.get_mut(host)?;
        while let Some(Reverse((_, seq))) = q.heap.pop() {
            if let Some(item) = q.items.remove(&seq) {
                return Some(item);
            }
        }
        None
    }

    /// Remove and return everything queued for a host.
    pub fn drain_host(&mut self, host: &str) -> Vec<Item> {
        match self.hosts.get_mut(host) {
            Some(q) => {
                q.heap.clear();
                let mut v: Vec<(u64, Item)> = q.items.drain().collect();
                v.sort_by_key(|(s, _)| *s);
                v.into_iter().map(|(_, i)| i).collect()
            }
            None => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priority_then_fifo_and_dedup() {
        let mut f = Frontier::default();
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(f.mark_seen(&u("http://a.test/x")));
        assert!(!f.mark_seen(&u("http://a.test/x")));
        f.push(
            "a.test",
            Item::new(u("http://a.test/l1"), Kind::Page, Via::Link, 1),
        );
        f.push(
            "a.test",
            Item::new(u("http://a.test/s"), Kind::Sitemap, Via::Sitemap, 0),
        );
        f.push(
            "a.test",
            Item::new(u("http://a.test/l2"), Kind::Page, Via::Link, 1),
        );
        f.push("a.test", Item::new(u("http://a.test/"), Kind::Page, Via::Seed, 0));
        let order: Vec<String> = std::iter::from_fn(|| f.pop("a.test"))
            .map(|i| i.url.path().to_string())
            .collect();
        assert_eq!(order, vec!["/s", "/", "/l1", "/l2"]);
        assert!(f.pop("b.test").is_none());
    }
}
