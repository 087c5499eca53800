//! The HTML engine: decoded text → [`Arena`], parsed by the vendored lexbor (C, see
//! `vendor/lexbor/README.md`) within the page's bounds. In: `&str` and [`Limits`]. Out: an
//! [`Arena`] or a [`ParseError`] (`too large`, `timeout`, or a lexbor failure).
//!
//! The bounds, as `crate::parse` applies them to html5ever:
//! - input size: text over [`Limits::max_bytes`] is refused before parsing;
//! - attributes: a start tag keeps its first [`MAX_ATTRIBUTES`], and all `<html>`/`<body>`
//!   tags together [`MAX_ROOT_ATTRIBUTES`] (the tree builder checks each new attribute
//!   against the element's others: quadratic without a cap); applied in the token callback;
//! - nesting: start tags deeper than [`Limits::max_depth`] are dropped by `guard`'s model
//!   before the tree builder sees them, and the arena fill folds anything still deeper, so
//!   no node is deeper than `max_depth + 1`;
//! - nodes: lexbor's node count (exact, see `shim.c`) is checked at every token; over
//!   [`Limits::max_nodes`] the parse stops with `too large`;
//! - time: the page's deadline ([`crate::limits`]) is read every 64 calls of the filter
//!   (every tag, every 32nd other token) and after every chunk of `CHUNK_BYTES`; when it
//!   passes, the parse stops with `timeout`.
//!
//! Three of lexbor's costs that grow faster than the page are removed in `shim.c`: its name
//! tables never grew (quadratic in distinct tag/attribute names), and its DOM behaviours
//! (`<option>` selectedness, quadratic in the options of a `<select>`) ran during the parse;
//! the rest are bounded as above. Each thread keeps the last document's lexbor memory for
//! the next page (up to `REUSE_MAX_BYTES`).
//!
//! The tree comes out as html5ever/scraper build it (checked page by page in
//! `tests/engine_conformance.rs`): the same elements, names (SVG's `clipPath`), namespaces,
//! attributes (xlink/xml/xmlns ones namespaced), text (adjacent text merged) and order;
//! `<template>` contents under a fragment node, the template's first child. Attributes keep
//! their source order (scraper sorts them). One known difference: lexbor follows the 2025
//! HTML change to `<select>` parsing (elements inside `<select>`/`<option>` are kept, as in
//! current browsers), html5ever 0.35 drops those tags and keeps their text.

mod ffi;
mod guard;

use crate::html::arena::{Arena, ArenaFull, AttrName, Namespace, NodeId, NodeKind, Tag};
use crate::limits::{self, Limits};
use ffi::{Doc, Parser, RawKind};
use guard::{Guard, Stop};
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::sync::OnceLock;

/// Attributes kept on one tag. The tree builder checks each new attribute against the
/// tag's others (quadratic: 300,000 attributes take minutes); real tags have a handful.
pub const MAX_ATTRIBUTES: usize = 256;
/// Attributes kept over all `<html>` and `<body>` tags together: the tree builder merges
/// every later such tag into the first, checking each attribute against those it has.
pub const MAX_ROOT_ATTRIBUTES: usize = 1024;
/// Bytes given to lexbor at a time; the deadline is also read between chunks. Large enough
/// that a typical page (~190 KB) goes in one or two pieces.
const CHUNK_BYTES: usize = 256 * 1024;
/// Input bytes per node, to size the arena before the fill (real pages: 30-60).
const BYTES_PER_NODE_GUESS: usize = 48;
/// Input bytes per attribute, to size the arena before the fill.
const BYTES_PER_ATTR_GUESS: usize = 64;
/// lexbor's static attribute ids are below this (`LXB_DOM_ATTR__LAST_ENTRY` is 0x26);
/// dynamic ids are heap addresses, far above.
const STATIC_ATTR_IDS: usize = 64;
/// Largest page after which the thread keeps lexbor's document for the next parse: reuse
/// saves the pools' allocations and page faults, and a cap keeps what stays allocated per
/// thread small (lexbor frees all but the first block of each pool, but name tables that
/// grew for a page stay grown).
const REUSE_MAX_BYTES: usize = 2 * 1024 * 1024;

thread_local! {
    /// The document of this thread's last ordinary parse, kept for the next one.
    static SPARE: std::cell::Cell<Option<ffi::Doc>> = const { std::cell::Cell::new(None) };
}

/// Why a parse produced no tree.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Over the input size or the node cap.
    #[error("too large: {0}")]
    TooLarge(String),
    /// The page's time budget ran out during the parse.
    #[error("timeout: the parse took longer than {0:?} (--page-timeout)")]
    Timeout(std::time::Duration),
    /// lexbor failed (out of memory, or a bug): its status and the step.
    #[error("HTML engine failure: lexbor status {status} in {step}")]
    Engine {
        /// lexbor's `lxb_status_t`.
        status: u32,
        /// Which step failed.
        step: &'static str,
    },
}

impl From<ParseError> for crate::Error {
    fn from(e: ParseError) -> crate::Error {
        match e {
            ParseError::TooLarge(m) => crate::Error::TooLarge(m),
            ParseError::Timeout(d) => crate::Error::Timeout(d),
            ParseError::Engine { status, step } => {
                crate::Error::Engine(format!("lexbor status {status} in {step}"))
            }
        }
    }
}

impl From<ArenaFull> for ParseError {
    fn from(e: ArenaFull) -> ParseError {
        ParseError::TooLarge(e.to_string())
    }
}

/// lexbor's static tag ids mapped to our [`Tag`]s, read once from lexbor's tables.
pub(crate) struct TagMap {
    last_entry: usize,
    html: Vec<Option<Tag>>,
    svg: Vec<Option<Tag>>,
}

impl TagMap {
    fn build() -> TagMap {
        let last_entry = ffi::tag_last_entry();
        let (mut html, mut svg) = (vec![None; last_entry], vec![None; last_entry]);
        for id in ffi::TAG_BEGIN..last_entry {
            let (lower, fixed) = ffi::tag_names(id);
            let lower = std::str::from_utf8(lower).ok().and_then(Tag::known);
            html[id] = lower;
            svg[id] = std::str::from_utf8(fixed).ok().and_then(Tag::known).or(lower);
        }
        TagMap {
            last_entry,
            html,
            svg,
        }
    }

    /// Our tag for lexbor's id outside SVG (`None`: dynamic id or a name we lack).
    pub(crate) fn html(&self, id: usize) -> Option<Tag> {
        self.html.get(id).copied().flatten()
    }

    fn svg(&self, id: usize) -> Option<Tag> {
        self.svg.get(id).copied().flatten()
    }

    /// lexbor's first dynamic tag id.
    pub(crate) fn last_entry(&self) -> usize {
        self.last_entry
    }
}

fn tag_map() -> &'static TagMap {
    static MAP: OnceLock<TagMap> = OnceLock::new();
    MAP.get_or_init(TagMap::build)
}

/// Parse a whole document within the limits.
pub fn parse_document(text: &str, limits: &Limits) -> Result<Arena, ParseError> {
    parse(text, limits, NodeKind::Document)
}

/// Parse a fragment (as the content of a `<body>`) within the limits: the arena's root is
/// a fragment holding an `<html>` element with the parsed nodes, as scraper builds it.
pub fn parse_fragment(text: &str, limits: &Limits) -> Result<Arena, ParseError> {
    parse(text, limits, NodeKind::Fragment)
}

fn parse(text: &str, limits: &Limits, kind: NodeKind) -> Result<Arena, ParseError> {
    if text.len() > limits.max_bytes {
        return Err(ParseError::TooLarge(format!(
            "{} > {} (--max-page-size)",
            limits::human_bytes(text.len()),
            limits::human_bytes(limits.max_bytes)
        )));
    }
    let map = tag_map();
    let guard = Guard::new(map, limits);
    let out_of_memory = ParseError::Engine {
        status: 2,
        step: "create",
    };
    let reuse = kind == NodeKind::Document && text.len() <= REUSE_MAX_BYTES;
    let doc = match reuse.then(|| SPARE.take()).flatten() {
        Some(d) => d,
        None => Doc::new().ok_or(out_of_memory.clone())?,
    };
    let mut parser = Parser::new(doc, guard, MAX_ATTRIBUTES, MAX_ROOT_ATTRIBUTES, limits.max_nodes)
        .ok_or(out_of_memory)?;
    let outcome = feed(&mut parser, text, kind);
    match parser.filter().stop() {
        Some(Stop::Nodes) => {
            return Err(ParseError::TooLarge(format!(
                "more than {} DOM nodes (--max-nodes)",
                limits.max_nodes
            )))
        }
        Some(Stop::Time) => return Err(timeout()),
        None => {}
    }
    match outcome {
        Ok(()) => {}
        Err(Halt::Deadline) => return Err(timeout()),
        Err(Halt::Status(status, step)) => return Err(ParseError::Engine { status, step }),
    }
    let arena = fill(&mut parser, map, kind, text.len(), limits)?;
    if reuse {
        SPARE.set(parser.into_doc());
    }
    Ok(arena)
}

/// Why feeding the text stopped.
enum Halt {
    /// The deadline passed between two chunks.
    Deadline,
    /// lexbor returned an error status in a step (also when the filter stopped it).
    Status(u32, &'static str),
}

/// Begin the parse and feed the text in chunks cut at character boundaries.
fn feed<'i>(parser: &mut Parser<'i, Guard>, text: &'i str, kind: NodeKind) -> Result<(), Halt> {
    let begun = if kind == NodeKind::Fragment {
        parser.begin_fragment()
    } else {
        parser.begin_document()
    };
    begun.map_err(|s| Halt::Status(s, "begin"))?;
    let mut rest = text;
    while !rest.is_empty() {
        let mut cut = rest.len().min(CHUNK_BYTES);
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        let (piece, tail) = rest.split_at(cut);
        parser.chunk(piece).map_err(|s| Halt::Status(s, "chunk"))?;
        rest = tail;
        if limits::check().is_err() {
            return Err(Halt::Deadline);
        }
    }
    parser.end().map_err(|s| Halt::Status(s, "end"))
}

fn timeout() -> ParseError {
    match limits::check() {
        Err(crate::Error::Timeout(d)) => ParseError::Timeout(d),
        _ => ParseError::Timeout(std::time::Duration::ZERO),
    }
}

/// Text from lexbor: UTF-8 in, UTF-8 out, but checked (a bad byte becomes U+FFFD). The
/// strict check first: it is several times faster than the lossy one on valid text.
fn utf8(b: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(b) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(b),
    }
}

fn element_ns(ns: u32) -> Namespace {
    match ns {
        3 => Namespace::MathMl,
        4 => Namespace::Svg,
        _ => Namespace::Html,
    }
}

fn attr_ns(ns: u32) -> Namespace {
    match ns {
        5 => Namespace::XLink,
        6 => Namespace::Xml,
        7 => Namespace::XmlNs,
        _ => Namespace::None,
    }
}

/// The names met during one fill, each interned into the arena once: lexbor's tag ids
/// that are not among our known tags, and attribute names by lexbor's id and namespace.
struct FillNames {
    tags: FxHashMap<usize, Tag>,
    names: FxHashMap<(usize, Namespace), AttrName>,
    /// lexbor's static attribute ids without namespace (class, id, href…): most attributes,
    /// looked up without hashing.
    static_names: [Option<AttrName>; STATIC_ATTR_IDS],
}

impl FillNames {
    fn new() -> FillNames {
        FillNames {
            tags: FxHashMap::default(),
            names: FxHashMap::default(),
            static_names: [None; STATIC_ATTR_IDS],
        }
    }

    /// Our tag for lexbor's tag id `lxb` in namespace `ns` (`data`: the name as written,
    /// for ids lexbor made at run time).
    fn tag(
        &mut self,
        arena: &mut Arena,
        map: &TagMap,
        lxb: usize,
        ns: Namespace,
        data: &[u8],
    ) -> Result<Tag, ParseError> {
        let known = if ns == Namespace::Svg {
            map.svg(lxb)
        } else {
            map.html(lxb)
        };
        if let Some(t) = known.or_else(|| self.tags.get(&lxb).copied()) {
            return Ok(t);
        }
        let name = if lxb < map.last_entry() {
            ffi::tag_names(lxb).0
        } else {
            data
        };
        let t = arena.intern_tag(&utf8(name))?;
        self.tags.insert(lxb, t);
        Ok(t)
    }

    /// Our attribute name for lexbor's attribute id `lxb` in namespace `ns`.
    fn attr(
        &mut self,
        arena: &mut Arena,
        lxb: usize,
        ns: Namespace,
        name: &[u8],
    ) -> Result<AttrName, ParseError> {
        let slot = if ns == Namespace::None {
            self.static_names.get_mut(lxb)
        } else {
            None
        };
        Ok(match slot {
            Some(Some(n)) => *n,
            Some(slot) => {
                let n = arena.intern_attr(&utf8(name))?;
                *slot = Some(n);
                n
            }
            None => match self.names.get(&(lxb, ns)) {
                Some(n) => *n,
                None => {
                    let n = arena.intern_attr(&utf8(name))?;
                    self.names.insert((lxb, ns), n);
                    n
                }
            },
        })
    }
}

/// Copy lexbor's finished tree into an arena (see the module comment for the shape).
fn fill(
    parser: &mut Parser<'_, Guard>,
    map: &TagMap,
    kind: NodeKind,
    input_len: usize,
    limits: &Limits,
) -> Result<Arena, ParseError> {
    let mut arena = Arena::with_capacity(
        kind,
        input_len / BYTES_PER_NODE_GUESS,
        input_len / BYTES_PER_ATTR_GUESS,
        input_len,
    );
    // The last node opened at each depth (0: the root).
    let mut open: Vec<NodeId> = vec![NodeId::ROOT];
    // Nodes deeper than this go under the node at `max_depth` (parse.rs's fold_deep).
    let cap = limits.max_depth.max(1) + 1;
    let mut names = FillNames::new();
    loop {
        let batch = parser.fill();
        if batch.is_empty() {
            break;
        }
        for v in batch.iter() {
            let depth = (v.depth as usize).clamp(1, cap);
            open.truncate(depth);
            let Some(&parent) = open.get(depth - 1) else {
                return Err(ParseError::Engine {
                    status: v.depth,
                    step: "walk (a node deeper than its parent)",
                });
            };
            match v.kind {
                RawKind::Element => {
                    let ns = element_ns(v.ns);
                    let tag = names.tag(&mut arena, map, v.tag, ns, v.data)?;
                    let mark = arena.attr_mark();
                    for a in v.attrs() {
                        let ans = attr_ns(a.ns);
                        let name = names.attr(&mut arena, a.name_id, ans, a.name)?;
                        arena.fill_attr(name, ans, &utf8(a.value))?;
                    }
                    let id = arena.fill_element(parent, tag, ns, mark)?;
                    open.push(id);
                }
                RawKind::Fragment => {
                    let id = arena.fill_fragment(parent)?;
                    open.push(id);
                }
                RawKind::Text => arena.fill_text(parent, NodeKind::Text, &utf8(v.data))?,
                RawKind::Comment => arena.fill_text(parent, NodeKind::Comment, &utf8(v.data))?,
                RawKind::Doctype => arena.fill_text(parent, NodeKind::Doctype, &utf8(v.data))?,
            }
        }
        if arena.len() > limits.max_nodes {
            return Err(ParseError::TooLarge(format!(
                "more than {} DOM nodes (--max-nodes)",
                limits.max_nodes
            )));
        }
    }
    Ok(arena)
}

#[cfg(test)]
mod tests;
