//! A listing's body (home, section, tag, search, archive and collection pages): the
//! listing's area, from the headline through every item, as the gold of listings holds it
//! (the intro, the sub-category links, each item's title, summary, byline and price). The
//! area is the nearest element holding the headline and the container of the classifier's
//! teaser group (or of its price group on a product grid), without page furniture (nav,
//! asides, forms, page-level header and footer, menus, cookie banners). When the headline
//! is missing or shares no area with the items but the `<body>`, the items' container with
//! the headline and the intro (the main-text candidate) beside it. Groups inside nav,
//! header or footer were never groups (see `page_type::groups`). A listing without a group
//! left (a category page of text blocks) gets a service page's plan: its main area.

use super::{attached, attached_only, common_ancestor, furniture_in, Plan};
use crate::extract::page_type::Finds;
use crate::html::arena::{Arena, NodeId, Tag};
use crate::html::dom;

/// Fewer items left after cleaning is not a listing: readability decides.
const MIN_ITEMS: usize = 3;

/// The plan for a listing page.
pub(super) fn plan(tree: &Arena, finds: &Finds) -> Option<Plan> {
    let g = &finds.groups;
    let mut items = attached_only(tree, &g.teasers);
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
