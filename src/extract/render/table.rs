//! Tables: a data table becomes one block (its rows one a line, cells tab-separated; as
//! Markdown a GFM pipe table, header from the first row, every row as wide as the widest,
//! spanned cells empty); a layout table (a cell holding the story, nested tables, lists,
//! code or headings in cells, a single row or column) is not one, and is rendered as its
//! content by the caller.

use super::inline::{lines, Inline};
use super::math;
use crate::html::arena::{Arena, AttrName, Edge, NodeId, NodeKind, Tag, TagSet};
use crate::html::dom;
use crate::model::{Image, Table};

/// Elements that make a table a layout table when inside a cell.
const LAYOUT_CONTENT: TagSet = TagSet::of(&[
    "table",
    "pre",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "figure",
    "article",
    "section",
    "form",
]);

/// A cell with more text than this holds prose (a layout table's story column).
const LAYOUT_CELL_CHARS: usize = 400;

/// Bounds of a table's grid: spans beyond them are cut (a `colspan=1000` is markup noise).
const MAX_COLS: usize = 64;
/// See [`MAX_COLS`].
const MAX_ROWSPAN: usize = 256;

/// A data table rendered.
pub struct Rendered {
    /// Caption line, then one line a row, cells tab-separated.
    pub text: String,
    /// The Markdown cells (empty unless asked for).
    pub table: Table,
    /// Images in the cells.
    pub images: Vec<Image>,
}

/// One cell's place in the grid.
#[derive(Clone, Default)]
enum Slot {
    #[default]
    Empty,
    /// Covered by a span from another cell.
    Spanned,
    /// A cell's text and Markdown.
    Cell(String, String),
}

/// Render a data table; `None` for a layout table.
pub fn render(
    tree: &Arena,
    table: NodeId,
    markdown: bool,
    image: &mut dyn FnMut(NodeId) -> Option<Image>,
) -> Option<Rendered> {
    if tree.attr_by_id(table, AttrName::ROLE) == Some("presentation")
        || tree
            .descendants(table)
            .skip(1)
            .any(|d| tree.tag_in(d, LAYOUT_CONTENT))
    {
        return None;
    }
    let rows: Vec<NodeId> = tree.descendants(table).filter(|d| tree.is(*d, Tag::TR)).collect();
    let mut grid: Vec<Vec<Slot>> = vec![Vec::new(); rows.len()];
    let mut images = Vec::new();
    for (r, tr) in rows.iter().enumerate() {
        let mut col = 0;
        for cell in tree
            .children(*tr)
            .filter(|c| tree.is(*c, Tag::TD) || tree.is(*c, Tag::TH))
        {
            while grid[r].get(col).is_some_and(|s| !matches!(s, Slot::Empty)) {
                col += 1;
            }
            if col >= MAX_COLS {
                break;
            }
            let (text, md) = cell_text(tree, cell, markdown, &mut images, image);
            if text.chars().count() > LAYOUT_CELL_CHARS {
                return None;
            }
            let colspan = span(tree, cell, "colspan", MAX_COLS - col);
            let rowspan = span(tree, cell, "rowspan", MAX_ROWSPAN.min(rows.len() - r));
            for (dr, row) in grid[r..r + rowspan].iter_mut().enumerate() {
                if row.len() < col + colspan {
                    row.resize(col + colspan, Slot::Empty);
                }
                for (dc, slot) in row[col..col + colspan].iter_mut().enumerate() {
                    *slot = if dr == 0 && dc == 0 {
                        Slot::Cell(text.clone(), md.clone())
                    } else {
                        Slot::Spanned
                    };
                }
            }
            col += colspan;
        }
    }
    grid.retain(|row| row.iter().any(|s| matches!(s, Slot::Cell(t, _) if !t.is_empty())));
    let width = grid.iter().map(Vec::len).max().unwrap_or(0);
    if grid.len() < 2 || width < 2 {
        return None;
    }
    let caption = tree
        .children(table)
        .find(|c| tree.is(*c, Tag::CAPTION))
        .map(|c| cell_text(tree, c, markdown, &mut images, image));
    let mut text_lines: Vec<String> = caption
        .iter()
        .map(|c| c.0.clone())
        .filter(|t| !t.is_empty())
        .collect();
    for row in &grid {
        let cells: Vec<&str> = row
            .iter()
            .filter_map(|s| match s {
                Slot::Cell(t, _) if !t.is_empty() => Some(t.as_str()),
                _ => None,
            })
            .collect();
        text_lines.push(cells.join("\t"));
    }
    let md_rows = if markdown {
        grid.iter()
            .map(|row| {
                (0..width)
                    .map(|i| match row.get(i) {
                        Some(Slot::Cell(_, md)) => md.clone(),
                        _ => String::new(),
                    })
                    .collect()
            })
            .collect()
    } else {
        Vec::new()
    };
    Some(Rendered {
        text: text_lines.join("\n"),
        table: Table {
            caption: caption.map(|c| c.1).filter(|c| markdown && !c.is_empty()),
            rows: md_rows,
        },
        images,
    })
}

/// A `colspan`/`rowspan` value, 1 when absent or bad, at most `max` (and at least 1).
fn span(tree: &Arena, cell: NodeId, name: &str, max: usize) -> usize {
    let v = tree
        .attr(cell, name)
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(1);
    v.clamp(1, max.max(1))
}

/// A cell's text on one line and its Markdown (lines joined by `<br>`, pipes escaped).
fn cell_text(
    tree: &Arena,
    cell: NodeId,
    markdown: bool,
    images: &mut Vec<Image>,
    image: &mut dyn FnMut(NodeId) -> Option<Image>,
) -> (String, String) {
    let mut b = Inline::new(markdown);
    let mut walk = tree.traverse(cell);
    while let Some(edge) = walk.next() {
        match edge {
            Edge::Open(n) => match tree.kind(n) {
                NodeKind::Text => b.push_text(tree.text(n)),
                NodeKind::Element => {
                    let Some(tag) = tree.tag(n) else { continue };
                    if math::is_rendered_copy(tree, n) {
                        walk.skip_children(n);
                    } else if let Some(f) = math::formula(tree, n, tag) {
                        b.push_raw(&f.tex, &format!("${}$", f.tex));
                        walk.skip_children(n);
                    } else if tag == Tag::IMG {
                        if let Some(img) = image(n) {
                            b.image(img);
                        }
                    } else if dom::is_non_content(tree, n) {
                        walk.skip_children(n);
                    } else if tag == Tag::BR || (n != cell && dom::is_block(tree, n)) {
                        b.line_break();
                    } else {
                        b.open(tag);
                    }
                }
                _ => walk.skip_children(n),
            },
            Edge::Close(n) => {
                if let Some(tag) = tree.tag(n) {
                    b.close(tag);
                }
            }
        }
    }
    let (text, md, imgs) = b.take();
    images.extend(imgs);
    let text = lines(&text).join(" ");
    let md = lines(&md).join("<br>").replace('|', "\\|");
    (text, md)
}
