//! The standfirst: a lead paragraph that pages put next to the headline, outside the
//! container of the body. In: the tree and the article's roots; out: the roots with the
//! standfirst prepended when one is found.

use crate::html::arena::{Arena, NodeId, Tag, TagSet};
use crate::html::dom;
use crate::html::text;
use crate::limits;

/// Class/id tokens of a standfirst: the lead paragraph that pages put next to the headline,
/// outside the container of the body.
const LEAD_TOKENS: &[&str] = &[
    "lead",
    "intro",
    "teaser",
    "excerpt",
    "summary",
    "standfirst",
    "subtitle",
    "subheadline",
    "deck",
    "dek",
    "bajada",
    "sommario",
    "chapo",
    "chapeau",
    "abstract",
    "lede",
];
/// A standfirst is at least a sentence…
const LEAD_MIN_CHARS: usize = 40;
/// …and at most a paragraph or two.
const LEAD_MAX_CHARS: usize = 800;
/// A standfirst is text, not a list of links.
const LEAD_MAX_LINK_DENSITY: f64 = 0.3;
/// The standfirst shares an ancestor with the body at most this many levels above the body.
const LEAD_MAX_LEVELS: usize = 4;

/// Elements a standfirst does not contain: a standfirst is a paragraph or two of text.
const NOT_IN_LEAD: TagSet = TagSet::of(&["h1", "ul", "ol", "li", "nav", "form", "time", "table", "figure"]);

/// Prepend to the roots a standfirst that sits before the first root, outside it, near it.
pub(super) fn with_lead(tree: &Arena, roots: &mut Vec<NodeId>) {
    if let Some(id) = roots.first().and_then(|r| find_lead(tree, *r)) {
        roots.insert(0, id);
    }
}

/// The standfirst before `root`: the nearest preceding element with a lead class token.
fn find_lead(tree: &Arena, root: NodeId) -> Option<NodeId> {
    // The body's text, read only once a candidate gets as far as the last test.
    let body_text = std::cell::OnceCell::new();
    let body_text = || {
        body_text
            .get_or_init(|| text::collapse_ws(&dom::inner_text(tree, root)))
            .as_str()
    };
    let mut cur = root;
    for _ in 0..LEAD_MAX_LEVELS {
        let parent = tree.parent(cur)?;
        if !tree.is_element(parent) || tree.tag_is(parent, Tag::BODY) || tree.tag_is(parent, Tag::HTML) {
            return None;
        }
        for sib in tree.prev_siblings(cur) {
            if let Some(id) = lead_in(tree, sib, &body_text) {
                return Some(id);
            }
            // The row of the headline: its lead is the paragraph under the headline.
            let h1 = tree.descendants(sib).find(|d| tree.tag_is(*d, Tag::H1));
            if let Some(id) = h1.and_then(|h1| after_headline(tree, sib, h1, &body_text)) {
                return Some(id);
            }
        }
        cur = parent;
    }
    None
}

/// The last standfirst-like element of a subtree (outermost when nested), if any: a
/// depth-first search that visits later children first.
fn lead_in<'t>(tree: &Arena, node: NodeId, body_text: &impl Fn() -> &'t str) -> Option<NodeId> {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if !tree.is_element(n) || limits::tick() {
            continue;
        }
        if is_lead(tree, n, body_text) {
            return Some(n);
        }
        stack.extend(tree.children(n));
    }
    None
}

fn is_lead<'t>(tree: &Arena, node: NodeId, body_text: &impl Fn() -> &'t str) -> bool {
    let ci = dom::class_id(tree, node);
    if !ci
        .split(|c: char| !c.is_alphanumeric())
        .any(|t| LEAD_TOKENS.contains(&t))
    {
        return false;
    }
    if dom::count_tags(tree, node, NOT_IN_LEAD) > 0 {
        return false;
    }
    let st = dom::text_stats(tree, node);
    if st.chars < LEAD_MIN_CHARS || st.chars > LEAD_MAX_CHARS || st.link_density() > LEAD_MAX_LINK_DENSITY {
        return false;
    }
    let t = text::collapse_ws(&dom::inner_text(tree, node));
    !body_text().contains(&t)
}

/// A paragraph under the headline is its standfirst only when it is at least this long…
const HEADLINE_LEAD_MIN_CHARS: usize = 60;
/// …and none of its wrappers up to the headline's row is named like page furniture.
const NOT_LEAD_TOKENS: &[&str] = &[
    "byline",
    "author",
    "meta",
    "date",
    "time",
    "caption",
    "credit",
    "credits",
    "tags",
    "taglist",
    "breadcrumb",
    "breadcrumbs",
    "share",
    "social",
    "copyright",
    "disclaimer",
    "label",
    "kicker",
];

/// The standfirst in the headline's row (`row` holds the headline `h1`, before the body): the
/// first paragraph after the headline, before any other heading, when it reads as a sentence
/// or two and is not in the body already (a standfirst without a lead class).
fn after_headline<'t>(
    tree: &Arena,
    row: NodeId,
    h1: NodeId,
    body_text: &impl Fn() -> &'t str,
) -> Option<NodeId> {
    let p = tree
        .descendants(row)
        .skip_while(|d| !dom::is_within(tree, *d, h1))
        .skip_while(|d| dom::is_within(tree, *d, h1))
        .find(|d| tree.tag_is(*d, Tag::P) || tree.tag_in(*d, dom::HEADINGS))
        .filter(|d| tree.tag_is(*d, Tag::P))?;
    let furniture = |n: NodeId| {
        tree.tag_in(n, NOT_IN_LEAD)
            || dom::class_id(tree, n)
                .split(|c: char| !c.is_alphanumeric())
                .any(|t| NOT_LEAD_TOKENS.contains(&t))
    };
    if std::iter::once(p)
        .chain(tree.ancestors(p).take_while(|a| *a != row))
        .any(furniture)
        || dom::count_tags(tree, p, NOT_IN_LEAD) > 0
    {
        return None;
    }
    let st = dom::text_stats(tree, p);
    if st.chars < HEADLINE_LEAD_MIN_CHARS
        || st.chars > LEAD_MAX_CHARS
        || st.link_density() > LEAD_MAX_LINK_DENSITY
    {
        return None;
    }
    let t = text::collapse_ws(&dom::inner_text(tree, p));
    (text::ends_sentence(&t) && !body_text().contains(&t)).then_some(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::html::engine::parse_document;
    use crate::Limits;

    const HEAD: &str =
        "<div class=page><div class=head><span class=post-meta>4 March · Lena</span><h1>Routing tickets</h1>";
    const BODY: &str = "</div><div id=body><p>Most service desks start with one queue, and whoever is free picks the next ticket.</p></div></div>";

    /// The text of the standfirst found for the `#body` root of `page`, if any.
    fn lead(page: &str) -> Option<String> {
        let tree = parse_document(page, &Limits::default()).expect("parses");
        let body = tree
            .descendants(NodeId::ROOT)
            .find(|n| tree.attr_by_id(*n, crate::html::arena::AttrName::ID) == Some("body"))
            .expect("has #body");
        let mut roots = vec![body];
        with_lead(&tree, &mut roots);
        (roots.len() == 2).then(|| text::collapse_ws(&dom::inner_text(&tree, roots[0])))
    }

    #[test]
    fn the_paragraph_under_the_headline_is_the_standfirst() {
        let p = "<p>A ticket that lands with the wrong team waits twice as long for an answer.</p>";
        assert_eq!(
            lead(&format!("{HEAD}{p}{BODY}")).as_deref(),
            Some("A ticket that lands with the wrong team waits twice as long for an answer.")
        );
    }

    #[test]
    fn a_byline_or_a_caption_under_the_headline_is_not() {
        let byline =
            "<div class=byline><p>By Lena Brandt, support lead at Toolmakers since the year 2019.</p></div>";
        assert_eq!(lead(&format!("{HEAD}{byline}{BODY}")), None);
        let short = "<p>Updated 4 March 2024.</p>";
        assert_eq!(lead(&format!("{HEAD}{short}{BODY}")), None);
        let no_sentence = "<p>Support · Service desk · Queues · Routing rules · Ticket triage and more</p>";
        assert_eq!(lead(&format!("{HEAD}{no_sentence}{BODY}")), None);
    }
}
