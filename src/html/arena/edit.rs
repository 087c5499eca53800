//! Changing an [`Arena`]: new nodes (the engine's fill appends in document order; other
//! code creates detached nodes) and moving nodes with their subtrees (detach, append,
//! insert before/after). Text and attributes are appended to the flat buffers, never edited
//! in place.

use super::{span, Arena, ArenaFull, Attr, AttrName, MoveError, Namespace, Node, NodeId, NodeKind, Tag};
use super::{KNOWN_ATTR_COUNT, KNOWN_TAGS, NIL};

impl Arena {
    fn push(&mut self, node: Node) -> Result<NodeId, ArenaFull> {
        let id = u32::try_from(self.nodes.len())
            .ok()
            .filter(|i| *i != NIL)
            .ok_or(ArenaFull)?;
        self.nodes.push(node);
        Ok(NodeId(id))
    }

    /// A node of `kind` with no links, tag or data (also the root of a new arena).
    pub(super) fn blank(kind: NodeKind) -> Node {
        Node {
            parent: NIL,
            first_child: NIL,
            last_child: NIL,
            prev: NIL,
            next: NIL,
            tag: Tag(0),
            a: 0,
            b: 0,
            kind,
            ns: Namespace::None,
        }
    }

    fn push_text(&mut self, s: &str) -> Result<(u32, u32), ArenaFull> {
        let sp = span(self.text.len(), s.len())?;
        self.text.push_str(s);
        Ok(sp)
    }

    /// Intern an element name: its known tag, or this document's id for it.
    pub fn intern_tag(&mut self, name: &str) -> Result<Tag, ArenaFull> {
        match Tag::known(name) {
            Some(t) => Ok(t),
            None => Ok(Tag(self.names.intern(name)? + KNOWN_TAGS)),
        }
    }

    /// Intern an attribute name.
    pub fn intern_attr(&mut self, name: &str) -> Result<AttrName, ArenaFull> {
        match AttrName::known(name) {
            Some(a) => Ok(a),
            None => Ok(AttrName(self.names.intern(name)? + KNOWN_ATTR_COUNT)),
        }
    }

    /// A new, detached element with these attributes (`(name, namespace, value)`).
    pub fn create_element<'v>(
        &mut self,
        tag: Tag,
        ns: Namespace,
        attrs: impl IntoIterator<Item = (AttrName, Namespace, &'v str)>,
    ) -> Result<NodeId, ArenaFull> {
        let start = self.attrs.len();
        for (name, ans, value) in attrs {
            self.add_attr(name, ans, value)?;
        }
        let (a, b) = span(start, self.attrs.len() - start)?;
        let mut node = Self::blank(NodeKind::Element);
        node.tag = tag;
        node.ns = ns;
        node.a = a;
        node.b = b;
        self.push(node)
    }

    /// A new, detached node of `kind` (text, comment or doctype) holding `text`.
    pub fn create_text(&mut self, kind: NodeKind, text: &str) -> Result<NodeId, ArenaFull> {
        let (a, b) = self.push_text(text)?;
        let mut node = Self::blank(kind);
        node.a = a;
        node.b = b;
        self.push(node)
    }

    /// A new, detached fragment node.
    pub fn create_fragment(&mut self) -> Result<NodeId, ArenaFull> {
        self.push(Self::blank(NodeKind::Fragment))
    }

    /// Append an attribute record (its element is pushed after its attributes).
    fn add_attr(&mut self, name: AttrName, ns: Namespace, value: &str) -> Result<(), ArenaFull> {
        let (start, len) = self.push_text(value)?;
        self.attrs.push(Attr { name, start, len, ns });
        Ok(())
    }

    /// Link a new node as the last child of `parent` (no checks: for the parse's fill).
    fn append_new(&mut self, parent: NodeId, mut node: Node) -> Result<NodeId, ArenaFull> {
        let p = parent.0;
        let last = self.nodes[p as usize].last_child;
        node.parent = p;
        node.prev = last;
        let id = self.push(node)?;
        if last == NIL {
            self.nodes[p as usize].first_child = id.0;
        } else {
            self.nodes[last as usize].next = id.0;
        }
        self.nodes[p as usize].last_child = id.0;
        Ok(id)
    }

    /// Append an element under `parent` whose attributes were added with
    /// [`Arena::fill_attr`] since `attrs_from` ([`Arena::attr_mark`]).
    pub(crate) fn fill_element(
        &mut self,
        parent: NodeId,
        tag: Tag,
        ns: Namespace,
        attrs_from: usize,
    ) -> Result<NodeId, ArenaFull> {
        let (a, b) = span(attrs_from, self.attrs.len() - attrs_from)?;
        let mut node = Self::blank(NodeKind::Element);
        node.tag = tag;
        node.ns = ns;
        node.a = a;
        node.b = b;
        self.append_new(parent, node)
    }

    /// Where the next element's attributes start (for [`Arena::fill_element`]).
    pub(crate) fn attr_mark(&self) -> usize {
        self.attrs.len()
    }

    /// Add an attribute of the element about to be filled.
    pub(crate) fn fill_attr(&mut self, name: AttrName, ns: Namespace, value: &str) -> Result<(), ArenaFull> {
        self.add_attr(name, ns, value)
    }

    /// Append a text, comment or doctype node under `parent`; text that follows a text
    /// node is merged into it, as html5ever does.
    pub(crate) fn fill_text(&mut self, parent: NodeId, kind: NodeKind, text: &str) -> Result<(), ArenaFull> {
        if kind == NodeKind::Text {
            let last = self.nodes[parent.index()].last_child;
            if last != NIL {
                let n = self.nodes[last as usize];
                if n.kind == NodeKind::Text && (n.a + n.b) as usize == self.text.len() {
                    let (_, len) = span(n.a as usize, n.b as usize + text.len())?;
                    self.text.push_str(text);
                    self.nodes[last as usize].b = len;
                    return Ok(());
                }
            }
        }
        let (a, b) = self.push_text(text)?;
        let mut node = Self::blank(kind);
        node.a = a;
        node.b = b;
        self.append_new(parent, node)?;
        Ok(())
    }

    /// Append a fragment node under `parent` (a template's contents).
    pub(crate) fn fill_fragment(&mut self, parent: NodeId) -> Result<NodeId, ArenaFull> {
        self.append_new(parent, Self::blank(NodeKind::Fragment))
    }

    // ---- moving ---------------------------------------------------------------------

    /// Unlink a node (and its subtree) from its parent; a no-op for detached nodes. The
    /// node stays in the arena and can be inserted again.
    pub fn detach(&mut self, id: NodeId) {
        let Node {
            parent, prev, next, ..
        } = self.nodes[id.index()];
        if parent == NIL {
            return;
        }
        if prev == NIL {
            self.nodes[parent as usize].first_child = next;
        } else {
            self.nodes[prev as usize].next = next;
        }
        if next == NIL {
            self.nodes[parent as usize].last_child = prev;
        } else {
            self.nodes[next as usize].prev = prev;
        }
        let n = &mut self.nodes[id.index()];
        n.parent = NIL;
        n.prev = NIL;
        n.next = NIL;
    }

    /// Check that `node` may be placed under `parent`.
    fn check_move(&self, parent: NodeId, node: NodeId) -> Result<(), MoveError> {
        if node == NodeId::ROOT {
            return Err(MoveError::Root);
        }
        if !matches!(
            self.kind(parent),
            NodeKind::Element | NodeKind::Fragment | NodeKind::Document
        ) {
            return Err(MoveError::NotAParent);
        }
        if parent == node || self.ancestors(parent).any(|a| a == node) {
            return Err(MoveError::IntoItself);
        }
        Ok(())
    }

    /// Move `node` (with its subtree) to the end of `parent`'s children.
    pub fn append(&mut self, parent: NodeId, node: NodeId) -> Result<(), MoveError> {
        self.check_move(parent, node)?;
        self.detach(node);
        let last = self.nodes[parent.index()].last_child;
        {
            let n = &mut self.nodes[node.index()];
            n.parent = parent.0;
            n.prev = last;
        }
        if last == NIL {
            self.nodes[parent.index()].first_child = node.0;
        } else {
            self.nodes[last as usize].next = node.0;
        }
        self.nodes[parent.index()].last_child = node.0;
        Ok(())
    }

    /// Move `node` (with its subtree) just before `sibling`.
    pub fn insert_before(&mut self, sibling: NodeId, node: NodeId) -> Result<(), MoveError> {
        let parent = self.parent(sibling).ok_or(MoveError::NoParent)?;
        self.check_move(parent, node)?;
        if node == sibling {
            return Ok(());
        }
        self.detach(node);
        let prev = self.nodes[sibling.index()].prev;
        {
            let n = &mut self.nodes[node.index()];
            n.parent = parent.0;
            n.prev = prev;
            n.next = sibling.0;
        }
        self.nodes[sibling.index()].prev = node.0;
        if prev == NIL {
            self.nodes[parent.index()].first_child = node.0;
        } else {
            self.nodes[prev as usize].next = node.0;
        }
        Ok(())
    }

    /// Move `node` (with its subtree) just after `sibling`.
    pub fn insert_after(&mut self, sibling: NodeId, node: NodeId) -> Result<(), MoveError> {
        match self.next_sibling(sibling) {
            Some(next) if next == node => Ok(()),
            Some(next) => self.insert_before(next, node),
            None => {
                let parent = self.parent(sibling).ok_or(MoveError::NoParent)?;
                if node == sibling {
                    return Ok(());
                }
                self.append(parent, node)
            }
        }
    }
}
