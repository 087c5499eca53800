//! Decoded text → `scraper::Html`, with the bounds browsers put on hostile markup.
//!
//! html5ever builds the tree as the HTML standard says, with no limit on nesting: 200,000
//! nested `<div>`s make a 200,000-deep tree (every later walk over it overflows the stack)
//! and cost quadratic time, because each start tag scans the stack of open elements. So
//! the tokens pass through a [`Guard`] on their way to the tree builder. It keeps a model
//! of the open elements (tag names, with the implied end tags of `p`, `li`, table cells…)
//! and folds what lies deeper than [`Limits::max_depth`] into the deepest allowed element:
//! the start and end tags beyond the limit are dropped, their text is kept. Chromium caps
//! its tree the same way (at 512). The guard also stops the parse when the tree passes
//! [`Limits::max_nodes`] or the page's time budget runs out ([`crate::limits`]).
//!
//! A tree can still grow deeper than the model (misnested formatting elements are
//! re-opened by the tree builder without a token); [`fold_deep`] then moves everything
//! below the limit up to it, so the tree that leaves this module is never deeper than
//! `max_depth + 1`. In: `&str`. Out: `Html` or a `too large` / `timeout` error.

use crate::error::{Error, Result};
use crate::limits::{self, Limits};
use ego_tree::iter::Edge;
use ego_tree::NodeId;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use html5ever::tree_builder::{create_element, TreeBuilder, TreeBuilderOpts, TreeSink};
use html5ever::{local_name, ns, LocalName, QualName, TokenizerResult};
use scraper::{Html, HtmlTreeSink};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;

/// Attributes kept on one tag. html5ever checks each new attribute against the tag's others
/// (quadratic: 300,000 attributes take minutes); real tags have a handful.
const MAX_ATTRIBUTES: usize = 256;
/// Attributes kept over all `<html>` and `<body>` tags together: the tree builder merges
/// every later such tag into the first, checking each attribute against those it has.
const MAX_ROOT_ATTRIBUTES: usize = 1024;

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
enum Stop {
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
struct Guard {
    builder: TreeBuilder<NodeId, HtmlTreeSink>,
    model: RefCell<Model>,
    /// Start tags dropped because they were too deep, by name: their end tags are dropped too.
    folded: RefCell<HashMap<LocalName, usize>>,
    /// Tokens since the last node-count and clock check.
    tokens: Cell<u32>,
    stop: Cell<Option<Stop>>,
    max_depth: usize,
    max_nodes: usize,
}

impl Guard {
    fn new(builder: TreeBuilder<NodeId, HtmlTreeSink>, limits: &Limits) -> Guard {
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

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// Raw-text elements, as bytes for [`cap_attributes`]: their content is not markup.
const RAW_TEXT_NAMES: &[&[u8]] = &[
    b"script",
    b"style",
    b"textarea",
    b"title",
    b"xmp",
    b"iframe",
    b"noembed",
    b"noframes",
    b"noscript",
    b"plaintext",
];

/// Where the raw text that starts at `from` inside a `<name>` element ends: the start of
/// the next `</name`, or the end of the text.
fn raw_text_end(b: &[u8], from: usize, name: &[u8]) -> usize {
    let mut i = from;
    while let Some(off) = memchr::memchr(b'<', &b[i..]) {
        let at = i + off;
        let closes = b.get(at + 1) == Some(&b'/')
            && b.get(at + 2..at + 2 + name.len())
                .is_some_and(|n| n.eq_ignore_ascii_case(name));
        if closes {
            return at;
        }
        i = at + 1;
    }
    b.len()
}

/// The position just after the comment whose `<!--` ends at `from`: after `-->` or `--!>`,
/// or after `<!-->` and `<!--->` themselves (the tokenizer's rules).
fn comment_end(b: &[u8], from: usize) -> usize {
    let rest = &b[from..];
    if rest.starts_with(b">") {
        return from + 1;
    }
    if rest.starts_with(b"->") {
        return from + 2;
    }
    let a = memchr::memmem::find(rest, b"-->").map(|x| x + 3);
    let c = memchr::memmem::find(rest, b"--!>").map(|x| x + 4);
    match (a, c) {
        (Some(x), Some(y)) => from + x.min(y),
        (Some(x), None) | (None, Some(x)) => from + x,
        (None, None) => b.len(),
    }
}

/// Scan the attributes of a tag whose name ends at `i`, not past `limit`: returns the
/// position after the tag (at its `>`, or `limit`) and where the attributes beyond `cap`
/// (or beyond [`MAX_ROOT_ATTRIBUTES`] in `root`'s running count) start, if anywhere.
fn scan_attributes(
    b: &[u8],
    mut i: usize,
    limit: usize,
    cap: usize,
    mut root: Option<&mut usize>,
) -> (usize, Option<usize>) {
    let (mut count, mut cut_from) = (0usize, None);
    loop {
        while i < limit && (is_space(b[i]) || b[i] == b'/') {
            i += 1;
        }
        if i >= limit || b[i] == b'>' {
            break;
        }
        let attr_start = i;
        i += 1;
        while i < limit && !is_space(b[i]) && !matches!(b[i], b'/' | b'>' | b'=') {
            i += 1;
        }
        let mut j = i;
        while j < limit && is_space(b[j]) {
            j += 1;
        }
        if j < limit && b[j] == b'=' {
            j += 1;
            while j < limit && is_space(b[j]) {
                j += 1;
            }
            match b[..limit].get(j) {
                Some(&q @ (b'"' | b'\'')) => {
                    j = memchr::memchr(q, &b[j + 1..limit]).map_or(limit, |p| j + 1 + p + 1);
                }
                _ => {
                    while j < limit && !is_space(b[j]) && b[j] != b'>' {
                        j += 1;
                    }
                }
            }
            i = j;
        }
        count += 1;
        let over_root = root.as_deref_mut().is_some_and(|n| {
            *n += 1;
            *n > MAX_ROOT_ATTRIBUTES
        });
        if cut_from.is_none() && (count > cap || over_root) {
            cut_from = Some(attr_start);
        }
    }
    (i.min(limit), cut_from)
}

/// The text with the attributes beyond [`MAX_ATTRIBUTES`] of every tag (and beyond
/// [`MAX_ROOT_ATTRIBUTES`] over all `<html>`/`<body>` tags) cut out. A linear scan that
/// reads the text as the tokenizer does: start and end tags with their attributes (quoted
/// values may hold `>`), comments (ended by `-->`, `--!>`, or at once by `<!-->`), and the
/// content of `<script>`, `<style>`, `<xmp>`… as text — except inside a `<select>` or
/// SVG/MathML, where the tree builder does not make those raw text and their content is
/// tokenized as markup. No real page comes near the limits. Borrowed unless something was
/// cut.
fn cap_attributes(text: &str) -> std::borrow::Cow<'_, str> {
    let b = text.as_bytes();
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut root_attrs = 0usize;
    // Open `<select>` and `<svg>`/`<math>` elements, as far as tags tell.
    let (mut selects, mut foreign) = (0u32, 0u32);
    let mut i = 0usize;
    while let Some(off) = memchr::memchr(b'<', &b[i..]) {
        i += off + 1;
        if b[i..].starts_with(b"!--") {
            i = comment_end(b, i + 3);
            continue;
        }
        let end_tag = b.get(i) == Some(&b'/');
        let name_start = i + usize::from(end_tag);
        if !b.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        i = name_start;
        while i < b.len() && !is_space(b[i]) && !matches!(b[i], b'/' | b'>') {
            i += 1;
        }
        let name = &b[name_start..i];
        let is = |n: &[u8]| name.eq_ignore_ascii_case(n);
        let root = !end_tag && (is(b"html") || is(b"body"));
        let (after, cut_from) =
            scan_attributes(b, i, b.len(), MAX_ATTRIBUTES, root.then_some(&mut root_attrs));
        if let Some(from) = cut_from {
            cuts.push((from, after));
        }
        i = after;
        let self_closing = after > 0 && b.get(after - 1) == Some(&b'/');
        match (end_tag, is(b"select"), is(b"svg") || is(b"math")) {
            (false, true, _) => selects += 1,
            (true, true, _) => selects = selects.saturating_sub(1),
            (false, _, true) if !self_closing => foreign += 1,
            (true, _, true) => foreign = foreign.saturating_sub(1),
            _ => {}
        }
        if end_tag || selects > 0 || foreign > 0 {
            continue;
        }
        if is(b"plaintext") {
            break;
        }
        if let Some(raw) = RAW_TEXT_NAMES.iter().find(|r| is(r)) {
            i = raw_text_end(b, i, raw);
        }
    }
    if cuts.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    // Cuts start and end at ASCII bytes, so every piece is on a character boundary.
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (from, to) in cuts {
        out.push_str(&text[at..from]);
        at = to;
    }
    out.push_str(&text[at..]);
    std::borrow::Cow::Owned(out)
}

fn run(
    builder: TreeBuilder<NodeId, HtmlTreeSink>,
    opts: TokenizerOpts,
    text: &str,
    limits: &Limits,
) -> Result<Html> {
    let tokenizer = Tokenizer::new(Guard::new(builder, limits), opts);
    let input = BufferQueue::default();
    input.push_back(StrTendril::from(&*cap_attributes(text)));
    while let TokenizerResult::Script(_) = tokenizer.feed(&input) {}
    tokenizer.end();
    let guard = tokenizer.sink;
    let stop = guard.stop.get();
    let mut html = guard.builder.sink.finish();
    repair_parents(&mut html);
    match stop {
        Some(Stop::Nodes) => Err(Error::TooLarge(format!(
            "more than {} DOM nodes (--max-nodes)",
            limits.max_nodes
        ))),
        Some(Stop::Time) => limits::check().map(|()| html),
        None => {
            fold_deep(&mut html, limits.max_depth.max(1));
            Ok(html)
        }
    }
}

/// Parse a whole document within the limits.
pub fn document(text: &str, limits: &Limits) -> Result<Html> {
    let builder = TreeBuilder::new(
        HtmlTreeSink::new(Html::new_document()),
        TreeBuilderOpts::default(),
    );
    run(builder, TokenizerOpts::default(), text, limits)
}

/// Parse a fragment (as the content of a `<body>`) within the limits.
pub fn fragment(text: &str, limits: &Limits) -> Result<Html> {
    let sink = HtmlTreeSink::new(Html::new_fragment());
    let context = create_element(
        &sink,
        QualName::new(None, ns!(html), local_name!("body")),
        Vec::new(),
    );
    let builder = TreeBuilder::new_for_fragment(sink, context, None, TreeBuilderOpts::default());
    let opts = TokenizerOpts {
        initial_state: Some(builder.tokenizer_state_for_context_elem(false)),
        ..TokenizerOpts::default()
    };
    run(builder, opts, text, limits)
}

/// Make every node's parent link agree with the children lists. ego-tree 0.10's
/// `reparent_from_id_append`, which the tree builder's adoption agency uses for misnested
/// formatting elements (`<a>…<table>…<p>…<svg>` inside an unclosed link), sets the new
/// parent on the first and last moved child only (rust-scraper/ego-tree#44): the middle
/// ones keep a link to their old parent, and detaching one later panics. Such a tree is
/// rebuilt from the children lists (what the document holds, in order); a consistent one,
/// every ordinary page, is only checked.
fn repair_parents(html: &mut Html) {
    let consistent = html
        .tree
        .root()
        .descendants()
        .all(|n| n.children().all(|c| c.parent().map(|p| p.id()) == Some(n.id())));
    if consistent {
        return;
    }
    let old = &html.tree;
    let mut tree = ego_tree::Tree::new(old.root().value().clone());
    let root = tree.root().id();
    // (node in the old tree, its new parent): children pushed in reverse come off in order.
    let mut stack: Vec<(ego_tree::NodeRef<'_, scraper::Node>, NodeId)> =
        old.root().children().rev().map(|c| (c, root)).collect();
    while let Some((node, parent)) = stack.pop() {
        let Some(mut p) = tree.get_mut(parent) else {
            continue;
        };
        let id = p.append(node.value().clone()).id();
        stack.extend(node.children().rev().map(|c| (c, id)));
    }
    html.tree = tree;
}

/// Move every node deeper than `max_depth` up to its ancestor at that depth, in document
/// order, so that no node is deeper than `max_depth + 1`. A no-op on ordinary pages.
pub fn fold_deep(html: &mut Html, max_depth: usize) {
    let mut depth = 0usize;
    let mut fold_at: Vec<NodeId> = Vec::new();
    for edge in html.tree.root().traverse() {
        match edge {
            Edge::Open(n) => {
                depth += 1;
                // The root is depth 1, so `<html>` is 2: element depth is `depth - 1`.
                if depth - 1 == max_depth && n.children().any(|c| c.has_children()) {
                    fold_at.push(n.id());
                }
            }
            Edge::Close(_) => depth -= 1,
        }
    }
    for id in fold_at {
        let Some(node) = html.tree.get(id) else { continue };
        let below: Vec<NodeId> = node.descendants().skip(1).map(|d| d.id()).collect();
        if let Some(mut n) = html.tree.get_mut(id) {
            for d in below {
                n.append_id(d);
            }
        }
    }
}

/// Depth of the deepest node (the document root is 0).
pub fn max_depth(html: &Html) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for edge in html.tree.root().traverse() {
        match edge {
            Edge::Open(_) => {
                max = max.max(depth);
                depth += 1;
            }
            Edge::Close(_) => depth -= 1,
        }
    }
    max
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(depth: usize) -> Limits {
        Limits {
            max_depth: depth,
            ..Limits::default()
        }
    }

    #[test]
    fn a_misnested_link_leaves_every_parent_link_right() {
        // `</a>` across an open `<p>` of several children: the adoption agency moves them
        // with ego-tree's reparent, which left the middle ones pointing at the old parent.
        let text = "<body><a>x<p>1<b>2</b><i>3</i><u>4</u></a><p>after</p></body>";
        let mut html = document(text, &Limits::default()).expect("parse");
        for n in html.tree.root().descendants() {
            for c in n.children() {
                assert_eq!(c.parent().map(|p| p.id()), Some(n.id()), "{:?}", c.value());
            }
        }
        // The same document as html5ever builds it, and every node can be detached.
        assert_eq!(html.html(), scraper::Html::parse_document(text).html());
        let ids: Vec<NodeId> = html.tree.root().descendants().skip(1).map(|n| n.id()).collect();
        for id in ids.into_iter().rev() {
            if let Some(mut n) = html.tree.get_mut(id) {
                n.detach();
            }
        }
    }

    #[test]
    fn ordinary_pages_parse_as_scraper_does() {
        let pages = [
            "<html><body><p>one<p>two<div>three</div><ul><li>a<li>b</ul><table><tr><td>x<td>y<tr><td>z</table></body></html>",
            "<p><b>bold <i>both</b> italic</i> plain</p><svg><path d=1/><g><rect/></g></svg><select><option>a<option>b</select>",
            "<!doctype html><title>T &amp; x</title><script>if (a<b) document.write('<div>')</script><textarea><p>raw</textarea>",
        ];
        // Shapes the model must not count as deep: unclosed cells closed by `</table>`,
        // unclosed paragraphs and list items, many sibling SVGs.
        let repeated = [
            "<div><table><tr><td>cell</table></div>".repeat(700),
            "<p>one<p>two<ul><li>a<li>b</ul>".repeat(700),
            "<svg><g><path/></g></svg><b>x</b>".repeat(700),
        ];
        for p in pages.iter().copied().chain(repeated.iter().map(String::as_str)) {
            let ours = document(p, &limits(512)).expect("parses");
            assert_eq!(
                ours.html(),
                Html::parse_document(p).html(),
                "{}",
                &p[..p.len().min(80)]
            );
        }
    }

    #[test]
    fn deep_nesting_is_folded_and_text_kept() {
        let n = 20_000;
        let page = format!(
            "<body>{}deep text{}</body>",
            "<div>".repeat(n),
            "</div>".repeat(n)
        );
        let html = document(&page, &limits(100)).expect("parses");
        assert!(max_depth(&html) <= 102, "depth {}", max_depth(&html));
        assert!(html
            .root_element()
            .text()
            .collect::<String>()
            .contains("deep text"));

        let page = format!(
            "<p>{}x{}</p><p>after</p>",
            "<b><i>".repeat(n),
            "</i></b>".repeat(n)
        );
        let html = document(&page, &limits(100)).expect("parses");
        assert!(max_depth(&html) <= 102);
        assert!(html.root_element().text().collect::<String>().ends_with("xafter"));

        let page = "<table><tr><td>".repeat(5_000) + "cell";
        let html = document(&page, &limits(100)).expect("parses");
        assert!(max_depth(&html) <= 102);
    }

    #[test]
    fn self_closing_html_elements_count_as_open() {
        let page = "<div/>".repeat(10_000) + "x";
        let html = document(&page, &limits(64)).expect("parses");
        assert!(max_depth(&html) <= 66);
    }

    #[test]
    fn reopened_formatting_elements_are_folded_after_parsing() {
        // Each block re-opens the formatting elements the previous one left unclosed.
        let mut page = String::new();
        for i in 0..200 {
            page.push_str(&format!("<div><b id=a{i}><i id=b{i}>t</div>"));
        }
        page.push_str("<p>end");
        let html = document(&page, &limits(50)).expect("parses");
        assert!(max_depth(&html) <= 52, "depth {}", max_depth(&html));
        assert!(html.root_element().text().collect::<String>().ends_with("end"));
    }

    #[test]
    fn shapes_that_fool_the_model_are_still_folded() {
        for page in [
            // `<hr>` closes the p; the span stays open each time.
            "<p><hr><span></p>".repeat(25_000),
            // HTML tags inside SVG break out of it.
            "<svg>".to_string() + &"<div/>x".repeat(30_000),
            // A `</div>` across a table cell is ignored by the tree builder.
            "<div>x<table><tr><td>x</div>".repeat(5_000),
            // Unclosed cells closed by `</table>`: legitimate, and shallow.
            "<div><table><tr><td>cell</table></div>".repeat(2_000),
            // The deep part is not under the first child.
            "<div>leaf<br>".repeat(3) + &"<div><i>a</i>".repeat(20_000),
        ] {
            let html = document(&page, &limits(100)).expect("parses");
            assert!(
                max_depth(&html) <= 102,
                "depth {} for {}",
                max_depth(&html),
                &page[..40]
            );
        }
    }

    #[test]
    fn node_cap_and_deadline_stop_the_parse() {
        let page = "<p>x</p>".repeat(10_000);
        let small = Limits {
            max_nodes: 1_000,
            ..Limits::default()
        };
        assert!(matches!(document(&page, &small), Err(Error::TooLarge(_))));
        let _d = limits::start(Some(std::time::Duration::ZERO));
        assert!(matches!(
            document(&page, &Limits::default()),
            Err(Error::Timeout(_))
        ));
    }

    #[test]
    fn attributes_are_capped_per_tag_and_on_the_root() {
        let many: String = (0..1000).map(|i| format!(" a{i}=\"v>{i}\"")).collect();
        let page = format!("<div{many}>text</div><p id=x class='y'>after</p>");
        let capped = cap_attributes(&page);
        let html = document(&page, &Limits::default()).expect("parses");
        let div = html
            .select(&scraper::Selector::parse("div").expect("sel"))
            .next()
            .expect("div");
        assert_eq!(div.value().attrs().count(), MAX_ATTRIBUTES);
        assert!(capped.ends_with(">text</div><p id=x class='y'>after</p>"));
        assert!(html
            .root_element()
            .text()
            .collect::<String>()
            .contains("textafter"));
        let roots = format!(
            "{}<p>x",
            "<body a b c d>".repeat(2)
                + &(0..400)
                    .map(|i| format!(
                        "<html{}>",
                        (0..4).map(|j| format!(" r{i}_{j}")).collect::<String>()
                    ))
                    .collect::<String>()
        );
        let html = document(&roots, &Limits::default()).expect("parses");
        assert!(html.root_element().value().attrs().count() <= MAX_ROOT_ATTRIBUTES);
        let plain = "<p>no <b>cuts</b> here</p><a href=\"x\" title='a > b'>";
        assert!(matches!(cap_attributes(plain), std::borrow::Cow::Borrowed(_)));
        // Script text and comments are not tags, however tag-like.
        let js: String = (0..1000).map(|i| format!(" x{i}")).collect();
        for page in [
            format!("<script>if (a<b{js} ) x = '</script><p>kept</p>"),
            format!("<!-- <b{js} --><p>kept</p>"),
            format!("<STYLE>a<b{js}</style ><p>kept</p>"),
        ] {
            assert!(
                matches!(cap_attributes(&page), std::borrow::Cow::Borrowed(_)),
                "{page}"
            );
        }
        // Where the tokenizer does read tags: end tags, `<!-->`, raw-text names that are not
        // raw in a select or in SVG.
        let many: String = (0..300_000).map(|i| format!(" a{i}")).collect();
        for page in [
            format!("<p>x</p{many}>"),
            format!("<!--><div{many}>x</div>"),
            format!("<select><xmp></select><div{many}>x</div>"),
            format!("<svg><style><p{many}>x"),
            format!("<select><plaintext></select><div{many}>x</div>"),
        ] {
            let capped = cap_attributes(&page);
            assert!(
                capped.len() < 20_000,
                "{} bytes left of {}",
                capped.len(),
                page.len()
            );
        }
    }

    #[test]
    fn fragments_parse() {
        let f = fragment("Tom &amp; Jerry <b>x</b>", &Limits::default()).expect("parses");
        assert_eq!(f.root_element().text().collect::<String>(), "Tom & Jerry x");
    }
}
