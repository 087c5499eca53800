//! The CPU stage: fetched pages are extracted on the blocking pool (one per extraction
//! thread, [`analyse`]: `crate::process_for_crawl`, then the page's type from
//! `crawl::classify::page_type`), their links and feeds are queued, and an article (any page
//! with text, with `--emit-all`) becomes a record for the writer unless the state says it
//! needs none (an unchanged recrawl, known from an earlier run, a second URL of an article
//! already written). Every page's fate goes to the writer as a [`PageEntry`] for the page log.
//!
//! In: [`Job`]s (a page and its response). Out: queued links, [`Made`] records, page
//! entries, error records.

use super::shared::{lock, Job, Shared};
use super::writer::{Made, Out};
use crate::crawl::classify;
use crate::crawl::dedup;
use crate::crawl::discover;
use crate::crawl::fetch::Fetched;
use crate::crawl::page_log::{NotWritten, PageEntry};
use crate::crawl::state::item::{Item, Kind, Via};
use crate::crawl::state::store::{Outcome, Verdict};
use crate::crawl::traps::Origin;
use crate::crawl::urls;
use crate::model::{CrawlInfo, HttpInfo, Page, PageType, Record};
use crate::{process_for_crawl, record, Error, Options, Rules};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio::sync::mpsc;
use url::Url;

/// What the blocking pool makes of a page.
pub struct Analysed {
    /// The record, for an article (or any page with `--emit-all`).
    pub record: Option<Record>,
    /// MinHash signature of the record's text (near-duplicate detection).
    pub signature: Vec<u32>,
    /// Extraction failed: the stage and why.
    pub error: Option<(&'static str, String)>,
    /// The page's links, resolved.
    pub links: Vec<Url>,
    /// The feeds it declares, resolved.
    pub feeds: Vec<Url>,
    /// The page's type, when it was read (not on an extraction error).
    pub page_type: Option<PageType>,
    /// Its page-log line: the type, the evidence, and why it has no record (not an article,
    /// no text) when it has none.
    pub entry: PageEntry,
}

/// Process pages as they come, as many at a time as there are extraction threads.
pub async fn process_jobs(shared: Arc<Shared>, mut rx: mpsc::Receiver<Job>) {
    while let Some(job) = rx.recv().await {
        let Ok(permit) = shared.cpu.clone().acquire_owned().await else {
            return;
        };
        let sh = shared.clone();
        tokio::spawn(async move {
            let Job { item, fetched, host } = job;
            let rules = sh.rules.clone();
            let opts = sh.extract;
            let emit_all = sh.cfg.emit_all;
            let it = item.clone();
            let analysed =
                tokio::task::spawn_blocking(move || analyse(&rules, &opts, emit_all, &it, fetched)).await;
            drop(permit);
            match analysed {
                Ok(a) => sh.after_processing(item, &host, a),
                Err(e) => sh.fail(&item, "extract", "panic", e.to_string(), None),
            }
        });
    }
}

impl Shared {
    /// A page is processed: queue what it links to, then write its record if it needs one.
    fn after_processing(self: &Arc<Self>, item: Item, host: &str, a: Analysed) {
        self.follow(&item, host, a.feeds, a.links);
        if let Some(t) = a.page_type {
            let mut st = lock(&self.stats);
            st.pages_by_type.add(t);
            st.listings += u64::from(t == PageType::Listing);
        }
        if let Some((stage, reason)) = a.error {
            self.fail(&item, stage, "extract", reason, None);
            return;
        }
        let listing = a.page_type != Some(PageType::Article);
        let Some(mut r) = a.record else {
            self.done_logged(&item, host, listing, a.entry);
            return;
        };
        let mut entry = a.entry;
        if let Some(why) = self.admit(&item, &mut r) {
            entry.not_written(why);
            self.done_logged(&item, host, false, entry);
            return;
        }
        // A page of another type written with --emit-all is still no article for the trap
        // budgets.
        self.page_outcome(&item, host, !listing);
        {
            let mut st = lock(&self.stats);
            st.articles += 1;
            if r.revision.is_some_and(|v| v > 1) {
                st.updated += 1;
            } else {
                st.new += 1;
            }
            st.host(host).articles += 1;
        }
        r.revision = r.revision.or(Some(1));
        let made = Made {
            record: r,
            url: item.url.to_string(),
            signature: a.signature,
            entry,
        };
        self.send_then_finish(vec![Out::Record(Box::new(made))]);
    }

    /// Queue a page's feeds (a seed's; else, on a seed's host without a sitemap, the
    /// conventional feed locations) and, below the depth limit, its links.
    fn follow(self: &Arc<Self>, item: &Item, host: &str, feeds: Vec<Url>, links: Vec<Url>) {
        // Feeds first: a feed also linked with <a href> must be read as a feed.
        if self.cfg.feeds && item.via == Via::Seed {
            let info = self.host_info(host);
            if feeds.is_empty() {
                if !info.sitemap_found.load(Ordering::SeqCst) {
                    self.probe(&item.url, discover::CONVENTIONAL_FEEDS, Kind::Feed, Via::Feed);
                }
            } else {
                let feeds = feeds
                    .into_iter()
                    .map(|u| Item::new(u, Kind::Feed, Via::Feed, 0))
                    .collect();
                self.enqueue_many(feeds, false);
            }
        }
        if item.depth < self.cfg.max_depth {
            // Links on a seed are the site's word, like sitemap entries: no budget.
            let from = (item.via != Via::Seed).then(|| Arc::new(Origin::of(&item.url)));
            let links = links
                .into_iter()
                .filter_map(|u| {
                    let kind = if looks_like_feed_url(&u) {
                        Kind::Feed
                    } else {
                        Kind::Page
                    };
                    if kind == Kind::Feed && !self.cfg.feeds {
                        return None;
                    }
                    let mut link = Item::new(u, kind, Via::Link, item.depth + 1);
                    link.from = from.clone();
                    Some(link)
                })
                .collect();
            self.enqueue_many(links, false);
        }
    }

    /// Does this record need writing (`None`), or why not? Not when a recrawl found the text
    /// unchanged, an earlier run wrote it under another URL, or another URL of this run (or,
    /// on a shared frontier, of the job) holds its id. A recrawled changed text gets the next
    /// revision. When it does, the URL is pending until the record is committed.
    fn admit(&self, item: &Item, r: &mut Record) -> Option<NotWritten> {
        // A recrawl: written again only when the text changed.
        let prior = item.prior.as_ref().filter(|p| p.record_id.is_some());
        if let Some(p) = prior {
            if p.content_hash.as_deref() == Some(r.content_hash.as_str()) {
                lock(&self.stats).unchanged += 1;
                return Some(NotWritten::Unchanged);
            }
            r.revision = Some(p.revision.max(1) + 1);
        }
        let recrawl = prior.is_some();
        if let Some(sf) = self.store.shared() {
            // The checks below and the pending outcome in one round trip, job-wide.
            if !lock(&self.emitted).insert(r.id.clone()) {
                lock(&self.stats).duplicates += 1;
                return Some(NotWritten::Duplicate);
            }
            match sf.record_made(item.url.as_str(), &r.id, !recrawl) {
                Ok(Verdict::Write) => None,
                Ok(Verdict::Known) => {
                    lock(&self.stats).known_skipped += 1;
                    Some(NotWritten::Known)
                }
                Ok(Verdict::Duplicate) => {
                    lock(&self.stats).duplicates += 1;
                    Some(NotWritten::Duplicate)
                }
                Err(e) => {
                    self.store_failed(e);
                    Some(NotWritten::Error)
                }
            }
        } else {
            if !recrawl && self.store.has_record(&r.id).unwrap_or(false) {
                // Written by an earlier run under another URL (its canonical one).
                lock(&self.stats).known_skipped += 1;
                return Some(NotWritten::Known);
            }
            if !lock(&self.emitted).insert(r.id.clone()) {
                lock(&self.stats).duplicates += 1;
                return Some(NotWritten::Duplicate);
            }
            self.settle(&item.url, Outcome::Pending);
            None
        }
    }
}

/// A link that is a feed or sitemap for machines, not a page (`/feed.xml`, `/rss/`).
fn looks_like_feed_url(u: &Url) -> bool {
    let p = u.path().to_ascii_lowercase();
    p.ends_with(".xml")
        || p.ends_with(".rss")
        || p.ends_with(".atom")
        || p.ends_with("/feed/")
        || p.ends_with("/feed")
        || p.ends_with("/rss/")
        || p.ends_with("/rss")
}

/// Extract a fetched page (on the blocking pool): its article, its type and the evidence
/// for it ([`classify::page_type`]), and, for an article (any page with text, with
/// `emit_all`), the record with its HTTP and crawl metadata.
pub fn analyse(rules: &Rules, opts: &Options, emit_all: bool, item: &Item, f: Fetched) -> Analysed {
    let ct = f.header(reqwest::header::CONTENT_TYPE);
    let cl = f.header(reqwest::header::CONTENT_LANGUAGE);
    let url = f.url.to_string();
    let page = Page {
        bytes: &f.body,
        url: Some(&url),
        content_type: ct.as_deref(),
        content_language: cl.as_deref(),
    };
    let (article, info) = process_for_crawl(&page, rules, opts);
    let links: Vec<Url> = info
        .links
        .iter()
        .filter_map(|h| urls::resolve(Some(&f.url), h))
        .collect();
    let feeds = discover::resolve_unique(&f.url, info.feeds.iter().map(String::as_str));
    let first = item.chain.first().cloned().unwrap_or_else(|| url.clone());
    let mut out = Analysed {
        record: None,
        signature: Vec::new(),
        error: None,
        links,
        feeds,
        page_type: None,
        entry: PageEntry::unread(
            first.clone(),
            url.clone(),
            Some(f.status),
            NotWritten::Error,
            None,
        ),
    };
    let mut article = match article {
        Ok(a) => a,
        Err(Error::NoContent) => {
            let v = classify::page_type(None, &info, &f.body, &f.url, item.via);
            out.page_type = Some(v.page_type);
            out.entry = PageEntry::read(
                first,
                url,
                f.status,
                v.page_type,
                v.evidence,
                Some(NotWritten::NoText),
            );
            return out;
        }
        Err(e) => {
            // `fail` writes its error record and page-log line.
            out.error = Some(("extract", e.to_string()));
            return out;
        }
    };
    let v = classify::page_type(Some(&article), &info, &f.body, &f.url, item.via);
    out.page_type = Some(v.page_type);
    let skip = (v.page_type != PageType::Article && !emit_all).then_some(NotWritten::NotArticle);
    out.entry = PageEntry::read(first, url, f.status, v.page_type, v.evidence.clone(), skip);
    if skip.is_some() {
        return out;
    }
    article.page_type = v.page_type;
    article.extraction.page_type_evidence = v.evidence;
    let fetched = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let http = HttpInfo::new(
        f.status,
        ct,
        f.header(reqwest::header::ETAG),
        f.header(reqwest::header::LAST_MODIFIED),
    );
    let mut rec = record::to_fetched_record(article, None, Some(fetched), http);
    rec.crawl = Some(CrawlInfo {
        discovered_via: item.via.as_str().to_string(),
        depth: item.depth,
    });
    out.signature = dedup::signature(&rec.article.text);
    out.record = Some(rec);
    out
}
