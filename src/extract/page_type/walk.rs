//! The one walk over the arena, in document order, and the bottom-up pass over what it
//! collected.
//!
//! [`collect`] visits every node once. Invisible subtrees (`<head>`, script, style,
//! template, svg, iframe, object, a `<noscript>` still holding raw text, `hidden` and
//! `aria-hidden=true` elements) are left out of the page, but every element visited feeds
//! [`Head`] (meta, title, JSON-LD, microdata). Each visible element becomes an [`El`] in
//! document order ("slot"), with its parent's slot, the slot after its subtree, the inherited
//! context (inside nav/footer/aside, header/footer, article/main, pre), its class/id
//! vocabulary and its sibling signature. Visible text goes into one text stream (text nodes
//! joined by a space), so an element's text is the stream slice `text_start..text_end`; its
//! words are counted once, on the text node.
//!
//! [`Walk::aggregate`] then runs over the slots in reverse (children before parents) and sums
//! each element's subtree into an [`Agg`]: words, link words, inline words, links, images,
//! `<time>`s, short texts with a date or a price, headings, heading links, user/cart
//! classes, and the page-wide counters ([`Counts`]).

use super::classes::{self, Vocab, VocabBits, VOCAB_KINDS};
use super::head::{AttrIds, Head};
use super::text;
use crate::html::arena::{Arena, AttrName, NodeId, NodeKind, Tag};
use rustc_hash::FxHashMap;

/// "No slot" (the parent of a top-level element).
pub(super) const NONE: u32 = u32::MAX;

/// Context bit: an ancestor is `nav`, `footer` or `aside`.
pub(super) const IN_NAV_FOOTER_ASIDE: u8 = 1;
/// Context bit: an ancestor is `nav`, `header` or `footer`.
pub(super) const IN_NAV_HEADER_FOOTER: u8 = 2;
/// Context bit: an ancestor is `header` or `footer`.
pub(super) const IN_HEADER_FOOTER: u8 = 4;
/// Context bit: an ancestor is `article` or `main`.
pub(super) const IN_ARTICLE_MAIN: u8 = 8;
/// Context bit: an ancestor is `pre`.
pub(super) const IN_PRE: u8 = 16;

/// Elements whose content is never shown.
const SKIP_TAGS: &[Tag] = &[
    Tag::SCRIPT,
    Tag::STYLE,
    Tag::TEMPLATE,
    Tag::SVG,
    Tag::TITLE,
    Tag::META,
    Tag::LINK,
    Tag::IFRAME,
    Tag::OBJECT,
];

/// Block elements: their text is a block of its own; other elements' text is inline.
pub(super) const BLOCK_TAGS: &[Tag] = &[
    Tag::P,
    Tag::DIV,
    Tag::LI,
    Tag::TD,
    Tag::TH,
    Tag::DD,
    Tag::DT,
    Tag::BLOCKQUOTE,
    Tag::PRE,
    Tag::H1,
    Tag::H2,
    Tag::H3,
    Tag::H4,
    Tag::H5,
    Tag::H6,
    Tag::SECTION,
    Tag::ARTICLE,
    Tag::MAIN,
    Tag::HEADER,
    Tag::FOOTER,
    Tag::ASIDE,
    Tag::NAV,
    Tag::UL,
    Tag::OL,
    Tag::DL,
    Tag::TABLE,
    Tag::TR,
    Tag::TBODY,
    Tag::THEAD,
    Tag::FORM,
    Tag::FIGURE,
    Tag::FIGCAPTION,
    Tag::BODY,
    Tag::CENTER,
    Tag::ADDRESS,
    Tag::FIELDSET,
    Tag::DETAILS,
    Tag::SUMMARY,
];

/// Headings.
pub(super) const HEADINGS: &[Tag] = &[Tag::H1, Tag::H2, Tag::H3, Tag::H4, Tag::H5, Tag::H6];

/// Elements whose short text is read as a label, a date or a price.
const SHORT_TEXT_TAGS: &[Tag] = &[
    Tag::A,
    Tag::BUTTON,
    Tag::SPAN,
    Tag::DIV,
    Tag::INPUT,
    Tag::LI,
    Tag::TIME,
    Tag::SMALL,
    Tag::TD,
    Tag::P,
    Tag::STRONG,
    Tag::B,
    Tag::H1,
    Tag::H2,
    Tag::H3,
    Tag::H4,
    Tag::H5,
    Tag::H6,
    Tag::DD,
    Tag::DT,
    Tag::LABEL,
];
/// Most words of a short text (a label, a price, a date line).
const SHORT_TEXT_WORDS: u32 = 12;
/// Most element children of an element whose short text is read for a date or a price.
const SHORT_TEXT_KIDS: u32 = 3;
/// Most words of a button whose text is read as a call to action or a byline.
const BUTTON_WORDS: u32 = 10;
/// Words of a `<p>` that make it a paragraph of prose (the crawler's `PARAGRAPH_MIN_WORDS`).
pub(super) const P_PROSE_MIN_WORDS: u32 = 25;
/// Words of a link that make it a title link (a teaser's headline).
const TITLE_LINK_WORDS: u32 = 3;

/// True when `tag` is in `list`.
pub(super) fn is(tag: Tag, list: &[Tag]) -> bool {
    list.contains(&tag)
}

/// One visible element, in document order.
#[derive(Clone, Copy, Debug)]
pub(super) struct El {
    /// The node.
    pub id: NodeId,
    /// Its tag.
    pub tag: Tag,
    /// The parent element's slot ([`NONE`] at the top).
    pub parent: u32,
    /// The slot after its subtree (its descendants are `slot + 1 .. end`).
    pub end: u32,
    /// Stream offset where its text starts.
    pub text_start: u32,
    /// Stream offset after its text.
    pub text_end: u32,
    /// Context bits of its ancestors (`IN_*`).
    pub ctx: u8,
    /// Vocabulary kinds of its class and id.
    pub vocab: VocabBits,
    /// Sibling signature (tag + class tokens).
    pub sig: u64,
}

/// An element's subtree, summed.
#[derive(Clone, Copy, Default, Debug)]
pub(super) struct Agg {
    /// Words.
    pub w: u32,
    /// Words inside links.
    pub lw: u32,
    /// Inline words: its own text and its inline children's (a nested block keeps its own).
    pub iw: u32,
    /// Inline words inside links.
    pub ilw: u32,
    /// Links.
    pub links: u32,
    /// Links of at least [`TITLE_LINK_WORDS`] words.
    pub title_links: u32,
    /// Images.
    pub imgs: u32,
    /// `<time>` elements.
    pub times: u32,
    /// Short texts with a date or "N days ago".
    pub dates: u32,
    /// Short texts with a price.
    pub prices: u32,
    /// Headings.
    pub heads: u32,
    /// Headings that are links (or links around a heading).
    pub hl: u32,
    /// Elements with a user/author class.
    pub user: u32,
    /// Cart classes and cart buttons.
    pub cart: u32,
    /// Element children.
    pub kids: u32,
    /// `<h1>`s.
    pub h1: u32,
    /// `<h2>`s and `<h3>`s.
    pub h23: u32,
    /// `<p>`s of at least [`P_PROSE_MIN_WORDS`] words.
    pub prose_p: u32,
    /// `<article>`s (itself included).
    pub articles: u32,
    /// Some text has a digit.
    pub digit: bool,
}

/// Page-wide counts of the walk.
#[derive(Clone, Copy, Default, Debug, serde::Serialize)]
pub struct Counts {
    /// Elements per vocabulary kind (user, forum, cart, product, pager, toc, byline, hero, date).
    pub vocab: [u32; VOCAB_KINDS],
    /// `<p>`s of at least 25 words.
    pub prose_p: u32,
    /// Words in those.
    pub p_words: u32,
    /// Buttons/links reading "add to cart" and the like.
    pub cart_texts: u32,
    /// Buttons/links reading "reply", "quote" and the like.
    pub reply_texts: u32,
    /// Links reading "read more", "next", a page number.
    pub list_texts: u32,
    /// Call-to-action buttons/links.
    pub cta_buttons: u32,
    /// Short texts starting "By Name".
    pub by_text: u32,
    /// Characters in `<pre>`.
    pub pre_chars: u32,
    /// `<code>` outside `<pre>`.
    pub inline_code: u32,
    /// Words in `<noscript>`s kept as content.
    pub noscript_words: u32,
    /// `<h1>`, `<h2>`, `<h3>` elements.
    pub h1: u32,
    /// `<h2>` and `<h3>` elements.
    pub h23: u32,
    /// `<article>`s.
    pub article: u32,
    /// `<section>`s.
    pub section: u32,
    /// `<select>`s.
    pub select: u32,
    /// `<table>`s.
    pub table: u32,
    /// `<textarea>`s.
    pub textarea: u32,
    /// `<address>`es.
    pub address: u32,
    /// A comments section (#comments, #respond, .comment-list, ...).
    pub comments_section: bool,
    /// Social share links.
    pub share_links: u32,
    /// `tel:` links.
    pub tel_links: u32,
    /// Links to author/profile pages.
    pub author_links: u32,
    /// Links to pages of a paginated list.
    pub page_links: u32,
    /// `rel=author` or `itemprop=author` on an element.
    pub author_attr: bool,
    /// A form with cart evidence.
    pub cart_form: bool,
    /// A form with a textarea and an e-mail input.
    pub contact_form: bool,
    /// A search form.
    pub search_form: bool,
}

/// One `<form>` as the walk sees it.
#[derive(Clone, Copy, Default)]
struct Form {
    search: bool,
    textarea: bool,
    email: bool,
    cart: bool,
}

/// What the walk collected.
#[derive(Default)]
pub(super) struct Walk {
    /// Visible elements in document order.
    pub els: Vec<El>,
    /// Their subtrees, summed (after [`Walk::aggregate`]).
    pub aggs: Vec<Agg>,
    /// The visible text, text nodes joined by a space.
    pub stream: String,
    /// The page's own labels.
    pub head: Head,
    /// Page-wide counts.
    pub counts: Counts,
    /// Slots of the `<h1>`s.
    pub h1s: Vec<u32>,
    /// Slots of the `<article>`s.
    pub articles: Vec<u32>,
    forms: Vec<Form>,
    open_forms: Vec<usize>,
    ids: Option<AttrIds>,
    /// [`Walk::class_facts`] of the class values seen.
    class_memo: FxHashMap<Box<str>, ClassFacts>,
}

/// Class substrings that mark a comments list (with the ids `comments`, `respond`,
/// `disqus_thread`: [`Counts::comments_section`]).
const COMMENTS_CLASSES: &[&str] = &["comments-area", "comment-list", "commentlist"];

/// What a `class` value says, the same for every element that carries it.
#[derive(Clone, Copy)]
struct ClassFacts {
    /// Its vocabulary kinds.
    vocab: VocabBits,
    /// Its sibling shape ([`classes::class_shape`]).
    shape: u64,
    /// It contains one of [`COMMENTS_CLASSES`].
    comments: bool,
}

/// The walk's state for one open element.
#[derive(Clone, Copy)]
struct Frame {
    id: NodeId,
    /// Its slot, or [`NONE`] for an invisible element (in `<head>`).
    slot: u32,
    visible: bool,
    /// Context bits its children inherit.
    ctx: u8,
}

impl Walk {
    /// The text of a slot's element.
    pub fn text_of(&self, slot: usize) -> &str {
        let e = &self.els[slot];
        self.stream
            .get(e.text_start as usize..e.text_end as usize)
            .unwrap_or("")
    }

    /// The element children's slots of `slot`.
    pub fn children(&self, slot: usize) -> impl Iterator<Item = usize> + '_ {
        let end = self.els[slot].end as usize;
        let mut c = slot + 1;
        std::iter::from_fn(move || {
            (c < end).then(|| {
                let k = c;
                c = (self.els[k].end as usize).max(k + 1);
                k
            })
        })
    }
}

/// Visible elements the walk records; later ones (and their subtrees) are left out. A page
/// shows its type long before this (the largest of the 1974 eval pages has under 16,000
/// elements), and it bounds the classifier's memory (about 100 bytes an element) on hostile
/// pages of a million siblings.
const MAX_WALK_ELEMENTS: usize = 100_000;

/// Walk the document once (see the module comment).
pub(super) fn collect(a: &Arena) -> Walk {
    let mut w = Walk {
        els: Vec::with_capacity((a.len() / 2).min(MAX_WALK_ELEMENTS)),
        aggs: Vec::with_capacity((a.len() / 2).min(MAX_WALK_ELEMENTS)),
        stream: String::with_capacity(a.text_bytes() / 4),
        ids: Some(AttrIds::of(a)),
        ..Walk::default()
    };
    let mut stack = vec![Frame {
        id: NodeId::ROOT,
        slot: NONE,
        visible: true,
        ctx: 0,
    }];
    let mut cur = a.first_child(NodeId::ROOT);
    while let Some(id) = cur {
        let parent = stack.last().copied().unwrap_or(stack[0]);
        if let Some(frame) = w.enter(a, id, &parent) {
            if let Some(c) = a.first_child(id) {
                stack.push(frame);
                cur = Some(c);
                continue;
            }
            w.exit(&frame);
        }
        let mut n = id;
        cur = loop {
            if let Some(s) = a.next_sibling(n) {
                break Some(s);
            }
            match stack.pop() {
                Some(f) if stack.is_empty() => {
                    stack.push(f);
                    break None;
                }
                Some(f) => {
                    w.exit(&f);
                    n = f.id;
                }
                None => break None,
            }
        };
    }
    w.head.finish(a);
    w.close_forms();
    w
}

impl Walk {
    /// Visit a node; `Some(frame)` when its children are to be visited.
    fn enter(&mut self, a: &Arena, id: NodeId, parent: &Frame) -> Option<Frame> {
        match a.kind(id) {
            NodeKind::Text if parent.visible => {
                self.text(a.text(id), parent.slot);
                return None;
            }
            NodeKind::Element => {}
            _ => return None,
        }
        let tag = a.tag(id)?;
        let ids = self.ids.unwrap_or_else(|| AttrIds::of(a));
        self.head.observe(a, &ids, id, tag);
        let hidden = a.attr_by_id(id, AttrName::HIDDEN).is_some()
            || AttrIds::get(a, id, ids.aria_hidden).is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        let raw_noscript = tag == Tag::NOSCRIPT && a.element_children(id).next().is_none();
        if is(tag, SKIP_TAGS) || raw_noscript {
            return None;
        }
        let invisible = Frame {
            id,
            slot: NONE,
            visible: false,
            ctx: parent.ctx,
        };
        if !parent.visible || tag == Tag::HEAD {
            return Some(invisible);
        }
        if hidden || self.els.len() >= MAX_WALK_ELEMENTS {
            return None;
        }
        let slot = self.els.len() as u32;
        self.element(a, id, tag, parent, slot);
        Some(Frame {
            id,
            slot,
            visible: true,
            ctx: parent.ctx | context_of(tag),
        })
    }

    /// The vocabulary, the sibling shape and the comments-list test of a `class` value,
    /// computed once per distinct value (a page repeats a few hundred class strings over
    /// thousands of elements).
    fn class_facts(&mut self, class: Option<&str>) -> ClassFacts {
        let Some(c) = class else {
            return ClassFacts {
                vocab: 0,
                shape: classes::class_shape(None),
                comments: false,
            };
        };
        if let Some(f) = self.class_memo.get(c) {
            return *f;
        }
        let f = ClassFacts {
            vocab: classes::vocab_of(c),
            shape: classes::class_shape(Some(c)),
            comments: COMMENTS_CLASSES.iter().any(|k| c.contains(k)),
        };
        self.class_memo.insert(c.into(), f);
        f
    }

    /// A visible element: its [`El`] and what its attributes say.
    fn element(&mut self, a: &Arena, id: NodeId, tag: Tag, parent: &Frame, slot: u32) {
        let class = a.attr_by_id(id, AttrName::CLASS);
        let el_id = a.attr_by_id(id, AttrName::ID);
        let facts = self.class_facts(class);
        let vocab = facts.vocab | el_id.map_or(0, classes::vocab_of);
        self.els.push(El {
            id,
            tag,
            parent: parent.slot,
            end: slot + 1,
            text_start: self.stream.len() as u32,
            text_end: self.stream.len() as u32,
            ctx: parent.ctx,
            vocab,
            sig: classes::signature(tag.id(), facts.shape),
        });
        self.aggs.push(Agg::default());
        let c = &mut self.counts;
        let idv = el_id.unwrap_or("").trim();
        if facts.comments || matches!(idv, "comments" | "respond" | "disqus_thread") {
            c.comments_section = true;
        }
        let rel = a.attr_by_id(id, AttrName::REL).unwrap_or("");
        let itemprop = a.attr_by_id(id, AttrName::ITEMPROP).unwrap_or("");
        if rel.eq_ignore_ascii_case("author") || itemprop.eq_ignore_ascii_case("author") {
            c.author_attr = true;
        }
        match tag {
            Tag::A => {
                let h = classes::href_of(a.attr_by_id(id, AttrName::HREF).unwrap_or(""));
                c.share_links += u32::from(h.share);
                c.tel_links += u32::from(h.tel);
                c.author_links += u32::from(h.author);
                c.page_links += u32::from(h.page);
            }
            Tag::H1 => self.h1s.push(slot),
            Tag::ARTICLE => self.articles.push(slot),
            Tag::FORM => self.open_form(a, id),
            Tag::INPUT | Tag::TEXTAREA => self.form_field(a, id, tag),
            _ => {}
        }
    }

    /// A visible text node: its words go to its parent, its text to the stream.
    fn text(&mut self, t: &str, parent: u32) {
        if t.bytes().all(|b| b.is_ascii_whitespace()) {
            return;
        }
        if let Some(g) = self.aggs.get_mut(parent as usize) {
            let (n, digit) = text::count_words_digits(t);
            g.w += n;
            g.iw += n;
            g.digit |= digit;
        }
        if !self.stream.is_empty() {
            self.stream.push(' ');
        }
        self.stream.push_str(t);
    }

    /// Leave an element: its subtree ends here.
    fn exit(&mut self, f: &Frame) {
        let n = self.els.len() as u32;
        if let Some(e) = self.els.get_mut(f.slot as usize) {
            e.end = n;
            e.text_end = self.stream.len() as u32;
            if e.tag == Tag::FORM {
                self.open_forms.pop();
            }
        }
    }

    /// A `<form>` opens: its action, role and class.
    fn open_form(&mut self, a: &Arena, id: NodeId) {
        let mut what = String::new();
        for k in ["action", "class", "id"] {
            what.push_str(a.attr(id, k).unwrap_or(""));
            what.push(' ');
        }
        let what = what.to_ascii_lowercase();
        let role = a.attr_by_id(id, AttrName::ROLE).unwrap_or("");
        let f = Form {
            cart: ["cart", "basket", "checkout", "bag"]
                .iter()
                .any(|k| what.contains(k)),
            search: role.eq_ignore_ascii_case("search")
                || what.contains("search")
                || what.contains("query")
                || what.contains("/s ")
                || what.contains("/s?"),
            ..Form::default()
        };
        self.open_forms.push(self.forms.len());
        self.forms.push(f);
    }

    /// An `<input>` or `<textarea>` of the open form.
    fn form_field(&mut self, a: &Arena, id: NodeId, tag: Tag) {
        let Some(f) = self.open_forms.last().and_then(|i| self.forms.get_mut(*i)) else {
            return;
        };
        if tag == Tag::TEXTAREA {
            f.textarea = true;
            return;
        }
        let ty = a
            .attr_by_id(id, AttrName::TYPE)
            .unwrap_or("text")
            .trim()
            .to_ascii_lowercase();
        let mut names = String::new();
        for k in ["name", "id", "placeholder"] {
            names.push_str(a.attr(id, k).unwrap_or(""));
            names.push(' ');
        }
        let names = names.to_ascii_lowercase();
        f.email |= ty == "email" || names.contains("email") || names.contains("e-mail");
        f.search |= ty == "search"
            || text::words(&names)
                .any(|w| matches!(w, "q" | "s" | "query" | "search" | "keyword" | "keywords"));
        f.cart |= ["quantity", "qty", "add-to-cart", "product_id", "variant"]
            .iter()
            .any(|k| names.contains(k));
    }

    /// The page's form facts.
    fn close_forms(&mut self) {
        let c = &mut self.counts;
        for f in &self.forms {
            c.cart_form |= f.cart;
            c.contact_form |= f.textarea && f.email;
            c.search_form |= f.search && !f.textarea;
        }
    }
}

/// The context bits an element gives its descendants.
fn context_of(tag: Tag) -> u8 {
    match tag {
        Tag::NAV => IN_NAV_FOOTER_ASIDE | IN_NAV_HEADER_FOOTER,
        Tag::FOOTER => IN_NAV_FOOTER_ASIDE | IN_NAV_HEADER_FOOTER | IN_HEADER_FOOTER,
        Tag::ASIDE => IN_NAV_FOOTER_ASIDE,
        Tag::HEADER => IN_NAV_HEADER_FOOTER | IN_HEADER_FOOTER,
        Tag::ARTICLE | Tag::MAIN => IN_ARTICLE_MAIN,
        Tag::PRE => IN_PRE,
        _ => 0,
    }
}

impl Walk {
    /// Sum every element's subtree, children before parents (see the module comment).
    pub(super) fn aggregate(&mut self, a: &Arena) {
        let mut buf = String::new();
        for i in (0..self.els.len()).rev() {
            let el = self.els[i];
            let mut g = self.aggs[i];
            self.own(&el, &mut g);
            self.vocab(&el, &mut g);
            if g.w <= SHORT_TEXT_WORDS && is(el.tag, SHORT_TEXT_TAGS) {
                let t = if el.tag == Tag::INPUT {
                    AttrIds::get(a, el.id, self.ids.and_then(|i| i.value)).unwrap_or("")
                } else {
                    self.stream
                        .get(el.text_start as usize..el.text_end as usize)
                        .unwrap_or("")
                };
                short_text(t, el.tag, &mut g, &mut self.counts, &mut buf);
            }
            self.aggs[i] = g;
            if let Some(p) = self.aggs.get_mut(el.parent as usize) {
                p.w += g.w;
                p.lw += g.lw;
                p.links += g.links;
                p.title_links += g.title_links;
                p.imgs += g.imgs;
                p.times += g.times;
                p.dates += g.dates;
                p.prices += g.prices;
                p.heads += g.heads;
                p.hl += g.hl;
                p.user += g.user;
                p.cart += g.cart;
                p.h1 += g.h1;
                p.h23 += g.h23;
                p.prose_p += g.prose_p;
                p.articles += g.articles;
                p.digit |= g.digit;
                p.kids += 1;
                if !is(el.tag, BLOCK_TAGS) {
                    p.iw += g.iw;
                    p.ilw += g.ilw;
                }
            }
        }
    }

    /// What the element's own tag adds.
    fn own(&mut self, el: &El, g: &mut Agg) {
        let c = &mut self.counts;
        match el.tag {
            Tag::A => {
                g.links += 1;
                g.lw = g.w;
                g.ilw = g.iw;
                g.title_links += u32::from(g.w >= TITLE_LINK_WORDS);
                if g.heads > 0 {
                    g.hl = g.hl.max(1);
                }
            }
            Tag::IMG | Tag::PICTURE => g.imgs += 1,
            Tag::TIME => g.times += 1,
            Tag::P if g.w >= P_PROSE_MIN_WORDS => {
                g.prose_p += 1;
                c.prose_p += 1;
                c.p_words += g.w;
            }
            Tag::ARTICLE => {
                g.articles += 1;
                c.article += 1;
            }
            Tag::PRE => {
                let e = &el;
                c.pre_chars += self
                    .stream
                    .get(e.text_start as usize..e.text_end as usize)
                    .map_or(0, |t| t.chars().count() as u32);
            }
            Tag::CODE if el.ctx & IN_PRE == 0 => c.inline_code += 1,
            Tag::NOSCRIPT => c.noscript_words += g.w,
            Tag::SECTION => c.section += 1,
            Tag::SELECT => c.select += 1,
            Tag::TABLE => c.table += 1,
            Tag::TEXTAREA => c.textarea += 1,
            Tag::ADDRESS => c.address += 1,
            _ => {}
        }
        if is(el.tag, HEADINGS) {
            g.heads += 1;
            if g.links > 0 && g.hl == 0 {
                g.hl = 1;
            }
            if el.tag == Tag::H1 {
                g.h1 += 1;
                c.h1 += 1;
            } else if el.tag == Tag::H2 || el.tag == Tag::H3 {
                g.h23 += 1;
                c.h23 += 1;
            }
        }
    }

    /// The element's class/id vocabulary.
    fn vocab(&mut self, el: &El, g: &mut Agg) {
        if el.vocab == 0 {
            return;
        }
        for k in 0..VOCAB_KINDS {
            if el.vocab & (1 << k) != 0 {
                self.counts.vocab[k] += 1;
            }
        }
        g.user += u32::from(classes::has(el.vocab, Vocab::User));
        g.cart += u32::from(classes::has(el.vocab, Vocab::Cart));
    }
}

/// A short text: a button label, a date line, a price.
fn short_text(t: &str, tag: Tag, g: &mut Agg, c: &mut Counts, buf: &mut String) {
    {
        let button = matches!(tag, Tag::A | Tag::BUTTON | Tag::INPUT);
        if button || tag == Tag::SPAN {
            let l = text::classify_label(t, buf);
            if button && l.cart {
                c.cart_texts += 1;
                g.cart += 1;
            }
            c.reply_texts += u32::from(l.reply && tag != Tag::INPUT);
            c.list_texts += u32::from(l.list && matches!(tag, Tag::A | Tag::BUTTON));
            let small = g.w > 0 && g.w <= BUTTON_WORDS;
            c.cta_buttons += u32::from(small && l.cta && matches!(tag, Tag::A | Tag::BUTTON));
        }
        let by_tags = matches!(tag, Tag::SPAN | Tag::P | Tag::DIV | Tag::LI | Tag::A);
        if by_tags && g.w > 0 && g.w <= BUTTON_WORDS && text::starts_by(t) {
            c.by_text += 1;
        }
        if g.kids <= SHORT_TEXT_KIDS && g.digit {
            g.prices += u32::from(text::has_price(t));
            g.dates += u32::from(text::has_date(t) || text::count_ago(t) > 0);
        }
    }
}
