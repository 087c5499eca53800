//! What `crawl --dry-run` shows of a crawl before it runs: per seed host, what its
//! robots.txt says (read once, by the crawl's own rules: `super::robots::answer`), whether
//! the seed may be fetched, and the sitemaps discovery would start from. Data only: the
//! CLI prints it (`crate::app`). Fetches robots.txt and nothing else; opens no state.

use super::config::CrawlConfig;
use super::error::CrawlError;
use super::fetch::{Fetcher, Want};
use super::robots::{self, Answer, Robots};
use std::time::Duration;
use url::Url;

/// What robots.txt of a host said.
#[derive(Debug, Clone, PartialEq)]
pub enum RobotsPlan {
    /// Rules (2xx).
    Rules {
        /// The status.
        status: u16,
        /// Its `Crawl-delay` for our agent.
        crawl_delay: Option<Duration>,
        /// The seed may be fetched.
        seed_allowed: bool,
        /// Its `Sitemap:` lines.
        sitemaps: Vec<String>,
    },
    /// Another answer: `Missing` and `AllowAll` allow everything; `Retry` (429, 5xx) means
    /// retries, then the host skipped.
    Answer {
        /// The status.
        status: u16,
        /// What it means.
        answer: Answer,
    },
    /// No answer.
    Unreachable(String),
}

/// One seed host's plan.
#[derive(Debug, Clone, PartialEq)]
pub struct HostPlan {
    /// The host.
    pub host: String,
    /// Its first seed.
    pub seed: Url,
    /// Its robots.txt.
    pub robots: RobotsPlan,
}

/// The plan of every seed host (the first seed of each), reading each robots.txt once
/// (following redirects within the host as the crawl does).
pub async fn plan(cfg: &CrawlConfig) -> Result<Vec<HostPlan>, CrawlError> {
    let fetcher = Fetcher::new(cfg.fetch_config()).map_err(CrawlError::HttpClient)?;
    let agent = robots::agent_token(&cfg.user_agent);
    let mut seeds: Vec<&Url> = Vec::new();
    for s in &cfg.seeds {
        if !seeds.iter().any(|h| h.host_str() == s.host_str()) {
            seeds.push(s);
        }
    }
    let mut plans = Vec::new();
    for seed in seeds {
        let host = seed.host_str().unwrap_or("").to_string();
        let Ok(url) = seed.join("/robots.txt") else {
            continue;
        };
        let robots = host_robots(&fetcher, cfg, &agent, seed, &host, url).await;
        plans.push(HostPlan {
            host,
            seed: seed.clone(),
            robots,
        });
    }
    Ok(plans)
}

async fn host_robots(
    fetcher: &Fetcher,
    cfg: &CrawlConfig,
    agent: &str,
    seed: &Url,
    host: &str,
    mut url: Url,
) -> RobotsPlan {
    let mut redirects = 0;
    loop {
        let f = match fetcher
            .get(&url, Want::Robots, Some(cfg.robots_timeout), None)
            .await
        {
            Ok(f) => f,
            Err(e) => return RobotsPlan::Unreachable(crate::error::chain(&e)),
        };
        let location = f.header(reqwest::header::LOCATION);
        match robots::answer(f.status, location.as_deref(), &url, host, redirects) {
            Answer::Rules => {
                let rb = Robots::parse(agent, &f.body);
                return RobotsPlan::Rules {
                    status: f.status,
                    crawl_delay: rb.crawl_delay,
                    seed_allowed: rb.allowed(seed),
                    sitemaps: rb.sitemaps.clone(),
                };
            }
            Answer::Follow(t) => {
                redirects += 1;
                url = t;
            }
            answer => {
                return RobotsPlan::Answer {
                    status: f.status,
                    answer,
                }
            }
        }
    }
}
