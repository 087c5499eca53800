//! robots.txt for one host, parsed with `texting_robots` for our user-agent token:
//! which paths we may fetch, the `Crawl-delay`, and the `Sitemap:` lines. How a fetch
//! outcome maps to a policy (RFC 9309): 2xx → the rules; 4xx → everything allowed;
//! 5xx, 429 or no answer → stay away from the host (the crawler retries robots.txt a few
//! times, then gives the host up); see [`answer`].

use std::time::Duration;
use url::Url;

/// The robots policy of one host.
pub struct Robots {
    /// Parsed rules; `None` means everything is allowed.
    robot: Option<texting_robots::Robot>,
    /// `Crawl-delay` for our agent (or `*`).
    pub crawl_delay: Option<Duration>,
    /// `Sitemap:` URLs.
    pub sitemaps: Vec<String>,
}

/// The longest robots.txt read; RFC 9309 asks crawlers to parse at least 500 KiB.
pub const MAX_ROBOTS_BYTES: usize = 512 * 1024;

impl Robots {
    /// No robots.txt (4xx): everything allowed, no delay.
    pub fn allow_all() -> Robots {
        Robots {
            robot: None,
            crawl_delay: None,
            sitemaps: Vec::new(),
        }
    }

    /// Parse a robots.txt body for `agent` (the product token of our User-Agent). A body
    /// the parser rejects counts as no rules, as browsers and major crawlers do.
    pub fn parse(agent: &str, body: &[u8]) -> Robots {
        let body = &body[..body.len().min(MAX_ROBOTS_BYTES)];
        match texting_robots::Robot::new(agent, body) {
            Ok(r) => Robots {
                crawl_delay: r
                    .delay
                    .filter(|d| d.is_finite() && *d > 0.0)
                    // A day at most: a huge value would overflow the clock arithmetic.
                    .map(|d| Duration::from_secs_f32(d.min(86_400.0))),
                sitemaps: r.sitemaps.clone(),
                robot: Some(r),
            },
            Err(_) => Robots::allow_all(),
        }
    }

    /// May `url` be fetched?
    pub fn allowed(&self, url: &Url) -> bool {
        match &self.robot {
            None => true,
            Some(r) => {
                let mut path = url.path().to_string();
                if let Some(q) = url.query() {
                    path.push('?');
                    path.push_str(q);
                }
                r.allowed(&path)
            }
        }
    }
}

/// Redirects followed for robots.txt (RFC 9309 asks for at least five).
pub const MAX_REDIRECTS: usize = 5;

/// What one robots.txt response means (RFC 9309): the policy the crawl and
/// `crawl --dry-run` share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// 2xx: obey the body.
    Rules,
    /// A redirect within the host (under [`MAX_REDIRECTS`]): fetch this URL instead.
    Follow(Url),
    /// A redirect off the host or to nowhere: everything allowed (nothing to cache).
    AllowAll,
    /// 4xx (or another code, or too many redirects): no robots.txt, everything allowed.
    Missing,
    /// 429 or 5xx: try again after a backoff; when the attempts are spent, the host is
    /// skipped.
    Retry,
}

/// The meaning of a robots.txt response with `status` (and its `Location`) for `url` on
/// `host`, after `redirects` redirects.
pub fn answer(status: u16, location: Option<&str>, url: &Url, host: &str, redirects: usize) -> Answer {
    match status {
        200..=299 => Answer::Rules,
        300..=399 if redirects < MAX_REDIRECTS => {
            match location.and_then(|l| crate::crawl::urls::resolve(Some(url), l)) {
                Some(t) if t.host_str() == Some(host) => Answer::Follow(t),
                _ => Answer::AllowAll,
            }
        }
        429 | 500..=599 => Answer::Retry,
        _ => Answer::Missing,
    }
}

/// The product token robots.txt groups are matched against: the User-Agent up to the
/// first `/` or space (`newsharvest/0.1 (+https://…)` → `newsharvest`).
pub fn agent_token(user_agent: &str) -> String {
    user_agent
        .split(['/', ' '])
        .next()
        .unwrap_or(user_agent)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_delay_and_sitemaps() {
        let txt = b"User-agent: *\nDisallow: /private/\nCrawl-delay: 2\nSitemap: http://a.test/sitemap_index.xml\n\nUser-agent: otherbot\nDisallow: /\n";
        let r = Robots::parse("newsharvest", txt);
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(r.allowed(&u("http://a.test/2026/11/20/story/")));
        assert!(!r.allowed(&u("http://a.test/private/page.html")));
        assert_eq!(r.crawl_delay, Some(Duration::from_secs(2)));
        assert_eq!(r.sitemaps, vec!["http://a.test/sitemap_index.xml".to_string()]);
    }

    #[test]
    fn our_own_group_wins_and_queries_are_matched() {
        let txt = b"User-agent: *\nDisallow: /\n\nUser-agent: newsharvest\nDisallow: /search\nAllow: /\n";
        let r = Robots::parse(&agent_token("newsharvest/0.1 (+https://example.org)"), txt);
        assert!(r.allowed(&Url::parse("http://a.test/news/").unwrap()));
        assert!(!r.allowed(&Url::parse("http://a.test/search?q=x").unwrap()));
        assert!(Robots::allow_all().allowed(&Url::parse("http://a.test/x").unwrap()));
    }
}
