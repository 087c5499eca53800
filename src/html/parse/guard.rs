//! The token guard between html5ever's tokenizer and its tree builder: a model of the
//! stack of open elements (tag names, with the end tags the standard implies for `p`, `li`,
//! table cells…) that folds start tags deeper than [`Limits::max_depth`] into the deepest
//! allowed element, and stops the parse at [`Limits::max_nodes`] or when the page's time
//! budget runs out. It does not build the tree (the tree builder does) nor repair it after
//! the parse (see [`super::fold_deep`]). In: tokens. Out: tokens forwarded or dropped, and
//! a [`Stop`] when the parse was cut short.

use crate::limits::{self, Limits};
use ego_tree::NodeId;
use html5ever::tokenizer::{TagKind, Token, TokenSink, TokenSinkResult};
use html5ever::tree_builder::TreeBuilder;
use html5ever::{local_name, LocalName};
use scraper::HtmlTreeSink;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;

/// Tokens between two checks of the node count and the clock.
const CHECK_EVERY_TOKENS: u32 = 64;

/// Elements that never have content (never pushed on the stack of open elements).
fn is_void(n: &LocalName) -> bool {
    matches!(
        *n,
        local_name!("area")
            | local_name!("base")
            | local_name!("basefont")
            | local_name!("bgsound")
            | local_name!("br")
            | local_name!("col")
            | local_name!("embed")
            | local_name!("frame")
            | local_name!("hr")
            | local_name!("image")
            | local_name!("img")
            | local_name!("input")
            | local_name!("keygen")
            | local_name!("link")
            | local_name!("meta")
            | local_name!("param")
            | local_name!("source")
            | local_name!("track")
            | local_name!("wbr")
    )
}

/// Elements whose content the tokenizer reads as text: never folded, or their content
/// would be parsed as markup.
fn is_raw_text(n: &LocalName) -> bool {
    matches!(
        *n,
        local_name!("script")
            | local_name!("style")
            | local_name!("textarea")
            | local_name!("title")
            | local_name!("xmp")
            | local_name!("iframe")
            | local_name!("noembed")
            | local_name!("noframes")
            | local_name!("noscript")
            | local_name!("plaintext")
    )
}

/// Start tags that close an open `p` (the standard's list, abridged to what pages use).
fn closes_p(n: &LocalName) -> bool {
    matches!(
        *n,
        local_name!("address")
            | local_name!("article")
            | local_name!("aside")
            | local_name!("blockquote")
            | local_name!("center")
            | local_name!("details")
            | local_name!("dialog")
            | local_name!("dir")
            | local_name!("div")
            | local_name!("dl")
            | local_name!("fieldset")
            | local_name!("figcaption")
            | local_name!("figure")
            | local_name!("footer")
            | local_name!("header")
            | local_name!("hgroup")
            | local_name!("main")
            | local_name!("menu")
            | local_name!("nav")
            | local_name!("ol")
            | local_name!("p")
            | local_name!("search")
            | local_name!("section")
            | local_name!("summary")
            | local_name!("ul")
            | local_name!("pre")
            | local_name!("listing")
            | local_name!("form")
            | local_name!("li")
            | local_name!("dd")
            | local_name!("dt")
            | local_name!("table")
            | local_name!("hr")
    ) || is_heading(n)
}

fn is_heading(n: &LocalName) -> bool {
    matches!(
        *n,
        local_name!("h1")
            | local_name!("h2")
            | local_name!("h3")
            | local_name!("h4")
            | local_name!("h5")
            | local_name!("h6")
    )
}

/// Start tags that end SVG or MathML content (the standard's list for foreign content).
fn breaks_out_of_foreign(n: &LocalName) -> bool {
    matches!(
        *n,
        local_name!("b")
            | local_name!("big")
            | local_name!("blockquote")
            | local_name!("body")
            | local_name!("br")
            | local_name!("center")
            | local_name!("code")
            | local_name!("dd")
            | local_name!("div")
            | local_name!("dl")
            | local_name!("dt")
            | local_name!("em")
            | local_name!("embed")
            | local_name!("head")
            | local_name!("hr")
            | local_name!("i")
            | local_name!("img")
            | local_name!("li")
            | local_name!("listing")
            | local_name!("menu")
            | local_name!("meta")
            | local_name!("nobr")
            | local_name!("ol")
            | local_name!("p")
            | local_name!("pre")
            | local_name!("ruby")
            | local_name!("s")
            | local_name!("small")
            | local_name!("span")
            | local_name!("strong")
            | local_name!("strike")
            | local_name!("sub")
            | local_name!("sup")
            | local_name!("table")
            | local_name!("tt")
            | local_name!("u")
            | local_name!("ul")
            | local_name!("var")
    ) || is_heading(n)
}

/// Elements that end the search for an open `p` or `a` ("scope" boundaries).
fn is_scope(n: &LocalName) -> bool {
    matches!(
        *n,
        local_name!("applet")
            | local_name!("caption")
            | local_name!("html")
            | local_name!("table")
            | local_name!("td")
            | local_name!("th")
            | local_name!("marquee")
            | local_name!("object")
            | local_name!("template")
            | local_name!("button")
            | local_name!("svg")
            | local_name!("math")
    )
}

/// The elements the model counts, so that it searches its stack only when one is open.
#[derive(Clone, Copy)]
enum Tracked {
    P,
    Li,
    DdDt,
    A,
    Button,
    Option,
    Optgroup,
    Tr,
    Cell,
    Section,
    Foreign,
}
const TRACKED: usize = 11;

fn tracked(n: &LocalName) -> Option<Tracked> {
    Some(match *n {
        local_name!("p") => Tracked::P,
        local_name!("li") => Tracked::Li,
        local_name!("dd") | local_name!("dt") => Tracked::DdDt,
        local_name!("a") => Tracked::A,
        local_name!("button") => Tracked::Button,
        local_name!("option") => Tracked::Option,
        local_name!("optgroup") => Tracked::Optgroup,
        local_name!("tr") => Tracked::Tr,
        local_name!("td") | local_name!("th") => Tracked::Cell,
        local_name!("tbody") | local_name!("thead") | local_name!("tfoot") => Tracked::Section,
        local_name!("svg") | local_name!("math") => Tracked::Foreign,
        _ => return None,
    })
}

/// What stopped a parse early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stop {
    Nodes,
    Time,
}

/// Model of the tree builder's stack of open elements: tag names, innermost last, with a
/// count of the open elements that implied end tags look for.
#[derive(Default)]
struct Model {
    open: Vec<LocalName>,
    counts: [u32; TRACKED],
}

impl Model {
    fn push(&mut self, name: LocalName) {
        if let Some(t) = tracked(&name) {
            self.counts[t as usize] += 1;
        }
        self.open.push(name);
    }

    /// Pop the element at `i` and everything above it.
    fn truncate(&mut self, i: usize) {
        for name in self.open.drain(i..) {
            if let Some(t) = tracked(&name) {
                self.counts[t as usize] -= 1;
            }
        }
    }

    fn has(&self, t: Tracked) -> bool {
        self.counts[t as usize] > 0
    }

    /// Index of the innermost open element that `target` accepts, unless an element that
    /// `bound` accepts comes first. Searched only when `t` says one is open.
    fn find(
        &self,
        t: Tracked,
        target: impl Fn(&LocalName) -> bool,
        bound: impl Fn(&LocalName) -> bool,
    ) -> Option<usize> {
        if !self.has(t) {
            return None;
        }
        for (i, e) in self.open.iter().enumerate().rev() {
            if target(e) {
                return Some(i);
            }
            if bound(e) {
                return None;
            }
        }
        None
    }

    /// Pop the elements that this start tag closes implicitly.
    fn close_implied(&mut self, tag: &LocalName) {
        // An HTML element inside SVG or MathML breaks out of it (the tree builder pops back
        // to the last HTML element).
        if self.has(Tracked::Foreign) && breaks_out_of_foreign(tag) {
            if let Some(i) = self
                .open
                .iter()
                .rposition(|e| matches!(*e, local_name!("svg") | local_name!("math")))
            {
                self.truncate(i);
            }
        }
        if closes_p(tag) {
            if let Some(i) = self.find(Tracked::P, |e| *e == local_name!("p"), is_scope) {
                self.truncate(i);
            }
        }
        let is = |name: LocalName| move |e: &LocalName| *e == name;
        let hit = match *tag {
            local_name!("li") => self.find(Tracked::Li, is(local_name!("li")), |e| {
                matches!(
                    *e,
                    local_name!("ul")
                        | local_name!("ol")
                        | local_name!("menu")
                        | local_name!("table")
                        | local_name!("td")
                        | local_name!("th")
                )
            }),
            local_name!("dd") | local_name!("dt") => self.find(
                Tracked::DdDt,
                |e| matches!(*e, local_name!("dd") | local_name!("dt")),
                |e| {
                    matches!(
                        *e,
                        local_name!("dl") | local_name!("table") | local_name!("td") | local_name!("th")
                    )
                },
            ),
            local_name!("a") => self.find(Tracked::A, is(local_name!("a")), is_scope),
            local_name!("button") => self.find(Tracked::Button, is(local_name!("button")), |e| {
                matches!(
                    *e,
                    local_name!("html") | local_name!("table") | local_name!("td") | local_name!("th")
                )
            }),
            local_name!("option") | local_name!("optgroup") => {
                self.find(Tracked::Option, is(local_name!("option")), |e| {
                    matches!(*e, local_name!("select") | local_name!("datalist"))
                })
            }
            local_name!("tr") => self.find(Tracked::Tr, is(local_name!("tr")), |e| {
                matches!(
                    *e,
                    local_name!("table") | local_name!("tbody") | local_name!("thead") | local_name!("tfoot")
                )
            }),
            local_name!("td") | local_name!("th") => self.find(
                Tracked::Cell,
                |e| matches!(*e, local_name!("td") | local_name!("th")),
                |e| matches!(*e, local_name!("tr") | local_name!("table")),
            ),
            local_name!("tbody") | local_name!("thead") | local_name!("tfoot") => self.find(
                Tracked::Section,
                |e| {
                    matches!(
                        *e,
                        local_name!("tbody") | local_name!("thead") | local_name!("tfoot")
                    )
                },
                is(local_name!("table")),
            ),
            _ if is_heading(tag) => self
                .open
                .last()
                .is_some_and(is_heading)
                .then(|| self.open.len() - 1),
            _ => None,
        };
        if let Some(i) = hit {
            self.truncate(i);
        }
        if *tag == local_name!("optgroup") && self.open.last().is_some_and(|e| *e == local_name!("optgroup"))
        {
            self.truncate(self.open.len() - 1);
        }
    }
}

/// The token filter between the tokenizer and the tree builder (see the module comment).
pub(super) struct Guard {
    pub(super) builder: TreeBuilder<NodeId, HtmlTreeSink>,
    model: RefCell<Model>,
    /// Start tags dropped because they were too deep, by name: their end tags are dropped too.
    folded: RefCell<HashMap<LocalName, usize>>,
    /// Tokens since the last node-count and clock check.
    tokens: Cell<u32>,
    pub(super) stop: Cell<Option<Stop>>,
    max_depth: usize,
    max_nodes: usize,
}

impl Guard {
    pub(super) fn new(builder: TreeBuilder<NodeId, HtmlTreeSink>, limits: &Limits) -> Guard {
        Guard {
            builder,
            model: RefCell::new(Model::default()),
            folded: RefCell::new(HashMap::new()),
            tokens: Cell::new(0),
            stop: Cell::new(None),
            max_depth: limits.max_depth.max(1),
            max_nodes: limits.max_nodes,
        }
    }

    /// Count nodes and read the clock every [`CHECK_EVERY_TOKENS`] tokens.
    fn over_budget(&self) -> bool {
        let n = self.tokens.get() + 1;
        if n < CHECK_EVERY_TOKENS {
            self.tokens.set(n);
            return false;
        }
        self.tokens.set(0);
        if self.builder.sink.0.borrow().tree.nodes().len() > self.max_nodes {
            self.stop.set(Some(Stop::Nodes));
        } else if limits::check().is_err() {
            self.stop.set(Some(Stop::Time));
        }
        self.stop.get().is_some()
    }

    /// Forward a start tag unless it is too deep; `false` when it was folded.
    fn start_tag(&self, name: &LocalName, self_closing: bool) -> bool {
        if matches!(
            *name,
            local_name!("html") | local_name!("head") | local_name!("body")
        ) {
            return true;
        }
        let mut model = self.model.borrow_mut();
        // Void elements close things too (`<hr>` closes an open `p`).
        model.close_implied(name);
        if is_void(name) {
            return true;
        }
        if self_closing && model.has(Tracked::Foreign) {
            // `<path/>` inside SVG is closed at once; in HTML `<div/>` stays open.
            return true;
        }
        if model.open.len() >= self.max_depth && !is_raw_text(name) {
            *self.folded.borrow_mut().entry(name.clone()).or_default() += 1;
            return false;
        }
        model.push(name.clone());
        true
    }

    /// Forward an end tag unless its start tag was folded.
    fn end_tag(&self, name: &LocalName) -> bool {
        {
            let mut folded = self.folded.borrow_mut();
            if let Some(n) = folded.get_mut(name).filter(|n| **n > 0) {
                *n -= 1;
                return false;
            }
        }
        let mut model = self.model.borrow_mut();
        // The tree builder ignores an end tag whose element is not "in scope" (a `</div>`
        // inside a table cell whose div is outside the table): so does the model. Table
        // parts have their own, wider scope (`</table>` closes an unclosed cell).
        let table_part = matches!(
            *name,
            local_name!("table")
                | local_name!("tbody")
                | local_name!("thead")
                | local_name!("tfoot")
                | local_name!("tr")
                | local_name!("td")
                | local_name!("th")
                | local_name!("caption")
                | local_name!("colgroup")
        );
        let boundary = |e: &LocalName| {
            if table_part {
                matches!(
                    *e,
                    local_name!("html") | local_name!("table") | local_name!("template")
                )
            } else {
                is_scope(e)
            }
        };
        let found = model
            .open
            .iter()
            .rposition(|e| e == name || boundary(e))
            .filter(|i| model.open[*i] == *name);
        if let Some(i) = found {
            model.truncate(i);
        }
        true
    }
}

impl TokenSink for Guard {
    type Handle = NodeId;

    fn process_token(&self, token: Token, line_number: u64) -> TokenSinkResult<NodeId> {
        if self.stop.get().is_some() || self.over_budget() {
            return TokenSinkResult::Continue;
        }
        let forward = match &token {
            Token::TagToken(tag) => match tag.kind {
                TagKind::StartTag => self.start_tag(&tag.name, tag.self_closing),
                TagKind::EndTag => self.end_tag(&tag.name),
            },
            _ => true,
        };
        if forward {
            self.builder.process_token(token, line_number)
        } else {
            TokenSinkResult::Continue
        }
    }

    fn end(&self) {
        self.builder.end();
    }

    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        self.builder
            .adjusted_current_node_present_but_not_in_html_namespace()
    }
}
