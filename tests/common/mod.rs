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
