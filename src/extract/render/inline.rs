//! The text of one block while it is being rendered: the plain text and, when Markdown is
//! asked for, the same text as inline Markdown: escaped so that a CommonMark reader gets the
//! words back, with `**strong**`, `*em*` and `` `code` `` spans, inline `$math$`, images and
//! links. A link is written between private-use marks ([`LINK_OPEN`] text [`LINK_TARGET`] URL
//! [`LINK_CLOSE`]) that [`resolve_links`] turns into `[text](<url>)` or its bare text once the
//! document is whole, so one rendering serves the Markdown with or without links and the HTML.
//! Also the escaping helpers the other renderers share. Pure string work, no DOM.

use crate::html::arena::Tag;
use crate::html::text;
use crate::model::Image;

/// Marks a link's start in the inline Markdown (Unicode private use: never page text, which
/// [`escape_into`] strips of these three).
pub const LINK_OPEN: char = '\u{E000}';
/// Between a link's text and its URL.
pub const LINK_TARGET: char = '\u{E001}';
/// Ends a link's URL.
pub const LINK_CLOSE: char = '\u{E002}';

/// An emphasis, code span or link opened in the Markdown and not closed yet.
struct Mark {
    tag: Tag,
    /// Byte offset in the Markdown where its content starts.
    at: usize,
    /// A link's absolute URL.
    url: Option<String>,
}

/// One block's text being built.
#[derive(Default)]
pub struct Inline {
    /// The plain text, `\n` for `<br>`.
    pub text: String,
    /// The inline Markdown (only when `markdown`).
    pub md: String,
    /// Whether to build `md`.
    pub markdown: bool,
    /// The images met, in order.
    pub images: Vec<Image>,
    marks: Vec<Mark>,
    /// How many code spans are open (their text is not escaped).
    code: usize,
}

/// The Markdown delimiter of an inline element, if it has one.
fn delimiter(tag: Tag) -> Option<&'static str> {
    match tag {
        Tag::STRONG | Tag::B => Some("**"),
        Tag::EM | Tag::I => Some("*"),
        Tag::CODE | Tag::KBD | Tag::SAMP | Tag::TT => Some("`"),
        _ => None,
    }
}

impl Inline {
    /// An empty buffer.
    pub fn new(markdown: bool) -> Inline {
        Inline {
            markdown,
            ..Inline::default()
        }
    }

    /// Text of the page.
    pub fn push_text(&mut self, s: &str) {
        self.text.push_str(s);
        if self.markdown {
            if self.code > 0 {
                self.md.extend(s.chars().filter(|c| !is_link_mark(*c)));
            } else {
                escape_into(&mut self.md, s);
            }
        }
    }

    /// Text that is written as given in the plain text and as `md` in the Markdown (an
    /// inline formula).
    pub fn push_raw(&mut self, text: &str, md: &str) {
        self.text.push_str(text);
        if self.markdown {
            self.md.extend(md.chars().filter(|c| !is_link_mark(*c)));
        }
    }

    /// A `<br>`.
    pub fn line_break(&mut self) {
        self.text.push('\n');
        if self.markdown {
            self.md.push('\n');
        }
    }

    /// An image inside the text: kept for the record, written `![alt](url)`.
    pub fn image(&mut self, img: Image) {
        if self.markdown {
            self.md.push(' ');
            image_md(&mut self.md, &img);
            self.md.push(' ');
        }
        self.images.push(img);
    }

    /// An inline element opens.
    pub fn open(&mut self, tag: Tag) {
        let Some(delim) = delimiter(tag).filter(|_| self.markdown) else {
            return;
        };
        if delim == "`" {
            self.code += 1;
            if self.code > 1 {
                return;
            }
        } else if self.code > 0 {
            return;
        }
        self.marks.push(Mark {
            tag,
            at: self.md.len(),
            url: None,
        });
    }

    /// A link opens (its absolute URL). Links inside code spans or other links are text.
    pub fn open_link(&mut self, url: String) {
        if self.markdown && self.code == 0 && !self.marks.iter().any(|m| m.url.is_some()) {
            self.marks.push(Mark {
                tag: Tag::A,
                at: self.md.len(),
                url: Some(url),
            });
        }
    }

    /// A link closes: its text is marked as a link, unless it is empty or spans a line break.
    pub fn close_link(&mut self) {
        let Some(pos) = self.marks.iter().rposition(|m| m.url.is_some()) else {
            return;
        };
        let mark = self.marks.remove(pos);
        // Spans opened inside the link and left open are dropped with it.
        self.marks.truncate(pos);
        let (Some(url), true) = (mark.url, mark.at <= self.md.len()) else {
            return;
        };
        self.wrap(mark.at, |md, core| {
            md.push(LINK_OPEN);
            md.push_str(core);
            md.push(LINK_TARGET);
            md.push_str(&url.replace(['<', '>', LINK_OPEN, LINK_TARGET, LINK_CLOSE], ""));
            md.push(LINK_CLOSE);
        });
    }

    /// Rewrite the Markdown from byte `at` on with `write`, given its content without the
    /// surrounding spaces (which stay outside); an empty content, or one that spans a line
    /// break, is left as it is.
    fn wrap(&mut self, at: usize, write: impl FnOnce(&mut String, &str)) {
        let content = self.md.split_off(at);
        let core = content.trim_matches(text::is_space);
        if core.is_empty() || core.contains('\n') {
            self.md.push_str(&content);
            return;
        }
        let lead = &content[..content.len() - content.trim_start_matches(text::is_space).len()];
        let trail = &content[content.trim_end_matches(text::is_space).len()..];
        self.md.push_str(lead);
        write(&mut self.md, core);
        self.md.push_str(trail);
    }

    /// An inline element closes: its span is wrapped in its delimiters, unless it is empty
    /// or spans a line break (emphasis cannot).
    pub fn close(&mut self, tag: Tag) {
        let Some(delim) = delimiter(tag).filter(|_| self.markdown) else {
            return;
        };
        if delim == "`" {
            self.code = self.code.saturating_sub(1);
            if self.code > 0 {
                return;
            }
        } else if self.code > 0 {
            return;
        }
        // Only a properly nested span is written; a mark left open by a broken nesting is
        // dropped (its text stays, undecorated).
        let Some(pos) = self.marks.iter().rposition(|m| m.tag == tag && m.url.is_none()) else {
            return;
        };
        let mark = self.marks.remove(pos);
        if pos != self.marks.len() || mark.at > self.md.len() {
            return;
        }
        self.wrap(mark.at, |md, core| {
            if delim == "`" {
                let ticks = "`".repeat(longest_run(core, '`') + 1);
                let pad = if core.starts_with('`') || core.ends_with('`') {
                    " "
                } else {
                    ""
                };
                md.push_str(&ticks);
                md.push_str(pad);
                md.push_str(core);
                md.push_str(pad);
                md.push_str(&ticks);
            } else {
                md.push_str(delim);
                md.push_str(core);
                md.push_str(delim);
            }
        });
    }

    /// Take the text and Markdown built so far, leaving the buffer empty (open spans end at
    /// the block's end).
    pub fn take(&mut self) -> (String, String, Vec<Image>) {
        self.marks.clear();
        self.code = 0;
        (
            std::mem::take(&mut self.text),
            std::mem::take(&mut self.md),
            std::mem::take(&mut self.images),
        )
    }
}

/// The longest run of `c` in `s`.
pub fn longest_run(s: &str, c: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for ch in s.chars() {
        run = if ch == c { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// Append `s` with every character that could start Markdown syntax inside a line escaped
/// (`|` only matters in table cells, which escape it themselves).
pub fn escape_into(out: &mut String, s: &str) {
    // Byte-wise: every character to escape is ASCII, and the link marks (dropped) are the
    // only characters that start with 0xEE and are followed by 0x80 0x80..=0x82; runs of
    // plain text are copied whole.
    let bytes = s.as_bytes();
    let mut from = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' | b'*' | b'_' | b'`' | b'[' | b']' | b'<' | b'>' | b'&' | b'$' | b'~' => {
                out.push_str(&s[from..i]);
                out.push('\\');
                from = i;
                i += 1;
            }
            0xEE if matches!(bytes.get(i + 1..i + 3), Some([0x80, 0x80..=0x82])) => {
                out.push_str(&s[from..i]);
                i += 3;
                from = i;
            }
            _ => i += 1,
        }
    }
    out.push_str(&s[from..]);
}

/// One of the three link marks.
fn is_link_mark(c: char) -> bool {
    matches!(c, LINK_OPEN | LINK_TARGET | LINK_CLOSE)
}

/// The Markdown with its link marks written as `[text](<url>)` (`keep`) or as their text.
pub fn resolve_links(md: &str, keep: bool) -> String {
    let bytes = md.as_bytes();
    let mut out = String::with_capacity(md.len());
    // Copied up to here; where the search goes on.
    let (mut from, mut pos) = (0, 0);
    // Each mark is 0xEE 0x80 0x80..=0x82 in UTF-8: memchr finds the candidates.
    while let Some(k) = memchr::memchr(0xEE, &bytes[pos..]) {
        let at = pos + k;
        let Some(&[0x80, kind @ 0x80..=0x82]) = bytes.get(at + 1..at + 3) else {
            pos = at + 1;
            continue;
        };
        let before = &md[from..at];
        match (kind, keep) {
            (0x80, true) => {
                out.push_str(before);
                out.push('[');
            }
            (0x81, true) => {
                out.push_str(before);
                out.push_str("](<");
            }
            (_, true) => {
                out.push_str(before);
                out.push_str(">)");
            }
            // Without links: the text stays, the URL (before the closing mark) goes.
            (0x82, false) => {}
            (_, false) => out.push_str(before),
        }
        pos = at + 3;
        from = pos;
    }
    out.push_str(&md[from..]);
    out
}

/// Escape what would start a block at the beginning of a line: `#` headings, `-`/`+`
/// bullets, `=`/`-` underlines, `1.`/`1)` numbers.
pub fn escape_line_start(line: &str) -> String {
    if line.starts_with(['#', '-', '+', '=']) {
        return format!("\\{line}");
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && matches!(line.as_bytes().get(digits), Some(b'.' | b')')) {
        return format!("{}\\{}", &line[..digits], &line[digits..]);
    }
    line.to_string()
}

/// `![alt](<url>)`.
pub fn image_md(out: &mut String, img: &Image) {
    out.push_str("![");
    escape_into(out, img.alt.as_deref().unwrap_or(""));
    out.push_str("](<");
    out.push_str(&img.url.replace(['<', '>'], ""));
    out.push_str(">)");
}

/// Collapse each line of a block's text (and of its Markdown), dropping empty lines.
pub fn lines(s: &str) -> Vec<String> {
    s.split('\n')
        .map(text::collapse_ws)
        .filter(|l| !l.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emphasis_hugs_its_words() {
        let mut b = Inline::new(true);
        b.push_text("a ");
        b.open(Tag::STRONG);
        b.push_text(" bold ");
        b.close(Tag::STRONG);
        b.push_text("and ");
        b.open(Tag::CODE);
        b.push_text("x*`y");
        b.close(Tag::CODE);
        assert_eq!(b.md, "a  **bold** and ``x*`y``");
        assert_eq!(b.text, "a  bold and x*`y");
    }

    #[test]
    fn links_resolve_to_markdown_or_text() {
        let mut b = Inline::new(true);
        b.push_text("see ");
        b.open_link("https://ex.test/a".to_string());
        b.push_text(" the é docs ");
        b.close_link();
        b.push_text("now");
        assert_eq!(
            resolve_links(&b.md, true),
            "see  [the é docs](<https://ex.test/a>) now"
        );
        assert_eq!(resolve_links(&b.md, false), "see  the é docs now");
        assert_eq!(b.text, "see  the é docs now");
    }

    #[test]
    fn escapes_block_starts() {
        assert_eq!(escape_line_start("# not a heading"), "\\# not a heading");
        assert_eq!(escape_line_start("1999. A year"), "1999\\. A year");
        assert_eq!(escape_line_start("- dash"), "\\- dash");
        let mut s = String::new();
        escape_into(&mut s, "a*b_c [d] <e> $5");
        assert_eq!(s, "a\\*b\\_c \\[d\\] \\<e\\> \\$5");
        let mut t = String::new();
        escape_into(&mut t, "é\u{E000}x\u{E002}~ü\u{E003}");
        assert_eq!(t, "éx\\~ü\u{E003}", "link marks dropped, other private use kept");
    }
}
