//! Phrase families and word classes of the page-type signals: one Aho-Corasick scan of the
//! page text for the phrase families (forum chrome, documentation words, calls to action,
//! reading time, publication phrases, subscription prices) and the word classes of the prose
//! rates (we/I/said/offer/promo/expository/code words). In: `&str`. Out: counts.

use super::text::{boundary_after, boundary_before, is_month, is_word_char, words};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use rustc_hash::FxHashMap;
use std::sync::LazyLock;
// ---------------------------------------------------------------- phrase families

/// Phrase families counted over the page text.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(usize)]
pub(super) enum Family {
    /// Thread chrome: replies, posted by, joined, accepted answer...
    Forum,
    /// Documentation words: parameters, returns, see also, deprecated...
    Docs,
    /// Documentation chrome: on this page, edit this page, api reference...
    DocsStrong,
    /// Calls to action: contact us, get started, free trial...
    Cta,
    /// Reading time: "5 min read".
    ReadTime,
    /// A publication phrase followed by a date: "Published on March 3".
    Published,
    /// A subscription price unit: "/mo", "per user".
    PerMonth,
}

/// Number of [`Family`] values.
pub(super) const FAMILIES: usize = 7;

/// What must surround a phrase match beyond word boundaries.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Check {
    None,
    /// A digit follows (after one space): "version 2", "viewed 3".
    DigitAfter,
    /// A number precedes: "5 min read".
    NumberBefore,
    /// A date follows: ` on`, `:`, spaces, then a digit or a month name.
    DateAfter,
}

/// The phrases, by family and check. Lowercase; matched ASCII-case-insensitively.
const PHRASES: &[(Family, Check, &[&str])] = &[
    (
        Family::Forum,
        Check::None,
        &[
            "replies",
            "reply",
            "posted by",
            "posted on",
            "joined",
            "posts:",
            "likes received",
            "thread starter",
            "original poster",
            "accepted answer",
            "answered",
            "asked",
            "vote",
            "votes",
            "upvote",
            "upvotes",
            "solution",
            "solved",
            "quote",
            "members online",
            "report post",
            "reputation",
            "moderator",
        ],
    ),
    (Family::Forum, Check::DigitAfter, &["viewed"]),
    (
        Family::Docs,
        Check::None,
        &[
            "on this page",
            "table of contents",
            "edit this page",
            "edit on github",
            "was this page helpful",
            "was this article helpful",
            "see also",
            "parameters",
            "returns",
            "syntax",
            "example",
            "api reference",
            "prerequisites",
            "last updated",
            "deprecated",
            "note:",
            "warning:",
            "tip:",
        ],
    ),
    (Family::Docs, Check::DigitAfter, &["version"]),
    (
        Family::DocsStrong,
        Check::None,
        &[
            "on this page",
            "in this article",
            "edit this page",
            "edit on github",
            "edit page",
            "was this page helpful",
            "was this article helpful",
            "was this doc helpful",
            "table of contents",
            "api reference",
            "view source",
            "improve this page",
            "improve this doc",
            "suggest an edit",
            "suggest a change",
            "next page",
            "previous page",
            "documentation",
            "docs home",
            "release notes",
            "changelog",
        ],
    ),
    (
        Family::Cta,
        Check::None,
        &[
            "contact us",
            "get started",
            "request a demo",
            "request a quote",
            "book a",
            "book your",
            "get a quote",
            "get a free quote",
            "free trial",
            "schedule a",
            "schedule your",
            "sign up",
            "learn more",
            "talk to sales",
            "talk to an expert",
            "talk to us",
            "call us",
            "call now",
            "our services",
            "our team",
            "testimonials",
            "why choose",
            "trusted by",
            "start free",
            "start your free",
            "try it free",
            "try for free",
            "try it for free",
            "try free",
            "get in touch",
            "pricing",
            "request a consultation",
            "request an estimate",
            "request an appointment",
        ],
    ),
    (
        Family::ReadTime,
        Check::NumberBefore,
        &[
            "min read",
            "mins read",
            "min. read",
            "minute read",
            "minutes read",
            "min lesezeit",
            "min de lecture",
            "min de lectura",
            "min di lettura",
        ],
    ),
    (
        Family::ReadTime,
        Check::None,
        &[
            "reading time",
            "lesezeit",
            "temps de lecture",
            "tiempo de lectura",
        ],
    ),
    (
        Family::Published,
        Check::DateAfter,
        &[
            "published",
            "updated",
            "posted",
            "posted on",
            "last updated",
            "last modified",
            "veröffentlicht",
            "aktualisiert",
            "publié",
            "mis à jour",
            "publicado",
            "actualizado",
            "pubblicato",
        ],
    ),
    (
        Family::PerMonth,
        Check::None,
        &[
            "/mo",
            "/month",
            "/user",
            "/seat",
            "/year",
            "/yr",
            "per mo",
            "per month",
            "per user",
            "per seat",
            "per year",
            "per yr",
        ],
    ),
];

/// The phrase automaton (`None` if it could not be built) and, per distinct phrase, the
/// families it counts for with their checks.
type PhraseAutomaton = (Option<AhoCorasick>, Vec<Vec<(Family, Check)>>);

/// The phrase automaton (leftmost-longest, so a prefilter skips most of the text) and, per
/// distinct phrase, the families it counts for with their checks.
static PHRASE_AC: LazyLock<PhraseAutomaton> = LazyLock::new(|| {
    let mut pats: Vec<&str> = Vec::new();
    let mut info: Vec<Vec<(Family, Check)>> = Vec::new();
    for (fam, check, list) in PHRASES {
        for p in *list {
            match pats.iter().position(|x| x == p) {
                Some(i) => info[i].push((*fam, *check)),
                None => {
                    pats.push(p);
                    info.push(vec![(*fam, *check)]);
                }
            }
        }
    }
    let ac = AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        // A DFA: the fastest search, and a few hundred phrases keep it small.
        .kind(Some(AhoCorasickKind::DFA))
        .build(&pats)
        .ok();
    (ac, info)
});

/// Counts of each [`Family`] in `text` (whole-word matches, leftmost-longest: "last updated"
/// is one match, counted for each family that lists it).
pub(super) fn count_phrases(text: &str) -> [u32; FAMILIES] {
    let mut out = [0u32; FAMILIES];
    let (Some(ac), info) = &*PHRASE_AC else {
        return out;
    };
    for m in ac.find_iter(text) {
        let (s, e) = (m.start(), m.end());
        let ends_word = text
            .get(..e)
            .and_then(|t| t.chars().next_back())
            .is_some_and(is_word_char);
        let starts_word = text
            .get(s..)
            .and_then(|t| t.chars().next())
            .is_some_and(is_word_char);
        if (starts_word && !boundary_before(text, s)) || (ends_word && !boundary_after(text, e)) {
            continue;
        }
        for (fam, check) in &info[m.pattern().as_usize()] {
            if check_ok(text, s, e, *check) {
                out[*fam as usize] += 1;
            }
        }
    }
    out
}

/// The extra condition of a phrase match.
fn check_ok(text: &str, s: usize, e: usize, check: Check) -> bool {
    let b = text.as_bytes();
    match check {
        Check::None => true,
        Check::DigitAfter => {
            let k = if b.get(e) == Some(&b' ') { e + 1 } else { e };
            b.get(k).is_some_and(u8::is_ascii_digit)
        }
        Check::NumberBefore => {
            let head = text.get(..s).unwrap_or("").trim_end();
            let head = head.strip_suffix('-').unwrap_or(head).trim_end();
            head.as_bytes().last().is_some_and(u8::is_ascii_digit)
        }
        Check::DateAfter => {
            let mut rest = text.get(e..).unwrap_or("");
            let t = rest.trim_start();
            if t.len() < rest.len()
                && t.get(..2).is_some_and(|h| h.eq_ignore_ascii_case("on"))
                && boundary_after(t, 2)
            {
                rest = t.get(2..).unwrap_or("");
            }
            let rest = rest.strip_prefix(':').unwrap_or(rest).trim_start();
            rest.as_bytes().first().is_some_and(u8::is_ascii_digit)
                || words(rest).next().is_some_and(is_month)
        }
    }
}

// ---------------------------------------------------------------- word classes

/// Word classes of the prose rates.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(usize)]
pub(super) enum Lex {
    /// we/our/us: service copy talks about itself.
    We,
    /// I/my/me: forum posts.
    I,
    /// said/told/according to: news.
    Said,
    /// contact, quote, services, clients...: offers.
    Offer,
    /// trusted, leading, affordable...: marketing.
    Promo,
    /// however, because, may, which, was...: explanatory prose.
    Expo,
    /// function, parameter, returns...: technical documentation.
    Code,
}

/// Number of [`Lex`] classes.
pub(super) const LEX_CLASSES: usize = 7;

/// The words of each class (English plus the commonest forms in de/fr/es/it/nl/pl/pt).
const LEX_WORDS: &[(Lex, &[&str])] = &[
    (
        Lex::We,
        &[
            "we", "our", "us", "ours", "wir", "unser", "unsere", "nous", "notre", "nos", "nosotros",
            "nuestro", "nuestra", "noi", "nostro", "nostra", "wij", "onze", "nasz", "nasza", "nosso",
            "nossa",
        ],
    ),
    (
        Lex::I,
        &[
            "i", "my", "me", "mine", "ich", "mein", "meine", "je", "moi", "mon", "ma", "yo", "mi", "io",
            "ik", "mijn", "ja", "mój", "eu", "meu",
        ],
    ),
    (
        Lex::Said,
        &[
            "said",
            "says",
            "told",
            "according",
            "reported",
            "announced",
            "added",
            "stated",
            "sagte",
            "sagt",
            "erklärte",
            "laut",
            "déclaré",
            "selon",
            "dijo",
            "según",
            "afirmó",
            "detto",
            "secondo",
            "zei",
            "volgens",
            "powiedział",
            "disse",
        ],
    ),
    (
        Lex::Offer,
        &[
            "contact",
            "call",
            "quote",
            "free",
            "consultation",
            "schedule",
            "enroll",
            "apply",
            "book",
            "services",
            "service",
            "solutions",
            "customers",
            "clients",
            "team",
            "experts",
            "professional",
            "professionals",
            "offer",
            "offers",
            "provide",
            "provides",
            "pricing",
            "trial",
            "demo",
            "kontakt",
            "angebot",
            "devis",
            "contacto",
            "servicios",
            "servizi",
            "diensten",
            "usługi",
        ],
    ),
    (
        Lex::Promo,
        &[
            "best",
            "leading",
            "trusted",
            "award",
            "winning",
            "expert",
            "experts",
            "affordable",
            "quality",
            "certified",
            "licensed",
            "guaranteed",
            "guarantee",
            "estimate",
            "24",
            "7",
            "today",
            "reliable",
            "exceptional",
            "premier",
            "top",
            "satisfaction",
            "seamless",
            "innovative",
            "solutions",
            "tailored",
            "unlock",
            "empower",
            "transform",
            "boost",
            "discover",
            "explore",
            "join",
            "started",
            "now",
        ],
    ),
    (
        Lex::Expo,
        &[
            "however",
            "although",
            "because",
            "therefore",
            "whereas",
            "while",
            "since",
            "thus",
            "may",
            "might",
            "often",
            "typically",
            "usually",
            "generally",
            "example",
            "instance",
            "such",
            "research",
            "study",
            "studies",
            "found",
            "suggests",
            "likely",
            "whether",
            "which",
            "was",
            "were",
            "had",
            "been",
            "jedoch",
            "obwohl",
            "weil",
            "cependant",
            "parce",
            "sin",
            "embargo",
            "porque",
            "tuttavia",
            "perché",
        ],
    ),
    (
        Lex::Code,
        &[
            "function",
            "return",
            "returns",
            "parameter",
            "parameters",
            "default",
            "example",
            "syntax",
            "command",
            "install",
            "configure",
            "configuration",
            "api",
            "method",
            "class",
            "string",
            "value",
            "true",
            "false",
            "null",
            "file",
            "directory",
            "option",
            "options",
            "argument",
            "arguments",
            "type",
        ],
    ),
];

/// The word classes: word → bit set of its [`Lex`] classes, and for each first byte the
/// lengths (bit `len`) of the words starting with it, so that an ASCII word whose (first
/// byte, length) no listed word has skips the lowercasing and the hash lookup (most words).
struct LexMap {
    words: FxHashMap<&'static str, u8>,
    shapes: [u32; 256],
}

static LEX_MAP: LazyLock<LexMap> = LazyLock::new(|| {
    let mut words: FxHashMap<&'static str, u8> = FxHashMap::default();
    let mut shapes = [0u32; 256];
    for (class, list) in LEX_WORDS {
        for w in *list {
            *words.entry(*w).or_default() |= 1 << (*class as u8);
            if let Some(&b) = w.as_bytes().first() {
                if w.len() < 32 {
                    shapes[usize::from(b)] |= 1 << w.len();
                }
            }
        }
    }
    LexMap { words, shapes }
});

impl LexMap {
    /// False when `w` (at most [`LEX_MAX_WORD_BYTES`] bytes) cannot be a listed word: it is
    /// ASCII (lowercasing keeps its length and maps its first byte alone) and no listed word
    /// has its lowercase first byte and its length.
    fn may_hold(&self, w: &str) -> bool {
        match w.as_bytes().first() {
            Some(&b) if w.is_ascii() => {
                self.shapes[usize::from(b.to_ascii_lowercase())] & (1 << w.len()) != 0
            }
            _ => true,
        }
    }
}

/// Longest word looked up in the word classes (longer words are in none).
const LEX_MAX_WORD_BYTES: usize = 16;

/// Count the words of `text` into `counts` (per class) and return how many words it had,
/// stopping after `budget` words.
pub(super) fn count_lex(text: &str, counts: &mut [u32; LEX_CLASSES], budget: u32) -> u32 {
    let map = &*LEX_MAP;
    let mut n = 0;
    let mut buf = String::with_capacity(LEX_MAX_WORD_BYTES);
    for w in words(text) {
        if n >= budget {
            break;
        }
        n += 1;
        if w.len() > LEX_MAX_WORD_BYTES || !map.may_hold(w) {
            continue;
        }
        let key: &str = if w.bytes().any(|c| c.is_ascii_uppercase() || c >= 0x80) {
            buf.clear();
            buf.extend(w.chars().flat_map(char::to_lowercase));
            &buf
        } else {
            w
        };
        if let Some(bits) = map.words.get(key) {
            for (k, c) in counts.iter_mut().enumerate() {
                if bits & (1 << k) != 0 {
                    *c += 1;
                }
            }
        }
    }
    n
}

#[cfg(test)]
mod lex_tests {
    use super::*;

    /// `count_lex` without the (first byte, length) prefilter.
    fn count_lex_plain(text: &str, counts: &mut [u32; LEX_CLASSES], budget: u32) -> u32 {
        let mut n = 0;
        for w in words(text) {
            if n >= budget {
                break;
            }
            n += 1;
            if w.len() > LEX_MAX_WORD_BYTES {
                continue;
            }
            if let Some(bits) = LEX_MAP.words.get(
                w.chars()
                    .flat_map(char::to_lowercase)
                    .collect::<String>()
                    .as_str(),
            ) {
                for (k, c) in counts.iter_mut().enumerate() {
                    if bits & (1 << k) != 0 {
                        *c += 1;
                    }
                }
            }
        }
        n
    }

    #[test]
    fn the_prefilter_counts_as_the_plain_lookup() {
        let mut texts: Vec<String> = Vec::new();
        for (_, list) in LEX_WORDS {
            let all = list.join(" ");
            texts.push(all.clone());
            texts.push(all.to_uppercase());
            texts.push(
                list.iter()
                    .map(|w| format!("{w}s x{w} {w}é"))
                    .collect::<Vec<_>>()
                    .join(", "),
            );
        }
        texts.push("İstanbul ÉTÉ Straße The QUICK brown fox, 12 options; über-Type".into());
        for t in &texts {
            for budget in [3, 1000] {
                let (mut a, mut b) = ([0; LEX_CLASSES], [0; LEX_CLASSES]);
                let n = count_lex(t, &mut a, budget);
                assert_eq!((n, a), (count_lex_plain(t, &mut b, budget), b), "{t}");
            }
        }
    }
}
