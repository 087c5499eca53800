//! HTTP messages as WARC `response` records hold them: the status line and headers, then
//! the payload as it went over the wire, which may still be chunked or compressed (some
//! tools store it raw). [`decode_payload`] undoes both; [`is_html`] and [`looks_like_html`]
//! decide whether a payload is a page.

use super::{shorten, trim_eol, Headers};
use std::io::{BufRead, Read};

/// Bytes at the start of a payload looked at to sniff HTML.
const SNIFF_BYTES: usize = 1024;

/// Status line and headers of an HTTP response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseHead {
    /// Status code.
    pub status: u16,
    /// Response headers.
    pub headers: Headers,
}

/// Read `HTTP/1.1 200 OK` and the headers; the reader is left at the payload.
pub fn read_response_head(r: &mut dyn BufRead) -> Result<ResponseHead, String> {
    let mut line = Vec::new();
    r.take(super::MAX_HEADER_BYTES)
        .read_until(b'\n', &mut line)
        .map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(trim_eol(&line)).into_owned();
    let mut parts = text.split_whitespace();
    let status = match (parts.next(), parts.next()) {
        (Some(v), Some(code)) if v.starts_with("HTTP/") && code.len() == 3 => code.parse::<u16>().ok(),
        _ => None,
    }
    .ok_or_else(|| format!("not an HTTP response: status line {}", shorten(&text)))?;
    let headers = Headers::read(r).map_err(|e| format!("HTTP headers: {e}"))?;
    Ok(ResponseHead { status, headers })
}

/// The media type of a `Content-Type` value, lowercased, without parameters.
pub fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// `text/html` or `application/xhtml+xml`.
pub fn is_html(content_type: &str) -> bool {
    matches!(
        media_type(content_type).as_str(),
        "text/html" | "application/xhtml+xml"
    )
}

/// Does a payload without a `Content-Type` start like an HTML document (an XML prolog
/// only when an `<html>` element or HTML doctype follows)?
pub fn looks_like_html(payload: &[u8]) -> bool {
    let head = &payload[..payload.len().min(SNIFF_BYTES)];
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    let lower = head[start..].to_ascii_lowercase();
    let has = |tags: &[&str]| tags.iter().any(|t| contains(&lower, t.as_bytes()));
    if lower.starts_with(b"<?xml") {
        return has(&["<!doctype html", "<html"]);
    }
    lower.starts_with(b"<") && has(&["<!doctype html", "<html", "<head", "<body", "<div", "<p>", "<p "])
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Undo `Transfer-Encoding: chunked` and `Content-Encoding` (gzip, deflate, br, zstd),
/// keeping at most `cap` bytes. A payload whose headers say chunked or compressed but
/// that is not (the archiving tool decoded it and kept the headers) is taken as it is.
pub fn decode_payload(head: &ResponseHead, raw: Vec<u8>, cap: u64) -> Result<Vec<u8>, String> {
    let chunked = head
        .headers
        .get("Transfer-Encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let mut body = match chunked {
        true => dechunk(&raw, cap).unwrap_or(raw),
        false => raw,
    };
    let codings: Vec<String> = head
        .headers
        .get("Content-Encoding")
        .unwrap_or("")
        .split(',')
        .map(|c| c.trim().to_ascii_lowercase())
        .filter(|c| !c.is_empty() && c != "identity")
        .collect();
    for coding in codings.iter().rev() {
        body = match decompress(coding, &body, cap) {
            Ok(b) => b,
            Err(_) if looks_like_html(&body) => body,
            Err(e) => return Err(format!("Content-Encoding {coding}: {e}")),
        };
    }
    Ok(body)
}

fn decompress(coding: &str, data: &[u8], cap: u64) -> Result<Vec<u8>, String> {
    let reader: Box<dyn Read + '_> = match coding {
        "gzip" | "x-gzip" => Box::new(flate2::read::MultiGzDecoder::new(data)),
        "deflate" if data.first().is_some_and(|b| b & 0x0f == 8) => {
            Box::new(flate2::read::ZlibDecoder::new(data))
        }
        "deflate" => Box::new(flate2::read::DeflateDecoder::new(data)),
        "br" => Box::new(brotli_decompressor::Decompressor::new(data, 4096)),
        "zstd" => Box::new(zstd::stream::read::Decoder::new(data).map_err(|e| e.to_string())?),
        other => return Err(format!("unsupported coding {other:?}")),
    };
    let mut out = Vec::new();
    reader
        .take(cap)
        .read_to_end(&mut out)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// Join the chunks of a chunked body (trailers dropped), at most `cap` bytes.
pub fn dechunk(data: &[u8], cap: u64) -> Result<Vec<u8>, String> {
    let cap = usize::try_from(cap).unwrap_or(usize::MAX);
    let mut out = Vec::with_capacity(data.len().min(cap));
    let mut rest = data;
    loop {
        let eol = rest
            .iter()
            .position(|&b| b == b'\n')
            .ok_or("a chunk size line without an end")?;
        let line = String::from_utf8_lossy(trim_eol(&rest[..=eol])).into_owned();
        let hex = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(hex, 16).map_err(|_| format!("bad chunk size {}", shorten(hex)))?;
        rest = &rest[eol + 1..];
        if size == 0 {
            return Ok(out);
        }
        let chunk = rest.get(..size).ok_or("a chunk longer than the data")?;
        out.extend_from_slice(&chunk[..chunk.len().min(cap - out.len())]);
        if out.len() >= cap {
            return Ok(out);
        }
        rest = &rest[size..];
        rest = rest
            .strip_prefix(b"\r\n")
            .or_else(|| rest.strip_prefix(b"\n"))
            .ok_or("no line end after a chunk")?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn head(headers: &[(&str, &str)]) -> ResponseHead {
        ResponseHead {
            status: 200,
            headers: Headers(
                headers
                    .iter()
                    .map(|(n, v)| (n.to_string(), v.to_string()))
                    .collect(),
            ),
        }
    }

    #[test]
    fn status_line_and_headers() {
        let raw = b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html; charset=UTF-8\r\nX-Long: a\r\n  b\r\n\r\n<p>gone";
        let mut r = &raw[..];
        let h = read_response_head(&mut r).unwrap();
        assert_eq!(h.status, 404);
        assert_eq!(h.headers.get("content-type"), Some("text/html; charset=UTF-8"));
        assert_eq!(h.headers.get("X-Long"), Some("a b"));
        assert_eq!(r, b"<p>gone");
        assert!(read_response_head(&mut &b"dns: 1.2.3.4\r\n\r\n"[..]).is_err());
        assert!(read_response_head(&mut &b"HTTP/1.1 200 OK\r\nBroken\r\n\r\n"[..]).is_err());
    }

    #[test]
    fn chunked_then_gzip_payload_is_decoded() {
        let html = b"<html><body><p>Hello, chunked and gzipped world.</p></body></html>";
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(html).unwrap();
        let gz = gz.finish().unwrap();
        let (a, b) = gz.split_at(10);
        let mut chunked = format!("{:x};ext=1\r\n", a.len()).into_bytes();
        chunked.extend_from_slice(a);
        chunked.extend_from_slice(format!("\r\n{:X}\r\n", b.len()).as_bytes());
        chunked.extend_from_slice(b);
        chunked.extend_from_slice(b"\r\n0\r\nX-Trailer: 1\r\n\r\n");
        let h = head(&[("Transfer-Encoding", "chunked"), ("Content-Encoding", "gzip")]);
        assert_eq!(decode_payload(&h, chunked, 1 << 20).unwrap(), html);
        // Already decoded by the archiving tool, headers kept: taken as it is.
        assert_eq!(decode_payload(&h, html.to_vec(), 1 << 20).unwrap(), html);
        // Brotli and the size cap.
        let mut br = Vec::new();
        {
            let mut w = brotli::CompressorWriter::new(&mut br, 4096, 5, 22);
            w.write_all(html).unwrap();
        }
        let h = head(&[("Content-Encoding", "br")]);
        assert_eq!(decode_payload(&h, br, 5).unwrap(), b"<html");
        // Corrupt compressed data that is not HTML either: an error.
        let h = head(&[("Content-Encoding", "gzip")]);
        assert!(decode_payload(&h, vec![0x1f, 0x8b, 0, 1, 2], 100).is_err());
        assert!(dechunk(b"zz\r\nabc", 100).is_err());
        assert!(dechunk(b"10\r\nabc", 100).is_err());
    }

    #[test]
    fn html_sniffing() {
        assert!(looks_like_html(b"\xef\xbb\xbf  <!DOCTYPE html><html>"));
        assert!(looks_like_html(b"<html lang=en>"));
        assert!(looks_like_html(b"<!-- x --><div><p>hi</p></div>"));
        assert!(!looks_like_html(b"\x89PNG\r\n"));
        assert!(!looks_like_html(b"{\"a\": 1}"));
        assert!(!looks_like_html(b"<?xml version=\"1.0\"?><rss>"));
        assert!(is_html("text/html; charset=utf-8"));
        assert!(!is_html("image/png"));
    }
}
