//! React streaming server rendering (Next.js App Router and others) sends a page in pieces.
//! Each piece that finished late arrives as `<div hidden id="S:n">` at the end of the body,
//! and a script moves it into its placeholder, `<template id="B:n">` (with a "Loading…"
//! fallback after it) or `<template id="P:n">`. Saved and crawled pages keep the pieces
//! hidden and out of place, and often lack the scripts. This module does the move, so the
//! article is read in place and in order. In: the parsed page. Out: the same page, mended.

use ego_tree::NodeId;
use scraper::{Html, Node};
use std::collections::HashMap;

/// A fallback after a placeholder is removed only when it is this short ("Loading
/// paragraph...", an empty skeleton box), unless React's `<!--/$-->` marks its end.
const MAX_FALLBACK_CHARS: usize = 40;
/// Elements that are page content, never a loading fallback, even when short (with the
/// headings).
const CONTENT_TAGS: &[&str] = &["p", "blockquote", "ul", "ol", "table", "figure"];

/// Move every streamed piece into its placeholder and drop the placeholder's fallback.
pub fn place_streamed_segments(html: &mut Html) {
    let mut placeholders: HashMap<String, (NodeId, bool)> = HashMap::new();
    let mut pieces: Vec<(String, NodeId)> = Vec::new();
    for node in html.tree.nodes() {
        let Some(e) = node.value().as_element() else {
            continue;
        };
        let Some(id) = e.attr("id") else { continue };
        match (e.name(), id.split_once(':')) {
            ("template", Some((kind @ ("B" | "P"), n))) => {
                placeholders.insert(n.to_string(), (node.id(), kind == "B"));
            }
            ("div", Some(("S", n))) if e.attr("hidden").is_some() => pieces.push((n.to_string(), node.id())),
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
        let Some(slot_ref) = html.tree.get(slot) else {
            continue;
        };
        // A placeholder inside its own piece would be moved into itself.
        if slot_ref.parent().is_none() || slot_ref.ancestors().any(|a| a.id() == piece) {
            continue;
        }
        if has_fallback {
            remove_fallback(html, slot);
        }
        let children: Vec<NodeId> = html
            .tree
            .get(piece)
            .map(|p| p.children().map(|c| c.id()).collect())
            .unwrap_or_default();
        if let Some(mut slot_mut) = html.tree.get_mut(slot) {
            for child in children {
                slot_mut.insert_id_before(child);
            }
            slot_mut.detach();
        }
        if let Some(mut piece_mut) = html.tree.get_mut(piece) {
            piece_mut.detach();
        }
    }
}

/// Remove what React shows until a piece arrives: the siblings after the placeholder up to
/// the `<!--/$-->` comment, or, without that marker (comments stripped), one short element
/// right after it. Another placeholder or a streamed piece is never taken for a fallback.
fn remove_fallback(html: &mut Html, slot: NodeId) {
    let Some(slot_ref) = html.tree.get(slot) else {
        return;
    };
    // Only the siblings before the next boundary can belong to this one.
    let following: Vec<_> = slot_ref
        .next_siblings()
        .take_while(|s| match s.value() {
            Node::Element(e) => e.name() != "template" && !(e.name() == "div" && e.attr("hidden").is_some()),
            Node::Comment(c) => !c.comment.trim().starts_with('$'),
            _ => true,
        })
        .collect();
    let end = following
        .iter()
        .position(|s| matches!(s.value(), Node::Comment(c) if c.comment.trim() == "/$"));
    let doomed: Vec<NodeId> = match end {
        Some(end) => following[..end].iter().map(|s| s.id()).collect(),
        None => following
            .iter()
            .find(|s| s.value().is_element())
            .filter(|s| {
                !s.value().as_element().is_some_and(|e| {
                    crate::html::dom::HEADING_TAGS.contains(&e.name()) || CONTENT_TAGS.contains(&e.name())
                }) && s
                    .descendants()
                    .filter_map(|d| d.value().as_text())
                    .map(|t| t.trim().chars().count())
                    .sum::<usize>()
                    <= MAX_FALLBACK_CHARS
            })
            .map(|s| s.id())
            .into_iter()
            .collect(),
    };
    for id in doomed {
        if let Some(mut n) = html.tree.get_mut(id) {
            n.detach();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body_text(html: &Html) -> String {
        let body = scraper::Selector::parse("body").expect("constant selector");
        html.select(&body)
            .next()
            .map(|b| b.text().collect::<Vec<_>>().join("|"))
            .unwrap_or_default()
    }

    #[test]
    fn streamed_pieces_replace_their_placeholders() {
        let mut html = Html::parse_document(
            r#"<html><body><article><h1>Title</h1><template id="B:0"></template><div>Loading paragraph...</div><p>Middle</p><!--$?--><template id="B:1"></template><div class="skeleton"></div><!--/$--><template id="P:2"></template></article><div hidden id="S:1"><p>Second</p></div><div hidden id="S:0"><p>First</p></div><div hidden id="S:2"><p>Third</p></div></body></html>"#,
        );
        place_streamed_segments(&mut html);
        assert_eq!(body_text(&html), "Title|First|Middle|Second|Third");
    }

    #[test]
    fn without_markers_only_a_short_fallback_goes() {
        // Comments stripped: the next placeholder and a real heading are not fallbacks.
        let mut html = Html::parse_document(
            r#"<html><body><h1>T</h1><template id="B:0"></template><template id="B:1"></template><h2>Our conclusion</h2><p>End</p><div hidden id="S:0"><p>First</p></div><div hidden id="S:1"><p>Second</p></div></body></html>"#,
        );
        place_streamed_segments(&mut html);
        assert_eq!(body_text(&html), "T|First|Second|Our conclusion|End");
    }

    #[test]
    fn pages_without_streaming_are_unchanged() {
        let src = r#"<html><body><template id="x"></template><div hidden id="S:0"><p>Kept hidden</p></div></body></html>"#;
        let mut html = Html::parse_document(src);
        place_streamed_segments(&mut html);
        assert_eq!(body_text(&html), "Kept hidden");
    }
}
