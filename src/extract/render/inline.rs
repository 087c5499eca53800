//! The text of one block while it is being rendered: the plain text and, when Markdown is
//! asked for, the same text as inline Markdown: escaped so that a CommonMark reader gets the
//! words back, with `**strong**`, `*em*` and `` `code` `` spans, inline `$math$` and images.
//! Also the escaping helpers the other renderers share. Pure string work, no DOM.

use crate::html::arena::Tag;
use crate::html::text;
use crate::model::Image;

/// An emphasis or code span opened in the Markdown and not closed yet.
struct Mark {
    tag: Tag,
    /// Byte offset in the Markdown where its content starts.
    at: usize,
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
                self.md.push_str(s);
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
            self.md.push_str(md);
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
        });
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
        let Some(pos) = self.marks.iter().rposition(|m| m.tag == tag) else {
            return;
        };
        let mark = self.marks.remove(pos);
        if pos != self.marks.len() || mark.at > self.md.len() {
            return;
        }
        let content = self.md.split_off(mark.at);
        let core = content.trim_matches(text::is_space);
        if core.is_empty() || core.contains('\n') {
            self.md.push_str(&content);
            return;
        }
        let lead = &content[..content.len() - content.trim_start_matches(text::is_space).len()];
        let trail = &content[content.trim_end_matches(text::is_space).len()..];
        self.md.push_str(lead);
        if delim == "`" {
            let ticks = "`".repeat(longest_run(core, '`') + 1);
            let pad = if core.starts_with('`') || core.ends_with('`') {
                " "
            } else {
                ""
            };
            self.md.push_str(&ticks);
            self.md.push_str(pad);
            self.md.push_str(core);
            self.md.push_str(pad);
            self.md.push_str(&ticks);
        } else {
            self.md.push_str(delim);
            self.md.push_str(core);
            self.md.push_str(delim);
        }
        self.md.push_str(trail);
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
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '&' | '$' | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
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
    fn escapes_block_starts() {
        assert_eq!(escape_line_start("# not a heading"), "\\# not a heading");
        assert_eq!(escape_line_start("1999. A year"), "1999\\. A year");
        assert_eq!(escape_line_start("- dash"), "\\- dash");
        let mut s = String::new();
        escape_into(&mut s, "a*b_c [d] <e> $5");
        assert_eq!(s, "a\\*b\\_c \\[d\\] \\<e\\> \\$5");
    }
}
