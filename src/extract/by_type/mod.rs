//! Extraction by page type: for a page classified as something other than an article, the
//! nodes whose text is the body, chosen from what the classifier found ([`Finds`]: the
//! headline, the main-text candidate, the teaser/post/price groups) instead of the single
//! container that readability scoring picks. In: the cleaned tree, the page type and the
//! finds. Out: a [`Plan`] (the roots to render, in document order, and the nodes inside
//! them to drop first), or `None` to keep the readability path. The extractor renders the
//! plan's roots together with readability's choice ([`merge_roots`]), and readability's
//! conditional cleaning (which removes link-dense and short containers: teasers, a post's
//! one-line reply, a landing page's feature blurbs) spares the plan's roots ([`spare`]).
//!
//! - `forum` ([`forum`]): every post of the post group, in thread order, the question
//!   before it; per-post chrome dropped.
//! - `listing` ([`listing`]): the headline and intro, then every item of the teaser group
//!   (or the price group of a product grid).
//! - `product` ([`product`]): the block from the headline through the description and the
//!   specifications; reviews and other products dropped.
//! - `service` ([`service`]): every section of the main area, without page furniture.
//! - `article`, `documentation`, `other`: no plan (readability, as before).

mod forum;
mod listing;
mod product;
mod service;
pub mod vocab;

use crate::clean::Removals;
use crate::extract::page_type::Finds;
use crate::html::arena::{Arena, AttrName, Edge, NodeId, Tag, TagSet};
use crate::html::dom;
use crate::model::{Block, PageType};
use crate::rules::BlockRule;

/// What to render for a page type.
#[derive(Debug, Default)]
pub struct Plan {
    /// The subtrees whose text is the body, in document order.
    pub roots: Vec<NodeId>,
    /// Nodes inside the roots to remove before rendering (chrome, reviews, furniture).
    pub drop: Vec<NodeId>,
    /// The roots are an area (a listing's main area when it has no items), not a structure
    /// found: they join readability's choice only when they add enough text
    /// ([`adds_enough`]), also when they hold it.
    pub area: bool,
    /// Render two-cell table rows and `dt`/`dd` pairs as "key: value" lines
    /// ([`key_value_rows`]): a product's specifications.
    pub key_value: bool,
    /// The structure found inside the roots (a listing's items inside its area), when the
    /// roots are wider: it decides whether the roots join readability's choice (see
    /// [`to_join`]).
    pub core: Vec<NodeId>,
    /// Nodes that count with the core for the text it adds, not for the overlap (a
    /// listing's headline and intro: the intro is often readability's choice itself).
    pub beside: Vec<NodeId>,
}

/// The plan for a page of type `kind` (see the module comment).
pub fn plan(tree: &Arena, kind: PageType, finds: &Finds) -> Option<Plan> {
    let mut p = match kind {
        PageType::Forum => forum::plan(tree, finds),
        PageType::Listing => listing::plan(tree, finds),
        PageType::Product => product::plan(tree, finds),
        PageType::Service => service::plan(tree),
        PageType::Article | PageType::Documentation | PageType::Other => None,
    }?;
    p.roots.sort_unstable();
    p.roots.dedup();
    Some(p)
}

/// The outermost of both root lists, in document order (a root inside another goes).
pub fn merge_roots(tree: &Arena, a: &[NodeId], b: &[NodeId]) -> Vec<NodeId> {
    let mut all: Vec<NodeId> = a.iter().chain(b).copied().collect();
    all.sort_unstable();
    all.dedup();
    let inner = |n: NodeId| all.iter().any(|o| *o != n && dom::is_within(tree, n, *o));
    let keep: Vec<NodeId> = all.iter().copied().filter(|n| !inner(*n)).collect();
    keep
}

/// The typed roots' text outside readability's roots, as a share of the latter's text,
/// below which typed roots that all sit apart from readability's are a page's sidebar
/// teasers or related links next to an article-like body (an article the classifier called
/// a listing): readability's choice stays alone. Measured on wcxb-pages-dev and the
/// readability set: 0.3 to 1.0 cost the typed pages nothing (0.700) and 1.0 keeps the two
/// articles called listings in the readability set as they were.
const MIN_ADDED_SHARE: f64 = 1.0;

/// An area (a listing without items, a service page) with fewer characters outside links
/// than this is menus and link lists: a handful of words of its own, the least a page says.
const MIN_AREA_OWN_CHARS: usize = 25;

/// The typed roots to join to readability's roots, if they are worth it: one of them holds
/// or sits inside one of readability's (a thread's posts in the container readability
/// picked are then spared by its conditional cleaning; a landing page's `<main>` holds
/// readability's section), or they add enough text (see [`MIN_ADDED_SHARE`]; always so
/// for an [`Plan::area`] with text that is not links: an article called a listing keeps its
/// body). A plan with a [`Plan::core`] is judged by its core and [`Plan::beside`]: the
/// wider roots join when readability's choice holds the whole core (it agrees that the
/// items are the content) or when core and beside add enough text apart from it (a
/// listing's items beside a short intro); when they only overlap it (readability chose one
/// item, or an article's body with teasers around it: an article called a listing), the
/// core and what is beside it join, not the wider roots (the area around an article's body
/// holds its chrome).
/// Out: the roots to join and whether they are the whole plan.
pub fn to_join(tree: &Arena, plan: &Plan, chosen: &[NodeId]) -> Option<(Vec<NodeId>, bool)> {
    let overlaps = |t: &NodeId| {
        chosen
            .iter()
            .any(|c| dom::is_within(tree, *t, *c) || dom::is_within(tree, *c, *t))
    };
    if plan.core.is_empty() {
        let typed = &plan.roots;
        if plan.area && own_chars(tree, typed) < MIN_AREA_OWN_CHARS {
            // An area whose text is all links is navigation (a page of menus), never a body.
            return None;
        }
        let join = (!plan.area && typed.iter().any(overlaps)) || adds_enough(tree, plan.area, typed, chosen);
        return join.then(|| (typed.clone(), true));
    }
    let core: Vec<NodeId> = plan.core.iter().chain(&plan.beside).copied().collect();
    let holds_core = plan
        .core
        .iter()
        .all(|k| chosen.iter().any(|c| dom::is_within(tree, *k, *c)));
    if holds_core || adds_enough(tree, false, &core, chosen) {
        return Some((plan.roots.clone(), true));
    }
    plan.core
        .iter()
        .chain(&plan.beside)
        .any(overlaps)
        .then_some((core, false))
}

/// Characters outside links under the nodes.
fn own_chars(tree: &Arena, nodes: &[NodeId]) -> usize {
    nodes
        .iter()
        .map(|n| {
            let st = dom::text_stats(tree, *n);
            st.chars.saturating_sub(st.link_chars)
        })
        .sum()
}

/// True when the typed roots' text outside readability's roots is at least
/// [`MIN_ADDED_SHARE`] of the latter (an area counts all its text, also when it holds them).
fn adds_enough(tree: &Arena, area: bool, typed: &[NodeId], chosen: &[NodeId]) -> bool {
    let chars = |n: &NodeId| dom::text_stats(tree, *n).chars as f64;
    let chosen_chars: f64 = chosen.iter().map(chars).sum();
    let merged: f64 = merge_roots(tree, typed, chosen).iter().map(chars).sum();
    let merged = if area {
        typed.iter().map(chars).sum::<f64>().max(merged)
    } else {
        merged
    };
    merged - chosen_chars >= MIN_ADDED_SHARE * chosen_chars
}

/// Leave out of `junk` what is inside a protected root or holds one.
pub fn spare(tree: &Arena, junk: &mut Vec<NodeId>, protect: &[NodeId]) {
    if protect.is_empty() {
        return;
    }
    junk.retain(|j| {
        !protect
            .iter()
            .any(|p| dom::is_within(tree, *j, *p) || dom::is_within(tree, *p, *j))
    });
}

/// The block rules that apply to a page of type `kind` (all but its
/// [`vocab::EXEMPT_BLOCK_RULES`]), or `None` when all do.
pub fn block_rules(kind: PageType, rules: &[BlockRule]) -> Option<Vec<BlockRule>> {
    let exempt = vocab::EXEMPT_BLOCK_RULES.iter().find(|(k, _)| *k == kind)?.1;
    Some(
        rules
            .iter()
            .filter(|r| !exempt.contains(&r.id.as_str()))
            .cloned()
            .collect(),
    )
}

/// Drop the rendered blocks that are per-type chrome: a forum's "Posts: 4,032" lines, and on
/// a listing whose `whole` plan joined the body, the short link labels that the exempt
/// link-only rule would have dropped ([`is_link_label`]).
pub fn filter_blocks(kind: PageType, blocks: Vec<Block>, whole: bool, rm: &mut Removals) -> Vec<Block> {
    match kind {
        PageType::Forum => forum_lines(blocks, rm),
        PageType::Listing if whole => blocks
            .into_iter()
            .filter(|b| {
                let label = is_link_label(b);
                if label {
                    rm.add("type.listing-link-label", || b.text.clone());
                }
                !label
            })
            .collect(),
        _ => blocks,
    }
}

/// Share of link characters that makes a paragraph a link on its own.
const LINK_ONLY_SHARE: f64 = 0.9;
/// A listing's linked item title has at least this many words, on one line; a linked
/// paragraph of fewer is a label ("Service", "Show all"), one of several lines a row of
/// links, which a listing keeps no more than an article (it is exempt from the link-only
/// rule, see [`vocab::EXEMPT_BLOCK_RULES`]).
const LINK_TITLE_MIN_WORDS: usize = 3;

/// A paragraph that is links and nothing else, and not an item's title.
fn is_link_label(b: &Block) -> bool {
    matches!(b.tag.as_str(), "p" | "div")
        && b.chars > 0
        && b.link_chars as f64 >= LINK_ONLY_SHARE * b.chars as f64
        && (b.text.split_whitespace().count() < LINK_TITLE_MIN_WORDS || b.text.trim().contains('\n'))
}

/// Drop the lines of per-post chrome from a forum's blocks.
fn forum_lines(blocks: Vec<Block>, rm: &mut Removals) -> Vec<Block> {
    let mut out = Vec::with_capacity(blocks.len());
    for mut b in blocks {
        let lines: Vec<&str> = b.text.split('\n').collect();
        let kept: Vec<&str> = lines
            .iter()
            .copied()
            .filter(|l| !vocab::FORUM_CHROME_LINE.is_match(l.trim()))
            .collect();
        if kept.len() == lines.len() {
            out.push(b);
            continue;
        }
        for l in lines
            .iter()
            .filter(|l| vocab::FORUM_CHROME_LINE.is_match(l.trim()))
        {
            rm.add("type.forum-chrome", || l.to_string());
        }
        if kept.is_empty() {
            continue;
        }
        b.text = kept.join("\n");
        b.chars = b.text.chars().count();
        b.link_chars = b.link_chars.min(b.chars);
        out.push(b);
    }
    out
}

/// Rewrite, under the roots, each table row of exactly two cells and each `dt` followed by
/// a `dd` as one paragraph "key: value" (a specification table reads as lines, not as a
/// column of keys and a column of values).
pub fn key_value_rows(tree: &mut Arena, roots: &[NodeId]) {
    let mut pairs: Vec<(NodeId, NodeId, Vec<NodeId>)> = Vec::new();
    for r in roots {
        for n in tree.descendants(*r) {
            let kids = || tree.children(n).filter(|c| tree.is_element(*c));
            if tree.is(n, Tag::TR) {
                let cells: Vec<NodeId> = kids().collect();
                if cells.len() == 2 && cells.iter().all(|c| tree.is(*c, Tag::TD) || tree.is(*c, Tag::TH)) {
                    pairs.push((n, cells[0], vec![cells[1]]));
                }
            } else if tree.is(n, Tag::DT) {
                let mut next = tree.next_sibling(n);
                while let Some(x) = next.filter(|x| !tree.is_element(*x)) {
                    next = tree.next_sibling(x);
                }
                let next = next.filter(|d| tree.is(*d, Tag::DD));
                if let Some(dd) = next {
                    pairs.push((n, n, vec![dd]));
                }
            }
        }
    }
    for (at, key, values) in pairs {
        let k = crate::html::text::collapse_ws(&dom::inner_text(tree, key));
        let v: Vec<String> = values
            .iter()
            .map(|d| crate::html::text::collapse_ws(&dom::inner_text(tree, *d)))
            .collect();
        if k.is_empty() || v.iter().all(String::is_empty) {
            continue;
        }
        let line = format!("{}: {}", k.trim_end_matches(':'), v.join(" "));
        let Ok(p) = tree.create_element(Tag::P, tree.ns(at), std::iter::empty()) else {
            return;
        };
        let Ok(t) = tree.create_text(crate::html::arena::NodeKind::Text, &line) else {
            return;
        };
        if tree.append(p, t).is_err() || tree.insert_before(at, p).is_err() {
            continue;
        }
        tree.detach(at);
        for d in values.iter().filter(|d| **d != at) {
            tree.detach(*d);
        }
    }
}

/// True when the node is still in the document (the cleaner detaches what it removes).
fn attached(tree: &Arena, id: NodeId) -> bool {
    dom::is_within(tree, id, NodeId::ROOT)
}

/// The given nodes that are still in the document.
fn attached_only(tree: &Arena, ids: &[NodeId]) -> Vec<NodeId> {
    ids.iter().copied().filter(|n| attached(tree, *n)).collect()
}

/// The outermost elements under `root` (not `root` itself) for which `hit` holds.
fn marked(tree: &Arena, root: NodeId, hit: impl Fn(&Arena, NodeId) -> bool) -> Vec<NodeId> {
    let mut out = Vec::new();
    let mut walk = tree.traverse(root);
    while let Some(edge) = walk.next() {
        if let Edge::Open(n) = edge {
            if n != root && tree.is_element(n) && hit(tree, n) {
                out.push(n);
                walk.skip_children(n);
            }
        }
    }
    out
}

/// True when the element's class or id holds one of `words` as a token.
fn class_has(tree: &Arena, n: NodeId, words: &[&str]) -> bool {
    vocab::has_token(&dom::class_id(tree, n), words)
}

/// Elements that are page furniture wherever they are.
const FURNITURE_TAGS: TagSet = TagSet::of(&["nav", "aside", "form", "dialog"]);
/// Elements that are page furniture outside a content section (a section's own `<header>`
/// is its title).
const EDGE_TAGS: TagSet = TagSet::of(&["header", "footer"]);
/// Content sections: a `<header>`/`<footer>` inside one belongs to it.
const SECTION_TAGS: TagSet = TagSet::of(&["main", "article", "section"]);

/// Page furniture: nav/aside/forms, page-level header/footer, furniture landmark roles,
/// cookie banners and menus (see [`vocab::SERVICE_FURNITURE`]).
fn is_furniture(tree: &Arena, n: NodeId) -> bool {
    if tree.tag_in(n, FURNITURE_TAGS) {
        return true;
    }
    if tree.tag_in(n, EDGE_TAGS) && !tree.ancestors(n).any(|a| tree.tag_in(a, SECTION_TAGS)) {
        return true;
    }
    if tree
        .attr_by_id(n, AttrName::ROLE)
        .is_some_and(|r| vocab::FURNITURE_ROLES.contains(&r.trim().to_ascii_lowercase().as_str()))
    {
        return true;
    }
    class_has(tree, n, vocab::SERVICE_FURNITURE)
}

/// An element holding more than this share of the root's text is a page wrapper (an
/// ASP.NET `<form>`, a `<header>` around everything), not furniture.
const WRAPPER_SHARE: f64 = 0.5;

/// The outermost furniture elements under `root` (wrappers left in), plus those for which
/// `also` holds.
fn furniture_in(tree: &Arena, root: NodeId, also: impl Fn(&Arena, NodeId) -> bool) -> Vec<NodeId> {
    let total = dom::text_stats(tree, root).chars as f64;
    marked(tree, root, |t, n| {
        (is_furniture(t, n) && (dom::text_stats(t, n).chars as f64) <= WRAPPER_SHARE * total) || also(t, n)
    })
}

/// The nearest element holding both nodes.
pub(super) fn common_ancestor(tree: &Arena, a: NodeId, b: NodeId) -> Option<NodeId> {
    std::iter::once(a)
        .chain(tree.ancestors(a))
        .find(|x| dom::is_within(tree, b, *x))
        .filter(|x| tree.is_element(*x))
}

/// The `<body>` element, if the page has one.
fn body(tree: &Arena) -> Option<NodeId> {
    let html = tree.root_element()?;
    tree.children(html).find(|c| tree.is(*c, Tag::BODY))
}

/// Put the content of each expanded `<noscript>` (one holding elements, see
/// `page_type::noscript::expand_noscript`) in its place, so that the cleaner, which drops
/// every `<noscript>`, keeps it. Nodes keep their ids: the [`Finds`] stay valid.
pub fn unwrap_noscripts(tree: &mut Arena) {
    let expanded: Vec<NodeId> = tree
        .descendants(NodeId::ROOT)
        .filter(|n| tree.is(*n, Tag::NOSCRIPT) && tree.children(*n).any(|c| tree.is_element(c)))
        .collect();
    for ns in expanded {
        let kids: Vec<NodeId> = tree.children(ns).collect();
        for k in kids {
            if tree.insert_before(ns, k).is_err() {
                break;
            }
        }
        tree.detach(ns);
    }
}
