//! Helpers shared by the integration tests (each test file uses some of them).
#![allow(dead_code)]

use newsharvest::crawl::{ErrorRecord, Sink};
use newsharvest::model::Record;
use std::io::Write;
use std::sync::{Arc, Mutex};

/// A crawl sink that keeps every record and error record for the test to read.
#[derive(Clone, Default)]
pub struct Collect {
    pub records: Arc<Mutex<Vec<Record>>>,
    pub errors: Arc<Mutex<Vec<ErrorRecord>>>,
}

impl Sink for Collect {
    fn record(&mut self, r: &Record) -> std::io::Result<()> {
        self.records.lock().expect("lock").push(r.clone());
        Ok(())
    }
    fn error(&mut self, e: &ErrorRecord) -> std::io::Result<()> {
        self.errors.lock().expect("lock").push(e.clone());
        Ok(())
    }
    fn checkpoint(&mut self) -> std::io::Result<Option<newsharvest::crawl::engine::Publish>> {
        Ok(Some(newsharvest::crawl::engine::Publish::none()))
    }
    fn finish(&mut self) -> std::io::Result<newsharvest::crawl::engine::Publish> {
        Ok(newsharvest::crawl::engine::Publish::none())
    }
}

/// One WARC record: version line, headers, content, `\r\n\r\n`.
pub fn warc_record(kind: &str, uri: &str, block: &[u8]) -> Vec<u8> {
    let mut v = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2026-11-28T10:00:00Z\r\n\
         WARC-Record-ID: <urn:uuid:{kind}-{}>\r\nContent-Type: application/http; msgtype={kind}\r\n\
         Content-Length: {}\r\n\r\n",
        block.len(),
        block.len()
    )
    .into_bytes();
    v.extend_from_slice(block);
    v.extend_from_slice(b"\r\n\r\n");
    v
}

/// Gzip of `data` (one member).
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).expect("gzip");
    e.finish().expect("gzip")
}
pub mod jobs;

/// The links of one page of an endless calendar reachable in three URL shapes: months
/// `/cal/Y/M/`, days `/cal/Y/M/D/` and days by query `/cal?month=Y-M&day=D` (28 days a
/// month). A month links the months around it and its days, odd ones by path, even ones by
/// query; a day links the days around it (across months) in the other shape, and its
/// month. Every shape leads to new URLs, so each is a crawler trap by itself. `None` for a
/// route that is no calendar page.
pub fn calendar_links(route: &str, query: &str) -> Option<Vec<String>> {
    let mut parts: Vec<i64> = route.split('/').filter_map(|p| p.parse().ok()).collect();
    let by_query = route == "/cal";
    if by_query {
        // month=2026-11&day=05, in either order (the crawler sorts query keys).
        let value = |key: &str| {
            query
                .split('&')
                .find_map(|pair| pair.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
                .unwrap_or("")
        };
        let ym = value("month").split('-').chain([value("day")]);
        parts.extend(ym.filter_map(|p| p.parse::<i64>().ok()));
    }
    let (y, m) = match parts.as_slice() {
        [y, m, ..] if (1..=12).contains(m) => (*y, *m),
        _ => return None,
    };
    let month = |i: i64| format!("/cal/{}/{:02}/", i.div_euclid(12), i.rem_euclid(12) + 1);
    let day = |i: i64, query: bool| {
        let (mi, d) = (i.div_euclid(28), i.rem_euclid(28) + 1);
        let (y, m) = (mi.div_euclid(12), mi.rem_euclid(12) + 1);
        if query {
            format!("/cal?month={y}-{m:02}&amp;day={d:02}")
        } else {
            format!("/cal/{y}/{m:02}/{d:02}/")
        }
    };
    let mi = y * 12 + m - 1;
    Some(match parts.get(2) {
        None => [month(mi - 1), month(mi + 1)]
            .into_iter()
            .chain((0..28).map(|d| day(mi * 28 + d, d % 2 == 1)))
            .collect(),
        Some(d) if (1..=28).contains(d) => {
            let i = mi * 28 + d - 1;
            vec![month(mi), day(i - 1, !by_query), day(i + 1, !by_query)]
        }
        Some(_) => return None,
    })
}
