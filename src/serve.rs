//! A small HTTP/1.1 server on loopback for the offline `demo`, the crawl tests and the crawl
//! benchmark. It serves many virtual hosts (by the `Host` header) from a [`Web`]: bundled
//! fixture sites on disk ([`StaticSites`]) or pages generated on the fly. Every request is
//! logged with its arrival time, so a test or the demo can check what a site owner would see
//! (request spacing, disallowed paths, repeated fetches).
//!
//! Not a production web server: no TLS, no keep-alive tuning, no range requests.

use bytes::Bytes;
use futures_util::stream;
use http_body_util::{combinators::BoxBody, BodyExt, Full, StreamBody};
use hyper::body::Frame;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde::Deserialize;
use std::collections::HashMap;
use std::convert::Infallible;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// Size of one chunk of a streamed large body.
const STREAM_CHUNK: usize = 64 * 1024;

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct LoggedRequest {
    /// `Host` header without port, lowercased.
    pub host: String,
    /// Path and query.
    pub path: String,
    /// When the request head arrived.
    pub at: Instant,
    /// `User-Agent` header.
    pub user_agent: String,
    /// Status answered.
    pub status: u16,
    /// The request was conditional (`If-None-Match` or `If-Modified-Since`).
    pub conditional: bool,
}

/// What to answer.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A complete response.
    Full {
        /// HTTP status.
        status: u16,
        /// Extra headers (Content-Type included when wanted).
        headers: Vec<(String, String)>,
        /// Body.
        body: Bytes,
    },
    /// A slow-loris response: headers at once, then one byte every `every`, forever.
    Slow {
        /// Pause between bytes.
        every: Duration,
    },
    /// A streamed body of `bytes` bytes of HTML-ish filler.
    Big {
        /// Total body size.
        bytes: usize,
    },
    /// `Content-Encoding: gzip` whose body inflates to `bytes` bytes of zeros.
    GzipBomb {
        /// Inflated size.
        bytes: usize,
    },
}

impl Reply {
    /// A 200 with a content type.
    pub fn ok(content_type: &str, body: impl Into<Bytes>) -> Reply {
        Reply::Full {
            status: 200,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into(),
        }
    }

    /// A bodiless status with headers.
    pub fn status(status: u16, headers: Vec<(String, String)>) -> Reply {
        Reply::Full {
            status,
            headers,
            body: Bytes::new(),
        }
    }

    /// 404 Not Found.
    pub fn not_found() -> Reply {
        Reply::Full {
            status: 404,
            headers: vec![("content-type".into(), "text/plain".into())],
            body: Bytes::from_static(b"not found"),
        }
    }
}

/// The content of a loopback web: answers a request for `host` + `path`.
pub trait Web: Send + Sync + 'static {
    /// The reply for one request (path includes the query).
    fn reply(&self, host: &str, path: &str) -> Reply;
}

/// A running server. Dropping it stops the accept loop.
pub struct Server {
    addr: SocketAddr,
    log: Arc<Mutex<Vec<LoggedRequest>>>,
    task: JoinHandle<()>,
}

impl Server {
    /// Bind 127.0.0.1 on a free port and serve `web` on the current tokio runtime.
    pub async fn start(web: Arc<dyn Web>) -> std::io::Result<Server> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let log: Arc<Mutex<Vec<LoggedRequest>>> = Arc::new(Mutex::new(Vec::new()));
        let log2 = log.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let web = web.clone();
                let log = log2.clone();
                tokio::spawn(async move {
                    let svc = service_fn(move |req| {
                        let web = web.clone();
                        let log = log.clone();
                        async move { Ok::<_, Infallible>(answer(&*web, &log, req).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), svc)
                        .await;
                });
            }
        });
        Ok(Server { addr, log, task })
    }

    /// The bound address (127.0.0.1 and the port).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A copy of the request log, in arrival order.
    pub fn log(&self) -> Vec<LoggedRequest> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

type Body = BoxBody<Bytes, Infallible>;

async fn answer(
    web: &dyn Web,
    log: &Mutex<Vec<LoggedRequest>>,
    req: Request<hyper::body::Incoming>,
) -> Response<Body> {
    let at = Instant::now();
    let host = req
        .headers()
        .get(hyper::header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| req.uri().host())
        .unwrap_or("")
        .to_lowercase();
    let host = host.split(':').next().unwrap_or("").to_string();
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let user_agent = req
        .headers()
        .get(hyper::header::USER_AGENT)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("")
        .to_string();
    let if_none_match = req
        .headers()
        .get(hyper::header::IF_NONE_MATCH)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string);
    let conditional = if_none_match.is_some() || req.headers().contains_key(hyper::header::IF_MODIFIED_SINCE);
    let reply = with_etag(web.reply(&host, &path), if_none_match.as_deref());
    let status = match &reply {
        Reply::Full { status, .. } => *status,
        _ => 200,
    };
    if let Ok(mut l) = log.lock() {
        l.push(LoggedRequest {
            host: host.clone(),
            path: path.clone(),
            at,
            user_agent,
            status,
            conditional,
        });
    }
    to_response(reply)
}

/// Every complete 200 carries an `ETag` (a hash of its body, unless the web set one), and
/// a request whose `If-None-Match` names it gets `304 Not Modified`, as real servers do.
fn with_etag(reply: Reply, if_none_match: Option<&str>) -> Reply {
    let Reply::Full {
        status: 200,
        mut headers,
        body,
    } = reply
    else {
        return reply;
    };
    let etag = match headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("etag")) {
        Some((_, v)) => v.clone(),
        None => {
            let h = body.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
                (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
            });
            let tag = format!("\"{h:016x}\"");
            headers.push(("etag".into(), tag.clone()));
            tag
        }
    };
    if if_none_match.is_some_and(|m| m.split(',').any(|t| t.trim() == etag || t.trim() == "*")) {
        return Reply::Full {
            status: 304,
            headers: vec![("etag".into(), etag)],
            body: Bytes::new(),
        };
    }
    Reply::Full {
        status: 200,
        headers,
        body,
    }
}

fn to_response(reply: Reply) -> Response<Body> {
    let mut builder = Response::builder();
    let body: Body = match reply {
        Reply::Full {
            status,
            headers,
            body,
        } => {
            builder = builder.status(StatusCode::from_u16(status).unwrap_or(StatusCode::OK));
            for (k, v) in headers {
                builder = builder.header(k, v);
            }
            Full::new(body).boxed()
        }
        Reply::Slow { every } => {
            builder = builder.header("content-type", "text/html");
            let s = stream::unfold(0u64, move |n| async move {
                if n > 0 {
                    tokio::time::sleep(every).await;
                }
                Some((Ok::<_, Infallible>(Frame::data(Bytes::from_static(b" "))), n + 1))
            });
            BodyExt::boxed(StreamBody::new(s))
        }
        Reply::Big { bytes } => {
            builder = builder.header("content-type", "text/html");
            let chunk = Bytes::from(vec![b'a'; STREAM_CHUNK]);
            let s = stream::unfold(0usize, move |sent| {
                let chunk = chunk.clone();
                async move {
                    if sent >= bytes {
                        return None;
                    }
                    let n = STREAM_CHUNK.min(bytes - sent);
                    Some((Ok::<_, Infallible>(Frame::data(chunk.slice(..n))), sent + n))
                }
            });
            BodyExt::boxed(StreamBody::new(s))
        }
        Reply::GzipBomb { bytes } => {
            builder = builder
                .header("content-type", "text/html")
                .header("content-encoding", "gzip");
            Full::new(Bytes::from(gzip_zeros(bytes))).boxed()
        }
    };
    builder
        .body(body)
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new()).boxed()))
}

/// Gzip of `n` zero bytes (a compression bomb: ~1000:1).
pub fn gzip_zeros(n: usize) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; STREAM_CHUNK];
    let mut left = n;
    while left > 0 {
        let k = left.min(STREAM_CHUNK);
        if enc.write_all(&zeros[..k]).is_err() {
            break;
        }
        left -= k;
    }
    enc.finish().unwrap_or_default()
}

/// A special response declared in a site's `_routes.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// Exact request path (query included when the request has one).
    pub path: String,
    /// Status to answer (default 200).
    #[serde(default)]
    pub status: Option<u16>,
    /// `Location` header (redirects).
    #[serde(default)]
    pub location: Option<String>,
    /// `Retry-After` header in seconds (429/503).
    #[serde(default)]
    pub retry_after: Option<u64>,
    /// Only the first `times` requests get this route; later ones get the file.
    #[serde(default)]
    pub times: Option<u32>,
    /// `slow` (slow-loris), `big` (streamed body of `bytes`), `gzip_bomb` (inflates to `bytes`).
    #[serde(default)]
    pub kind: Option<String>,
    /// Size for `big` and `gzip_bomb`.
    #[serde(default)]
    pub bytes: Option<usize>,
    /// Content type for a route with a `body`, or to serve the file under another type.
    #[serde(default)]
    pub content_type: Option<String>,
    /// Literal body.
    #[serde(default)]
    pub body: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RouteFile {
    #[serde(default)]
    route: Vec<Route>,
}

/// Sites on disk: `<root>/<host>/...`, with `_routes.toml` for special responses. A path
/// ending in `/` serves `index.html`; files starting with `_` are never served.
pub struct StaticSites {
    root: PathBuf,
    routes: HashMap<(String, String), (Route, AtomicU32)>,
}

impl StaticSites {
    /// Load the route files of every host under `root`.
    pub fn load(root: &Path) -> std::io::Result<StaticSites> {
        let mut routes = HashMap::new();
        for entry in std::fs::read_dir(root)? {
            let entry = entry?;
            if !entry.file_type()?.is_dir() {
                continue;
            }
            let host = entry.file_name().to_string_lossy().to_lowercase();
            let rf = entry.path().join("_routes.toml");
            if !rf.exists() {
                continue;
            }
            let text = std::fs::read_to_string(&rf)?;
            let parsed: RouteFile = toml::from_str(&text).map_err(|e| {
                std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{}: {e}", rf.display()))
            })?;
            for r in parsed.route {
                routes.insert((host.clone(), r.path.clone()), (r, AtomicU32::new(0)));
            }
        }
        Ok(StaticSites {
            root: root.to_path_buf(),
            routes,
        })
    }

    /// Host names (directory names) served.
    pub fn hosts(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(&self.root)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|e| e.file_name().to_string_lossy().to_lowercase())
            .collect();
        v.sort();
        v
    }

    fn file(&self, host: &str, path: &str) -> Reply {
        let clean = path.split(['?', '#']).next().unwrap_or("/");
        let mut rel = clean.trim_start_matches('/').to_string();
        if rel.is_empty() || rel.ends_with('/') {
            rel.push_str("index.html");
        }
        let bad = rel
            .split('/')
            .any(|seg| seg == ".." || seg.starts_with('_') || seg.starts_with('.'));
        if bad || host.is_empty() || host.contains(['/', '\\']) || host.starts_with('.') {
            return Reply::not_found();
        }
        let file = self.root.join(host).join(&rel);
        match std::fs::read(&file) {
            Ok(bytes) => Reply::ok(content_type_for(&rel), bytes),
            Err(_) => Reply::not_found(),
        }
    }
}

/// Content type by file extension.
pub fn content_type_for(path: &str) -> &'static str {
    let ext = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "json" => "application/json",
        "gz" => "application/gzip",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

impl Web for StaticSites {
    fn reply(&self, host: &str, path: &str) -> Reply {
        if let Some((route, count)) = self.routes.get(&(host.to_string(), path.to_string())) {
            let n = count.fetch_add(1, Ordering::SeqCst);
            if route.times.is_none_or(|t| n < t) {
                return route_reply(route).unwrap_or_else(|| self.file(host, path));
            }
        }
        self.file(host, path)
    }
}

fn route_reply(r: &Route) -> Option<Reply> {
    match r.kind.as_deref() {
        Some("slow") => {
            return Some(Reply::Slow {
                every: Duration::from_millis(500),
            })
        }
        Some("big") => {
            return Some(Reply::Big {
                bytes: r.bytes.unwrap_or(50 * 1024 * 1024),
            })
        }
        Some("gzip_bomb") => {
            return Some(Reply::GzipBomb {
                bytes: r.bytes.unwrap_or(1024 * 1024 * 1024),
            })
        }
        _ => {}
    }
    let mut headers = Vec::new();
    if let Some(l) = &r.location {
        headers.push(("location".to_string(), l.clone()));
    }
    if let Some(s) = r.retry_after {
        headers.push(("retry-after".to_string(), s.to_string()));
    }
    if let Some(ct) = &r.content_type {
        headers.push(("content-type".to_string(), ct.clone()));
    }
    match (&r.body, r.status) {
        (Some(b), s) => Some(Reply::Full {
            status: s.unwrap_or(200),
            headers,
            body: Bytes::from(b.clone()),
        }),
        (None, Some(s)) if s != 200 => Some(Reply::status(s, headers)),
        _ => None,
    }
}

/// Requests to one host closer together than `min_gap` (each pair reported once), as
/// `(host, path, gap)`.
pub fn spacing_violations(
    log: &[LoggedRequest],
    min_gap: &dyn Fn(&str) -> Duration,
) -> Vec<(String, String, Duration)> {
    let mut by_host: HashMap<&str, Vec<&LoggedRequest>> = HashMap::new();
    for r in log {
        by_host.entry(r.host.as_str()).or_default().push(r);
    }
    let mut out = Vec::new();
    for (host, mut reqs) in by_host {
        reqs.sort_by_key(|r| r.at);
        let need = min_gap(host);
        for w in reqs.windows(2) {
            let gap = w[1].at.duration_since(w[0].at);
            if gap < need {
                out.push((host.to_string(), w[1].path.clone(), gap));
            }
        }
    }
    out
}

/// A generated web for benchmarks and load tests: `hosts` sites named `site<N>.test`, each
/// with robots.txt, a sitemap of `articles` article pages, a home page listing them and
/// ~4 KB article pages with a "Read:" insert and previous/next links.
pub struct SyntheticWeb {
    /// Number of hosts.
    pub hosts: usize,
    /// Articles per host.
    pub articles: usize,
}

/// Words the generated paragraphs are made of.
const FILLER: &[&str] = &[
    "council",
    "harbour",
    "residents",
    "budget",
    "morning",
    "ferry",
    "school",
    "plans",
    "river",
    "market",
    "weather",
    "station",
    "workers",
    "festival",
    "museum",
    "bridge",
    "library",
    "season",
    "tenants",
    "bakery",
    "mayor",
    "teachers",
    "volunteers",
    "district",
    "repairs",
    "the",
    "and",
    "of",
    "to",
    "in",
    "after",
    "before",
    "with",
    "said",
    "would",
    "new",
    "old",
];

impl SyntheticWeb {
    /// Host names served.
    pub fn host_names(&self) -> Vec<String> {
        (0..self.hosts).map(|i| format!("site{i}.test")).collect()
    }

    fn paragraph(seed: usize, words: usize) -> String {
        let mut s = String::new();
        let mut x = seed.wrapping_mul(2654435761) | 1;
        for i in 0..words {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let w = FILLER[x % FILLER.len()];
            if i == 0 {
                let mut c = w.chars();
                if let Some(f) = c.next() {
                    s.extend(f.to_uppercase());
                    s.push_str(c.as_str());
                }
            } else {
                s.push(' ');
                s.push_str(w);
            }
        }
        s.push('.');
        s
    }

    fn article(&self, host: &str, n: usize) -> String {
        let title = format!(
            "{} story number {n} from {host}",
            Self::paragraph(n, 4).trim_end_matches('.')
        );
        let paras: String = (0..6)
            .map(|p| format!("<p>{}</p>\n", Self::paragraph(n * 31 + p, 55)))
            .collect();
        let prev = if n > 0 {
            n - 1
        } else {
            self.articles.saturating_sub(1)
        };
        let next = (n + 1) % self.articles.max(1);
        format!(
            r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title} | {host}</title>
<meta property="og:type" content="article"><meta property="og:title" content="{title}">
<link rel="canonical" href="http://{host}/news/2026/11/{n}-story-number-{n}/">
<script type="application/ld+json">{{"@context":"https://schema.org","@type":"NewsArticle","headline":"{title}","datePublished":"2026-11-20T08:00:00+00:00","author":{{"@type":"Person","name":"Sam Writer"}}}}</script>
</head><body><header><nav><a href="/">Home</a> <a href="/news/">News</a></nav></header>
<main><article><h1>{title}</h1><p class="byline">By Sam Writer</p>
{paras}<p><strong>Read:</strong> <a href="/news/2026/11/{next}-story-number-{next}/">Another story</a></p>
</article>
<div class="post-navigation"><a rel="prev" href="/news/2026/11/{prev}-story-number-{prev}/">Previous article</a>
<a rel="next" href="/news/2026/11/{next}-story-number-{next}/">Next article</a></div></main>
<footer><p>© 2026 {host}</p></footer></body></html>"#
        )
    }

    fn home(&self, host: &str) -> String {
        let links: String = (0..self.articles.min(20))
            .map(|n| format!("<li><a href=\"/news/2026/11/{n}-story-number-{n}/\">Story {n}</a></li>"))
            .collect();
        format!(
            "<!doctype html><html><head><title>{host}</title><meta property=\"og:type\" content=\"website\"></head><body><h1>{host}</h1><ul>{links}</ul></body></html>"
        )
    }

    fn sitemap(&self, host: &str) -> String {
        let urls: String = (0..self.articles)
            .map(|n| format!("<url><loc>http://{host}/news/2026/11/{n}-story-number-{n}/</loc><lastmod>2026-11-20</lastmod></url>"))
            .collect();
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>"#
        )
    }
}

impl Web for SyntheticWeb {
    fn reply(&self, host: &str, path: &str) -> Reply {
        if !host.starts_with("site") || !host.ends_with(".test") {
            return Reply::not_found();
        }
        match path {
            "/robots.txt" => Reply::ok(
                "text/plain",
                format!("User-agent: *\nAllow: /\nSitemap: http://{host}/sitemap.xml\n"),
            ),
            "/sitemap.xml" => Reply::ok("application/xml", self.sitemap(host)),
            "/" | "/news/" => Reply::ok("text/html; charset=utf-8", self.home(host)),
            p => {
                let n = p
                    .strip_prefix("/news/2026/11/")
                    .and_then(|r| r.split('-').next())
                    .and_then(|n| n.parse::<usize>().ok());
                match n {
                    Some(n) if n < self.articles => {
                        Reply::ok("text/html; charset=utf-8", self.article(host, n))
                    }
                    _ => Reply::not_found(),
                }
            }
        }
    }
}
