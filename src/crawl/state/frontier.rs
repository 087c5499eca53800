//! The in-memory frontier (of [`super::memory::MemoryStore`]): URLs waiting to be fetched,
//! one priority queue per host, and the set of every URL ever queued (so each canonical URL
//! is fetched at most once per run). Holds URLs only, never page bodies.

pub use super::item::{Item, Kind, Via};

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use url::Url;

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
