//! DOM helpers over our arena ([`Arena`]): tag sets, class/id strings, collapsed text, text
//! statistics and link density. Read-only; the stages that remove nodes do so through
//! [`detach_all`]. Tags compare as integer ids ([`TagSet`]), by name only (any namespace,
//! as html5ever's local names did: SVG's `<a>` is an `a`).

use crate::html::arena::{Arena, AttrName, Edge, NodeId, NodeKind, Tag, TagSet};
use crate::html::text;

/// Elements that start and end a text block when rendered.
pub const BLOCK: TagSet = TagSet::of(&[
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
]);

/// Elements that never hold article text.
/// Not `math`: MathML's token elements hold the formula's text, which is article text. Ruby
/// readings (`rt`, and the `rp` parentheses around them) annotate the text; they are not it.
pub const NON_CONTENT: TagSet = TagSet::of(&[
    "script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "canvas", "button",
    "input", "select", "textarea", "option", "link", "meta", "head", "video", "audio", "source", "track",
    "map", "dialog", "label", "rt", "rp",
]);

/// The heading elements.
pub const HEADINGS: TagSet = TagSet::of(&["h1", "h2", "h3", "h4", "h5", "h6"]);

/// Elements whose text is set apart by spaces in [`inner_text`].
const SPACED: TagSet = BLOCK.with(Tag::BR);

/// True for block-level elements.
pub fn is_block(tree: &Arena, id: NodeId) -> bool {
    tree.tag_in(id, BLOCK)
}

/// True for elements that never hold article text.
pub fn is_non_content(tree: &Arena, id: NodeId) -> bool {
    tree.tag_in(id, NON_CONTENT)
}

/// Lowercased `class` and `id` attribute values joined by a space ("" for other nodes).
pub fn class_id(tree: &Arena, id: NodeId) -> String {
    if !tree.is_element(id) {
        return String::new();
    }
    let mut s = String::new();
    if let Some(c) = tree.attr_by_id(id, AttrName::CLASS) {
        s.push_str(c);
    }
    if let Some(i) = tree.attr_by_id(id, AttrName::ID) {
        s.push(' ');
        s.push_str(i);
    }
    s.to_lowercase()
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
pub fn text_stats(tree: &Arena, id: NodeId) -> TextStats {
    summarize(tree, id, |_, _| {}).st
}

/// What a subtree's text looks like from outside: its [`text_stats`] (read alone), and
/// what changes when it follows other text or sits inside a link.
#[derive(Debug, Default, Clone, Copy)]
struct Summary {
    /// [`text_stats`] of the subtree.
    st: TextStats,
    /// Set once computed (an entry of a [`StatsTable`]).
    known: bool,
    /// It has text (even only whitespace).
    has_text: bool,
    /// Its text starts with whitespace (counted as one character after non-space text).
    lead_space: bool,
    /// The link kind around its first character, read alone (0 none, 1 `#`, 2 other).
    lead_kind: u8,
    /// Its text ends with whitespace.
    trail_space: bool,
}

/// The summary of an element's or document's subtree under construction.
struct Acc {
    id: NodeId,
    /// Its link kind when it is a link (0 otherwise): all its text is link text.
    kind: u8,
    /// A non-content element or a non-element node: its text does not count.
    skip: bool,
    sum: Summary,
    /// Whether the text so far ends in whitespace (starts true, as `text_stats` does).
    last_space: bool,
}

impl Acc {
    fn add(&mut self, child: &Summary) {
        if self.skip || !child.has_text {
            return;
        }
        let extra = usize::from(!self.last_space && child.lead_space);
        let chars = child.st.chars + extra;
        let st = &mut self.sum.st;
        st.chars += chars;
        st.commas += child.st.commas;
        if self.kind != 0 {
            st.link_chars += chars;
            if self.kind == 1 {
                st.hash_link_chars += chars;
            }
        } else {
            let lead_link = extra == 1 && child.lead_kind != 0;
            st.link_chars += child.st.link_chars + usize::from(lead_link);
            st.hash_link_chars += child.st.hash_link_chars + usize::from(lead_link && child.lead_kind == 1);
        }
        if !self.sum.has_text {
            self.sum.has_text = true;
            self.sum.lead_space = child.lead_space;
            self.sum.lead_kind = if self.kind != 0 {
                self.kind
            } else {
                child.lead_kind
            };
        }
        self.last_space = child.trail_space;
        self.sum.trail_space = child.trail_space;
    }

    fn finish(self) -> Summary {
        if self.skip {
            Summary {
                known: true,
                ..Summary::default()
            }
        } else {
            Summary {
                known: true,
                ..self.sum
            }
        }
    }
}

/// The summary of one text node, from the facts its arena keeps.
fn text_summary(tree: &Arena, id: NodeId) -> Summary {
    let f = tree.text_facts(id);
    Summary {
        st: TextStats {
            chars: f.chars as usize,
            commas: f.commas as usize,
            ..TextStats::default()
        },
        known: true,
        has_text: f.has_text(),
        lead_space: f.lead_space(),
        lead_kind: 0,
        trail_space: f.trail_space(),
    }
}

/// The link kind an element gives its text when it is the outermost link: 1 for an
/// in-page `#` link, 2 for another link, 0 when it is no link (`javascript:` included).
fn link_kind(tree: &Arena, id: NodeId) -> u8 {
    if !tree.tag_is(id, Tag::A) {
        return 0;
    }
    match tree.attr_by_id(id, AttrName::HREF).map(str::trim_start) {
        Some(h) if h.starts_with("javascript:") => 0,
        Some(h) if h.starts_with('#') => 1,
        _ => 2,
    }
}

/// The summary of a subtree, by one walk (pages nest thousands deep) that also hands
/// `visit` the summary of every node it completes. The insides of non-content elements
/// are not walked (their text never counts); documents and fragments count nothing, but
/// their children are summarized.
fn summarize(tree: &Arena, root: NodeId, mut visit: impl FnMut(NodeId, &Summary)) -> Summary {
    let mut stack: Vec<Acc> = Vec::new();
    let mut last = Summary::default();
    let mut walk = tree.traverse(root);
    while let Some(edge) = walk.next() {
        match edge {
            Edge::Open(n) => match tree.kind(n) {
                NodeKind::Text => {
                    let sum = text_summary(tree, n);
                    if let Some(top) = stack.last_mut() {
                        top.add(&sum);
                    }
                    visit(n, &sum);
                    last = sum;
                }
                NodeKind::Element => {
                    let skip = is_non_content(tree, n);
                    if skip {
                        walk.skip_children(n);
                    }
                    stack.push(Acc {
                        id: n,
                        kind: link_kind(tree, n),
                        skip,
                        sum: Summary::default(),
                        last_space: true,
                    });
                }
                _ => stack.push(Acc {
                    id: n,
                    kind: 0,
                    skip: true,
                    sum: Summary::default(),
                    last_space: true,
                }),
            },
            Edge::Close(n) => {
                if stack.last().is_some_and(|a| a.id == n) {
                    if let Some(acc) = stack.pop() {
                        let sum = acc.finish();
                        if let Some(top) = stack.last_mut() {
                            top.add(&sum);
                        }
                        visit(n, &sum);
                        last = sum;
                    }
                }
            }
        }
    }
    last
}

/// [`text_stats`] of every node of a tree at once, computed in one bottom-up walk, for the
/// stages that ask it of many nested nodes (each ask would walk the subtree again). It
/// borrows the tree, so the tree cannot change while the table is in use. A node the
/// walk did not reach (outside the subtrees it was built for) is computed on demand.
pub struct StatsTable<'a> {
    tree: &'a Arena,
    entries: Vec<Summary>,
}

impl<'a> StatsTable<'a> {
    /// The table of the whole document.
    pub fn build(tree: &'a Arena) -> StatsTable<'a> {
        Self::build_under(tree, &[NodeId::ROOT])
    }

    /// The table of the subtrees under these nodes.
    pub fn build_under(tree: &'a Arena, roots: &[NodeId]) -> StatsTable<'a> {
        let mut entries = vec![Summary::default(); tree.len()];
        for root in roots {
            summarize(tree, *root, |id, sum| {
                if let Some(e) = entries.get_mut(id.index()) {
                    *e = *sum;
                }
            });
        }
        StatsTable { tree, entries }
    }

    /// [`text_stats`] of a node of the tree.
    pub fn get(&self, id: NodeId) -> TextStats {
        match self.entries.get(id.index()) {
            Some(s) if s.known => s.st,
            _ => text_stats(self.tree, id),
        }
    }
}

/// [`inner_text`] of a subtree whose collapsed text is at most `limit` characters, else
/// `None`. Stops reading as soon as the limit is passed, so asking it of a page-sized
/// container costs no more than the limit.
pub fn short_inner_text(tree: &Arena, id: NodeId, limit: usize) -> Option<String> {
    let mut count = 0usize;
    let mut in_space = true;
    // A lazy walk (never a list of a node's children: a container may have 40,000), skipping
    // the insides of non-content elements.
    let mut walk = tree.traverse(id);
    while let Some(edge) = walk.next() {
        let Edge::Open(n) = edge else { continue };
        match tree.kind(n) {
            NodeKind::Text => {
                for c in tree.text(n).chars() {
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
            NodeKind::Element if is_non_content(tree, n) => walk.skip_children(n),
            _ => {}
        }
    }
    let text = inner_text(tree, id);
    (text.chars().count() <= limit).then_some(text)
}

/// Collapsed text of a subtree (no block structure), skipping non-content elements.
pub fn inner_text(tree: &Arena, id: NodeId) -> String {
    let mut raw = String::new();
    let mut walk = tree.traverse(id);
    while let Some(edge) = walk.next() {
        match edge {
            Edge::Open(n) => match tree.kind(n) {
                NodeKind::Text => raw.push_str(tree.text(n)),
                NodeKind::Element => {
                    if is_non_content(tree, n) {
                        walk.skip_children(n);
                    } else if tree.tag_in(n, SPACED) {
                        raw.push(' ');
                    }
                }
                _ => walk.skip_children(n),
            },
            Edge::Close(n) => {
                if tree.tag_in(n, SPACED) && !is_non_content(tree, n) {
                    raw.push(' ');
                }
            }
        }
    }
    text::collapse_ws(&raw)
}

/// Detach every listed node from the tree.
pub fn detach_all(tree: &mut Arena, ids: &[NodeId]) {
    for id in ids {
        tree.detach(*id);
    }
}

/// Count descendant elements (the node itself excluded) whose tag is in `set`.
pub fn count_tags(tree: &Arena, id: NodeId, set: TagSet) -> usize {
    tree.descendants(id)
        .skip(1)
        .filter(|d| tree.tag_in(*d, set))
        .count()
}

/// Count descendant elements (the node itself excluded) with this tag.
pub fn count_tag(tree: &Arena, id: NodeId, tag: Tag) -> usize {
    tree.descendants(id)
        .skip(1)
        .filter(|d| tree.tag_is(*d, tag))
        .count()
}

/// True if `id` is `ancestor` or has it among its ancestors.
pub fn is_within(tree: &Arena, id: NodeId, ancestor: NodeId) -> bool {
    id == ancestor || tree.ancestors(id).any(|a| a == ancestor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::html::engine::parse_document;
    use crate::Limits;

    fn parse(page: &str) -> Arena {
        parse_document(page, &Limits::default()).expect("parses")
    }

    /// The table gives what `text_stats` gives, for every node of every fixture page, of
    /// some made-up markup, and after nodes are detached (a new table).
    #[test]
    fn stats_table_equals_text_stats() {
        let mut pages: Vec<String> = vec![
            "<p>a <a href='#x'> b</a>,c<a href='/y'>d <a href='/z'>e </a></a> <span> </span>f</p>".into(),
            "<div> <a href='javascript:void(0)'> x <a href='#'> y</a></a><script>var a, b;</script> z</div>".into(),
            "<a href=' #t'>  <b> lead</b> </a><p>x<a href='/u'> <i> </i>u</a></p><template><p>t, u</p></template>".into(),
        ];
        pages.extend(crate::fixture_pages());
        let same = |a: TextStats, b: TextStats| {
            (a.chars, a.link_chars, a.commas, a.hash_link_chars)
                == (b.chars, b.link_chars, b.commas, b.hash_link_chars)
        };
        for page in &pages {
            let mut tree = parse(page);
            {
                let table = StatsTable::build(&tree);
                for n in tree.nodes() {
                    assert!(
                        same(table.get(n), text_stats(&tree, n)),
                        "{:?} in {}",
                        tree.kind(n),
                        &page[..page.len().min(80)]
                    );
                }
            }
            let cut: Vec<NodeId> = tree.nodes().filter(|n| tree.tag_is(*n, Tag::SPAN)).collect();
            detach_all(&mut tree, &cut);
            let table = StatsTable::build(&tree);
            for n in tree.nodes() {
                assert!(same(table.get(n), text_stats(&tree, n)));
            }
        }
    }

    #[test]
    fn tag_sets_hold_their_names() {
        for (set, names) in [
            (BLOCK, &["div", "p", "noscript", "html", "caption"][..]),
            (NON_CONTENT, &["script", "label", "svg", "template"][..]),
            (HEADINGS, &["h1", "h6"][..]),
        ] {
            for n in names {
                assert!(Tag::known(n).is_some_and(|t| set.contains(t)), "{n}");
            }
        }
        for n in ["a", "span", "img", "b", "search"] {
            let t = Tag::known(n).expect("known");
            assert!(!BLOCK.contains(t) && !NON_CONTENT.contains(t), "{n}");
        }
        assert!(SPACED.contains(Tag::BR) && SPACED.contains(Tag::DIV));
        let mut tree = Arena::new(NodeKind::Document);
        let custom = tree.intern_tag("x-div").expect("room");
        assert!(!BLOCK.contains(custom));
    }

    #[test]
    fn inner_text_spaces_blocks_and_skips_non_content() {
        let tree = parse("<div>a<p>b</p>c<br>d<script>x</script><!-- y --><span>e</span></div>");
        let body = tree.nodes().find(|n| tree.tag_is(*n, Tag::BODY)).expect("body");
        assert_eq!(inner_text(&tree, body), "a b c de");
        assert_eq!(short_inner_text(&tree, body, 8).as_deref(), Some("a b c de"));
        assert_eq!(short_inner_text(&tree, body, 3), None);
    }
}
