//! Choose the article title among the page's candidates (site/theme selector, JSON-LD
//! headline, og:title, `<h1>`, `<title>`) and clean it: no " – Site" suffix, no breadcrumb
//! glued in front. In: [`Metadata`]. Out: one title string.

use super::metadata::Metadata;
use crate::html::text::{collapse_ws, host_main_label, squash};

/// Separators between a title and a site name in `<title>`/og:title.
const SEPARATORS: &[&str] = &[
    " | ", " - ", " – ", " — ", " :: ", " · ", " • ", " » ", " / ", " ~ ", " : ", "｜", " ｜ ", "：", ":",
];
/// An h1 shorter than this (characters) is too short to stand in for a declared title that
/// contains it: "Arbeit" in "Arbeit | Grüne" may be a section name.
const MIN_H1_IN_TITLE_CHARS: usize = 10;
/// A `<title>` part shorter than this many words is a site name, not a headline.
const MIN_HEADLINE_WORDS: usize = 3;
/// A sub-heading (h2, h3) shorter than this is a section label, not the headline
/// (readability-lxml's lower bound for a heading found in `<title>`).
const MIN_SUBHEAD_TITLE_CHARS: usize = 15;
/// A heading longer than this is a paragraph set as a heading (readability-lxml's bound).
const MAX_HEADING_TITLE_CHARS: usize = 150;
/// A `<title>` part contained in the host's name is the site only from this length on
/// ("dianahr" in getdianahr.com; "news" is too common a word).
const MIN_PART_IN_HOST_CHARS: usize = 5;
/// A `<title>` part of at most this many words beside the headline is a section label
/// (the floor: a part of 4+ words is a headline).
const MAX_SECTION_LABEL_WORDS: usize = 3;
/// Separators that set a site or section off a headline, with spaces around them.
const SPACED_SEPARATORS: &[&str] = &[" | ", " - ", " – ", " — ", " :: ", " / ", " · ", " • ", " » "];

/// True when two titles are the same text up to case, spacing and punctuation.
pub fn same_title(a: &str, b: &str) -> bool {
    let (a, b) = (squash(a), squash(b));
    !a.is_empty() && a == b
}

/// True if `part` names the site (its name, or its host's main label).
fn is_site_part(part: &str, site: Option<&str>, host: Option<&str>) -> bool {
    let p = squash(part);
    if p.is_empty() {
        return false;
    }
    if let Some(s) = site.map(squash).filter(|s| !s.is_empty()) {
        if p == s
            || (p.len() >= 3 && s.contains(&p))
            || (s.len() >= 4 && p.contains(&s) && p.len() <= s.len() + 12)
        {
            return true;
        }
    }
    if let Some(h) = host {
        let h = h.trim_start_matches("www.");
        let label = h.split('.').next().unwrap_or(h);
        let hs = squash(h);
        let ls = squash(label);
        if p == hs || p == ls || (ls.len() >= 4 && p.starts_with(&ls)) {
            return true;
        }
        // The registrable name, not a subdomain: "Vanguard" on investor.vanguard.com,
        // "Newegg.com" on promotions.newegg.com, "DianaHR" on getdianahr.com.
        if let Some(main) = host_main_label(h).map(squash).filter(|m| *m != ls) {
            if p == main || (main.len() >= 4 && p.starts_with(&main)) {
                return true;
            }
        }
        let main = host_main_label(h).map_or(ls, squash);
        if p.len() >= MIN_PART_IN_HOST_CHARS && main.contains(&p) {
            return true;
        }
    }
    false
}

/// True if `part` is exactly the site's name or its host's main label.
fn is_site_name(part: &str, site: Option<&str>, host: Option<&str>) -> bool {
    let p = squash(part);
    // The registrable name, not a subdomain: "example" in news.example.com.
    let label = host.map(|h| host_main_label(h).unwrap_or(h));
    !p.is_empty() && (site.map(squash) == Some(p.clone()) || label.map(squash) == Some(p))
}

/// Remove a site-name suffix or prefix (" | Example News", "Example News - ").
pub fn strip_site(title: &str, site: Option<&str>, host: Option<&str>) -> String {
    let mut t = title.trim().to_string();
    for _ in 0..2 {
        let mut changed = false;
        for sep in SEPARATORS {
            if let Some(i) = t.rfind(sep) {
                let (head, tail) = (&t[..i], &t[i + sep.len()..]);
                if !head.trim().is_empty() && is_site_part(tail, site, host) {
                    t = head.trim().to_string();
                    changed = true;
                    break;
                }
            }
            // A bare ':' ends a title ("Headline:Site"); in front it is a kicker unless the
            // site names itself there ("BDZV: Headline").
            if *sep == ":" {
                if let Some((head, tail)) = t.split_once(": ") {
                    if !tail.trim().is_empty() && is_site_name(head, site, host) {
                        t = tail.trim().to_string();
                        changed = true;
                        break;
                    }
                }
                continue;
            }
            if let Some(i) = t.find(sep) {
                let (head, tail) = (&t[..i], &t[i + sep.len()..]);
                if !tail.trim().is_empty() && is_site_part(head, site, host) {
                    t = tail.trim().to_string();
                    changed = true;
                    break;
                }
            }
        }
        if !changed {
            break;
        }
    }
    t
}

/// `<title>` without a site name: Readability's rule — the part before the last separator
/// when it is a headline of its own.
fn html_title_headline(t: &str, site: Option<&str>, host: Option<&str>) -> String {
    let stripped = strip_site(t, site, host);
    if stripped != t {
        return stripped;
    }
    for sep in [" | ", " - ", " – ", " — ", " :: ", " » "] {
        if let Some(i) = t.rfind(sep) {
            let head = t[..i].trim();
            if head.split_whitespace().count() >= MIN_HEADLINE_WORDS {
                return head.to_string();
            }
        }
    }
    t.to_string()
}

/// The parts of a `<title>` between separators, trimmed.
fn title_parts(t: &str) -> impl Iterator<Item = &str> {
    let mut parts = vec![t];
    for sep in SEPARATORS.iter().filter(|s| s.starts_with(' ')) {
        parts = parts.into_iter().flat_map(|p| p.split(sep)).collect();
    }
    parts.into_iter().map(str::trim).filter(|p| !p.is_empty())
}

/// True when `title` is `h1` with extra text before or after it, set off by punctuation.
fn decorates(title: &str, h1: &str) -> bool {
    if h1.chars().count() < MIN_H1_IN_TITLE_CHARS || title.len() <= h1.len() {
        return false;
    }
    // Punctuation, not a word, joins them: "Headline ｜ Site", "Forum - Headline".
    let set_off = |c: Option<char>| c.is_some_and(|c| !c.is_alphanumeric() && !c.is_whitespace());
    if let Some(rest) = title.strip_prefix(h1) {
        return set_off(rest.trim_start().chars().next());
    }
    if let Some(rest) = title.strip_suffix(h1) {
        return set_off(rest.trim_end().chars().next_back());
    }
    false
}

/// True when `title` is the sub-heading `h` with a site or section set off by a spaced
/// separator ("What do people love about Rust? | Rust Blog").
fn decorates_subhead(title: &str, h: &str) -> bool {
    let n = h.chars().count();
    if !(MIN_SUBHEAD_TITLE_CHARS..=MAX_HEADING_TITLE_CHARS).contains(&n) {
        return false;
    }
    let h = h.trim();
    title
        .strip_prefix(h)
        .is_some_and(|rest| SPACED_SEPARATORS.iter().any(|s| rest.starts_with(s)))
        || title
            .strip_suffix(h)
            .is_some_and(|rest| SPACED_SEPARATORS.iter().any(|s| rest.ends_with(s)))
}

/// The longest sub-heading (h2, h3) of headline length that opens or ends `title` (a
/// `<title>` without the site's name), the rest being the page's section ("Headline -
/// Sport", where "Sport" is the h1, the section meta or a breadcrumb): readability-lxml's
/// rule, for pages whose headline is not an `h1`. Any other rest ("| Code", "- Chapter 1
/// - Author") is part of the title, as Readability keeps it.
fn subhead_in_title<'a>(md: &'a Metadata, title: &str, crumbs: &[String]) -> Option<&'a String> {
    let sections: Vec<String> = md
        .section
        .iter()
        .chain(crumbs)
        .chain(&md.h1s)
        .map(|s| squash(s))
        .collect();
    let label_rest = |rest: &str| {
        let words = rest
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .count();
        let label = squash(rest);
        words <= MAX_SECTION_LABEL_WORDS && !label.is_empty() && sections.contains(&label)
    };
    md.h2s
        .iter()
        .chain(&md.h3s)
        .filter(|h| {
            let n = h.chars().count();
            let h = h.trim();
            (MIN_SUBHEAD_TITLE_CHARS..=MAX_HEADING_TITLE_CHARS).contains(&n)
                && (title.strip_prefix(h).is_some_and(label_rest)
                    || title.strip_suffix(h).is_some_and(label_rest))
                && decorates_subhead(title, h)
        })
        .max_by_key(|h| h.len())
}

/// Remove a breadcrumb trail glued in front of the title ("Home LATEST NEWS Title").
pub fn strip_breadcrumb(title: &str, crumbs: &[String]) -> String {
    let mut t = title.trim().to_string();
    for c in crumbs {
        if same_title(c, &t) {
            break;
        }
        let c = c.trim();
        if !c.is_empty() && t.len() > c.len() && t.starts_with(c) {
            let rest =
                t[c.len()..].trim_start_matches(|ch: char| ch.is_whitespace() || "›»>/|:-–".contains(ch));
            if !rest.is_empty() {
                t = rest.to_string();
            }
        } else {
            break;
        }
    }
    t
}

/// The title from `<title>` when no meta title is declared: its headline part, or the
/// heading it repeats; `h1s` are the cleaned h1s that do not name the site.
fn from_html_title(
    md: &Metadata,
    t: &str,
    h1s: &[String],
    site: Option<&str>,
    host: Option<&str>,
    crumbs: &[String],
) -> Option<String> {
    let c = strip_breadcrumb(&html_title_headline(t, site, host), crumbs);
    if !c.is_empty() {
        // An h1 contained in <title> is the headline without decoration.
        if let Some(h) = h1s
            .iter()
            .find(|h| h.chars().count() >= MIN_H1_IN_TITLE_CHARS && t.contains(h.as_str()))
        {
            return Some(h.clone());
        }
        if let Some(h) = subhead_in_title(md, &c, crumbs) {
            return Some(h.clone());
        }
        // "Site » Blog Archive » Headline": a later part of <title> that a heading
        // repeats (the first part is what the rules above already weighed).
        if let Some(part) = title_parts(t).skip(1).find(|p| {
            p.split_whitespace().count() >= MIN_HEADLINE_WORDS
                && !is_site_part(p, site, host)
                && h1s.iter().chain(&md.h2s).any(|h| same_title(h, p))
        }) {
            return Some(part.to_string());
        }
        // <title> is only the site's name: the page's own h1 says more.
        if is_site_part(&c, site, host) {
            if let Some(h) = h1s.first() {
                return Some(h.clone());
            }
            // Its h1 is the site's name too: the first sub-heading of headline length.
            let h1_is_site = !md.h1s.is_empty() && h1s.is_empty();
            if let Some(h) =
                md.h2s.iter().filter(|_| h1_is_site).find(|h| {
                    h.split_whitespace().count() >= MIN_HEADLINE_WORDS && !is_site_part(h, site, host)
                })
            {
                return Some(h.clone());
            }
        }
        return Some(c);
    }
    None
}

/// Pick and clean the title.
pub fn choose(
    md: &Metadata,
    rule_title: Option<String>,
    site: Option<&str>,
    host: Option<&str>,
    crumbs: &[String],
) -> Option<String> {
    // A blog that declares no site name names itself in its feed link, when `<title>`
    // ends with that name (a section's feed, "Code (RSS)", names no site).
    let feed = md.feed_site.as_deref().filter(|f| {
        let f = squash(f);
        !f.is_empty() && md.html_title.as_deref().is_some_and(|t| squash(t).ends_with(&f))
    });
    let site = site.or(feed);
    let clean = |t: &str| strip_breadcrumb(&strip_site(&collapse_ws(t), site, host), crumbs);
    if let Some(t) = rule_title.filter(|t| !t.is_empty()) {
        return Some(clean(&t));
    }
    let metas: Vec<&String> = [&md.jsonld_title, &md.dc_title, &md.og_title, &md.other_meta_title]
        .into_iter()
        .flatten()
        .collect();
    // A visible <h1> that agrees with a declared title is the surest choice.
    for h in &md.h1s {
        let hc = clean(h);
        // A blog's h1 and <title> both name the blog: agreeing, they say nothing.
        if feed.is_some_and(|f| same_title(f, &hc)) {
            continue;
        }
        if metas.iter().any(|m| same_title(&clean(m), &hc))
            || md
                .html_title
                .as_ref()
                .is_some_and(|t| same_title(&html_title_headline(t, site, host), &hc))
        {
            return Some(hc);
        }
    }
    // An h1 that names the site is the logo, not the headline.
    let h1s: Vec<String> = md
        .h1s
        .iter()
        .map(|h| clean(h))
        .filter(|h| !h.is_empty() && !is_site_part(h, site, host))
        .collect();
    if let Some(m) = metas.first() {
        let c = clean(m);
        // A one-word declared title is a section ("Pressemitteilungen") when <title> names
        // a longer headline without it.
        let section = |t: &String| {
            let h = html_title_headline(t, site, host);
            c.split_whitespace().count() == 1
                && h.split_whitespace().count() > MIN_HEADLINE_WORDS
                && !squash(&h).contains(&squash(&c))
        };
        if let Some(t) = md.html_title.as_ref().filter(|t| section(t)) {
            return Some(strip_breadcrumb(&html_title_headline(t, site, host), crumbs));
        }
        if !c.is_empty() {
            // The declared title is the visible headline plus a decoration ("… ｜ Site",
            // "r/Forum - …"): the headline alone.
            if let Some(h) = h1s.iter().find(|h| decorates(&c, h)) {
                return Some(h.clone());
            }
            if let Some(h) = md.h2s.iter().find(|h| decorates_subhead(&c, h)) {
                return Some(h.trim().to_string());
            }
            return Some(c);
        }
    }
    if let Some(t) = md
        .html_title
        .as_deref()
        .and_then(|t| from_html_title(md, t, &h1s, site, host, crumbs))
    {
        return Some(t);
    }
    h1s.first().cloned().or_else(|| md.h1s.first().map(|h| clean(h)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_site_suffix_and_prefix() {
        assert_eq!(
            strip_site("Big news today | Example News", Some("Example News"), None),
            "Big news today"
        );
        assert_eq!(
            strip_site("Example News - Big news today", Some("Example News"), None),
            "Big news today"
        );
        assert_eq!(
            strip_site(
                "Big news – example-news.test",
                None,
                Some("www.example-news.test")
            ),
            "Big news"
        );
        assert_eq!(
            strip_site("Q&A - The answer", Some("Other"), None),
            "Q&A - The answer"
        );
    }

    #[test]
    fn strips_glued_breadcrumb() {
        let crumbs = vec![
            "Home".to_string(),
            "LATEST NEWS".to_string(),
            "Russians and Brits to discuss Ukraine in Moscow".to_string(),
        ];
        assert_eq!(
            strip_breadcrumb(
                "Home LATEST NEWS Russians and Brits to discuss Ukraine in Moscow",
                &crumbs
            ),
            "Russians and Brits to discuss Ukraine in Moscow"
        );
    }

    #[test]
    fn h1_agreeing_with_meta_wins() {
        let md = Metadata {
            og_title: Some("Storm hits coast | Daily Planet".into()),
            h1s: vec!["Daily Planet".into(), "Storm hits coast".into()],
            html_title: Some("Storm hits coast | Daily Planet".into()),
            ..Default::default()
        };
        assert_eq!(
            choose(&md, None, Some("Daily Planet"), None, &[]).as_deref(),
            Some("Storm hits coast")
        );
    }

    #[test]
    fn declared_title_decorating_the_h1_gives_the_h1() {
        let md = Metadata {
            og_title: Some("r/Showerthoughts - Vanilla became the default flavour by accident".into()),
            h1s: vec!["Vanilla became the default flavour by accident".into()],
            ..Default::default()
        };
        assert_eq!(
            choose(&md, None, None, None, &[]).as_deref(),
            Some("Vanilla became the default flavour by accident")
        );
        // A fullwidth separator and a bare colon before the site name.
        assert_eq!(
            strip_site(
                "新聞をスクラップできる「ペン」 ｜ ガジェット通信",
                Some("ガジェット通信"),
                None
            ),
            "新聞をスクラップできる「ペン」"
        );
        assert_eq!(
            strip_site(
                "ツリーを描画できる「Treeviz」:phpspot開発日誌",
                None,
                Some("phpspot.org")
            ),
            "ツリーを描画できる「Treeviz」"
        );
        // A bare colon in front is a kicker, unless the site names itself there.
        assert_eq!(
            strip_site("Phpspot new: a release", None, Some("phpspot.org")),
            "Phpspot new: a release"
        );
        assert_eq!(
            strip_site("BDZV: Olafur Eliasson gestaltet Titelseite", Some("BDZV"), None),
            "Olafur Eliasson gestaltet Titelseite"
        );
    }

    #[test]
    fn headline_at_the_end_of_title_or_below_a_site_h1() {
        // Old blog themes: the site in the h1 and first in <title>, the post in an h2.
        let md = Metadata {
            h1s: vec!["Four Years Remaining".into()],
            h2s: vec!["Interning of Small Integers in Python".into()],
            html_title: Some(
                "Four Years Remaining » Blog Archive » Interning of Small Integers in Python".into(),
            ),
            ..Default::default()
        };
        assert_eq!(
            choose(&md, None, None, Some("fouryears.eu"), &[]).as_deref(),
            Some("Interning of Small Integers in Python")
        );
        // A one-word og:title is the section; <title> has the headline.
        let md = Metadata {
            og_title: Some("Medienmitteilungen".into()),
            html_title: Some("Impfen und Boostern ist bis Ende Februar noch überall möglich".into()),
            ..Default::default()
        };
        assert_eq!(
            choose(&md, None, None, None, &[]).as_deref(),
            Some("Impfen und Boostern ist bis Ende Februar noch überall möglich")
        );
        // A one-word section in <title> repeated by an h2 is not the headline.
        let md = Metadata {
            h2s: vec!["Reviews".into()],
            html_title: Some("Best laptops of 2025 | Reviews | TechSite".into()),
            ..Default::default()
        };
        assert_eq!(
            choose(&md, None, None, Some("techsite.test"), &[]).as_deref(),
            Some("Best laptops of 2025 | Reviews")
        );
        // <title> is only the site's name: the h1.
        let md = Metadata {
            h1s: vec!["Willkommen!".into()],
            html_title: Some("Anwalt Niemeyer".into()),
            ..Default::default()
        };
        assert_eq!(
            choose(&md, None, None, Some("www.anwaltniemeyer.de"), &[]).as_deref(),
            Some("Willkommen!")
        );
    }

    #[test]
    fn subheading_headline_beside_a_section_label() {
        // "Headline - Sport - Site": the h1 is the section, the headline an h2.
        let md = Metadata {
            h1s: vec!["Sport".into()],
            h2s: vec!["Council approves new stadium plan".into()],
            html_title: Some("Council approves new stadium plan - Sport - Riverside Courier".into()),
            ..Default::default()
        };
        assert_eq!(
            choose(&md, None, Some("Riverside Courier"), None, &[]).as_deref(),
            Some("Council approves new stadium plan")
        );
        // A rest that is not the page's section stays part of the title.
        let md = Metadata {
            h1s: vec!["Hi, I'm Nicolas.".into()],
            h2s: vec!["Get your Frontend JavaScript Code Covered".into()],
            html_title: Some("Get your Frontend JavaScript Code Covered | Code | Nicolas Perriault".into()),
            ..Default::default()
        };
        assert_eq!(
            choose(&md, None, None, Some("nicolas.perriault.net"), &[]).as_deref(),
            Some("Get your Frontend JavaScript Code Covered | Code")
        );
        // A declared title that is an h2 plus the site: the h2.
        let md = Metadata {
            og_title: Some("What do people love about Rust? | Rust Blog".into()),
            h2s: vec!["What do people love about Rust?".into()],
            ..Default::default()
        };
        assert_eq!(
            choose(&md, None, None, None, &[]).as_deref(),
            Some("What do people love about Rust?")
        );
    }

    #[test]
    fn site_named_by_its_feed_or_registrable_host() {
        // <title>, h1 and feed all name the blog: the post's h2 is the headline.
        let md = Metadata {
            h1s: vec!["The Allotment Diary".into()],
            h2s: vec!["Planting garlic before the first frost".into()],
            html_title: Some("The Allotment Diary".into()),
            feed_site: Some("The Allotment Diary".into()),
            ..Default::default()
        };
        assert_eq!(
            choose(&md, None, None, Some("allotmentdiary.blog.test"), &[]).as_deref(),
            Some("Planting garlic before the first frost")
        );
        // The registrable name of a subdomain host is the site.
        assert_eq!(
            strip_site(
                "Index Funds: How to Invest | Vanguard",
                None,
                Some("investor.vanguard.com")
            ),
            "Index Funds: How to Invest"
        );
        assert_eq!(
            strip_site(
                "Top 5 HR Management Software in 2026 | DianaHR",
                None,
                Some("www.getdianahr.com")
            ),
            "Top 5 HR Management Software in 2026"
        );
    }

    #[test]
    fn dublin_core_title_wins_over_open_graph() {
        let md = Metadata {
            dc_title: Some("Dublin Core property title".into()),
            og_title: Some("Open Graph property title".into()),
            ..Default::default()
        };
        assert_eq!(
            choose(&md, None, None, None, &[]).as_deref(),
            Some("Dublin Core property title")
        );
    }
}
