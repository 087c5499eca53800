//! The links a page offers a crawler: the `href` of every `<a>`, and the RSS/Atom/JSON feeds
//! it declares with `<link rel=alternate>`, both raw (unresolved) in document order. In: the
//! parsed page. Out: strings; resolving and canonicalising them against the page's URL is the
//! crawler's job (`crate::crawl::urls`), and so is reading the feeds.

use crate::html::select::Sel;
use scraper::{ElementRef, Html};
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
pub fn page_links(html: &Html) -> Vec<String> {
    LINKS
        .select(html)
        .filter_map(|a| a.value().attr("href"))
        .map(str::to_string)
        .collect()
}

/// The `href` of every `<link>` whose `rel` has `alternate` and whose `type` is one of
/// [`FEED_MIME_TYPES`] (case-insensitive, parameters ignored), raw, in document order.
pub fn feed_hrefs(html: &Html) -> impl Iterator<Item = &str> {
    html.root_element().descendants().filter_map(|node| {
        let el = ElementRef::wrap(node)?.value();
        if el.name() != "link" {
            return None;
        }
        let alternate = el.attr("rel").is_some_and(|rel| {
            rel.split_ascii_whitespace()
                .any(|t| t.eq_ignore_ascii_case("alternate"))
        });
        let feed_type = el.attr("type").is_some_and(|t| {
            let mime = t.split(';').next().unwrap_or(t).trim();
            FEED_MIME_TYPES.iter().any(|m| m.eq_ignore_ascii_case(mime))
        });
        (alternate && feed_type).then(|| el.attr("href")).flatten()
    })
}
