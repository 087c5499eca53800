//! A loopback site built to trap crawlers: an endless calendar linked from every page and
//! reachable in three URL shapes (months `/cal/2026/11/`, days `/cal/2026/11/05/`, days by
//! query `/cal?month=2026-11&day=05`), endless `?page=N` search results, session ids in every link, relative links that grow
//! the path forever, a redirect loop and an endless redirect chain, a body sent a byte a
//! second, an endless body, a gzip bomb and 1.6 MB of response headers. The crawl must end
//! by itself, write every sitemap article, spend at most 100 requests in the calendar and
//! 12 in a redirect loop, and stay under 512 MiB. Its own test binary, so the peak RSS is
//! this crawl's (server and crawler share the process).

mod common;

use common::Collect;
use newsharvest::crawl::fetch::ResolveRule;
use newsharvest::crawl::{self, CrawlConfig, Stats};
use newsharvest::serve::{LoggedRequest, Reply, Server, Web};
use newsharvest::Rules;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use url::Url;

const HOST: &str = "trap.test";
const ARTICLES: usize = 20;

#[derive(Default)]
struct TrapWeb {
    /// A counter for session ids and search queries: every answer links to new URLs.
    next: AtomicU64,
}

fn html(body: &str) -> Reply {
    Reply::ok(
        "text/html; charset=utf-8",
        format!(
            "<!doctype html><html lang=en><head><title>Trap Times</title></head><body>{body}</body></html>"
        ),
    )
}

fn redirect(to: &str) -> Reply {
    Reply::status(302, vec![("location".into(), to.into())])
}

/// The calendar widget every page carries.
const CALENDAR_LINK: &str = "<aside class=widget><a href=\"/cal/2026/11/\">Archive calendar</a></aside>";

/// Prose that differs from story to story (so that no two are near-duplicates).
fn story_text(n: usize) -> String {
    const WORDS: &[&str] = &[
        "harbour", "council", "budget", "ferry", "school", "storm", "bridge", "market", "library",
        "festival", "union", "hospital", "tram", "river", "museum", "court", "farm", "airport", "stadium",
        "forest", "election", "factory", "theatre", "police", "railway", "beach", "castle", "garden",
        "tunnel", "quarry",
    ];
    (0..6)
        .map(|p| {
            let w = |k: usize| {
                // splitmix64 of (story, paragraph, slot): a word per slot, independent per story.
                let mut x = (n * 1_000 + p * 10 + k) as u64 ^ 0x9e37_79b9_7f4a_7c15;
                x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
                x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
                WORDS[((x ^ (x >> 31)) % WORDS.len() as u64) as usize]
            };
            format!(
                "<p>The {} board met on {} night, and after a debate about the {}, with several amendments \
                 from the {} committee, it approved the plan for the {} before the {} season began in the {}.</p>",
                w(0),
                ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"][(n + p) % 5],
                w(1),
                w(2),
                w(3),
                w(4),
                w(5)
            )
        })
        .collect()
}

impl TrapWeb {
    fn article(&self, n: usize) -> Reply {
        let paragraphs = story_text(10_000 + n);
        html(&format!(
            "<script type=\"application/ld+json\">{{\"@type\":\"NewsArticle\",\"headline\":\"Story {n}\",\
             \"datePublished\":\"2026-11-{:02}T08:00:00Z\"}}</script>\
             <nav><a href=\"/\">Home</a> <a href=\"/search?page=1\">Search</a></nav>\
             <article><h1>Story {n}</h1>{paragraphs}</article>{CALENDAR_LINK}\
             <a href=\"/session?PHPSESSID={}\">Your account</a>",
            n % 28 + 1,
            self.session()
        ))
    }

    fn session(&self) -> String {
        format!(
            "{:032x}",
            0x9f86_d081_884c_7d65_u64.wrapping_mul(self.next.fetch_add(1, Ordering::SeqCst) + 1)
        )
    }

    /// One page of the endless calendar ([`common::calendar_links`]).
    fn calendar(&self, route: &str, query: &str) -> Reply {
        let Some(links) = common::calendar_links(route, query) else {
            return Reply::not_found();
        };
        let links: String = links
            .iter()
            .map(|l| format!("<a href=\"{l}\">{l}</a> "))
            .collect();
        html(&format!(
            "<h1>Archive</h1><p>No stories on this day.</p><div class=calendar>{links}</div>"
        ))
    }
}

/// A legitimate site the trap budgets must not cut: a home page with 30 numbered sections
/// (each leading to 3 articles) and 40 pages of pagination (each with 2 articles, of which
/// only the newest 20 are in the sitemap).
const LEGIT: &str = "legit.test";
const SECTIONS: usize = 30;
const PAGES: usize = 40;

fn legit(path: &str) -> Reply {
    let link = |href: String| format!("<li><a href=\"{href}\">{href}</a></li>");
    match path {
        "/robots.txt" => Reply::ok("text/plain", format!("User-agent: *\nSitemap: http://{LEGIT}/sitemap.xml\n")),
        "/sitemap.xml" => Reply::ok(
            "application/xml",
            format!(
                "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">{}</urlset>",
                (0..20)
                    .map(|n| format!("<url><loc>http://{LEGIT}/archive/story-{n}/</loc></url>"))
                    .collect::<String>()
            ),
        ),
        "/" => html(&format!(
            "<h1>Legit Ledger</h1><ul>{}{}</ul>",
            (1..=SECTIONS).map(|c| link(format!("/category/{c}/"))).collect::<String>(),
            link("/news/page/1/".to_string())
        )),
        p if p.starts_with("/category/") => {
            let c: usize = p["/category/".len()..].trim_end_matches('/').parse().unwrap_or(0);
            html(&format!(
                "<h1>Section {c}</h1><ul>{}</ul>",
                (0..3).map(|k| link(format!("/section-story/{}/", c * 10 + k))).collect::<String>()
            ))
        }
        p if p.starts_with("/news/page/") => {
            let n: usize = p["/news/page/".len()..].trim_end_matches('/').parse().unwrap_or(1);
            let next = if n < PAGES { link(format!("/news/page/{}/", n + 1)) } else { String::new() };
            html(&format!(
                "<h1>Page {n}</h1><ul>{}{next}</ul>",
                (0..2).map(|k| link(format!("/archive/story-{}/", (n - 1) * 2 + k))).collect::<String>()
            ))
        }
        p if p.starts_with("/section-story/") || p.starts_with("/archive/story-") => {
            let digits: String = p.chars().filter(|c| c.is_ascii_digit()).collect();
            let n: usize = digits.parse::<usize>().unwrap_or(0) + if p.starts_with("/section") { 5000 } else { 0 };
            html(&format!(
                "<script type=\"application/ld+json\">{{\"@type\":\"NewsArticle\",\"headline\":\"Story {n}\"}}</script>\
                 <article><h1>Story {n}</h1>{}</article>",
                story_text(n)
            ))
        }
        _ => Reply::not_found(),
    }
}

impl Web for TrapWeb {
    fn reply(&self, host: &str, path: &str) -> Reply {
        if host == LEGIT {
            return legit(path);
        }
        let (route, query) = path.split_once('?').unwrap_or((path, ""));
        match route {
            "/robots.txt" => Reply::ok(
                "text/plain",
                format!("User-agent: *\nAllow: /\nSitemap: http://{HOST}/sitemap.xml\n"),
            ),
            "/sitemap.xml" => Reply::ok(
                "application/xml",
                format!(
                    "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">{}</urlset>",
                    (0..ARTICLES)
                        .map(|n| format!("<url><loc>http://{HOST}/news/2026/11/story-{n}/</loc></url>"))
                        .collect::<String>()
                ),
            ),
            "/" => html(&format!(
                "<h1>Trap Times</h1>{CALENDAR_LINK}<ul>\
                 <li><a href=\"/news/2026/11/story-0/\">Story 0</a></li>\
                 <li><a href=\"/loop/a\">Loop</a></li><li><a href=\"/chain/1\">Chain</a></li>\
                 <li><a href=\"/session?PHPSESSID={}\">Account</a></li>\
                 <li><a href=\"/session;jsessionid={}\">Shop</a></li>\
                 <li><a href=\"/a/b/\">Path</a></li><li><a href=\"/search?page=1\">Search</a></li>\
                 <li><a href=\"/slow\">Slow</a></li><li><a href=\"/endless\">Endless</a></li>\
                 <li><a href=\"/bomb\">Bomb</a></li><li><a href=\"/headers\">Headers</a></li></ul>",
                self.session(),
                self.session()
            )),
            "/loop/a" => redirect("/loop/b"),
            "/loop/b" => redirect(&format!("http://{HOST}/loop/a")),
            r if r.starts_with("/chain/") => {
                let n: u64 = r["/chain/".len()..].parse().unwrap_or(0);
                redirect(&format!("/chain/{}", n + 1))
            }
            "/session" => html(&format!(
                "<h1>Account</h1><a href=\"/session?PHPSESSID={}&amp;sid={}\">Refresh</a>\
                 <a href=\"/session;jsessionid={}?view=1\">View</a>",
                self.session(),
                self.session(),
                self.session()
            )),
            r if r.starts_with("/session;") => html(&format!(
                "<h1>Shop</h1><a href=\"/session;jsessionid={}\">Again</a>",
                self.session()
            )),
            r if r.starts_with("/a/") => html("<h1>Path</h1><a href=\"a/b/\">Deeper</a>"),
            "/search" => {
                let page: u64 = query.strip_prefix("page=").and_then(|p| p.parse().ok()).unwrap_or(1);
                let q = self.next.fetch_add(1, Ordering::SeqCst);
                html(&format!(
                    "<h1>Search</h1><p>No results.</p><a href=\"/search?page={}\">Next</a> \
                     <a href=\"/search?q=related{q}\">Related search</a>",
                    page + 1
                ))
            }
            r if r == "/cal" || r.starts_with("/cal/") => self.calendar(r, query),
            r if r.starts_with("/news/2026/11/story-") => {
                match r["/news/2026/11/story-".len()..].trim_end_matches('/').parse::<usize>() {
                    Ok(n) if n < ARTICLES => self.article(n),
                    _ => Reply::not_found(),
                }
            }
            "/slow" => Reply::Slow {
                every: Duration::from_secs(1),
            },
            "/endless" => Reply::Big { bytes: usize::MAX },
            "/bomb" => Reply::GzipBomb { bytes: 256 << 20 },
            "/headers" => Reply::Full {
                status: 200,
                headers: (0..200)
                    .map(|i| (format!("x-filler-{i}"), "a".repeat(8000)))
                    .chain([("content-type".to_string(), "text/html".to_string())])
                    .collect(),
                body: "<p>headers</p>".into(),
            },
            _ => Reply::not_found(),
        }
    }
}

fn requests(log: &[LoggedRequest], host: &str, prefix: &str) -> usize {
    log.iter()
        .filter(|r| r.host == host && r.path.starts_with(prefix))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trap_site_is_crawled_to_the_end_with_every_sitemap_article() {
    let server = Server::start(Arc::new(TrapWeb::default())).await.expect("server");
    let mut cfg = CrawlConfig::new(
        vec![
            Url::parse(&format!("http://{HOST}/")).expect("seed"),
            Url::parse(&format!("http://{LEGIT}/")).expect("seed"),
        ],
        "newsharvest-test/1.0 (+mailto:test@example.org)".into(),
    );
    cfg.resolve = [HOST, LEGIT]
        .iter()
        .map(|h| ResolveRule {
            host: h.to_string(),
            port: 80,
            addr: server.addr(),
        })
        .collect();
    // A user crawling deep: link depth alone does not end the calendar.
    cfg.max_depth = 50;
    cfg.rate = 100.0;
    cfg.timeout = Duration::from_secs(3);
    cfg.retries = 1;
    cfg.threads = 2;
    let sink = Collect::default();
    let (_stop_tx, stop_rx) = watch::channel(false);
    let stats = Arc::new(Mutex::new(Stats::default()));
    let crawl = crawl::crawl(
        cfg,
        Arc::new(Rules::bundled().expect("rules")),
        Box::new(sink.clone()),
        stats,
        stop_rx,
    );
    let st = tokio::time::timeout(Duration::from_secs(120), crawl)
        .await
        .expect("the crawl ends by itself")
        .expect("the crawl runs");
    let log = server.log();
    let records = sink.records.lock().expect("lock").clone();
    let errors = sink.errors.lock().expect("lock").clone();
    let peak_mib = newsharvest::eval::peak_rss_kib().map_or(0.0, |k| k as f64 / 1024.0);
    eprintln!("{}", st.summary());
    for prefix in [
        "/cal/", "/cal?", "/loop/", "/chain/", "/session", "/a/", "/search", "/news/",
    ] {
        eprintln!("requests to {prefix:<9} {}", requests(&log, HOST, prefix));
    }
    eprintln!("peak RSS {peak_mib:.1} MiB, {} requests in all", log.len());

    assert_eq!(st.stopped_by, "done");
    for n in 0..ARTICLES {
        let url = format!("http://{HOST}/news/2026/11/story-{n}/");
        assert!(
            records
                .iter()
                .any(|r| r.article.url.as_deref() == Some(url.as_str())),
            "sitemap article {url} not written"
        );
    }
    let on = |host: &str| {
        records
            .iter()
            .filter(|r| r.article.url.as_deref().is_some_and(|u| u.contains(host)))
            .count()
    };
    assert_eq!(on(HOST), ARTICLES, "only the articles are written");
    // The legitimate site is crawled in full: every section's articles and the archive
    // beyond its sitemap, however many sections and pages there are.
    assert_eq!(on(LEGIT), SECTIONS * 3 + PAGES * 2, "{:#?}", st.traps);
    assert!(
        !st.traps.iter().any(|t| t.starts_with("legit.test")),
        "{:#?}",
        st.traps
    );
    assert!(
        records.iter().all(|r| r.duplicate_of.is_none()),
        "distinct stories are no duplicates"
    );
    // The calendar in all its shapes: months, days and days by query.
    let cal = requests(&log, HOST, "/cal/") + requests(&log, HOST, "/cal?");
    eprintln!("requests to the calendar: {cal}");
    assert!(requests(&log, HOST, "/cal?") > 0, "the query shape is reached");
    assert!(cal <= 100, "{cal} requests into the endless calendar");
    assert!(requests(&log, HOST, "/loop/") <= 12, "redirect loop");
    assert!(requests(&log, HOST, "/chain/") <= 12, "endless redirect chain");
    assert!(
        requests(&log, HOST, "/session") <= 3,
        "session ids are not new pages"
    );
    assert!(requests(&log, HOST, "/a/") <= 3, "a growing relative path");
    assert!(requests(&log, HOST, "/search") <= 100, "endless search pages");
    assert!(
        st.traps
            .iter()
            .any(|t| t.contains("trap.test: 25 pages like /cal/N/N")),
        "{:?}",
        st.traps
    );
    assert!(
        st.traps
            .iter()
            .any(|t| t.starts_with("trap.test: 40 pages linked from under /cal/")),
        "one budget for the calendar's three shapes: {:?}",
        st.traps
    );
    let kind = |path: &str| {
        errors
            .iter()
            .find(|e| e.url == format!("http://{HOST}{path}"))
            .map(|e| e.kind.clone())
            .unwrap_or_default()
    };
    assert_eq!(kind("/slow"), "timeout");
    assert_eq!(kind("/endless"), "too_large");
    assert_eq!(kind("/bomb"), "too_large");
    assert!(
        !kind("/headers").is_empty(),
        "huge headers end as an error record"
    );
    assert!(
        ["redirect_loop", "too_many_redirects"].contains(&kind("/loop/b").as_str()),
        "{errors:#?}"
    );
    assert!(errors.iter().any(|e| e.kind == "too_many_redirects"));
    assert!(peak_mib < 512.0, "peak RSS {peak_mib:.1} MiB");
}
