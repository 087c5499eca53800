//! The crawler never drops an article silently (issue 22): a loopback site with articles of
//! six shapes (labelled; undated in an `<article>` with its `<h1>`; a blog post dated only
//! in its text; a short labelled brief; an old table layout under `news.php?id=123`;
//! microdata) and seven pages that are none (the home page, a tag page claiming
//! `og:type=article`, an author page with a bio, an about page of plain prose, a paginated
//! category, search results, a contact form), plus a broken link. The default crawl writes
//! exactly the six articles; `--emit-all` writes all thirteen pages, each with its
//! `page_type`; `--page-log` has one line per fetched page with its type, whether it was
//! written, why not, and the evidence; the stats count the pages by type. A second run
//! with a state logs the pages that answered `304`. Beside it, a host with one endless
//! calendar in three URL shapes (issue 22, part 4): at most 100 requests into it, every
//! article written, one page-log line per page request.

mod common;

use common::Collect;
use newsharvest::crawl::fetch::ResolveRule;
use newsharvest::crawl::page_log::{NotWritten, PageEntry};
use newsharvest::crawl::{self, CrawlConfig, Stats};
use newsharvest::model::{PageType, Record};
use newsharvest::serve::{LoggedRequest, Reply, Server, Web};
use newsharvest::Rules;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use url::Url;

const HOST: &str = "pages.test";
const UA: &str = "newsharvest-test/1.0 (+mailto:test@example.org)";

/// Every page of the site that is fetched, with the type the crawl must give it.
const PAGES: &[(&str, PageType)] = &[
    ("/2026/11/20/harbour-cranes-return/", PageType::Article),
    ("/a/3.html", PageType::Article),
    ("/blog/market-day", PageType::Article),
    ("/briefs/ferry-delay-expected", PageType::Article),
    ("/news.php?id=123", PageType::Article),
    ("/world/ferry-talks", PageType::Article),
    ("/", PageType::Listing),
    ("/tag/ferries/", PageType::Listing),
    ("/author/fiona-mackay/", PageType::Listing),
    ("/about/", PageType::Service),
    ("/category/city/page/2/", PageType::Listing),
    ("/search?q=ferry", PageType::Listing),
    ("/contact", PageType::Service),
];

/// A link on the home page to a page that is gone.
const GONE: &str = "/gone.html";

/// `words` words of prose in paragraphs of about 55, different for every `seed` (so that no
/// two pages are near-duplicates).
fn prose(seed: usize, words: usize) -> String {
    const NOUNS: &[&str] = &[
        "harbour",
        "council",
        "budget",
        "ferry",
        "school",
        "storm",
        "bridge",
        "market",
        "library",
        "festival",
        "union",
        "hospital",
        "tram",
        "river",
        "museum",
        "court",
        "farm",
        "airport",
        "stadium",
        "forest",
        "election",
        "factory",
        "theatre",
        "police",
        "railway",
        "beach",
        "castle",
        "garden",
        "tunnel",
        "quarry",
        "orchard",
        "lighthouse",
    ];
    const VERBS: &[&str] = &[
        "approved",
        "delayed",
        "questioned",
        "welcomed",
        "rejected",
        "reviewed",
        "funded",
        "opened",
    ];
    let mut x = seed as u64 ^ 0x9e37_79b9_7f4a_7c15;
    let mut next = |n: usize| {
        x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) % n as u64) as usize
    };
    let mut out = String::new();
    let mut written = 0;
    while written < words {
        let mut p = Vec::new();
        while p.len() < 55 && written + p.len() < words {
            // A sentence of eleven words.
            let s = format!(
                "The {} board {} the plan for the {} after the {} committee met on Tuesday.",
                NOUNS[next(NOUNS.len())],
                VERBS[next(VERBS.len())],
                NOUNS[next(NOUNS.len())],
                NOUNS[next(NOUNS.len())]
            );
            p.extend(s.split(' ').map(str::to_string));
        }
        written += p.len();
        out.push_str(&format!("<p>{}</p>\n", p.join(" ")));
    }
    out
}

/// The site's menu and footer: the links an ordinary page carries.
fn chrome() -> (String, String) {
    let nav = "<header><a href=\"/\">Harbour Courier</a><nav><a href=\"/\">Home</a> \
        <a href=\"/category/city/page/2/\">City</a> <a href=\"/tag/ferries/\">Ferries</a> \
        <a href=\"/search?q=ferry\">Search</a> <a href=\"/about/\">About</a> \
        <a href=\"/contact\">Contact</a></nav></header>";
    let footer = "<footer><p>© Harbour Courier</p><a href=\"/about/\">About us</a> \
        <a href=\"/contact\">Contact</a></footer>";
    (nav.to_string(), footer.to_string())
}

fn page(title: &str, head: &str, body: &str) -> Reply {
    let (nav, footer) = chrome();
    Reply::ok(
        "text/html; charset=utf-8",
        format!(
            "<!doctype html><html lang=en><head><meta charset=utf-8><title>{title} | Harbour Courier</title>\
             {head}</head><body>{nav}<main>{body}</main>{footer}</body></html>"
        ),
    )
}

/// Teasers of the site's articles, as a listing shows them (the six, over and over).
fn teasers(n: usize) -> String {
    let articles: Vec<&str> = PAGES
        .iter()
        .filter(|(_, t)| *t == PageType::Article)
        .map(|(p, _)| *p)
        .collect();
    (0..n)
        .map(|i| {
            let href = articles[i % articles.len()];
            format!(
                "<article class=teaser><h2><a href=\"{href}\">Story number {i}</a></h2>\
                 <p>A short summary of story {i} for the list.</p></article>"
            )
        })
        .collect()
}

/// The articles, in six shapes.
fn article(path: &str) -> Option<Reply> {
    Some(match path {
        // Labelled: JSON-LD NewsArticle, og:type, a date.
        "/2026/11/20/harbour-cranes-return/" => page(
            "Harbour cranes return",
            "<meta property=\"og:type\" content=\"article\">\
             <script type=\"application/ld+json\">{\"@context\":\"https://schema.org\",\"@type\":\"NewsArticle\",\
             \"headline\":\"Harbour cranes return\",\"datePublished\":\"2026-11-20T08:00:00Z\"}</script>",
            &format!("<article><h1>Harbour cranes return</h1>{}</article>", prose(1, 320)),
        ),
        // Undated and unlabelled: an <article> with its <h1> and 220 words.
        "/a/3.html" => page(
            "Lighthouse keeper retires",
            "",
            &format!("<article><h1>Lighthouse keeper retires</h1>{}</article>", prose(3, 220)),
        ),
        // A blog post dated only in its text.
        "/blog/market-day" => page(
            "Market day",
            "",
            &format!(
                "<div class=post><h1>Market day</h1><p class=byline>Posted on 12 March 2026 by Ana</p>{}</div>",
                prose(4, 280)
            ),
        ),
        // A short brief, labelled.
        "/briefs/ferry-delay-expected" => page(
            "Ferry delay expected",
            "<meta property=\"og:type\" content=\"article\">\
             <script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"headline\":\"Ferry delay expected\",\
             \"datePublished\":\"2026-11-21T07:00:00Z\"}</script>",
            &format!("<article><h1>Ferry delay expected</h1>{}</article>", prose(5, 55)),
        ),
        // An old portal: table layout, 350 words, its date only in the text.
        "/news.php" => Reply::ok(
            "text/html; charset=iso-8859-1",
            format!(
                "<html><head><title>Harbour Courier - News</title></head><body>\
                 <table width=800><tr><td colspan=2><a href=\"/\">Home</a> | <a href=\"/search?q=ferry\">Search</a></td></tr>\
                 <tr><td width=150 valign=top><a href=\"/tag/ferries/\">Ferries</a><br><a href=\"/about/\">About</a></td>\
                 <td valign=top><font size=4><b>Quarry reopens for visitors</b></font><br>\
                 <font size=2>Monday, 3 November 2025</font><br>{}</td></tr></table></body></html>",
                prose(6, 350)
            ),
        ),
        // Microdata: one NewsArticle item with its articleBody.
        "/world/ferry-talks" => page(
            "Ferry talks",
            "",
            &format!(
                "<div itemscope itemtype=\"https://schema.org/NewsArticle\"><h1 itemprop=headline>Ferry talks</h1>\
                 <div itemprop=articleBody>{}</div></div>",
                prose(7, 240)
            ),
        ),
        _ => return None,
    })
}

/// The pages that are no article.
fn other(path: &str, query: &str) -> Option<Reply> {
    Some(match (path, query) {
        ("/", _) => {
            let links: String = PAGES
                .iter()
                .map(|(p, _)| format!("<li><a href=\"{p}\">{p}</a></li>"))
                .chain([format!("<li><a href=\"{GONE}\">Old story</a></li>")])
                .collect();
            page(
                "Home",
                "<meta property=\"og:type\" content=\"website\">",
                &format!("<h1>Harbour Courier</h1><ul>{links}</ul>{}", teasers(8)),
            )
        }
        // A tag page that claims to be an article (as SEO plugins make them).
        ("/tag/ferries/", _) => page(
            "Ferries",
            "<meta property=\"og:type\" content=\"article\">",
            &format!(
                "<h1>Ferries</h1><p>{}</p>{}",
                "Everything about ferries.",
                teasers(10)
            ),
        ),
        // An author page: a bio of prose, then her articles.
        ("/author/fiona-mackay/", _) => page(
            "Fiona Mackay",
            "<meta property=\"og:type\" content=\"profile\">",
            &format!(
                "<h1>Fiona Mackay</h1><div class=bio>{}</div><h2>Latest articles</h2>{}",
                prose(8, 130),
                teasers(6)
            ),
        ),
        // An about page of plain prose.
        ("/about/", _) => page(
            "About us",
            "",
            &format!("<article><h1>About us</h1>{}</article>", prose(9, 300)),
        ),
        ("/category/city/page/2/", _) => page(
            "City - page 2",
            "",
            &format!(
                "<h1>City</h1>{}<a href=\"/category/city/page/3/\">Older</a>",
                teasers(12)
            ),
        ),
        ("/search", "q=ferry") => page(
            "Search results for ferry",
            "",
            &format!("<h1>Search results for “ferry”</h1>{}", teasers(10)),
        ),
        ("/contact", _) => page(
            "Contact",
            "",
            "<h1>Contact us</h1><p>Write to the newsroom with tips, corrections or questions; \
             we read every message and answer within two working days.</p>\
             <form action=\"/contact\" method=post><label>Name <input name=name></label>\
             <label>Email <input name=email type=email></label>\
             <label>Message <textarea name=message></textarea></label><button>Send</button></form>",
        ),
        _ => return None,
    })
}

struct PagesWeb;

impl Web for PagesWeb {
    fn reply(&self, host: &str, path: &str) -> Reply {
        let (route, query) = path.split_once('?').unwrap_or((path, ""));
        if route == "/robots.txt" {
            return Reply::ok("text/plain", "User-agent: *\nAllow: /\n");
        }
        if host == CAL_HOST {
            return calendar_site(route, query);
        }
        if route == "/news.php" && query != "id=123" {
            return Reply::not_found();
        }
        article(route)
            .or_else(|| other(route, query))
            .unwrap_or_else(Reply::not_found)
    }
}

/// What one crawl of the site left: stats, records, page-log lines.
struct Run {
    stats: Stats,
    records: Vec<Record>,
    log: Vec<PageEntry>,
    /// The requests the server received during the crawl.
    requests: Vec<LoggedRequest>,
}

fn test_dir(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("test dir");
    d
}

/// Crawl `seed` on `server` with these settings (the page log in `dir`).
async fn crawl_with(server: &Server, seed: &str, dir: &str, set: impl FnOnce(&mut CrawlConfig)) -> Run {
    let before = server.log().len();
    let mut cfg = CrawlConfig::new(vec![Url::parse(seed).expect("seed")], UA.into());
    let addr = server.addr();
    cfg.resolve = [HOST, CAL_HOST]
        .iter()
        .map(|h| ResolveRule {
            host: h.to_string(),
            port: 80,
            addr,
        })
        .collect();
    cfg.rate = 200.0;
    cfg.threads = 2;
    cfg.max_depth = 1;
    cfg.retries = 0;
    let log_path = test_dir(dir).join("pages.jsonl");
    cfg.page_log = Some(log_path.clone());
    set(&mut cfg);
    let sink = Collect::default();
    let (_stop_tx, stop_rx) = watch::channel(false);
    let stats = Arc::new(Mutex::new(Stats::default()));
    let rules = Arc::new(Rules::bundled().expect("rules"));
    let crawl = crawl::crawl(cfg, rules, Box::new(sink.clone()), stats, stop_rx);
    let st = tokio::time::timeout(Duration::from_secs(60), crawl)
        .await
        .expect("the crawl ends")
        .expect("the crawl runs");
    eprintln!("{}", st.summary());
    let text = std::fs::read_to_string(&log_path).expect("page log");
    assert!(text.is_empty() || text.ends_with('\n'), "whole lines");
    let log = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let records = sink.records.lock().expect("lock").clone();
    Run {
        stats: st,
        records,
        log,
        requests: server.log()[before..].to_vec(),
    }
}

async fn crawl_site(emit_all: bool) -> Run {
    let server = Server::start(Arc::new(PagesWeb)).await.expect("server");
    let dir = if emit_all { "pagetypes-all" } else { "pagetypes" };
    crawl_with(&server, &url("/"), dir, |c| c.emit_all = emit_all).await
}

fn url(path: &str) -> String {
    format!("http://{HOST}{path}")
}

/// The page-log lines by URL, each URL once.
fn by_url(log: &[PageEntry]) -> BTreeMap<String, PageEntry> {
    let mut m = BTreeMap::new();
    for e in log {
        assert!(
            m.insert(e.url.clone(), e.clone()).is_none(),
            "{} logged twice",
            e.url
        );
    }
    m
}

/// The type, the evidence and the written flag of every page, in one message.
fn table(log: &[PageEntry]) -> String {
    log.iter()
        .map(|e| {
            format!(
                "{:<45} {:<10} written={} {:?}\n",
                e.url,
                format!("{:?}", e.page_type),
                e.written,
                e.evidence
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_crawl_writes_exactly_the_articles_and_logs_every_page() {
    let run = crawl_site(false).await;
    let log = by_url(&run.log);
    let t = table(&run.log);
    eprintln!("{t}{} requests", run.requests.len());
    // One line per fetched page: the thirteen and the broken link; no robots.txt, sitemap
    // or feed probe.
    assert_eq!(log.len(), PAGES.len() + 1, "{t}");
    for (path, want) in PAGES {
        let e = log
            .get(&url(path))
            .unwrap_or_else(|| panic!("{path} not in the page log\n{t}"));
        assert_eq!(e.page_type, Some(*want), "{path}\n{t}");
        assert_eq!(e.status, Some(200));
        assert!(!e.evidence.is_empty(), "{path}: no evidence");
        let article = *want == PageType::Article;
        assert_eq!(e.written, article, "{path}\n{t}");
        assert_eq!(e.reason, (!article).then_some(NotWritten::NotArticle), "{path}");
    }
    let gone = &log[&url(GONE)];
    assert_eq!(
        (gone.page_type, gone.written, gone.reason),
        (None, false, Some(NotWritten::Error))
    );
    assert_eq!(
        (gone.status, gone.error.as_deref()),
        (Some(404), Some("http_404"))
    );

    let mut written: Vec<String> = run
        .records
        .iter()
        .map(|r| r.article.url.clone().unwrap_or_default())
        .collect();
    written.sort();
    let mut want: Vec<String> = PAGES
        .iter()
        .filter(|(_, t)| *t == PageType::Article)
        .map(|(p, _)| url(p))
        .collect();
    want.sort();
    assert_eq!(written, want, "exactly the six articles\n{t}");
    for r in &run.records {
        assert_eq!(r.article.page_type, PageType::Article);
        let e = &log[r.article.url.as_deref().unwrap_or_default()];
        assert_eq!(
            r.article.extraction.page_type_evidence, e.evidence,
            "the record's evidence is the log's"
        );
    }

    let by_type = run.stats.pages_by_type;
    assert_eq!((by_type.article, by_type.listing, by_type.service), (6, 5, 2));
    assert_eq!(
        by_type.forum + by_type.product + by_type.documentation + by_type.other,
        0
    );
    assert_eq!(run.stats.articles, 6);
    assert!(run
        .stats
        .summary()
        .contains("pages by type: 6 article, 5 listing, 2 service"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emit_all_writes_every_page_with_its_type() {
    let run = crawl_site(true).await;
    let log = by_url(&run.log);
    let t = table(&run.log);
    assert_eq!(run.records.len(), PAGES.len(), "{t}");
    for (path, want) in PAGES {
        let r = run
            .records
            .iter()
            .find(|r| r.article.url.as_deref() == Some(url(path).as_str()))
            .unwrap_or_else(|| panic!("{path} not written\n{t}"));
        assert_eq!(r.article.page_type, *want, "{path}");
        assert!(!r.article.extraction.page_type_evidence.is_empty(), "{path}");
        let e = &log[&url(path)];
        assert!(e.written && e.reason.is_none(), "{path}: {e:?}");
    }
    assert!(!log[&url(GONE)].written);
    let by_type = run.stats.pages_by_type;
    assert_eq!((by_type.article, by_type.listing, by_type.service), (6, 5, 2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_logs_the_pages_that_answered_not_modified() {
    let server = Server::start(Arc::new(PagesWeb)).await.expect("server");
    let state = test_dir("pagetypes-state").join("state.db");
    let with_state = |c: &mut CrawlConfig| c.state = Some(state.clone());
    let first = crawl_with(&server, &url("/"), "pagetypes-first", with_state).await;
    assert_eq!(first.records.len(), 6);
    let second = crawl_with(&server, &url("/"), "pagetypes-second", |c| {
        c.state = Some(state.clone())
    })
    .await;
    let t = table(&second.log);
    assert!(second.records.is_empty(), "nothing new\n{t}");
    // Every page fetched again has its line: the unchanged ones answered 304.
    let pages: Vec<&LoggedRequest> = second.requests.iter().filter(|r| is_page(&r.path)).collect();
    assert_eq!(second.log.len(), pages.len(), "{t}{pages:#?}");
    let home = by_url(&second.log)
        .remove(&url("/"))
        .expect("the home page is read again");
    assert_eq!(
        (home.status, home.page_type, home.written),
        (Some(304), None, false)
    );
    assert_eq!(home.reason, Some(NotWritten::NotModified));
}

/// A page of the site (not robots.txt, nor a sitemap or feed location probed).
fn is_page(path: &str) -> bool {
    !(path == "/robots.txt" || path.contains("sitemap") || path.contains("feed") || path.ends_with(".xml"))
}

/// A second host: three articles and one endless calendar ([`common::calendar_links`]),
/// linked from every page, in three URL shapes: months `/cal/2024/05/`, days
/// `/cal/2024/05/07/` and days by query `/cal?month=2024-05&day=07`.
const CAL_HOST: &str = "calendar.test";

/// A page of the calendar site: no menu (its links are the calendar's and the stories').
fn bare(title: &str, head: &str, body: &str) -> Reply {
    Reply::ok(
        "text/html; charset=utf-8",
        format!("<!doctype html><html lang=en><head><title>{title}</title>{head}</head><body>{body}</body></html>"),
    )
}

fn calendar_site(route: &str, query: &str) -> Reply {
    let widget = "<aside><a href=\"/cal/2024/05/\">Calendar</a></aside>";
    if route == "/" {
        return bare(
            "Home",
            "",
            &format!(
                "<h1>Calendar Courier</h1>{widget}<ul>{}</ul>",
                (1..=3)
                    .map(|n| format!("<li><a href=\"/story/100{n}\">Story {n}</a></li>"))
                    .collect::<String>()
            ),
        );
    }
    if let Some(n) = route.strip_prefix("/story/100") {
        let n: usize = n.parse().unwrap_or(0);
        return bare(
            &format!("Story {n}"),
            "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\"}</script>",
            &format!(
                "<article><h1>Story {n}</h1>{}</article>{widget}",
                prose(100 + n, 250)
            ),
        );
    }
    let Some(links) = common::calendar_links(route, query) else {
        return Reply::not_found();
    };
    let links: String = links
        .iter()
        .map(|l| format!("<a href=\"{l}\">{l}</a> "))
        .collect();
    bare(
        "Calendar",
        "",
        &format!("<h1>Events</h1><p>Nothing on this day.</p>{links}"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_calendar_in_three_url_shapes_costs_at_most_100_requests() {
    let server = Server::start(Arc::new(PagesWeb)).await.expect("server");
    let seed = format!("http://{CAL_HOST}/");
    let run = crawl_with(&server, &seed, "pagetypes-calendar", |c| c.max_depth = 1000).await;
    let missing: Vec<&str> = run
        .requests
        .iter()
        .filter(|r| r.status == 404 && is_page(&r.path))
        .map(|r| r.path.as_str())
        .collect();
    assert!(missing.is_empty(), "every calendar link answers: {missing:?}");
    let cal = |p: &str| run.requests.iter().filter(|r| r.path.starts_with(p)).count();
    let total = cal("/cal/") + cal("/cal?");
    eprintln!(
        "calendar requests: {total} ({} months and days, {} by query)",
        cal("/cal/"),
        cal("/cal?")
    );
    assert!(
        cal("/cal?") > 0 && cal("/cal/2024/05/") > 0,
        "all three shapes are reached"
    );
    assert!(total <= 100, "{total} requests into the endless calendar");
    assert_eq!(run.records.len(), 3, "every article is written");
    assert!(
        run.stats.traps.iter().any(|t| t.contains("under /cal/")),
        "{:?}",
        run.stats.traps
    );
    // One page-log line per page fetched, every calendar page a listing.
    let pages = run.requests.iter().filter(|r| is_page(&r.path)).count();
    assert_eq!(run.log.len(), pages);
    let listings = run
        .log
        .iter()
        .filter(|e| e.page_type == Some(PageType::Listing))
        .count();
    assert_eq!(listings, total + 1, "the calendar pages and the home page");
    // The per-pattern budgets alone: each shape is a trap of its own and spends its own
    // budget (102 requests when this was written).
    let server = Server::start(Arc::new(PagesWeb)).await.expect("server");
    let run = crawl_with(&server, &seed, "pagetypes-calendar-patterns", |c| {
        c.max_depth = 1000;
        c.max_barren_per_prefix = u32::MAX;
    })
    .await;
    let cal = |p: &str| run.requests.iter().filter(|r| r.path.starts_with(p)).count();
    eprintln!(
        "without the prefix budget: {} calendar requests",
        cal("/cal/") + cal("/cal?")
    );
    for shape in ["/cal/N/N/ ", "/cal/N/N/N/ ", "/cal?day&month "] {
        assert!(
            run.stats.traps.iter().any(|t| t.contains(shape)),
            "{shape}: {:?}",
            run.stats.traps
        );
    }
}
