//! A listing's body (home, section, tag, search, archive and collection pages): the
//! listing's area, from the headline through every item, as the gold of listings holds it
//! (the intro, the sub-category links, each item's title, summary, byline and price). The
//! area is the nearest element holding the headline and the container of the classifier's
//! teaser group (or of its price group on a product grid), without page furniture (nav,
//! asides, forms, page-level header and footer, menus, cookie banners). When the headline
//! is missing or shares no area with the items but the `<body>`, the items' container with
//! the headline and the intro (the main-text candidate) beside it. The items are the
//! classifier's best teaser group, or the largest other one when the best sits in a consent
//! form or a menu the cleaner left (see `teaser_group`). Groups inside nav,
//! header or footer were never groups (see `page_type::groups`). A listing without a group
//! left (a category page of text blocks) gets a service page's plan: its main area.

use super::{attached, attached_only, common_ancestor, furniture_in, Plan};
use crate::extract::page_type::Finds;
use crate::html::arena::{Arena, NodeId, Tag, TagSet};
use crate::html::dom;

/// Fewer items left after cleaning is not a listing: readability decides.
const MIN_ITEMS: usize = 3;

/// The plan for a listing page.
pub(super) fn plan(tree: &Arena, finds: &Finds) -> Option<Plan> {
    let g = &finds.groups;
    let mut items = teaser_group(tree, finds);
    let priced = attached_only(tree, &g.priced);
    if priced.len() > items.len() {
        items = priced;
    }
    if items.len() < MIN_ITEMS {
        return super::service::plan(tree).map(|p| Plan { area: true, ..p });
    }
    let container = items
        .iter()
        .skip(1)
        .try_fold(items[0], |acc, i| common_ancestor(tree, acc, *i))?;
    let headline = finds.headline.filter(|h| attached(tree, *h));
    let area = headline
        .and_then(|h| common_ancestor(tree, h, container))
        .filter(|a| !tree.is(*a, Tag::BODY) && !tree.is(*a, Tag::HTML));
    let root = area.unwrap_or(container);
    let keep = |d: &NodeId| {
        !items.iter().any(|i| dom::is_within(tree, *i, *d))
            && !headline.is_some_and(|h| dom::is_within(tree, h, *d))
    };
    let drop: Vec<NodeId> = furniture_in(tree, root, |_, _| false)
        .into_iter()
        .filter(keep)
        .collect();
    // The items, with the headline and the intro beside them, decide whether the area joins
    // readability's choice (see `Plan::core`).
    let mut beside = Vec::new();
    let mut roots = vec![root];
    let apart = |n| {
        !items
            .iter()
            .any(|i| dom::is_within(tree, *i, n) || dom::is_within(tree, n, *i))
    };
    for n in [headline, finds.main].into_iter().flatten() {
        if !attached(tree, n) {
            continue;
        }
        if apart(n) {
            beside.push(n);
        }
        roots.push(n);
    }
    Some(Plan {
        roots,
        drop,
        key_value: false,
        area: false,
        core: items,
        beside,
    })
}

/// The teaser group the listing is built from: the classifier's best group unless its
/// container sits in chrome the cleaner left (a consent form's purpose list, a menu; see
/// [`is_chrome`]); then, of the other groups with [`MIN_ITEMS`] members left and outside
/// chrome, the one with the most items. A best group the cleaner removed stays chosen: the page
/// gets a service page's plan (a product page typed listing reads better that way).
fn teaser_group(tree: &Arena, finds: &Finds) -> Vec<NodeId> {
    let g = &finds.groups;
    // A chrome element holding the headline or the main text is a page wrapper (an ASP.NET
    // `<form>`); without either, one holding most of the page's text is.
    let anchors: Vec<NodeId> = [finds.headline, finds.main]
        .into_iter()
        .flatten()
        .filter(|n| attached(tree, *n))
        .collect();
    let page_chars = super::body(tree).map_or(0, |b| dom::text_stats(tree, b).chars) as f64;
    let wrapper = |a: NodeId| {
        if anchors.is_empty() {
            dom::text_stats(tree, a).chars as f64 > super::WRAPPER_SHARE * page_chars
        } else {
            anchors.iter().any(|h| dom::is_within(tree, *h, a))
        }
    };
    let in_chrome = |n: NodeId| {
        std::iter::once(n)
            .chain(tree.ancestors(n))
            .any(|a| tree.is_element(a) && is_chrome(tree, a) && !wrapper(a))
    };
    let usable = |items: &[NodeId]| {
        items.len() >= MIN_ITEMS
            && items
                .iter()
                .skip(1)
                .try_fold(items[0], |acc, i| common_ancestor(tree, acc, *i))
                .is_some_and(|c| !in_chrome(c))
    };
    let best = attached_only(tree, &g.teasers);
    if best.len() < MIN_ITEMS || usable(&best) {
        return best;
    }
    g.teaser_groups
        .iter()
        .map(|group| attached_only(tree, group))
        .filter(|items| usable(items))
        .max_by_key(Vec::len)
        .unwrap_or(best)
}

/// Chrome a teaser group is never the listing in: consent dialogs and forms, menus (see
/// [`vocab::SERVICE_FURNITURE`](super::vocab::SERVICE_FURNITURE)). Not asides: an article
/// typed listing has its best group there and reads better with it.
fn is_chrome(tree: &Arena, n: NodeId) -> bool {
    tree.tag_in(n, CHROME_TAGS) || super::class_has(tree, n, super::vocab::SERVICE_FURNITURE)
}

/// Elements that hold a consent panel's or a search's controls, not a listing.
const CHROME_TAGS: TagSet = TagSet::of(&["form", "dialog"]);
