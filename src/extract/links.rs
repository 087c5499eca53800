//! The links a page offers a crawler: the `href` of every `<a>`, and the RSS/Atom/JSON feeds
//! it declares with `<link rel=alternate>`, both raw (unresolved) in document order. In: the
//! parsed page. Out: strings; resolving and canonicalising them against the page's URL is the
//! crawler's job (`crate::crawl::urls`), and so is reading the feeds.

use crate::html::arena::{Arena, AttrName, NodeId, Tag};
use crate::html::select::Sel;
use std::sync::LazyLock;

/// Links with a target.
pub(crate) static LINKS: LazyLock<Sel> = LazyLock::new(|| Sel::constant("a[href]"));

/// `type`s of a `<link rel=alternate>` that point at a feed (RSS 2.0, Atom, JSON Feed).
pub const FEED_MIME_TYPES: &[&str] = &[
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
];

/// The `href` of every `<a>`, raw, in document order.
pub fn page_links(tree: &Arena) -> Vec<String> {
    LINKS
        .select(tree)
        .filter_map(|a| tree.attr_by_id(a, AttrName::HREF))
        .map(str::to_string)
        .collect()
}

/// The `href` of every `<link>` whose `rel` has `alternate` and whose `type` is one of
/// [`FEED_MIME_TYPES`] (case-insensitive, parameters ignored), raw, in document order.
pub fn feed_hrefs(tree: &Arena) -> impl Iterator<Item = &str> {
    let top = tree.root_element().unwrap_or(NodeId::ROOT);
    tree.descendants(top).filter_map(move |node| {
        if !tree.tag_is(node, Tag::LINK) {
            return None;
        }
        let alternate = tree.attr_by_id(node, AttrName::REL).is_some_and(|rel| {
            rel.split_ascii_whitespace()
                .any(|t| t.eq_ignore_ascii_case("alternate"))
        });
        let feed_type = tree.attr_by_id(node, AttrName::TYPE).is_some_and(|t| {
            let mime = t.split(';').next().unwrap_or(t).trim();
            FEED_MIME_TYPES.iter().any(|m| m.eq_ignore_ascii_case(mime))
        });
        (alternate && feed_type)
            .then(|| tree.attr_by_id(node, AttrName::HREF))
            .flatten()
    })
}
