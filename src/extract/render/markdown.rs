//! The second renderer: the kept blocks (after block cleaning) as GitHub-flavoured Markdown.
//! Each block's inline Markdown was built beside its text by the walk; here it gets its
//! block syntax: `#` headings, `-`/`1.` list markers and indentation, `>` quotes, fenced
//! code, pipe tables, `$$` display math, images with their caption on the next line; links
//! as `[text](<url>)` or as their text.

use super::inline::{longest_run, resolve_links};
use crate::model::{Block, BlockKind, ListItem, Table};

/// The width of a bullet list's content indent (`- `).
const BULLET_WIDTH: usize = 2;

/// CommonMark list numbers have at most nine digits.
const MAX_LIST_NUMBER: u32 = 999_999_999;

/// A fence has at least this many backticks.
const MIN_FENCE: usize = 3;

/// The blocks as one Markdown document, links as `[text](<url>)` when `links`, else as text.
pub fn to_markdown(blocks: &[Block], links: bool) -> String {
    resolve_links(&with_link_marks(blocks), links)
}

/// The blocks as one Markdown document, its links still marked (see [`resolve_links`]).
pub fn with_link_marks(blocks: &[Block]) -> String {
    let mut out = String::new();
    // Content indent of the open list item at each depth.
    let mut widths: Vec<usize> = Vec::new();
    let mut prev: Option<&Block> = None;
    for b in blocks {
        let body = block_body(b);
        if body.is_empty() {
            continue;
        }
        if let Some(p) = prev {
            out.push_str(&separator(p, b));
        }
        let (first, rest) = list_prefixes(b.list, &mut widths);
        let quote = "> ".repeat(usize::from(b.quote));
        for (i, line) in body.split('\n').enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&quote);
            out.push_str(if i == 0 { &first } else { &rest });
            out.push_str(line);
        }
        prev = Some(b);
    }
    out
}

/// What goes between two blocks: a newline between the items of a tight list and between
/// an image and its caption, else a blank line (kept inside a shared quote).
fn separator(prev: &Block, next: &Block) -> String {
    let tight = (prev.list.is_some() && next.list.is_some_and(|l| l.first))
        || (next.kind == BlockKind::Caption && prev.text.is_empty() && !prev.images.is_empty());
    if tight {
        return "\n".to_string();
    }
    let shared = prev.quote.min(next.quote);
    format!("\n{}\n", ">".repeat(usize::from(shared)))
}

/// The prefix of a block's first line and of its other lines inside its list item.
fn list_prefixes(item: Option<ListItem>, widths: &mut Vec<usize>) -> (String, String) {
    let Some(item) = item else {
        widths.clear();
        return (String::new(), String::new());
    };
    let depth = usize::from(item.depth);
    widths.resize(depth + 1, BULLET_WIDTH);
    if !item.first {
        let pad = " ".repeat(widths.iter().sum());
        return (pad.clone(), pad);
    }
    let outer: usize = widths[..depth].iter().sum();
    let marker = if item.ordered {
        format!("{}. ", item.number.min(MAX_LIST_NUMBER))
    } else {
        "- ".to_string()
    };
    widths[depth] = marker.len();
    (
        format!("{}{marker}", " ".repeat(outer)),
        " ".repeat(outer + marker.len()),
    )
}

/// A block's own Markdown, without list or quote prefixes.
fn block_body(b: &Block) -> String {
    match &b.kind {
        BlockKind::Heading(level) => {
            let line = b.md.split('\n').collect::<Vec<_>>().join(" ");
            format!("{} {line}", "#".repeat(usize::from(*level).clamp(1, 6)))
        }
        BlockKind::Code { lang } => {
            let fence = "`".repeat((longest_run(&b.text, '`') + 1).max(MIN_FENCE));
            format!("{fence}{}\n{}\n{fence}", lang.as_deref().unwrap_or(""), b.text)
        }
        BlockKind::Math => format!("$${}$$", b.md),
        BlockKind::Table(t) => table(t),
        BlockKind::Paragraph | BlockKind::Caption => b.md.replace('\n', "\\\n"),
    }
}

/// A GFM pipe table, its caption as a paragraph before it.
fn table(t: &Table) -> String {
    let mut out = String::new();
    if let Some(c) = &t.caption {
        out.push_str(&c.replace("<br>", " "));
        out.push_str("\n\n");
    }
    let width = t.rows.iter().map(Vec::len).max().unwrap_or(0);
    for (i, row) in t.rows.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push('|');
        for c in 0..width {
            out.push(' ');
            out.push_str(row.get(c).map(String::as_str).unwrap_or(""));
            out.push_str(" |");
        }
        if i == 0 {
            out.push('\n');
            out.push('|');
            out.push_str(&" --- |".repeat(width));
        }
    }
    out
}
