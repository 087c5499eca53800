//! DOM-level cleaning: non-content elements (scripts, forms controls, hidden nodes) and the
//! `[[dom]]` rules of `selectors/_global.toml` plus a site or theme's `strip` selectors.
//! In: a parsed document. Out: the same document with the matched elements detached.

use super::Removals;
use crate::html::dom::{self, StatsTable};
use crate::html::select::Sel;
use crate::rules::classes::{ClassIndex, CLASS_HIT, UNLESS_HIT};
use crate::rules::DomRule;
use ego_tree::{NodeId, NodeRef};
use scraper::{ElementRef, Html, Node};

/// An element holding more than this share of the page's text is never removed by a class
/// rule: a wrapper named `post-share-wrap` around the whole article must survive.
const PROTECT_SHARE: f64 = 0.5;
/// A paragraph at least this long is prose (for the protection below).
const PROSE_P_CHARS: usize = 120;
/// An element holding at least this many prose paragraphs...
const PROTECT_MIN_PROSE: usize = 3;
/// ...and at least this share of the page's prose paragraphs is article, not a widget.
const PROTECT_PROSE_SHARE: f64 = 0.3;

/// Remove scripts, styles, form controls and other elements that never carry article text,
/// and comments. Not counted as cleaner removals: they are not visible text.
pub fn remove_non_content(html: &mut Html) {
    let ids: Vec<NodeId> = html
        .tree
        .root()
        .descendants()
        .filter(|n| {
            n.value().is_comment()
                || n.value()
                    .as_element()
                    .is_some_and(|e| dom::is_non_content_name(&e.name.local))
        })
        .map(|n| n.id())
        .collect();
    dom::detach_all(html, &ids);
}

/// Apply the DOM rules to the whole page. The strict pass uses every rule; the lenient
/// retry (when the strict pass found too little text) uses only the CSS `selectors`, since
/// class-name guesses (`--ads` modifiers, live-ticker items classed `comment`) are what
/// most often removes a whole article piece by piece.
///
/// `index` is [`ClassIndex::new`] of these `rules`
/// ([`crate::rules::Rules::dom_class_index`]).
pub fn apply_dom_rules(
    html: &mut Html,
    rules: &[DomRule],
    index: &ClassIndex,
    strict: bool,
    rm: &mut Removals,
) {
    let mut remove: Vec<(NodeId, usize)> = Vec::new();
    let mut hits = Vec::with_capacity(rules.len());
    {
        let stats = StatsTable::build(html);
        let page = PageTotals {
            chars: body_chars(html, &stats),
            prose: prose_paragraphs(html.tree.root(), &stats),
        };
        let root = html.tree.root();
        let mut stack: Vec<NodeRef<'_, Node>> = vec![root];
        while let Some(node) = stack.pop() {
            if crate::limits::tick() {
                break;
            }
            if let Some(rule_idx) = matching_rule(&node, rules, index, &mut hits, strict, page, &stats) {
                remove.push((node.id(), rule_idx));
                continue;
            }
            // Children in reverse, so that they come off the stack in document order.
            stack.extend(
                node.children()
                    .rev()
                    .filter(|c| c.value().is_element() || c.id() == root.id()),
            );
        }
    }
    for (id, idx) in &remove {
        if let (Some(node), Some(rule)) = (html.tree.get(*id), rules.get(*idx)) {
            rm.add(&rule.id, || dom::inner_text(node));
        }
    }
    let ids: Vec<NodeId> = remove.into_iter().map(|(id, _)| id).collect();
    dom::detach_all(html, &ids);
}

/// Remove elements matching a site's or theme's `strip` selectors inside `scope` (or the
/// whole page when `scope` is `None`), counted under `rule_id`.
pub fn apply_strip(
    html: &mut Html,
    selectors: &[Sel],
    scope: Option<NodeId>,
    rule_id: &str,
    rm: &mut Removals,
) {
    let mut ids = Vec::new();
    for sel in selectors {
        for el in sel.select(html) {
            if scope.is_none_or(|s| dom::is_within(*el, s) && s != el.id()) {
                ids.push(el.id());
            }
        }
    }
    for id in &ids {
        if let Some(node) = html.tree.get(*id) {
            if node.parent().is_some() {
                rm.add(rule_id, || dom::inner_text(node));
            }
        }
    }
    dom::detach_all(html, &ids);
}

/// Remove the given nodes (e.g. from conditional cleaning), counted under `rule_id`.
pub fn remove_nodes(html: &mut Html, ids: &[NodeId], rule_id: &str, rm: &mut Removals) {
    for id in ids {
        if let Some(node) = html.tree.get(*id) {
            let t = dom::inner_text(node);
            if !t.is_empty() {
                rm.add(rule_id, || t);
            }
        }
    }
    dom::detach_all(html, ids);
}

fn body_chars(html: &Html, stats: &StatsTable<'_>) -> usize {
    html.tree
        .root()
        .descendants()
        .find(|n| dom::tag(n) == Some("body"))
        .map(|b| stats.get(b).chars)
        .unwrap_or(0)
}

/// Number of prose paragraphs (`<p>` of at least [`PROSE_P_CHARS`]) under a node.
fn prose_paragraphs(node: NodeRef<'_, Node>, stats: &StatsTable<'_>) -> usize {
    node.descendants()
        .filter(|d| dom::tag(d) == Some("p") && stats.get(*d).chars >= PROSE_P_CHARS)
        .count()
}

/// The page's text and prose paragraph counts, for the protection of the article.
#[derive(Clone, Copy)]
struct PageTotals {
    chars: usize,
    prose: usize,
}

fn matching_rule(
    node: &NodeRef<'_, Node>,
    rules: &[DomRule],
    index: &ClassIndex,
    hits: &mut Vec<u8>,
    strict: bool,
    page: PageTotals,
    stats: &StatsTable<'_>,
) -> Option<usize> {
    let (total, prose_total) = (page.chars, page.prose);
    let el = ElementRef::wrap(*node)?;
    let name = el.value().name();
    if matches!(name, "html" | "body" | "main" | "a") {
        return None;
    }
    let cid = dom::class_id(node);
    if strict && !cid.is_empty() {
        index.scan(&cid, hits);
    }
    let mut node_stats: Option<dom::TextStats> = None;
    for (i, rule) in rules.iter().enumerate() {
        if rule.strict_only && !strict {
            continue;
        }
        let mut hit = match &rule.any_selector {
            Some(any) => any.matches(&el),
            None => rule.selectors.iter().any(|s| s.matches(&el)),
        };
        if !hit && strict && !cid.is_empty() {
            let h = hits.get(i).copied().unwrap_or(0);
            hit = h & CLASS_HIT != 0 && h & UNLESS_HIT == 0;
        }
        if !hit {
            continue;
        }
        let st = *node_stats.get_or_insert_with(|| stats.get(*node));
        if let Some(max) = rule.max_chars {
            if st.chars > max {
                continue;
            }
        }
        if total > 0 && st.chars as f64 > total as f64 * PROTECT_SHARE {
            continue;
        }
        if st.chars >= PROSE_P_CHARS * PROTECT_MIN_PROSE {
            let prose = prose_paragraphs(*node, stats);
            if prose >= PROTECT_MIN_PROSE && prose as f64 >= prose_total as f64 * PROTECT_PROSE_SHARE {
                continue;
            }
        }
        // Collapsed accordions and tabs hide real paragraphs until a click: keep them.
        if rule.keep_if_prose
            && !matches!(name, "p" | "span")
            && !rule.keep_if_prose_unless.iter().any(|w| cid.contains(w.as_str()))
            && prose_paragraphs(*node, stats) >= 1
        {
            continue;
        }
        if let Some(p) = &rule.text_pattern {
            if !p.is_match(&dom::inner_text(*node)) {
                continue;
            }
        }
        return Some(i);
    }
    None
}
