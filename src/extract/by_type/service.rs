//! A service page's body (landing, company, about, contact, legal): every section of the
//! main area in order, headings and short lines included: the `<main>` element when the
//! page has one, else the whole `<body>`, without page furniture (nav, asides, forms,
//! page-level header and footer, cookie banners, menus).

use super::{body, furniture_in, Plan};
use crate::html::arena::{Arena, AttrName, NodeId, Tag};

/// The plan for a service page.
pub(super) fn plan(tree: &Arena) -> Option<Plan> {
    let root = main_element(tree).or_else(|| body(tree))?;
    let drop = furniture_in(tree, root, |_, _| false);
    Some(Plan {
        roots: vec![root],
        drop,
        key_value: false,
        area: false,
        core: Vec::new(),
        beside: Vec::new(),
    })
}

/// The first `<main>` (or `role=main`) element.
pub(super) fn main_element(tree: &Arena) -> Option<NodeId> {
    tree.descendants(NodeId::ROOT).find(|n| {
        tree.is(*n, Tag::MAIN)
            || tree
                .attr_by_id(*n, AttrName::ROLE)
                .is_some_and(|r| r.trim().eq_ignore_ascii_case("main"))
    })
}
