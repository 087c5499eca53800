//! The pre-check keys of CSS selectors ([`crate::html::select`]): a [`Key`] is one simple
//! part of a compound (an id, a class, an attribute and the value it compares, a tag name
//! or an attribute name) that every element the compound matches must have. [`Keys`]
//! groups the keys of several selectors: the elements that may hold one are looked up in
//! the page's [`ElementIndex`](crate::html::arena::ElementIndex), and tested one by one.
//! [`Marks`] are the elements holding a key, for the ancestor a descendant selector needs
//! (`.byline a`: only the links under a `byline` element). Keys are necessary conditions
//! only: the full match decides.

use crate::html::arena::{Arena, AttrName, Namespace, NodeId};

/// A necessary condition for an element to match one selector of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Key {
    /// `#name`.
    Id(String),
    /// `.name`.
    Class(String),
    /// `[name…]`, lowercased.
    Attr(String),
    /// `[name=value]` (or `~=`, `|=`, `^=`, `$=`, `*=`): the attribute's value contains
    /// `value` (lowercased; compared without ASCII case).
    AttrValue(String, String),
    /// `name`, lowercased.
    Tag(String),
}

/// The keys of a selector list, grouped by kind for one pass over an element's attributes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Keys {
    ids: Vec<String>,
    classes: Vec<String>,
    attrs: Vec<String>,
    attr_values: Vec<(String, String)>,
    tags: Vec<String>,
}

impl Keys {
    /// The keys of some selectors, or `None` when one of them has none.
    pub(crate) fn of<'k>(keys: impl Iterator<Item = &'k Option<Key>>) -> Option<Keys> {
        let mut k = Keys::default();
        for key in keys {
            match key.clone()? {
                Key::Id(v) => k.ids.push(v),
                Key::Class(v) => k.classes.push(v),
                Key::Attr(v) => k.attrs.push(v),
                Key::AttrValue(n, v) => k.attr_values.push((n, v)),
                Key::Tag(v) => k.tags.push(v),
            }
        }
        Some(k)
    }

    /// The ids of the elements that may hold one of the keys, in arena order: those the
    /// page's index lists under a key, and the nodes made after the index.
    pub(crate) fn candidates(&self, tree: &Arena) -> Vec<u32> {
        let ix = tree.index();
        let mut out = Vec::new();
        for t in &self.tags {
            ix.push_tag(tree, t, &mut out);
        }
        // A `class` value test looks the value up in the page's class text; other names
        // give every element with the attribute, once per name.
        let mut names: Vec<&str> = Vec::new();
        for (n, v) in &self.attr_values {
            if n == "class" {
                ix.push_class_containing(v, &mut out);
            } else if !names.contains(&n.as_str()) {
                names.push(n);
            }
        }
        for a in &self.attrs {
            if !names.contains(&a.as_str()) {
                names.push(a);
            }
        }
        for a in names {
            ix.push_attr(tree, a, &mut out);
        }
        for c in &self.classes {
            ix.push_class(c, &mut out);
        }
        for i in &self.ids {
            ix.push_id(i, &mut out);
        }
        out.sort_unstable();
        out.dedup();
        out.extend(ix.len() as u32..tree.len() as u32);
        out
    }

    /// Does the element have one of the keys? Ids and classes compare as written, as the
    /// selector matches them (no-quirks mode); attribute values without ASCII case, a
    /// looser test than a case-sensitive selector's (which can only let more elements
    /// through to the full match). Outside the HTML namespace (SVG keeps `clipPath` as
    /// written) tag and attribute names compare without case too.
    pub(crate) fn any_holds(&self, tree: &Arena, id: NodeId) -> bool {
        let html = tree.ns(id) == Namespace::Html;
        let same = |a: &str, b: &str| a == b || (!html && a.eq_ignore_ascii_case(b));
        let name = tree.name(id);
        if self.tags.iter().any(|t| same(name, t)) {
            return true;
        }
        if self.ids.is_empty()
            && self.classes.is_empty()
            && self.attrs.is_empty()
            && self.attr_values.is_empty()
        {
            return false;
        }
        tree.attrs(id).any(|a| {
            let (n, value) = (a.name, a.value);
            (!self.attrs.is_empty() && self.attrs.iter().any(|k| same(n, k)))
                || self
                    .attr_values
                    .iter()
                    .any(|(k, v)| same(n, k) && contains_ignore_ascii_case(value, v))
                || (a.id == AttrName::CLASS
                    && !self.classes.is_empty()
                    && value
                        .split_ascii_whitespace()
                        .any(|t| self.classes.iter().any(|c| t == c)))
                || (a.id == AttrName::ID && self.ids.iter().any(|i| value == i))
        })
    }
}

/// The elements that hold one of some keys, a bit per node: the ancestors that a
/// descendant or child selector needs.
pub(crate) struct Marks(Vec<u64>);

/// Bits in a word of [`Marks`].
const WORD_BITS: usize = 64;

impl Marks {
    /// The elements of the tree that hold one of `keys` (nodes made after the page's index
    /// are tested too).
    pub(crate) fn of(tree: &Arena, keys: &Keys) -> Marks {
        let mut bits = vec![0u64; tree.len().div_ceil(WORD_BITS)];
        let mut cands = keys.candidates(tree);
        cands.retain(|i| tree.get(*i as usize).is_some_and(|n| keys.any_holds(tree, n)));
        for i in cands {
            if let Some(w) = bits.get_mut(i as usize / WORD_BITS) {
                *w |= 1 << (i as usize % WORD_BITS);
            }
        }
        Marks(bits)
    }

    fn has(&self, id: NodeId) -> bool {
        let i = id.index();
        self.0
            .get(i / WORD_BITS)
            .is_some_and(|w| w & (1 << (i % WORD_BITS)) != 0)
    }

    /// True when one of the node's ancestors is marked.
    pub(crate) fn above(&self, tree: &Arena, id: NodeId) -> bool {
        tree.ancestors(id).any(|a| self.has(a))
    }
}

/// Does `hay` contain `needle` (lowercase), ignoring ASCII case? Linear in `hay` for the
/// long values a hostile page may carry (a lowercased copy searched with memmem).
pub(crate) fn contains_ignore_ascii_case(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    if n.is_empty() {
        return true;
    }
    if h.len() <= 256 {
        return h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n));
    }
    memchr::memmem::find(&h.to_ascii_lowercase(), n).is_some()
}
