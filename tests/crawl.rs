//! Crawl tests against real HTTP servers on 127.0.0.1 (no internet). Several virtual hosts
//! share one server; the crawler reaches them through `--resolve`-style rules. Every test
//! asserts what a site owner or a data team would see: the requests the server received
//! (spacing, robots.txt, repeats) and the records and error records written.

mod common;

use common::Collect;
use newsharvest::app::demo::{self, DemoWeb};
use newsharvest::crawl::fetch::ResolveRule;
use newsharvest::crawl::{self, CrawlConfig, ErrorRecord, Stats};
use newsharvest::model::Record;
use newsharvest::serve::{LoggedRequest, Server, StaticSites};
use newsharvest::Rules;
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use url::Url;

const UA: &str = "newsharvest-test/1.0 (+mailto:test@example.org)";

fn rules() -> Arc<Rules> {
    Arc::new(Rules::bundled().expect("bundled rules"))
}

fn config(seeds: &[&str], server: &Server, hosts: &[&str]) -> CrawlConfig {
    let seeds = seeds.iter().map(|s| Url::parse(s).unwrap()).collect();
    let mut cfg = CrawlConfig::new(seeds, UA.to_string());
    cfg.resolve = hosts
        .iter()
        .map(|h| ResolveRule {
            host: h.to_string(),
            port: 80,
            addr: server.addr(),
        })
        .collect();
    cfg.threads = 2;
    cfg
}

async fn run(cfg: CrawlConfig) -> (Stats, Vec<Record>, Vec<ErrorRecord>) {
    let sink = Collect::default();
    let (_stop_tx, stop_rx) = watch::channel(false);
    let stats = Arc::new(Mutex::new(Stats::default()));
    let st = crawl::crawl(cfg, rules(), Box::new(sink.clone()), stats, stop_rx)
        .await
        .expect("crawl runs");
    let records = sink.records.lock().unwrap().clone();
    let errors = sink.errors.lock().unwrap().clone();
    (st, records, errors)
}

fn count(log: &[LoggedRequest], host: &str, path: &str) -> usize {
    log.iter().filter(|r| r.host == host && r.path == path).count()
}

fn sites(dir: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)
}

/// The bundled demo sites: the golden records, and a crawl a site owner has nothing to
/// complain about (spacing with Crawl-delay, robots, one fetch per URL, our User-Agent).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_sites_give_the_golden_records_politely() {
    let web = DemoWeb::start(&demo::sites_dir()).await.unwrap();
    let mut cfg = CrawlConfig::new(web.seeds(), UA.to_string());
    cfg.resolve = web.resolve();
    cfg.rate = 4.0;
    cfg.threads = 2;
    let (st, records, errors) = run(cfg).await;
    let log = web.server.log();

    let violations = web.politeness_violations(4.0, UA);
    assert!(violations.is_empty(), "politeness violations: {violations:#?}");
    for h in &web.hosts {
        assert_eq!(count(&log, h, "/robots.txt"), 1, "robots.txt of {h} fetched once");
        assert!(count(&log, h, "/") == 1, "home page of {h} fetched once");
    }
    assert!(log.iter().all(|r| r.user_agent == UA));
    // robots.txt declares harbour-times' sitemaps: no guessing of sitemap or feed locations.
    for p in [
        "/sitemap.xml",
        "/wp-sitemap.xml",
        "/feed/",
        "/rss.xml",
        "/atom.xml",
    ] {
        assert_eq!(
            count(&log, "harbour-times.test", p),
            0,
            "{p} probed on harbour-times"
        );
    }
    assert!(errors.is_empty(), "unexpected errors: {errors:#?}");
    let problems = demo::compare_expected(&records, &demo::sites_dir().join("expected.jsonl")).unwrap();
    assert!(
        problems.is_empty(),
        "records differ from expected.jsonl:\n{}",
        problems.join("\n")
    );
    assert_eq!(st.articles as usize, records.len());
    // Records carry the crawl fields.
    for r in &records {
        let http = r.http.as_ref().expect("http block");
        assert_eq!(http.status, 200);
        assert!(r.date_fetched.is_some());
        let c = r.crawl.as_ref().expect("crawl block");
        assert!(["seed", "sitemap", "news_sitemap", "feed", "link"].contains(&c.discovered_via.as_str()));
    }
}

/// A hostile or broken site: each misbehaviour ends as exactly one error record and the
/// crawl goes on to fetch the real stories; Retry-After is honoured; retries are bounded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn misbehaving_pages_end_as_one_error_each() {
    let server = Server::start(Arc::new(StaticSites::load(&sites("tests/sites")).unwrap()))
        .await
        .unwrap();
    let mut cfg = config(&["http://trouble.test/"], &server, &["trouble.test"]);
    cfg.rate = 20.0;
    cfg.retries = 1;
    cfg.backoff = Duration::from_millis(100);
    cfg.timeout = Duration::from_millis(1500);
    cfg.max_body = 1024 * 1024;
    let (_st, records, errors) = run(cfg).await;
    let log = server.log();

    let by_url: HashMap<&str, &ErrorRecord> = errors.iter().map(|e| (e.url.as_str(), e)).collect();
    assert_eq!(
        by_url.len(),
        errors.len(),
        "one error record per URL: {errors:#?}"
    );
    let kind = |path: &str| {
        by_url
            .get(format!("http://trouble.test{path}").as_str())
            .map(|e| e.kind.clone())
            .unwrap_or_else(|| format!("no error record for {path}; errors: {errors:#?}"))
    };
    assert_eq!(kind("/loop-b"), "redirect_loop");
    assert_eq!(kind("/slow"), "timeout");
    assert_eq!(kind("/big"), "too_large");
    assert_eq!(kind("/bomb"), "too_large");
    assert_eq!(kind("/annual-report?format=full"), "content_type");
    assert_eq!(kind("/broken-sitemap.xml"), "sitemap");
    assert_eq!(kind("/flaky"), "http_500");
    assert_eq!(errors.len(), 7, "{errors:#?}");

    // The real stories and the page that first answered 429 are records; each once.
    let mut urls: Vec<&str> = records.iter().filter_map(|r| r.article.url.as_deref()).collect();
    urls.sort();
    assert_eq!(
        urls,
        vec![
            "http://trouble.test/2026/11/01/real-story/",
            "http://trouble.test/2026/11/02/second-story/",
            "http://trouble.test/busy/",
        ]
    );

    // Retry-After: 1 honoured, and only one retry.
    let busy: Vec<&LoggedRequest> = log.iter().filter(|r| r.path == "/busy/").collect();
    assert_eq!(busy.len(), 2);
    assert!(busy[1].at.duration_since(busy[0].at) >= Duration::from_secs(1));
    // 500: first attempt + 1 retry, then given up.
    assert_eq!(count(&log, "trouble.test", "/flaky"), 2);
    // Never the disallowed path, robots.txt once, every other URL once.
    assert_eq!(count(&log, "trouble.test", "/private/secret.html"), 0);
    assert_eq!(count(&log, "trouble.test", "/robots.txt"), 1);
    for r in &log {
        let n = count(&log, &r.host, &r.path);
        let retried = ["/busy/", "/flaky", "/slow"].contains(&r.path.as_str());
        assert!(n == 1 || retried, "{} fetched {n} times", r.path);
    }
    assert!(
        log.iter().all(|r| r.host == "trouble.test"),
        "out-of-scope host contacted"
    );
    let bad = newsharvest::serve::spacing_violations(&log, &|_| Duration::from_millis(50));
    assert!(bad.is_empty(), "requests closer than 50 ms: {bad:?}");
}

/// `--since`: sitemap entries dated before it are skipped (the 2025 story is only in the
/// sitemap), newer ones and linked pages are crawled.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn since_skips_old_sitemap_entries() {
    let web = DemoWeb::start(&demo::sites_dir()).await.unwrap();
    let seeds = vec![Url::parse("http://harbour-times.test/").unwrap()];
    let mut cfg = CrawlConfig::new(seeds, UA.to_string());
    cfg.resolve = web.resolve();
    cfg.rate = 4.0;
    cfg.since = Some(chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00+00:00").unwrap());
    let (_st, records, errors) = run(cfg).await;
    assert!(errors.is_empty(), "{errors:#?}");
    let urls: Vec<&str> = records.iter().filter_map(|r| r.article.url.as_deref()).collect();
    assert!(!urls.iter().any(|u| u.contains("/2025/")), "{urls:?}");
    assert_eq!(urls.len(), 4, "{urls:?}");
    assert_eq!(
        count(
            &web.server.log(),
            "harbour-times.test",
            "/2025/06/14/fish-market-reopens/"
        ),
        0
    );
}

/// robots.txt answering 503: stay away (no page request), retry robots a bounded number of
/// times, one error record for the seed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn robots_5xx_keeps_the_crawler_away() {
    let server = Server::start(Arc::new(StaticSites::load(&sites("tests/sites")).unwrap()))
        .await
        .unwrap();
    let mut cfg = config(&["http://down.test/"], &server, &["down.test"]);
    cfg.rate = 20.0;
    cfg.backoff = Duration::from_millis(100);
    cfg.robots_attempts = 3;
    let (st, records, errors) = run(cfg).await;
    let log = server.log();
    assert_eq!(count(&log, "down.test", "/robots.txt"), 3);
    assert_eq!(log.len(), 3, "only robots.txt requested: {log:?}");
    assert!(records.is_empty());
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].stage, "robots");
    assert_eq!(st.pages_fetched, 0);
}

/// Per-host rate across many hosts: no two requests to one host closer than the interval.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_holds_per_host_across_hosts() {
    let web = newsharvest::serve::SyntheticWeb {
        hosts: 4,
        articles: 6,
    };
    let hosts = web.host_names();
    let server = Server::start(Arc::new(web)).await.unwrap();
    let seeds: Vec<String> = hosts.iter().map(|h| format!("http://{h}/")).collect();
    let seed_refs: Vec<&str> = seeds.iter().map(String::as_str).collect();
    let host_refs: Vec<&str> = hosts.iter().map(String::as_str).collect();
    let mut cfg = config(&seed_refs, &server, &host_refs);
    cfg.rate = 10.0;
    cfg.feeds = false;
    let (st, records, errors) = run(cfg).await;
    let log = server.log();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(records.len(), 24);
    assert_eq!(st.articles, 24);
    let bad = newsharvest::serve::spacing_violations(&log, &|_| Duration::from_millis(100));
    assert!(bad.is_empty(), "requests closer than 100 ms: {bad:?}");
}

/// Budgets: `--max-pages` and `--max-time` end the crawl early, say why, and what was
/// written is complete.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn budgets_stop_the_crawl() {
    let web = newsharvest::serve::SyntheticWeb {
        hosts: 1,
        articles: 30,
    };
    let server = Server::start(Arc::new(web)).await.unwrap();
    let mut cfg = config(&["http://site0.test/"], &server, &["site0.test"]);
    cfg.rate = 50.0;
    cfg.feeds = false;
    cfg.max_pages = Some(5);
    let (st, records, _) = run(cfg).await;
    assert_eq!(st.stopped_by, "max_pages");
    assert_eq!(st.pages_fetched, 5);
    assert!(records.len() <= 5);
    let pages = server
        .log()
        .iter()
        .filter(|r| r.path.starts_with("/news/") || r.path == "/")
        .count();
    assert_eq!(pages, 5, "no page request after the budget");

    let mut cfg = config(&["http://site0.test/"], &server, &["site0.test"]);
    cfg.rate = 2.0;
    cfg.feeds = false;
    cfg.max_time = Some(Duration::from_millis(1500));
    let (st, records, _) = run(cfg).await;
    assert_eq!(st.stopped_by, "max_time");
    assert!(st.elapsed_s < 10.0, "stopped promptly: {:.1}s", st.elapsed_s);
    assert!(records.len() < 30);
}

/// A site that sends the crawler to an internal address: a redirect and a link to a host
/// in scope whose DNS answer is loopback. Neither is followed (`blocked_address`) unless
/// `--allow-private`; nothing reaches the internal host.
struct Pivot;

impl newsharvest::serve::Web for Pivot {
    fn reply(&self, host: &str, path: &str) -> newsharvest::serve::Reply {
        use newsharvest::serve::Reply;
        match (host, path) {
            ("intranet.pivot.test", _) => Reply::ok("text/html", "<p>internal admin page</p>"),
            (_, "/robots.txt") => Reply::not_found(),
            (_, "/") => Reply::ok(
                "text/html",
                "<html><body><h1>Pivot</h1><a href=\"/go\">Go</a> <a href=\"http://intranet.pivot.test/admin\">Admin</a></body></html>",
            ),
            (_, "/go") => Reply::status(302, vec![("location".into(), "http://intranet.pivot.test/secret".into())]),
            _ => Reply::not_found(),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn internal_addresses_are_refused_unless_allowed() {
    let server = Server::start(Arc::new(Pivot)).await.unwrap();
    let run_with = |allow: bool| {
        let mut cfg = config(&["http://pivot.test/"], &server, &["pivot.test"]);
        cfg.feeds = false;
        cfg.sitemaps = false;
        cfg.rate = 50.0;
        cfg.retries = 0;
        // A pretend DNS answer for a host the user did not name: it resolves to loopback.
        cfg.fake_dns = vec![("intranet.pivot.test".into(), vec![server.addr()])];
        cfg.allow_private = allow;
        cfg
    };
    let (_, _, errors) = run(run_with(false)).await;
    let blocked: Vec<&str> = errors
        .iter()
        .filter(|e| e.kind == "blocked_address")
        .map(|e| e.url.as_str())
        .collect();
    assert!(
        blocked.contains(&"http://intranet.pivot.test/admin"),
        "{errors:#?}"
    );
    assert!(
        blocked.contains(&"http://intranet.pivot.test/secret"),
        "the redirect target: {errors:#?}"
    );
    assert!(
        server.log().iter().all(|r| r.host != "intranet.pivot.test"),
        "a request reached the internal host"
    );
    let (_, _, errors) = run(run_with(true)).await;
    assert!(errors.iter().all(|e| e.kind != "blocked_address"), "{errors:#?}");
    assert!(server
        .log()
        .iter()
        .any(|r| r.host == "intranet.pivot.test" && r.path == "/secret"));
}
