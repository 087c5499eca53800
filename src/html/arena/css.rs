//! CSS selectors over the arena: a `selectors::SelectorImpl` of our own ([`Css`]), a parser
//! configured as scraper 0.24 configures it (`:is`, `:where` and `:has` on; no namespace
//! prefixes, no non-tree-structural pseudo-classes), and `selectors::Element` for
//! [`ElementRef`]. Matching follows scraper's `ElementRef` choices so that a selector picks
//! the same elements on both trees: no-quirks matching; `#id` is the first attribute named
//! `id`; `.class` splits `class` on ASCII whitespace; `:root` is a child of a document;
//! `:empty` means no element or text child. Known tag and attribute names are resolved to
//! ids when the selector is parsed, so matching them compares integers.

use super::{AttrName, ElementRef, Namespace, NodeKind, Tag};
use cssparser::ToCss;
use precomputed_hash::PrecomputedHash;
use selectors::attr::{AttrSelectorOperation, CaseSensitivity, NamespaceConstraint};
use selectors::bloom::BloomFilter;
use selectors::matching::{self, ElementSelectorFlags, MatchingContext, SelectorCaches};
use selectors::parser::{self, ParseRelative, SelectorList, SelectorParseErrorKind};
use selectors::OpaqueElement;
use std::fmt;

/// Our selector implementation (the types `selectors` parses into).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Css;

impl parser::SelectorImpl for Css {
    type ExtraMatchingData<'a> = ();
    type AttrValue = CssString;
    type Identifier = CssName;
    type LocalName = CssName;
    type NamespaceUrl = CssNamespace;
    type NamespacePrefix = CssName;
    type BorrowedNamespaceUrl = CssNamespace;
    type BorrowedLocalName = CssName;
    type NonTSPseudoClass = NoPseudoClass;
    type PseudoElement = NoPseudoElement;
}

/// An attribute value in a selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CssString(pub String);

impl<'a> From<&'a str> for CssString {
    fn from(s: &'a str) -> Self {
        CssString(s.to_owned())
    }
}

impl AsRef<str> for CssString {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl ToCss for CssString {
    fn to_css<W: fmt::Write>(&self, dest: &mut W) -> fmt::Result {
        cssparser::serialize_string(&self.0, dest)
    }
}

/// A name in a selector (element, attribute, class, id), with the known tag and attribute
/// ids of the same name resolved at parse time.
#[derive(Debug, Clone, Default)]
pub struct CssName {
    name: Box<str>,
    tag: Option<Tag>,
    attr: Option<AttrName>,
    hash: u32,
}

impl PartialEq for CssName {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for CssName {}

impl<'a> From<&'a str> for CssName {
    fn from(s: &'a str) -> Self {
        // FNV-1a: a hash for the selectors crate's bloom filter and caches, and the one the
        // page's index gives class tokens.
        let hash = super::index::name_hash(s.as_bytes());
        CssName {
            name: s.into(),
            tag: Tag::known(s),
            attr: AttrName::known(s),
            hash,
        }
    }
}

impl ToCss for CssName {
    fn to_css<W: fmt::Write>(&self, dest: &mut W) -> fmt::Result {
        dest.write_str(&self.name)
    }
}

impl PrecomputedHash for CssName {
    fn precomputed_hash(&self) -> u32 {
        self.hash
    }
}

/// A namespace in a selector (only "none": the parser knows no prefixes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CssNamespace(pub Namespace);

impl PrecomputedHash for CssNamespace {
    fn precomputed_hash(&self) -> u32 {
        self.0 as u32
    }
}

/// No non-tree-structural pseudo-classes (`:hover` and the like never parse).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoPseudoClass {}

impl parser::NonTSPseudoClass for NoPseudoClass {
    type Impl = Css;
    fn is_active_or_hover(&self) -> bool {
        match *self {}
    }
    fn is_user_action_state(&self) -> bool {
        match *self {}
    }
}

impl ToCss for NoPseudoClass {
    fn to_css<W: fmt::Write>(&self, _dest: &mut W) -> fmt::Result {
        match *self {}
    }
}

/// No pseudo-elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoPseudoElement {}

impl parser::PseudoElement for NoPseudoElement {
    type Impl = Css;
}

impl ToCss for NoPseudoElement {
    fn to_css<W: fmt::Write>(&self, _dest: &mut W) -> fmt::Result {
        match *self {}
    }
}

/// The parser's settings (scraper 0.24's).
struct CssParser;

impl<'i> parser::Parser<'i> for CssParser {
    type Impl = Css;
    type Error = SelectorParseErrorKind<'i>;

    fn parse_is_and_where(&self) -> bool {
        true
    }

    fn parse_has(&self) -> bool {
        true
    }
}

/// A selector that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid CSS selector {selector:?}: {message}")]
pub struct SelectorError {
    /// The selector as written.
    pub selector: String,
    /// What the parser said.
    pub message: String,
}

/// A parsed selector list (`a, b > c`).
#[derive(Debug, Clone)]
pub struct Selector {
    list: SelectorList<Css>,
}

impl Selector {
    /// Parse a selector list.
    pub fn parse(text: &str) -> Result<Selector, SelectorError> {
        let mut input = cssparser::ParserInput::new(text);
        let mut p = cssparser::Parser::new(&mut input);
        SelectorList::parse(&CssParser, &mut p, ParseRelative::No)
            .map(|list| Selector { list })
            .map_err(|e| SelectorError {
                selector: text.to_owned(),
                message: format!("{:?}", e.kind),
            })
    }

    /// True when the element matches one of the selectors.
    pub fn matches(&self, element: &ElementRef<'_>) -> bool {
        self.matches_with_caches(element, &mut SelectorCaches::default())
    }

    /// [`Selector::matches`] with caches kept over many elements (`:nth-child`, `:has`).
    pub fn matches_with_caches(&self, element: &ElementRef<'_>, caches: &mut SelectorCaches) -> bool {
        let mut context = MatchingContext::new(
            matching::MatchingMode::Normal,
            None,
            caches,
            matching::QuirksMode::NoQuirks,
            matching::NeedsSelectorFlags::No,
            matching::MatchingForInvalidation::No,
        );
        matching::matches_selector_list(&self.list, element, &mut context)
    }

    /// The selector list written back as CSS.
    pub fn to_css_string(&self) -> String {
        self.list.to_css_string()
    }
}

impl ElementRef<'_> {
    fn with(&self, id: super::NodeId) -> Self {
        ElementRef {
            arena: self.arena,
            id,
        }
    }

    /// True when the selector's name is this element's name.
    fn name_is(&self, name: &CssName) -> bool {
        let Some(tag) = self.arena.tag(self.id) else {
            return false;
        };
        match name.tag {
            Some(t) => t == tag,
            None => !tag.is_known() && self.arena.tag_name(tag) == &*name.name,
        }
    }

    /// True when an attribute name id is the selector's name.
    fn attr_is(&self, id: AttrName, name: &CssName) -> bool {
        match name.attr {
            Some(a) => a == id,
            None => self.arena.attr_name(id) == &*name.name,
        }
    }
}

impl selectors::Element for ElementRef<'_> {
    type Impl = Css;

    fn opaque(&self) -> OpaqueElement {
        OpaqueElement::new(&self.arena.nodes[self.id.index()])
    }

    fn parent_element(&self) -> Option<Self> {
        self.arena
            .parent(self.id)
            .filter(|p| self.arena.is_element(*p))
            .map(|p| self.with(p))
    }

    fn parent_node_is_shadow_root(&self) -> bool {
        false
    }

    fn containing_shadow_host(&self) -> Option<Self> {
        None
    }

    fn is_pseudo_element(&self) -> bool {
        false
    }

    fn prev_sibling_element(&self) -> Option<Self> {
        let a = self.arena;
        std::iter::successors(a.prev_sibling(self.id), |n| a.prev_sibling(*n))
            .find(|n| a.is_element(*n))
            .map(|n| self.with(n))
    }

    fn next_sibling_element(&self) -> Option<Self> {
        let a = self.arena;
        std::iter::successors(a.next_sibling(self.id), |n| a.next_sibling(*n))
            .find(|n| a.is_element(*n))
            .map(|n| self.with(n))
    }

    fn first_element_child(&self) -> Option<Self> {
        self.arena.element_children(self.id).next().map(|n| self.with(n))
    }

    fn is_html_element_in_html_document(&self) -> bool {
        self.arena.ns(self.id) == Namespace::Html
    }

    fn has_local_name(&self, local_name: &CssName) -> bool {
        self.name_is(local_name)
    }

    fn has_namespace(&self, ns: &CssNamespace) -> bool {
        self.arena.ns(self.id) == ns.0
    }

    fn is_same_type(&self, other: &Self) -> bool {
        self.arena.tag(self.id) == other.arena.tag(other.id)
            && self.arena.ns(self.id) == other.arena.ns(other.id)
    }

    fn attr_matches(
        &self,
        ns: &NamespaceConstraint<&CssNamespace>,
        local_name: &CssName,
        operation: &AttrSelectorOperation<&CssString>,
    ) -> bool {
        self.arena.attr_records(self.id).iter().any(|a| {
            !matches!(*ns, NamespaceConstraint::Specific(url) if url.0 != a.ns)
                && self.attr_is(a.name, local_name)
                && operation.eval_str(self.arena.slice(a.start, a.len))
        })
    }

    fn match_non_ts_pseudo_class(&self, pc: &NoPseudoClass, _context: &mut MatchingContext<'_, Css>) -> bool {
        match *pc {}
    }

    fn match_pseudo_element(&self, pe: &NoPseudoElement, _context: &mut MatchingContext<'_, Css>) -> bool {
        match *pe {}
    }

    fn apply_selector_flags(&self, _flags: ElementSelectorFlags) {}

    fn is_link(&self) -> bool {
        // scraper's choice (not the standard's a/area with href), kept for equal results.
        self.arena.tag(self.id) == Some(Tag::LINK)
    }

    fn is_html_slot_element(&self) -> bool {
        false
    }

    fn has_id(&self, id: &CssName, case_sensitivity: CaseSensitivity) -> bool {
        self.arena
            .attr_records(self.id)
            .iter()
            .find(|a| a.name == AttrName::ID)
            .is_some_and(|a| {
                case_sensitivity.eq(id.name.as_bytes(), self.arena.slice(a.start, a.len).as_bytes())
            })
    }

    fn has_class(&self, name: &CssName, case_sensitivity: CaseSensitivity) -> bool {
        // The page's class token hashes rule most elements out without reading `class`.
        if case_sensitivity == CaseSensitivity::CaseSensitive {
            if let Some(hashes) = self.arena.index().class_hashes(self.id) {
                if !hashes.contains(&name.hash) {
                    return false;
                }
            }
        }
        self.arena
            .attr_records(self.id)
            .iter()
            .filter(|a| a.name == AttrName::CLASS)
            .flat_map(|a| self.arena.slice(a.start, a.len).split_ascii_whitespace())
            .any(|c| case_sensitivity.eq(c.as_bytes(), name.name.as_bytes()))
    }

    fn has_custom_state(&self, _name: &CssName) -> bool {
        false
    }

    fn imported_part(&self, _name: &CssName) -> Option<CssName> {
        None
    }

    fn is_part(&self, _name: &CssName) -> bool {
        false
    }

    fn is_empty(&self) -> bool {
        !self
            .arena
            .children(self.id)
            .any(|c| matches!(self.arena.kind(c), NodeKind::Element | NodeKind::Text))
    }

    fn is_root(&self) -> bool {
        self.arena
            .parent(self.id)
            .is_some_and(|p| self.arena.kind(p) == NodeKind::Document)
    }

    fn add_element_unique_hashes(&self, _filter: &mut BloomFilter) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::html::arena::{Arena, NodeId};

    #[test]
    fn selectors_match_known_and_interned_names() {
        let mut a = Arena::new(NodeKind::Document);
        let html = a.create_element(Tag::HTML, Namespace::Html, []).expect("room");
        a.append(NodeId::ROOT, html).expect("append");
        let widget = a.intern_tag("my-widget").expect("room");
        let data = a.intern_attr("data-x").expect("room");
        let w = a
            .create_element(
                widget,
                Namespace::Html,
                [
                    (AttrName::CLASS, Namespace::None, " Big  red "),
                    (data, Namespace::None, "Hello World"),
                    (AttrName::ID, Namespace::None, "main"),
                ],
            )
            .expect("room");
        a.append(html, w).expect("append");
        let matches = |css: &str| {
            let s = Selector::parse(css).expect("parses");
            a.select(&s).collect::<Vec<_>>()
        };
        assert_eq!(matches("my-widget"), vec![w]);
        assert_eq!(matches("html > .red.Big#main"), vec![w]);
        assert_eq!(matches("[data-x^=hello i]"), vec![w]);
        assert_eq!(matches("[data-x^=hello]"), vec![]);
        assert_eq!(matches(":root"), vec![html]);
        assert_eq!(matches("html:has(> [data-x])"), vec![html]);
        assert_eq!(matches(":not(html)"), vec![w]);
        assert!(Selector::parse("a:hover").is_err());
        assert!(Selector::parse("svg|a").is_err());
    }
}
