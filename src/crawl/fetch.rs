//! HTTP fetching with reqwest: compressed transfer (gzip, brotli, zstd), connect and total
//! timeouts, no automatic redirects (the crawler re-checks every target against scope and
//! robots), a content-type filter checked before the body is read, and a body size cap
//! applied while streaming (after decompression, so a gzip bomb is cut too).
//!
//! `--resolve HOST:PORT:ADDR` sends requests for `HOST:PORT` to `ADDR` (an IP, or
//! `IP:PORT` to reach a server on another port) while the URL, the `Host` header and
//! everything the crawler records stay the logical ones.

use super::archive::Exchange;
use bytes::{Bytes, BytesMut};
use reqwest::header::{self, HeaderMap};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;
use url::Url;

/// What kind of resource a request is for; decides which content types are accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// An HTML page.
    Html,
    /// A sitemap or a feed (XML, gzip, plain text, JSON Feed).
    Xml,
    /// robots.txt (any type).
    Robots,
}

/// Why a fetch failed.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The total or connect timeout passed.
    #[error("timeout after {0:?}")]
    Timeout(Duration),
    /// No connection could be made.
    #[error("connection failed: {0}")]
    Connect(String),
    /// The body exceeded the cap (counted after decompression).
    #[error("body larger than {limit} bytes, cut")]
    TooLarge {
        /// The cap.
        limit: usize,
    },
    /// The content type is not one we want for this request.
    #[error("unwanted content type {0:?}")]
    ContentType(String),
    /// Any other transport or protocol error.
    #[error("{0}")]
    Other(String),
}

impl FetchError {
    /// Worth retrying later (timeouts and connection problems).
    pub fn is_transient(&self) -> bool {
        matches!(self, FetchError::Timeout(_) | FetchError::Connect(_))
    }

    /// Short kind name for statistics.
    pub fn kind(&self) -> &'static str {
        match self {
            FetchError::Timeout(_) => "timeout",
            FetchError::Connect(_) => "connect",
            FetchError::TooLarge { .. } => "too_large",
            FetchError::ContentType(_) => "content_type",
            FetchError::Other(_) => "other",
        }
    }
}

/// A response (any status). The body is read only for 2xx responses of a wanted type.
#[derive(Debug)]
pub struct Fetched {
    /// The URL requested (logical, before any `--resolve` rewrite).
    pub url: Url,
    /// HTTP status.
    pub status: u16,
    /// Response headers.
    pub headers: HeaderMap,
    /// The body (empty for non-2xx).
    pub body: Bytes,
}

impl Fetched {
    /// A header as a string.
    pub fn header(&self, name: header::HeaderName) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }

    /// `Retry-After` as a duration (seconds or an HTTP date).
    pub fn retry_after(&self) -> Option<Duration> {
        let v = self.header(header::RETRY_AFTER)?;
        parse_retry_after(&v, chrono::Utc::now())
    }
}

/// Parse a `Retry-After` value: delta seconds or an HTTP date (past dates mean 0).
pub fn parse_retry_after(v: &str, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let delta = when.with_timezone(&chrono::Utc) - now;
    Some(delta.to_std().unwrap_or(Duration::ZERO))
}

/// Fetcher settings.
#[derive(Debug, Clone)]
pub struct FetchConfig {
    /// `User-Agent` header.
    pub user_agent: String,
    /// Total time for one request, body included.
    pub timeout: Duration,
    /// Time to establish a connection.
    pub connect_timeout: Duration,
    /// Body cap in bytes (after decompression).
    pub max_body: usize,
    /// `HOST:PORT` → address overrides.
    pub resolve: Vec<ResolveRule>,
}

/// One `--resolve HOST:PORT:ADDR` rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveRule {
    /// Host name, lowercased.
    pub host: String,
    /// Port of the logical URL.
    pub port: u16,
    /// Where to connect instead.
    pub addr: SocketAddr,
}

impl std::str::FromStr for ResolveRule {
    type Err = String;

    /// `HOST:PORT:ADDR` where ADDR is an IP (the port stays) or `IP:PORT`.
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("--resolve expects HOST:PORT:ADDR[:PORT], got {s:?}");
        let mut parts = s.splitn(3, ':');
        let host = parts.next().filter(|h| !h.is_empty()).ok_or_else(bad)?;
        let port: u16 = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let addr = parts.next().ok_or_else(bad)?;
        let addr = addr.trim_start_matches('[');
        let sock = if let Ok(a) = addr.parse::<SocketAddr>() {
            a
        } else if let Ok(ip) = addr.trim_end_matches(']').parse::<std::net::IpAddr>() {
            SocketAddr::new(ip, port)
        } else if let Ok(a) = format!("[{addr}").parse::<SocketAddr>() {
            a
        } else {
            return Err(bad());
        };
        Ok(ResolveRule {
            host: host.to_lowercase(),
            port,
            addr: sock,
        })
    }
}

/// The validators of an earlier response, sent as `If-None-Match` / `If-Modified-Since`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    /// The `ETag` it had.
    pub etag: Option<String>,
    /// The `Last-Modified` it had.
    pub last_modified: Option<String>,
}

/// An HTTP client configured for polite crawling.
pub struct Fetcher {
    client: reqwest::Client,
    resolve: HashMap<(String, u16), SocketAddr>,
    cfg: FetchConfig,
}

impl Fetcher {
    /// Build the client.
    pub fn new(cfg: FetchConfig) -> Result<Fetcher, FetchError> {
        let mut b = reqwest::Client::builder()
            .user_agent(cfg.user_agent.clone())
            .timeout(cfg.timeout)
            .connect_timeout(cfg.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(2)
            .gzip(true)
            .brotli(true)
            .zstd(true);
        // https cannot be re-addressed by rewriting the URL (certificates); use DNS override.
        for r in &cfg.resolve {
            if r.port == 443 {
                b = b.resolve(&r.host, r.addr);
            }
        }
        let client = b.build().map_err(|e| FetchError::Other(e.to_string()))?;
        let resolve = cfg
            .resolve
            .iter()
            .map(|r| ((r.host.clone(), r.port), r.addr))
            .collect();
        Ok(Fetcher { client, resolve, cfg })
    }

    /// The physical URL to connect to for a logical one.
    fn physical(&self, url: &Url) -> (Url, Option<String>) {
        let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
            return (url.clone(), None);
        };
        match self.resolve.get(&(host.to_lowercase(), port)) {
            Some(addr) if url.scheme() == "http" => {
                let mut p = url.clone();
                let ok = p.set_ip_host(addr.ip()).is_ok() && p.set_port(Some(addr.port())).is_ok();
                let host_header = match url.port() {
                    Some(port) => format!("{host}:{port}"),
                    None => host.to_string(),
                };
                if ok {
                    (p, Some(host_header))
                } else {
                    (url.clone(), None)
                }
            }
            _ => (url.clone(), None),
        }
    }

    /// GET `url`. Non-2xx responses come back as `Ok` without a body; the caller decides.
    pub async fn get(
        &self,
        url: &Url,
        want: Want,
        timeout: Option<Duration>,
        cond: Option<&Validators>,
    ) -> Result<Fetched, FetchError> {
        self.fetch(url, want, timeout, cond, false).await.0
    }

    /// [`Fetcher::get`], and with `archive` also the [`Exchange`] for a WARC file whenever a
    /// response was received (the body as far as it was read; it shares the fetched bytes).
    pub async fn fetch(
        &self,
        url: &Url,
        want: Want,
        timeout: Option<Duration>,
        cond: Option<&Validators>,
        archive: bool,
    ) -> (Result<Fetched, FetchError>, Option<Exchange>) {
        let date = chrono::Utc::now();
        let (phys, host_header) = self.physical(url);
        let accept = accept_header(want);
        let mut req = self.client.get(phys).header(header::ACCEPT, accept);
        if let Some(h) = host_header {
            req = req.header(header::HOST, h);
        }
        if let Some(t) = timeout {
            req = req.timeout(t);
        }
        // A conditional request: `304 Not Modified` when nothing changed.
        if let Some(c) = cond {
            if let Some(e) = &c.etag {
                req = req.header(header::IF_NONE_MATCH, e.as_str());
            }
            if let Some(lm) = &c.last_modified {
                req = req.header(header::IF_MODIFIED_SINCE, lm.as_str());
            }
        }
        let limit = self.cfg.timeout;
        let mut resp = match req.send().await {
            Ok(r) => r,
            Err(e) => return (Err(map_err(e, limit)), None),
        };
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let exchange = archive.then(|| Exchange {
            url: url.clone(),
            date,
            ip: resp.remote_addr().map(|a| a.ip()),
            user_agent: self.cfg.user_agent.clone(),
            accept,
            status,
            version: format!("{:?}", resp.version()),
            headers: headers.clone(),
            body: Bytes::new(),
            truncated: Some("unspecified"),
            permit: None,
        });
        // The exchange with the body as read and why it is incomplete (`None`: whole).
        let archived = |body: Bytes, truncated: Option<&'static str>| {
            exchange.map(|mut e| {
                e.body = body;
                e.truncated = truncated;
                e
            })
        };
        let mut fetched = Fetched {
            url: url.clone(),
            status,
            headers,
            body: Bytes::new(),
        };
        if !(200..300).contains(&status) {
            let unread = !matches!(status, 204 | 304) && resp.content_length() != Some(0);
            return (
                Ok(fetched),
                archived(Bytes::new(), unread.then_some("unspecified")),
            );
        }
        let ct = fetched.header(header::CONTENT_TYPE).unwrap_or_default();
        if !type_ok(want, &ct) {
            return (
                Err(FetchError::ContentType(ct)),
                archived(Bytes::new(), Some("unspecified")),
            );
        }
        let cap = self.cfg.max_body;
        let too_large = FetchError::TooLarge { limit: cap };
        if resp.content_length().is_some_and(|n| n as usize > cap) {
            return (Err(too_large), archived(Bytes::new(), Some("length")));
        }
        let mut buf = BytesMut::new();
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) if buf.len() + chunk.len() > cap => {
                    buf.extend_from_slice(&chunk[..cap - buf.len()]);
                    return (Err(too_large), archived(buf.freeze(), Some("length")));
                }
                Ok(Some(chunk)) => buf.extend_from_slice(&chunk),
                Ok(None) => break,
                Err(e) => {
                    let why = if e.is_timeout() { "time" } else { "disconnect" };
                    return (Err(map_err(e, limit)), archived(buf.freeze(), Some(why)));
                }
            }
        }
        fetched.body = buf.freeze();
        let exchange = archived(fetched.body.clone(), None);
        (Ok(fetched), exchange)
    }
}

fn map_err(e: reqwest::Error, limit: Duration) -> FetchError {
    if e.is_timeout() {
        FetchError::Timeout(limit)
    } else if e.is_connect() {
        FetchError::Connect(root_cause(&e))
    } else if e.is_decode() || e.is_body() {
        FetchError::Other(format!("body: {}", root_cause(&e)))
    } else {
        FetchError::Other(root_cause(&e))
    }
}

fn root_cause(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        msg = c.to_string();
        cur = c.source();
    }
    msg
}

fn accept_header(want: Want) -> &'static str {
    match want {
        Want::Html => "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
        Want::Xml => "application/xml,text/xml,application/rss+xml,application/atom+xml,application/feed+json;q=0.9,*/*;q=0.1",
        Want::Robots => "text/plain,*/*;q=0.1",
    }
}

/// Is a `Content-Type` acceptable for what we asked for? A missing type is accepted and
/// left to content sniffing.
pub fn type_ok(want: Want, content_type: &str) -> bool {
    let ct = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if ct.is_empty() {
        return true;
    }
    match want {
        Want::Robots => true,
        Want::Html => ct == "text/html" || ct == "application/xhtml+xml",
        Want::Xml => {
            ct.contains("xml")
                || ct.contains("rss")
                || ct.contains("atom")
                || ct.contains("json")
                || ct == "text/plain"
                || ct == "text/html"
                || ct.contains("gzip")
                || ct == "application/octet-stream"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_rules_parse() {
        let r: ResolveRule = "news.test:80:127.0.0.1".parse().unwrap();
        assert_eq!(r.addr, "127.0.0.1:80".parse().unwrap());
        let r: ResolveRule = "News.test:80:127.0.0.1:8080".parse().unwrap();
        assert_eq!((r.host.as_str(), r.port), ("news.test", 80));
        assert_eq!(r.addr, "127.0.0.1:8080".parse().unwrap());
        let r: ResolveRule = "a.test:443:[::1]:8443".parse().unwrap();
        assert_eq!(r.addr, "[::1]:8443".parse().unwrap());
        assert!("a.test:x:127.0.0.1".parse::<ResolveRule>().is_err());
        assert!("a.test:80".parse::<ResolveRule>().is_err());
    }

    #[test]
    fn content_types() {
        assert!(type_ok(Want::Html, "text/html; charset=utf-8"));
        assert!(type_ok(Want::Html, ""));
        assert!(!type_ok(Want::Html, "image/jpeg"));
        assert!(!type_ok(Want::Html, "application/pdf"));
        assert!(type_ok(Want::Xml, "application/rss+xml"));
        assert!(type_ok(Want::Xml, "application/x-gzip"));
        assert!(!type_ok(Want::Xml, "image/png"));
    }

    #[test]
    fn retry_after_values() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-28T10:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        assert_eq!(parse_retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(
            parse_retry_after("Sat, 28 Nov 2026 10:00:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Sat, 28 Nov 2026 09:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
