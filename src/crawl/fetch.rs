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
    /// The host is or resolves only to a loopback, private, link-local or multicast
    /// address, and the user did not name it (a seed, `--resolve`) or allow it
    /// (`--allow-private`).
    #[error("blocked address: {0} (name the host as a seed or with --resolve, or pass --allow-private)")]
    Blocked(String),
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
            FetchError::Blocked(_) => "blocked_address",
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
    /// Hosts the user named (seeds; `--resolve` hosts are named too): they may be private.
    pub named_hosts: Vec<String>,
    /// Allow private, loopback, link-local and multicast addresses for every host.
    pub allow_private: bool,
    /// Test hook: answers of a pretend DNS (host → addresses), consulted before the real
    /// one and, unlike `--resolve`, not counted as named by the user.
    #[doc(hidden)]
    pub fake_dns: Vec<(String, Vec<SocketAddr>)>,
}

/// Whether an address is one a crawl of the public web may connect to: not loopback,
/// private (RFC 1918, unique local, carrier-grade NAT), link-local, multicast, broadcast,
/// unspecified or documentation space. An IPv4-mapped IPv6 address counts as its IPv4.
pub fn is_public(ip: std::net::IpAddr) -> bool {
    use std::net::IpAddr;
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_unspecified()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (o[1] & 0xc0) == 64))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let seg = v6.segments();
            !(v6.is_loopback()
                || v6.is_multicast()
                || v6.is_unspecified()
                || (seg[0] & 0xfe00) == 0xfc00
                || (seg[0] & 0xffc0) == 0xfe80)
        }
    }
}

/// The resolver of the crawl's HTTP client: the addresses a host resolves to, without the
/// private ones unless the host was named or `--allow-private` was given. reqwest connects
/// only to what this returns, so neither a redirect nor DNS can lead the crawl to an
/// internal address.
struct GuardedResolver {
    allow_private: bool,
    named: std::collections::HashSet<String>,
    fake: HashMap<String, Vec<SocketAddr>>,
}

/// The error a [`GuardedResolver`] gives for a host with only private addresses.
#[derive(Debug)]
struct BlockedHost(String);

impl std::fmt::Display for BlockedHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} resolves only to private addresses", self.0)
    }
}

impl std::error::Error for BlockedHost {}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().trim_end_matches('.').to_ascii_lowercase();
        let allow = self.allow_private || self.named.contains(&host);
        let fake = self.fake.get(&host).cloned();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = match fake {
                Some(a) => a,
                None => tokio::net::lookup_host((host.as_str(), 0)).await?.collect(),
            };
            let kept: Vec<SocketAddr> = addrs.into_iter().filter(|a| allow || is_public(a.ip())).collect();
            if kept.is_empty() {
                return Err(Box::new(BlockedHost(host)) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(kept.into_iter()) as reqwest::dns::Addrs)
        })
    }
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

/// An idle connection is closed after this: each pooled connection keeps buffers the size
/// of the largest response it carried, and a crawl of thousands of hosts would keep one per
/// host (a polite crawl reuses a connection within seconds, or not for a long time).
const POOL_IDLE: Duration = Duration::from_secs(5);

/// An HTTP client configured for polite crawling.
pub struct Fetcher {
    client: reqwest::Client,
    resolve: HashMap<(String, u16), SocketAddr>,
    cfg: FetchConfig,
}

impl Fetcher {
    /// Build the client.
    pub fn new(cfg: FetchConfig) -> Result<Fetcher, FetchError> {
        let mut named: std::collections::HashSet<String> =
            cfg.named_hosts.iter().map(|h| h.to_ascii_lowercase()).collect();
        named.extend(cfg.resolve.iter().map(|r| r.host.to_ascii_lowercase()));
        let resolver = GuardedResolver {
            allow_private: cfg.allow_private,
            named,
            fake: cfg.fake_dns.iter().cloned().collect(),
        };
        let mut b = reqwest::Client::builder()
            .dns_resolver(std::sync::Arc::new(resolver))
            .user_agent(cfg.user_agent.clone())
            .timeout(cfg.timeout)
            .connect_timeout(cfg.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(1)
            .pool_idle_timeout(POOL_IDLE)
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

    /// An IP address in the URL itself never reaches the resolver: check it here.
    fn blocked_literal(&self, url: &Url) -> Option<FetchError> {
        let ip: std::net::IpAddr = match url.host()? {
            url::Host::Ipv4(v4) => v4.into(),
            url::Host::Ipv6(v6) => v6.into(),
            url::Host::Domain(_) => return None,
        };
        let host = url.host_str().unwrap_or("").to_ascii_lowercase();
        let named = self
            .cfg
            .named_hosts
            .iter()
            .chain(self.cfg.resolve.iter().map(|r| &r.host))
            .any(|h| h.eq_ignore_ascii_case(&host));
        (!self.cfg.allow_private && !named && !is_public(ip)).then_some(FetchError::Blocked(host))
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

    /// The GET request of `url`: to its `--resolve` address with the logical `Host`, with
    /// the `Accept` of `want`, an optional timeout and conditional headers.
    fn request(
        &self,
        url: &Url,
        want: Want,
        timeout: Option<Duration>,
        cond: Option<&Validators>,
    ) -> reqwest::RequestBuilder {
        let (phys, host_header) = self.physical(url);
        let mut req = self.client.get(phys).header(header::ACCEPT, accept_header(want));
        // Sitemaps and feeds are read rarely and can be megabytes: their connection is not
        // kept (an idle pooled connection keeps buffers the size of what it carried).
        if want == Want::Xml {
            req = req.header(header::CONNECTION, "close");
        }
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
        req
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
        if let Some(blocked) = self.blocked_literal(url) {
            return (Err(blocked), None);
        }
        let accept = accept_header(want);
        let limit = self.cfg.timeout;
        let mut resp = match self.request(url, want, timeout, cond).send().await {
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
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(&e);
    while let Some(s) = source {
        if let Some(b) = s.downcast_ref::<BlockedHost>() {
            return FetchError::Blocked(b.0.clone());
        }
        source = s.source();
    }
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
    fn private_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "fe80::1",
            "fd00::1",
            "ff02::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public(ip.parse().expect("ip")), "{ip}");
        }
        for ip in ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "100.128.0.1"] {
            assert!(is_public(ip.parse().expect("ip")), "{ip}");
        }
    }

    #[tokio::test]
    async fn an_unnamed_ip_literal_is_refused_without_a_request() {
        let cfg = |named: Vec<String>| FetchConfig {
            user_agent: "t".into(),
            timeout: Duration::from_secs(2),
            connect_timeout: Duration::from_secs(1),
            max_body: 1024,
            resolve: Vec::new(),
            named_hosts: named,
            allow_private: false,
            fake_dns: Vec::new(),
        };
        let url = Url::parse("http://127.0.0.1:9/admin").expect("url");
        let f = Fetcher::new(cfg(Vec::new())).expect("client");
        assert!(matches!(
            f.get(&url, Want::Html, None, None).await,
            Err(FetchError::Blocked(_))
        ));
        // Named (a seed): tried, and here refused by the closed port instead.
        let f = Fetcher::new(cfg(vec!["127.0.0.1".into()])).expect("client");
        assert!(!matches!(
            f.get(&url, Want::Html, None, None).await,
            Err(FetchError::Blocked(_))
        ));
    }

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
