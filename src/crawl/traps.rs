//! Crawler-trap defences for links: URLs no crawl should follow (too long, too many path
//! segments, a segment repeated as in `/a/b/a/b/a/`), and per-host budgets of linked pages
//! that are no new article, kept per URL *pattern* of the page the links were found on
//! (the path with its numbers generalised: `/cal/2026/11/05/` is `/cal/N/N/N/`), per path
//! *prefix* of that page (its path up to the first segment with a digit: `/cal/` for
//! `/cal/2026/11/`, `/cal/2026/11/05/` and `/cal?month=2026-11&day=5` alike) and host-wide.
//!
//! An endless calendar, an infinite `?page=N` or a search that links to ever new searches
//! makes new URLs forever from pages of a few patterns, none of them an article. Heritrix
//! and StormCrawler cut such spaces with path rules and per-queue budgets; we do the same
//! per pattern of the linking page: every linked page that turns out to be no new article
//! counts against the pattern of the page that linked to it, and a new article renews that
//! budget. After [`TrapConfig::per_pattern`] such pages, links found on pages of that
//! pattern are no longer queued (those queued already are still fetched, up to twice the
//! budget), until a page of the pattern leads to an article again. After
//! [`TrapConfig::per_host`] linked pages in a row on one host without a new article, the
//! host's links are no longer followed at all. One trap often has several URL shapes (a
//! calendar's months, days and query-string views), each a pattern with its own budget; the
//! prefix budget, [`TrapConfig::per_prefix`], holds for all of them together, so the
//! shapes cannot add up their budgets. It counts the linked pages under the linking page's
//! own prefix (a trap's pages link pages like themselves), so an article's links to tag and
//! author pages spend none of it. Sections and their pagination lead to
//! articles, so they are never cut, however many there are and in whatever order the
//! breadth-first crawl reaches them (a home page's thirty section links are all queued
//! before any is judged). Sitemap, feed and seed URLs are never subject to these budgets.
//! Pure bookkeeping: no I/O.

use std::collections::HashMap;
use url::Url;

/// Longest URL followed from a link (Internet Explorer's limit, which sites respect).
pub const MAX_URL_CHARS: usize = 2083;
/// Most path segments of a followed link (Heritrix's TooManyPathSegments default).
pub const MAX_PATH_SEGMENTS: usize = 20;
/// A path segment may appear this often in one path; once more is a loop of relative links
/// (`a/b/` resolved against `/a/b/`), as Nutch's and Heritrix's path rules say.
pub const MAX_SEGMENT_REPEATS: usize = 2;
/// Default pages of one URL pattern, on one host, that may lead to no article.
pub const DEFAULT_PER_PATTERN: u32 = 25;
/// Default pages in a row, on one host, that may lead to no article.
pub const DEFAULT_PER_HOST: u32 = 1000;
/// Default pages linked from one path prefix, on one host, that may lead to no article.
/// More than one pattern's budget ([`DEFAULT_PER_PATTERN`]), so that a prefix whose
/// pagination and date archive are two patterns is not cut before either pattern would be;
/// well under three patterns' (75), so that a trap reached in three URL shapes costs less
/// than three separate traps: with queued links fetched up to twice the budget, an endless
/// calendar costs about 80 requests whatever its shapes, under the 100 the hostile-site
/// test allows.
pub const DEFAULT_PER_PREFIX: u32 = 40;

/// Why a link is not followed at all, or `None` for an ordinary URL.
pub fn pathological(u: &Url) -> Option<String> {
    if u.as_str().len() > MAX_URL_CHARS {
        return Some(format!("URL longer than {MAX_URL_CHARS} characters"));
    }
    let segments: Vec<&str> = u.path().split('/').filter(|s| !s.is_empty()).collect();
    if segments.len() > MAX_PATH_SEGMENTS {
        return Some(format!("more than {MAX_PATH_SEGMENTS} path segments"));
    }
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for s in &segments {
        let n = counts.entry(s).or_default();
        *n += 1;
        if *n > MAX_SEGMENT_REPEATS {
            return Some(format!(
                "path segment {s:?} repeated more than {MAX_SEGMENT_REPEATS} times"
            ));
        }
    }
    None
}

/// The URL's pattern: its path with every run of digits written `N` (and any segment of
/// 16 or more hex digits and dashes with a digit among them, a hash or UUID, written `X`),
/// then its query keys, sorted, without values. `/cal/2026/11/05/?view=day` →
/// `/cal/N/N/N/?view`.
pub fn pattern(u: &Url) -> String {
    let mut out = String::with_capacity(u.path().len() + 8);
    for (i, seg) in u.path().split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        if seg.len() >= 16
            && seg.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
            && seg.bytes().any(|b| b.is_ascii_digit())
        {
            out.push('X');
            continue;
        }
        let mut in_digits = false;
        for c in seg.chars() {
            if c.is_ascii_digit() {
                if !in_digits {
                    out.push('N');
                }
                in_digits = true;
            } else {
                out.push(c);
                in_digits = false;
            }
        }
    }
    let mut keys: Vec<String> = u.query_pairs().map(|(k, _)| k.into_owned()).collect();
    if !keys.is_empty() {
        keys.sort();
        keys.dedup();
        out.push('?');
        out.push_str(&keys.join("&"));
    }
    out
}

/// The URL's path prefix: its path segments before the first one holding a digit, without
/// the query (`/cal/2026/11/05/`, `/cal/2026/11/` and `/cal?month=2026-11` are all `/cal/`;
/// `/news/page/3/` is `/news/page/`), or `None` for the root (`/`, `/2026/11/`, `/?p=4`),
/// which is the whole host, budgeted as such.
pub fn prefix(u: &Url) -> Option<String> {
    let mut out = String::from("/");
    for seg in u.path().split('/').filter(|s| !s.is_empty()) {
        if seg.bytes().any(|b| b.is_ascii_digit()) {
            break;
        }
        out.push_str(seg);
        out.push('/');
    }
    (out.len() > 1).then_some(out)
}

/// The page a link was found on: the budgets are kept by its host, pattern and prefix.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    /// The linking page's URL.
    pub url: String,
    /// Its host.
    pub host: String,
    /// Its [`pattern`].
    pub pattern: String,
    /// Its [`prefix`].
    pub prefix: Option<String>,
}

impl Origin {
    /// The origin of links found on `page`.
    pub fn of(page: &Url) -> Origin {
        Origin {
            url: page.to_string(),
            host: page.host_str().unwrap_or("").to_string(),
            pattern: pattern(page),
            prefix: prefix(page),
        }
    }

    /// The origin of a stored URL (`None` when it does not parse).
    pub fn parse(url: &str) -> Option<Origin> {
        Url::parse(url).ok().map(|u| Origin::of(&u))
    }
}

/// The budgets (docs/safety-limits.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrapConfig {
    /// Barren pages of one pattern on one host before links found on such pages are no
    /// longer followed (`--max-barren-per-pattern`).
    pub per_pattern: u32,
    /// Linked pages in a row on one host without an article before the host's links are no
    /// longer followed (`--max-barren-per-host`).
    pub per_host: u32,
    /// Barren pages linked from one path prefix on one host, whatever their patterns,
    /// before links found under that prefix are no longer followed
    /// (`--max-barren-per-prefix`).
    pub per_prefix: u32,
}

impl Default for TrapConfig {
    fn default() -> TrapConfig {
        TrapConfig {
            per_pattern: DEFAULT_PER_PATTERN,
            per_host: DEFAULT_PER_HOST,
            per_prefix: DEFAULT_PER_PREFIX,
        }
    }
}

/// A budget that just ran out, for the stats and the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut {
    /// The host.
    pub host: String,
    /// The pattern whose links are cut off, or `None` when a prefix's or the host's links
    /// as a whole are.
    pub pattern: Option<String>,
    /// The path prefix whose links are cut off (`pattern` is `None` then).
    pub prefix: Option<String>,
    /// How many pages led to no article.
    pub pages: u32,
}

impl std::fmt::Display for Cut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.pattern, &self.prefix) {
            (Some(p), _) => write!(
                f,
                "{}: {} pages like {p} led to no new article; links found on them are not followed (--max-barren-per-pattern)",
                self.host, self.pages
            ),
            (None, Some(p)) => write!(
                f,
                "{}: {} pages linked from under {p} led to no new article; links found under it are not followed (--max-barren-per-prefix)",
                self.host, self.pages
            ),
            (None, None) => write!(
                f,
                "{}: {} linked pages in a row were no new article; its links are not followed (--max-barren-per-host)",
                self.host, self.pages
            ),
        }
    }
}

#[derive(Debug, Default)]
struct HostTraps {
    /// Linked pages in a row that were no new article.
    streak: u32,
    /// Per pattern of linking pages: linked pages that were no new article since one was.
    patterns: HashMap<String, u32>,
    /// The same per path prefix of linking pages.
    prefixes: HashMap<String, u32>,
    /// The host's links are no longer followed.
    cut: bool,
}

/// The budgets of every host.
#[derive(Debug, Default)]
pub struct Traps {
    cfg: TrapConfig,
    hosts: HashMap<String, HostTraps>,
}

impl Traps {
    /// Budgets with these limits.
    pub fn new(cfg: TrapConfig) -> Traps {
        Traps {
            cfg,
            hosts: HashMap::new(),
        }
    }

    /// Whether links found on `origin` are within its budgets: its pattern's barren pages
    /// under `per_pattern` times `times`, its prefix's under `per_prefix` times `times`.
    fn within(&self, origin: &Origin, times: u32) -> bool {
        let Some(h) = self.hosts.get(&origin.host) else {
            return true;
        };
        let pattern = h.patterns.get(&origin.pattern).copied().unwrap_or(0);
        let prefix = origin
            .prefix
            .as_ref()
            .and_then(|p| h.prefixes.get(p))
            .copied()
            .unwrap_or(0);
        pattern < self.cfg.per_pattern.saturating_mul(times)
            && prefix < self.cfg.per_prefix.saturating_mul(times)
    }

    fn host_cut(&self, host: &str) -> bool {
        self.hosts.get(host).is_some_and(|h| h.cut)
    }

    /// May a link to `host` found on `origin` be queued?
    pub fn allows_queue(&self, host: &str, origin: Option<&Origin>) -> bool {
        !self.host_cut(host) && origin.is_none_or(|o| self.within(o, 1))
    }

    /// May a link queued earlier still be fetched? Up to twice the budget: what a page
    /// linked before its pattern was cut goes on, a flood of such links does not.
    pub fn allows_fetch(&self, host: &str, origin: Option<&Origin>) -> bool {
        !self.host_cut(host) && origin.is_none_or(|o| self.within(o, 2))
    }

    /// The page `page` on `host`, linked from `origin` (`None`: a seed, sitemap or feed
    /// entry), is done; `article` when it was written as a new article. Returns the budgets
    /// this used up, each once. A new article renews its origin's pattern and prefix
    /// budgets; another page spends its origin's pattern budget, and its prefix budget when
    /// the page is under the same prefix (a trap's pages link pages like themselves: an
    /// article's links to tag and author pages spend no prefix budget).
    pub fn done(&mut self, host: &str, page: &Url, origin: Option<&Origin>, article: bool) -> Vec<Cut> {
        let cfg = self.cfg;
        let mut cuts = Vec::new();
        let h = self.hosts.entry(host.to_string()).or_default();
        if article {
            h.streak = 0;
        } else if origin.is_some() {
            h.streak = h.streak.saturating_add(1);
            if h.streak >= cfg.per_host && !h.cut {
                h.cut = true;
                cuts.push(Cut {
                    host: host.to_string(),
                    pattern: None,
                    prefix: None,
                    pages: h.streak,
                });
            }
        }
        let Some(o) = origin else {
            return cuts;
        };
        let h = self.hosts.entry(o.host.clone()).or_default();
        let pattern = h.patterns.entry(o.pattern.clone()).or_default();
        if count(pattern, article, cfg.per_pattern) {
            cuts.push(Cut {
                host: o.host.clone(),
                pattern: Some(o.pattern.clone()),
                prefix: None,
                pages: *pattern,
            });
        }
        let same_prefix = o.prefix.is_some() && o.prefix == prefix(page);
        if let Some(p) = o.prefix.as_ref().filter(|_| article || same_prefix) {
            let prefix = h.prefixes.entry(p.clone()).or_default();
            if count(prefix, article, cfg.per_prefix) {
                cuts.push(Cut {
                    host: o.host.clone(),
                    pattern: None,
                    prefix: Some(p.clone()),
                    pages: *prefix,
                });
            }
        }
        cuts
    }
}

/// Count one linked page against a budget of `budget` barren pages: an article renews it,
/// another page uses it up. True when this page used up the budget's last page.
fn count(barren: &mut u32, article: bool, budget: u32) -> bool {
    if article {
        *barren = 0;
        return false;
    }
    *barren = barren.saturating_add(1);
    *barren == budget
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).expect("url")
    }

    #[test]
    fn pathological_paths() {
        assert!(pathological(&u("https://ex.com/2026/11/04/story-about-things/")).is_none());
        assert!(pathological(&u("https://ex.com/news/news/story")).is_none());
        assert!(pathological(&u("https://ex.com/a/b/a/b/a/b/")).is_some());
        assert!(pathological(&u(&format!(
            "https://ex.com/{}",
            "s/".repeat(0) + &(0..21).map(|i| format!("d{i}/")).collect::<String>()
        )))
        .is_some());
        assert!(pathological(&u(&format!("https://ex.com/?q={}", "x".repeat(2100)))).is_some());
    }

    #[test]
    fn patterns_generalise_numbers_ids_and_query_values() {
        assert_eq!(pattern(&u("https://ex.com/cal/2026/11/05/")), "/cal/N/N/N/");
        assert_eq!(
            pattern(&u("https://ex.com/search?q=a&page=7&q=b")),
            "/search?page&q"
        );
        assert_eq!(pattern(&u("https://ex.com/story-123-x9")), "/story-N-xN");
        assert_eq!(
            pattern(&u("https://ex.com/p/9f86d081884c7d659a2feaa0c55ad015")),
            "/p/X"
        );
        assert_eq!(pattern(&u("https://ex.com/politics/")), "/politics/");
    }

    fn origin(url: &str) -> Origin {
        Origin::of(&u(url))
    }

    /// A page like its origin (a calendar day linked from a calendar day) is done.
    fn done(t: &mut Traps, o: &Origin, article: bool) -> Vec<Cut> {
        t.done("h.test", &u(&o.url), Some(o), article)
    }

    #[test]
    fn links_from_a_pattern_that_leads_nowhere_are_cut_and_productive_ones_are_not() {
        let mut t = Traps::new(TrapConfig {
            per_pattern: 3,
            per_host: 1000,
            per_prefix: 1000,
        });
        // Calendar days link to days, which are no articles.
        let day = |d: u32| origin(&format!("http://h.test/cal/2026/11/{d:02}/"));
        for d in 1..=3 {
            assert!(t.allows_queue("h.test", Some(&day(d))));
            let cut = done(&mut t, &day(d), false);
            assert_eq!(cut.len(), usize::from(d == 3), "cut after 3 barren links");
        }
        assert!(
            !t.allows_queue("h.test", Some(&day(9))),
            "no more links from calendar days"
        );
        assert!(
            t.allows_fetch("h.test", Some(&day(9))),
            "what was queued still goes, for a while"
        );
        for d in 4..=6 {
            done(&mut t, &day(d), false);
        }
        assert!(!t.allows_fetch("h.test", Some(&day(9))), "but not a flood of it");
        // A home page's thirty numbered sections are all queued before any is judged; the
        // sections lead to articles, so links found on them are always followed.
        let home = origin("http://h.test/");
        let cats: Vec<Origin> = (1..=30)
            .map(|c| origin(&format!("http://h.test/category/{c}/")))
            .collect();
        for _ in &cats {
            assert!(t.allows_fetch("h.test", Some(&home)) || t.allows_queue("h.test", None));
            done(&mut t, &home, false);
        }
        for c in &cats {
            done(&mut t, c, false);
            done(&mut t, c, true);
            assert!(t.allows_queue("h.test", Some(c)));
        }
        // A page of a cut pattern that leads to an article again lifts the cut.
        done(&mut t, &day(12), true);
        assert!(t.allows_queue("h.test", Some(&day(9))));
        // Budgets are per host of the linking page.
        assert!(t.allows_queue("h.test", Some(&origin("http://other.test/cal/2026/11/01/"))));
    }

    #[test]
    fn a_host_whose_links_lead_nowhere_is_cut() {
        let mut t = Traps::new(TrapConfig {
            per_pattern: 1000,
            per_host: 5,
            per_prefix: 1000,
        });
        let home = origin("http://h.test/");
        for _ in 0..4 {
            assert!(done(&mut t, &home, false).is_empty());
        }
        t.done("h.test", &u("http://h.test/x"), None, false);
        let cut = done(&mut t, &home, false);
        assert_eq!(cut.len(), 1, "the host is cut at 5");
        assert_eq!((&cut[0].pattern, &cut[0].prefix), (&None, &None));
        assert!(!t.allows_queue("h.test", None));
    }

    #[test]
    fn prefixes_stop_at_the_first_number_and_ignore_the_query() {
        let p = |s: &str| prefix(&u(s));
        for url in [
            "https://ex.com/cal/2024/05/",
            "https://ex.com/cal/2024/05/07",
            "https://ex.com/cal?month=2024-05&day=7",
            "https://ex.com/cal",
        ] {
            assert_eq!(p(url).as_deref(), Some("/cal/"), "{url}");
        }
        assert_eq!(p("https://ex.com/news/page/3/").as_deref(), Some("/news/page/"));
        assert_eq!(
            p("https://ex.com/en/events/cal-2024/05/").as_deref(),
            Some("/en/events/")
        );
        for root in [
            "https://ex.com/",
            "https://ex.com/2026/11/",
            "https://ex.com/?p=42",
        ] {
            assert_eq!(p(root), None, "{root}: the host's own budget");
        }
    }

    #[test]
    fn one_trap_in_three_url_shapes_shares_one_prefix_budget() {
        let mut t = Traps::new(TrapConfig {
            per_pattern: 25,
            per_host: 1000,
            per_prefix: 40,
        });
        let shapes = [
            origin("http://h.test/cal/2024/05/"),
            origin("http://h.test/cal/2024/05/07/"),
            origin("http://h.test/cal?month=2024-05&day=7"),
        ];
        let mut cuts = Vec::new();
        for i in 0..40 {
            let o = &shapes[i % 3];
            assert!(t.allows_queue("h.test", Some(o)), "page {i}");
            cuts.extend(done(&mut t, o, false));
        }
        // No pattern has used its 25, but the prefix its 40.
        assert_eq!(cuts.len(), 1, "{cuts:?}");
        assert_eq!(cuts[0].prefix.as_deref(), Some("/cal/"));
        assert!(cuts[0].to_string().contains("--max-barren-per-prefix"));
        for o in &shapes {
            assert!(!t.allows_queue("h.test", Some(o)));
            assert!(
                t.allows_fetch("h.test", Some(o)),
                "queued links still go, for a while"
            );
        }
        for i in 40..80 {
            done(&mut t, &shapes[i % 3], false);
        }
        assert!(
            shapes.iter().all(|o| !t.allows_fetch("h.test", Some(o))),
            "not a flood"
        );
        // Another prefix of the host is not touched, and an article renews the budget.
        assert!(t.allows_queue("h.test", Some(&origin("http://h.test/news/2024/05/07/"))));
        done(&mut t, &shapes[0], true);
        assert!(t.allows_queue("h.test", Some(&shapes[0])));
        assert!(
            !t.allows_queue("h.test", Some(&shapes[1])),
            "its pattern's own budget is spent"
        );
    }

    #[test]
    fn an_articles_links_to_other_kinds_of_page_spend_no_prefix_budget() {
        let mut t = Traps::new(TrapConfig {
            per_pattern: 25,
            per_host: 1000,
            per_prefix: 40,
        });
        // Articles under /en/ link tag and author pages (no articles), 100 of them.
        for n in 0..100u8 {
            let slug: String = [b'a' + n % 26, b'a' + n / 26]
                .iter()
                .map(|b| *b as char)
                .collect();
            let article = origin(&format!("http://h.test/en/2026/11/05/story-{slug}/"));
            let tag = u(&format!("http://h.test/en/tag/topic-{n}/"));
            assert!(t.done("h.test", &tag, Some(&article), false).is_empty());
        }
        assert!(t.allows_queue("h.test", Some(&origin("http://h.test/en/2026/11/06/story-x/"))));
        // Date archives under /en/ linking each other do spend it.
        let mut cuts = Vec::new();
        for d in 1..=40 {
            let day = origin(&format!("http://h.test/en/2026/11/{d:02}/"));
            let other = u(&format!("http://h.test/en/2026/10/{d:02}/"));
            cuts.extend(t.done("h.test", &other, Some(&day), false));
        }
        let prefixes: Vec<_> = cuts.iter().filter_map(|c| c.prefix.as_deref()).collect();
        assert_eq!(prefixes, ["/en/"], "{cuts:?}");
    }
}
