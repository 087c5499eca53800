//! The token filter between lexbor's tokenizer and its tree builder: the nesting cap, the
//! node cap and the page's deadline, checked while the parse runs.
//!
//! lexbor, like html5ever, builds the tree the standard describes with no limit on nesting
//! (100,000 nested `<div>`s take 16.5 s, quadratic in the depth), so start tags deeper than
//! [`Limits::max_depth`] are dropped before the tree builder sees them, with their end tags;
//! their text is kept. The depth is that of a model of the tree builder's stack of open
//! elements, ported from `crate::parse`'s html5ever guard (same rules: implied end tags of
//! `p`, `li`, table parts…, scope boundaries, foreign content, raw-text elements never
//! dropped), keyed here by our [`Tag`] ids instead of html5ever's names. The engine's arena
//! fill then folds whatever the model missed (formatting elements the tree builder re-opens
//! without a token), so no node is deeper than `max_depth + 1`.
//!
//! The node count comes from the shim, which counts every node lexbor creates; the clock is
//! read every [`CHECK_EVERY_TOKENS`] calls (the shim calls for every tag and for every 32nd
//! other token). Either stops the parse at once.

use super::ffi::{TokenFilter, Verdict, TAG_BEGIN, TOKEN_CLOSE, TOKEN_SELF_CLOSING};
use super::TagMap;
use crate::html::arena::{Tag, KNOWN_TAGS};
use crate::limits::{self, Limits};
use rustc_hash::FxHashMap;

/// Tokens between two reads of the clock.
const CHECK_EVERY_TOKENS: u32 = 64;

/// What stopped a parse early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stop {
    /// More nodes than [`Limits::max_nodes`].
    Nodes,
    /// The page's time budget ran out.
    Time,
}

/// A tag as the model sees it: a known [`Tag`]'s id, or lexbor's id for other names
/// (above any known id: lexbor's dynamic ids are heap addresses).
type Key = usize;

/// The known tag of a key; a tag no constant equals for the others.
fn tag(k: Key) -> Tag {
    if k < KNOWN_TAGS as usize {
        Tag(k as u32)
    } else {
        Tag(u32::MAX)
    }
}

/// Elements that never have content (never pushed on the stack of open elements).
fn is_void(t: Tag) -> bool {
    matches!(
        t,
        Tag::AREA
            | Tag::BASE
            | Tag::BASEFONT
            | Tag::BGSOUND
            | Tag::BR
            | Tag::COL
            | Tag::EMBED
            | Tag::FRAME
            | Tag::HR
            | Tag::IMAGE
            | Tag::IMG
            | Tag::INPUT
            | Tag::KEYGEN
            | Tag::LINK
            | Tag::META
            | Tag::PARAM
            | Tag::SOURCE
            | Tag::TRACK
            | Tag::WBR
    )
}

/// Elements whose content the tokenizer reads as text: never dropped, or their content
/// would be parsed as markup.
fn is_raw_text(t: Tag) -> bool {
    matches!(
        t,
        Tag::SCRIPT
            | Tag::STYLE
            | Tag::TEXTAREA
            | Tag::TITLE
            | Tag::XMP
            | Tag::IFRAME
            | Tag::NOEMBED
            | Tag::NOFRAMES
            | Tag::NOSCRIPT
            | Tag::PLAINTEXT
    )
}

fn is_heading(t: Tag) -> bool {
    matches!(t, Tag::H1 | Tag::H2 | Tag::H3 | Tag::H4 | Tag::H5 | Tag::H6)
}

/// Start tags that close an open `p` (the standard's list, abridged to what pages use).
fn closes_p(t: Tag) -> bool {
    matches!(
        t,
        Tag::ADDRESS
            | Tag::ARTICLE
            | Tag::ASIDE
            | Tag::BLOCKQUOTE
            | Tag::CENTER
            | Tag::DETAILS
            | Tag::DIALOG
            | Tag::DIR
            | Tag::DIV
            | Tag::DL
            | Tag::FIELDSET
            | Tag::FIGCAPTION
            | Tag::FIGURE
            | Tag::FOOTER
            | Tag::HEADER
            | Tag::HGROUP
            | Tag::MAIN
            | Tag::MENU
            | Tag::NAV
            | Tag::OL
            | Tag::P
            | Tag::SEARCH
            | Tag::SECTION
            | Tag::SUMMARY
            | Tag::UL
            | Tag::PRE
            | Tag::LISTING
            | Tag::FORM
            | Tag::LI
            | Tag::DD
            | Tag::DT
            | Tag::TABLE
            | Tag::HR
    ) || is_heading(t)
}

/// Start tags that end SVG or MathML content (the standard's list for foreign content).
fn breaks_out_of_foreign(t: Tag) -> bool {
    matches!(
        t,
        Tag::B
            | Tag::BIG
            | Tag::BLOCKQUOTE
            | Tag::BODY
            | Tag::BR
            | Tag::CENTER
            | Tag::CODE
            | Tag::DD
            | Tag::DIV
            | Tag::DL
            | Tag::DT
            | Tag::EM
            | Tag::EMBED
            | Tag::HEAD
            | Tag::HR
            | Tag::I
            | Tag::IMG
            | Tag::LI
            | Tag::LISTING
            | Tag::MENU
            | Tag::META
            | Tag::NOBR
            | Tag::OL
            | Tag::P
            | Tag::PRE
            | Tag::RUBY
            | Tag::S
            | Tag::SMALL
            | Tag::SPAN
            | Tag::STRONG
            | Tag::STRIKE
            | Tag::SUB
            | Tag::SUP
            | Tag::TABLE
            | Tag::TT
            | Tag::U
            | Tag::UL
            | Tag::VAR
    ) || is_heading(t)
}

/// Elements that end the search for an open `p` or `a` ("scope" boundaries).
fn is_scope(t: Tag) -> bool {
    matches!(
        t,
        Tag::APPLET
            | Tag::CAPTION
            | Tag::HTML
            | Tag::TABLE
            | Tag::TD
            | Tag::TH
            | Tag::MARQUEE
            | Tag::OBJECT
            | Tag::TEMPLATE
            | Tag::BUTTON
            | Tag::SVG
            | Tag::MATH
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

fn tracked(t: Tag) -> Option<Tracked> {
    Some(match t {
        Tag::P => Tracked::P,
        Tag::LI => Tracked::Li,
        Tag::DD | Tag::DT => Tracked::DdDt,
        Tag::A => Tracked::A,
        Tag::BUTTON => Tracked::Button,
        Tag::OPTION => Tracked::Option,
        Tag::OPTGROUP => Tracked::Optgroup,
        Tag::TR => Tracked::Tr,
        Tag::TD | Tag::TH => Tracked::Cell,
        Tag::TBODY | Tag::THEAD | Tag::TFOOT => Tracked::Section,
        Tag::SVG | Tag::MATH => Tracked::Foreign,
        _ => return None,
    })
}

/// Model of the tree builder's stack of open elements, innermost last, with a count of the
/// open elements that implied end tags look for.
#[derive(Default)]
struct Model {
    open: Vec<Key>,
    counts: [u32; TRACKED],
}

impl Model {
    fn push(&mut self, k: Key) {
        if let Some(t) = tracked(tag(k)) {
            self.counts[t as usize] += 1;
        }
        self.open.push(k);
    }

    /// Pop the element at `i` and everything above it.
    fn truncate(&mut self, i: usize) {
        for k in self.open.drain(i..) {
            if let Some(t) = tracked(tag(k)) {
                self.counts[t as usize] -= 1;
            }
        }
    }

    fn has(&self, t: Tracked) -> bool {
        self.counts[t as usize] > 0
    }

    fn top(&self) -> Option<Tag> {
        self.open.last().map(|k| tag(*k))
    }

    /// Index of the innermost open element that `target` accepts, unless an element that
    /// `bound` accepts comes first. Searched only when `t` says one is open.
    fn find(&self, t: Tracked, target: impl Fn(Tag) -> bool, bound: impl Fn(Tag) -> bool) -> Option<usize> {
        if !self.has(t) {
            return None;
        }
        for (i, k) in self.open.iter().enumerate().rev() {
            let e = tag(*k);
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
    fn close_implied(&mut self, t: Tag) {
        // An HTML element inside SVG or MathML breaks out of it (the tree builder pops back
        // to the last HTML element).
        if self.has(Tracked::Foreign) && breaks_out_of_foreign(t) {
            if let Some(i) = self
                .open
                .iter()
                .rposition(|k| matches!(tag(*k), Tag::SVG | Tag::MATH))
            {
                self.truncate(i);
            }
        }
        if closes_p(t) {
            if let Some(i) = self.find(Tracked::P, |e| e == Tag::P, is_scope) {
                self.truncate(i);
            }
        }
        let hit = match t {
            Tag::LI => self.find(
                Tracked::Li,
                |e| e == Tag::LI,
                |e| matches!(e, Tag::UL | Tag::OL | Tag::MENU | Tag::TABLE | Tag::TD | Tag::TH),
            ),
            Tag::DD | Tag::DT => self.find(
                Tracked::DdDt,
                |e| matches!(e, Tag::DD | Tag::DT),
                |e| matches!(e, Tag::DL | Tag::TABLE | Tag::TD | Tag::TH),
            ),
            Tag::A => self.find(Tracked::A, |e| e == Tag::A, is_scope),
            Tag::BUTTON => self.find(
                Tracked::Button,
                |e| e == Tag::BUTTON,
                |e| matches!(e, Tag::HTML | Tag::TABLE | Tag::TD | Tag::TH),
            ),
            Tag::OPTION | Tag::OPTGROUP => self.find(
                Tracked::Option,
                |e| e == Tag::OPTION,
                |e| matches!(e, Tag::SELECT | Tag::DATALIST),
            ),
            Tag::TR => self.find(
                Tracked::Tr,
                |e| e == Tag::TR,
                |e| matches!(e, Tag::TABLE | Tag::TBODY | Tag::THEAD | Tag::TFOOT),
            ),
            Tag::TD | Tag::TH => self.find(
                Tracked::Cell,
                |e| matches!(e, Tag::TD | Tag::TH),
                |e| matches!(e, Tag::TR | Tag::TABLE),
            ),
            Tag::TBODY | Tag::THEAD | Tag::TFOOT => self.find(
                Tracked::Section,
                |e| matches!(e, Tag::TBODY | Tag::THEAD | Tag::TFOOT),
                |e| e == Tag::TABLE,
            ),
            _ if is_heading(t) => self.top().is_some_and(is_heading).then(|| self.open.len() - 1),
            _ => None,
        };
        if let Some(i) = hit {
            self.truncate(i);
        }
        if t == Tag::OPTGROUP && self.top() == Some(Tag::OPTGROUP) {
            self.truncate(self.open.len() - 1);
        }
    }
}

/// The filter (see the module comment).
pub(super) struct Guard {
    map: &'static TagMap,
    model: Model,
    /// Start tags dropped because they were too deep, by key: their end tags are dropped too.
    folded: FxHashMap<Key, usize>,
    /// Tokens since the last read of the clock.
    tokens: u32,
    stop: Option<Stop>,
    max_depth: usize,
    max_nodes: usize,
}

impl Guard {
    pub(super) fn new(map: &'static TagMap, limits: &Limits) -> Guard {
        Guard {
            map,
            model: Model::default(),
            folded: FxHashMap::default(),
            tokens: 0,
            stop: None,
            max_depth: limits.max_depth.max(1),
            max_nodes: limits.max_nodes,
        }
    }

    /// What stopped the parse, if anything did.
    pub(super) fn stop(&self) -> Option<Stop> {
        self.stop
    }

    /// The model's key for lexbor's tag id.
    fn key(&self, id: usize) -> Key {
        match self.map.html(id) {
            Some(t) => t.0 as usize,
            // A static lexbor name we have no constant for: a key above the known ones and
            // below any heap address.
            None if id < self.map.last_entry() => KNOWN_TAGS as usize + id,
            None => id,
        }
    }

    /// Forward a start tag unless it is too deep; `false` when it was dropped.
    fn start_tag(&mut self, k: Key, self_closing: bool) -> bool {
        let t = tag(k);
        if matches!(t, Tag::HTML | Tag::HEAD | Tag::BODY) {
            return true;
        }
        // Void elements close things too (`<hr>` closes an open `p`).
        self.model.close_implied(t);
        if is_void(t) {
            return true;
        }
        if self_closing && self.model.has(Tracked::Foreign) {
            // `<path/>` inside SVG is closed at once; in HTML `<div/>` stays open.
            return true;
        }
        if self.model.open.len() >= self.max_depth && !is_raw_text(t) {
            *self.folded.entry(k).or_default() += 1;
            return false;
        }
        self.model.push(k);
        true
    }

    /// Forward an end tag unless its start tag was dropped.
    fn end_tag(&mut self, k: Key) -> bool {
        if let Some(n) = self.folded.get_mut(&k).filter(|n| **n > 0) {
            *n -= 1;
            return false;
        }
        let t = tag(k);
        // The tree builder ignores an end tag whose element is not "in scope" (a `</div>`
        // inside a table cell whose div is outside the table): so does the model. Table
        // parts have their own, wider scope (`</table>` closes an unclosed cell).
        let table_part = matches!(
            t,
            Tag::TABLE
                | Tag::TBODY
                | Tag::THEAD
                | Tag::TFOOT
                | Tag::TR
                | Tag::TD
                | Tag::TH
                | Tag::CAPTION
                | Tag::COLGROUP
        );
        let boundary = |e: Tag| {
            if table_part {
                matches!(e, Tag::HTML | Tag::TABLE | Tag::TEMPLATE)
            } else {
                is_scope(e)
            }
        };
        let found = self
            .model
            .open
            .iter()
            .rposition(|e| *e == k || boundary(tag(*e)))
            .filter(|i| self.model.open[*i] == k);
        if let Some(i) = found {
            self.model.truncate(i);
        }
        true
    }
}

impl TokenFilter for Guard {
    fn token(&mut self, id: usize, flags: u32, nodes: usize) -> Verdict {
        if self.stop.is_some() {
            return Verdict::Stop;
        }
        if nodes > self.max_nodes {
            self.stop = Some(Stop::Nodes);
            return Verdict::Stop;
        }
        self.tokens += 1;
        if self.tokens >= CHECK_EVERY_TOKENS {
            self.tokens = 0;
            if limits::check().is_err() {
                self.stop = Some(Stop::Time);
                return Verdict::Stop;
            }
        }
        if id < TAG_BEGIN {
            return Verdict::Forward;
        }
        let k = self.key(id);
        let forward = if flags & TOKEN_CLOSE != 0 {
            self.end_tag(k)
        } else {
            self.start_tag(k, flags & TOKEN_SELF_CLOSING != 0)
        };
        if forward {
            Verdict::Forward
        } else {
            Verdict::Drop
        }
    }
}
