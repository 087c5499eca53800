//! Where on a page a byline or a date is not one: inside navigation, menus, dropdowns and
//! comment threads ("page chrome"), inside scripts, styles and code, or in an element with
//! more text than a byline. Predicates over the parsed page, shared by the byline scanner
//! and the date finders; they find nothing themselves.

use crate::html::arena::{Arena, AttrName, NodeId, TagSet};

/// A byline or date element with more text than this is prose, not a byline.
pub(super) const MAX_BYLINE_CHARS: usize = 200;

/// Elements whose text is not page text a reader sees (a byline or a date there is not one).
pub(super) const NOT_PAGE_TEXT: TagSet = TagSet::of(&[
    "script", "style", "noscript", "head", "title", "option", "pre", "code",
]);

/// Navigation elements: what is inside them is page chrome.
const CHROME_TAGS: TagSet = TagSet::of(&["nav", "menu", "select"]);

/// How many elements up a menu or comment class marks a byline candidate as page chrome.
const CHROME_CLASS_LEVELS: usize = 5;

/// True inside navigation, menus and comment threads, where "By …" sorts links or names
/// a commenter: a `nav`/`menu` element or navigation role anywhere above, or a menu,
/// dropdown or comment class on one of the nearest [`CHROME_CLASS_LEVELS`] elements (page
/// wrappers far up carry such words as states: "under-menu", "menu-open").
pub(super) fn in_chrome(tree: &Arena, node: NodeId) -> bool {
    tree.ancestors(node).enumerate().any(|(level, a)| {
        if !tree.is_element(a) {
            return false;
        }
        if tree.tag_in(a, CHROME_TAGS)
            || tree
                .attr_by_id(a, AttrName::ROLE)
                .is_some_and(|r| matches!(r, "navigation" | "menu" | "menubar"))
        {
            return true;
        }
        level < CHROME_CLASS_LEVELS
            && tree
                .attr_by_id(a, AttrName::CLASS)
                .into_iter()
                .chain(tree.attr_by_id(a, AttrName::ID))
                .flat_map(str::split_whitespace)
                .any(|tok| {
                    let tok = tok.to_ascii_lowercase();
                    let comment = tok == "comment"
                        || tok == "comments"
                        || tok.starts_with("comment-")
                        || tok.starts_with("comments-")
                        || tok.starts_with("comment_")
                        || tok.starts_with("commentlist");
                    tok.contains("menu")
                        || tok.contains("dropdown")
                        || tok.contains("navbar")
                        || (comment && !["open", "closed", "count"].iter().any(|w| tok.contains(w)))
                })
    })
}
