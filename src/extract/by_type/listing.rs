//! A listing's body (home, section, tag, search, archive and collection pages): the
//! headline and the intro (the main-text candidate when it is outside the items), then
//! every item of the classifier's teaser group, or of its price group on a product grid,
//! each rendered whole (title, summary, byline/date, price). Groups inside nav, header or
//! footer were never groups (see `page_type::groups`). A listing without a group left
//! (a category page of text blocks) gets a service page's plan: its main area.

use super::{attached, attached_only, Plan};
use crate::extract::page_type::Finds;
use crate::html::arena::Arena;
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
    let outside = |n| {
        !items
            .iter()
            .any(|i| dom::is_within(tree, *i, n) || dom::is_within(tree, n, *i))
    };
    let mut roots = items.clone();
    for n in [finds.headline, finds.main].into_iter().flatten() {
        if attached(tree, n) && outside(n) {
            roots.push(n);
        }
    }
    Some(Plan {
        roots,
        drop: Vec::new(),
        key_value: false,
        area: false,
    })
}
