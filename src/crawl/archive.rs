//! `crawl --warc FILE`: what the crawler sent and received, as WARC records. The fetcher
//! builds an [`Exchange`] for every response (pages, robots.txt, sitemaps, feeds, errors);
//! the writer thread turns it into a `request` and a `response` record with [`Archive`].
//!
//! reqwest decompresses bodies, so the payload is stored decoded: `Content-Encoding` and
//! `Transfer-Encoding` are left out of the stored headers and `Content-Length` is the stored
//! length (the convention of wget and warcio for decoded payloads). A body cut at the size
//! cap is marked `WARC-Truncated: length`; one not read (non-2xx, unwanted type) `unspecified`.

use crate::warc::write::{new_record_id, warc_fields};
use crate::warc::{NewRecord, WarcWriter};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use reqwest::header::{self, HeaderMap};
use std::io;
use std::net::IpAddr;
use std::path::Path;
use tokio::sync::OwnedSemaphorePermit;
use url::Url;

/// Response headers the stored payload no longer matches (it is decoded and whole).
const DROPPED_HEADERS: [header::HeaderName; 3] = [
    header::CONTENT_ENCODING,
    header::TRANSFER_ENCODING,
    header::CONTENT_LENGTH,
];
/// `Accept-Encoding` the client sends (reqwest's gzip, brotli and zstd features).
const ACCEPT_ENCODING: &str = "gzip, br, zstd";

/// One HTTP request and the response received, for the archive.
#[derive(Debug)]
pub struct Exchange {
    /// The URL requested (logical, before any `--resolve` rewrite).
    pub url: Url,
    /// When the request was sent.
    pub date: DateTime<Utc>,
    /// The address the response came from.
    pub ip: Option<IpAddr>,
    /// `User-Agent` sent.
    pub user_agent: String,
    /// `Accept` sent.
    pub accept: &'static str,
    /// HTTP status.
    pub status: u16,
    /// `HTTP/1.1` or `HTTP/1.0`.
    pub version: String,
    /// Response headers as reqwest hands them over.
    pub headers: HeaderMap,
    /// The body as read (decoded); empty when not read.
    pub body: Bytes,
    /// `WARC-Truncated` reason (`length`, `time`, `disconnect`, `unspecified`).
    pub truncated: Option<&'static str>,
    /// A share of the archive's memory budget, released once the records are written.
    pub permit: Option<OwnedSemaphorePermit>,
}

impl Exchange {
    /// The request as the crawler built it (reqwest sends these headers).
    fn request_head(&self) -> Vec<u8> {
        let target = &self.url[url::Position::BeforePath..url::Position::AfterQuery];
        let host = &self.url[url::Position::BeforeHost..url::Position::AfterPort];
        format!(
            "GET {target} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {}\r\nAccept: {}\r\nAccept-Encoding: {ACCEPT_ENCODING}\r\n\r\n",
            self.user_agent, self.accept
        )
        .into_bytes()
    }

    /// Status line and headers, with `Content-Length` set to the stored body's length.
    fn response_head(&self) -> Vec<u8> {
        let reason = reqwest::StatusCode::from_u16(self.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("");
        let mut h = format!("{} {} {reason}\r\n", self.version, self.status).into_bytes();
        for (name, value) in &self.headers {
            if DROPPED_HEADERS.contains(name) {
                continue;
            }
            h.extend_from_slice(name.as_str().as_bytes());
            h.extend_from_slice(b": ");
            h.extend_from_slice(value.as_bytes());
            h.extend_from_slice(b"\r\n");
        }
        h.extend_from_slice(format!("Content-Length: {}\r\n\r\n", self.body.len()).as_bytes());
        h
    }
}

/// The WARC file of a crawl: a `warcinfo` record first, then request/response pairs.
pub struct Archive {
    writer: WarcWriter,
    /// `WARC-Record-ID` of the `warcinfo` record, referred to by every other record.
    warcinfo: String,
}

impl Archive {
    /// Create `path` and write its `warcinfo` record.
    pub fn create(path: &Path, user_agent: &str, agent_token: &str) -> io::Result<Archive> {
        let mut writer = WarcWriter::create(path)?;
        let software = format!("newsharvest/{}", env!("CARGO_PKG_VERSION"));
        let robots =
            format!("obey (robots.txt rules for agent token {agent_token:?}, Crawl-delay, Retry-After)");
        let filename = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let fields = warc_fields(&[
            ("software", &software),
            ("format", "WARC File Format 1.1"),
            (
                "conformsTo",
                "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            ),
            ("http-header-user-agent", user_agent),
            ("robots", &robots),
            (
                "description",
                "payloads stored decoded: Content-Encoding and Transfer-Encoding removed, Content-Length set to the stored length",
            ),
        ]);
        let warcinfo = new_record_id();
        writer.write(&NewRecord {
            kind: "warcinfo",
            id: warcinfo.clone(),
            date: Utc::now(),
            target_uri: None,
            extra: vec![("WARC-Filename", filename)],
            content_type: "application/warc-fields",
            head: b"",
            payload: &fields,
            payload_digest: false,
        })?;
        Ok(Archive { writer, warcinfo })
    }

    /// Write the request and the response of one exchange, linked by `WARC-Concurrent-To`.
    pub fn write(&mut self, ex: &Exchange) -> io::Result<()> {
        let (request_id, response_id) = (new_record_id(), new_record_id());
        let mut common = vec![("WARC-Warcinfo-ID", self.warcinfo.clone())];
        if let Some(ip) = ex.ip {
            common.push(("WARC-IP-Address", ip.to_string()));
        }
        let request = ex.request_head();
        let mut extra = common.clone();
        extra.push(("WARC-Concurrent-To", response_id.clone()));
        self.writer.write(&NewRecord {
            kind: "request",
            id: request_id.clone(),
            date: ex.date,
            target_uri: Some(ex.url.as_str()),
            extra,
            content_type: "application/http;msgtype=request",
            head: &request,
            payload: b"",
            payload_digest: true,
        })?;
        let head = ex.response_head();
        let mut extra = common;
        extra.push(("WARC-Concurrent-To", request_id));
        if let Some(t) = ex.truncated {
            extra.push(("WARC-Truncated", t.to_string()));
        }
        self.writer.write(&NewRecord {
            kind: "response",
            id: response_id,
            date: ex.date,
            target_uri: Some(ex.url.as_str()),
            extra,
            content_type: "application/http;msgtype=response",
            head: &head,
            payload: &ex.body,
            payload_digest: true,
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::warc::{http, WarcPages, WarcReader};
    use std::io::Read;

    #[test]
    fn exchanges_become_linked_request_and_response_records() {
        let dir = crate::test_dir("archive");
        let path = dir.join("crawl.warc.gz");
        let mut a = Archive::create(&path, "newsharvest-test/1.0", "newsharvest-test").unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, "text/html; charset=utf-8".parse().unwrap());
        headers.insert(header::CONTENT_ENCODING, "gzip".parse().unwrap());
        headers.insert(header::CONTENT_LENGTH, "999".parse().unwrap());
        let ex = Exchange {
            url: Url::parse("http://news.test:8080/a?b=1").unwrap(),
            date: Utc::now(),
            ip: "127.0.0.1".parse().ok(),
            user_agent: "newsharvest-test/1.0".into(),
            accept: "text/html",
            status: 200,
            version: "HTTP/1.1".into(),
            headers,
            body: Bytes::from_static(b"<html><body><p>cut</p>"),
            truncated: Some("length"),
            permit: None,
        };
        a.write(&ex).unwrap();
        drop(a);

        let mut r = WarcReader::new(std::io::BufReader::new(std::fs::File::open(&path).unwrap())).unwrap();
        let mut heads = Vec::new();
        while let Some(h) = r.next_record() {
            let h = h.unwrap();
            let mut block = Vec::new();
            r.block().read_to_end(&mut block).unwrap();
            heads.push((h, block));
        }
        let kinds: Vec<String> = heads.iter().map(|(h, _)| h.warc_type()).collect();
        assert_eq!(kinds, ["warcinfo", "request", "response"]);
        let (info, info_block) = &heads[0];
        assert!(String::from_utf8_lossy(info_block).contains("http-header-user-agent: newsharvest-test/1.0"));
        let info_id = info.headers.get("WARC-Record-ID").unwrap();
        let (req, req_block) = &heads[1];
        let (resp, resp_block) = &heads[2];
        assert!(req_block.starts_with(b"GET /a?b=1 HTTP/1.1\r\nHost: news.test:8080\r\n"));
        assert_eq!(
            req.headers.get("WARC-Concurrent-To"),
            resp.headers.get("WARC-Record-ID")
        );
        assert_eq!(
            resp.headers.get("WARC-Concurrent-To"),
            req.headers.get("WARC-Record-ID")
        );
        assert_eq!(resp.headers.get("WARC-Warcinfo-ID"), Some(info_id));
        assert_eq!(resp.headers.get("WARC-IP-Address"), Some("127.0.0.1"));
        assert_eq!(resp.headers.get("WARC-Truncated"), Some("length"));
        assert_eq!(resp.target_uri(), Some("http://news.test:8080/a?b=1"));
        let mut b = &resp_block[..];
        let head = http::read_response_head(&mut b).unwrap();
        assert_eq!(head.headers.get("Content-Encoding"), None);
        assert_eq!(head.headers.get("Content-Length"), Some("22"));
        assert_eq!(b, b"<html><body><p>cut</p>");

        // And `extract` reads it back as one page.
        let f = std::io::BufReader::new(std::fs::File::open(&path).unwrap());
        let pages: Vec<_> = WarcPages::new(f, "crawl.warc.gz").unwrap().collect();
        assert_eq!(pages.len(), 1);
        let p = pages[0].as_ref().unwrap();
        assert_eq!(p.url.as_deref(), Some("http://news.test:8080/a?b=1"));
        assert_eq!(p.content_type(), Some("text/html; charset=utf-8"));
        let _ = std::fs::remove_dir_all(dir);
    }
}
