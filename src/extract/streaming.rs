//! React streaming server rendering (Next.js App Router and others) sends a page in pieces.
//! Each piece that finished late arrives as `<div hidden id="S:n">` at the end of the body,
//! and a script moves it into its placeholder, `<template id="B:n">` (with a "Loading…"
//! fallback after it) or `<template id="P:n">`. Saved and crawled pages keep the pieces
//! hidden and out of place, and often lack the scripts. This module does the move, so the
//! article is read in place and in order. In: the parsed page. Out: the same page, mended.

use crate::html::arena::{Arena, AttrName, NodeId, NodeKind, Tag, TagSet};
use std::collections::HashMap;

/// A fallback after a placeholder is removed only when it is this short ("Loading
/// paragraph...", an empty skeleton box), unless React's `<!--/$-->` marks its end.
const MAX_FALLBACK_CHARS: usize = 40;
/// Elements that are page content, never a loading fallback, even when short (with the
/// headings).
const CONTENT_TAGS: TagSet = TagSet::of(&["p", "blockquote", "ul", "ol", "table", "figure"]);

/// Move every streamed piece into its placeholder and drop the placeholder's fallback.
pub fn place_streamed_segments(tree: &mut Arena) {
    let mut placeholders: HashMap<String, (NodeId, bool)> = HashMap::new();
    let mut pieces: Vec<(String, NodeId)> = Vec::new();
    for node in tree.nodes() {
        let Some(id) = tree.attr_by_id(node, AttrName::ID) else {
            continue;
        };
        match (tree.tag(node), id.split_once(':')) {
            (Some(Tag::TEMPLATE), Some((kind @ ("B" | "P"), n))) => {
                placeholders.insert(n.to_string(), (node, kind == "B"));
            }
            (Some(Tag::DIV), Some(("S", n))) if tree.attr_by_id(node, AttrName::HIDDEN).is_some() => {
                pieces.push((n.to_string(), node))
            }
            _ => {}
        }
    }
    if placeholders.is_empty() || pieces.is_empty() {
        return;
    }
    for (n, piece) in pieces {
        let Some(&(slot, has_fallback)) = placeholders.get(&n) else {
            continue;
        };
        // A placeholder inside its own piece would be moved into itself.
        if tree.parent(slot).is_none() || tree.ancestors(slot).any(|a| a == piece) {
            continue;
        }
        if has_fallback {
            remove_fallback(tree, slot);
        }
        let children: Vec<NodeId> = tree.children(piece).collect();
        for child in children {
            // Cannot fail: the slot has a parent and is not inside the piece.
            let _ = tree.insert_before(slot, child);
        }
        tree.detach(slot);
        tree.detach(piece);
    }
}

/// Remove what React shows until a piece arrives: the siblings after the placeholder up to
/// the `<!--/$-->` comment, or, without that marker (comments stripped), one short element
/// right after it. Another placeholder or a streamed piece is never taken for a fallback.
fn remove_fallback(tree: &mut Arena, slot: NodeId) {
    // Only the siblings before the next boundary can belong to this one.
    let following: Vec<NodeId> = tree
        .next_siblings(slot)
        .take_while(|s| match tree.kind(*s) {
            NodeKind::Element => {
                let placeholder = tree.tag_is(*s, Tag::TEMPLATE);
                let piece = tree.tag_is(*s, Tag::DIV) && tree.attr_by_id(*s, AttrName::HIDDEN).is_some();
                !placeholder && !piece
            }
            NodeKind::Comment => !tree.text(*s).trim().starts_with('$'),
            _ => true,
        })
        .collect();
    let end = following
        .iter()
        .position(|s| tree.kind(*s) == NodeKind::Comment && tree.text(*s).trim() == "/$");
    let doomed: Vec<NodeId> = match end {
        Some(end) => following[..end].to_vec(),
        None => following
            .iter()
            .copied()
            .find(|s| tree.is_element(*s))
            .filter(|s| {
                !tree.tag_in(*s, crate::html::dom::HEADINGS)
                    && !tree.tag_in(*s, CONTENT_TAGS)
                    && tree
                        .descendants(*s)
                        .filter(|d| tree.kind(*d) == NodeKind::Text)
                        .map(|d| tree.text(d).trim().chars().count())
                        .sum::<usize>()
                        <= MAX_FALLBACK_CHARS
            })
            .into_iter()
            .collect(),
    };
    for id in doomed {
        tree.detach(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::html::engine::parse_document;

    fn parse(page: &str) -> Arena {
        parse_document(page, &crate::Limits::default()).expect("parses")
    }

    fn body_text(tree: &Arena) -> String {
        tree.descendants(NodeId::ROOT)
            .find(|n| tree.tag_is(*n, Tag::BODY))
            .map(|b| tree.texts(b).collect::<Vec<_>>().join("|"))
            .unwrap_or_default()
    }

    #[test]
    fn streamed_pieces_replace_their_placeholders() {
        let mut tree = parse(
            r#"<html><body><article><h1>Title</h1><template id="B:0"></template><div>Loading paragraph...</div><p>Middle</p><!--$?--><template id="B:1"></template><div class="skeleton"></div><!--/$--><template id="P:2"></template></article><div hidden id="S:1"><p>Second</p></div><div hidden id="S:0"><p>First</p></div><div hidden id="S:2"><p>Third</p></div></body></html>"#,
        );
        place_streamed_segments(&mut tree);
        assert_eq!(body_text(&tree), "Title|First|Middle|Second|Third");
    }

    #[test]
    fn without_markers_only_a_short_fallback_goes() {
        // Comments stripped: the next placeholder and a real heading are not fallbacks.
        let mut tree = parse(
            r#"<html><body><h1>T</h1><template id="B:0"></template><template id="B:1"></template><h2>Our conclusion</h2><p>End</p><div hidden id="S:0"><p>First</p></div><div hidden id="S:1"><p>Second</p></div></body></html>"#,
        );
        place_streamed_segments(&mut tree);
        assert_eq!(body_text(&tree), "T|First|Second|Our conclusion|End");
    }

    #[test]
    fn pages_without_streaming_are_unchanged() {
        let src = r#"<html><body><template id="x"></template><div hidden id="S:0"><p>Kept hidden</p></div></body></html>"#;
        let mut tree = parse(src);
        place_streamed_segments(&mut tree);
        assert_eq!(body_text(&tree), "Kept hidden");
    }
}
