//! The third renderer: the kept blocks as minimal, safe HTML (`article_html`). It reads the
//! Markdown of [`super::markdown`] (links kept) with a CommonMark + GFM reader and writes its
//! HTML, so the HTML holds exactly what the Markdown holds: headings, paragraphs, lists,
//! quotes, `<pre><code class="language-x">`, tables, images, links, `<strong>`/`<em>`/`<code>`
//! and math as `<span class="math math-inline|math-display">` (TeX inside, for MathJax or
//! KaTeX to typeset). Safe by construction: page text reaches the Markdown escaped, and the
//! reader's output is filtered again here: raw HTML other than a table cell's `<br>` becomes
//! text, and links and images keep only absolute http(s) URLs. No scripts, styles, classes
//! of the page, event handlers or tracking attributes can come through.

use super::inline::resolve_links;
use super::markdown::with_link_marks;
use crate::model::Block;
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

/// The GFM extensions the Markdown renderer writes.
const READER_OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_MATH)
    .union(Options::ENABLE_STRIKETHROUGH);

/// The blocks as an HTML fragment (no `<html>`/`<body>`; the headline is the record's
/// `title`, not repeated).
pub fn to_html(blocks: &[Block]) -> String {
    let md = resolve_links(&with_link_marks(blocks), true);
    // What became of each open link or image (a dropped start drops its end too).
    let mut open: Vec<Open> = Vec::new();
    let events = Parser::new_ext(&md, READER_OPTIONS).filter_map(|e| safe(e, &mut open));
    let mut out = String::with_capacity(md.len() + md.len() / 4);
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

/// What became of an open link or image.
#[derive(Clone, Copy, PartialEq)]
enum Open {
    Kept,
    /// A link without a web target: its text stays, the `<a>` goes.
    DroppedLink,
    /// An image without a web target: left out, alt text included.
    DroppedImage,
}

/// An event as written, or made safe: raw HTML is text (a `<br>` a line break); a link with
/// any other scheme than http(s) is its text, such an image is left out.
fn safe<'a>(event: Event<'a>, open: &mut Vec<Open>) -> Option<Event<'a>> {
    let hidden = open.contains(&Open::DroppedImage);
    match event {
        Event::Start(Tag::Link { ref dest_url, .. } | Tag::Image { ref dest_url, .. }) => {
            let state = match (is_web(dest_url), &event) {
                (true, _) => Open::Kept,
                (false, Event::Start(Tag::Image { .. })) => Open::DroppedImage,
                (false, _) => Open::DroppedLink,
            };
            open.push(state);
            (state == Open::Kept && !hidden).then_some(event)
        }
        Event::End(TagEnd::Link | TagEnd::Image) => {
            let state = open.pop().unwrap_or(Open::Kept);
            let hidden = open.contains(&Open::DroppedImage);
            (state == Open::Kept && !hidden).then_some(event)
        }
        _ if hidden => None,
        Event::Html(h) | Event::InlineHtml(h) => Some(if is_br(&h) {
            Event::HardBreak
        } else {
            Event::Text(h)
        }),
        other => Some(other),
    }
}

/// A `<br>` tag (as table cells write line breaks).
fn is_br(h: &CowStr<'_>) -> bool {
    matches!(h.trim(), "<br>" | "<br/>" | "<br />")
}

/// An absolute http(s) URL.
fn is_web(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BlockKind, ListItem};

    fn para(md: &str) -> Block {
        Block {
            text: md.to_string(),
            md: md.to_string(),
            ..Block::default()
        }
    }

    #[test]
    fn page_text_stays_text() {
        let mut b = para("");
        super::super::inline::escape_into(&mut b.md, "<script>alert(1)</script> & [x](javascript:y)");
        let html = to_html(&[b]);
        assert_eq!(
            html,
            "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; [x](javascript:y)</p>\n"
        );
    }

    #[test]
    fn structure_comes_through() {
        let mut h = para("Results");
        h.kind = BlockKind::Heading(2);
        let mut code = para("");
        code.text = "fn main() {\n    let x = 1 < 2;\n}".to_string();
        code.kind = BlockKind::Code {
            lang: Some("rust".to_string()),
        };
        let mut item = para("**one**");
        item.list = Some(ListItem {
            depth: 0,
            ordered: true,
            number: 3,
            first: true,
        });
        let link = para("see \u{E000}the docs\u{E001}https://example.org/a?b=1&c=2\u{E002}");
        let html = to_html(&[h, code, item, link]);
        assert_eq!(
            html,
            "<h2>Results</h2>\n\
             <pre><code class=\"language-rust\">fn main() {\n    let x = 1 &lt; 2;\n}\n</code></pre>\n\
             <ol start=\"3\">\n<li><strong>one</strong></li>\n</ol>\n\
             <p>see <a href=\"https://example.org/a?b=1&amp;c=2\">the docs</a></p>\n"
        );
    }

    #[test]
    fn only_web_links_keep_their_target() {
        let b = para("\u{E000}mail me\u{E001}mailto:a@b.c\u{E002} and ![x](<data:image/png;base64,AA>)");
        let html = to_html(&[b]);
        assert!(!html.contains("mailto:") && !html.contains("data:"), "{html}");
        assert!(html.contains("mail me"), "{html}");
    }
}
