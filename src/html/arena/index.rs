//! The element keys of one page, read once: which elements have a tag, an attribute name, a
//! class token or an id, and every element's class tokens as hashes. Built on first use by
//! [`Arena::index`] (a selection or a class test), it turns a selector walk over every
//! element into a look-up of the few elements that have the selector's key, and a class
//! test into integer compares instead of splitting the `class` attribute again.
//!
//! Keys are hashes (FNV-1a, as the selectors' names carry): a collision only lets an extra
//! element through to the full test, which decides. Element-local facts do not change when
//! nodes are detached or moved; nodes made after the build (ids from [`ElementIndex::len`]
//! on) are not in the index, and callers treat them as candidates.

use super::{Arena, AttrName, Namespace, NodeId, NodeKind};
use rustc_hash::FxHashMap;

/// The kind of a key, in its top byte (the low bytes are a tag or attribute id, or a hash).
const TAG: u64 = 1 << 56;
/// A foreign (SVG, MathML) element name with ASCII capitals, lowercased and hashed.
const TAG_LOWER: u64 = 2 << 56;
/// An attribute name id.
const ATTR: u64 = 3 << 56;
/// A foreign element's attribute name with ASCII capitals, lowercased and hashed.
const ATTR_LOWER: u64 = 4 << 56;
/// A class token, hashed.
const CLASS: u64 = 5 << 56;
/// An `id` value, hashed.
const ID: u64 = 6 << 56;

/// The kind bits of a key.
const KIND_MASK: u64 = 0xff << 56;
/// Marks an attribute name id among the tag ids while the index is built.
const ATTR_BIT: u32 = 1 << 31;

/// FNV-1a (32 bits) of some bytes: the hash [`super::css`] gives selector names.
pub(crate) fn name_hash(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    })
}

/// [`name_hash`] of the ASCII-lowercased bytes.
fn lower_hash(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(b.to_ascii_lowercase())).wrapping_mul(0x0100_0193)
    })
}

/// The index of one arena (see the module comment).
#[derive(Clone, Debug, Default)]
pub struct ElementIndex {
    /// Nodes indexed: ids below this.
    len: u32,
    /// Key → its range in `nodes` (class, id and lowercased-name keys).
    ranges: FxHashMap<u64, (u32, u32)>,
    /// Tag id, then attribute name id (from `tag_ids` on) → its range in `nodes`.
    id_ranges: Vec<(u32, u32)>,
    /// Tag ids below this are counted in `id_ranges`.
    tag_ids: u32,
    /// The nodes of every key, one run per key, in node order.
    nodes: Vec<u32>,
    /// Per node, its range in `class_hashes`.
    class_spans: Vec<(u32, u32)>,
    /// Class token hashes of every element, in node order.
    class_hashes: Vec<u32>,
    /// Every `class` value, ASCII-lowercased, each followed by a newline.
    class_text: String,
    /// Where each value starts in `class_text`, and its element.
    class_owners: Vec<(u32, u32)>,
}

impl ElementIndex {
    /// Read the keys of every element of the arena.
    pub(super) fn build(tree: &Arena) -> ElementIndex {
        let mut ix = ElementIndex {
            len: tree.nodes.len() as u32,
            ranges: FxHashMap::default(),
            id_ranges: Vec::new(),
            tag_ids: 0,
            nodes: Vec::new(),
            class_spans: vec![(0, 0); tree.nodes.len()],
            class_hashes: Vec::new(),
            class_text: String::new(),
            class_owners: Vec::new(),
        };
        let mut entries: Vec<(u64, u32)> = Vec::new();
        // (tag or attribute name id, node); attribute names have ATTR_BIT set.
        let mut named: Vec<(u32, u32)> = Vec::with_capacity(tree.nodes.len() * 2);
        for (i, n) in tree.nodes.iter().enumerate() {
            if n.kind != NodeKind::Element {
                continue;
            }
            let node = i as u32;
            let foreign = n.ns != Namespace::Html;
            let name = || tree.tag_name(n.tag).as_bytes();
            if foreign && name().iter().any(u8::is_ascii_uppercase) {
                entries.push((TAG_LOWER | u64::from(lower_hash(name())), node));
            } else if n.tag.0 & ATTR_BIT == 0 {
                named.push((n.tag.0, node));
            } else {
                entries.push((TAG | u64::from(n.tag.0), node));
            }
            let start = ix.class_hashes.len() as u32;
            for a in tree.attr_records(NodeId(node)) {
                let aname = || tree.attr_name(a.name).as_bytes();
                if foreign && aname().iter().any(u8::is_ascii_uppercase) {
                    entries.push((ATTR_LOWER | u64::from(lower_hash(aname())), node));
                } else if a.name.0 & ATTR_BIT == 0 {
                    named.push((a.name.0 | ATTR_BIT, node));
                } else {
                    entries.push((ATTR | u64::from(a.name.0), node));
                }
                let value = tree.slice(a.start, a.len);
                if a.name == AttrName::CLASS {
                    ix.class_owners.push((ix.class_text.len() as u32, node));
                    ix.class_text.push_str(value);
                    ix.class_text.push('\n');
                    for t in value.split_ascii_whitespace() {
                        let h = name_hash(t.as_bytes());
                        ix.class_hashes.push(h);
                        entries.push((CLASS | u64::from(h), node));
                    }
                } else if a.name == AttrName::ID {
                    entries.push((ID | u64::from(name_hash(value.as_bytes())), node));
                }
            }
            ix.class_spans[i] = (start, ix.class_hashes.len() as u32 - start);
        }
        ix.class_text.make_ascii_lowercase();
        ix.group(&entries);
        ix.group_named(&named);
        ix
    }

    /// Group the (tag or attribute name id, node) pairs by id (a counting sort).
    fn group_named(&mut self, named: &[(u32, u32)]) {
        let tags = named
            .iter()
            .filter(|e| e.0 & ATTR_BIT == 0)
            .map(|e| e.0 + 1)
            .max();
        self.tag_ids = tags.unwrap_or(0);
        let attrs = named
            .iter()
            .filter(|e| e.0 & ATTR_BIT != 0)
            .map(|e| (e.0 & !ATTR_BIT) + 1)
            .max();
        let mut ranges = vec![(0u32, 0u32); (self.tag_ids + attrs.unwrap_or(0)) as usize];
        let slot = |id: u32| {
            if id & ATTR_BIT == 0 {
                id as usize
            } else {
                (self.tag_ids + (id & !ATTR_BIT)) as usize
            }
        };
        for (id, _) in named {
            if let Some(r) = ranges.get_mut(slot(*id)) {
                r.1 += 1;
            }
        }
        let mut next = self.nodes.len() as u32;
        for r in ranges.iter_mut() {
            r.0 = next;
            next += r.1;
            r.1 = 0;
        }
        self.nodes.resize(next as usize, 0);
        for (id, node) in named {
            if let Some(r) = ranges.get_mut(slot(*id)) {
                if let Some(at) = self.nodes.get_mut((r.0 + r.1) as usize) {
                    *at = *node;
                }
                r.1 += 1;
            }
        }
        self.id_ranges = ranges;
    }

    /// Group the (key, node) pairs by key, nodes in the order met (a counting sort: one
    /// hash look-up per pair to count, one to place).
    fn group(&mut self, entries: &[(u64, u32)]) {
        for (key, _) in entries {
            self.ranges.entry(*key).or_insert((0, 0)).1 += 1;
        }
        let mut next = 0u32;
        for r in self.ranges.values_mut() {
            r.0 = next;
            next += r.1;
            r.1 = 0;
        }
        self.nodes = vec![0; entries.len()];
        for (key, node) in entries {
            if let Some(r) = self.ranges.get_mut(key) {
                if let Some(slot) = self.nodes.get_mut((r.0 + r.1) as usize) {
                    *slot = *node;
                }
                r.1 += 1;
            }
        }
    }

    /// Nodes indexed: those with smaller ids.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// True when the arena had no node (never: the root is always there).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn id_range(&self, slot: u64) -> Option<&(u32, u32)> {
        usize::try_from(slot).ok().and_then(|i| self.id_ranges.get(i))
    }

    fn push_nodes(&self, key: u64, out: &mut Vec<u32>) {
        let id = key & !KIND_MASK;
        let tags = u64::from(self.tag_ids);
        let attrs = (self.id_ranges.len() as u64).saturating_sub(tags);
        let range = match key & KIND_MASK {
            TAG if id < tags => self.id_range(id),
            ATTR if id < attrs => self.id_range(tags + id),
            _ => self.ranges.get(&key),
        };
        if let Some(&(start, len)) = range {
            out.extend_from_slice(
                self.nodes
                    .get(start as usize..(start + len) as usize)
                    .unwrap_or(&[]),
            );
        }
    }

    /// Push the elements that may be named `name` (lowercase): HTML elements of exactly that
    /// name, foreign ones of that name in any ASCII case.
    pub fn push_tag(&self, tree: &Arena, name: &str, out: &mut Vec<u32>) {
        if let Some(t) = tree.tag_named(name) {
            self.push_nodes(TAG | u64::from(t.0), out);
        }
        self.push_nodes(TAG_LOWER | u64::from(lower_hash(name.as_bytes())), out);
    }

    /// Push the elements that may have an attribute named `name` (lowercase), as
    /// [`ElementIndex::push_tag`] reads names.
    pub fn push_attr(&self, tree: &Arena, name: &str, out: &mut Vec<u32>) {
        if let Some(a) = tree.attr_named(name) {
            self.push_nodes(ATTR | u64::from(a.0), out);
        }
        self.push_nodes(ATTR_LOWER | u64::from(lower_hash(name.as_bytes())), out);
    }

    /// Push the elements that may have the class token `class` (as written).
    pub fn push_class(&self, class: &str, out: &mut Vec<u32>) {
        self.push_nodes(CLASS | u64::from(name_hash(class.as_bytes())), out);
    }

    /// Push the elements whose `class` may contain `needle` (lowercase) without regard to
    /// ASCII case: one search of the page's class text. (A foreign element's `class`
    /// written with capitals is pushed too.)
    pub fn push_class_containing(&self, needle: &str, out: &mut Vec<u32>) {
        let mut last = None;
        for at in memchr::memmem::find_iter(self.class_text.as_bytes(), needle.as_bytes()) {
            let i = self.class_owners.partition_point(|o| o.0 as usize <= at);
            let node = i
                .checked_sub(1)
                .and_then(|i| self.class_owners.get(i))
                .map(|o| o.1);
            if node.is_some() && node != last {
                out.extend(node);
                last = node;
            }
        }
        self.push_nodes(ATTR_LOWER | u64::from(lower_hash(b"class")), out);
    }

    /// Push the elements that may have the id `id` (as written).
    pub fn push_id(&self, id: &str, out: &mut Vec<u32>) {
        self.push_nodes(ID | u64::from(name_hash(id.as_bytes())), out);
    }

    /// False when no element has the class token `class` (as written); true when one may.
    pub fn may_have_class(&self, class: &str) -> bool {
        self.ranges
            .contains_key(&(CLASS | u64::from(name_hash(class.as_bytes()))))
    }

    /// False when no element has the id `id` (as written); true when one may.
    pub fn may_have_id(&self, id: &str) -> bool {
        self.ranges
            .contains_key(&(ID | u64::from(name_hash(id.as_bytes()))))
    }

    /// The hashes of an element's class tokens (`None` for a node made after the build).
    pub fn class_hashes(&self, id: NodeId) -> Option<&[u32]> {
        let (start, len) = *self.class_spans.get(id.index())?;
        self.class_hashes.get(start as usize..(start + len) as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::html::engine::parse_document;
    use crate::Limits;

    #[test]
    fn index_finds_tags_attributes_classes_and_ids() {
        let page = "<div class=' a  b' id=x data-k=1><svg viewBox='0 0 1 1'><clipPath/></svg></div>";
        let tree = parse_document(page, &Limits::default()).expect("parses");
        let ix = tree.index();
        let find = |f: &dyn Fn(&mut Vec<u32>)| {
            let mut v = Vec::new();
            f(&mut v);
            v.into_iter()
                .map(|n| tree.name(NodeId(n)).to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(find(&|v| ix.push_tag(&tree, "div", v)), ["div"]);
        assert_eq!(find(&|v| ix.push_tag(&tree, "clippath", v)), ["clipPath"]);
        assert_eq!(find(&|v| ix.push_attr(&tree, "viewbox", v)), ["svg"]);
        assert_eq!(find(&|v| ix.push_attr(&tree, "data-k", v)), ["div"]);
        assert_eq!(find(&|v| ix.push_class("b", v)), ["div"]);
        assert_eq!(find(&|v| ix.push_id("x", v)), ["div"]);
        assert!(find(&|v| ix.push_class("c", v)).is_empty());
        assert_eq!(find(&|v| ix.push_class_containing(" b", v)), ["div"]);
        assert!(find(&|v| ix.push_class_containing("ab", v)).is_empty());
        let div = tree.nodes().find(|n| tree.name(*n) == "div").expect("div");
        assert_eq!(ix.class_hashes(div).map(<[u32]>::len), Some(2));
    }
}
