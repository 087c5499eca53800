//! Choose the article title among the page's candidates (site/theme selector, JSON-LD
//! headline, og:title, `<h1>`, `<title>`) and clean it: no " – Site" suffix, no breadcrumb
//! glued in front. In: [`Metadata`]. Out: one title string.

use super::metadata::Metadata;
use crate::text::{collapse_ws, squash};

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
            // A bare ':' only ends a title ("Headline:Site"); in front it is a kicker.
            if *sep == ":" {
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
            if let Some(h) = md
                .h1s
                .iter()
                .find(|h| h.chars().count() >= 10 && t.contains(h.as_str()))
            {
                return Some(clean(h));
            }
            return Some(c);
        }
    }
    md.h1s.first().map(|h| clean(h))
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
        // A bare colon in front is a kicker, not a site name.
        assert_eq!(
            strip_site("Phpspot: a new release", None, Some("phpspot.org")),
            "Phpspot: a new release"
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
