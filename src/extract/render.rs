//! Render the chosen article nodes to text blocks: one block per paragraph, heading, list
//! item, quote or table row; `<br>` becomes a line break inside a block. Each block keeps
//! the facts the cleaner needs (link share, tag, whether it is a heading). In: the document
//! and the article roots. Out: `Vec<Block>`; no filtering here (see `crate::clean`).

use crate::html::dom;
use crate::html::text;
use crate::model::Block;
use ego_tree::iter::Edge;
use ego_tree::{NodeId, NodeRef};
use scraper::{Html, Node};

struct Renderer {
    blocks: Vec<Block>,
    buf: String,
    link_chars: usize,
    links: usize,
    tags: Vec<String>,
}

/// Render the roots (in order) into blocks.
pub fn render(html: &Html, roots: &[NodeId]) -> Vec<Block> {
    let mut r = Renderer {
        blocks: Vec::new(),
        buf: String::new(),
        link_chars: 0,
        links: 0,
        tags: vec!["div".to_string()],
    };
    for id in roots {
        if let Some(node) = html.tree.get(*id) {
            r.walk(node);
            r.flush();
        }
    }
    r.blocks
}

impl Renderer {
    /// Render one subtree. Iterative: pages nest thousands of elements deep.
    fn walk(&mut self, root: NodeRef<'_, Node>) {
        // The subtree being skipped, and the outermost link (its text is link text).
        let mut skipping: Option<NodeId> = None;
        let mut link: Option<NodeId> = None;
        for edge in root.traverse() {
            match edge {
                Edge::Open(n) if skipping.is_none() => match n.value() {
                    Node::Text(t) => {
                        let before = self.buf.len();
                        self.buf.push_str(t);
                        if link.is_some() {
                            self.link_chars += text::collapse_ws(&self.buf[before..]).chars().count();
                        }
                    }
                    Node::Element(e) => {
                        let name = e.name();
                        if dom::is_non_content_name(&e.name.local) || name == "img" {
                            skipping = Some(n.id());
                            continue;
                        }
                        if name == "br" {
                            self.buf.push('\n');
                            skipping = Some(n.id());
                            continue;
                        }
                        if dom::is_block_name(&e.name.local) {
                            self.flush();
                            self.tags.push(name.to_string());
                        }
                        let is_link = name == "a"
                            && e.attr("href")
                                .is_some_and(|h| !h.trim_start().starts_with("javascript:"));
                        if is_link && link.is_none() {
                            self.links += 1;
                            link = Some(n.id());
                        }
                    }
                    _ => skipping = Some(n.id()),
                },
                Edge::Close(n) => {
                    if skipping == Some(n.id()) {
                        skipping = None;
                        continue;
                    }
                    if skipping.is_some() {
                        continue;
                    }
                    if let Some(e) = n.value().as_element() {
                        let name = e.name();
                        if dom::is_block_name(&e.name.local) {
                            self.flush();
                            self.tags.pop();
                        } else if matches!(name, "td" | "th") {
                            self.buf.push(' ');
                        }
                    }
                    if link == Some(n.id()) {
                        link = None;
                    }
                }
                Edge::Open(_) => {}
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
            tag: self.tags.last().cloned().unwrap_or_default(),
            links: self.links,
            text,
        });
        self.buf.clear();
        self.link_chars = 0;
        self.links = 0;
    }
}
