//! The breadcrumb trail shown on the page (microdata `BreadcrumbList`, `breadcrumb`
//! classes, `nav[aria-label=breadcrumb]`): the items of the first trail, separators trimmed,
//! repeats dropped. In: the parsed page. Out: the trail's names. JSON-LD trails are read in
//! [`super::jsonld`]; which one wins is decided in [`super::extract`].

use crate::html::arena::{Arena, AttrName, Tag, TagSet};
use crate::html::dom;
use crate::html::select::{DocKeys, Sel};
use std::sync::LazyLock;

static BREADCRUMB: LazyLock<Sel> = LazyLock::new(|| {
    Sel::constant(
        r#"[itemtype*="BreadcrumbList"] [itemprop~="name"], [class*="breadcrumb" i] a, [class*="breadcrumb" i] li, [class*="breadcrumb" i] span, [id*="breadcrumb" i] a, nav[aria-label*="readcrumb"] a, .entry-crumbs .entry-crumb, .crumbs a"#,
    )
});

/// Elements a crumb is made of: one holding them is a wrapper, not a crumb.
const CRUMB_PARTS: TagSet = TagSet::of(&["a", "span", "li"]);

/// A breadcrumb item longer than this is not a crumb.
const MAX_CRUMB_CHARS: usize = 150;

/// A trail longer than this is a menu, not a breadcrumb: the rest is not read.
const MAX_CRUMBS: usize = 8;

pub(super) fn dom_breadcrumbs(tree: &Arena, doc: &DocKeys<'_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen_parent = None;
    for e in BREADCRUMB.select_in(tree, doc) {
        // Only one breadcrumb trail: the first container that yields items.
        let container = tree.ancestors(e).find(|a| {
            tree.is_element(*a) && {
                let c = dom::class_id(tree, *a);
                c.contains("breadcrumb")
                    || c.contains("crumbs")
                    || tree
                        .attr_by_id(*a, AttrName::ITEMTYPE)
                        .is_some_and(|t| t.contains("BreadcrumbList"))
                    || tree.tag_is(*a, Tag::NAV)
            }
        });
        if seen_parent.is_some() && container != seen_parent {
            continue;
        }
        seen_parent = container;
        if tree.children(e).any(|c| tree.tag_in(c, CRUMB_PARTS)) && !tree.tag_is(e, Tag::A) {
            continue;
        }
        let Some(t) = dom::short_inner_text(tree, e, MAX_CRUMB_CHARS) else {
            continue;
        };
        let t = t.trim_matches(|c: char| {
            c == '›' || c == '»' || c == '>' || c == '/' || c == '|' || c.is_whitespace()
        });
        if t.is_empty() {
            continue;
        }
        if out.last().is_none_or(|l| l != t) {
            out.push(t.to_string());
        }
        if out.len() >= MAX_CRUMBS {
            break;
        }
    }
    out
}
