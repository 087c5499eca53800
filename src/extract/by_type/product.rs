//! A product page's body: the block that holds the headline and the description (their
//! nearest common ancestor; the headline's parent chain up to the body without a
//! description), so the name, the buy-box facts, the description and the specification
//! tables come together; inside it, reviews ([`vocab::PRODUCT_REVIEWS`], `itemprop=review`),
//! other products ([`vocab::PRODUCT_OTHERS`], price-grid members that do not hold the
//! headline) and page furniture are dropped.

use super::{attached, body, class_has, is_furniture, marked, vocab, Plan};
use crate::extract::page_type::Finds;
use crate::html::arena::{Arena, AttrName, NodeId};
use crate::html::dom;

/// The plan for a product page.
pub(super) fn plan(tree: &Arena, finds: &Finds) -> Option<Plan> {
    let h1 = finds.headline.filter(|h| attached(tree, *h))?;
    let root = match finds.main.filter(|m| attached(tree, *m)) {
        Some(m) => common_ancestor(tree, h1, m)?,
        None => body(tree)?,
    };
    let others: Vec<NodeId> = finds
        .groups
        .priced
        .iter()
        .copied()
        .filter(|p| !dom::is_within(tree, h1, *p) && dom::is_within(tree, *p, root) && *p != root)
        .collect();
    let mut drop = marked(tree, root, |t, n| {
        is_furniture(t, n) || is_review(t, n) || class_has(t, n, vocab::PRODUCT_OTHERS)
    });
    drop.retain(|d| !dom::is_within(tree, h1, *d));
    drop.extend(others);
    Some(Plan {
        roots: vec![root],
        drop,
    })
}

/// A review or a review list.
fn is_review(tree: &Arena, n: NodeId) -> bool {
    tree.attr_by_id(n, AttrName::ITEMPROP)
        .is_some_and(|p| p.split_whitespace().any(|t| t.eq_ignore_ascii_case("review")))
        || class_has(tree, n, vocab::PRODUCT_REVIEWS)
}

/// The nearest element holding both nodes.
fn common_ancestor(tree: &Arena, a: NodeId, b: NodeId) -> Option<NodeId> {
    std::iter::once(a)
        .chain(tree.ancestors(a))
        .find(|x| dom::is_within(tree, b, *x))
        .filter(|x| tree.is_element(*x))
}
