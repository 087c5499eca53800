//! A product page's body: the block that holds the headline and the description (their
//! nearest common ancestor; the headline's parent chain up to the body without a
//! description), so the name, the buy-box facts, the description and the specification
//! tables come together; inside it, reviews ([`vocab::PRODUCT_REVIEWS`], `itemprop=review`),
//! other products ([`vocab::PRODUCT_OTHERS`], price-grid members that do not hold the
//! headline) and page furniture are dropped; specification rows read "key: value". Without a headline, the main area (as a
//! service page's) without reviews and other products.

use super::{attached, body, class_has, common_ancestor, furniture_in, vocab, Plan};
use crate::extract::page_type::Finds;
use crate::html::arena::{Arena, AttrName, NodeId};
use crate::html::dom;

/// The plan for a product page.
pub(super) fn plan(tree: &Arena, finds: &Finds) -> Option<Plan> {
    let h1 = finds.headline.filter(|h| attached(tree, *h));
    let main = finds.main.filter(|m| attached(tree, *m));
    let root = match (h1, main) {
        (Some(h), Some(m)) => common_ancestor(tree, h, m)?,
        (Some(_), None) => body(tree)?,
        (None, _) => super::service::main_element(tree).or_else(|| body(tree))?,
    };
    let holds_h1 = |n: NodeId| h1.is_some_and(|h| dom::is_within(tree, h, n));
    let others: Vec<NodeId> = finds
        .groups
        .priced
        .iter()
        .copied()
        .filter(|p| !holds_h1(*p) && dom::is_within(tree, *p, root) && *p != root)
        .collect();
    let mut drop = furniture_in(tree, root, |t, n| {
        is_review(t, n) || class_has(t, n, vocab::PRODUCT_OTHERS)
    });
    drop.retain(|d| !holds_h1(*d));
    drop.extend(others);
    Some(Plan {
        roots: vec![root],
        drop,
        key_value: true,
        area: false,
        core: Vec::new(),
        beside: Vec::new(),
    })
}

/// A review or a review list.
fn is_review(tree: &Arena, n: NodeId) -> bool {
    tree.attr_by_id(n, AttrName::ITEMPROP)
        .is_some_and(|p| p.split_whitespace().any(|t| t.eq_ignore_ascii_case("review")))
        || class_has(tree, n, vocab::PRODUCT_REVIEWS)
}
