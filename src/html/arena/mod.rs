//! Our DOM: one page's nodes in an arena, addressed by `u32` [`NodeId`]s.
//!
//! Built by [`crate::html::engine`] from lexbor's tree (or by hand); read by the passes after
//! the parse. Every node is a fixed-size record with parent / first child / last child /
//! previous / next links; element names are [`Tag`] ids (the known names of [`tags`] or a
//! name interned for this document), attribute names [`AttrName`] ids (a few known ones or
//! interned); text, comments, doctype names and attribute values live in one `String`,
//! addressed by ranges. Filling the arena costs no allocation per node: the vectors grow,
//! and an interned name costs one allocation per distinct name in the document.
//!
//! Node kinds are those an HTML parse makes: the document (the root, [`NodeId::ROOT`]),
//! doctype, element, text, comment, and fragment. A `<template>`'s contents sit under a
//! fragment node that is the template's first child, as html5ever/scraper build it
//! (`template > #fragment > contents`); walks that must skip template contents skip that
//! fragment. A fragment parse's root is a fragment too, with an `<html>` element under it
//! holding the parsed nodes (again as scraper does).
//!
//! Structure can change: [`Arena::detach`] unlinks a node (it stays in the arena, with its
//! subtree, until re-inserted), [`Arena::append`] / [`Arena::insert_before`] /
//! [`Arena::insert_after`] move a node (and its subtree), and new text or elements can be
//! created. Attributes and text are not edited in place.
//!
//! [`css`] implements `selectors::Element` for [`ElementRef`], so CSS selectors match as
//! they do on scraper's tree.

pub mod css;
mod edit;
pub mod index;
pub mod tags;
pub mod texts;
mod walk;

use rustc_hash::FxHashMap;
use std::fmt;

pub use css::{Selector, SelectorError};
pub use index::ElementIndex;
pub use tags::{TagSet, KNOWN_TAGS};
pub use walk::{Ancestors, Descendants, Edge, PrevSiblings, Siblings, Traverse};

/// The id of a node in its [`Arena`] (its index).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct NodeId(u32);

impl NodeId {
    /// The document (or fragment) node every arena starts with.
    pub const ROOT: NodeId = NodeId(0);

    /// The index of the node in the arena.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// "No node" in the links of [`Node`].
const NIL: u32 = u32::MAX;

/// An element name: below [`KNOWN_TAGS`] one of [`tags`]' names, above it a name interned
/// in one document (compare such ids only within their arena).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Tag(pub(crate) u32);

impl Tag {
    /// The known tag of this exact name (case-sensitive: `clipPath` and `clippath` differ).
    pub fn known(name: &str) -> Option<Tag> {
        tags::TAG_NAMES
            .binary_search_by(|n| n.as_bytes().cmp(name.as_bytes()))
            .ok()
            .map(|i| Tag(i as u32))
    }

    /// True for the names of [`tags`] (the same id in every document).
    pub fn is_known(self) -> bool {
        self.0 < KNOWN_TAGS
    }

    /// The id as a number (known tags: their index in [`tags`]).
    pub fn id(self) -> u32 {
        self.0
    }
}

/// Attribute names with ids fixed at compile time (the ones the passes look up), sorted by
/// bytes. Others are interned per document.
const KNOWN_ATTRS: [&str; KNOWN_ATTR_COUNT as usize] = [
    "alt",
    "aria-hidden",
    "aria-label",
    "charset",
    "class",
    "content",
    "data-src",
    "datetime",
    "dir",
    "height",
    "hidden",
    "href",
    "http-equiv",
    "id",
    "itemprop",
    "itemscope",
    "itemtype",
    "lang",
    "name",
    "property",
    "pubdate",
    "rel",
    "role",
    "src",
    "srcset",
    "style",
    "target",
    "title",
    "type",
    "value",
    "width",
    "xml:lang",
    "xmlns",
];

/// Number of attribute names with fixed ids.
const KNOWN_ATTR_COUNT: u32 = 33;

/// An attribute's (local) name: below `KNOWN_ATTR_COUNT` a fixed name, else a name
/// interned in one document.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct AttrName(pub(crate) u32);

#[allow(missing_docs)]
impl AttrName {
    pub const ALT: AttrName = AttrName(0);
    pub const ARIA_HIDDEN: AttrName = AttrName(1);
    pub const ARIA_LABEL: AttrName = AttrName(2);
    pub const CHARSET: AttrName = AttrName(3);
    pub const CLASS: AttrName = AttrName(4);
    pub const CONTENT: AttrName = AttrName(5);
    pub const DATA_SRC: AttrName = AttrName(6);
    pub const DATETIME: AttrName = AttrName(7);
    pub const DIR: AttrName = AttrName(8);
    pub const HEIGHT: AttrName = AttrName(9);
    pub const HIDDEN: AttrName = AttrName(10);
    pub const HREF: AttrName = AttrName(11);
    pub const HTTP_EQUIV: AttrName = AttrName(12);
    pub const ID: AttrName = AttrName(13);
    pub const ITEMPROP: AttrName = AttrName(14);
    pub const ITEMSCOPE: AttrName = AttrName(15);
    pub const ITEMTYPE: AttrName = AttrName(16);
    pub const LANG: AttrName = AttrName(17);
    pub const NAME: AttrName = AttrName(18);
    pub const PROPERTY: AttrName = AttrName(19);
    pub const PUBDATE: AttrName = AttrName(20);
    pub const REL: AttrName = AttrName(21);
    pub const ROLE: AttrName = AttrName(22);
    pub const SRC: AttrName = AttrName(23);
    pub const SRCSET: AttrName = AttrName(24);
    pub const STYLE: AttrName = AttrName(25);
    pub const TARGET: AttrName = AttrName(26);
    pub const TITLE: AttrName = AttrName(27);
    pub const TYPE: AttrName = AttrName(28);
    pub const VALUE: AttrName = AttrName(29);
    pub const WIDTH: AttrName = AttrName(30);
    pub const XML_LANG: AttrName = AttrName(31);
    pub const XMLNS: AttrName = AttrName(32);

    /// The fixed id of this exact name, if it has one.
    pub fn known(name: &str) -> Option<AttrName> {
        KNOWN_ATTRS
            .binary_search_by(|n| n.as_bytes().cmp(name.as_bytes()))
            .ok()
            .map(|i| AttrName(i as u32))
    }
}

/// The namespace of an element or attribute.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
#[repr(u8)]
pub enum Namespace {
    /// No namespace: ordinary attributes (and non-element nodes).
    #[default]
    None,
    /// `http://www.w3.org/1999/xhtml`
    Html,
    /// `http://www.w3.org/2000/svg`
    Svg,
    /// `http://www.w3.org/1998/Math/MathML`
    MathMl,
    /// `http://www.w3.org/1999/xlink` (`xlink:href` inside SVG)
    XLink,
    /// `http://www.w3.org/XML/1998/namespace` (`xml:lang` inside SVG)
    Xml,
    /// `http://www.w3.org/2000/xmlns/` (`xmlns`, `xmlns:xlink` inside SVG)
    XmlNs,
}

impl Namespace {
    /// The namespace URL (empty for [`Namespace::None`]).
    pub fn url(self) -> &'static str {
        match self {
            Namespace::None => "",
            Namespace::Html => "http://www.w3.org/1999/xhtml",
            Namespace::Svg => "http://www.w3.org/2000/svg",
            Namespace::MathMl => "http://www.w3.org/1998/Math/MathML",
            Namespace::XLink => "http://www.w3.org/1999/xlink",
            Namespace::Xml => "http://www.w3.org/XML/1998/namespace",
            Namespace::XmlNs => "http://www.w3.org/2000/xmlns/",
        }
    }

    /// The prefix the HTML parser gives an attribute of this namespace (`xlink`, `xml`,
    /// `xmlns`), if any. (`xmlns` itself has the namespace but no prefix.)
    pub fn attr_prefix(self) -> Option<&'static str> {
        match self {
            Namespace::XLink => Some("xlink"),
            Namespace::Xml => Some("xml"),
            Namespace::XmlNs => Some("xmlns"),
            _ => None,
        }
    }
}

/// What a node is.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[repr(u8)]
pub enum NodeKind {
    /// The root of a parsed document.
    Document,
    /// A template's contents, or the root of a fragment parse.
    Fragment,
    /// `<!DOCTYPE name>` (its text is the name).
    Doctype,
    /// An element (tag, namespace, attributes).
    Element,
    /// Text.
    Text,
    /// A comment (its text is the comment).
    Comment,
}

/// One node: links, kind and payload. Elements: `a..a+b` is its range in `attrs`; text,
/// comments and doctypes: `a..a+b` is its byte range in `text`.
#[derive(Clone, Copy, Debug)]
struct Node {
    parent: u32,
    first_child: u32,
    last_child: u32,
    prev: u32,
    next: u32,
    tag: Tag,
    a: u32,
    b: u32,
    kind: NodeKind,
    ns: Namespace,
}

/// One attribute: name, namespace, value range in `text`.
#[derive(Clone, Copy, Debug)]
struct Attr {
    name: AttrName,
    start: u32,
    len: u32,
    ns: Namespace,
}

/// A byte range of the text buffer, or the reason it cannot be stored.
fn span(start: usize, len: usize) -> Result<(u32, u32), ArenaFull> {
    match (u32::try_from(start), u32::try_from(len)) {
        (Ok(s), Ok(l)) if s.checked_add(l).is_some() => Ok((s, l)),
        _ => Err(ArenaFull),
    }
}

/// The arena ran out of `u32` ids or text offsets (over 4 GiB of text or 4 G nodes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the DOM arena is full (4 GiB of text or 4 G nodes)")]
pub struct ArenaFull;

/// Why a node could not be moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MoveError {
    /// The root cannot be moved or detached.
    #[error("the root node cannot be moved")]
    Root,
    /// A node cannot go inside itself or its own subtree.
    #[error("a node cannot be moved into its own subtree")]
    IntoItself,
    /// Only elements, fragments and the root have children.
    #[error("only elements, fragments and the document have children")]
    NotAParent,
    /// The reference sibling is detached (has no parent).
    #[error("the reference node has no parent")]
    NoParent,
}

/// Interned names (element names outside [`tags`], attribute names outside the fixed ones).
#[derive(Default, Clone)]
struct Names {
    buf: String,
    spans: Vec<(u32, u32)>,
    map: FxHashMap<Box<str>, u32>,
}

impl Names {
    fn intern(&mut self, name: &str) -> Result<u32, ArenaFull> {
        if let Some(&i) = self.map.get(name) {
            return Ok(i);
        }
        let i = u32::try_from(self.spans.len()).map_err(|_| ArenaFull)?;
        let s = span(self.buf.len(), name.len())?;
        self.buf.push_str(name);
        self.spans.push(s);
        self.map.insert(name.into(), i);
        Ok(i)
    }

    fn get(&self, name: &str) -> Option<u32> {
        self.map.get(name).copied()
    }

    fn name(&self, i: u32) -> &str {
        self.spans
            .get(i as usize)
            .and_then(|&(s, l)| self.buf.get(s as usize..(s + l) as usize))
            .unwrap_or("")
    }
}

/// One page's DOM (see the module comment).
#[derive(Clone)]
pub struct Arena {
    nodes: Vec<Node>,
    attrs: Vec<Attr>,
    text: String,
    names: Names,
    /// The element keys, read on first use ([`Arena::index`]).
    index: std::cell::OnceCell<ElementIndex>,
    /// Text node statistics, read on first use ([`Arena::text_facts`]).
    texts: std::cell::RefCell<Vec<texts::TextFacts>>,
}

impl fmt::Debug for Arena {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Arena")
            .field("nodes", &self.nodes.len())
            .field("attrs", &self.attrs.len())
            .field("text_bytes", &self.text.len())
            .finish()
    }
}

/// An attribute of an element, as read from the arena.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttrRef<'a> {
    /// The name's id.
    pub id: AttrName,
    /// The local name (`href` of `xlink:href`).
    pub name: &'a str,
    /// The namespace (none for ordinary attributes).
    pub ns: Namespace,
    /// The value.
    pub value: &'a str,
}

impl Arena {
    /// An empty arena holding only a root of `kind` (document or fragment).
    pub fn new(kind: NodeKind) -> Arena {
        Arena::with_capacity(kind, 1, 0, 0)
    }

    /// An empty arena with room for `nodes` nodes, `attrs` attributes and `text` bytes.
    pub fn with_capacity(kind: NodeKind, nodes: usize, attrs: usize, text: usize) -> Arena {
        let mut arena = Arena {
            nodes: Vec::with_capacity(nodes.max(1)),
            attrs: Vec::with_capacity(attrs),
            text: String::with_capacity(text),
            names: Names::default(),
            index: std::cell::OnceCell::new(),
            texts: std::cell::RefCell::new(Vec::new()),
        };
        arena.nodes.push(Arena::blank(kind));
        arena
    }

    /// The root (document or fragment).
    pub fn root(&self) -> NodeId {
        NodeId::ROOT
    }

    /// Number of nodes, detached ones included (ids run from 0 to `len() - 1`).
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Never true: the root is always there.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Bytes of text held (text, comments, doctype names, attribute values).
    pub fn text_bytes(&self) -> usize {
        self.text.len()
    }

    fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.index()]
    }

    fn link(v: u32) -> Option<NodeId> {
        (v != NIL).then_some(NodeId(v))
    }

    /// The node with this index, if the arena has it.
    pub fn get(&self, index: usize) -> Option<NodeId> {
        (index < self.nodes.len()).then_some(NodeId(index as u32))
    }

    /// The kind of a node.
    pub fn kind(&self, id: NodeId) -> NodeKind {
        self.node(id).kind
    }

    /// True for elements.
    pub fn is_element(&self, id: NodeId) -> bool {
        self.node(id).kind == NodeKind::Element
    }

    /// The tag of an element (`None` for other nodes).
    pub fn tag(&self, id: NodeId) -> Option<Tag> {
        let n = self.node(id);
        (n.kind == NodeKind::Element).then_some(n.tag)
    }

    /// True when `id` is an HTML element with this tag.
    pub fn is(&self, id: NodeId, tag: Tag) -> bool {
        let n = self.node(id);
        n.kind == NodeKind::Element && n.tag == tag && n.ns == Namespace::Html
    }

    /// True when `id` is an element with this tag, in any namespace (SVG's `<a>` too: the
    /// name is what counts, as in html5ever's local names).
    pub fn tag_is(&self, id: NodeId, tag: Tag) -> bool {
        let n = self.node(id);
        n.kind == NodeKind::Element && n.tag == tag
    }

    /// True when `id` is an element whose tag is in `set`, in any namespace.
    pub fn tag_in(&self, id: NodeId, set: TagSet) -> bool {
        let n = self.node(id);
        n.kind == NodeKind::Element && set.contains(n.tag)
    }

    /// The namespace of an element ([`Namespace::None`] for other nodes).
    pub fn ns(&self, id: NodeId) -> Namespace {
        self.node(id).ns
    }

    /// The name of a tag (known or interned in this arena).
    pub fn tag_name(&self, tag: Tag) -> &str {
        if tag.is_known() {
            tags::TAG_NAMES[tag.0 as usize]
        } else {
            self.names.name(tag.0 - KNOWN_TAGS)
        }
    }

    /// The local name of an element (`div`, `clipPath`, `my-widget`); "" for other nodes.
    pub fn name(&self, id: NodeId) -> &str {
        match self.tag(id) {
            Some(t) => self.tag_name(t),
            None => "",
        }
    }

    /// The tag this document uses for `name` (known, or interned here), if any.
    pub fn tag_named(&self, name: &str) -> Option<Tag> {
        Tag::known(name).or_else(|| self.names.get(name).map(|i| Tag(i + KNOWN_TAGS)))
    }

    /// The name of an attribute id.
    pub fn attr_name(&self, name: AttrName) -> &str {
        if name.0 < KNOWN_ATTR_COUNT {
            KNOWN_ATTRS[name.0 as usize]
        } else {
            self.names.name(name.0 - KNOWN_ATTR_COUNT)
        }
    }

    /// The attribute id this document uses for `name`, if any element could have it.
    pub fn attr_named(&self, name: &str) -> Option<AttrName> {
        AttrName::known(name).or_else(|| self.names.get(name).map(|i| AttrName(i + KNOWN_ATTR_COUNT)))
    }

    /// The parent of a node (`None` for the root and detached nodes).
    pub fn parent(&self, id: NodeId) -> Option<NodeId> {
        Self::link(self.node(id).parent)
    }

    /// The first child.
    pub fn first_child(&self, id: NodeId) -> Option<NodeId> {
        Self::link(self.node(id).first_child)
    }

    /// The last child.
    pub fn last_child(&self, id: NodeId) -> Option<NodeId> {
        Self::link(self.node(id).last_child)
    }

    /// The previous sibling.
    pub fn prev_sibling(&self, id: NodeId) -> Option<NodeId> {
        Self::link(self.node(id).prev)
    }

    /// The next sibling.
    pub fn next_sibling(&self, id: NodeId) -> Option<NodeId> {
        Self::link(self.node(id).next)
    }

    /// True when the node has children.
    pub fn has_children(&self, id: NodeId) -> bool {
        self.node(id).first_child != NIL
    }

    /// The text of a text or comment node, or a doctype's name; "" for other nodes.
    pub fn text(&self, id: NodeId) -> &str {
        let n = self.node(id);
        match n.kind {
            NodeKind::Text | NodeKind::Comment | NodeKind::Doctype => self.slice(n.a, n.b),
            _ => "",
        }
    }

    fn slice(&self, start: u32, len: u32) -> &str {
        self.text
            .get(start as usize..start as usize + len as usize)
            .unwrap_or("")
    }

    /// The attributes of an element, in source order (none for other nodes).
    pub fn attrs(&self, id: NodeId) -> impl ExactSizeIterator<Item = AttrRef<'_>> + '_ {
        self.attr_records(id).iter().map(move |a| AttrRef {
            id: a.name,
            name: self.attr_name(a.name),
            ns: a.ns,
            value: self.slice(a.start, a.len),
        })
    }

    fn attr_records(&self, id: NodeId) -> &[Attr] {
        let n = self.node(id);
        if n.kind != NodeKind::Element {
            return &[];
        }
        self.attrs
            .get(n.a as usize..n.a as usize + n.b as usize)
            .unwrap_or(&[])
    }

    /// The value of the attribute without namespace named `name`.
    pub fn attr(&self, id: NodeId, name: &str) -> Option<&str> {
        self.attr_by_id(id, self.attr_named(name)?)
    }

    /// The value of the attribute without namespace with this name id.
    pub fn attr_by_id(&self, id: NodeId, name: AttrName) -> Option<&str> {
        self.attr_records(id)
            .iter()
            .find(|a| a.name == name && a.ns == Namespace::None)
            .map(|a| self.slice(a.start, a.len))
    }

    /// The element keys of the page ([`index`]), read on the first call. Nodes made after
    /// that call are not in it (see [`ElementIndex::len`]).
    pub fn index(&self) -> &ElementIndex {
        self.index.get_or_init(|| ElementIndex::build(self))
    }

    /// The element's classes (its `class` attribute split on ASCII whitespace).
    pub fn classes(&self, id: NodeId) -> impl Iterator<Item = &str> + '_ {
        self.attr_by_id(id, AttrName::CLASS)
            .unwrap_or("")
            .split_ascii_whitespace()
    }
}

/// An element of an arena: what CSS selectors match ([`css`]).
#[derive(Clone, Copy)]
pub struct ElementRef<'a> {
    arena: &'a Arena,
    id: NodeId,
}

impl fmt::Debug for ElementRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} #{}>", self.arena.name(self.id), self.id.0)
    }
}

impl<'a> ElementRef<'a> {
    /// The element's node id.
    pub fn id(&self) -> NodeId {
        self.id
    }

    /// The arena it lives in.
    pub fn arena(&self) -> &'a Arena {
        self.arena
    }
}

#[cfg(test)]
mod tests;
