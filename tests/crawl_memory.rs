//! Memory stays flat as a crawl grows: the peak RSS after a 5,000-page crawl is compared
//! with the peak after a 1,000-page crawl in the same process, both archiving every
//! response in a WARC file (`--warc`). Page bodies must not be kept after processing and
//! archiving, so the difference is the frontier's URLs and the seen set, a few MiB at most. Its own test binary, so no other test shares the process. The
//! figures are printed (`cargo test --release --test crawl_memory -- --nocapture`); time
//! is not asserted.

use newsharvest::crawl::fetch::ResolveRule;
use newsharvest::crawl::{self, CrawlConfig, ErrorRecord, Sink, Stats};
use newsharvest::model::Record;
use newsharvest::serve::{Server, SyntheticWeb};
use newsharvest::Rules;
use std::sync::{Arc, Mutex};
use tokio::sync::watch;

/// Allowed growth of peak RSS from 1,000 to 5,000 pages.
const MAX_GROWTH_MIB: f64 = 48.0;

struct Discard;

impl Sink for Discard {
    fn record(&mut self, _: &Record) -> std::io::Result<()> {
        Ok(())
    }
    fn error(&mut self, _: &ErrorRecord) -> std::io::Result<()> {
        Ok(())
    }
    fn checkpoint(&mut self) -> std::io::Result<Option<newsharvest::crawl::engine::Publish>> {
        Ok(Some(newsharvest::crawl::engine::Publish::none()))
    }
    fn finish(&mut self) -> std::io::Result<newsharvest::crawl::engine::Publish> {
        Ok(newsharvest::crawl::engine::Publish::none())
    }
}

fn peak_rss_mib() -> f64 {
    newsharvest::eval::peak_rss_kib().map_or(0.0, |kib| kib as f64 / 1024.0)
}

async fn crawl_web(hosts: usize, articles: usize) -> Stats {
    let web = SyntheticWeb { hosts, articles };
    let names = web.host_names();
    let server = Server::start(Arc::new(web)).await.unwrap();
    let seeds = names
        .iter()
        .map(|h| url::Url::parse(&format!("http://{h}/")).unwrap())
        .collect();
    let mut cfg = CrawlConfig::new(seeds, "newsharvest-test/1.0".into());
    cfg.rate = 200.0;
    cfg.feeds = false;
    cfg.concurrency = 32;
    cfg.threads = 2;
    let warc = std::env::temp_dir().join(format!("nh-crawl-memory-{}-{hosts}.warc.gz", std::process::id()));
    cfg.warc = Some(warc.clone());
    cfg.resolve = names
        .iter()
        .map(|h| ResolveRule {
            host: h.clone(),
            port: 80,
            addr: server.addr(),
        })
        .collect();
    let (_tx, rx) = watch::channel(false);
    let stats = Arc::new(Mutex::new(Stats::default()));
    let st = crawl::crawl(
        cfg,
        Arc::new(Rules::bundled().unwrap()),
        Box::new(Discard),
        stats,
        rx,
    )
    .await
    .unwrap();
    let archived = std::fs::metadata(&warc).map_or(0, |m| m.len());
    assert!(archived > 1000 * articles as u64, "WARC file of {archived} bytes");
    let _ = std::fs::remove_file(&warc);
    st
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn peak_memory_is_flat_from_1000_to_5000_pages() {
    let small = crawl_web(20, 50).await;
    let after_small = peak_rss_mib();
    let big = crawl_web(100, 50).await;
    let after_big = peak_rss_mib();
    eprintln!(
        "1,000-page crawl: {} articles in {:.1}s, peak RSS {after_small:.1} MiB; \
         5,000-page crawl: {} articles in {:.1}s, peak RSS {after_big:.1} MiB",
        small.articles, small.elapsed_s, big.articles, big.elapsed_s
    );
    assert_eq!(small.articles, 1000);
    assert_eq!(big.articles, 5000);
    assert!(
        after_big - after_small < MAX_GROWTH_MIB,
        "peak RSS grew from {after_small:.1} to {after_big:.1} MiB"
    );
}
