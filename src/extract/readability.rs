//! Main-content scoring in the manner of Mozilla Readability, over our arena DOM: score
//! paragraphs by length and commas, propagate scores to ancestors, pick the best container,
//! add related siblings, then prune containers that look like boilerplate ("conditional
//! cleaning"). In: a parsed, pre-cleaned document. Out: the ids of the nodes whose text is
//! the article, in document order. No text rendering here (see `render`).

use crate::html::arena::{Arena, AttrName, NodeId, NodeKind, Tag, TagSet};
use crate::html::dom::{self, StatsTable, TextStats};
use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;

/// A paragraph shorter than this (characters) is not scored: too little to be prose.
const MIN_PARAGRAPH_CHARS: usize = 25;
/// Each 100 characters of a paragraph add one point, up to this many.
const MAX_LENGTH_POINTS: f64 = 3.0;
/// Scores propagate this many ancestor levels up.
const SCORE_LEVELS: usize = 5;
/// Class/id weight for positive or negative hints.
const CLASS_WEIGHT: f64 = 25.0;
/// A sibling joins the article when it scores at least this share of the top candidate.
const SIBLING_SHARE: f64 = 0.2;
/// ...and at least this absolute score.
const SIBLING_MIN_SCORE: f64 = 10.0;
/// Sibling paragraphs longer than this join when their link density is low.
const SIBLING_LONG_P: usize = 80;
/// Link density under which a long sibling paragraph joins.
const SIBLING_MAX_LINK_DENSITY: f64 = 0.25;
/// Alternative candidates scoring at least this share of the top one vote for a common ancestor.
const ALT_CANDIDATE_SHARE: f64 = 0.75;
/// This many alternative candidates under one ancestor make it the top candidate.
const MIN_ALT_VOTES: usize = 3;
/// Conditional cleaning: containers with this many commas or more are kept as prose.
const CLEAN_MIN_COMMAS: usize = 10;
/// Conditional cleaning: link density limit for containers without positive class weight.
const CLEAN_LINK_DENSITY: f64 = 0.2;
/// Conditional cleaning: link density limit for containers with positive class weight.
const CLEAN_LINK_DENSITY_POSITIVE: f64 = 0.5;
/// Conditional cleaning: a container with less text than this and no single image goes.
const CLEAN_MIN_CHARS: usize = 25;
/// Conditional cleaning: a container with more than this share of the article's text is
/// the article's own wrapper and stays.
const CLEAN_PROTECT_SHARE: f64 = 0.5;
/// A paragraph this long is prose that a negative class hint cannot remove.
const PROSE_CHARS: usize = 140;
/// ...when at most this share of it is link text.
const PROSE_MAX_LINK_DENSITY: f64 = 0.1;
/// Conditional cleaning: a container with one embed and less text than this goes.
const CLEAN_EMBED_CHARS: usize = 75;

static POSITIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"article|body|content|entry|hentry|h-entry|main|page|pagination|post|text|blog|story|prose")
        .expect("constant regex")
});
static NEGATIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"-ad-|hidden|^hid$| hid$| hid |^hid |banner|combx|comment|kommentar|commentaire|comentario|com-|contact|footer|gdpr|masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|sidebar|skyscraper|sponsor|shopping|tags|widget|newsletter|subscribe|byline|author-bio|breadcrumb",
    )
    .expect("constant regex")
});

/// Class/id weight of an element: +25 for a positive hint in its class or id, -25 for a
/// negative one. A hint counts once: a wrapper named `content` in both its class and its id
/// (`div.content#main`) is not worth two paragraphs more than the article's own container.
/// On the elements whose tag already says "the content" (`main`, `article`) the class and
/// the id each count, as in Readability.
pub fn class_weight(tree: &Arena, node: NodeId) -> f64 {
    let (mut positive, mut negative) = (0u8, 0u8);
    if tree.is_element(node) {
        let (class, id) = (
            tree.attr_by_id(node, AttrName::CLASS),
            tree.attr_by_id(node, AttrName::ID),
        );
        for v in [class, id].into_iter().flatten() {
            // Utility classes ("overflow-hidden", "overflow-x-scroll", "md:hidden") describe
            // layout, not the role of the element.
            let v = v
                .to_lowercase()
                .split_whitespace()
                .filter(|t| !is_utility_class(t))
                .collect::<Vec<_>>()
                .join(" ");
            // Page-builder wrappers ("elementor-widget-container") are layout: their
            // "widget" says nothing about the content.
            let v_neg = v
                .split(' ')
                .filter(|t| !BUILDER_PREFIXES.iter().any(|p| t.starts_with(p)))
                .collect::<Vec<_>>()
                .join(" ");
            negative += u8::from(NEGATIVE.is_match(&v_neg));
            positive += u8::from(POSITIVE.is_match(&v));
        }
    }
    let each = tree.tag_in(node, CONTENT_TAGS);
    let hint = |n: u8| CLASS_WEIGHT * f64::from(if each { n } else { n.min(1) });
    hint(positive) - hint(negative)
}

/// Elements whose tag names them the page's content: their class and id hints each count.
const CONTENT_TAGS: TagSet = TagSet::of(&["main", "article"]);

const BUILDER_PREFIXES: &[&str] = &["elementor-", "et_pb_", "wpb_", "vc_", "fl-", "wp-block-"];

fn is_utility_class(t: &str) -> bool {
    t.contains(':')
        || t.contains('[')
        || [
            "overflow-",
            "overscroll-",
            "scroll-",
            "snap-",
            "transition",
            "duration-",
            "ease-",
            "animate-",
        ]
        .iter()
        .any(|p| t.starts_with(p))
}

fn tag_score(tag: Tag) -> f64 {
    match tag {
        Tag::DIV | Tag::ARTICLE | Tag::MAIN => 5.0,
        Tag::PRE | Tag::TD | Tag::BLOCKQUOTE => 3.0,
        Tag::ADDRESS | Tag::OL | Tag::UL | Tag::DL | Tag::DD | Tag::DT | Tag::LI | Tag::FORM => -3.0,
        Tag::H1 | Tag::H2 | Tag::H3 | Tag::H4 | Tag::H5 | Tag::H6 | Tag::TH => -5.0,
        _ => 0.0,
    }
}

/// Block children that stop a `div` from being scored as a paragraph (links and images
/// do not).
const DIV_BLOCK_CHILDREN: TagSet = TagSet::of(&[
    "blockquote",
    "dl",
    "div",
    "ol",
    "p",
    "pre",
    "table",
    "ul",
    "section",
    "article",
    "figure",
    "header",
    "footer",
    "aside",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
]);

fn is_scorable(tree: &Arena, node: NodeId) -> bool {
    match tree.tag(node) {
        Some(Tag::P | Tag::PRE | Tag::TD) => true,
        Some(Tag::DIV | Tag::SECTION) => !tree
            .descendants(node)
            .skip(1)
            .any(|d| tree.tag_in(d, DIV_BLOCK_CHILDREN)),
        _ => false,
    }
}

/// The content found: the nodes to render, in document order.
#[derive(Debug, Clone)]
pub struct Content {
    /// Root nodes of the article, in document order.
    pub roots: Vec<NodeId>,
    /// The top candidate (for diagnostics).
    pub top: NodeId,
}

/// Characters of a paragraph per point of length score.
const CHARS_PER_POINT: f64 = 100.0;
/// Beyond the parent and the grandparent, an ancestor gets the score divided by this many
/// times its level.
const FAR_LEVEL_DIVIDER: f64 = 3.0;
/// The body is the article (the last resort, nothing scored) only when less than this share
/// of its text is link text.
const BODY_MAX_LINK_DENSITY: f64 = 0.5;
/// The runners-up after the top candidate that may vote for a common ancestor.
const ALT_CANDIDATES: usize = 4;
/// Walking up stops at a parent scoring under the top candidate's score divided by this.
const WALK_UP_DIVIDER: f64 = 3.0;
/// The climb over prose compares with at least this share of the first top score.
const CLIMB_BASE_SHARE: f64 = 0.5;

/// Find the article's nodes in the document, or `None` when nothing scores. The steps, in
/// order: score paragraphs into their ancestors, rank by link density, let strong runners-up
/// vote for a common ancestor, walk up while the parent scores better, skip only children,
/// climb over sibling sections of prose, and add the siblings that belong to the article.
pub fn find_content(tree: &Arena) -> Option<Content> {
    let body = tree
        .descendants(NodeId::ROOT)
        .find(|n| tree.tag_is(*n, Tag::BODY))?;
    let stats = StatsTable::build(tree);
    let (mut scores, order) = score_paragraphs(tree, body, &stats)?;
    if scores.is_empty() {
        // Nothing long enough to score: the body is the article (Readability's last resort).
        let st = stats.get(body);
        return (st.chars > 0 && st.link_density() < BODY_MAX_LINK_DENSITY).then(|| Content {
            roots: vec![body],
            top: body,
        });
    }
    let ranked = rank(&stats, &mut scores, &order);
    let (mut top, top_score) = *ranked.first()?;
    if let Some(anc) = voted_ancestor(tree, top, &ranked, top_score) {
        top = anc;
    }
    top = walk_up(tree, top, &scores);
    top = skip_only_children(tree, top);
    top = climb_over_prose(tree, &stats, &scores, top, top_score);
    let top_score = scores.get(&top).copied().unwrap_or(top_score);
    Some(with_siblings(tree, &stats, &scores, top, top_score))
}

/// Score every paragraph-like element into its ancestors (Readability's length and comma
/// points, divided by the level): the scores and the order the candidates were met in.
/// `None` when the time budget ran out.
fn score_paragraphs(
    tree: &Arena,
    body: NodeId,
    stats: &StatsTable<'_>,
) -> Option<(HashMap<NodeId, f64>, Vec<NodeId>)> {
    let mut scores: HashMap<NodeId, f64> = HashMap::new();
    let mut order: Vec<NodeId> = Vec::new();
    for node in tree.descendants(body) {
        if crate::limits::tick() {
            return None;
        }
        if !is_scorable(tree, node) {
            // Text the page did not wrap in paragraphs, between the blocks of a container.
            for st in text_runs(tree, node, stats) {
                let ancestors = std::iter::once(node).chain(tree.ancestors(node));
                add_score(tree, &mut scores, &mut order, ancestors, paragraph_score(st));
            }
            continue;
        }
        let st = stats.get(node);
        if st.chars < MIN_PARAGRAPH_CHARS {
            continue;
        }
        add_score(
            tree,
            &mut scores,
            &mut order,
            tree.ancestors(node),
            paragraph_score(st),
        );
    }
    Some((scores, order))
}

/// Readability's points of a paragraph: one, one per comma, one per 100 characters (up to 3).
fn paragraph_score(st: TextStats) -> f64 {
    1.0 + st.commas as f64 + (st.chars as f64 / CHARS_PER_POINT).floor().min(MAX_LENGTH_POINTS)
}

/// Give a paragraph's score to its first ancestors (`ancestors`, nearest first), divided by
/// the level; an ancestor met for the first time starts at its tag and class/id weight.
fn add_score(
    tree: &Arena,
    scores: &mut HashMap<NodeId, f64>,
    order: &mut Vec<NodeId>,
    ancestors: impl Iterator<Item = NodeId>,
    score: f64,
) {
    for (level, anc) in ancestors.take(SCORE_LEVELS).enumerate() {
        let Some(tag) = tree.tag(anc).filter(|t| *t != Tag::HTML) else {
            break;
        };
        let entry = scores.entry(anc).or_insert_with(|| {
            order.push(anc);
            tag_score(tag) + class_weight(tree, anc)
        });
        let divider = match level {
            0 => 1.0,
            1 => 2.0,
            l => l as f64 * FAR_LEVEL_DIVIDER,
        };
        *entry += score / divider;
    }
}

/// A run of links between blocks is navigation, not a paragraph left unwrapped.
const RUN_MAX_LINK_DENSITY: f64 = 0.3;
/// Elements whose text is already scored as one paragraph: no runs inside them.
const PARAGRAPH_TAGS: TagSet = TagSet::of(&["p", "pre", "td"]);

/// The paragraphs a container holds as bare text: runs of text and inline elements between
/// its block children, split at `<br><br>` (Readability.js wraps them in `<p>`), each long
/// enough to score and with few links. Only for a container with block children (else the
/// container itself is scored as one paragraph) outside scored paragraphs.
fn text_runs(tree: &Arena, node: NodeId, stats: &StatsTable<'_>) -> Vec<TextStats> {
    let mut runs = Vec::new();
    let bare_text = |c: NodeId| tree.kind(c) == NodeKind::Text && !tree.text(c).trim().is_empty();
    if !tree.is_element(node)
        || tree.tag_in(node, PARAGRAPH_TAGS)
        || tree.tag_is(node, Tag::BODY)
        || !tree.children(node).any(bare_text)
        || !tree.children(node).any(|c| tree.tag_in(c, DIV_BLOCK_CHILDREN))
        || tree.ancestors(node).any(|a| tree.tag_in(a, PARAGRAPH_TAGS))
    {
        return runs;
    }
    let mut run = TextStats::default();
    let mut after_br = false;
    let mut flush = |run: &mut TextStats| {
        if run.chars >= MIN_PARAGRAPH_CHARS && run.link_density() <= RUN_MAX_LINK_DENSITY {
            runs.push(*run);
        }
        *run = TextStats::default();
    };
    for c in tree.children(node) {
        if tree.tag_is(c, Tag::BR) {
            if after_br {
                flush(&mut run);
            }
            after_br = true;
            continue;
        }
        let st = stats.get(c);
        if tree.is_element(c)
            && (dom::is_block(tree, c) || tree.descendants(c).skip(1).any(|d| dom::is_block(tree, d)))
        {
            flush(&mut run);
            after_br = false;
            continue;
        }
        if st.chars > 0 && !(tree.kind(c) == NodeKind::Text && tree.text(c).trim().is_empty()) {
            after_br = false;
        }
        run.chars += st.chars;
        run.link_chars += st.link_chars;
        run.commas += st.commas;
    }
    flush(&mut run);
    runs
}

/// The candidates by score scaled by their link density, best first; `scores` gets the
/// scaled scores.
fn rank(stats: &StatsTable<'_>, scores: &mut HashMap<NodeId, f64>, order: &[NodeId]) -> Vec<(NodeId, f64)> {
    let mut ranked: Vec<(NodeId, f64)> = order
        .iter()
        .map(|id| {
            let ld = stats.get(*id).link_density();
            (*id, scores.get(id).copied().unwrap_or(0.0) * (1.0 - ld))
        })
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    for (id, s) in &ranked {
        scores.insert(*id, *s);
    }
    ranked
}

/// Several strong candidates under one ancestor of the top one: that ancestor is the
/// article.
fn voted_ancestor(
    tree: &Arena,
    top_node: NodeId,
    ranked: &[(NodeId, f64)],
    top_score: f64,
) -> Option<NodeId> {
    let alternatives: Vec<NodeId> = ranked
        .iter()
        .skip(1)
        .take(ALT_CANDIDATES)
        .filter(|(_, s)| *s >= top_score * ALT_CANDIDATE_SHARE)
        .map(|(id, _)| *id)
        .collect();
    if alternatives.len() < MIN_ALT_VOTES {
        return None;
    }
    for anc in tree.ancestors(top_node) {
        if is_body_or_above(tree, anc) {
            break;
        }
        let votes = alternatives
            .iter()
            .filter(|a| dom::is_within(tree, **a, anc))
            .count();
        if votes >= MIN_ALT_VOTES {
            return Some(anc);
        }
    }
    None
}

/// Where the walks up from a candidate stop: the body, or a node that is no element.
fn is_body_or_above(tree: &Arena, node: NodeId) -> bool {
    tree.tag(node).is_none_or(|t| t == Tag::BODY)
}

/// Walk up from `top` while the parent scores better (the article wrapper holds more of it).
fn walk_up(tree: &Arena, mut top: NodeId, scores: &HashMap<NodeId, f64>) -> NodeId {
    let mut cur = top;
    let mut last_score = scores.get(&top).copied().unwrap_or(0.0);
    let threshold = last_score / WALK_UP_DIVIDER;
    while let Some(parent) = tree.parent(cur) {
        if is_body_or_above(tree, parent) {
            break;
        }
        let Some(ps) = scores.get(&parent).copied() else {
            cur = parent;
            continue;
        };
        if ps < threshold {
            break;
        }
        if ps > last_score {
            top = parent;
            break;
        }
        last_score = ps;
        cur = parent;
    }
    top
}

/// An only child adds nothing: its parent instead, as far up as that holds.
fn skip_only_children(tree: &Arena, top: NodeId) -> NodeId {
    let mut node = top;
    while let Some(parent) = tree.parent(node) {
        if is_body_or_above(tree, parent) {
            break;
        }
        if tree.element_children(parent).count() != 1 {
            break;
        }
        node = parent;
    }
    node
}

/// Climb while what the parent adds is mostly prose that scores as content: an article
/// split into sibling sections (page builders, CSS-module blogs) is one article.
fn climb_over_prose(
    tree: &Arena,
    stats: &StatsTable<'_>,
    scores: &HashMap<NodeId, f64>,
    mut top: NodeId,
    first_top_score: f64,
) -> NodeId {
    let top_score_now = scores
        .get(&top)
        .copied()
        .unwrap_or(0.0)
        .max(first_top_score * CLIMB_BASE_SHARE);
    let mut cur = top;
    let mut cur_chars = stats.get(cur).chars;
    let mut cur_prose = prose_chars(tree, cur, stats);
    for _ in 0..CLIMB_LEVELS {
        let Some(parent) = tree.parent(cur) else { break };
        if is_body_or_above(tree, parent) {
            break;
        }
        let chars = stats.get(parent).chars;
        let prose = prose_chars(tree, parent, stats);
        let added = chars.saturating_sub(cur_chars);
        let added_prose = prose.saturating_sub(cur_prose);
        let best_other = scores
            .iter()
            .filter(|(id, _)| dom::is_within(tree, **id, parent) && !dom::is_within(tree, **id, cur))
            .map(|(_, s)| *s)
            .fold(0.0_f64, f64::max);
        let content = added_prose as f64 >= added as f64 * CLIMB_MIN_PROSE_SHARE
            && best_other >= top_score_now * CLIMB_MIN_SCORE_SHARE;
        if added > 0 && content {
            top = parent;
        } else if added >= CLIMB_SKIP_CHARS {
            break;
        }
        cur = parent;
        cur_chars = chars;
        cur_prose = prose;
    }
    top
}

/// The article's roots: `top` and the siblings that belong to it (scoring near it, sharing
/// its class, or prose paragraphs), in document order.
fn with_siblings(
    tree: &Arena,
    stats: &StatsTable<'_>,
    scores: &HashMap<NodeId, f64>,
    top: NodeId,
    top_score: f64,
) -> Content {
    let mut roots = Vec::new();
    let Some(parent) = tree.parent(top) else {
        return Content {
            roots: vec![top],
            top,
        };
    };
    let threshold = (top_score * SIBLING_SHARE).max(SIBLING_MIN_SCORE);
    let top_class = tree.attr_by_id(top, AttrName::CLASS).unwrap_or("");
    for sib in tree.children(parent) {
        if sib == top {
            roots.push(sib);
            continue;
        }
        if !tree.is_element(sib) {
            continue;
        }
        let mut bonus = 0.0;
        if !top_class.is_empty() && tree.attr_by_id(sib, AttrName::CLASS) == Some(top_class) {
            bonus = top_score * SIBLING_SHARE;
        }
        let sib_score = scores.get(&sib).copied();
        let mut append = sib_score.is_some_and(|s| s + bonus >= threshold);
        if !append && tree.tag_is(sib, Tag::P) {
            let st: TextStats = stats.get(sib);
            let ld = st.link_density();
            if st.chars > SIBLING_LONG_P && ld < SIBLING_MAX_LINK_DENSITY {
                append = true;
            } else if st.chars > 0 && st.chars <= SIBLING_LONG_P && ld == 0.0 {
                append = crate::html::text::ends_sentence(&dom::inner_text(tree, sib));
            }
        }
        if append {
            roots.push(sib);
        }
    }
    Content { roots, top }
}

/// Levels the climb over prose goes up at most.
const CLIMB_LEVELS: usize = 8;
/// A parent joins when at least this share of what it adds is prose…
const CLIMB_MIN_PROSE_SHARE: f64 = 0.75;
/// …counting paragraphs of at least this many characters…
const CLIMB_PROSE_MIN_CHARS: usize = 40;
/// …and another candidate under it scores at least this share of the top one.
const CLIMB_MIN_SCORE_SHARE: f64 = 0.3;
/// A parent that adds this much text that is not prose stops the climb.
const CLIMB_SKIP_CHARS: usize = 150;
/// A prose paragraph has less link text than this share.
const CLIMB_PROSE_MAX_LINK_DENSITY: f64 = 0.3;

/// Characters of prose paragraphs (`p`, or `li` without `p`) with few links under a node.
fn prose_chars(tree: &Arena, node: NodeId, stats: &StatsTable<'_>) -> usize {
    tree.descendants(node)
        .filter(|d| match tree.tag(*d) {
            Some(Tag::P) => true,
            // A list item of paragraphs counts by its paragraphs.
            Some(Tag::LI) => dom::count_tags(tree, *d, P_OR_LI) == 0,
            _ => false,
        })
        .filter(|d| !in_teaser_item(tree, *d))
        .map(|d| stats.get(d))
        .filter(|st| st.chars >= CLIMB_PROSE_MIN_CHARS && st.link_density() < CLIMB_PROSE_MAX_LINK_DENSITY)
        .map(|st| st.chars)
        .sum()
}

/// List items this many levels up from a paragraph make it a teaser's line.
const TEASER_ITEM_LEVELS: usize = 3;

/// True for a paragraph in (or a list item that is) a teaser: a list item with a heading
/// (`li > (a > h3) + p`, a headline and its one-line summary), which links to another story.
fn in_teaser_item(tree: &Arena, node: NodeId) -> bool {
    std::iter::once(node)
        .chain(tree.ancestors(node).take(TEASER_ITEM_LEVELS))
        .find(|a| tree.tag_is(*a, Tag::LI))
        .is_some_and(|li| dom::count_tags(tree, li, dom::HEADINGS) > 0)
}

/// Readability's conditional cleaning: inside the chosen roots, find containers (div,
/// section, table, lists, forms, asides, figures) that look like boilerplate rather than
/// prose. Returns the ids to remove.
pub fn conditional_clean(tree: &Arena, roots: &[NodeId]) -> Vec<NodeId> {
    let stats = StatsTable::build_under(tree, roots);
    let mut remove = Vec::new();
    let total: usize = roots.iter().map(|r| stats.get(*r).chars).sum();
    let protect = (total as f64 * CLEAN_PROTECT_SHARE) as usize;
    for root in roots {
        let mut stack: Vec<NodeId> = tree.children(*root).collect();
        stack.reverse();
        while let Some(node) = stack.pop() {
            if !tree.is_element(node) || crate::limits::tick() {
                continue;
            }
            if should_remove(tree, node, protect, &stats) {
                remove.push(node);
                continue;
            }
            // Children in reverse, so that they come off the stack in document order.
            let first = stack.len();
            stack.extend(tree.children(node));
            stack[first..].reverse();
        }
    }
    remove
}

/// Conditional cleaning: Readability's allowance of list items before they outnumber the
/// paragraphs of a container that is not a list.
const LI_ALLOWANCE: f64 = 100.0;
/// Conditional cleaning: a container whose text is more than this share list text is a list.
const LIST_TEXT_SHARE: f64 = 0.9;
/// Conditional cleaning: a container with several images and fewer paragraphs per image than
/// this is a gallery or an ad block (outside a figure).
const MIN_PARAGRAPHS_PER_IMAGE: f64 = 0.5;
/// Conditional cleaning: a container may hold one form input per this many paragraphs.
const PARAGRAPHS_PER_INPUT: f64 = 3.0;
/// Conditional cleaning: a short container with one or two images is a captioned figure;
/// with more, a strip of thumbnails.
const MAX_CAPTIONED_IMAGES: f64 = 2.0;

/// Containers that conditional cleaning looks at.
const CLEAN_TAGS: TagSet = TagSet::of(&[
    "div", "section", "table", "ul", "ol", "form", "aside", "fieldset", "header", "footer", "nav",
]);
/// Code: a container inside it is content.
const CODE: TagSet = TagSet::of(&["pre", "code"]);
/// Lists.
const LISTS: TagSet = TagSet::of(&["ul", "ol"]);
/// Embedded content (players, social posts).
const EMBEDS: TagSet = TagSet::of(&["object", "embed", "iframe"]);
/// A list item holding at most one of these (itself) is one prose paragraph.
const P_OR_LI: TagSet = TagSet::of(&["p", "li"]);
/// The parts only a data table has.
const DATA_TABLE_PARTS: TagSet = TagSet::of(&["caption", "th", "thead", "tfoot", "colgroup", "col"]);

fn should_remove(tree: &Arena, node: NodeId, protect: usize, stats: &StatsTable<'_>) -> bool {
    let Some(tag) = tree.tag(node) else { return false };
    if !CLEAN_TAGS.contains(tag) {
        return false;
    }
    let st = stats.get(node);
    // The wrapper of most of the article is the article, whatever its class says.
    if st.chars > protect {
        return false;
    }
    // Code and data tables are content.
    if tag == Tag::TABLE && is_data_table(tree, node) {
        return false;
    }
    // A wrapper around a data table ("table-scroll") is the table's, not boilerplate.
    if tree
        .descendants(node)
        .skip(1)
        .any(|d| tree.tag_is(d, Tag::TABLE) && is_data_table(tree, d))
    {
        return false;
    }
    if tree.ancestors(node).any(|a| tree.tag_in(a, CODE)) {
        return false;
    }
    let weight = class_weight(tree, node);
    if weight < 0.0 && !has_prose(tree, node, stats) {
        return true;
    }
    if st.commas >= CLEAN_MIN_COMMAS {
        return false;
    }
    let p = dom::count_tag(tree, node, Tag::P) as f64;
    let img = dom::count_tag(tree, node, Tag::IMG) as f64;
    let li = dom::count_tag(tree, node, Tag::LI) as f64 - LI_ALLOWANCE;
    let input = dom::count_tag(tree, node, Tag::INPUT) as f64;
    let headings = dom::count_tags(tree, node, dom::HEADINGS);
    let embeds = tree.descendants(node).filter(|d| tree.tag_in(*d, EMBEDS)).count();
    let ld = st.link_density();
    let is_list = tag == Tag::UL || tag == Tag::OL || {
        // Readability: a container whose text is nearly all list text is a list.
        let list_chars: usize = tree
            .children(node)
            .flat_map(|c| tree.descendants(c))
            .filter(|d| {
                tree.tag_in(*d, LISTS)
                    && !tree
                        .ancestors(*d)
                        .any(|a| a != node && tree.tag_in(a, LISTS) && dom::is_within(tree, a, node))
            })
            .map(|d| stats.get(d).chars)
            .sum();
        st.chars > 0 && list_chars as f64 / st.chars as f64 > LIST_TEXT_SHARE
    };
    // Heading-rich text sections are structure, not boilerplate.
    if headings > 0 && st.chars > 0 && ld < CLEAN_LINK_DENSITY && p >= 1.0 {
        return false;
    }
    (img > 1.0
        && p / img < MIN_PARAGRAPHS_PER_IMAGE
        && !tree.ancestors(node).any(|a| tree.tag_is(a, Tag::FIGURE)))
        || (!is_list && li > p)
        || input > (p / PARAGRAPHS_PER_INPUT).floor()
        || (!is_list
            && st.chars < CLEAN_MIN_CHARS
            && (img == 0.0 || img > MAX_CAPTIONED_IMAGES)
            && headings == 0)
        || (!is_list && weight < CLASS_WEIGHT && ld > CLEAN_LINK_DENSITY)
        || (weight >= CLASS_WEIGHT && ld > CLEAN_LINK_DENSITY_POSITIVE)
        || ((embeds == 1 && st.chars < CLEAN_EMBED_CHARS) || embeds > 1)
}

/// True when a container holds a real paragraph: long, with few links. A negative class
/// hint ("widget", "meta") does not outweigh that.
fn has_prose(tree: &Arena, node: NodeId, stats: &StatsTable<'_>) -> bool {
    tree.descendants(node).any(|d| {
        tree.tag_is(d, Tag::P) && {
            let st = stats.get(d);
            st.chars >= PROSE_CHARS && st.link_density() < PROSE_MAX_LINK_DENSITY
        }
    })
}

fn is_data_table(tree: &Arena, node: NodeId) -> bool {
    if tree.attr_by_id(node, AttrName::ROLE) == Some("presentation") {
        return false;
    }
    tree.descendants(node).any(|d| tree.tag_in(d, DATA_TABLE_PARTS))
        || dom::count_tag(tree, node, Tag::TR) >= 3 && dom::count_tag(tree, node, Tag::TABLE) == 0
}
