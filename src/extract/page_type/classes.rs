//! What an element's `class`/`id` and `href` say, without regexes: one Aho-Corasick pass
//! over the attribute values finds the vocabulary kinds (user/avatar, forum/thread, cart,
//! product, pager, docs/toc, byline/date, hero/cta), with the few word-boundary rules of the
//! prototype's patterns checked on the match; the sibling signature (tag + class tokens
//! without digits) as a hash; and the link targets the signals count (share, author, page
//! links).

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use std::sync::LazyLock;

/// A vocabulary kind of class/id words (bit index in [`VocabBits`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub(super) enum Vocab {
    /// user(name|info|card), avatar, author, poster, member: a post's author box.
    User,
    /// forum, thread, topic, discussion, bbcode, quote.
    Forum,
    /// add-to-cart, buy-now, cart-button, purchase, atc.
    Cart,
    /// product, sku, variant, swatch, quantity, stock, gallery, rating, review.
    Product,
    /// pagination, pager, paging, page-numbers, load-more, next-page.
    Pager,
    /// toc, table-of-contents, on-this-page, docs-, sidebar-nav, api, highlight, sphinx...
    Toc,
    /// byline, dateline, author, posted, pubdate, publish, timestamp, date, post-meta...
    Byline,
    /// hero, banner, cta, testimonial, pricing, feature, faq, contact, landing, logos...
    Hero,
    /// "date" or "publish" anywhere: a byline element that holds the date.
    DateWord,
}

/// Number of [`Vocab`] kinds.
pub(super) const VOCAB_KINDS: usize = 9;

/// A set of [`Vocab`] kinds.
pub(super) type VocabBits = u16;

/// Where a vocabulary word must stand in the attribute value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Edge {
    /// Anywhere (a substring).
    Any,
    /// Followed by the end or `-`, `_`, space.
    End,
    /// Preceded by the start or `-`, `_`, space, and followed likewise.
    Both,
}

/// The vocabulary: (kind, edge, words). Lowercase; values are matched case-insensitively.
const VOCAB: &[(Vocab, Edge, &[&str])] = &[
    (
        Vocab::User,
        Edge::Any,
        &["user", "avatar", "author", "poster", "member"],
    ),
    (
        Vocab::Forum,
        Edge::Any,
        &["forum", "thread", "topic", "discussion", "bbcode", "quote"],
    ),
    (
        Vocab::Cart,
        Edge::Any,
        &[
            "add-to-cart",
            "add_to_cart",
            "addtocart",
            "add-to-bag",
            "add_to_bag",
            "addtobag",
            "add-to-basket",
            "add_to_basket",
            "addtobasket",
            "add-cart",
            "buy-now",
            "buy_now",
            "buynow",
            "buy-button",
            "buy_button",
            "buybutton",
            "buy-box",
            "buy_box",
            "buybox",
            "cart-button",
            "cart_button",
            "cartbutton",
            "purchase",
        ],
    ),
    (Vocab::Cart, Edge::End, &["atc"]),
    (
        Vocab::Product,
        Edge::Any,
        &[
            "product", "sku", "variant", "swatch", "quantity", "qty", "stock", "gallery", "rating", "review",
        ],
    ),
    (
        Vocab::Pager,
        Edge::Any,
        &[
            "pagination",
            "pager",
            "paging",
            "page-numbers",
            "load-more",
            "loadmore",
            "next-page",
            "nextpage",
        ],
    ),
    (Vocab::Toc, Edge::Both, &["toc"]),
    (Vocab::Toc, Edge::End, &["api"]),
    (
        Vocab::Toc,
        Edge::Any,
        &[
            "table-of-contents",
            "on-this-page",
            "onthispage",
            "docs-",
            "doc-",
            "-docs",
            "-doc",
            "documentation",
            "sidebar-nav",
            "menu__link",
            "highlight",
            "syntax",
            "sphinx",
            "mkdocs",
            "docusaurus",
            "md-",
            "rst-",
            "theme-doc",
        ],
    ),
    (
        Vocab::Byline,
        Edge::Any,
        &[
            "byline",
            "dateline",
            "author",
            "posted",
            "pubdate",
            "publish",
            "timestamp",
            "metainfo",
            "meta-info",
            "postmeta",
            "post-meta",
            "entrymeta",
            "entry-meta",
            "articlemeta",
            "article-meta",
        ],
    ),
    (Vocab::Byline, Edge::Both, &["date"]),
    (
        Vocab::Hero,
        Edge::Any,
        &[
            "hero",
            "banner",
            "cta",
            "testimonial",
            "pricing",
            "feature",
            "benefit",
            "faq",
            "contact",
            "landing",
            "jumbotron",
            "call-to-action",
            "partners",
            "clients",
        ],
    ),
    (Vocab::Hero, Edge::End, &["logo", "logos"]),
    (Vocab::DateWord, Edge::Any, &["date", "publish"]),
];

/// The vocabulary automaton (`None` if it could not be built) and, per pattern, its kind and
/// edge rule.
type VocabAutomaton = (Option<AhoCorasick>, Vec<(Vocab, Edge)>);

/// The vocabulary automaton and, per pattern, its kind and edge rule.
static VOCAB_AC: LazyLock<VocabAutomaton> = LazyLock::new(|| {
    let mut pats = Vec::new();
    let mut info = Vec::new();
    for (kind, edge, list) in VOCAB {
        for p in *list {
            pats.push(*p);
            info.push((*kind, *edge));
        }
    }
    let ac = AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::DFA))
        .build(&pats)
        .ok();
    (ac, info)
});

/// Longest attribute value read for the vocabulary (long generated class lists say no more).
const MAX_CLASS_BYTES: usize = 300;

/// The vocabulary kinds found in one attribute value.
pub(super) fn vocab_of(value: &str) -> VocabBits {
    let (Some(ac), info) = &*VOCAB_AC else {
        return 0;
    };
    let v = super::head::clip(value, MAX_CLASS_BYTES);
    let b = v.as_bytes();
    let sep = |i: Option<&u8>| i.is_none_or(|c| matches!(c, b'-' | b'_' | b' ' | b'\t' | b'\n'));
    let mut bits = 0;
    for m in ac.find_overlapping_iter(v) {
        let (kind, edge) = info[m.pattern().as_usize()];
        let before_ok = m.start() == 0 || sep(b.get(m.start() - 1));
        let after_ok = sep(b.get(m.end()));
        let ok = match edge {
            Edge::Any => true,
            Edge::End => after_ok,
            Edge::Both => before_ok && after_ok,
        };
        if ok {
            bits |= 1 << (kind as u8);
        }
    }
    bits
}

/// True when `bits` holds `kind`.
pub(super) fn has(bits: VocabBits, kind: Vocab) -> bool {
    bits & (1 << (kind as u8)) != 0
}

/// Class tokens kept in a sibling signature (the first ones by hash).
const SIGNATURE_TOKENS: usize = 4;
/// State classes left out of the signature: siblings differ in them, not in shape.
const STATE_PREFIXES: &[&str] = &["is-", "odd", "even", "first", "last", "active"];

/// FNV-1a seed.
const FNV_SEED: u64 = 0xcbf2_9ce4_8422_2325;

/// One FNV-1a step.
fn fnv_step(h: u64, b: u8) -> u64 {
    (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
}

/// What makes siblings "the same shape": the tag plus [`class_shape`], as one hash.
pub(super) fn signature(tag_id: u32, class_shape: u64) -> u64 {
    let h = tag_id.to_le_bytes().into_iter().fold(FNV_SEED, fnv_step);
    class_shape.to_le_bytes().into_iter().fold(h, fnv_step)
}

/// The class part of a sibling signature: the class tokens, lowercased, digits dropped,
/// state classes left out, sorted and deduplicated, as one hash.
pub(super) fn class_shape(class: Option<&str>) -> u64 {
    let mut toks = [0u64; 16];
    let mut n = 0;
    for t in class.unwrap_or("").split_ascii_whitespace() {
        let (mut head, mut hl, mut h, mut len) = ([0u8; 8], 0, FNV_SEED, 0);
        for c in t.bytes().filter(|c| !c.is_ascii_digit()) {
            let c = c.to_ascii_lowercase();
            if hl < head.len() {
                head[hl] = c;
                hl += 1;
            }
            h = fnv_step(h, c);
            len += 1;
        }
        let state = STATE_PREFIXES
            .iter()
            .any(|p| head[..hl].starts_with(p.as_bytes()));
        if len > 0 && !state && n < toks.len() {
            toks[n] = h;
            n += 1;
        }
    }
    let toks = &mut toks[..n];
    toks.sort_unstable();
    let mut h = FNV_SEED;
    let mut last = None;
    let mut kept = 0;
    for t in toks.iter() {
        if Some(*t) == last || kept == SIGNATURE_TOKENS {
            continue;
        }
        last = Some(*t);
        kept += 1;
        h = t.to_le_bytes().into_iter().fold(h, fnv_step);
    }
    h
}

/// What one link target is.
#[derive(Clone, Copy, Default, Debug)]
pub(super) struct Href {
    /// A `tel:` link.
    pub tel: bool,
    /// A social share link (facebook sharer, twitter intent, linkedin share, ...).
    pub share: bool,
    /// A link to an author/profile/people/staff page.
    pub author: bool,
    /// A link to a page of a paginated list (`page=N`, `/page/N`).
    pub page: bool,
}

/// What a link-target pattern marks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    /// A share link (the pattern is a host + path).
    Share,
    /// An author page: a non-empty segment must follow.
    Author,
    /// A list page: a digit must follow.
    Page,
}

/// Link-target patterns: share links, author pages (en, de, fr, it; profiles, staff),
/// list pages.
const TARGETS: &[(Target, &[&str])] = &[
    (
        Target::Share,
        &[
            "facebook.com/shar",
            "twitter.com/intent",
            "twitter.com/share",
            "x.com/intent",
            "linkedin.com/share",
            "pinterest.com/pin/create",
            "reddit.com/submit",
        ],
    ),
    (
        Target::Author,
        &[
            "/author/",
            "/authors/",
            "/autor/",
            "/auteur/",
            "/autore/",
            "/profile/",
            "/people/",
            "/staff/",
        ],
    ),
    (
        Target::Page,
        &[
            "/page/", "?page=", "&page=", "?p=", "&p=", "?pg=", "&pg=", "?start=", "&start=", "?offset=",
            "&offset=",
        ],
    ),
];

/// The link-target automaton and, per pattern, what it marks.
static TARGET_AC: LazyLock<(Option<AhoCorasick>, Vec<Target>)> = LazyLock::new(|| {
    let mut pats = Vec::new();
    let mut info = Vec::new();
    for (t, list) in TARGETS {
        for p in *list {
            pats.push(*p);
            info.push(*t);
        }
    }
    let ac = AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostFirst)
        // A DFA: one `href` per link is searched, the fastest kind pays.
        .kind(Some(AhoCorasickKind::DFA))
        .build(&pats)
        .ok();
    (ac, info)
});

/// Classify one `href`.
pub(super) fn href_of(h: &str) -> Href {
    let h = h.trim();
    let b = h.as_bytes();
    let prefix = |p: &str| h.get(..p.len()).is_some_and(|x| x.eq_ignore_ascii_case(p));
    let mut out = Href {
        tel: prefix("tel:"),
        share: prefix("mailto:?"),
        ..Href::default()
    };
    let (Some(ac), info) = &*TARGET_AC else {
        return out;
    };
    for m in ac.find_iter(h) {
        let next = b.get(m.end());
        match info[m.pattern().as_usize()] {
            Target::Share => out.share = true,
            Target::Author => out.author |= next.is_some_and(|c| !matches!(c, b'/' | b'?' | b'#')),
            Target::Page => out.page |= next.is_some_and(u8::is_ascii_digit),
        }
    }
    out
}
