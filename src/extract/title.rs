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

/// Pick and clean the title.
pub fn choose(
    md: &Metadata,
    rule_title: Option<String>,
    site: Option<&str>,
    host: Option<&str>,
    crumbs: &[String],
) -> Option<String> {
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
            return Some(c);
        }
    }
    if let Some(t) = &md.html_title {
        let c = strip_breadcrumb(&html_title_headline(t, site, host), crumbs);
        if !c.is_empty() {
            // An h1 contained in <title> is the headline without decoration.
            if let Some(h) = h1s
                .iter()
                .find(|h| h.chars().count() >= MIN_H1_IN_TITLE_CHARS && t.contains(h.as_str()))
            {
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
            }
            return Some(c);
        }
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
