//! Walks over an [`Arena`]: children, siblings, descendants and the open/close walk
//! ([`Traverse`]; document order, no stack: the links are followed), ancestors, every node
//! in arena order, text, and CSS selection. Read-only.

use super::{Arena, ElementRef, NodeId, NodeKind, Selector};

impl Arena {
    /// The children of a node, in order.
    pub fn children(&self, id: NodeId) -> Siblings<'_> {
        Siblings {
            arena: self,
            next: self.first_child(id),
        }
    }

    /// The element children of a node, in order.
    pub fn element_children(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        self.children(id).filter(|c| self.is_element(*c))
    }

    /// The siblings after a node, nearest first.
    pub fn next_siblings(&self, id: NodeId) -> Siblings<'_> {
        Siblings {
            arena: self,
            next: self.next_sibling(id),
        }
    }

    /// The siblings before a node, nearest first.
    pub fn prev_siblings(&self, id: NodeId) -> PrevSiblings<'_> {
        PrevSiblings {
            arena: self,
            next: self.prev_sibling(id),
        }
    }

    /// Every node of the arena in arena order (the order they were made in: document
    /// order after a parse, whatever moved since), detached ones and their subtrees
    /// included.
    pub fn nodes(&self) -> impl DoubleEndedIterator<Item = NodeId> + ExactSizeIterator + '_ {
        (0..self.nodes.len() as u32).map(NodeId)
    }

    /// The subtree of a node as a walk that enters ([`Edge::Open`]) and leaves
    /// ([`Edge::Close`]) every node, in document order, the node itself first and last.
    pub fn traverse(&self, id: NodeId) -> Traverse<'_> {
        Traverse {
            arena: self,
            top: id,
            next: Some(Edge::Open(id)),
        }
    }

    /// The node and everything under it, in document order (template contents included).
    pub fn descendants(&self, id: NodeId) -> Descendants<'_> {
        Descendants {
            arena: self,
            top: id,
            next: Some(id),
        }
    }

    /// The parent, its parent, … up to the root (the node itself excluded).
    pub fn ancestors(&self, id: NodeId) -> Ancestors<'_> {
        Ancestors {
            arena: self,
            next: self.parent(id),
        }
    }

    /// The text nodes under a node (itself included), in document order.
    pub fn texts(&self, id: NodeId) -> impl Iterator<Item = &str> + '_ {
        self.descendants(id)
            .filter(|d| self.kind(*d) == NodeKind::Text)
            .map(|d| self.text(d))
    }

    /// The concatenated text under a node (scraper's `.text().collect()`).
    pub fn text_content(&self, id: NodeId) -> String {
        let mut out = String::new();
        for t in self.texts(id) {
            out.push_str(t);
        }
        out
    }

    /// The root's first element child (`<html>` after a document parse).
    pub fn root_element(&self) -> Option<NodeId> {
        self.element_children(NodeId::ROOT).next()
    }

    /// A handle for selector matching (`None` unless `id` is an element).
    pub fn element(&self, id: NodeId) -> Option<ElementRef<'_>> {
        self.is_element(id).then_some(ElementRef { arena: self, id })
    }

    /// The elements under `scope` (itself included) that match, in document order.
    pub fn select_in<'a>(
        &'a self,
        scope: NodeId,
        selector: &'a Selector,
    ) -> impl Iterator<Item = NodeId> + 'a {
        let mut caches = selectors::matching::SelectorCaches::default();
        self.descendants(scope).filter(move |d| {
            self.element(*d)
                .is_some_and(|e| selector.matches_with_caches(&e, &mut caches))
        })
    }

    /// The elements of the whole tree that match, in document order.
    pub fn select<'a>(&'a self, selector: &'a Selector) -> impl Iterator<Item = NodeId> + 'a {
        self.select_in(NodeId::ROOT, selector)
    }
}

/// Iterator over a node's children (or any run of next siblings).
#[derive(Clone)]
pub struct Siblings<'a> {
    arena: &'a Arena,
    next: Option<NodeId>,
}

impl Iterator for Siblings<'_> {
    type Item = NodeId;
    fn next(&mut self) -> Option<NodeId> {
        let id = self.next?;
        self.next = self.arena.next_sibling(id);
        Some(id)
    }
}

/// Iterator over a node's earlier siblings, nearest first.
#[derive(Clone)]
pub struct PrevSiblings<'a> {
    arena: &'a Arena,
    next: Option<NodeId>,
}

impl Iterator for PrevSiblings<'_> {
    type Item = NodeId;
    fn next(&mut self) -> Option<NodeId> {
        let id = self.next?;
        self.next = self.arena.prev_sibling(id);
        Some(id)
    }
}

/// A step of [`Traverse`]: entering a node (before its children) or leaving it (after).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Edge {
    /// Entering the node.
    Open(NodeId),
    /// Leaving the node.
    Close(NodeId),
}

/// The open/close walk of a subtree (no stack: it follows the links).
#[derive(Clone)]
pub struct Traverse<'a> {
    arena: &'a Arena,
    top: NodeId,
    next: Option<Edge>,
}

impl Traverse<'_> {
    /// Leave out the children of `id`, which the walk has just entered: its
    /// [`Edge::Close`] comes next.
    pub fn skip_children(&mut self, id: NodeId) {
        if self.next.is_some() {
            self.next = Some(Edge::Close(id));
        }
    }
}

impl Iterator for Traverse<'_> {
    type Item = Edge;
    fn next(&mut self) -> Option<Edge> {
        let edge = self.next?;
        let a = self.arena;
        self.next = match edge {
            Edge::Open(n) => Some(a.first_child(n).map_or(Edge::Close(n), Edge::Open)),
            Edge::Close(n) if n == self.top => None,
            Edge::Close(n) => match a.next_sibling(n) {
                Some(s) => Some(Edge::Open(s)),
                None => a.parent(n).map(Edge::Close),
            },
        };
        Some(edge)
    }
}

/// Iterator over a subtree in document order (no stack: it follows the links).
#[derive(Clone)]
pub struct Descendants<'a> {
    arena: &'a Arena,
    top: NodeId,
    next: Option<NodeId>,
}

impl Iterator for Descendants<'_> {
    type Item = NodeId;
    fn next(&mut self) -> Option<NodeId> {
        let id = self.next?;
        let a = self.arena;
        self.next = a.first_child(id).or_else(|| {
            let mut n = id;
            loop {
                if n == self.top {
                    return None;
                }
                if let Some(s) = a.next_sibling(n) {
                    return Some(s);
                }
                n = a.parent(n)?;
            }
        });
        Some(id)
    }
}

/// Iterator over a node's ancestors.
#[derive(Clone)]
pub struct Ancestors<'a> {
    arena: &'a Arena,
    next: Option<NodeId>,
}

impl Iterator for Ancestors<'_> {
    type Item = NodeId;
    fn next(&mut self) -> Option<NodeId> {
        let id = self.next?;
        self.next = self.arena.parent(id);
        Some(id)
    }
}
