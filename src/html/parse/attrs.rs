//! The attribute pre-scan: before tokenizing, cut the attributes beyond
//! [`MAX_ATTRIBUTES`] of every tag (and beyond [`MAX_ROOT_ATTRIBUTES`] over all
//! `<html>`/`<body>` tags) out of the text, so that html5ever's per-attribute duplicate
//! check cannot turn quadratic. A linear byte scan that reads tags, comments and raw text as
//! the tokenizer does; it builds no tree. In: the decoded text. Out: the same text, borrowed
//! unless something was cut.

/// Attributes kept on one tag. html5ever checks each new attribute against the tag's others
/// (quadratic: 300,000 attributes take minutes); real tags have a handful.
pub(super) const MAX_ATTRIBUTES: usize = 256;
/// Attributes kept over all `<html>` and `<body>` tags together: the tree builder merges
/// every later such tag into the first, checking each attribute against those it has.
pub(super) const MAX_ROOT_ATTRIBUTES: usize = 1024;

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// Raw-text elements, as bytes for [`cap_attributes`]: their content is not markup.
const RAW_TEXT_NAMES: &[&[u8]] = &[
    b"script",
    b"style",
    b"textarea",
    b"title",
    b"xmp",
    b"iframe",
    b"noembed",
    b"noframes",
    b"noscript",
    b"plaintext",
];

/// Where the raw text that starts at `from` inside a `<name>` element ends: the start of
/// the next `</name`, or the end of the text.
fn raw_text_end(b: &[u8], from: usize, name: &[u8]) -> usize {
    let mut i = from;
    while let Some(off) = memchr::memchr(b'<', &b[i..]) {
        let at = i + off;
        let closes = b.get(at + 1) == Some(&b'/')
            && b.get(at + 2..at + 2 + name.len())
                .is_some_and(|n| n.eq_ignore_ascii_case(name));
        if closes {
            return at;
        }
        i = at + 1;
    }
    b.len()
}

/// The position just after the comment whose `<!--` ends at `from`: after `-->` or `--!>`,
/// or after `<!-->` and `<!--->` themselves (the tokenizer's rules).
fn comment_end(b: &[u8], from: usize) -> usize {
    let rest = &b[from..];
    if rest.starts_with(b">") {
        return from + 1;
    }
    if rest.starts_with(b"->") {
        return from + 2;
    }
    let a = memchr::memmem::find(rest, b"-->").map(|x| x + 3);
    let c = memchr::memmem::find(rest, b"--!>").map(|x| x + 4);
    match (a, c) {
        (Some(x), Some(y)) => from + x.min(y),
        (Some(x), None) | (None, Some(x)) => from + x,
        (None, None) => b.len(),
    }
}

/// Scan the attributes of a tag whose name ends at `i`, not past `limit`: returns the
/// position after the tag (at its `>`, or `limit`) and where the attributes beyond `cap`
/// (or beyond [`MAX_ROOT_ATTRIBUTES`] in `root`'s running count) start, if anywhere.
fn scan_attributes(
    b: &[u8],
    mut i: usize,
    limit: usize,
    cap: usize,
    mut root: Option<&mut usize>,
) -> (usize, Option<usize>) {
    let (mut count, mut cut_from) = (0usize, None);
    loop {
        while i < limit && (is_space(b[i]) || b[i] == b'/') {
            i += 1;
        }
        if i >= limit || b[i] == b'>' {
            break;
        }
        let attr_start = i;
        i += 1;
        while i < limit && !is_space(b[i]) && !matches!(b[i], b'/' | b'>' | b'=') {
            i += 1;
        }
        let mut j = i;
        while j < limit && is_space(b[j]) {
            j += 1;
        }
        if j < limit && b[j] == b'=' {
            j += 1;
            while j < limit && is_space(b[j]) {
                j += 1;
            }
            match b[..limit].get(j) {
                Some(&q @ (b'"' | b'\'')) => {
                    j = memchr::memchr(q, &b[j + 1..limit]).map_or(limit, |p| j + 1 + p + 1);
                }
                _ => {
                    while j < limit && !is_space(b[j]) && b[j] != b'>' {
                        j += 1;
                    }
                }
            }
            i = j;
        }
        count += 1;
        let over_root = root.as_deref_mut().is_some_and(|n| {
            *n += 1;
            *n > MAX_ROOT_ATTRIBUTES
        });
        if cut_from.is_none() && (count > cap || over_root) {
            cut_from = Some(attr_start);
        }
    }
    (i.min(limit), cut_from)
}

/// The text with the attributes beyond [`MAX_ATTRIBUTES`] of every tag (and beyond
/// [`MAX_ROOT_ATTRIBUTES`] over all `<html>`/`<body>` tags) cut out. A linear scan that
/// reads the text as the tokenizer does: start and end tags with their attributes (quoted
/// values may hold `>`), comments (ended by `-->`, `--!>`, or at once by `<!-->`), and the
/// content of `<script>`, `<style>`, `<xmp>`… as text — except inside a `<select>` or
/// SVG/MathML, where the tree builder does not make those raw text and their content is
/// tokenized as markup. No real page comes near the limits. Borrowed unless something was
/// cut.
pub(super) fn cap_attributes(text: &str) -> std::borrow::Cow<'_, str> {
    let b = text.as_bytes();
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut root_attrs = 0usize;
    // Open `<select>` and `<svg>`/`<math>` elements, as far as tags tell.
    let (mut selects, mut foreign) = (0u32, 0u32);
    let mut i = 0usize;
    while let Some(off) = memchr::memchr(b'<', &b[i..]) {
        i += off + 1;
        if b[i..].starts_with(b"!--") {
            i = comment_end(b, i + 3);
            continue;
        }
        let end_tag = b.get(i) == Some(&b'/');
        let name_start = i + usize::from(end_tag);
        if !b.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        i = name_start;
        while i < b.len() && !is_space(b[i]) && !matches!(b[i], b'/' | b'>') {
            i += 1;
        }
        let name = &b[name_start..i];
        let is = |n: &[u8]| name.eq_ignore_ascii_case(n);
        let root = !end_tag && (is(b"html") || is(b"body"));
        let (after, cut_from) =
            scan_attributes(b, i, b.len(), MAX_ATTRIBUTES, root.then_some(&mut root_attrs));
        if let Some(from) = cut_from {
            cuts.push((from, after));
        }
        i = after;
        let self_closing = after > 0 && b.get(after - 1) == Some(&b'/');
        match (end_tag, is(b"select"), is(b"svg") || is(b"math")) {
            (false, true, _) => selects += 1,
            (true, true, _) => selects = selects.saturating_sub(1),
            (false, _, true) if !self_closing => foreign += 1,
            (true, _, true) => foreign = foreign.saturating_sub(1),
            _ => {}
        }
        if end_tag || selects > 0 || foreign > 0 {
            continue;
        }
        if is(b"plaintext") {
            break;
        }
        if let Some(raw) = RAW_TEXT_NAMES.iter().find(|r| is(r)) {
            i = raw_text_end(b, i, raw);
        }
    }
    if cuts.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    // Cuts start and end at ASCII bytes, so every piece is on a character boundary.
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (from, to) in cuts {
        out.push_str(&text[at..from]);
        at = to;
    }
    out.push_str(&text[at..]);
    std::borrow::Cow::Owned(out)
}
