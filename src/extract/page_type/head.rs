//! What the page says about itself: JSON-LD `@type`s (top-level vs nested, and which
//! top-level nodes carry `datePublished` / `author`), `og:type` and the other `<meta>` keys
//! the signals read, microdata `itemtype` / `itemprop`, RDFa `typeof`, `<title>`,
//! `rel=next`. Filled element by element by the walk ([`Head::observe`]), the JSON-LD parsed
//! at the end ([`Head::finish`]).
//!
//! Later this can be shared with `extract::metadata` (which reads the same JSON-LD and meta
//! tags on scraper's tree today): once metadata runs on the arena, its `jsonld_types` and
//! `og_type` can be passed in instead of being read twice; the scan here costs a few
//! microseconds per page.

use crate::html::arena::{Arena, AttrName, NodeId, NodeKind, Tag};
use serde::Serialize;
use serde_json::Value;

/// JSON-LD nesting deeper than this is not followed (a real graph is 3-4 levels deep).
const MAX_JSONLD_DEPTH: usize = 8;
/// JSON-LD scripts larger than this are skipped (a product catalogue, not a page's label).
const MAX_JSONLD_BYTES: usize = 512 * 1024;
/// Top-level JSON-LD nodes kept with their keys (a page names a handful).
const MAX_LD_NODES: usize = 12;
/// Bytes of a `<meta>` value kept (a generator name, a type).
const MAX_META_VALUE: usize = 200;

/// Attribute ids of one document for the names without a fixed id, looked up once (a
/// lookup by name per element would cost a binary search each).
#[derive(Clone, Copy, Debug)]
pub(super) struct AttrIds {
    pub aria_hidden: Option<AttrName>,
    pub itemtype: Option<AttrName>,
    pub typeof_: Option<AttrName>,
    pub value: Option<AttrName>,
}

impl AttrIds {
    pub fn of(a: &Arena) -> AttrIds {
        AttrIds {
            aria_hidden: a.attr_named("aria-hidden"),
            itemtype: a.attr_named("itemtype"),
            typeof_: a.attr_named("typeof"),
            value: a.attr_named("value"),
        }
    }

    /// The value of an optional attribute id.
    pub fn get(a: &Arena, id: NodeId, name: Option<AttrName>) -> Option<&str> {
        a.attr_by_id(id, name?)
    }
}

/// One top-level JSON-LD node: its first type and whether it has a date and an author.
#[derive(Clone, Debug, Default, Serialize)]
pub struct LdNode {
    /// Its first `@type`, lowercased, without a vocabulary prefix.
    pub ty: String,
    /// It has `datePublished`.
    pub date_published: bool,
    /// It has `author`.
    pub author: bool,
}

/// The page's own labels.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Head {
    /// `<title>` text (trimmed, at most 300 bytes).
    pub title: String,
    /// `og:title`.
    pub og_title: String,
    /// `og:type`, lowercased.
    pub og_type: String,
    /// `<meta name=generator>`, lowercased.
    pub generator: String,
    /// JSON-LD types of top-level nodes (root, list item, `@graph` member, `mainEntity`).
    pub ld_top: Vec<String>,
    /// JSON-LD types of nested nodes (and of scripts that did not parse).
    pub ld_nested: Vec<String>,
    /// Top-level JSON-LD nodes.
    pub ld_nodes: Vec<LdNode>,
    /// Microdata `itemtype`s (last path segment, lowercased).
    pub itemtypes: Vec<String>,
    /// Microdata `itemprop`s (lowercased).
    pub itemprops: Vec<String>,
    /// RDFa `typeof` values (lowercased).
    pub rdfa_typeof: Vec<String>,
    /// A `meta product:price:*`, `og:price:*`, `product:availability` or `price`.
    pub meta_price: bool,
    /// Any `meta article:*`.
    pub meta_article: bool,
    /// A publication-date meta key (article:published_time, pubdate, dc.date.issued, ...).
    pub meta_published: bool,
    /// `meta author` or `article:author`.
    pub meta_author: bool,
    /// `<link rel=next>` or `<a rel=next>`.
    pub rel_next: bool,
    /// The JSON-LD script texts, parsed by [`Head::finish`].
    #[serde(skip)]
    scripts: Vec<(u32, u32)>,
    /// Meta keys seen (only the first of each key counts).
    #[serde(skip)]
    seen_keys: Vec<String>,
}

/// Meta keys that carry a publication date.
const PUBLISHED_KEYS: &[&str] = &[
    "article:published_time",
    "pubdate",
    "publishdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "date",
];

impl Head {
    /// Read what an element says about the page (any element, visible or not).
    pub(super) fn observe(&mut self, a: &Arena, ids: &AttrIds, id: NodeId, tag: Tag) {
        if tag == Tag::META {
            self.meta(a, id);
        } else if tag == Tag::TITLE && self.title.is_empty() {
            let t = a.text_content(id);
            self.title = clip(t.trim(), 300).to_string();
        } else if tag == Tag::LINK || tag == Tag::A {
            if a.attr_by_id(id, AttrName::REL)
                .is_some_and(|r| r.trim().eq_ignore_ascii_case("next"))
            {
                self.rel_next = true;
            }
        } else if tag == Tag::SCRIPT {
            let ty = a.attr_by_id(id, AttrName::TYPE).unwrap_or("").trim();
            if ty.eq_ignore_ascii_case("application/ld+json")
                || ty.eq_ignore_ascii_case("application/json+ld")
            {
                for c in a.children(id) {
                    if a.kind(c) == NodeKind::Text {
                        self.scripts.push((id.index() as u32, c.index() as u32));
                    }
                }
            }
        }
        if let Some(t) = AttrIds::get(a, id, ids.itemtype) {
            for v in t.split_ascii_whitespace() {
                let last = v.trim_end_matches('/').rsplit('/').next().unwrap_or("");
                push_unique(&mut self.itemtypes, last.to_ascii_lowercase());
            }
        }
        if let Some(p) = a.attr_by_id(id, AttrName::ITEMPROP) {
            for v in p.split_ascii_whitespace() {
                push_unique(&mut self.itemprops, v.to_ascii_lowercase());
            }
        }
        if let Some(t) = AttrIds::get(a, id, ids.typeof_) {
            for v in t.split_ascii_whitespace().take(20) {
                push_unique(&mut self.rdfa_typeof, v.to_ascii_lowercase());
            }
        }
    }

    /// A `<meta>`: its key (property, name or itemprop) and content.
    fn meta(&mut self, a: &Arena, id: NodeId) {
        let key = a
            .attr_by_id(id, AttrName::PROPERTY)
            .or_else(|| a.attr_by_id(id, AttrName::NAME))
            .or_else(|| a.attr_by_id(id, AttrName::ITEMPROP))
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let value = clip(
            a.attr_by_id(id, AttrName::CONTENT).unwrap_or("").trim(),
            MAX_META_VALUE,
        );
        if key.is_empty() || value.is_empty() || self.seen_keys.contains(&key) {
            return;
        }
        match key.as_str() {
            "og:type" => self.og_type = value.to_ascii_lowercase(),
            "og:title" => self.og_title = value.to_string(),
            "generator" => self.generator = value.to_ascii_lowercase(),
            "author" | "article:author" => self.meta_author = true,
            _ => {}
        }
        if key.starts_with("product:price")
            || key.starts_with("og:price")
            || key.starts_with("product:availability")
        {
            self.meta_price = true;
        }
        self.meta_price |= key == "price";
        self.meta_article |= key.starts_with("article:");
        self.meta_published |= PUBLISHED_KEYS.contains(&key.as_str());
        self.seen_keys.push(key);
    }

    /// Parse the JSON-LD scripts collected by [`Head::observe`].
    pub(super) fn finish(&mut self, a: &Arena) {
        let scripts = std::mem::take(&mut self.scripts);
        for (_, text_id) in scripts {
            let Some(node) = a.get(text_id as usize) else {
                continue;
            };
            let raw = a.text(node);
            if raw.len() > MAX_JSONLD_BYTES {
                continue;
            }
            match parse_json(raw) {
                Some(v) => self.walk_ld(&v, 0, true),
                None => self.salvage_types(raw),
            }
        }
        self.seen_keys = Vec::new();
    }

    /// Types of a JSON-LD value; `top` for the root, list items, `@graph` members and
    /// `mainEntity`.
    fn walk_ld(&mut self, v: &Value, depth: usize, top: bool) {
        if depth > MAX_JSONLD_DEPTH {
            return;
        }
        match v {
            Value::Array(items) => items.iter().for_each(|x| self.walk_ld(x, depth, top)),
            Value::Object(map) => {
                let types = types_of(v);
                if top && !types.is_empty() && self.ld_nodes.len() < MAX_LD_NODES {
                    let has = |k: &str| map.keys().any(|x| x.eq_ignore_ascii_case(k));
                    self.ld_nodes.push(LdNode {
                        ty: types[0].clone(),
                        date_published: has("datePublished"),
                        author: has("author"),
                    });
                }
                if top {
                    self.ld_top.extend(types);
                } else {
                    self.ld_nested.extend(types);
                }
                for (k, x) in map {
                    if matches!(x, Value::Object(_) | Value::Array(_)) {
                        let graph = k == "@graph";
                        let main = k.eq_ignore_ascii_case("mainEntity");
                        let d = if graph { depth } else { depth + 1 };
                        self.walk_ld(x, d, (top && graph) || main);
                    }
                }
            }
            _ => {}
        }
    }

    /// Types from a script that did not parse: every `"@type": "X"`.
    fn salvage_types(&mut self, raw: &str) {
        let mut rest = raw;
        while let Some(i) = rest.find("\"@type\"") {
            rest = rest.get(i + 7..).unwrap_or("");
            let r = rest.trim_start().strip_prefix(':').unwrap_or("").trim_start();
            if let Some(body) = r.strip_prefix('"') {
                if let Some(end) = body.find('"') {
                    self.ld_nested.push(short_type(body.get(..end).unwrap_or("")));
                }
            }
        }
    }
}

/// `@type` values of a JSON-LD object, lowercased, without vocabulary prefix.
fn types_of(v: &Value) -> Vec<String> {
    match v.get("@type") {
        Some(Value::String(s)) => vec![short_type(s)],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(short_type).collect(),
        _ => Vec::new(),
    }
}

/// `https://schema.org/NewsArticle` or `schema:NewsArticle` → `newsarticle`.
fn short_type(t: &str) -> String {
    let last = t.rsplit('/').next().unwrap_or(t);
    last.rsplit(':')
        .next()
        .unwrap_or(last)
        .trim()
        .to_ascii_lowercase()
}

/// A JSON-LD script's value: CDATA and comment wrappers removed; control characters in
/// strings tolerated.
fn parse_json(raw: &str) -> Option<Value> {
    let mut s = raw.trim();
    for (open, close) in [("<![CDATA[", "]]>"), ("<!--", "-->"), ("//<![CDATA[", "//]]>")] {
        if let Some(r) = s.strip_prefix(open) {
            s = r.trim_start();
            s = s.strip_suffix(close).unwrap_or(s).trim_end();
        }
    }
    serde_json::from_str(s).ok().or_else(|| {
        let relaxed: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        serde_json::from_str(&relaxed).ok()
    })
}

/// At most `max` bytes of `s`, cut at a character boundary.
pub(super) fn clip(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}

/// Push `v` unless it is there (the lists are short).
fn push_unique(list: &mut Vec<String>, v: String) {
    if !v.is_empty() && !list.contains(&v) && list.len() < 64 {
        list.push(v);
    }
}
