//! Crawler-trap defences for links: URLs no crawl should follow (too long, too many path
//! segments, a segment repeated as in `/a/b/a/b/a/`), and per-host budgets of linked pages
//! that are no new article, kept per URL *pattern* of the page the links were found on
//! (the path with its numbers generalised: `/cal/2026/11/05/` is `/cal/N/N/N/`) and
//! host-wide.
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
//! host's links are no longer followed at all. Sections and their pagination lead to
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

/// The page a link was found on: the budgets are kept by its host and pattern.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    /// The linking page's URL.
    pub url: String,
    /// Its host.
    pub host: String,
    /// Its [`pattern`].
    pub pattern: String,
}

impl Origin {
    /// The origin of links found on `page`.
    pub fn of(page: &Url) -> Origin {
        Origin {
            url: page.to_string(),
            host: page.host_str().unwrap_or("").to_string(),
            pattern: pattern(page),
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
}

impl Default for TrapConfig {
    fn default() -> TrapConfig {
        TrapConfig {
            per_pattern: DEFAULT_PER_PATTERN,
            per_host: DEFAULT_PER_HOST,
        }
    }
}

/// A budget that just ran out, for the stats and the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut {
    /// The host.
    pub host: String,
    /// The pattern whose links are cut off, or `None` when the host's links as a whole are.
    pub pattern: Option<String>,
    /// How many pages led to no article.
    pub pages: u32,
}

impl std::fmt::Display for Cut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.pattern {
            Some(p) => write!(
                f,
                "{}: {} pages like {p} led to no new article; links found on them are not followed (--max-barren-per-pattern)",
                self.host, self.pages
            ),
            None => write!(
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

    fn barren(&self, origin: &Origin) -> u32 {
        self.hosts
            .get(&origin.host)
            .and_then(|h| h.patterns.get(&origin.pattern))
            .copied()
            .unwrap_or(0)
    }

    fn host_cut(&self, host: &str) -> bool {
        self.hosts.get(host).is_some_and(|h| h.cut)
    }

    /// May a link to `host` found on `origin` be queued?
    pub fn allows_queue(&self, host: &str, origin: Option<&Origin>) -> bool {
        !self.host_cut(host) && origin.is_none_or(|o| self.barren(o) < self.cfg.per_pattern)
    }

    /// May a link queued earlier still be fetched? Up to twice the budget: what a page
    /// linked before its pattern was cut goes on, a flood of such links does not.
    pub fn allows_fetch(&self, host: &str, origin: Option<&Origin>) -> bool {
        !self.host_cut(host) && origin.is_none_or(|o| self.barren(o) < self.cfg.per_pattern.saturating_mul(2))
    }

    /// A page on `host`, linked from `origin` (`None`: a seed, sitemap or feed entry), is
    /// done; `article` when it was written as a new article. Returns the budget this used
    /// up, once.
    pub fn done(&mut self, host: &str, origin: Option<&Origin>, article: bool) -> Option<Cut> {
        let (per_pattern, per_host) = (self.cfg.per_pattern, self.cfg.per_host);
        let mut cut = None;
        let h = self.hosts.entry(host.to_string()).or_default();
        if article {
            h.streak = 0;
        } else if origin.is_some() {
            h.streak = h.streak.saturating_add(1);
            if h.streak >= per_host && !h.cut {
                h.cut = true;
                cut = Some(Cut {
                    host: host.to_string(),
                    pattern: None,
                    pages: h.streak,
                });
            }
        }
        let o = origin?;
        let n = self
            .hosts
            .entry(o.host.clone())
            .or_default()
            .patterns
            .entry(o.pattern.clone())
            .or_default();
        if article {
            *n = 0;
            return cut;
        }
        *n = n.saturating_add(1);
        if *n == per_pattern {
            return Some(Cut {
                host: o.host.clone(),
                pattern: Some(o.pattern.clone()),
                pages: *n,
            });
        }
        cut
    }
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

    #[test]
    fn links_from_a_pattern_that_leads_nowhere_are_cut_and_productive_ones_are_not() {
        let mut t = Traps::new(TrapConfig {
            per_pattern: 3,
            per_host: 1000,
        });
        // Calendar days link to days, which are no articles.
        let day = |d: u32| origin(&format!("http://h.test/cal/2026/11/{d:02}/"));
        for d in 1..=3 {
            assert!(t.allows_queue("h.test", Some(&day(d))));
            let cut = t.done("h.test", Some(&day(d)), false);
            assert_eq!(cut.is_some(), d == 3, "cut after 3 barren links");
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
            t.done("h.test", Some(&day(d)), false);
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
            t.done("h.test", Some(&home), false);
        }
        for c in &cats {
            t.done("h.test", Some(c), false);
            t.done("h.test", Some(c), true);
            assert!(t.allows_queue("h.test", Some(c)));
        }
        // A page of a cut pattern that leads to an article again lifts the cut.
        t.done("h.test", Some(&day(12)), true);
        assert!(t.allows_queue("h.test", Some(&day(9))));
        // Budgets are per host of the linking page.
        assert!(t.allows_queue("h.test", Some(&origin("http://other.test/cal/2026/11/01/"))));
    }

    #[test]
    fn a_host_whose_links_lead_nowhere_is_cut() {
        let mut t = Traps::new(TrapConfig {
            per_pattern: 1000,
            per_host: 5,
        });
        let home = origin("http://h.test/");
        for _ in 0..4 {
            assert!(t.done("h.test", Some(&home), false).is_none());
        }
        t.done("h.test", None, false);
        let cut = t
            .done("h.test", Some(&home), false)
            .expect("the host is cut at 5");
        assert_eq!(cut.pattern, None);
        assert!(!t.allows_queue("h.test", None));
    }
}
