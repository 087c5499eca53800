//! The `<noscript>` fallback: the parser keeps a `<noscript>`'s content as raw text (as a
//! browser with scripting does), but some apps serve their whole crawler view there
//! (Discourse threads). [`expand_noscript`] parses each `<noscript>` whose raw text holds
//! at least [`NOSCRIPT_MIN_WORDS`] words and puts the parsed nodes in place of the text, so
//! that classification and extraction see them; a short one (a tracking pixel, "enable
//! JavaScript") stays raw and is skipped by the walk. Run it once on the parsed page, before
//! [`super::classify`] and the extraction.

use crate::html::arena::{Arena, AttrName, Namespace, NodeId, NodeKind, Tag};
use crate::html::engine;
use crate::limits::Limits;

/// Words of raw `<noscript>` text (markup left out) that make it page content.
pub const NOSCRIPT_MIN_WORDS: u32 = 50;

/// Words of markup-stripped text, without allocating.
fn words_outside_tags(raw: &str) -> u32 {
    let mut n = 0;
    let mut in_tag = false;
    let mut in_word = false;
    for c in raw.chars() {
        match c {
            '<' => {
                in_tag = true;
                in_word = false;
            }
            '>' => in_tag = false,
            _ if in_tag => {}
            _ => {
                let w = super::text::is_word_char(c);
                n += u32::from(w && !in_word);
                in_word = w;
            }
        }
    }
    n
}

/// The long `<noscript>`s of the page, each with its one raw text child.
fn long_noscripts(a: &Arena) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
    a.descendants(NodeId::ROOT)
        .filter(|n| a.is(*n, Tag::NOSCRIPT))
        .filter_map(|n| {
            let mut kids = a.children(n);
            let t = kids.next()?;
            let only_text = kids.next().is_none() && a.kind(t) == NodeKind::Text;
            (only_text && words_outside_tags(a.text(t)) >= NOSCRIPT_MIN_WORDS).then_some((n, t))
        })
}

/// True when the page has a `<noscript>` that [`expand_noscript`] would expand.
pub fn has_long_noscript(a: &Arena) -> bool {
    long_noscripts(a).next().is_some()
}

/// Expand the long `<noscript>`s of the page (see the module comment). Returns how many
/// were expanded. A `<noscript>` whose content fails to parse or copy stays raw.
pub fn expand_noscript(a: &mut Arena, limits: &Limits) -> usize {
    let targets: Vec<(NodeId, NodeId)> = long_noscripts(a).collect();
    let mut done = 0;
    for (ns, text) in targets {
        let raw = a.text(text).to_string();
        let Ok(frag) = engine::parse_fragment(&raw, limits) else {
            continue;
        };
        let Some(top) = frag.root_element() else {
            continue;
        };
        let mut copied = Vec::new();
        for c in frag.children(top) {
            match copy_subtree(&frag, c, a) {
                Ok(Some(id)) => copied.push(id),
                Ok(None) => {}
                Err(()) => break,
            }
        }
        a.detach(text);
        for id in copied {
            if a.append(ns, id).is_err() {
                break;
            }
        }
        done += 1;
    }
    done
}

/// Copy a node and its subtree from `src` into `dst` (detached); comments, doctypes and
/// template contents are left out. `Err` when `dst` is full.
fn copy_subtree(src: &Arena, top: NodeId, dst: &mut Arena) -> Result<Option<NodeId>, ()> {
    let Some(root) = copy_node(src, top, dst)? else {
        return Ok(None);
    };
    let mut stack: Vec<(NodeId, NodeId)> = vec![(top, root)];
    while let Some((s, d)) = stack.pop() {
        if src.kind(s) != NodeKind::Element {
            continue;
        }
        for c in src.children(s) {
            if let Some(nd) = copy_node(src, c, dst)? {
                dst.append(d, nd).map_err(|_| ())?;
                stack.push((c, nd));
            }
        }
    }
    Ok(Some(root))
}

/// Copy one node (no children).
fn copy_node(src: &Arena, n: NodeId, dst: &mut Arena) -> Result<Option<NodeId>, ()> {
    match src.kind(n) {
        NodeKind::Text => dst
            .create_text(NodeKind::Text, src.text(n))
            .map(Some)
            .map_err(|_| ()),
        NodeKind::Element => {
            let tag = dst.intern_tag(src.name(n)).map_err(|_| ())?;
            let mut attrs: Vec<(AttrName, Namespace, String)> = Vec::new();
            for at in src.attrs(n) {
                let name = dst.intern_attr(at.name).map_err(|_| ())?;
                attrs.push((name, at.ns, at.value.to_string()));
            }
            let it = attrs.iter().map(|(k, ns, v)| (*k, *ns, v.as_str()));
            dst.create_element(tag, src.ns(n), it).map(Some).map_err(|_| ())
        }
        _ => Ok(None),
    }
}
