//! DOM helpers over `scraper`'s tree: tag names, class/id strings, collapsed text, link
//! density. Read-only; the stages that remove nodes do so through [`detach_all`].

use crate::text;
use ego_tree::iter::Edge;
use ego_tree::{NodeId, NodeRef};
use scraper::{Html, Node};

/// Elements that start and end a text block when rendered.
pub const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "li",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
    "caption",
    "body",
    "html",
    "noscript",
];

/// Elements that never hold article text.
pub const NON_CONTENT_TAGS: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed", "canvas",
    "button", "input", "select", "textarea", "option", "link", "meta", "head", "video", "audio", "source",
    "track", "map", "dialog", "label",
];

/// Tag name of an element node, or `None` for text/comments.
pub fn tag<'a>(node: &NodeRef<'a, Node>) -> Option<&'a str> {
    node.value().as_element().map(|e| e.name())
}

/// True if the node is an element with one of these names.
pub fn is_tag(node: &NodeRef<'_, Node>, names: &[&str]) -> bool {
    tag(node).is_some_and(|t| names.contains(&t))
}

/// True for block-level elements.
pub fn is_block(node: &NodeRef<'_, Node>) -> bool {
    is_tag(node, BLOCK_TAGS)
}

/// Lowercased `class` and `id` attribute values joined by a space.
pub fn class_id(node: &NodeRef<'_, Node>) -> String {
    match node.value().as_element() {
        Some(e) => {
            let mut s = String::new();
            if let Some(c) = e.attr("class") {
                s.push_str(c);
            }
            if let Some(i) = e.attr("id") {
                s.push(' ');
                s.push_str(i);
            }
            s.to_lowercase()
        }
        None => String::new(),
    }
}

/// An attribute of an element node.
pub fn attr<'a>(node: &NodeRef<'a, Node>, name: &str) -> Option<&'a str> {
    node.value().as_element().and_then(|e| e.attr(name))
}

/// Text statistics of a subtree.
#[derive(Debug, Default, Clone, Copy)]
pub struct TextStats {
    /// Characters of text (whitespace runs count as one).
    pub chars: usize,
    /// Characters of text inside `<a>` elements.
    pub link_chars: usize,
    /// Commas in the text (Readability's signal of prose).
    pub commas: usize,
    /// Of `link_chars`, those inside in-page links (`href="#..."`).
    pub hash_link_chars: usize,
}

impl TextStats {
    /// Share of the text that is link text.
    pub fn link_density(&self) -> f64 {
        if self.chars == 0 {
            0.0
        } else {
            (self.link_chars as f64 - 0.0 * self.hash_link_chars as f64) / self.chars as f64
        }
    }
}

/// Text statistics of a node's subtree, skipping non-content elements.
pub fn text_stats(node: NodeRef<'_, Node>) -> TextStats {
    let mut st = TextStats::default();
    let mut last_space = true;
    // An iterative walk (pages nest thousands deep): the subtree being skipped, and the
    // outermost link with its kind (1: in-page `#` link, 2: other link).
    let mut skipping: Option<NodeId> = None;
    let mut link: Option<(NodeId, u8)> = None;
    for edge in node.traverse() {
        match edge {
            Edge::Open(n) if skipping.is_none() => match n.value() {
                Node::Text(t) => {
                    let in_link = link.map_or(0, |l| l.1);
                    for c in t.chars() {
                        if text::is_space(c) {
                            if !last_space {
                                last_space = true;
                                count_char(&mut st, in_link);
                            }
                        } else {
                            last_space = false;
                            count_char(&mut st, in_link);
                            if c == ',' || c == '،' || c == '，' {
                                st.commas += 1;
                            }
                        }
                    }
                }
                Node::Element(e) => {
                    let name = e.name();
                    if NON_CONTENT_TAGS.contains(&name) {
                        skipping = Some(n.id());
                    } else if link.is_none()
                        && name == "a"
                        && !e
                            .attr("href")
                            .is_some_and(|h| h.trim_start().starts_with("javascript:"))
                    {
                        let hash = e.attr("href").is_some_and(|h| h.trim_start().starts_with('#'));
                        link = Some((n.id(), if hash { 1 } else { 2 }));
                    }
                }
                // Documents and fragments are not content nodes: nothing under them counts.
                _ => skipping = Some(n.id()),
            },
            Edge::Close(n) => {
                if skipping == Some(n.id()) {
                    skipping = None;
                } else if link.is_some_and(|l| l.0 == n.id()) {
                    link = None;
                }
            }
            Edge::Open(_) => {}
        }
    }
    st
}

fn count_char(st: &mut TextStats, in_link: u8) {
    st.chars += 1;
    if in_link > 0 {
        st.link_chars += 1;
    }
    if in_link == 1 {
        st.hash_link_chars += 1;
    }
}

/// [`inner_text`] of a subtree whose collapsed text is at most `limit` characters, else
/// `None`. Stops reading as soon as the limit is passed, so asking it of a page-sized
/// container costs no more than the limit.
pub fn short_inner_text(node: NodeRef<'_, Node>, limit: usize) -> Option<String> {
    let mut count = 0usize;
    let mut in_space = true;
    // A lazy walk (never a list of a node's children: a container may have 40,000), skipping
    // the insides of non-content elements.
    let mut skipping: Option<NodeId> = None;
    for edge in node.traverse() {
        match edge {
            Edge::Open(n) if skipping.is_none() => match n.value() {
                Node::Text(t) => {
                    for c in t.chars() {
                        let space = c.is_whitespace();
                        if !(space && in_space) {
                            count += 1;
                            if count > limit + 1 {
                                return None;
                            }
                        }
                        in_space = space;
                    }
                }
                Node::Element(e) if NON_CONTENT_TAGS.contains(&e.name()) => skipping = Some(n.id()),
                _ => {}
            },
            Edge::Close(n) if skipping == Some(n.id()) => skipping = None,
            _ => {}
        }
    }
    let text = inner_text(node);
    (text.chars().count() <= limit).then_some(text)
}

/// The heading elements.
pub const HEADING_TAGS: &[&str] = &["h1", "h2", "h3", "h4", "h5", "h6"];

/// Collapsed text of a subtree (no block structure), skipping non-content elements.
pub fn inner_text(node: NodeRef<'_, Node>) -> String {
    let mut raw = String::new();
    let mut skipping: Option<NodeId> = None;
    for edge in node.traverse() {
        match edge {
            Edge::Open(n) if skipping.is_none() => match n.value() {
                Node::Text(t) => raw.push_str(t),
                Node::Element(e) => {
                    let name = e.name();
                    if NON_CONTENT_TAGS.contains(&name) {
                        skipping = Some(n.id());
                    } else if is_spaced(name) {
                        raw.push(' ');
                    }
                }
                _ => skipping = Some(n.id()),
            },
            Edge::Close(n) => {
                if skipping == Some(n.id()) {
                    skipping = None;
                } else if skipping.is_none() && tag(&n).is_some_and(is_spaced) {
                    raw.push(' ');
                }
            }
            Edge::Open(_) => {}
        }
    }
    text::collapse_ws(&raw)
}

/// Elements whose text is set apart by spaces in [`inner_text`].
fn is_spaced(name: &str) -> bool {
    BLOCK_TAGS.contains(&name) || name == "br"
}

/// Detach every listed node from the tree (ids already gone are ignored).
pub fn detach_all(html: &mut Html, ids: &[NodeId]) {
    for id in ids {
        if let Some(mut n) = html.tree.get_mut(*id) {
            n.detach();
        }
    }
}

/// Count descendant elements with one of the given names.
pub fn count_tags(node: NodeRef<'_, Node>, names: &[&str]) -> usize {
    node.descendants().skip(1).filter(|d| is_tag(d, names)).count()
}

/// True if `node` has `ancestor` among its ancestors (or is it).
pub fn is_within(node: NodeRef<'_, Node>, ancestor: NodeId) -> bool {
    node.id() == ancestor || node.ancestors().any(|a| a.id() == ancestor)
}
