//! Render the chosen article nodes to text blocks: one block per paragraph, heading, list
//! item, quote, code block, data table or display formula; `<br>` becomes a line break
//! inside a block. Each block keeps the facts the cleaner needs (link share, tag, whether it
//! is a heading), what it is ([`BlockKind`], list place, quote depth), its images, and, when
//! Markdown is asked for, its inline Markdown. In: the document and the article roots. Out:
//! `Vec<Block>`; no filtering here (see `crate::clean`). [`markdown::to_markdown`] renders
//! the blocks the cleaner kept.

mod code;
pub mod html;
mod inline;
pub mod markdown;
mod math;
mod table;

use crate::html::arena::{Arena, AttrName, Edge, NodeId, NodeKind, Tag};
use crate::html::dom;
use crate::html::text;
use crate::model::{Block, BlockKind, Image, ListItem};
use inline::{escape_line_start, lines, Inline};
use rustc_hash::FxHashSet;
use url::Url;

/// What the renderer is asked for.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions<'a> {
    /// Build each block's inline Markdown.
    pub markdown: bool,
    /// The page URL, for absolute image URLs.
    pub base: Option<&'a Url>,
}

/// An image declared smaller than this on a side is an icon, emoji or tracking pixel.
const MIN_IMAGE_PX: u32 = 50;

/// Image URLs with these in them are spacers or tracking pixels.
const PIXEL_MARKERS: &[&str] = &["pixel", "spacer", "blank.gif", "1x1", "/emoji/"];

/// Image classes of emoji and icons.
const ICON_CLASSES: &[&str] = &["emoji", "wp-smiley", "icon"];

/// Attributes that hold an image's URL, best first (lazy loaders keep the real one aside).
const IMAGE_SRC: &[&str] = &["data-src", "data-lazy-src", "data-original", "src"];

/// An open list.
struct List {
    ordered: bool,
    /// Number of the next item.
    next: u32,
    /// Number of the open item.
    item: Option<u32>,
    /// The open item has not had its first block yet.
    first: bool,
}

struct Renderer<'a> {
    tree: &'a Arena,
    opts: RenderOptions<'a>,
    blocks: Vec<Block>,
    line: Inline,
    link_chars: usize,
    links: usize,
    /// The open block elements (the innermost names a block).
    tags: Vec<Tag>,
    lists: Vec<List>,
    quote: u8,
    /// Index of the first block of each open `<figure>`.
    figures: Vec<usize>,
    seen_images: FxHashSet<String>,
}

/// Render the roots (in order) into blocks.
pub fn render(tree: &Arena, roots: &[NodeId], opts: RenderOptions<'_>) -> Vec<Block> {
    let mut r = Renderer {
        tree,
        opts,
        blocks: Vec::new(),
        line: Inline::new(opts.markdown),
        link_chars: 0,
        links: 0,
        tags: vec![Tag::DIV],
        lists: Vec::new(),
        quote: 0,
        figures: Vec::new(),
        seen_images: FxHashSet::default(),
    };
    for id in roots {
        r.walk(*id);
        r.flush();
    }
    r.blocks
}

/// The images of the blocks, in order.
pub fn images(blocks: &[Block]) -> Vec<Image> {
    blocks.iter().flat_map(|b| b.images.iter().cloned()).collect()
}

impl Renderer<'_> {
    /// Render one subtree (a walk that follows the links: pages nest thousands deep).
    fn walk(&mut self, root: NodeId) {
        let tree = self.tree;
        // The node whose children are skipped (its close comes next), and the outermost
        // link (its text is link text).
        let mut skipped: Option<NodeId> = None;
        let mut link: Option<NodeId> = None;
        let mut walk = tree.traverse(root);
        while let Some(edge) = walk.next() {
            match edge {
                Edge::Open(n) => match tree.kind(n) {
                    NodeKind::Text => {
                        let before = self.line.text.len();
                        self.line.push_text(tree.text(n));
                        if link.is_some() {
                            self.link_chars += text::collapse_ws(&self.line.text[before..]).chars().count();
                        }
                    }
                    NodeKind::Element => {
                        let Some(tag) = tree.tag(n) else { continue };
                        if self.special(n, tag) {
                            skipped = Some(n);
                            walk.skip_children(n);
                            continue;
                        }
                        if dom::BLOCK.contains(tag) {
                            self.flush();
                            self.open_block(n, tag);
                        } else {
                            self.line.open(tag);
                        }
                        let is_link = tag == Tag::A
                            && tree
                                .attr_by_id(n, AttrName::HREF)
                                .is_some_and(|h| !h.trim_start().starts_with("javascript:"));
                        if is_link && link.is_none() {
                            self.links += 1;
                            link = Some(n);
                            if let Some(url) = self.link_url(n) {
                                self.line.open_link(url);
                            }
                        }
                    }
                    _ => {
                        skipped = Some(n);
                        walk.skip_children(n);
                    }
                },
                Edge::Close(n) => {
                    if skipped == Some(n) {
                        skipped = None;
                        continue;
                    }
                    if let Some(tag) = tree.tag(n) {
                        if dom::BLOCK.contains(tag) {
                            self.flush();
                            self.close_block(tag);
                        } else {
                            self.line.close(tag);
                        }
                    }
                    if link == Some(n) {
                        link = None;
                        self.line.close_link();
                    }
                }
            }
        }
    }

    /// Elements rendered whole (or skipped whole) here; true when done with `n`.
    fn special(&mut self, n: NodeId, tag: Tag) -> bool {
        let tree = self.tree;
        match tag {
            Tag::BR => self.line.line_break(),
            Tag::IMG => {
                if let Some(img) = self.image(n) {
                    self.line.image(img);
                }
            }
            Tag::PRE => {
                let text = code::code_text(tree, n);
                let lang = code::language(tree, n);
                self.flush();
                self.push(text, String::new(), BlockKind::Code { lang }, "pre", Vec::new());
            }
            Tag::TABLE => {
                let markdown = self.opts.markdown;
                let Some(t) = table::render(tree, n, markdown, &mut |img| self.image(img)) else {
                    return false;
                };
                self.flush();
                self.push(
                    t.text,
                    String::new(),
                    BlockKind::Table(t.table),
                    "table",
                    t.images,
                );
            }
            _ if math::is_rendered_copy(tree, n) || code::is_gutter(tree, n) => {}
            _ => match math::formula(tree, n, tag) {
                Some(f) if f.display => {
                    self.flush();
                    // The Markdown block is written from `md`: the TeX.
                    let md = if self.opts.markdown { f.tex } else { String::new() };
                    self.push(f.text, md, BlockKind::Math, "math", Vec::new());
                }
                Some(f) => self.line.push_raw(&f.text, &format!("${}$", f.tex)),
                None => return dom::is_non_content(tree, n),
            },
        }
        true
    }

    fn open_block(&mut self, n: NodeId, tag: Tag) {
        self.tags.push(tag);
        match tag {
            Tag::UL | Tag::OL => {
                let start = tree_start(self.tree, n, tag);
                self.lists.push(List {
                    ordered: tag == Tag::OL,
                    next: start,
                    item: None,
                    first: false,
                });
            }
            Tag::LI => {
                if let Some(l) = self.lists.last_mut() {
                    let value = self
                        .tree
                        .attr_by_id(n, AttrName::VALUE)
                        .and_then(|v| v.trim().parse().ok());
                    let number = value.unwrap_or(l.next);
                    l.next = number.saturating_add(1);
                    l.item = Some(number);
                    l.first = true;
                }
            }
            Tag::BLOCKQUOTE => self.quote = self.quote.saturating_add(1),
            Tag::FIGURE => self.figures.push(self.blocks.len()),
            _ => {}
        }
    }

    fn close_block(&mut self, tag: Tag) {
        self.tags.pop();
        match tag {
            Tag::UL | Tag::OL => {
                self.lists.pop();
            }
            Tag::LI => {
                if let Some(l) = self.lists.last_mut() {
                    l.item = None;
                }
            }
            Tag::BLOCKQUOTE => self.quote = self.quote.saturating_sub(1),
            Tag::FIGURE => {
                let len = self.blocks.len();
                let start = self.figures.pop().unwrap_or(len).min(len);
                let figure = &mut self.blocks[start..];
                let caption = figure
                    .iter()
                    .find(|b| b.kind == BlockKind::Caption)
                    .map(|b| b.text.clone());
                for img in figure.iter_mut().flat_map(|b| b.images.iter_mut()) {
                    if img.caption.is_none() {
                        img.caption.clone_from(&caption);
                    }
                }
            }
            _ => {}
        }
    }

    /// A link's absolute http(s) URL (`None` for same-page anchors and other schemes).
    fn link_url(&self, n: NodeId) -> Option<String> {
        if !self.opts.markdown {
            return None;
        }
        let raw = self.tree.attr_by_id(n, AttrName::HREF)?.trim();
        if raw.starts_with('#') {
            return None;
        }
        self.web_url(raw)
    }

    /// `raw` made absolute against the page URL, if it is an http(s) URL then, without its
    /// tracking and session query pairs ([`crate::url_params`]).
    fn web_url(&self, raw: &str) -> Option<String> {
        let url = match self.opts.base {
            Some(base) => base.join(raw).ok()?,
            None => Url::parse(raw).ok()?,
        };
        matches!(url.scheme(), "http" | "https").then(|| crate::url_params::without_noise(url).to_string())
    }

    /// An image's record, unless it is a pixel, an icon, a repeat or has no usable URL.
    fn image(&mut self, n: NodeId) -> Option<Image> {
        let tree = self.tree;
        let small = [AttrName::WIDTH, AttrName::HEIGHT].iter().any(|a| {
            tree.attr_by_id(n, *a)
                .and_then(|v| v.trim().trim_end_matches("px").parse::<u32>().ok())
                .is_some_and(|px| px < MIN_IMAGE_PX)
        });
        if small || tree.classes(n).any(|c| ICON_CLASSES.contains(&c)) {
            return None;
        }
        let raw = IMAGE_SRC
            .iter()
            .filter_map(|a| tree.attr(n, a))
            .map(str::trim)
            .find(|s| !s.is_empty() && !s.starts_with("data:"))
            .or_else(|| {
                let srcset = tree.attr_by_id(n, AttrName::SRCSET)?;
                srcset
                    .split_ascii_whitespace()
                    .next()
                    .filter(|s| !s.starts_with("data:"))
            })?;
        let url = self.web_url(raw)?;
        let lower = url.to_ascii_lowercase();
        if PIXEL_MARKERS.iter().any(|m| lower.contains(m)) || !self.seen_images.insert(url.clone()) {
            return None;
        }
        let alt = tree
            .attr_by_id(n, AttrName::ALT)
            .map(text::collapse_ws)
            .filter(|a| !a.is_empty());
        Some(Image {
            url,
            alt,
            caption: None,
        })
    }

    /// End the current block of text.
    fn flush(&mut self) {
        let (buf, md, images) = self.line.take();
        let (link_chars, links) = (self.link_chars, self.links);
        self.link_chars = 0;
        self.links = 0;
        if buf.trim().is_empty() && images.is_empty() {
            return;
        }
        let text = lines(&buf).join("\n");
        let md = if self.opts.markdown {
            lines(&md)
                .iter()
                .map(|l| escape_line_start(l))
                .collect::<Vec<_>>()
                .join("\n")
        } else {
            String::new()
        };
        let tag = self.tags.last().copied().unwrap_or(Tag::DIV);
        let kind = match self.tree.tag_name(tag).as_bytes() {
            [b'h', l @ b'1'..=b'6'] => BlockKind::Heading(l - b'0'),
            b"figcaption" => BlockKind::Caption,
            _ => BlockKind::Paragraph,
        };
        let name = self.tree.tag_name(tag).to_string();
        let chars = text.chars().count();
        self.push(text, md, kind, &name, images);
        if let Some(b) = self.blocks.last_mut() {
            b.link_chars = link_chars.min(chars);
            b.links = links;
        }
    }

    fn push(&mut self, text: String, md: String, kind: BlockKind, tag: &str, images: Vec<Image>) {
        let depth = self.lists.len().saturating_sub(1);
        let list = self.lists.last_mut().and_then(|l| {
            let number = l.item?;
            let first = std::mem::take(&mut l.first);
            Some(ListItem {
                depth: u8::try_from(depth).unwrap_or(u8::MAX),
                ordered: l.ordered,
                number,
                first,
            })
        });
        self.blocks.push(Block {
            chars: text.chars().count(),
            text,
            tag: tag.to_string(),
            kind,
            list,
            quote: self.quote,
            md,
            images,
            ..Block::default()
        });
    }
}

/// The first number of a list (`<ol start>`, else 1).
fn tree_start(tree: &Arena, n: NodeId, tag: Tag) -> u32 {
    if tag != Tag::OL {
        return 1;
    }
    tree.attr(n, "start")
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(1)
}
