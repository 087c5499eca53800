//! A forum thread's body: every post of the classifier's post group, in thread order, with
//! the question before it when it sits apart (the main-text candidate outside the group,
//! before the first post); per-post chrome ([`vocab::FORUM_CHROME`]) dropped. The username
//! and date lines inside each post are kept: the gold of most engines keeps them.

use super::{attached_only, class_has, marked, vocab, Plan};
use crate::extract::page_type::Finds;
use crate::html::arena::{Arena, AttrName, NodeId};
use crate::html::dom;

/// Same-tag siblings before the first post taken as posts styled apart.
const MAX_OPENING_POSTS: usize = 2;
/// Fewer posts left after cleaning is not a thread: readability decides.
const MIN_POSTS: usize = 2;

/// The plan for a forum page.
pub(super) fn plan(tree: &Arena, finds: &Finds) -> Option<Plan> {
    let posts = attached_only(tree, &finds.groups.posts);
    let first = *posts.first()?;
    if posts.len() < MIN_POSTS {
        return None;
    }
    let mut roots = posts.clone();
    roots.extend(
        tree.prev_siblings(first)
            .filter(|n| tree.is_element(*n))
            .take_while(|n| tree.tag(*n) == tree.tag(first) && shares_class(tree, *n, first))
            .take(MAX_OPENING_POSTS),
    );
    if let Some(m) = finds.main {
        let apart = !posts
            .iter()
            .any(|p| dom::is_within(tree, *p, m) || dom::is_within(tree, m, *p));
        if apart && m < first && super::attached(tree, m) {
            roots.push(m);
        }
    }
    let drop = roots
        .iter()
        .flat_map(|r| marked(tree, *r, |t, n| class_has(t, n, vocab::FORUM_CHROME)))
        .collect();
    Some(Plan {
        roots,
        drop,
        key_value: false,
        area: false,
        core: Vec::new(),
        beside: Vec::new(),
    })
}

/// True when the two elements have a class token in common.
fn shares_class(tree: &Arena, a: NodeId, b: NodeId) -> bool {
    let class = |n| tree.attr_by_id(n, AttrName::CLASS).unwrap_or("");
    let theirs: Vec<&str> = class(b).split_whitespace().collect();
    class(a).split_whitespace().any(|t| theirs.contains(&t))
}
