//! CSS selectors with cheap pre-checks. A compiled [`Sel`] keeps, besides the arena's
//! [`Selector`], one *key* per selector of its list, read from the CSS text: a simple part
//! of the rightmost compound (an id, a class, an attribute and the value it compares, a tag
//! name or an attribute name) that every element it matches must have. Most elements of a
//! page lack every key of a rule, so the full match (a matching context, the selector's
//! whole chain) runs on a few elements instead of all of them. Each selector also records
//! the classes, ids and compared values all its compounds need; [`DocKeys`], read once per
//! page, rules out before any walk the selectors whose needs the page lacks. Keys and needs
//! are only ever necessary conditions: `Sel` matches exactly what its `Selector` matches,
//! in the same order.

use crate::html::arena::{Arena, NodeId, Selector};
use crate::html::keys::{Key, Keys, Marks};

/// A compiled CSS selector list with its pre-check keys.
#[derive(Debug, Clone)]
pub struct Sel {
    selector: Selector,
    /// The keys of all selectors of the list; `None` when some selector has none (it may
    /// match any element, so every element gets the full match).
    keys: Option<Keys>,
    /// The selectors of the list, read for their keys and needs.
    parts: Vec<Part>,
    /// Whether the document may rule selectors out: not when the text has escapes, where
    /// the split into selectors could differ from the parser's.
    prunable: bool,
}

/// One selector of a list, as the pre-checks read it.
#[derive(Debug, Clone)]
struct Part {
    /// The key of its rightmost compound.
    key: Option<Key>,
    /// `key` alone, for its own look-up.
    own: Option<Keys>,
    /// The key of a compound that an ancestor of the element must match (`.byline` of
    /// `.byline a`), when it has one.
    above_key: Option<Key>,
    /// `above_key` alone, for its look-up.
    above: Option<Keys>,
    /// What it needs the document to have.
    needs: Vec<Need>,
}

impl Part {
    fn read(complex: &str) -> Part {
        let key = selector_key(complex);
        let above_key = ancestor_key(complex);
        Part {
            own: Keys::of(std::iter::once(&key)),
            key,
            above: Keys::of(std::iter::once(&above_key)),
            above_key,
            needs: selector_needs(complex),
        }
    }
}

/// How to walk a document for a selector list, after looking at the document's keys.
enum Plan {
    /// No selector of the list can match anything there.
    Nothing,
    /// With the list's own keys.
    All,
    /// With the keys of the selectors that can match (their indices in `parts`).
    Some(Vec<usize>),
}

impl Sel {
    /// Compile a selector list written in the code: a typo is a programming error, caught
    /// by every test, so it panics instead of returning an error.
    pub fn constant(css: &str) -> Sel {
        Sel::parse(css).unwrap_or_else(|_| panic!("constant selector `{css}`"))
    }

    /// Compile a selector list; the error is the selector parser's, as text.
    pub fn parse(css: &str) -> Result<Sel, String> {
        let selector = Selector::parse(css).map_err(|e| e.message)?;
        let parts: Vec<Part> = split_top(css, |c| c == ',')
            .into_iter()
            .map(|complex| Part::read(complex.trim()))
            .collect();
        let keys = Keys::of(parts.iter().map(|p| &p.key));
        Ok(Sel {
            selector,
            keys,
            parts,
            prunable: !css.contains('\\'),
        })
    }

    /// One selector list matching what any of `list` matches (each already compiled), or
    /// `None` for an empty list: one pre-check and one match instead of one per entry.
    pub fn any_of(list: &[String]) -> Option<Sel> {
        if list.is_empty() {
            return None;
        }
        Sel::parse(&list.join(", ")).ok()
    }

    /// The selector without its keys, for the few places that need it.
    pub fn selector(&self) -> &Selector {
        &self.selector
    }

    /// Could this element match? `false` means it cannot; `true` means the full match decides.
    pub fn may_match(&self, tree: &Arena, id: NodeId) -> bool {
        self.keys.as_ref().is_none_or(|keys| keys.any_holds(tree, id))
    }

    /// Does the element match the selector list? (`false` for other nodes.)
    pub fn matches(&self, tree: &Arena, id: NodeId) -> bool {
        tree.element(id)
            .is_some_and(|e| self.may_match(tree, id) && self.selector.matches(&e))
    }

    /// [`Sel::select`] with the selectors that `doc` rules out left aside: none walks
    /// nothing, some walk with the keys of the others.
    pub fn select_in<'a>(&'a self, tree: &'a Arena, doc: &DocKeys<'_>) -> impl Iterator<Item = NodeId> + 'a {
        self.walk(tree, self.plan(doc))
    }

    fn plan(&self, doc: &DocKeys<'_>) -> Plan {
        if !self.prunable {
            return Plan::All;
        }
        let alive: Vec<usize> = (0..self.parts.len())
            .filter(|i| self.parts[*i].needs.iter().all(|n| doc.has(n)))
            .collect();
        if alive.is_empty() {
            Plan::Nothing
        } else if alive.len() == self.parts.len() {
            Plan::All
        } else {
            Plan::Some(alive)
        }
    }

    /// The elements of the tree that match, in arena order (document order until nodes
    /// move), every element that has a parent: the elements of a detached subtree are
    /// still seen, its top is not (as scraper's `Html::select` saw them).
    pub fn select<'a>(&'a self, tree: &'a Arena) -> impl Iterator<Item = NodeId> + 'a {
        self.walk(tree, Plan::All)
    }

    /// The walk of [`Sel::select`], pre-checking with the keys the plan says: the elements
    /// that have a key are looked up in the page's [`ElementIndex`](crate::html::arena::ElementIndex),
    /// a list without keys walks every node.
    fn walk<'a>(&'a self, tree: &'a Arena, plan: Plan) -> impl Iterator<Item = NodeId> + 'a {
        let (keys, alive) = match plan {
            Plan::Nothing => return None.into_iter().flatten(),
            Plan::All => (self.keys.clone(), (0..self.parts.len()).collect()),
            Plan::Some(alive) => (Keys::of(alive.iter().map(|i| &self.parts[*i].key)), alive),
        };
        let candidates: Box<dyn Iterator<Item = NodeId> + 'a> = match &keys {
            Some(_) => Box::new(
                self.candidates(tree, &alive)
                    .into_iter()
                    .filter_map(|i| tree.get(i as usize)),
            ),
            None => Box::new(tree.nodes()),
        };
        let mut caches = selectors::matching::SelectorCaches::default();
        Some(candidates.filter(move |id| {
            let Some(el) = tree.element(*id) else {
                return false;
            };
            keys.as_ref().is_none_or(|k| k.any_holds(tree, *id))
                && tree.parent(*id).is_some()
                && self.selector.matches_with_caches(&el, &mut caches)
        }))
        .into_iter()
        .flatten()
    }

    /// The elements that may match one of the `alive` selectors (each with a key), in arena
    /// order: those holding its key, under an element holding its ancestor's key when it has
    /// one; and the nodes made after the page's index.
    fn candidates(&self, tree: &Arena, alive: &[usize]) -> Vec<u32> {
        let mut out = Vec::new();
        // Selectors of one list often share the ancestor's key (`.byline a, .byline span`).
        let mut marks: Vec<(&Option<Key>, Marks)> = Vec::new();
        for part in alive.iter().filter_map(|i| self.parts.get(*i)) {
            let Some(own) = &part.own else { continue };
            let mut found = own.candidates(tree);
            if let Some(above) = &part.above {
                let i = match marks.iter().position(|(k, _)| **k == part.above_key) {
                    Some(i) => i,
                    None => {
                        marks.push((&part.above_key, Marks::of(tree, above)));
                        marks.len() - 1
                    }
                };
                let m = &marks[i].1;
                found.retain(|i| tree.get(*i as usize).is_some_and(|n| m.above(tree, n)));
            }
            out.extend(found);
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Split `s` at the top-level characters for which `at` holds: outside brackets,
/// parentheses and quotes.
fn split_top(s: &str, at: impl Fn(char) -> bool) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None::<char>, 0);
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(' | '[') => depth += 1,
            (None, ')' | ']') => depth -= 1,
            (None, c) if depth == 0 && at(c) => {
                parts.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
}

/// The simple selectors of one compound that can be read as keys (outside parentheses).
#[derive(Default)]
struct Parts<'s> {
    tag: Option<&'s str>,
    ids: Vec<&'s str>,
    classes: Vec<&'s str>,
    attrs: Vec<&'s str>,
    attr_values: Vec<(&'s str, &'s str)>,
}

/// The compounds of one complex selector, left to right.
fn compounds(complex: &str) -> Vec<&str> {
    split_top(complex, |c| c.is_whitespace() || matches!(c, '>' | '+' | '~'))
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect()
}

/// Read one compound. `None` when it uses escapes or namespaces outside brackets, or
/// anything else this reader does not know (read conservatively: no key).
fn compound_parts(compound: &str) -> Option<Parts<'_>> {
    let mut parts = Parts::default();
    let mut rest = compound;
    if let Some(name) = ident_prefix(rest) {
        parts.tag = Some(name);
        rest = &rest[name.len()..];
    }
    while let Some(c) = rest.chars().next() {
        match c {
            '#' | '.' => {
                let name = ident_prefix(&rest[1..])?;
                if c == '#' {
                    parts.ids.push(name);
                } else {
                    parts.classes.push(name);
                }
                rest = &rest[1 + name.len()..];
            }
            '[' => {
                let after = skip_group(rest, '[', ']')?;
                let inner = &rest[1..rest.len() - after.len() - 1];
                // An escaped or namespaced attribute name (`xml\:lang`, `xlink|href`) is
                // read as no key; the rest of the compound still gives one.
                match attr_test(inner) {
                    _ if inner.contains(['\\', '|']) => {}
                    Some((name, Some(value))) => parts.attr_values.push((name, value)),
                    Some((name, None)) => parts.attrs.push(name),
                    None => {}
                }
                rest = after;
            }
            ':' => {
                // A pseudo-class, with its argument in parentheses: never a key.
                let after = rest.trim_start_matches(':');
                let name = ident_prefix(after)?;
                rest = &after[name.len()..];
                if rest.starts_with('(') {
                    rest = skip_group(rest, '(', ')')?;
                }
            }
            '*' => rest = &rest[1..],
            _ => return None,
        }
    }
    Some(parts)
}

/// The key of one complex selector: from its rightmost compound, an id, else a class, else
/// an attribute value test, else a tag name, else an attribute name. `None` when it has
/// none.
fn selector_key(complex: &str) -> Option<Key> {
    let parts = compound_parts(compounds(complex).pop()?)?;
    let first = |v: &[&str]| v.first().map(|s| s.to_string());
    first(&parts.ids)
        .map(Key::Id)
        .or_else(|| first(&parts.classes).map(Key::Class))
        .or_else(|| {
            parts
                .attr_values
                .first()
                .map(|(n, v)| Key::AttrValue(lower_name(n), v.to_ascii_lowercase()))
        })
        .or_else(|| parts.tag.map(|s| Key::Tag(lower_name(s))))
        .or_else(|| parts.attrs.first().map(|s| Key::Attr(lower_name(s))))
}

/// The key of a compound that an ancestor of every element the complex selector matches
/// must match: one of the compounds left of the rightmost, joined to it by descendant and
/// child combinators only (a sibling combinator ends the chain), the nearest with an id or
/// a class, else the nearest with any key.
fn ancestor_key(complex: &str) -> Option<Key> {
    let chain = split_top(complex, |c| c == '+' || c == '~').pop()?;
    let mut comps = compounds(chain);
    comps.pop()?;
    let keys: Vec<Key> = comps.into_iter().rev().filter_map(selector_key).collect();
    let strong = keys.iter().position(|k| matches!(k, Key::Id(_) | Key::Class(_)));
    keys.into_iter().nth(strong.unwrap_or(0))
}

/// What one complex selector needs the document to have somewhere: the classes, ids and
/// compared attribute values of all its compounds (every compound of a match matches some
/// element). Tag and attribute names are not asked for: nearly every page has the common
/// ones.
fn selector_needs(complex: &str) -> Vec<Need> {
    let mut needs = Vec::new();
    for parts in compounds(complex).into_iter().filter_map(compound_parts) {
        needs.extend(parts.ids.iter().map(|i| Need::Id(i.to_string())));
        needs.extend(parts.classes.iter().map(|c| Need::Class(c.to_string())));
        needs.extend(
            parts
                .attr_values
                .iter()
                .filter(|(n, _)| !not_indexed(&n.to_ascii_lowercase()))
                .map(|(_, v)| Need::Text(v.to_ascii_lowercase())),
        );
    }
    needs
}

/// Something a selector needs the document to have.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Need {
    /// An element with this id (as written).
    Id(String),
    /// An element with this class (as written).
    Class(String),
    /// An attribute value containing this (lowercased) text.
    Text(String),
}

/// Attributes whose values [`DocKeys`] does not keep (long, and never tested by a rule):
/// a selector that compares one of them is never ruled out by the document. `name` is
/// lowercase.
fn not_indexed(name: &str) -> bool {
    matches!(
        name,
        "href"
            | "src"
            | "srcset"
            | "sizes"
            | "style"
            | "d"
            | "points"
            | "transform"
            | "content"
            | "data-src"
            | "data-srcset"
            | "data-lazy-src"
            | "data-lazy-srcset"
            | "data-original"
            | "poster"
            | "action"
            | "integrity"
            | "onclick"
            | "onload"
            | "onerror"
    )
}

/// What one document has, to rule whole selectors out before a walk: its classes and ids
/// (asked of the page's [`ElementIndex`](crate::html::arena::ElementIndex), by hash: a
/// collision only keeps a selector in), and the lowercased values of the other attributes
/// (but `not_indexed`). Read once per page; the tree may lose nodes afterwards (what it
/// has then is a subset).
pub struct DocKeys<'a> {
    tree: &'a Arena,
    text: String,
}

impl<'a> DocKeys<'a> {
    /// The keys of every element of the arena.
    pub fn of(tree: &'a Arena) -> DocKeys<'a> {
        let mut text = String::new();
        for id in tree.nodes() {
            for a in tree.attrs(id) {
                if !not_indexed(a.name) {
                    text.push_str(a.value);
                    text.push('\n');
                }
            }
        }
        text.make_ascii_lowercase();
        DocKeys { tree, text }
    }

    fn has(&self, need: &Need) -> bool {
        let ix = self.tree.index();
        // Nodes made after the index may have any class or id.
        let all_indexed = ix.len() == self.tree.len();
        match need {
            Need::Id(i) => !all_indexed || ix.may_have_id(i),
            Need::Class(c) => !all_indexed || ix.may_have_class(c),
            Need::Text(t) => memchr::memmem::find(self.text.as_bytes(), t.as_bytes()).is_some(),
        }
    }
}

fn lower_name(s: &str) -> String {
    s.to_ascii_lowercase()
}

/// The attribute name of a `[…]` test and, when it compares the value, the value (which
/// any matching element's attribute contains, whatever the operator).
fn attr_test(inner: &str) -> Option<(&str, Option<&str>)> {
    let inner = inner.trim();
    let name = ident_prefix(inner)?;
    let rest = inner[name.len()..].trim_start();
    if rest.is_empty() {
        return Some((name, None));
    }
    let rest = rest.trim_start_matches(['~', '|', '^', '$', '*']);
    let Some(rest) = rest.strip_prefix('=') else {
        return Some((name, None));
    };
    let rest = rest.trim_start();
    let (value, tail) = match rest.chars().next() {
        Some(q @ ('"' | '\'')) => {
            let end = rest[1..].find(q)?;
            (&rest[1..1 + end], &rest[2 + end..])
        }
        _ => {
            let v = ident_prefix(rest)?;
            (v, &rest[v.len()..])
        }
    };
    // What may follow is a case flag.
    let flag_ok = matches!(tail.trim(), "" | "i" | "I" | "s" | "S");
    Some((name, flag_ok.then_some(value)))
}

/// The CSS identifier at the start of `s`, if any.
fn ident_prefix(s: &str) -> Option<&str> {
    let end = s
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '-' || *c == '_' || !c.is_ascii()))
        .map_or(s.len(), |(i, _)| i);
    (end > 0).then(|| &s[..end])
}

/// `s` past its leading `open … close` group (nested, quotes respected).
fn skip_group(s: &str, open: char, close: char) -> Option<&str> {
    let (mut depth, mut quote) = (0i32, None::<char>);
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, c) if c == open => depth += 1,
            (None, c) if c == close => {
                depth -= 1;
                if depth == 0 {
                    return Some(&s[i + c.len_utf8()..]);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::html::keys::contains_ignore_ascii_case;

    /// The key of each selector of a list, or `None` if one has none.
    fn key(css: &str) -> Option<Vec<Key>> {
        split_top(css, |c| c == ',')
            .into_iter()
            .map(|complex| selector_key(complex.trim()))
            .collect()
    }

    #[test]
    fn contains_ignores_ascii_case_short_and_long() {
        assert!(contains_ignore_ascii_case("Post-Author x", "author"));
        assert!(!contains_ignore_ascii_case("Post-Autho", "author"));
        let long = format!("{}BreadCrumb", "a".repeat(1000));
        assert!(contains_ignore_ascii_case(&long, "breadcrumb"));
        assert!(!contains_ignore_ascii_case(&long, "breadcrumbs"));
        assert!(contains_ignore_ascii_case("", ""));
    }

    #[test]
    fn keys_come_from_the_rightmost_compound() {
        use Key::*;
        assert_eq!(key("nav"), Some(vec![Tag(String::from("nav"))]));
        assert_eq!(key("body > header"), Some(vec![Tag(String::from("header"))]));
        assert_eq!(key("header#masthead"), Some(vec![Id("masthead".into())]));
        assert_eq!(key(".a .b-c"), Some(vec![Class("b-c".into())]));
        assert_eq!(key("ins.adsbygoogle"), Some(vec![Class("adsbygoogle".into())]));
        let av = |n: &str, v: &str| AttrValue(n.to_string(), v.into());
        let tag_key = |n: &str| Tag(n.to_string());
        assert_eq!(
            key("[role=navigation], menu"),
            Some(vec![av("role", "navigation"), Tag(String::from("menu"))])
        );
        assert_eq!(
            key("[style*='display: none']"),
            Some(vec![av("style", "display: none")])
        );
        assert_eq!(
            key(r#"script[type="application/ld+json" i]"#),
            Some(vec![av("type", "application/ld+json")])
        );
        assert_eq!(
            key(r#"[class*="Author" i] > a"#),
            Some(vec![Tag(String::from("a"))])
        );
        assert_eq!(key(r#"a[rel~="author"]"#), Some(vec![av("rel", "author")]));
        assert_eq!(
            key("[itemprop~=datePublished]"),
            Some(vec![av("itemprop", "datepublished")])
        );
        assert_eq!(key("[hidden]"), Some(vec![Attr(String::from("hidden"))]));
        assert_eq!(key("nav[aria-label]"), Some(vec![Tag(String::from("nav"))]));
        assert_eq!(key("[data-x = 'a]b' s]"), Some(vec![av("data-x", "a]b")]));
        assert_eq!(
            key(".hidden:not([class*='sm:']):not([class*='md:'])"),
            Some(vec![Class("hidden".into())])
        );
        assert_eq!(key("div:has(> p.x, span)"), Some(vec![Tag(String::from("div"))]));
        assert_eq!(key("a[href] + *"), None);
        assert_eq!(key(":is(.a, .b)"), None);
        assert_eq!(key("h1, *"), None);
        assert_eq!(
            key(r"html[lang], html[xml\:lang]"),
            Some(vec![tag_key("html"), tag_key("html")])
        );
        assert_eq!(key(r"[xml\:lang]"), None);
        assert_eq!(key(r"a\:b"), None);
        assert_eq!(key(r".a\:b"), None);
        assert_eq!(key(r"svg|rect"), None);
        assert_eq!(key(r"[xlink|href]"), None);
        assert_eq!(key(r"[xlink|href].x"), Some(vec![Class("x".into())]));
        assert_eq!(key("[data-ad]"), Some(vec![Attr(String::from("data-ad"))]));
        assert_eq!(key("ARTICLE  >  P"), Some(vec![Tag(String::from("p"))]));
    }

    #[test]
    fn ancestor_keys_come_from_the_descendant_chain() {
        use Key::*;
        assert_eq!(ancestor_key(".byline a"), Some(Class("byline".into())));
        assert_eq!(ancestor_key("nav .x > .y a"), Some(Class("y".into())));
        assert_eq!(
            ancestor_key("#m article p"),
            Some(Id("m".into())),
            "an id before a nearer tag"
        );
        assert_eq!(ancestor_key("body > header"), Some(Tag("body".into())));
        assert_eq!(ancestor_key(".a + p"), None, "a sibling is no ancestor");
        assert_eq!(ancestor_key(".a + p span"), Some(Tag("p".into())));
        assert_eq!(ancestor_key("p"), None);
        assert_eq!(ancestor_key(":is(.a) p"), None);
    }

    fn parse(page: &str) -> Arena {
        crate::html::engine::parse_document(page, &crate::Limits::default()).expect("parses")
    }

    /// The pre-check never changes what matches: every selector of the bundled rules and of
    /// metadata, on every fixture page, selects the same elements as the selector alone
    /// (tried on every element with a parent, in arena order).
    #[test]
    fn select_equals_the_plain_selector_on_the_fixtures() {
        let mut css: Vec<String> = Vec::new();
        for (_, text) in crate::rules::BUNDLED {
            for line in text.lines() {
                css.extend(quoted_list(line));
            }
        }
        css.extend(
            [
                "a[href] + *",
                ":is(.a, .b)",
                "div:has(> p)",
                "p:nth-child(2n+1)",
                "[class~=post]",
                "#main .entry-content > p",
                "html[lang], html[xml\\:lang]",
                ".no-such-class a, [class*=entry] p",
                "#no-such-id p, .no-such-class",
                "[data-no-such*=value] span, [class*=\"CONTENT\" i] > p",
                ".byline a, [class*=\"breadcrumb\" i] li, body > header",
                "[itemtype*=\"BreadcrumbList\"] [itemprop~=\"name\"]",
                "p + .x .y a, .a ~ div span, #main article > p a",
                "div:not(.x) .y:has(a) > span",
            ]
            .map(String::from),
        );
        let sels: Vec<(String, Sel)> = css
            .into_iter()
            .filter_map(|c| Sel::parse(&c).ok().map(|s| (c, s)))
            .collect();
        assert!(sels.len() > 100, "{} selectors", sels.len());
        for page in crate::fixture_pages() {
            let tree = parse(&page);
            let doc = DocKeys::of(&tree);
            for (c, s) in &sels {
                let ours: Vec<_> = s.select(&tree).collect();
                let theirs: Vec<_> = tree
                    .nodes()
                    .filter(|n| {
                        tree.parent(*n).is_some()
                            && tree.element(*n).is_some_and(|e| s.selector().matches(&e))
                    })
                    .collect();
                assert_eq!(ours, theirs, "{c}");
                let pruned: Vec<_> = s.select_in(&tree, &doc).collect();
                assert_eq!(pruned, theirs, "{c} with the document's keys");
            }
        }
    }

    #[test]
    fn document_keys_rule_out_selectors() {
        let tree = parse(
            r#"<div class="post Body" id="main"><p data-x="Hello World">a</p><a href="/AUTHOR">b</a></div>"#,
        );
        let doc = DocKeys::of(&tree);
        let possible = |css: &str| !matches!(Sel::parse(css).expect("selector").plan(&doc), Plan::Nothing);
        assert!(possible(".post a"));
        assert!(possible(".Body p"));
        assert!(!possible(".body p"), "classes are matched as written");
        assert!(possible("#main > p"));
        assert!(!possible("#Main > p"));
        assert!(possible("[data-x*='hello w' i]"));
        assert!(!possible("[data-x*='goodbye']"));
        assert!(possible("[href*=author i]"), "href is not kept: never ruled out");
        assert!(!possible(".byline a, .author a"));
        assert!(possible(".byline a, .post a"));
        assert!(possible(r".a\:b"), "escapes: the list is not read");
        assert!(possible(":is(.x) p"));
    }

    /// The quoted strings of a TOML line that parse as selectors.
    fn quoted_list(line: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut rest = line;
        while let Some(start) = rest.find(['"', '\'']) {
            let q = rest[start..].chars().next().unwrap_or('"');
            let Some(len) = rest[start + 1..].find(q) else {
                break;
            };
            out.push(rest[start + 1..start + 1 + len].to_string());
            rest = &rest[start + 2 + len..];
        }
        out.retain(|s| Selector::parse(s).is_ok());
        out
    }
}
