//! Authors named on the page itself, when no metadata names them, tried in this order:
//! author elements (`rel=author`, `.byline a`, `itemprop=author`…) of one byline, a visible
//! byline text ("By Jane Doe", "Von Max Muster", a label alone before the name), elements
//! with author classes, a link into an author folder (`/author/jane-doe`). In: the parsed
//! page. Out: raw names for [`super::authors::normalize_authors`] (the scan normalises its
//! own to tell a name from a sentence). The words it looks for are in [`super::vocab`].

use super::authors;
use super::chrome::{in_chrome, MAX_BYLINE_CHARS, NOT_PAGE_TEXT};
use super::vocab::{
    any_of, written_by, AUTHOR_NOUNS, AUTHOR_PAGE_DIRS, BY_WORDS, INITIAL_JOINERS, LINK_ONLY_AUTHOR_DIRS,
    NAME_JOINERS, NAME_PARTICLES, SCAN_ONLY_WRITTEN_BY,
};
use crate::extract::links::LINKS;
use crate::html::arena::{Arena, AttrName, NodeId, NodeKind, Tag, TagSet};
use crate::html::dom;
use crate::html::select::{DocKeys, Sel};
use std::sync::LazyLock;

/// The authors the page names in its body, from the first of the sources in the module
/// comment that names any.
pub(super) fn from_page(tree: &Arena, doc: &DocKeys<'_>) -> Vec<String> {
    let mut names = authors::normalize_authors(&rel_authors(tree, doc));
    if names.is_empty() {
        names = byline_scan(tree);
    }
    if names.is_empty() {
        names = authors::normalize_authors(&class_authors(tree, doc));
    }
    if names.is_empty() {
        names = author_link(tree);
    }
    names
}

/// The element around several author links is a byline up to this many characters.
const MAX_BYLINE_GROUP_CHARS: usize = 400;

/// More author elements than this are a list of people, not a byline.
const MAX_AUTHORS: usize = 6;

/// A byline text node is climbed at most this many elements up to find the name.
const BYLINE_CLIMB: usize = 3;

/// Labels that introduce a name: "By", "Von", "Por", "Par" (capitalised or not), and the
/// longer forms "Written by", "Posted by", "Eingestellt von", "Escrito por", "Écrit par"….
static BYLINE_LABELS: LazyLock<String> = LazyLock::new(|| {
    let short: Vec<String> = BY_WORDS
        .iter()
        .map(|w| {
            let (first, rest) = w.split_at(1);
            format!("[{}{first}]{rest}|{}", first.to_uppercase(), w.to_uppercase())
        })
        .collect();
    format!("(?:{}|{})", short.join("|"), written_by(SCAN_ONLY_WRITTEN_BY))
});
/// Nouns that label a name only with a colon or standing alone before it: "Autor: Max",
/// `<h4>Author</h4><p>Max</p>`.
static BYLINE_NOUNS: LazyLock<String> =
    LazyLock::new(|| format!("(?i:{}|contributors?)", any_of(AUTHOR_NOUNS)));
/// The one-word labels as they start a byline glued to its name ("ByJane"): `By|Von|…`.
static GLUED_LABELS: LazyLock<String> = LazyLock::new(|| {
    let capitalised: Vec<String> = BY_WORDS
        .iter()
        .map(|w| {
            let (first, rest) = w.split_at(1);
            format!("{}{rest}", first.to_uppercase())
        })
        .collect();
    capitalised.join("|")
});

/// Text that starts a byline: "By", "By Jane", "Von Max", "Written by:", "Autor:".
static BYLINE_START: LazyLock<regex::Regex> = LazyLock::new(|| {
    let (labels, nouns, glued) = (&*BYLINE_LABELS, &*BYLINE_NOUNS, &*GLUED_LABELS);
    regex::Regex::new(&format!(
        r"^(?:{labels}(?:\s*:?\s+\p{{Lu}}|\s*:\s*\p{{Lu}}|\s*:?\s*$)|(?:{glued})\p{{Lu}}\p{{Ll}}|{nouns}(?:\s*:\s*\p{{Lu}}|\s*:?\s*$))"
    ))
    .expect("constant regex")
});

/// A whole byline: the label then a capitalised name.
static BYLINE_FULL: LazyLock<regex::Regex> = LazyLock::new(|| {
    let (labels, nouns, glued) = (&*BYLINE_LABELS, &*BYLINE_NOUNS, &*GLUED_LABELS);
    regex::Regex::new(&format!(
        r"^(?:(?:{labels}|{nouns})(?:\s*:?\s+|\s*:\s*)\p{{Lu}}\p{{L}}|(?:{glued})\p{{Lu}}\p{{Ll}})"
    ))
    .expect("constant regex")
});

/// A byline label of two words or more, which nothing but a byline starts with.
static LONG_LABEL: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"^\S+\s+\S+").expect("constant regex"));

/// A label standing alone, its name in the next element ("Written by", "Autor:").
static BYLINE_LABEL_ONLY: LazyLock<regex::Regex> = LazyLock::new(|| {
    let (labels, nouns) = (&*BYLINE_LABELS, &*BYLINE_NOUNS);
    regex::Regex::new(&format!(r"^(?:{labels}|{nouns})\s*:?$")).expect("constant regex")
});

/// After "von", "por" or "par" a single capitalised word is a place or a thing ("Von
/// Hamburg", "Par Avion"), not a writer.
const MIN_STRICT_NAME_WORDS: usize = 2;

/// A byline label and the space or colon after it.
static BYLINE_PREFIX: LazyLock<regex::Regex> = LazyLock::new(|| {
    let (labels, nouns) = (&*BYLINE_LABELS, &*BYLINE_NOUNS);
    regex::Regex::new(&format!(r"^(?:{labels}|{nouns})\s*:?\s*")).expect("constant regex")
});

/// Labels that also start ordinary phrases: a lowercase "by", and "von"/"por"/"par".
static STRICT_LABEL: LazyLock<regex::Regex> = LazyLock::new(|| {
    let others: Vec<&str> = BY_WORDS.iter().copied().filter(|w| *w != "by").collect();
    regex::Regex::new(&format!(r"^(?:by|(?i:{})\b)", any_of(&others))).expect("constant regex")
});

/// A name after a lowercase byline label has at most this many words.
const MAX_BYLINE_NAME_WORDS: usize = 5;

/// Label elements standing alone whose next text is a column or a link, not a name.
const NOT_BYLINE_LABEL: TagSet = TagSet::of(&["th", "button", "label", "option"]);

/// Inline elements a byline label may sit in: `<p><em>by</em> …`.
const INLINE_WRAPPERS: TagSet = TagSet::of(&["em", "i", "b", "strong", "span", "small", "font", "a", "time"]);

/// Elements whose text is not a name after a label standing alone.
const NOT_NAME_TEXT: TagSet = TagSet::of(&["script", "style", "img", "svg"]);

/// Lists and menus: after a label standing alone, a menu, not a name.
const LIST_TAGS: TagSet = TagSet::of(&["ul", "ol", "li", "nav"]);

/// A bare "By" label: in a heading or a menu it sorts things ("By Company Size").
static BARE_BY: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"^(?:[Bb]y|BY)\b").expect("constant regex"));

/// A label glued to the name.
static BYLINE_GLUED: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(&format!(r"^({})(\p{{Lu}}\p{{Ll}})", &*GLUED_LABELS)).expect("constant regex")
});

/// Elements that hold an author's name by their markup.
static AUTHOR_ELEMENT: LazyLock<Sel> = LazyLock::new(|| {
    Sel::constant(
        r#"[itemprop~="author"] [itemprop~="name"], [class*="author-name" i], [class*="authorname" i], [class*="author__name" i], [class*="byline-name" i], [class*="byline__name" i], [class*="author" i]:not([class*="comment" i]) .fn, .the-author, [class*="byline" i]"#,
    )
});

/// An author element longer than this is a bio box, not a name.
const MAX_AUTHOR_ELEMENT_CHARS: usize = 60;

/// The path of an author's page: `/author/jane-doe`, `/autoren/max-muster/`, `/editors/jon-fingas/`.
static AUTHOR_URL: LazyLock<regex::Regex> = LazyLock::new(|| {
    let dirs: Vec<&str> = AUTHOR_PAGE_DIRS
        .iter()
        .chain(LINK_ONLY_AUTHOR_DIRS)
        .copied()
        .collect();
    regex::Regex::new(&format!(r"(?i)/(?:{})/[\w%.\-]+/?(?:[?#].*)?$", any_of(&dirs)))
        .expect("constant regex")
});

static REL_AUTHOR: LazyLock<Sel> = LazyLock::new(|| {
    Sel::constant(
        r#"a[rel~="author"], [itemprop~="author"] [itemprop~="name"], [itemprop~="author"], .byline a, .author-name, .byline__name, .byline-name, [class*="byline"] [class*="author"], .author a, a.author, span.author, .entry-author a, .post-author a, [data-testid*=byline] a, .article-author, [class$="__author" i] > a, [class$="-author" i] > a, a[class*="author-link" i], a[class*="authorlink" i], a[class*="author-name" i]"#,
    )
});

/// Texts of the author elements: the first match and the matches that look like it (same
/// tag and class), so a byline's several `rel=author` links are kept but a "related
/// authors" box elsewhere is not.
fn rel_authors(tree: &Arena, doc: &DocKeys<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let mut shape: Option<(Option<Tag>, &str)> = None;
    // The byline around the first match: its largest ancestor still short enough to be a
    // byline. Later matches count only inside it (not a list of other articles' authors).
    let mut group: Option<NodeId> = None;
    for e in REL_AUTHOR.select_in(tree, doc) {
        let Some(t) = dom::short_inner_text(tree, e, MAX_BYLINE_CHARS) else {
            continue;
        };
        if t.is_empty() || in_chrome(tree, e) {
            continue;
        }
        let this = (tree.tag(e), tree.attr_by_id(e, AttrName::CLASS).unwrap_or(""));
        match (&shape, group) {
            (None, _) => {
                shape = Some(this);
                group = Some(byline_group(tree, e));
            }
            (Some(s), Some(g)) if *s == this && dom::is_within(tree, e, g) => {}
            _ => continue,
        }
        if !out.contains(&t) {
            out.push(t);
        }
        if out.len() >= MAX_AUTHORS {
            break;
        }
    }
    out
}

/// The largest element around `e` whose text is still byline-sized.
fn byline_group(tree: &Arena, e: NodeId) -> NodeId {
    let mut group = e;
    for anc in tree.ancestors(e) {
        if !tree.is_element(anc) || dom::short_inner_text(tree, anc, MAX_BYLINE_GROUP_CHARS).is_none() {
            break;
        }
        group = anc;
    }
    group
}

/// Author names in elements marked as such (`itemprop=author`, `author-name`,
/// `byline-name`, `byline` classes), when no label or metadata names them.
fn class_authors(tree: &Arena, doc: &DocKeys<'_>) -> Vec<String> {
    AUTHOR_ELEMENT
        .select_in(tree, doc)
        .filter_map(|e| dom::short_inner_text(tree, e, MAX_AUTHOR_ELEMENT_CHARS))
        .find(|t| !t.is_empty())
        .into_iter()
        .collect()
}

/// The text of the first link to an author page (`/author/jane-doe`, `/editors/…`) outside
/// menus and comments, as a name.
fn author_link(tree: &Arena) -> Vec<String> {
    LINKS
        .select(tree)
        .filter(|a| {
            tree.attr_by_id(*a, AttrName::HREF)
                .is_some_and(|h| AUTHOR_URL.is_match(h))
                && !in_chrome(tree, *a)
        })
        .filter_map(|a| dom::short_inner_text(tree, a, MAX_AUTHOR_ELEMENT_CHARS))
        .map(|t| authors::normalize_authors(&[t]))
        .find(|names| !names.is_empty())
        .unwrap_or_default()
}

/// A visible byline anywhere on the page: the smallest element whose text starts with
/// "By"/"Von"/"Por"/"Par" (or a longer label) followed by a capitalised name, e.g.
/// `<span>By</span>Jane Doe`, or a label standing alone before the element with the name.
fn byline_scan(tree: &Arena) -> Vec<String> {
    for node in tree.descendants(NodeId::ROOT) {
        if tree.kind(node) != NodeKind::Text {
            continue;
        }
        let t = tree.text(node).trim();
        if !BYLINE_START.is_match(t)
            || in_chrome(tree, node)
            || tree.ancestors(node).any(|a| tree.tag_in(a, NOT_PAGE_TEXT))
        {
            continue;
        }
        let raw = if BYLINE_LABEL_ONLY.is_match(t) {
            // "Written by" / `<h4>Autor</h4>`: the name is the next thing on the page. The
            // label must open its block ("uunf by <a>Daniel</a>" is a sentence) and not be
            // a table header or a menu link.
            // A table header, a button, or a link whose whole text is the label ("Authors"
            // in a menu) is not a byline.
            let not_byline = tree.ancestors(node).take(BYLINE_CLIMB).any(|a| {
                tree.tag_in(a, NOT_BYLINE_LABEL)
                    || (tree.tag_is(a, Tag::A)
                        && dom::short_inner_text(tree, a, MAX_BYLINE_CHARS).is_some_and(|x| x.trim() == t))
            });
            if not_byline {
                continue;
            }
            if starts_block(tree, node) {
                // After a short label ("By", "Autor") the next text must read as a name;
                // after "Posted by", "Gespeichert von" any handle will do ("rasos").
                let long = LONG_LABEL.is_match(t);
                next_text(tree, node, long).filter(|n| long || name_follows(n))
            } else {
                climb_byline(tree, node, t)
            }
        } else {
            climb_byline(tree, node, t)
        };
        let names = authors::normalize_authors(&raw.into_iter().collect::<Vec<_>>());
        if !names.is_empty() {
            return names;
        }
    }
    Vec::new()
}

/// The element around a byline text node whose whole text is the label and the name.
fn climb_byline(tree: &Arena, node: NodeId, label: &str) -> Option<String> {
    let bare_by = BARE_BY.is_match(label);
    // "von", "por", "par" and a lowercase "by" also start phrases in running text ("Von
    // Berlin aus…", "von Wertpapieren des Sektors"): the name must follow them directly.
    let strict = STRICT_LABEL.is_match(label);
    for anc in tree.ancestors(node).take(BYLINE_CLIMB) {
        if !tree.is_element(anc)
            || tree.tag_in(anc, NOT_PAGE_TEXT)
            || ((bare_by || strict) && tree.tag_in(anc, dom::HEADINGS))
        {
            return None;
        }
        let text = dom::short_inner_text(tree, anc, MAX_BYLINE_CHARS)?;
        if BYLINE_FULL.is_match(&text) {
            let rest = BYLINE_PREFIX
                .find(&text)
                .map_or(text.as_str(), |m| &text[m.end()..]);
            if strict && name_words(rest).is_none_or(|n| n < MIN_STRICT_NAME_WORDS) {
                return None;
            }
            // `<span>By</span>Jane` renders as "ByJane": put the space back.
            return Some(BYLINE_GLUED.replace(&text, "$1 $2").into_owned());
        }
    }
    None
}

/// The first text after `node` in document order (its later siblings, then its parents'),
/// looking at most [`BYLINE_CLIMB`] levels up.
fn next_text(tree: &Arena, node: NodeId, allow_list: bool) -> Option<String> {
    let mut cur = node;
    for _ in 0..BYLINE_CLIMB {
        for sib in tree.next_siblings(cur) {
            let text = match tree.kind(sib) {
                NodeKind::Text => tree.text(sib).trim(),
                NodeKind::Element if !tree.tag_in(sib, NOT_NAME_TEXT) => {
                    // A list after a heading "Authors" is a menu ("Privacy Policy"), unless
                    // the label says "Written by:" before it.
                    if !allow_list && tree.tag_in(sib, LIST_TAGS) {
                        return None;
                    }
                    tree.descendants(sib)
                        .filter(|d| tree.kind(*d) == NodeKind::Text)
                        .map(|d| tree.text(d).trim())
                        .find(|t| !t.is_empty())
                        .unwrap_or_default()
                }
                _ => "",
            };
            if !text.is_empty() {
                return (text.chars().count() <= MAX_AUTHOR_ELEMENT_CHARS).then(|| text.to_string());
            }
        }
        cur = tree.parent(cur).filter(|p| tree.is_element(*p))?;
    }
    None
}

/// True when nothing but inline wrappers and whitespace comes before `node` in its block.
fn starts_block(tree: &Arena, node: NodeId) -> bool {
    let mut cur = node;
    loop {
        if !tree.prev_siblings(cur).all(|p| match tree.kind(p) {
            NodeKind::Text => tree.text(p).trim().is_empty(),
            NodeKind::Comment => true,
            _ => false,
        }) {
            return false;
        }
        match tree.parent(cur) {
            Some(p) if tree.tag_in(p, INLINE_WRAPPERS) => cur = p,
            _ => return true,
        }
    }
}

/// True when `rest` (the text after a byline label) starts with names: one to five
/// capitalised words, name particles or "and" before any punctuation or number.
fn name_follows(rest: &str) -> bool {
    name_words(rest).is_some()
}

/// How many words the names at the start of `rest` have, if they look like names.
fn name_words(rest: &str) -> Option<usize> {
    let head = rest
        .split([',', '|', '•', '·', '–', '—', '(', ';'])
        .next()
        .unwrap_or("");
    let words: Vec<&str> = head
        .split_whitespace()
        .take_while(|w| !w.starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    let name_like = |w: &&str| {
        let lower = w.to_lowercase();
        w.starts_with(char::is_uppercase)
            || NAME_PARTICLES.contains(&lower.as_str())
            || NAME_JOINERS.contains(&lower.as_str())
            || INITIAL_JOINERS.contains(&lower.as_str())
    };
    ((1..=MAX_BYLINE_NAME_WORDS).contains(&words.len()) && words.iter().all(name_like)).then_some(words.len())
}
