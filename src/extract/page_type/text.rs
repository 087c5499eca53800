//! Text matchers of the page-type signals, hand-written so that no regex runs per node: word
//! counts, dates ("12 March 2024", "March 12, 2024", "2024-05-12", "12.03.2005"), relative
//! times ("3 days ago"), prices (a currency sign or code next to digits), the whole-text
//! button labels (add to cart, reply, read more, call to action, "By Name"). The phrase
//! families and word classes are in `phrases.rs`. In: `&str`. Out: booleans and counts.

use rustc_hash::FxHashMap;
use std::sync::LazyLock;

/// True for a character of a `\w+` word (letters, digits, underscore, in any script).
pub(super) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Characters of Chinese or Japanese text per word: these scripts write no spaces, so a
/// run of ideographs or kana would count as one word; news text averages 1.5-2 characters
/// per word in both, and two keeps a Japanese article's count near its English length.
const CJK_CHARS_PER_WORD: u32 = 2;

/// Han ideographs, hiragana and katakana (not Hangul: Korean separates its words).
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF // hiragana, katakana
        | 0x3400..=0x4DBF // CJK extension A
        | 0x4E00..=0x9FFF // CJK unified ideographs
        | 0xF900..=0xFAFF // compatibility ideographs
        | 0xFF66..=0xFF9F // half-width katakana
        | 0x20000..=0x2FA1F) // extensions B-F, compatibility supplement
}

/// [`BYTE_CLASS`] bit: an ASCII byte of a `\w+` word.
const WORD_BYTE: u8 = 1;
/// [`BYTE_CLASS`] bit: an ASCII digit.
const DIGIT_BYTE: u8 = 2;
/// [`BYTE_CLASS`] bit: a byte of a multi-byte character (decoded to be classified).
const NON_ASCII: u8 = 4;

/// What each byte is, for the word count's ASCII fast path.
static BYTE_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = if b >= 0x80 {
            NON_ASCII
        } else if b.is_ascii_digit() {
            WORD_BYTE | DIGIT_BYTE
        } else if b.is_ascii_alphanumeric() || b == b'_' {
            WORD_BYTE
        } else {
            0
        };
        i += 1;
    }
    t
};

/// Number of `\w+` words in `s` (ASCII bytes tested directly, other characters decoded);
/// Chinese and Japanese characters count [`CJK_CHARS_PER_WORD`] to a word.
pub(super) fn count_words(s: &str) -> u32 {
    count_words_digits(s).0
}

/// [`count_words`], and whether `s` has an ASCII digit (one pass for both).
pub(super) fn count_words_digits(s: &str) -> (u32, bool) {
    let b = s.as_bytes();
    let (mut n, mut cjk, mut in_word, mut i) = (0u32, 0u32, false, 0usize);
    let mut seen = 0u8;
    while i < b.len() {
        let class = BYTE_CLASS[usize::from(b[i])];
        let (word, len) = if class & NON_ASCII == 0 {
            seen |= class;
            (class & WORD_BYTE != 0, 1)
        } else {
            let ch = s.get(i..).and_then(|t| t.chars().next()).unwrap_or(' ');
            if is_cjk(ch) {
                cjk += 1;
                in_word = false;
                i += ch.len_utf8();
                continue;
            }
            (is_word_char(ch), ch.len_utf8().max(1))
        };
        n += u32::from(word && !in_word);
        in_word = word;
        i += len;
    }
    (n + cjk.div_ceil(CJK_CHARS_PER_WORD), seen & DIGIT_BYTE != 0)
}

/// The `\w+` words of `s`, in order.
pub(super) fn words(s: &str) -> impl Iterator<Item = &str> + '_ {
    s.split(|c: char| !is_word_char(c)).filter(|w| !w.is_empty())
}

/// `s` with its words lowercased and joined by one space (for headline comparisons).
pub(super) fn norm_words(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in words(s) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(w.chars().flat_map(char::to_lowercase));
    }
    out
}

// ---------------------------------------------------------------- dates

/// Month names and abbreviations (en, de, fr, es, it, pl), lowercase: a date's word part.
const MONTHS: &[&str] = &[
    "jan",
    "january",
    "feb",
    "february",
    "mar",
    "march",
    "apr",
    "april",
    "may",
    "jun",
    "june",
    "jul",
    "july",
    "aug",
    "august",
    "sep",
    "sept",
    "september",
    "oct",
    "october",
    "nov",
    "november",
    "dec",
    "december",
    "januar",
    "februar",
    "märz",
    "mai",
    "juni",
    "juli",
    "oktober",
    "dezember",
    "janvier",
    "février",
    "mars",
    "avril",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
    "gennaio",
    "febbraio",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "settembre",
    "ottobre",
    "dicembre",
    "stycznia",
    "lutego",
    "marca",
    "kwietnia",
    "maja",
    "czerwca",
    "lipca",
    "sierpnia",
    "września",
    "października",
    "listopada",
    "grudnia",
];

/// True when `w` (any case) is one of [`MONTHS`].
pub(super) fn is_month(w: &str) -> bool {
    if w.len() > 14 {
        return false;
    }
    let mut buf = [0u8; 32];
    let mut n = 0;
    for c in w.chars().flat_map(char::to_lowercase) {
        let mut tmp = [0u8; 4];
        let e = c.encode_utf8(&mut tmp).as_bytes();
        if n + e.len() > buf.len() {
            return false;
        }
        buf[n..n + e.len()].copy_from_slice(e);
        n += e.len();
    }
    let lower = std::str::from_utf8(&buf[..n]).unwrap_or("");
    MONTHS.contains(&lower)
}

/// Digits in `b[..end]` right before `end`: how many (at most `max + 1` are counted).
fn digits_before(b: &[u8], end: usize, max: usize) -> usize {
    let mut n = 0;
    while n <= max && end > n && b[end - n - 1].is_ascii_digit() {
        n += 1;
    }
    n
}

/// True when the byte before `i` does not continue a word (`\b` before a word at `i`).
pub(super) fn boundary_before(s: &str, i: usize) -> bool {
    s.get(..i)
        .and_then(|t| t.chars().next_back())
        .is_none_or(|c| !is_word_char(c))
}

/// True when the character at `i` does not continue a word (`\b` after a word ending at `i`).
pub(super) fn boundary_after(s: &str, i: usize) -> bool {
    s.get(i..)
        .and_then(|t| t.chars().next())
        .is_none_or(|c| !is_word_char(c))
}

/// True when `s` holds a date: `D Month YYYY`, `Month D, YYYY`, `YYYY-MM-DD`, `YYYY/MM/DD`,
/// `D.M.YYYY` or `D/M/YYYY` (years 1900-2099). Looks only where a four-digit year stands.
pub(super) fn has_date(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i + 4 <= b.len() {
        if !(b[i] == b'1' && b[i + 1] == b'9' || b[i] == b'2' && b[i + 1] == b'0') {
            i += 1;
            continue;
        }
        let is_year = b[i + 2].is_ascii_digit()
            && b[i + 3].is_ascii_digit()
            && (i == 0 || !b[i - 1].is_ascii_digit())
            && b.get(i + 4).is_none_or(|c| !c.is_ascii_digit());
        if is_year && (date_after_year(b, i + 4) || date_before_year(s, i)) {
            return true;
        }
        i += 1;
    }
    false
}

/// `YYYY-MM-DD` or `YYYY/MM/DD` from the year's end.
fn date_after_year(b: &[u8], end: usize) -> bool {
    let sep = match b.get(end) {
        Some(&c) if c == b'-' || c == b'/' => c,
        _ => return false,
    };
    let d = |k: usize| b.get(end + k).is_some_and(u8::is_ascii_digit);
    d(1) && d(2) && b.get(end + 3) == Some(&sep) && d(4) && d(5) && !d(6)
}

/// A day and month before the year at `y`: `D.M.` / `D/M/` or `D Month` / `Month D,`.
fn date_before_year(s: &str, y: usize) -> bool {
    let b = s.as_bytes();
    // D.M.YYYY, D/M/YYYY
    if y >= 4 && (b[y - 1] == b'.' || b[y - 1] == b'/') {
        let sep = b[y - 1];
        let m = digits_before(b, y - 1, 2);
        if (1..=2).contains(&m) && y - 1 > m && b[y - 2 - m] == sep {
            let d = digits_before(b, y - 2 - m, 2);
            if (1..=2).contains(&d) && boundary_before(s, y - 2 - m - d) {
                return true;
            }
        }
    }
    // whitespace, then an optional comma and dot: "12 March 2024", "March 12, 2024", "Mar. 2024"
    let mut j = y;
    let ws = |c: u8| c == b' ' || c == b'\t' || c == b'\n' || c == b'\r';
    let start = j;
    while j > 0 && ws(b[j - 1]) {
        j -= 1;
    }
    if j == start {
        return false;
    }
    if j > 0 && b[j - 1] == b',' {
        j -= 1;
    }
    // "March 12, 2024" / "March 12th 2024"
    let mut k = j;
    if k >= 3 && b[k - 3].is_ascii_digit() {
        let suf = [b[k - 2].to_ascii_lowercase(), b[k - 1].to_ascii_lowercase()];
        if matches!(&suf, b"st" | b"nd" | b"rd" | b"th") {
            k -= 2;
        }
    }
    let d = digits_before(b, k, 2);
    if (1..=2).contains(&d) && boundary_before(s, k - d) && month_before(s, k - d) {
        return true;
    }
    // "12 March 2024", "12. März 2024", "12 Mar. 2024"
    if j > 0 && b[j - 1] == b'.' {
        j -= 1;
    }
    let Some(ms) = word_start(s, j) else {
        return false;
    };
    if !s.get(ms..j).is_some_and(is_month) {
        return false;
    }
    let mut e = ms;
    let st = e;
    while e > 0 && ws(b[e - 1]) {
        e -= 1;
    }
    if e == st {
        return false;
    }
    if e > 0 && b[e - 1] == b'.' {
        e -= 1;
    }
    let d = digits_before(b, e, 2);
    (1..=2).contains(&d) && boundary_before(s, e - d)
}

/// The start of the word ending at `end` (`None` if no word ends there).
fn word_start(s: &str, end: usize) -> Option<usize> {
    let head = s.get(..end)?;
    let mut start = end;
    for (i, c) in head.char_indices().rev() {
        if !c.is_alphabetic() {
            break;
        }
        start = i;
    }
    (start < end).then_some(start)
}

/// A month name (and an optional dot) followed by whitespace right before `i`.
fn month_before(s: &str, i: usize) -> bool {
    let b = s.as_bytes();
    let mut j = i;
    while j > 0 && (b[j - 1] == b' ' || b[j - 1] == b'\t' || b[j - 1] == b'\n') {
        j -= 1;
    }
    if j == i {
        return false;
    }
    if j > 0 && b[j - 1] == b'.' {
        j -= 1;
    }
    word_start(s, j).is_some_and(|ms| s.get(ms..j).is_some_and(is_month))
}

/// Units of a relative time ("3 days ago").
const AGO_UNITS: &[&str] = &[
    "year", "years", "month", "months", "week", "weeks", "day", "days", "hour", "hours", "minute", "minutes",
    "min", "mins", "hr", "hrs",
];

/// Number of `N unit ago` phrases in `s`.
pub(super) fn count_ago(s: &str) -> u32 {
    let mut n = 0;
    let mut from = 0;
    static AGO: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new("ago"));
    while let Some(off) = s.as_bytes().get(from..).and_then(|t| AGO.find(t)) {
        let at = from + off;
        from = at + 3;
        if !boundary_after(s, at + 3) || !boundary_before(s, at) {
            continue;
        }
        let head = s.get(..at).unwrap_or("").trim_end();
        if head.len() == s.get(..at).unwrap_or("").len() {
            continue;
        }
        let Some(us) = word_start(head, head.len()) else {
            continue;
        };
        let unit = head.get(us..).unwrap_or("").to_ascii_lowercase();
        if !AGO_UNITS.contains(&unit.as_str()) {
            continue;
        }
        let num = head.get(..us).unwrap_or("").trim_end();
        if num.as_bytes().last().is_some_and(u8::is_ascii_digit) {
            n += 1;
        }
    }
    n
}

// ---------------------------------------------------------------- prices

/// Currency signs that stand next to an amount.
const CURRENCY_SIGNS: &[char] = &['$', '€', '£', '¥', '₹'];
/// Currency codes and abbreviations (case as written) that stand next to an amount.
const CURRENCY_CODES: &[&str] = &[
    "USD", "EUR", "GBP", "CHF", "CAD", "AUD", "SEK", "NOK", "DKK", "PLN", "JPY", "INR", "BRL", "kr", "zł",
    "Kč",
];

/// Shortest and longest [`CURRENCY_CODES`] entry, in bytes (other words are no code).
const CURRENCY_CODE_BYTES: (usize, usize) = (2, 3);

/// True when `s` holds a price: a currency sign or code with digits right before or after
/// it (one space allowed between).
pub(super) fn has_price(s: &str) -> bool {
    for (i, &x) in s.as_bytes().iter().enumerate() {
        // '$' is the one ASCII sign; a multi-byte character is decoded at its first byte.
        let sign = match x {
            b'$' => 1,
            0xC0.. => s
                .get(i..)
                .and_then(|t| t.chars().next())
                .filter(|c| CURRENCY_SIGNS.contains(c))
                .map_or(0, char::len_utf8),
            _ => 0,
        };
        if sign > 0 && digit_next_to(s, i, i + sign) {
            return true;
        }
    }
    for w in words_at(s) {
        let fits = (CURRENCY_CODE_BYTES.0..=CURRENCY_CODE_BYTES.1).contains(&w.1.len());
        if fits && CURRENCY_CODES.contains(&w.1) && digit_next_to(s, w.0, w.0 + w.1.len()) {
            return true;
        }
    }
    false
}

/// The words of `s` with their byte offsets.
fn words_at(s: &str) -> impl Iterator<Item = (usize, &str)> + '_ {
    let base = s.as_ptr() as usize;
    words(s).map(move |w| (w.as_ptr() as usize - base, w))
}

/// A digit right after `end` or right before `start` (one space allowed between).
fn digit_next_to(s: &str, start: usize, end: usize) -> bool {
    let b = s.as_bytes();
    let after = |k: usize| b.get(k).is_some_and(u8::is_ascii_digit);
    let before = |k: usize| k > 0 && b.get(k - 1).is_some_and(u8::is_ascii_digit);
    after(end)
        || (b.get(end) == Some(&b' ') && after(end + 1))
        || before(start)
        || (start > 0 && b[start - 1] == b' ' && before(start - 1))
}

// ---------------------------------------------------------------- short labels

/// Whole texts of cart buttons (add to cart, buy now; de/fr/es/it/nl/pl/sv).
const CART_LABELS: &[&str] = &[
    "add to cart",
    "add to bag",
    "add to basket",
    "add to trolley",
    "add to shopping cart",
    "add to shopping bag",
    "buy now",
    "buy it now",
    "buy",
    "purchase",
    "in den warenkorb",
    "jetzt kaufen",
    "ajouter au panier",
    "acheter",
    "añadir al carrito",
    "comprar",
    "aggiungi al carrello",
    "in winkelwagen",
    "dodaj do koszyka",
    "lägg i varukorg",
    "pre-order",
    "preorder",
    "add to wishlist",
    "in stock",
    "out of stock",
    "sold out",
    "select options",
    "choose options",
    "add to order",
];
/// Whole texts of a post's action buttons (forums, Q&A).
const REPLY_LABELS: &[&str] = &[
    "reply",
    "quote",
    "share",
    "report",
    "like",
    "permalink",
    "flag",
    "cite",
    "improve this answer",
    "improve this question",
    "add a comment",
    "follow",
    "edit",
];
/// Whole texts of a listing's links (read more, pagination).
const LIST_LABELS: &[&str] = &[
    "read more",
    "continue reading",
    "more",
    "load more",
    "view all",
    "see all",
    "show more",
    "next",
    "older posts",
    "newer posts",
    "previous",
    "weiterlesen",
    "lire la suite",
    "leer más",
];
/// Starts of call-to-action buttons (landing pages).
const CTA_STARTS: &[&str] = &[
    "get started",
    "get a quote",
    "get in touch",
    "get a demo",
    "get your",
    "start free",
    "start your",
    "start now",
    "start today",
    "book a",
    "book now",
    "book your",
    "book online",
    "request a",
    "request an",
    "request demo",
    "request quote",
    "schedule",
    "contact",
    "try it free",
    "try for free",
    "try free",
    "try now",
    "sign up",
    "call us",
    "call now",
    "call today",
    "talk to",
    "see pricing",
    "view pricing",
    "free trial",
    "free consultation",
    "free quote",
    "free estimate",
    "apply now",
    "enroll",
    "register now",
    "download now",
    "watch demo",
    "watch the demo",
    "get pricing",
];
/// Starts of a byline ("By Jane Doe"; de/fr/es/it/nl).
const BY_STARTS: &[&str] = &[
    "by",
    "written by",
    "posted by",
    "author:",
    "von",
    "par",
    "por",
    "di",
    "door",
    "autor:",
];

/// The text without leading/trailing non-word characters, lowercased into `buf`, its
/// whitespace runs one space.
fn label<'b>(text: &str, buf: &'b mut String) -> &'b str {
    buf.clear();
    let t = text.trim_matches(|c: char| !is_word_char(c));
    if t.is_ascii() {
        // The same for ASCII text, byte by byte (`char::is_whitespace` of an ASCII byte).
        let mut space = false;
        for b in t.bytes() {
            if matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r') {
                space = true;
                continue;
            }
            if space && !buf.is_empty() {
                buf.push(' ');
            }
            space = false;
            buf.push(char::from(b.to_ascii_lowercase()));
        }
        return buf.as_str();
    }
    let mut space = false;
    for c in t.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !buf.is_empty() {
            buf.push(' ');
        }
        space = false;
        buf.extend(c.to_lowercase());
    }
    buf.as_str()
}

/// [`LABELS`] flag: a [`CART_LABELS`] text.
const CART: u8 = 1;
/// [`LABELS`] flag: a [`REPLY_LABELS`] text.
const REPLY: u8 = 2;
/// [`LABELS`] flag: a [`LIST_LABELS`] text.
const LIST: u8 = 4;
/// [`LABELS`] flag: a [`CTA_STARTS`] start.
const CTA: u8 = 8;

/// Every whole label and call-to-action start with its flags, and the longest start: one
/// hash lookup a label (and one per word end of its start) instead of a scan of each list.
static LABELS: LazyLock<(FxHashMap<&'static str, u8>, usize)> = LazyLock::new(|| {
    let mut m = FxHashMap::default();
    for (list, flag) in [
        (CART_LABELS, CART),
        (REPLY_LABELS, REPLY),
        (LIST_LABELS, LIST),
        (CTA_STARTS, CTA),
    ] {
        for l in list {
            *m.entry(*l).or_insert(0) |= flag;
        }
    }
    let longest = CTA_STARTS.iter().map(|p| p.len()).max().unwrap_or(0);
    (m, longest)
});

/// True when `l` starts with a [`CTA_STARTS`] entry followed by a word boundary.
fn cta_start(l: &str, labels: &FxHashMap<&'static str, u8>, longest: usize) -> bool {
    let b = l.as_bytes();
    (1..=longest.min(l.len())).any(|k| {
        // An ASCII word byte at `k` continues the word: no boundary there.
        let continues = b
            .get(k)
            .is_some_and(|c| BYTE_CLASS[usize::from(*c)] & WORD_BYTE != 0);
        !continues
            && l.is_char_boundary(k)
            && boundary_after(l, k)
            && l.get(..k)
                .and_then(|p| labels.get(p))
                .is_some_and(|f| f & CTA != 0)
    })
}

/// What a short text (a button, a link, a label) says.
#[derive(Clone, Copy, Default, Debug)]
pub(super) struct Label {
    /// An add-to-cart / buy label.
    pub cart: bool,
    /// A post action (reply, quote, report...).
    pub reply: bool,
    /// A listing's link (read more, next, a page number).
    pub list: bool,
    /// A call to action (get started, book a demo...).
    pub cta: bool,
}

/// Classify one short text (lowercased in `buf`).
pub(super) fn classify_label(text: &str, buf: &mut String) -> Label {
    let l = label(text, buf);
    let (labels, longest) = &*LABELS;
    let whole = labels.get(l).copied().unwrap_or(0);
    Label {
        cart: whole & CART != 0,
        reply: whole & REPLY != 0,
        list: whole & LIST != 0 || (!l.is_empty() && l.bytes().all(|c| c.is_ascii_digit())),
        cta: cta_start(l, labels, *longest),
    }
}

/// `^\W*(by|written by|…)\s+\w`: a byline start followed by a name.
pub(super) fn starts_by(text: &str) -> bool {
    let t = text.trim_start_matches(|c: char| !is_word_char(c));
    // Each start is ASCII: a text whose first byte begins none of them starts none.
    let Some(first) = t.as_bytes().first() else {
        return false;
    };
    if !BY_STARTS
        .iter()
        .any(|p| p.as_bytes()[0].eq_ignore_ascii_case(first))
    {
        return false;
    }
    BY_STARTS.iter().any(|p| {
        t.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p)) && {
            let rest = t.get(p.len()..).unwrap_or("");
            let r = rest.trim_start();
            r.len() < rest.len() && r.chars().next().is_some_and(is_word_char)
        }
    })
}

#[cfg(test)]
mod tests;
