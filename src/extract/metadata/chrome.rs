//! Where on a page a byline or a date is not one: inside navigation, menus, dropdowns and
//! comment threads ("page chrome"), inside scripts, styles and code, or in an element with
//! more text than a byline. Predicates over the parsed page, shared by the byline scanner
//! and the date finders; they find nothing themselves.

/// A byline or date element with more text than this is prose, not a byline.
pub(super) const MAX_BYLINE_CHARS: usize = 200;

/// Elements whose text is not page text a reader sees (a byline or a date there is not one).
pub(super) const NOT_PAGE_TEXT: &[&str] = &[
    "script", "style", "noscript", "head", "title", "option", "pre", "code",
];

/// How many elements up a menu or comment class marks a byline candidate as page chrome.
const CHROME_CLASS_LEVELS: usize = 5;

/// True inside navigation, menus and comment threads, where "By …" sorts links or names
/// a commenter: a `nav`/`menu` element or navigation role anywhere above, or a menu,
/// dropdown or comment class on one of the nearest [`CHROME_CLASS_LEVELS`] elements (page
/// wrappers far up carry such words as states: "under-menu", "menu-open").
pub(super) fn in_chrome(node: ego_tree::NodeRef<'_, scraper::Node>) -> bool {
    node.ancestors().enumerate().any(|(level, a)| {
        let Some(e) = a.value().as_element() else {
            return false;
        };
        if matches!(e.name(), "nav" | "menu" | "select")
            || e.attr("role")
                .is_some_and(|r| matches!(r, "navigation" | "menu" | "menubar"))
        {
            return true;
        }
        level < CHROME_CLASS_LEVELS
            && e.attr("class")
                .into_iter()
                .chain(e.attr("id"))
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
