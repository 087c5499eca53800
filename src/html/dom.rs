//! DOM helpers over `scraper`'s tree: tag names, class/id strings, collapsed text, link
//! density. Read-only; the stages that remove nodes do so through [`detach_all`].

use crate::html::text;
use ego_tree::iter::Edge;
use ego_tree::{NodeId, NodeRef};
use html5ever::{local_name, LocalName};
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

/// True when `name` is one of [`BLOCK_TAGS`]: interned names compare as integers, so this
/// is the check for the walks that visit every node.
pub fn is_block_name(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("address")
            | local_name!("article")
            | local_name!("aside")
            | local_name!("blockquote")
            | local_name!("center")
            | local_name!("dd")
            | local_name!("details")
            | local_name!("dialog")
            | local_name!("div")
            | local_name!("dl")
            | local_name!("dt")
            | local_name!("fieldset")
            | local_name!("figcaption")
            | local_name!("figure")
            | local_name!("footer")
            | local_name!("form")
            | local_name!("h1")
            | local_name!("h2")
            | local_name!("h3")
            | local_name!("h4")
            | local_name!("h5")
            | local_name!("h6")
            | local_name!("header")
            | local_name!("hgroup")
            | local_name!("hr")
            | local_name!("li")
            | local_name!("main")
            | local_name!("menu")
            | local_name!("nav")
            | local_name!("ol")
            | local_name!("p")
            | local_name!("pre")
            | local_name!("section")
            | local_name!("summary")
            | local_name!("table")
            | local_name!("tbody")
            | local_name!("td")
            | local_name!("tfoot")
            | local_name!("th")
            | local_name!("thead")
            | local_name!("tr")
            | local_name!("ul")
            | local_name!("caption")
            | local_name!("body")
            | local_name!("html")
            | local_name!("noscript")
    )
}

/// True when `name` is one of [`NON_CONTENT_TAGS`] (as [`is_block_name`]).
pub fn is_non_content_name(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("script")
            | local_name!("style")
            | local_name!("noscript")
            | local_name!("template")
            | local_name!("svg")
            | local_name!("math")
            | local_name!("iframe")
            | local_name!("object")
            | local_name!("embed")
            | local_name!("canvas")
            | local_name!("button")
            | local_name!("input")
            | local_name!("select")
            | local_name!("textarea")
            | local_name!("option")
            | local_name!("link")
            | local_name!("meta")
            | local_name!("head")
            | local_name!("video")
            | local_name!("audio")
            | local_name!("source")
            | local_name!("track")
            | local_name!("map")
            | local_name!("dialog")
            | local_name!("label")
    )
}

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
    node.value()
        .as_element()
        .is_some_and(|e| is_block_name(&e.name.local))
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
    summarize(node, |_, _| {}).st
}

/// The position of a node in its tree's arena (`Tree::nodes` order, from 1). ego-tree keeps
/// it private; its derived `Hash` writes exactly this number, which a capturing hasher reads.
fn node_index(id: NodeId) -> usize {
    struct Capture(usize);
    impl std::hash::Hasher for Capture {
        fn finish(&self) -> u64 {
            self.0 as u64
        }
        fn write(&mut self, bytes: &[u8]) {
            for b in bytes {
                self.0 = self.0.wrapping_mul(257).wrapping_add(*b as usize);
            }
        }
        fn write_usize(&mut self, n: usize) {
            self.0 = n;
        }
    }
    let mut h = Capture(0);
    std::hash::Hash::hash(&id, &mut h);
    h.0
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

/// The summary of one text node.
fn text_summary(t: &str) -> Summary {
    let mut st = TextStats::default();
    let mut last_space = true;
    for c in t.chars() {
        if text::is_space(c) {
            if !last_space {
                last_space = true;
                st.chars += 1;
            }
        } else {
            last_space = false;
            st.chars += 1;
            if c == ',' || c == '،' || c == '，' {
                st.commas += 1;
            }
        }
    }
    let first = t.chars().next();
    Summary {
        st,
        known: true,
        has_text: first.is_some(),
        lead_space: first.is_some_and(text::is_space),
        lead_kind: 0,
        trail_space: t.chars().next_back().is_some_and(text::is_space),
    }
}

/// The link kind an element gives its text when it is the outermost link: 1 for an
/// in-page `#` link, 2 for another link, 0 when it is no link (`javascript:` included).
fn link_kind(e: &scraper::node::Element) -> u8 {
    if e.name.local != local_name!("a") {
        return 0;
    }
    match e.attr("href").map(str::trim_start) {
        Some(h) if h.starts_with("javascript:") => 0,
        Some(h) if h.starts_with('#') => 1,
        _ => 2,
    }
}

/// The summary of a subtree, by one iterative walk (pages nest thousands deep) that also
/// hands `visit` the summary of every node it completes. The insides of non-content
/// elements are not walked (their text never counts); documents and fragments count
/// nothing, but their children are summarized.
fn summarize(root: NodeRef<'_, Node>, mut visit: impl FnMut(NodeId, &Summary)) -> Summary {
    let mut stack: Vec<Acc> = Vec::new();
    let mut last = Summary::default();
    let mut skipping: Option<NodeId> = None;
    for edge in root.traverse() {
        match edge {
            Edge::Open(_) if skipping.is_some() => {}
            Edge::Open(n) => match n.value() {
                Node::Text(t) => {
                    let sum = text_summary(t);
                    if let Some(top) = stack.last_mut() {
                        top.add(&sum);
                    }
                    visit(n.id(), &sum);
                    last = sum;
                }
                Node::Element(e) => {
                    let skip = is_non_content_name(&e.name.local);
                    if skip {
                        skipping = Some(n.id());
                    }
                    stack.push(Acc {
                        id: n.id(),
                        kind: link_kind(e),
                        skip,
                        sum: Summary::default(),
                        last_space: true,
                    });
                }
                _ => stack.push(Acc {
                    id: n.id(),
                    kind: 0,
                    skip: true,
                    sum: Summary::default(),
                    last_space: true,
                }),
            },
            Edge::Close(n) => {
                if skipping.is_some_and(|s| s != n.id()) {
                    continue;
                }
                skipping = None;
                if stack.last().is_some_and(|a| a.id == n.id()) {
                    if let Some(acc) = stack.pop() {
                        let sum = acc.finish();
                        if let Some(top) = stack.last_mut() {
                            top.add(&sum);
                        }
                        visit(n.id(), &sum);
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
    entries: Vec<Summary>,
    _tree: std::marker::PhantomData<&'a Html>,
}

impl<'a> StatsTable<'a> {
    /// The table of the whole document.
    pub fn build(html: &'a Html) -> StatsTable<'a> {
        Self::build_under(html, &[html.tree.root().id()])
    }

    /// The table of the subtrees under these nodes.
    pub fn build_under(html: &'a Html, roots: &[NodeId]) -> StatsTable<'a> {
        let mut entries = vec![Summary::default(); html.tree.nodes().len() + 1];
        for root in roots.iter().filter_map(|r| html.tree.get(*r)) {
            summarize(root, |id, sum| {
                if let Some(e) = entries.get_mut(node_index(id)) {
                    *e = *sum;
                }
            });
        }
        StatsTable {
            entries,
            _tree: std::marker::PhantomData,
        }
    }

    /// [`text_stats`] of a node of the tree.
    pub fn get(&self, node: NodeRef<'_, Node>) -> TextStats {
        match self.entries.get(node_index(node.id())) {
            Some(s) if s.known => s.st,
            _ => text_stats(node),
        }
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
                Node::Element(e) if is_non_content_name(&e.name.local) => skipping = Some(n.id()),
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
                    if is_non_content_name(&e.name.local) {
                        skipping = Some(n.id());
                    } else if is_spaced(&e.name.local) {
                        raw.push(' ');
                    }
                }
                _ => skipping = Some(n.id()),
            },
            Edge::Close(n) => {
                if skipping == Some(n.id()) {
                    skipping = None;
                } else if skipping.is_none()
                    && n.value().as_element().is_some_and(|e| is_spaced(&e.name.local))
                {
                    raw.push(' ');
                }
            }
            Edge::Open(_) => {}
        }
    }
    text::collapse_ws(&raw)
}

/// Elements whose text is set apart by spaces in [`inner_text`].
fn is_spaced(name: &LocalName) -> bool {
    is_block_name(name) || *name == local_name!("br")
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

#[cfg(test)]
mod tests {
    use super::*;

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
            let mut html = Html::parse_document(page);
            {
                let table = StatsTable::build(&html);
                for n in html.tree.nodes() {
                    assert!(
                        same(table.get(n), text_stats(n)),
                        "{:?} in {}",
                        n.value(),
                        &page[..page.len().min(80)]
                    );
                }
            }
            let cut: Vec<NodeId> = html
                .tree
                .nodes()
                .filter(|n| tag(n) == Some("span"))
                .map(|n| n.id())
                .collect();
            detach_all(&mut html, &cut);
            let table = StatsTable::build(&html);
            for n in html.tree.nodes() {
                assert!(same(table.get(n), text_stats(n)));
            }
        }
    }

    #[test]
    fn node_index_is_the_arena_position() {
        let html = Html::parse_document("<p>a<b>b</b></p><!-- c --><div>d</div>");
        for (i, n) in html.tree.nodes().enumerate() {
            assert_eq!(node_index(n.id()), i + 1);
        }
    }

    #[test]
    fn interned_tag_sets_are_the_lists() {
        for n in BLOCK_TAGS {
            assert!(is_block_name(&LocalName::from(*n)), "{n}");
        }
        for n in NON_CONTENT_TAGS {
            assert!(is_non_content_name(&LocalName::from(*n)), "{n}");
        }
        for n in ["a", "span", "img", "br", "b", "x-custom", "search"] {
            let name = LocalName::from(n);
            assert_eq!(is_block_name(&name), BLOCK_TAGS.contains(&n), "{n}");
            assert_eq!(is_non_content_name(&name), NON_CONTENT_TAGS.contains(&n), "{n}");
        }
    }
}
