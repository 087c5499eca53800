//! Dates the page shows rather than declares: `<time datetime>` (and microdata
//! `datePublished`/`dateModified`), short texts in date-classed elements, and a date standing
//! alone just below (or above) the headline (an `h1`, else an `h2`/`h3` that repeats the
//! declared title), and a date after a publication label anywhere ("Mise en ligne" →
//! "23 mai 2024"). In: the parsed page. Out: ISO dates, parsed by
//! [`super`]; which source wins is decided in [`crate::extract::metadata::extract`].

use super::names::{alternation, MODIFIED_LABELS, PUBLISHED_LABELS};
use super::{find_date_in_text, find_date_span, is_plausible};
use crate::extract::metadata::chrome::{in_chrome, MAX_BYLINE_CHARS, NOT_PAGE_TEXT};
use crate::html::arena::{Arena, AttrName, NodeId, NodeKind, TagSet};
use crate::html::dom;
use crate::html::select::{DocKeys, Sel};
use crate::html::text::squash;
use regex::Regex;
use std::sync::LazyLock;

static TIME: LazyLock<Sel> = LazyLock::new(|| {
    Sel::constant(
        "time[datetime], relative-time[datetime], [itemprop~=datePublished], [itemprop~=dateModified]",
    )
});

static DATE_TEXT: LazyLock<Sel> = LazyLock::new(|| {
    Sel::constant(
        r#"[class*="date" i], [class*="time" i], [class*="published" i], [class*="byline" i], [class*="meta" i], [class*="submitted" i], [class*="posted" i], [id*="date" i]"#,
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

/// Elements whose text is a script.
const SCRIPT: TagSet = TagSet::of(&["script"]);

/// Digits of a year written in full.
const YEAR_DIGITS: usize = 4;

/// Sub-headings that may stand for the headline on pages whose title is not an `h1`.
static SUBHEADING: LazyLock<Sel> = LazyLock::new(|| Sel::constant("h2, h3"));

/// A label and the date after it in one text: "Erschienen am 01.11.2023", "Posted by Ann
/// Lee on May 3, 2021". Longer texts are prose that mentions a date.
const MAX_LABELLED_DATE_CHARS: usize = 80;

/// How many non-empty texts after a label alone may hold its date (the value element,
/// with perhaps a separator text before it).
const LABEL_VALUE_TEXTS: usize = 2;

/// "Last post" lines of a thread list date another page's reply, not this page.
static LAST_POST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?i:letzter\s+beitrag|last\s+post|last\s+reply|dernier\s+message|último\s+mensaje)\b")
        .expect("constant regex")
});

/// A text with a publication label, at its start or after a space or bracket ("(last
/// edited 2019-11-10 by …)"); `rest` is what follows it.
static PUBLISHED_LABEL: LazyLock<Regex> = LazyLock::new(|| label_regex(PUBLISHED_LABELS));

/// A text with a label of the last change.
static MODIFIED_LABEL: LazyLock<Regex> = LazyLock::new(|| label_regex(MODIFIED_LABELS));

fn label_regex(labels: &[&str]) -> Regex {
    Regex::new(&format!(
        r"(?:^|[\s(\[|·,])(?i:{})\b\s*[:\-–]?\s*(?P<rest>.*)$",
        alternation(labels.iter().copied())
    ))
    .expect("constant regex")
}

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
    // A date with a two-digit year ("19.1.23, 10:00–11:30 Uhr") is often an event's;
    // it counts only when no date element writes the year in full.
    let mut short_year = None;
    for e in DATE_TEXT.select_in(tree, doc).take(MAX_DATE_ELEMENTS) {
        let Some(t) = dom::short_inner_text(tree, e, MAX_BYLINE_CHARS) else {
            continue;
        };
        if t.is_empty() || LAST_POST.is_match(&t) {
            continue;
        }
        let Some((start, end, d)) = find_date_span(&t) else {
            continue;
        };
        if !is_plausible(&d, now) {
            continue;
        }
        if t.get(start..end).is_some_and(writes_full_year) {
            return Some(d.iso);
        }
        short_year.get_or_insert(d.iso);
    }
    short_year
}

/// True when a date's text holds a four-digit year.
fn writes_full_year(date_text: &str) -> bool {
    date_text
        .as_bytes()
        .windows(YEAR_DIGITS)
        .any(|w| w.iter().all(u8::is_ascii_digit))
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

/// The date next to a sub-heading (`h2`, `h3`) that repeats one of the declared `titles`
/// (`<title>`, og:title): the headline of a page whose `h1` is the site or a section, or
/// that has none.
pub(in crate::extract::metadata) fn subheading_date(
    tree: &Arena,
    titles: &[&str],
    now: chrono::DateTime<chrono::Utc>,
) -> Option<String> {
    let titles: Vec<String> = titles
        .iter()
        .map(|t| squash(t))
        .filter(|t| !t.is_empty())
        .collect();
    if titles.is_empty() {
        return None;
    }
    SUBHEADING
        .select(tree)
        .filter(|h| {
            dom::short_inner_text(tree, *h, MAX_HEADLINE_TEXT_CHARS).is_some_and(|t| {
                let k = squash(&t);
                t.chars().count() >= MIN_HEADLINE_CHARS && titles.iter().any(|x| x.contains(&k))
            }) && !in_chrome(tree, *h)
        })
        .take(MAX_HEADLINE_H1S)
        .find_map(|h| date_around(tree, h, now))
}

/// The first date a label announces anywhere on the page: a publication label, or with
/// `modified` a label of the last change. The label stands alone in its element with the
/// date in the next one or two texts ("Mise en ligne" / "23 mai 2024"), or opens the text
/// that holds the date ("Erschienen am 01.11.2023").
pub(in crate::extract::metadata) fn label_date(
    tree: &Arena,
    modified: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<String> {
    let label = if modified {
        &MODIFIED_LABEL
    } else {
        &PUBLISHED_LABEL
    };
    let plausible = |t: &str| {
        find_date_in_text(t)
            .filter(|d| is_plausible(d, now))
            .map(|d| d.iso)
    };
    let mut pending = 0;
    let texts = tree
        .descendants(tree.root())
        .filter(|n| tree.kind(*n) == NodeKind::Text)
        .map(|n| (n, tree.text(n).trim()))
        .filter(|(_, t)| !t.is_empty());
    for (n, t) in texts {
        if tree.ancestors(n).any(|a| tree.tag_in(a, NOT_PAGE_TEXT)) {
            continue;
        }
        let chars = t.chars().count();
        if pending > 0 {
            pending -= 1;
            if let Some(d) = (chars <= MAX_DATE_TEXT_CHARS).then(|| plausible(t)).flatten() {
                return Some(d);
            }
        }
        if chars > MAX_LABELLED_DATE_CHARS {
            continue;
        }
        let Some(rest) = label.captures(t).and_then(|c| c.name("rest")) else {
            continue;
        };
        if let Some(d) = plausible(rest.as_str()) {
            return Some(d);
        }
        pending = LABEL_VALUE_TEXTS;
    }
    None
}

/// Keys of a publication date in a script's data (a JavaScript app's state, JSON that is
/// not JSON-LD), with the quoted value.
static SCRIPT_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#""(?:datePublished|dateCreated|publishedAt|published_at|publishDate|publish_date|firstPublishedAt|createdAt|created_at)"\s*:\s*"(?P<v>[^"]{8,40})""#,
    )
    .expect("constant regex")
});

/// The first publication date in a script's data: the page shows it only once the script
/// has run.
pub(in crate::extract::metadata) fn script_date(
    tree: &Arena,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<String> {
    tree.descendants(tree.root())
        .filter(|n| {
            tree.kind(*n) == NodeKind::Text && tree.parent(*n).is_some_and(|p| tree.tag_in(p, SCRIPT))
        })
        .flat_map(|n| SCRIPT_DATE.captures_iter(tree.text(n)))
        .filter_map(|c| super::parse_date(c.name("v")?.as_str()))
        .find(|d| is_plausible(d, now))
        .map(|d| d.iso)
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
