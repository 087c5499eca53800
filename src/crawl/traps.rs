//! Crawler-trap defences for links: URLs no crawl should follow (too long, too many path
//! segments, a segment repeated as in `/a/b/a/b/a/`), and per-host budgets of pages that
//! lead to no new article, kept per URL *pattern* (the path with its numbers generalised:
//! `/cal/2026/11/05/` is `/cal/N/N/N/`) and host-wide.
//!
//! An endless calendar, an infinite `?page=N` or a search that links to ever new searches
//! makes new URLs of a few patterns forever, none of them an article. Heritrix and
//! StormCrawler cut such spaces with path rules and per-queue budgets; we do the same per
//! pattern: after [`TrapConfig::per_pattern`] pages of one pattern that gave no article,
//! and led to none, its links are no longer followed on that host, and after
//! [`TrapConfig::per_host`] such pages in a row the host's links are no longer followed at
//! all. A listing page earns its pattern a fresh budget whenever an article it linked to
//! is written, so section pages and their pagination, which lead to articles, are never
//! cut. Sitemap, feed and seed URLs are never subject to these budgets. Pure bookkeeping:
//! no I/O.

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
/// 24 or more letters and digits, a hash or id, written `X`), then its query keys, sorted,
/// without values. `/cal/2026/11/05/?view=day` → `/cal/N/N/N/?view`.
pub fn pattern(u: &Url) -> String {
    let mut out = String::with_capacity(u.path().len() + 8);
    for (i, seg) in u.path().split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        if seg.len() >= 24 && seg.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
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

/// The budgets (README "Safety limits").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrapConfig {
    /// Pages of one pattern on one host that may lead to no article (`--max-barren-per-pattern`).
    pub per_pattern: u32,
    /// Pages in a row on one host that may lead to no article (`--max-barren-per-host`).
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
    /// The pattern cut off, or `None` when the host's links as a whole are.
    pub pattern: Option<String>,
    /// How many pages led to no article.
    pub pages: u32,
}

impl std::fmt::Display for Cut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.pattern {
            Some(p) => write!(
                f,
                "{}: {} pages like {p} led to no article; links like it are not followed (--max-barren-per-pattern)",
                self.host, self.pages
            ),
            None => write!(
                f,
                "{}: {} pages in a row led to no article; its links are not followed (--max-barren-per-host)",
                self.host, self.pages
            ),
        }
    }
}

#[derive(Debug, Default)]
struct HostTraps {
    /// Pages in a row that led to no article.
    streak: u32,
    /// Per pattern: pages that led to no article since the pattern last led to one.
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

    /// May a link of this pattern on this host still be followed?
    pub fn allows(&self, host: &str, pattern: &str) -> bool {
        match self.hosts.get(host) {
            Some(h) => !h.cut && h.patterns.get(pattern).is_none_or(|n| *n < self.cfg.per_pattern),
            None => true,
        }
    }

    /// A linked page of `pattern` was fetched (or failed) and gave no new article. Returns
    /// the budget that this used up, once.
    pub fn barren(&mut self, host: &str, pattern: &str) -> Option<Cut> {
        let per_pattern = self.cfg.per_pattern;
        let per_host = self.cfg.per_host;
        let h = self.hosts.entry(host.to_string()).or_default();
        h.streak = h.streak.saturating_add(1);
        let n = h.patterns.entry(pattern.to_string()).or_default();
        *n = n.saturating_add(1);
        if *n == per_pattern {
            return Some(Cut {
                host: host.to_string(),
                pattern: Some(pattern.to_string()),
                pages: *n,
            });
        }
        if h.streak >= per_host && !h.cut {
            h.cut = true;
            return Some(Cut {
                host: host.to_string(),
                pattern: None,
                pages: h.streak,
            });
        }
        None
    }

    /// A new article was written on `host`: the streak ends, and its own pattern and the
    /// pattern of the page that linked to it (if any) get their budgets back.
    pub fn productive(&mut self, host: &str, own: Option<&str>, linked_from: Option<&str>) {
        let Some(h) = self.hosts.get_mut(host) else {
            return;
        };
        h.streak = 0;
        for p in [own, linked_from].into_iter().flatten() {
            if let Some(n) = h.patterns.get_mut(p) {
                // A pattern already cut stays cut: its queued links are gone.
                if *n < self.cfg.per_pattern {
                    *n = 0;
                }
            }
        }
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

    #[test]
    fn a_pattern_that_leads_nowhere_is_cut_and_a_productive_one_is_not() {
        let mut t = Traps::new(TrapConfig {
            per_pattern: 3,
            per_host: 100,
        });
        assert!(t.barren("h", "/cal/N/").is_none());
        assert!(t.barren("h", "/cal/N/").is_none());
        let cut = t.barren("h", "/cal/N/").expect("cut at 3");
        assert_eq!(cut.pattern.as_deref(), Some("/cal/N/"));
        assert!(!t.allows("h", "/cal/N/"));
        assert!(t.allows("h", "/news/page/N/"));
        assert!(t.allows("other", "/cal/N/"));
        // Pagination: each page leads to an article before the budget runs out.
        for _ in 0..10 {
            t.barren("h", "/news/page/N/");
            t.barren("h", "/news/page/N/");
            t.productive("h", Some("/N/N/slug/"), Some("/news/page/N/"));
        }
        assert!(t.allows("h", "/news/page/N/"));
        t.productive("h", None, Some("/cal/N/"));
        assert!(!t.allows("h", "/cal/N/"), "a cut pattern stays cut");
    }

    #[test]
    fn a_host_whose_links_lead_nowhere_is_cut() {
        let mut t = Traps::new(TrapConfig {
            per_pattern: 1000,
            per_host: 5,
        });
        for i in 0..4 {
            assert!(t.barren("h", &format!("/p{i}")).is_none());
        }
        let cut = t.barren("h", "/p4").expect("the host is cut at 5");
        assert_eq!(cut.pattern, None);
        assert!(!t.allows("h", "/anything"));
    }
}
