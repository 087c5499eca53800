//! Render the chosen article nodes to text blocks: one block per paragraph, heading, list
//! item, quote or table row; `<br>` becomes a line break inside a block. Each block keeps
//! the facts the cleaner needs (link share, tag, whether it is a heading). In: the document
//! and the article roots. Out: `Vec<Block>`; no filtering here (see `crate::clean`).

use crate::html::arena::{Arena, AttrName, Edge, NodeId, NodeKind, Tag};
use crate::html::dom;
use crate::html::text;
use crate::model::Block;

struct Renderer<'a> {
    tree: &'a Arena,
    blocks: Vec<Block>,
    buf: String,
    link_chars: usize,
    links: usize,
    /// The open block elements (the innermost names a block).
    tags: Vec<Tag>,
}

/// Render the roots (in order) into blocks.
pub fn render(tree: &Arena, roots: &[NodeId]) -> Vec<Block> {
    let mut r = Renderer {
        tree,
        blocks: Vec::new(),
        buf: String::new(),
        link_chars: 0,
        links: 0,
        tags: vec![Tag::DIV],
    };
    for id in roots {
        r.walk(*id);
        r.flush();
    }
    r.blocks
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
                        let before = self.buf.len();
                        self.buf.push_str(tree.text(n));
                        if link.is_some() {
                            self.link_chars += text::collapse_ws(&self.buf[before..]).chars().count();
                        }
                    }
                    NodeKind::Element => {
                        let Some(tag) = tree.tag(n) else { continue };
                        if dom::is_non_content(tree, n) || tag == Tag::IMG {
                            skipped = Some(n);
                            walk.skip_children(n);
                            continue;
                        }
                        if tag == Tag::BR {
                            self.buf.push('\n');
                            skipped = Some(n);
                            walk.skip_children(n);
                            continue;
                        }
                        if dom::BLOCK.contains(tag) {
                            self.flush();
                            self.tags.push(tag);
                        }
                        let is_link = tag == Tag::A
                            && tree
                                .attr_by_id(n, AttrName::HREF)
                                .is_some_and(|h| !h.trim_start().starts_with("javascript:"));
                        if is_link && link.is_none() {
                            self.links += 1;
                            link = Some(n);
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
                            self.tags.pop();
                        } else if tag == Tag::TD || tag == Tag::TH {
                            self.buf.push(' ');
                        }
                    }
                    if link == Some(n) {
                        link = None;
                    }
                }
            }
        }
    }

    fn flush(&mut self) {
        if self.buf.trim().is_empty() {
            self.buf.clear();
            self.link_chars = 0;
            self.links = 0;
            return;
        }
        let lines: Vec<String> = self
            .buf
            .split('\n')
            .map(text::collapse_ws)
            .filter(|l| !l.is_empty())
            .collect();
        let text = lines.join("\n");
        let chars = text.chars().count();
        self.blocks.push(Block {
            chars,
            link_chars: self.link_chars.min(chars),
            tag: self
                .tags
                .last()
                .map(|t| self.tree.tag_name(*t).to_string())
                .unwrap_or_default(),
            links: self.links,
            text,
        });
        self.buf.clear();
        self.link_chars = 0;
        self.links = 0;
    }
}
