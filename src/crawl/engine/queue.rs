//! The frontier side of the crawl: whether a discovered URL may be queued at all (scope,
//! assets, depth, crawler-trap budgets) and queueing many in one state transaction; for a
//! host that got work, its workers are started (up to `--per-host-concurrency`). On a
//! shared frontier URLs are only pushed: whichever worker is free claims them.
//!
//! In: [`Item`]s from seeds, robots.txt, sitemaps, feeds, links and redirects. Out: queued
//! URLs and running host workers.

use super::host::host_worker;
use super::shared::{is_link_page, lock, Shared};
use crate::crawl::state::item::{Item, Kind, Via};
use crate::crawl::state::store::Push;
use crate::crawl::traps;
use crate::crawl::urls;
use std::sync::atomic::Ordering;
use std::sync::Arc;

impl Shared {
    pub fn enqueue(self: &Arc<Self>, item: Item, force: bool) {
        self.enqueue_many(vec![item], force);
    }

    /// Whether an item may be queued at all (scope, assets, depth, trap rules).
    fn admissible(&self, item: &Item, host: &str, force: bool) -> bool {
        if !force && !self.scope.allows(&item.url) {
            return false;
        }
        if item.kind == Kind::Page && item.via != Via::Seed && urls::is_asset(&item.url) {
            return false;
        }
        if item.via == Via::Link && item.depth > self.cfg.max_depth {
            return false;
        }
        if is_link_page(item) {
            if traps::pathological(&item.url).is_some() {
                lock(&self.stats).trap_urls += 1;
                return false;
            }
            if !lock(&self.traps).allows_queue(host, item.from.as_deref()) {
                lock(&self.stats).trap_skipped += 1;
                return false;
            }
        }
        true
    }

    /// Queue many URLs in one state transaction (a sitemap's entries, a page's links).
    /// Returns how many were queued.
    pub fn enqueue_many(self: &Arc<Self>, items: Vec<Item>, force: bool) -> usize {
        if self.stopped() {
            return 0;
        }
        let batch: Vec<(String, Item)> = items
            .into_iter()
            .filter_map(|item| {
                let host = item.url.host_str()?.to_string();
                self.admissible(&item, &host, force).then_some((host, item))
            })
            .collect();
        if batch.is_empty() {
            return 0;
        }
        if self.store.shared().is_some() {
            // A shared frontier's URLs are claimed by whichever worker is free: no host
            // workers to start, no lock to hold while Redis answers.
            return match self.store.push_many(&batch) {
                Ok(pushed) => {
                    let queued = pushed.iter().filter(|p| **p == Push::Queued).count();
                    let written = pushed.iter().filter(|p| **p == Push::Written).count() as u64;
                    if written > 0 {
                        lock(&self.stats).known_skipped += written;
                    }
                    queued
                }
                Err(e) => {
                    self.store_failed(e);
                    0
                }
            };
        }
        // Pushing and a worker's last pop happen under this lock, so no queued URL is left
        // without a worker.
        let mut workers = lock(&self.workers);
        let pushed = match self.store.push_many(&batch) {
            Ok(p) => p,
            Err(e) => {
                drop(workers);
                self.store_failed(e);
                return 0;
            }
        };
        let mut spawn = Vec::new();
        let mut written = 0;
        let mut queued = 0;
        for ((host, _), p) in batch.iter().zip(pushed) {
            match p {
                Push::Queued => {
                    queued += 1;
                    self.pending.fetch_add(1, Ordering::SeqCst);
                    let w = workers.entry(host.clone()).or_default();
                    if *w < self.cfg.per_host_concurrency.max(1) {
                        *w += 1;
                        spawn.push(host.clone());
                    }
                }
                Push::Written => written += 1,
                Push::Seen => {}
            }
        }
        drop(workers);
        if written > 0 {
            lock(&self.stats).known_skipped += written;
        }
        for host in spawn {
            tokio::spawn(host_worker(self.clone(), host));
        }
        queued
    }

    /// Start workers for a host whose URLs an earlier run left queued.
    pub fn spawn_workers(self: &Arc<Self>, host: &str) {
        let n = {
            let mut workers = lock(&self.workers);
            let w = workers.entry(host.to_string()).or_default();
            let n = self.cfg.per_host_concurrency.max(1).saturating_sub(*w);
            *w += n;
            n
        };
        for _ in 0..n {
            tokio::spawn(host_worker(self.clone(), host.to_string()));
        }
    }
}
