//! JSON-LD: every `<script type="application/ld+json">` of the page, unwrapped (CDATA,
//! comments), parsed leniently, its `@graph`s and `mainEntity`s flattened, and the best
//! article object chosen by `@type`; its authors (with `{"@id": …}` references resolved),
//! publisher, keywords and breadcrumb trail read out. In: the parsed page. Out: [`JsonLd`];
//! the fields are picked against the other sources in [`super::extract`].

use crate::html::arena::Arena;
use crate::html::select::Sel;
use crate::html::text::{collapse_ws, squash};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::LazyLock;

static JSONLD: LazyLock<Sel> = LazyLock::new(|| Sel::constant(r#"script[type="application/ld+json" i]"#));

/// JSON-LD nesting deeper than this is not followed.
const MAX_JSONLD_DEPTH: usize = 6;

/// JSON-LD types of pages that list other pages.
const LISTING_TYPES: &[&str] = &["collectionpage", "itemlist", "searchresultspage", "profilepage"];

/// The first [`ARTICLE_TYPES`] entries up to here are articles proper; from here on come
/// looser types (`posting`, `webpage`, `review`, `recipe`, …) that rank after any of them
/// when the object is also a `WebPage`.
const ARTICLE_PROPER: usize = 14;

/// JSON-LD `@type`s that describe an article, best first (the order ranks the candidates).
const ARTICLE_TYPES: &[&str] = &[
    "newsarticle",
    "article",
    "blogposting",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "satiricalarticle",
    "liveblogposting",
    "report",
    "scholarlyarticle",
    "techarticle",
    "socialmediaposting",
    "posting",
    "webpage",
    "medicalwebpage",
    "review",
    "recipe",
    "howto",
];

/// What JSON-LD says about the article.
#[derive(Default)]
pub(super) struct JsonLd {
    /// The article object: the best-ranked of [`ARTICLE_TYPES`].
    pub(super) article: Option<Value>,
    /// Every `@type` on the page, lowercased, in document order.
    pub(super) types: Vec<String>,
    /// The article's `author` (or `creator`) names, raw.
    pub(super) authors: Vec<String>,
    /// The article's publisher, else the page's organisation or website name.
    pub(super) publisher_name: Option<String>,
    /// The `BreadcrumbList` (or the article's `breadcrumb`) names, in position order.
    pub(super) breadcrumbs: Vec<String>,
    /// The article's `keywords`.
    pub(super) keywords: Vec<String>,
}

/// True when the page's JSON-LD types say it lists other pages and name no article.
pub(super) fn is_listing(types: &[String]) -> bool {
    types.iter().any(|t| LISTING_TYPES.contains(&t.as_str()))
        && !types.iter().any(|t| ARTICLE_TYPES.contains(&t.as_str()))
}

/// Wrappers that pages put around the JSON of a script: HTML comments and CDATA sections,
/// bare or behind JavaScript comments (`//<![CDATA[`, `/*<![CDATA[*/`); longest first.
const SCRIPT_WRAPPERS: &[(&str, &str)] = &[
    ("//<![CDATA[", "//]]>"),
    ("/*<![CDATA[*/", "/*]]>*/"),
    ("<![CDATA[", "]]>"),
    ("<!--", "-->"),
];

/// The JSON value of a JSON-LD script: wrappers removed, and raw line breaks or tabs inside
/// strings (invalid JSON that browsers' consumers often tolerate) read as spaces.
fn parse_script_json(raw: &str) -> Option<Value> {
    let mut s = raw.trim();
    loop {
        let before = s.len();
        for (open, close) in SCRIPT_WRAPPERS {
            if let Some(rest) = s.strip_prefix(open) {
                s = rest.trim_start();
            }
            if let Some(rest) = s.strip_suffix(close) {
                s = rest.trim_end();
            }
        }
        if s.len() == before {
            break;
        }
    }
    serde_json::from_str(s).ok().or_else(|| {
        let relaxed: String = s
            .chars()
            .map(|c| if matches!(c, '\n' | '\r' | '\t') { ' ' } else { c })
            .collect();
        serde_json::from_str(&relaxed).ok()
    })
}

impl JsonLd {
    /// Read every JSON-LD script of the page.
    pub(super) fn collect(tree: &Arena) -> Self {
        let mut objects = Vec::new();
        for s in JSONLD.select(tree) {
            let raw = tree.text_content(s);
            let Some(v) = parse_script_json(&raw) else {
                continue;
            };
            flatten(v, &mut objects, 0);
        }
        let mut ld = JsonLd::default();
        let mut best: Option<(usize, Value)> = None;
        for o in &objects {
            let types = types_of(o);
            ld.types.extend(types.iter().cloned());
            if types.iter().any(|t| t == "breadcrumblist") && ld.breadcrumbs.is_empty() {
                ld.breadcrumbs = breadcrumb_names(o);
            }
            if let Some(rank) = types
                .iter()
                .filter_map(|t| ARTICLE_TYPES.iter().position(|a| a == t))
                .min()
            {
                // Prefer real article types over WebPage; among equals the first.
                let rank = if types.iter().any(|t| t == "webpage" || t == "medicalwebpage")
                    && rank >= ARTICLE_PROPER
                {
                    rank + 100
                } else {
                    rank.min(ARTICLE_PROPER - 1)
                };
                if best.as_ref().is_none_or(|(r, _)| rank < *r) {
                    best = Some((rank, o.clone()));
                }
            }
        }
        // Graph nodes with a name, by `@id`: the targets of `{"@id": …}` references.
        let mut named: HashMap<&str, &Value> = HashMap::new();
        for o in objects.iter().filter(|o| o.get("name").is_some()) {
            if let Some(id) = o.get("@id").and_then(Value::as_str) {
                named.entry(id).or_insert(o);
            }
        }
        if let Some((_, a)) = best {
            ld.authors = a
                .get("author")
                .or_else(|| a.get("creator"))
                .map(|v| names_of(&resolve_refs(v, &named)))
                .unwrap_or_default();
            ld.publisher_name = a
                .get("publisher")
                .and_then(|p| names_of(&resolve_refs(p, &named)).into_iter().next());
            ld.keywords = match a.get("keywords") {
                Some(Value::String(s)) => s
                    .split(',')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_string)
                    .collect(),
                Some(Value::Array(v)) => v
                    .iter()
                    .filter_map(|x| x.as_str())
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect(),
                _ => Vec::new(),
            };
            if let Some(Value::Object(_)) = a.get("breadcrumb") {
                if ld.breadcrumbs.is_empty() {
                    ld.breadcrumbs = a.get("breadcrumb").map(breadcrumb_names).unwrap_or_default();
                }
            }
            ld.article = Some(a);
        }
        if ld.publisher_name.is_none() {
            ld.publisher_name = objects
                .iter()
                .find(|o| {
                    types_of(o)
                        .iter()
                        .any(|t| t == "newsmediaorganization" || t == "organization" || t == "website")
                })
                .and_then(|o| str_field(o, &["name"]));
        }
        ld
    }
}

/// `{"@id": "…#person"}` references replaced by the graph node with that `@id` (Yoast and
/// most SEO plugins name the author only there).
fn resolve_refs(v: &Value, named: &HashMap<&str, &Value>) -> Value {
    match v {
        Value::Array(items) => Value::Array(items.iter().map(|i| resolve_refs(i, named)).collect()),
        Value::Object(map) if !map.contains_key("name") => map
            .get("@id")
            .and_then(Value::as_str)
            .and_then(|id| named.get(id))
            .map_or_else(|| v.clone(), |o| (*o).clone()),
        _ => v.clone(),
    }
}

fn flatten(v: Value, out: &mut Vec<Value>, depth: usize) {
    if depth > MAX_JSONLD_DEPTH {
        return;
    }
    match v {
        Value::Array(items) => items.into_iter().for_each(|i| flatten(i, out, depth + 1)),
        Value::Object(mut map) => {
            if let Some(graph) = map.remove("@graph") {
                flatten(graph, out, depth + 1);
            }
            if let Some(main) = map.get("mainEntity").cloned() {
                if main.is_object() {
                    flatten(main, out, depth + 1);
                }
            }
            out.push(Value::Object(map));
        }
        _ => {}
    }
}

fn types_of(v: &Value) -> Vec<String> {
    match v.get("@type") {
        Some(Value::String(s)) => vec![s.to_lowercase()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|t| t.as_str())
            .map(str::to_lowercase)
            .collect(),
        _ => Vec::new(),
    }
}

/// The title an article object declares: its `headline`, or its `name` when the name is in
/// the page's `<title>` or h1 and the headline is in neither (Wikipedia's headline is a
/// one-line description).
pub(super) fn jsonld_title(article: &Value, html_title: Option<&str>, h1s: &[String]) -> Option<String> {
    let headline = str_field(article, &["headline"]);
    let name = str_field(article, &["name"]);
    let title = squash(html_title.unwrap_or_default());
    let h1s: Vec<String> = h1s.iter().map(|h| squash(h)).collect();
    // The page's own title: an h1, or what `<title>` starts with (a site name comes last).
    let is_page_title = |t: &str| {
        let t = squash(t);
        !t.is_empty() && (h1s.contains(&t) || title.starts_with(&t))
    };
    let shown = |t: &str| {
        let t = squash(t);
        !t.is_empty() && (title.contains(&t) || h1s.iter().any(|h| h.contains(&t)))
    };
    let publisher = article
        .get("publisher")
        .and_then(|p| str_field(p, &["name"]))
        .map(|p| squash(&p));
    if let Some(n) = &name {
        if is_page_title(n) && !headline.as_deref().is_some_and(shown) && publisher != Some(squash(n)) {
            return name;
        }
    }
    headline
        .or(name)
        .or_else(|| str_field(article, &["alternativeHeadline"]))
}

pub(super) fn str_field(v: &Value, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| match v.get(*k)? {
        Value::String(s) => Some(collapse_ws(&decode_entities(s))).filter(|s| !s.is_empty()),
        Value::Array(a) => a
            .iter()
            .find_map(|x| x.as_str())
            .map(|s| collapse_ws(&decode_entities(s)))
            .filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// JSON-LD strings sometimes carry HTML entities; decode the common ones.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    // The bounded parser: a JSON-LD string is page input like any other.
    match crate::html::engine::parse_fragment(s, &crate::Limits::default()) {
        Ok(frag) => frag
            .root_element()
            .map(|r| frag.text_content(r))
            .unwrap_or_default(),
        Err(_) => s.to_string(),
    }
}

fn names_of(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().flat_map(names_of).collect(),
        Value::Object(_) => str_field(v, &["name"])
            .or_else(|| {
                let g = str_field(v, &["givenName"])?;
                Some(match str_field(v, &["familyName"]) {
                    Some(f) => format!("{g} {f}"),
                    None => g,
                })
            })
            .into_iter()
            .collect(),
        _ => Vec::new(),
    }
}

pub(super) fn image_field(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Array(a) => a.iter().find_map(image_field),
        Value::Object(_) => str_field(v, &["url", "contentUrl"]),
        _ => None,
    }
}

fn breadcrumb_names(v: &Value) -> Vec<String> {
    let Some(Value::Array(items)) = v.get("itemListElement") else {
        return Vec::new();
    };
    let mut items: Vec<&Value> = items.iter().collect();
    items.sort_by_key(|i| {
        i.get("position")
            .and_then(|p| p.as_u64().or_else(|| p.as_str()?.parse().ok()))
            .unwrap_or(0)
    });
    items
        .into_iter()
        .filter_map(|i| {
            str_field(i, &["name"]).or_else(|| i.get("item").and_then(|it| str_field(it, &["name"])))
        })
        .collect()
}
