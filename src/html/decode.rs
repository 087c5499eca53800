//! Browser-like charset decoding of raw HTML bytes.
//!
//! Input: the raw bytes of an HTML document (already un-gzipped) and the HTTP
//! `Content-Type` header value, if any. Output: a [`Decoded`] holding the text
//! as a `String` (NUL characters removed), the encoding used and where that
//! choice came from.
//!
//! The choice follows the WHATWG encoding sniffing algorithm: a byte order
//! mark, then the HTTP charset, then a prescan for `<meta>` declarations, then
//! detection (a UTF-8 validity check, then `chardetng`). Deliberate deviations,
//! made because they avoid mojibake in a text corpus:
//! - the prescan reads `PRESCAN_LEN` bytes instead of 1024;
//! - a `<meta>` naming any legacy encoding (windows-1252, Shift_JIS, GB2312, …) is
//!   overruled when the bytes are valid UTF-8 with non-ASCII content: pages re-saved as
//!   UTF-8 keep their old declaration, and legacy multi-byte text is practically never
//!   valid UTF-8 by accident;
//! - labels mapping to the `replacement` encoding count as no declaration,
//!   and `x-user-defined` means windows-1252 in the header too;
//! - input with no non-ASCII byte is UTF-8 with [`CharsetSource::Default`].
//!
//! Not done here: HTML parsing beyond the prescan, re-decoding when a later
//! `<meta>` contradicts the choice, decompression, and binary rejection
//! ([`looks_binary`] is a separate check for the caller).

use encoding_rs::{Encoding, REPLACEMENT, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252, X_USER_DEFINED};
use std::borrow::Cow;

/// Bytes scanned for `<meta>`: the spec says 1024, but real heads often put it later.
const PRESCAN_LEN: usize = 4096;
/// Bytes given to chardetng: plenty for it to converge, and bounds its cost on huge pages.
const DETECT_LEN: usize = 64 * 1024;
/// Bytes checked for NUL by [`looks_binary`]: binary formats have NULs early, text has none.
const BINARY_SNIFF_LEN: usize = 1024;
/// Leading bytes of PNG, JPEG, GIF (87a/89a), PDF, ZIP (local, empty, spanned) and gzip.
const MAGIC: &[&[u8]] = &[
    b"\x89PNG\r\n\x1a\n",
    b"\xFF\xD8\xFF",
    b"GIF87a",
    b"GIF89a",
    b"%PDF-",
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"PK\x07\x08",
    b"\x1F\x8B",
];

/// Where the chosen encoding came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharsetSource {
    /// The `charset` parameter of the HTTP `Content-Type` header.
    Header,
    /// A UTF-8 or UTF-16 byte order mark.
    Bom,
    /// A `<meta charset>` or `<meta http-equiv="Content-Type">` declaration.
    Meta,
    /// Detection: the bytes are valid UTF-8, or chardetng's guess.
    Detected,
    /// Nothing to go on (no non-ASCII byte): UTF-8.
    Default,
}

impl CharsetSource {
    /// Lower-case name: "header", "bom", "meta", "detected" or "default".
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Header => "header",
            Self::Bom => "bom",
            Self::Meta => "meta",
            Self::Detected => "detected",
            Self::Default => "default",
        }
    }
}

/// Result of decoding.
#[derive(Debug, Clone)]
pub struct Decoded<'a> {
    /// The decoded text, without BOM and without NUL characters: the input bytes
    /// themselves when they are that text already (valid UTF-8 without NULs, the common
    /// case), so no copy of the page is made.
    pub text: Cow<'a, str>,
    /// The encoding the bytes were decoded with.
    pub encoding: &'static Encoding,
    /// Where `encoding` came from.
    pub source: CharsetSource,
    /// True if malformed byte sequences were replaced with U+FFFD.
    pub had_errors: bool,
}

/// Decode HTML bytes. `content_type` is the HTTP Content-Type header value if any.
pub fn decode_html<'a>(bytes: &'a [u8], content_type: Option<&str>) -> Decoded<'a> {
    let (encoding, source, body) = choose(bytes, content_type);
    let (mut text, had_errors) = encoding.decode_without_bom_handling(body);
    if text.contains('\0') {
        text.to_mut().retain(|c| c != '\0');
    }
    Decoded {
        text,
        encoding,
        source,
        had_errors,
    }
}

/// Charset label from a Content-Type header value (e.g. `text/html; charset="Shift_JIS"`),
/// resolved via `Encoding::for_label`.
pub fn charset_from_content_type(ct: &str) -> Option<&'static Encoding> {
    ct.split(';').find_map(|param| {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        Encoding::for_label(value.trim().trim_matches(['"', '\'']).as_bytes())
    })
}

/// Heuristic: true if bytes look like a binary file rather than text/HTML: a known
/// magic number (PNG, JPEG, GIF, PDF, ZIP, gzip), or a NUL byte in the first
/// `BINARY_SNIFF_LEN` bytes when there is no UTF-16 BOM.
pub fn looks_binary(bytes: &[u8]) -> bool {
    if MAGIC.iter().any(|m| bytes.starts_with(m)) {
        return true;
    }
    let utf16_bom = matches!(Encoding::for_bom(bytes), Some((e, _)) if e != UTF_8);
    !utf16_bom && bytes.iter().take(BINARY_SNIFF_LEN).any(|&b| b == 0)
}

/// Picks the encoding, its source and the bytes to decode (BOM stripped).
fn choose<'a>(bytes: &'a [u8], ct: Option<&str>) -> (&'static Encoding, CharsetSource, &'a [u8]) {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let body = bytes.get(bom_len..).unwrap_or_default();
        return (enc, CharsetSource::Bom, body);
    }
    if let Some(enc) = ct.and_then(charset_from_content_type).and_then(usable) {
        return (enc, CharsetSource::Header, bytes);
    }
    if let Some(enc) = prescan(bytes) {
        if enc != UTF_8 && !bytes.is_ascii() && is_utf8(bytes) {
            return (UTF_8, CharsetSource::Detected, bytes);
        }
        return (enc, CharsetSource::Meta, bytes);
    }
    let Some(first_non_ascii) = bytes.iter().position(|b| !b.is_ascii()) else {
        return (UTF_8, CharsetSource::Default, bytes);
    };
    if is_utf8(bytes) {
        return (UTF_8, CharsetSource::Detected, bytes);
    }
    // Only non-ASCII bytes carry evidence, so start the window at the first one.
    let window = &bytes[first_non_ascii..];
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(&window[..window.len().min(DETECT_LEN)], true);
    (detector.guess(None, true), CharsetSource::Detected, bytes)
}

/// Valid UTF-8, tolerating an incomplete sequence cut off at the very end.
fn is_utf8(bytes: &[u8]) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    }
}

/// Drops encodings useless for text; x-user-defined pages are windows-1252 in practice.
fn usable(enc: &'static Encoding) -> Option<&'static Encoding> {
    match enc {
        e if e == REPLACEMENT => None,
        e if e == X_USER_DEFINED => Some(WINDOWS_1252),
        e => Some(e),
    }
}

fn is_ws(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | b' ')
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let pos = hay.get(from..)?.windows(needle.len()).position(|w| w == needle)?;
    Some(from + pos)
}

/// The WHATWG "prescan a byte stream to determine its encoding" algorithm.
fn prescan(bytes: &[u8]) -> Option<&'static Encoding> {
    let b = &bytes[..bytes.len().min(PRESCAN_LEN)];
    let mut i = 0;
    while i < b.len() {
        let rest = &b[i..];
        let second = rest.get(1).copied().unwrap_or(0);
        if rest.starts_with(b"<!--") {
            i = find(b, i + 2, b"-->")? + 2; // "<!-->" closes too, as in the spec
        } else if rest.get(..5).is_some_and(|p| p.eq_ignore_ascii_case(b"<meta"))
            && rest.get(5).is_some_and(|&c| is_ws(c) || c == b'/')
        {
            i += 5;
            if let Some(enc) = meta_charset(b, &mut i) {
                return Some(enc);
            }
        } else if rest[0] == b'<'
            && (second.is_ascii_alphabetic()
                || (second == b'/' && rest.get(2).is_some_and(u8::is_ascii_alphabetic)))
        {
            while i < b.len() && !is_ws(b[i]) && b[i] != b'>' {
                i += 1;
            }
            while attribute(b, &mut i).is_some() {}
        } else if rest[0] == b'<' && matches!(second, b'!' | b'/' | b'?') {
            i = find(b, i + 2, b">")?;
        }
        i += 1;
    }
    None
}

/// Reads a `<meta>` tag's attributes (from just after `<meta`) and returns its charset.
fn meta_charset(b: &[u8], i: &mut usize) -> Option<&'static Encoding> {
    let mut seen: Vec<Vec<u8>> = Vec::new();
    let (mut got_pragma, mut need_pragma, mut charset) = (false, None, None);
    while let Some((name, value)) = attribute(b, i) {
        if seen.contains(&name) {
            continue;
        }
        match name.as_slice() {
            b"http-equiv" => got_pragma |= value == b"content-type",
            b"content" if charset.is_none() => {
                if let Some(label) = charset_from_meta_content(&value) {
                    charset = Encoding::for_label(label);
                    need_pragma = Some(true);
                }
            }
            b"charset" if charset.is_none() => {
                charset = Encoding::for_label(&value);
                need_pragma = Some(false);
            }
            _ => {}
        }
        seen.push(name);
    }
    if need_pragma? && !got_pragma {
        return None;
    }
    match charset? {
        e if e == UTF_16LE || e == UTF_16BE => Some(UTF_8),
        e => usable(e),
    }
}

/// The WHATWG "extract a character encoding from a meta element" algorithm.
fn charset_from_meta_content(value: &[u8]) -> Option<&[u8]> {
    let mut pos = 0;
    loop {
        let mut j = find(value, pos, b"charset")? + b"charset".len();
        while value.get(j).is_some_and(|&c| is_ws(c)) {
            j += 1;
        }
        if value.get(j) != Some(&b'=') {
            pos = j;
            continue;
        }
        j += 1;
        while value.get(j).is_some_and(|&c| is_ws(c)) {
            j += 1;
        }
        let rest = value.get(j..)?;
        return match *rest.first()? {
            q @ (b'"' | b'\'') => {
                let end = rest[1..].iter().position(|&c| c == q)?;
                Some(&rest[1..=end])
            }
            _ => {
                let end = rest.iter().position(|&c| is_ws(c) || c == b';');
                Some(&rest[..end.unwrap_or(rest.len())])
            }
        };
    }
}

/// The WHATWG "get an attribute" algorithm: lower-cased (name, value), or None
/// at `>` or at the end of input.
fn attribute(b: &[u8], i: &mut usize) -> Option<(Vec<u8>, Vec<u8>)> {
    while b.get(*i).is_some_and(|&c| is_ws(c) || c == b'/') {
        *i += 1;
    }
    if *b.get(*i)? == b'>' {
        return None;
    }
    let mut name = Vec::new();
    loop {
        match *b.get(*i)? {
            b'=' if !name.is_empty() => break,
            c if is_ws(c) => {
                while b.get(*i).is_some_and(|&c| is_ws(c)) {
                    *i += 1;
                }
                if *b.get(*i)? != b'=' {
                    return Some((name, Vec::new()));
                }
                break;
            }
            b'/' | b'>' => return Some((name, Vec::new())),
            c => name.push(c.to_ascii_lowercase()),
        }
        *i += 1;
    }
    *i += 1; // past '='
    while b.get(*i).is_some_and(|&c| is_ws(c)) {
        *i += 1;
    }
    let mut value = Vec::new();
    match *b.get(*i)? {
        q @ (b'"' | b'\'') => loop {
            *i += 1;
            let c = *b.get(*i)?;
            if c == q {
                *i += 1;
                return Some((name, value));
            }
            value.push(c.to_ascii_lowercase());
        },
        b'>' => return Some((name, value)),
        _ => {}
    }
    loop {
        let c = *b.get(*i)?;
        if is_ws(c) || c == b'>' {
            return Some((name, value));
        }
        value.push(c.to_ascii_lowercase());
        *i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{EUC_JP, GBK, KOI8_R, SHIFT_JIS, WINDOWS_1251};

    const JA: &str = "東京都は本日、新しい交通政策を発表しました。市民の生活をより便利にするため、\
        バスと電車の運行本数を増やし、駅の周辺に自転車の駐車場を整備する予定です。\
        知事は記者会見で「安全で快適な街づくりを進めたい」と述べました。";
    const RU: &str = "Правительство России объявило о новых мерах поддержки экономики. \
        По словам министра финансов, бюджет на следующий год будет сбалансирован, \
        а расходы на образование и здравоохранение значительно увеличатся.";
    const FR: &str = "Élection présidentielle: les résultats définitifs sont tombés à Besançon, \
        déçus mais combatifs, les électeurs ont réagi. Größere Straßen in München überfüllt. ";

    fn page(head: &str, body: &str) -> String {
        format!("<!DOCTYPE html><html><head>{head}<title>t</title></head><body><p>{body}</p></body></html>")
    }

    fn encode(enc: &'static Encoding, s: &str) -> Vec<u8> {
        let (bytes, _, unmappable) = enc.encode(s);
        assert!(!unmappable);
        bytes.into_owned()
    }

    fn check(d: &Decoded, text: &str, enc: &'static Encoding, source: CharsetSource) {
        assert_eq!(d.text, text);
        assert_eq!((d.encoding, d.source, d.had_errors), (enc, source, false));
    }

    #[test]
    fn utf8_misdeclared_as_shift_jis_is_utf8() {
        let html = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=Shift_JIS\"></head><body>脆弱性対策情報データベース</body></html>";
        let d = decode_html(html.as_bytes(), None);
        assert!(d.text.contains("脆弱性対策情報データベース"));
        assert_eq!(d.encoding, UTF_8);
    }

    #[test]
    fn shift_jis_meta() {
        let html = page(r#"<meta charset="Shift_JIS">"#, JA);
        let bytes = encode(SHIFT_JIS, &html);
        let d = decode_html(&bytes, None);
        check(&d, &html, SHIFT_JIS, CharsetSource::Meta);
    }

    #[test]
    fn shift_jis_detected() {
        let html = page("", JA);
        let bytes = encode(SHIFT_JIS, &html);
        let d = decode_html(&bytes, None);
        check(&d, &html, SHIFT_JIS, CharsetSource::Detected);
    }

    #[test]
    fn windows_1251_detected() {
        let html = page("", RU);
        let bytes = encode(WINDOWS_1251, &html);
        let d = decode_html(&bytes, None);
        check(&d, &html, WINDOWS_1251, CharsetSource::Detected);
    }

    #[test]
    fn windows_1252_detected() {
        let html = page("", &FR.repeat(3));
        let bytes = encode(WINDOWS_1252, &html);
        let d = decode_html(&bytes, Some("text/html"));
        check(&d, &html, WINDOWS_1252, CharsetSource::Detected);
    }

    #[test]
    fn header_overrides_meta() {
        let html = page(r#"<meta charset="windows-1252">"#, JA);
        let bytes = encode(SHIFT_JIS, &html);
        let d = decode_html(&bytes, Some(r#"text/html; charset="Shift_JIS""#));
        check(&d, &html, SHIFT_JIS, CharsetSource::Header);
    }

    #[test]
    fn bom_overrides_header() {
        let html = page("", RU);
        let bytes = [b"\xEF\xBB\xBF", html.as_bytes()].concat();
        let d = decode_html(&bytes, Some("text/html; charset=windows-1251"));
        check(&d, &html, UTF_8, CharsetSource::Bom);
        let utf16: Vec<u8> = html.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let bytes = [&b"\xFF\xFE"[..], &utf16].concat();
        let d = decode_html(&bytes, Some("text/html; charset=gbk"));
        check(&d, &html, UTF_16LE, CharsetSource::Bom);
    }

    #[test]
    fn meta_http_equiv() {
        let head = r#"<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=windows-1251">"#;
        let html = page(head, RU);
        let bytes = encode(WINDOWS_1251, &html);
        let d = decode_html(&bytes, None);
        check(&d, &html, WINDOWS_1251, CharsetSource::Meta);
    }

    #[test]
    fn meta_quotes() {
        for head in ["<meta charset='koi8-r'>", "<meta charset=koi8-r>"] {
            let html = page(head, RU);
            let bytes = encode(KOI8_R, &html);
            let d = decode_html(&bytes, None);
            check(&d, &html, KOI8_R, CharsetSource::Meta);
        }
    }

    #[test]
    fn prescan_cases() {
        let cases: &[(&str, Option<&'static Encoding>)] = &[
            ("<META CHARSET=KOI8-R>", Some(KOI8_R)),
            ("<meta/charset=gbk>", Some(GBK)),
            ("<!-- <meta charset=koi8-r> --><meta charset=gbk>", Some(GBK)),
            ("<!--><meta charset=gbk>", Some(GBK)),
            ("<div title='<meta charset=koi8-r>'><meta charset=gbk>", Some(GBK)),
            ("<meta charset=bogus><meta charset=gbk>", Some(GBK)),
            ("<meta charset=gbk charset=koi8-r>", Some(GBK)),
            ("<meta content='text/html; charset=koi8-r'>", None),
            (
                "<meta content='charset = \"euc-jp\"' http-equiv=content-type>",
                Some(EUC_JP),
            ),
            ("<meta http-equiv=content-type content='charset=\"gbk'>", None),
            ("<meta charset=utf-16le>", Some(UTF_8)),
            ("<meta charset=x-user-defined>", Some(WINDOWS_1252)),
            ("<meta charset=iso-2022-kr>", None),
            ("<meta charset=gbk", None),
            ("<!-- <meta charset=gbk>", None),
        ];
        for &(html, want) in cases {
            assert_eq!(prescan(html.as_bytes()), want, "{html}");
        }
        let late = format!("{}<meta charset=gbk>", " ".repeat(2000));
        assert_eq!(prescan(late.as_bytes()), Some(GBK));
        let too_late = format!("{}<meta charset=gbk>", " ".repeat(PRESCAN_LEN));
        assert_eq!(prescan(too_late.as_bytes()), None);
    }

    #[test]
    fn utf8_misdeclared_as_latin1() {
        let html = page(r#"<meta charset="iso-8859-1">"#, FR);
        let d = decode_html(html.as_bytes(), None);
        check(&d, &html, UTF_8, CharsetSource::Detected);
        // A header declaration is kept, as browsers do.
        let d = decode_html(html.as_bytes(), Some("text/html; charset=iso-8859-1"));
        check(&d, &d.text, WINDOWS_1252, CharsetSource::Header);
        assert!(d.text.contains("Ã‰lection"));
    }

    #[test]
    fn ascii_utf8_and_empty() {
        check(&decode_html(b"", None), "", UTF_8, CharsetSource::Default);
        let d = decode_html(b"<p>plain</p>", None);
        check(&d, "<p>plain</p>", UTF_8, CharsetSource::Default);
        let d = decode_html(RU.as_bytes(), None);
        check(&d, RU, UTF_8, CharsetSource::Detected);
        let d = decode_html(b"a\0b\xC3\xA9", None);
        check(&d, "abé", UTF_8, CharsetSource::Detected);
    }

    #[test]
    fn content_type_parsing() {
        let cases: &[(&str, Option<&'static Encoding>)] = &[
            (r#"text/html; charset="Shift_JIS""#, Some(SHIFT_JIS)),
            ("text/html;CHARSET = 'koi8-r' ", Some(KOI8_R)),
            ("text/html; charset=ISO-8859-1", Some(WINDOWS_1252)),
            ("text/html", None),
            ("text/html; charset=bogus", None),
        ];
        for &(ct, want) in cases {
            assert_eq!(charset_from_content_type(ct), want, "{ct}");
        }
        let d = decode_html(b"<p>x</p>", Some("text/html; charset=iso-2022-kr"));
        assert_eq!(d.source, CharsetSource::Default);
    }

    #[test]
    fn binary_sniffing() {
        assert!(looks_binary(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"));
        assert!(looks_binary(b"\x1F\x8B\x08\0"));
        assert!(looks_binary(b"abc\0def"));
        assert!(!looks_binary(page("", JA).as_bytes()));
        assert!(!looks_binary(b"\xFF\xFE<\0p\0>\0"));
        assert!(!looks_binary(b""));
    }

    #[test]
    fn never_panics() {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let random: Vec<u8> = (0..1 << 20)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 24) as u8
            })
            .collect();
        let d = decode_html(&random, None);
        assert!(!d.text.contains('\0'));
        decode_html(&random, Some("text/html; charset=utf-16be"));
        looks_binary(&random);
        let tricky = "<!--x--><meta http-equiv='content-type' content=\"charset='gbk\"><a b=c \
            <meta charset=\"shift_jis\"><?x><!x></p>é";
        for end in 0..=tricky.len() {
            let prefix = &tricky.as_bytes()[..end];
            decode_html(prefix, None);
            decode_html(prefix, Some("charset="));
        }
    }
}
