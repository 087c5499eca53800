//! DOM-level cleaning: non-content elements (scripts, forms controls, hidden nodes) and the
//! `[[dom]]` rules of `selectors/_global.toml` plus a site or theme's `strip` selectors.
//! In: a parsed document. Out: the same document with the matched elements detached.

use super::Removals;
use crate::html::arena::{Arena, AttrName, NodeId, NodeKind, Tag, TagSet};
use crate::html::dom::{self, StatsTable};
use crate::html::select::Sel;
use crate::rules::classes::{ClassIndex, CLASS_HIT, UNLESS_HIT};
use crate::rules::DomRule;
use rustc_hash::FxHashMap;

/// An element holding more than this share of the page's text is never removed by a class
/// rule: a wrapper named `post-share-wrap` around the whole article must survive.
const PROTECT_SHARE: f64 = 0.5;
/// A paragraph at least this long is prose (for the protection below).
const PROSE_P_CHARS: usize = 120;
/// An element holding at least this many prose paragraphs...
const PROTECT_MIN_PROSE: usize = 3;
/// ...and at least this share of the page's prose paragraphs is article, not a widget.
const PROTECT_PROSE_SHARE: f64 = 0.3;
/// Elements no `[[dom]]` rule removes: the page's frame, and links (a rule removes their
/// container, never one link of a sentence).
const NEVER_RULED: TagSet = TagSet::of(&["html", "body", "main", "a"]);

/// Remove scripts, styles, form controls and other elements that never carry article text,
/// and comments. Not counted as cleaner removals: they are not visible text.
pub fn remove_non_content(tree: &mut Arena) {
    let ids: Vec<NodeId> = tree
        .descendants(NodeId::ROOT)
        .filter(|n| {
            tree.kind(*n) == NodeKind::Comment || (dom::is_non_content(tree, *n) && !is_formula(tree, *n))
        })
        .collect();
    dom::detach_all(tree, &ids);
}

/// True for a formula's source, kept for the renderer: `<math>` and MathJax's
/// `<script type="math/tex">`.
fn is_formula(tree: &Arena, n: NodeId) -> bool {
    tree.tag_is(n, Tag::MATH)
        || (tree.is(n, Tag::SCRIPT)
            && tree
                .attr_by_id(n, AttrName::TYPE)
                .is_some_and(|t| t.starts_with("math/tex")))
}

/// Apply the DOM rules to the whole page. The strict pass uses every rule; the lenient
/// retry (when the strict pass found too little text) uses only the CSS `selectors`, since
/// class-name guesses (`--ads` modifiers, live-ticker items classed `comment`) are what
/// most often removes a whole article piece by piece.
///
/// `index` is [`ClassIndex::new`] of these `rules`
/// ([`crate::rules::Rules::dom_class_index`]).
pub fn apply_dom_rules(
    tree: &mut Arena,
    rules: &[DomRule],
    index: &ClassIndex,
    strict: bool,
    rm: &mut Removals,
) {
    let mut remove: Vec<(NodeId, usize)> = Vec::new();
    let mut scans = ClassScans::default();
    {
        let tree: &Arena = tree;
        let stats = StatsTable::build(tree);
        let page = PageTotals {
            chars: body_chars(tree, &stats),
            prose: prose_paragraphs(tree, NodeId::ROOT, &stats),
        };
        let mut stack: Vec<NodeId> = vec![NodeId::ROOT];
        let selected = selected_by_rules(tree, rules, strict);
        let ctx = RuleContext {
            tree,
            rules,
            index,
            strict,
            page,
            stats: &stats,
            selected: &selected,
        };
        while let Some(node) = stack.pop() {
            if crate::limits::tick() {
                break;
            }
            if let Some(rule_idx) = matching_rule(&ctx, node, &mut scans) {
                remove.push((node, rule_idx));
                continue;
            }
            // Element children in reverse, so that they come off the stack in document order.
            let first = stack.len();
            stack.extend(tree.element_children(node));
            stack[first..].reverse();
        }
    }
    for (id, idx) in &remove {
        if let Some(rule) = rules.get(*idx) {
            rm.add(&rule.id, || dom::inner_text(tree, *id));
        }
    }
    let ids: Vec<NodeId> = remove.into_iter().map(|(id, _)| id).collect();
    dom::detach_all(tree, &ids);
}

/// Remove elements matching a site's or theme's `strip` selectors inside `scope` (or the
/// whole page when `scope` is `None`), counted under `rule_id`.
pub fn apply_strip(
    tree: &mut Arena,
    selectors: &[Sel],
    scope: Option<NodeId>,
    rule_id: &str,
    rm: &mut Removals,
) {
    let mut ids = Vec::new();
    for sel in selectors {
        for el in sel.select(tree) {
            if scope.is_none_or(|s| dom::is_within(tree, el, s) && s != el) {
                ids.push(el);
            }
        }
    }
    for id in &ids {
        if tree.parent(*id).is_some() {
            rm.add(rule_id, || dom::inner_text(tree, *id));
        }
    }
    dom::detach_all(tree, &ids);
}

/// Remove the given nodes (e.g. from conditional cleaning), counted under `rule_id`.
pub fn remove_nodes(tree: &mut Arena, ids: &[NodeId], rule_id: &str, rm: &mut Removals) {
    for id in ids {
        let t = dom::inner_text(tree, *id);
        if !t.is_empty() {
            rm.add(rule_id, || t);
        }
    }
    dom::detach_all(tree, ids);
}

fn body_chars(tree: &Arena, stats: &StatsTable<'_>) -> usize {
    tree.descendants(NodeId::ROOT)
        .find(|n| tree.tag_is(*n, Tag::BODY))
        .map(|b| stats.get(b).chars)
        .unwrap_or(0)
}

/// An `<aside>` (or `role=complementary`) without the headline: by its own markup, not the
/// article (Readability.js drops asides), so neither its size nor its prose (a live feed, a
/// teaser column) protects it from a rule that names it.
fn is_aside(tree: &Arena, node: NodeId) -> bool {
    (tree.tag_is(node, Tag::ASIDE) || tree.attr_by_id(node, AttrName::ROLE) == Some("complementary"))
        && !tree.descendants(node).any(|d| tree.tag_is(d, Tag::H1))
}

/// Number of prose paragraphs (`<p>` of at least [`PROSE_P_CHARS`]) under a node.
fn prose_paragraphs(tree: &Arena, id: NodeId, stats: &StatsTable<'_>) -> usize {
    tree.descendants(id)
        .filter(|d| tree.tag_is(*d, Tag::P) && stats.get(*d).chars >= PROSE_P_CHARS)
        .count()
}

/// The lowercased `class` + `id` ([`dom::class_id`]) of each distinct pair of values on a
/// page, and in a strict pass its [`ClassIndex::scan`]: pages repeat the same classes on
/// hundreds of elements, so each pair is read once.
#[derive(Default)]
struct ClassScans<'t> {
    memo: FxHashMap<ClassAndId<'t>, (String, Vec<u8>)>,
}

/// An element's `class` and `id` values.
type ClassAndId<'t> = (Option<&'t str>, Option<&'t str>);

impl<'t> ClassScans<'t> {
    fn get(&mut self, tree: &'t Arena, node: NodeId, index: &ClassIndex, strict: bool) -> (&str, &[u8]) {
        let key = (
            tree.attr_by_id(node, AttrName::CLASS),
            tree.attr_by_id(node, AttrName::ID),
        );
        let (cid, hits) = self.memo.entry(key).or_insert_with(|| {
            let cid = dom::class_id(tree, node);
            let mut hits = Vec::new();
            if strict && !cid.is_empty() {
                index.scan(&cid, &mut hits);
            }
            (cid, hits)
        });
        (cid, hits)
    }
}

/// What the rule test of every element of one page shares.
struct RuleContext<'a> {
    tree: &'a Arena,
    rules: &'a [DomRule],
    index: &'a ClassIndex,
    strict: bool,
    page: PageTotals,
    stats: &'a StatsTable<'a>,
    /// Per rule, the elements its selectors match ([`selected_by_rules`]).
    selected: &'a [Vec<NodeId>],
}

/// Per rule (empty for a rule left out of this pass), the elements its CSS selectors match,
/// in arena order: one indexed selection per rule instead of a test per element.
fn selected_by_rules(tree: &Arena, rules: &[DomRule], strict: bool) -> Vec<Vec<NodeId>> {
    rules
        .iter()
        .map(|rule| {
            if rule.strict_only && !strict {
                return Vec::new();
            }
            match &rule.any_selector {
                Some(any) => any.select(tree).collect(),
                None => {
                    let mut v: Vec<NodeId> = rule.selectors.iter().flat_map(|s| s.select(tree)).collect();
                    v.sort_unstable();
                    v.dedup();
                    v
                }
            }
        })
        .collect()
}

/// The page's text and prose paragraph counts, for the protection of the article.
#[derive(Clone, Copy)]
struct PageTotals {
    chars: usize,
    prose: usize,
}

/// The first rule that removes `node`, if any.
fn matching_rule<'a>(ctx: &RuleContext<'a>, node: NodeId, scans: &mut ClassScans<'a>) -> Option<usize> {
    let RuleContext {
        tree,
        rules,
        index,
        strict,
        page,
        stats,
        selected,
    } = *ctx;
    let (total, prose_total) = (page.chars, page.prose);
    let tag = tree.tag(node)?;
    if NEVER_RULED.contains(tag) {
        return None;
    }
    let (cid, hits) = scans.get(tree, node, index, strict);
    let mut node_stats: Option<dom::TextStats> = None;
    for (i, rule) in rules.iter().enumerate() {
        if rule.strict_only && !strict {
            continue;
        }
        let mut hit = selected.get(i).is_some_and(|v| v.binary_search(&node).is_ok());
        if !hit && strict && !cid.is_empty() {
            let h = hits.get(i).copied().unwrap_or(0);
            hit = h & CLASS_HIT != 0 && h & UNLESS_HIT == 0;
        }
        if !hit {
            continue;
        }
        let st = *node_stats.get_or_insert_with(|| stats.get(node));
        if let Some(max) = rule.max_chars {
            if st.chars > max {
                continue;
            }
        }
        let aside = rule.any_size || is_aside(tree, node);
        if total > 0 && st.chars as f64 > total as f64 * PROTECT_SHARE && !aside {
            continue;
        }
        if st.chars >= PROSE_P_CHARS * PROTECT_MIN_PROSE && !aside {
            let prose = prose_paragraphs(tree, node, stats);
            if prose >= PROTECT_MIN_PROSE && prose as f64 >= prose_total as f64 * PROTECT_PROSE_SHARE {
                continue;
            }
        }
        // Collapsed accordions and tabs hide real paragraphs until a click: keep them.
        if rule.keep_if_prose
            && tag != Tag::P
            && tag != Tag::SPAN
            && !rule.keep_if_prose_unless.iter().any(|w| cid.contains(w.as_str()))
            && prose_paragraphs(tree, node, stats) >= 1
        {
            continue;
        }
        if let Some(p) = &rule.text_pattern {
            if !p.is_match(&dom::inner_text(tree, node)) {
                continue;
            }
        }
        return Some(i);
    }
    None
}
