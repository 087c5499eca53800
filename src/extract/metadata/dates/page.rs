//! Dates the page shows rather than declares: `<time datetime>` (and microdata
//! `datePublished`/`dateModified`), short texts in date-classed elements, and a date standing
//! alone just below (or above) the headline. In: the parsed page. Out: ISO dates, parsed by
//! [`super`]; which source wins is decided in [`crate::extract::metadata::extract`].

use super::{find_date_in_text, find_date_span, is_plausible};
use crate::extract::metadata::chrome::{in_chrome, MAX_BYLINE_CHARS, NOT_PAGE_TEXT};
use crate::html::arena::{Arena, AttrName, NodeId, NodeKind};
use crate::html::dom;
use crate::html::select::{DocKeys, Sel};
use std::sync::LazyLock;

static TIME: LazyLock<Sel> = LazyLock::new(|| {
    Sel::constant(
        "time[datetime], relative-time[datetime], [itemprop~=datePublished], [itemprop~=dateModified]",
    )
});

static DATE_TEXT: LazyLock<Sel> = LazyLock::new(|| {
    Sel::constant(
        r#"[class*="date" i], [class*="time" i], [class*="published" i], [class*="byline" i], [class*="meta" i], [id*="date" i]"#,
    )
});

/// Elements with a date class read before giving up: a date is near the top of the page.
const MAX_DATE_ELEMENTS: usize = 200;

pub(in crate::extract::metadata) static H1: LazyLock<Sel> = LazyLock::new(|| Sel::constant("h1"));

/// An h1 shorter than this is a logo or a section name, not the headline.
const MIN_HEADLINE_CHARS: usize = 15;

/// An h1 longer than this wraps more than a headline.
const MAX_HEADLINE_TEXT_CHARS: usize = 400;

/// How many long h1s are tried as the headline when looking for the date next to it.
const MAX_HEADLINE_H1S: usize = 3;

/// How many non-empty texts after (and before) the headline may hold its date.
const HEADLINE_DATE_TEXTS: usize = 12;

/// A text holding only a date, with at most a label around it ("Published on …").
const MAX_DATE_TEXT_CHARS: usize = 40;

pub(in crate::extract::metadata) fn time_value(
    tree: &Arena,
    doc: &DocKeys<'_>,
    published: bool,
) -> Option<String> {
    let mut fallback = None;
    for t in TIME.select_in(tree, doc) {
        let attr = |name| tree.attr_by_id(t, name);
        let prop = attr(AttrName::ITEMPROP).unwrap_or("").to_lowercase();
        let class = attr(AttrName::CLASS).unwrap_or("").to_lowercase();
        let v = attr(AttrName::DATETIME)
            .or_else(|| attr(AttrName::CONTENT))
            .map(str::to_string);
        let Some(v) = v else { continue };
        let is_mod = prop.contains("modified")
            || class.contains("updated") && !class.contains("published")
            || class.contains("modified");
        let is_pub = prop.contains("published")
            || attr(AttrName::PUBDATE).is_some()
            || class.contains("published")
            || class.contains("entry-date")
            || class.contains("pub");
        if published && is_pub || !published && is_mod {
            return Some(v);
        }
        if published && !is_mod && fallback.is_none() {
            fallback = Some(v);
        }
    }
    fallback
}

pub(in crate::extract::metadata) fn text_date(
    tree: &Arena,
    doc: &DocKeys<'_>,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<String> {
    for e in DATE_TEXT.select_in(tree, doc).take(MAX_DATE_ELEMENTS) {
        let Some(t) = dom::short_inner_text(tree, e, MAX_BYLINE_CHARS) else {
            continue;
        };
        if t.is_empty() {
            continue;
        }
        if let Some(d) = find_date_in_text(&t) {
            if is_plausible(&d, now) {
                return Some(d.iso);
            }
        }
    }
    None
}

/// A date standing alone in a short text right below the headline (or just above it, as a
/// kicker): "Dec 17, 2025", "Published on Oct 21, 2025", "17.05.2021". Pages built with
/// utility classes (`text-sm`, `_1zZc`) give no other sign of it.
pub(in crate::extract::metadata) fn headline_date(
    tree: &Arena,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<String> {
    // Screen-reader h1s ("Navigation und Service") and logo h1s come first on some pages:
    // the first few long h1s are tried in turn.
    H1.select(tree)
        .filter(|h| {
            dom::short_inner_text(tree, *h, MAX_HEADLINE_TEXT_CHARS)
                .is_some_and(|t| t.chars().count() >= MIN_HEADLINE_CHARS)
                && !in_chrome(tree, *h)
        })
        .take(MAX_HEADLINE_H1S)
        .find_map(|h1| date_around(tree, h1, now))
}

/// The first date in a short text after `h1` (or, failing that, before it), or in a longer
/// text that opens with it ("01.02.2022 – Der Arbeitsmarkt …", a dateline).
fn date_around(tree: &Arena, h1: NodeId, now: chrono::DateTime<chrono::Utc>) -> Option<String> {
    let first_date = |nodes: &mut dyn Iterator<Item = NodeId>| -> Option<String> {
        nodes
            .filter(|n| {
                tree.kind(*n) == NodeKind::Text && !tree.ancestors(*n).any(|a| tree.tag_in(a, NOT_PAGE_TEXT))
            })
            .map(|n| tree.text(n).trim())
            .filter(|t| !t.is_empty())
            .take(HEADLINE_DATE_TEXTS)
            .find_map(|t| {
                let short = t.chars().count() <= MAX_DATE_TEXT_CHARS;
                let opens_with_digit = t.starts_with(|c: char| c.is_ascii_digit());
                // A long text counts only as a dateline: no need to search it otherwise.
                if !short && !opens_with_digit {
                    return None;
                }
                let (start, _, d) = find_date_span(t)?;
                let dateline = start == 0 && opens_with_digit;
                ((short || dateline) && is_plausible(&d, now)).then_some(d.iso)
            })
    };
    // Document order from the h1 on, then backwards from it, without entering it.
    let following = std::iter::successors(Some(h1), |n| {
        tree.next_sibling(*n)
            .or_else(|| tree.ancestors(*n).find_map(|a| tree.next_sibling(a)))
    });
    let mut following_texts = following.skip(1).flat_map(|n| tree.descendants(n));
    if let Some(d) = first_date(&mut following_texts) {
        return Some(d);
    }
    // Reverse document order, lazily: the previous sibling's last descendant, else the
    // parent (the h1's own ancestors hold no text before it but their earlier children's).
    let mut preceding = std::iter::successors(Some(h1), |n| match tree.prev_sibling(*n) {
        Some(mut p) => {
            while let Some(c) = tree.last_child(p) {
                p = c;
            }
            Some(p)
        }
        None => tree.parent(*n),
    })
    .skip(1);
    first_date(&mut preceding)
}
