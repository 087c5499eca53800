//! WARC/1.1 writer: each record is built whole in memory and written with one `write` call
//! (as its own gzip member when the file name ends in `.gz`), so the file holds complete
//! records only, whenever the process stops. Adds `WARC-Record-ID`, `WARC-Date`,
//! `WARC-Block-Digest` and, for HTTP messages, `WARC-Payload-Digest` (`sha1:` base32).

use chrono::{DateTime, Utc};
use sha1::{Digest, Sha1};
use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

/// Version line of the records written.
const VERSION: &str = "WARC/1.1";
/// RFC 4648 base32 alphabet, as WARC digests use it.
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// One record to write.
#[derive(Debug, Clone)]
pub struct NewRecord<'a> {
    /// `WARC-Type`: `warcinfo`, `request`, `response`…
    pub kind: &'a str,
    /// `WARC-Record-ID`, from [`new_record_id`].
    pub id: String,
    /// `WARC-Date`.
    pub date: DateTime<Utc>,
    /// `WARC-Target-URI`.
    pub target_uri: Option<&'a str>,
    /// Further headers (`WARC-IP-Address`, `WARC-Concurrent-To`, `WARC-Truncated`…).
    pub extra: Vec<(&'static str, String)>,
    /// `Content-Type` of the block.
    pub content_type: &'a str,
    /// The block before the payload (an HTTP message's head); empty when the whole block
    /// is payload-less data such as `warcinfo` fields.
    pub head: &'a [u8],
    /// The payload (an HTTP message's body).
    pub payload: &'a [u8],
    /// Write `WARC-Payload-Digest` (HTTP messages).
    pub payload_digest: bool,
}

/// A fresh `<urn:uuid:…>` record id (UUID version 4).
pub fn new_record_id() -> String {
    let uuid = uuid::Builder::from_random_bytes(rand::random()).into_uuid();
    format!("<{}>", uuid.urn())
}

/// `sha1:` and the base32 SHA-1 of the parts, one after the other.
pub fn sha1_digest(parts: &[&[u8]]) -> String {
    let mut h = Sha1::new();
    for p in parts {
        h.update(p);
    }
    format!("sha1:{}", base32(&h.finalize()))
}

/// RFC 4648 base32 with `=` padding.
pub fn base32(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(5) * 8);
    for chunk in data.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let n = u64::from_be_bytes([0, 0, 0, buf[0], buf[1], buf[2], buf[3], buf[4]]);
        let chars = (chunk.len() * 8).div_ceil(5);
        for i in 0..8 {
            if i < chars {
                let idx = ((n >> (35 - i * 5)) & 0x1f) as usize;
                out.push(char::from(BASE32[idx]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Writes records to a `.warc` or `.warc.gz` file.
pub struct WarcWriter {
    file: File,
    gzip: bool,
    /// Bytes written so far: the offset of the next record.
    offset: u64,
}

impl WarcWriter {
    /// Create (truncate) `path`; gzip when its name ends in `.gz`.
    pub fn create(path: &Path) -> io::Result<WarcWriter> {
        let gzip = path.to_string_lossy().to_ascii_lowercase().ends_with(".gz");
        Ok(WarcWriter {
            file: File::create(path)?,
            gzip,
            offset: 0,
        })
    }

    /// Write one record; returns its offset in the file.
    pub fn write(&mut self, rec: &NewRecord<'_>) -> io::Result<u64> {
        let bytes = self.encode(rec)?;
        self.file.write_all(&bytes)?;
        let at = self.offset;
        self.offset += bytes.len() as u64;
        Ok(at)
    }

    /// The record's bytes as they go into the file (a gzip member when gzipping).
    fn encode(&self, rec: &NewRecord<'_>) -> io::Result<Vec<u8>> {
        let mut h = format!(
            "{VERSION}\r\nWARC-Type: {}\r\nWARC-Record-ID: {}\r\nWARC-Date: {}\r\n",
            rec.kind,
            rec.id,
            rec.date.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
        let mut header = |name: &str, value: &str| {
            // A header value never spans lines.
            let value: String = value.chars().filter(|c| !c.is_control()).collect();
            h.push_str(&format!("{name}: {value}\r\n"));
        };
        if let Some(u) = rec.target_uri {
            header("WARC-Target-URI", u);
        }
        for (name, value) in &rec.extra {
            header(name, value);
        }
        header("WARC-Block-Digest", &sha1_digest(&[rec.head, rec.payload]));
        if rec.payload_digest {
            header("WARC-Payload-Digest", &sha1_digest(&[rec.payload]));
        }
        header("Content-Type", rec.content_type);
        let length = rec.head.len() + rec.payload.len();
        header("Content-Length", &length.to_string());
        h.push_str("\r\n");
        let parts: [&[u8]; 4] = [h.as_bytes(), rec.head, rec.payload, b"\r\n\r\n"];
        let size: usize = parts.iter().map(|p| p.len()).sum();
        if self.gzip {
            let mut gz =
                flate2::write::GzEncoder::new(Vec::with_capacity(size / 3), flate2::Compression::default());
            for p in parts {
                gz.write_all(p)?;
            }
            gz.finish()
        } else {
            Ok(parts.concat())
        }
    }
}

/// The `warcinfo` block: `name: value` lines (`application/warc-fields`).
pub fn warc_fields(fields: &[(&str, &str)]) -> Vec<u8> {
    fields
        .iter()
        .map(|(k, v)| format!("{k}: {v}\r\n"))
        .collect::<String>()
        .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::super::{http, WarcReader};
    use super::*;
    use std::io::{BufReader, Read};

    #[test]
    fn base32_matches_rfc_4648() {
        assert_eq!(base32(b""), "");
        assert_eq!(base32(b"f"), "MY======");
        assert_eq!(base32(b"fo"), "MZXQ====");
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI======");
        // The SHA-1 of the empty string, as WARC files write it.
        assert_eq!(sha1_digest(&[]), "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ");
    }

    #[test]
    fn written_records_read_back_with_their_digests_and_offsets() {
        let dir = crate::test_dir("warc-write");
        for name in ["t.warc", "t.warc.gz"] {
            let path = dir.join(name);
            let mut w = WarcWriter::create(&path).unwrap();
            let date = Utc::now();
            let info = warc_fields(&[("software", "newsharvest-test")]);
            let head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 12\r\n\r\n";
            let mut offsets = Vec::new();
            for (kind, ct, head, payload, uri) in [
                ("warcinfo", "application/warc-fields", &b""[..], &info[..], None),
                (
                    "response",
                    "application/http;msgtype=response",
                    &head[..],
                    &b"<p>hello</p>"[..],
                    Some("http://a.test/"),
                ),
            ] {
                let rec = NewRecord {
                    kind,
                    id: new_record_id(),
                    date,
                    target_uri: uri,
                    extra: vec![("WARC-IP-Address", "127.0.0.1".into())],
                    content_type: ct,
                    head,
                    payload,
                    payload_digest: kind == "response",
                };
                offsets.push(w.write(&rec).unwrap());
            }
            let f = BufReader::new(std::fs::File::open(&path).unwrap());
            let mut r = WarcReader::new(f).unwrap();
            let mut seen = Vec::new();
            while let Some(h) = r.next_record() {
                let h = h.unwrap();
                assert_eq!(h.version, "WARC/1.1");
                assert!(h.headers.get("WARC-Record-ID").unwrap().starts_with("<urn:uuid:"));
                let mut block = Vec::new();
                r.block().read_to_end(&mut block).unwrap();
                r.finish_record().unwrap();
                assert_eq!(
                    h.headers.get("WARC-Block-Digest"),
                    Some(sha1_digest(&[&block]).as_str())
                );
                if h.warc_type() == "response" {
                    let mut b = &block[..];
                    let resp = http::read_response_head(&mut b).unwrap();
                    assert_eq!(resp.status, 200);
                    assert_eq!(b, b"<p>hello</p>");
                    assert_eq!(
                        h.headers.get("WARC-Payload-Digest"),
                        Some(sha1_digest(&[b]).as_str())
                    );
                    assert_eq!(h.target_uri(), Some("http://a.test/"));
                }
                seen.push(h.position.offset);
            }
            assert_eq!(seen, offsets, "{name}");
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}
