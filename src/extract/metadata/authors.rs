//! Author-name normalisation for news pages.
//!
//! Raw author strings come from JSON-LD `author`, `<meta name="author">`, `rel=author`
//! links and visible bylines. They carry prefixes ("By", "Von", "Por"), roles
//! ("Staff Writer"), dates, e-mail addresses, handles, URLs, and several names joined by
//! commas or conjunctions. [`normalize_authors`] turns them into a clean, de-duplicated
//! list of names, keeping each name's own spelling and case (no title-casing).
//!
//! In: raw strings. Out: names. Finding the strings on a page is `super::byline`'s and
//! [`super::extract`]'s job; the label and role words are in `super::vocab`.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use crate::html::text::collapse_ws_with;

use super::dates;
use super::vocab::{
    any_of, written_by, AUTHOR_NOUNS, AUTHOR_PAGE_DIRS, BY_WORDS, DATE_LABELS, DATE_LABEL_LINKS,
    INITIAL_JOINERS, NAME_JOINERS, NAME_PARTICLES, ROLE_MODIFIERS, ROLE_NOUNS, SLUG_ONLY_AUTHOR_DIRS,
    STRIP_ONLY_WRITTEN_BY,
};

/// Longest accepted name in characters: longer strings are sentences or bios.
const MAX_NAME_CHARS: usize = 80;
/// Most words in an accepted name: more words are likely a sentence, not a byline name.
const MAX_NAME_WORDS: usize = 6;
/// Fewest letters in a name: a single letter is an initial or junk.
const MIN_NAME_LETTERS: usize = 2;
/// Minimum share (percent) of letters among non-space characters: names are mostly letters.
const MIN_LETTER_PERCENT: usize = 50;
/// Scale of a percentage.
const PERCENT: usize = 100;
/// Most dates removed from one byline (published + updated + spare); bounds the loop.
const MAX_DATE_STRIPS: usize = 4;
/// Words needed on both sides of "y"/"e"/"i" to split there, so "Ortega y Gasset" stays whole.
const MIN_WORDS_AROUND_WEAK_CONJUNCTION: usize = 2;
/// Words needed after "Von"/"Di" to read it as "by" rather than a surname particle ("Von Trier").
const MIN_WORDS_AFTER_PARTICLE: usize = 2;
/// Most words in an author URL slug: longer slugs are article titles, not names.
const MAX_SLUG_WORDS: usize = 4;

/// Separator inserted where e-mails, URLs, brackets and dates are cut out.
const CUT: &str = " | ";

/// Abbreviations whose final dot is part of the name ("Jr.", "Inc.").
const DOTTED_ABBREVIATIONS: &[&str] = &["jr", "sr", "inc", "co", "ltd", "corp", "st", "dr"];

/// Zero-width characters that scraped text sometimes carries inside names.
const INVISIBLE_CHARS: &[char] = &['\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{feff}'];

/// Brackets: their content is treated as a separate part ("Jane Doe (Reuters)").
const BRACKETS: &[char] = &['(', ')', '[', ']', '{', '}'];

/// Punctuation trimmed from both ends of a name.
const EDGE_PUNCTUATION: &[char] = &[
    ',', ';', ':', '|', '-', '–', '—', '·', '•', '*', '"', '\'', '“', '”', '„', '‘', '’', '«', '»', '‹', '›',
    '/', '\\', '_', '~', '<', '>', '#', '!', '?', '+', '=',
];

/// Prefixes that always mean "by": "By", "Written by", "Por", "Par", "Door", "Autor:", "Texte :".
/// "Von" alone is also a surname particle ("Von Trier"): stripped only before a colon here,
/// otherwise by [`strip_particle_prefix`].
static STRONG_PREFIX_RE: LazyLock<Regex> = LazyLock::new(|| {
    let short: Vec<&str> = BY_WORDS.iter().copied().filter(|w| *w != "von").collect();
    Regex::new(&format!(
        r"^(?i:(?:view\s+all\s+|all\s+|more\s+)?(?:posts|articles|stories)\s+by|(?:mehr|more)\s+(?:von|from|by)|{}|{}|door|von\s*:\s*|{}|auteurs|autora|autori|contributors?\s*:\s*|text|texte|texto|tekst)\b\s*:?\s*",
        written_by(STRIP_ONLY_WRITTEN_BY),
        any_of(&short),
        any_of(AUTHOR_NOUNS),
    ))
    .expect("constant regex")
});

/// Credits for work other than writing ("Editing by", "Photo:"): the whole part is dropped.
static CREDIT_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?i:(?:editing|edited|photos?|photographs?|photography|video|graphics|illustrations?|translated|translation|design|produced|production)\s+by\b|(?:photos?|fotos?|video|graphics|illustrations?|bild|image)\s*:)",
    )
    .expect("constant regex")
});

/// A date label left at the end of a part once its date is cut out ("Jane Doe Updated").
static TRAILING_LABEL_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\s+(?i:sponsored|(?:(?:last\s+)?(?:{}))(?:\s+(?:{}))?)$",
        any_of(DATE_LABELS),
        any_of(DATE_LABEL_LINKS),
    ))
    .expect("constant regex")
});

/// "Von"/"Di" mean "by" but are also surname particles; see [`strip_particle_prefix`].
static PARTICLE_PREFIX_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?i:von|di)\s+(?P<rest>\S.*)$").expect("constant regex"));

/// Separators between names or between a name and its role.
static SPLIT_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s*(?:[,;|·•/\n\r\t–—]|\s-+\s)\s*").expect("constant regex"));

/// Conjunctions that always separate names.
static STRONG_CONJUNCTION_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)\s+(?:{}|&amp;)\s+", any_of(NAME_JOINERS))).expect("constant regex")
});

/// One-letter conjunctions ("y", "e", "i"), lower case only: "Jane E Doe" holds an initial.
static WEAK_CONJUNCTION_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"\s+(?:{})\s+", any_of(INITIAL_JOINERS))).expect("constant regex"));

/// One-letter conjunctions in any case, for all-caps bylines.
static WEAK_CONJUNCTION_ANY_CASE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)\s+(?:{})\s+", any_of(INITIAL_JOINERS))).expect("constant regex")
});

/// Conjunction left at the start of a part by an Oxford comma ("A, B, and C").
static LEADING_CONJUNCTION_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(?:(?i:{})|{})\s+",
        any_of(NAME_JOINERS),
        any_of(INITIAL_JOINERS)
    ))
    .expect("constant regex")
});

/// A part that is only a job title, optionally "at/for <outlet>".
static ROLE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?i:(?:(?:senior|junior|chief|lead|deputy|associate|assistant|managing|executive|contributing|staff|special|foreign|political|politics|national|international|business|science|sports?|health|technology|tech|digital|news|investigative|freelance|guest|local|metro|features?|opinion|economics|entertainment|culture|travel|legal|global|data|video|photo|web|online|copy|desk|breaking\s+news|white\s+house|social\s+media)\s+)*(?:writers?|reporters?|correspondents?|editors?|contributors?|columnists?|journalists?|producers?|photographers?|analysts?|staff|reports?|editor[\s\-]in[\s\-]chief|editor\s+at\s+large|redakteur(?:in|e)?|korrespondent(?:in)?|journalistin|rédacteur|rédactrice|journaliste|correspondante?|corresponsal|redactora?|periodista|redattore|redattrice|giornalista|inviat[oa]|dziennikarz(?:ka)?|redaktor(?:ka)?|verslaggever|photos?|graphics|illustrations?)(?:\s+(?:at|for|of|bei|für|chez|de|del|di|da|w|bij)\s+.+)?)$",
    )
    .expect("constant regex")
});

/// A part that is only a date label ("Updated", "Published on").
static LABEL_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(?i:(?:last\s+)?(?:{})(?:\s+(?:{}))?)$",
        any_of(DATE_LABELS),
        any_of(DATE_LABEL_LINKS),
    ))
    .expect("constant regex")
});

/// Label and/or lower-case article right before a removed date ("Jane Doe, published on").
static LABEL_TAIL_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?:\b(?i:(?:last\s+)?(?:{}))\s*:?\s*)?(?:\b(?:{}|um|vom|den|dnia)\s+)?$",
        any_of(DATE_LABELS),
        any_of(DATE_LABEL_LINKS),
    ))
    .expect("constant regex")
});

/// A clock time left in a byline without a date ("10:15 AM EDT").
static TIME_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b[0-9]{1,2}[:h][0-9]{2}(?::[0-9]{2})?(?:\s*[AaPp]\.?\s?[Mm]\b\.?)?(?:\s*(?i:utc|gmt|et|est|edt|ct|cst|cdt|pt|pst|pdt|cet|cest|bst|uhr)\b)?",
    )
    .expect("constant regex")
});

/// Non-name tokens that bylines and author widgets carry.
static JUNK_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?i:null|undefined|none|nan|unknown|anonymous|facebook|twitter|x|linkedin|instagram|e-?mail|(?:\[\s*)?email\s+protected(?:\s*\])?|admin|administrator|share|follow|more|read\s+more|see\s+more|see\s+all|learn\s+more|view\s+all|view\s+profile|all\s+posts|more\s+articles|by|and|author|authors)$",
    )
    .expect("constant regex")
});

/// Contributors who did not write the piece, and all that follows them: "Rob Ewaschuk
/// Edited by Betsy Beyer", "Shelby Loos, DVM. Reviewed by Molly Price".
static OTHER_ROLES_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)[\s.;,|]+(?:edited|reviewed|medically\s+reviewed|fact[\s-]?checked|photos?|photography|illustrations?|translated|produced)\s+by\b.*$",
    )
    .expect("constant regex")
});

/// What a byline says after the name: "Posted by BeauHD on Friday…", "Von R. R. am 24. Juli".
static AFTER_NAME_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s+(?:on|am)\s+\S.*$").expect("constant regex"));

/// Name suffix split off by a comma ("John Doe, Jr."), re-attached to the previous name.
static SUFFIX_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:MA|DO|(?i:jr|sr|ii|iii|iv|phd|ph\.d|md|m\.d|dvm|vmd|dds|dmd|rn|np|pa-c|ms|msc|mba|mph|rd|ldn|fand|cdces|lcsw|cpa|cfp|cepf|esq|facp|faan|faap|facs))\.?®?$",
    )
    .expect("constant regex")
});

/// Role words at most in a title after a name.
const MAX_ROLE_MODIFIERS: usize = 3;
/// Words a name keeps at least when a title is cut off it.
const MIN_NAME_WORDS_BEFORE_ROLE: usize = 2;

/// A description in parentheses after a name, a place or desk with a comma or three words
/// and more ("Cécile Ducourtieux (Bruxelles, bureau européen)"); a short agency credit
/// ("John Doe (AP)") stays and becomes its own author.
static PARENTHESES_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\s*\((?:[^(),]*,[^()]*|[^()\s]+\s+[^()\s]+\s+[^()]+)\)").expect("constant regex")
});

/// Cut a trailing job title off a name that keeps at least two words; a title glued to the
/// surname ("BlumeStaff Writer") is split off first.
fn strip_role_tail(s: &str) -> String {
    let is_role_word = |w: &str| ROLE_MODIFIERS.contains(&w) || ROLE_NOUNS.contains(&w.trim_end_matches('s'));
    let mut words: Vec<&str> = Vec::new();
    for w in s.split_whitespace() {
        let glued = w
            .char_indices()
            .zip(w.chars().skip(1))
            .find(|((_, a), b)| a.is_lowercase() && b.is_uppercase())
            .map(|((i, a), _)| i + a.len_utf8())
            .filter(|&cut| is_role_word(&w[cut..]));
        match glued {
            Some(cut) => {
                words.push(&w[..cut]);
                words.push(&w[cut..]);
            }
            None => words.push(w),
        }
    }
    for start in MIN_NAME_WORDS_BEFORE_ROLE..words.len() {
        let Some((last, mods)) = words[start..].split_last() else {
            break;
        };
        if mods.len() <= MAX_ROLE_MODIFIERS
            && mods.iter().all(|m| ROLE_MODIFIERS.contains(m))
            && ROLE_NOUNS.contains(&last.trim_end_matches('s'))
        {
            return words[..start].join(" ");
        }
    }
    s.to_string()
}

/// "Gillman, Steve": one surname, a comma, one given name, as library catalogues write it.
fn inverted_name(text: &str) -> Option<String> {
    let (last, first) = text.split_once(',')?;
    let (last, first) = (last.trim(), first.trim());
    let one_word = |w: &str| {
        !w.is_empty()
            && !w.contains(char::is_whitespace)
            && w.chars().next().is_some_and(char::is_uppercase)
            && w.chars().all(|c| c.is_alphabetic() || c == '-' || c == '\'')
    };
    (one_word(last) && one_word(first) && !first.contains(',')).then(|| format!("{first} {last}"))
}

/// Start of a bio sentence after the name ("Jane Doe is a reporter ...").
static SENTENCE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\s(?:is|was|ist|est|covers|writes|reports|has)\s.*$").expect("constant regex")
});

/// E-mail addresses.
static EMAIL_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+").expect("constant regex"));

/// URLs inside text.
static URL_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(?:https?://|www\.)\S+").expect("constant regex"));

/// Social-media handles.
static HANDLE_RE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"@[\w.]+").expect("constant regex"));

/// Normalise raw author strings (from JSON-LD, meta tags, rel=author links, bylines) into a clean de-duplicated list of person/organisation names.
///
/// Names keep their own spelling and case; duplicates are detected case-insensitively
/// and the first spelling wins.
pub fn normalize_authors<S: AsRef<str>>(raw: &[S]) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut names = Vec::new();
    for entry in raw {
        for name in names_in(entry.as_ref()) {
            if seen.insert(name.to_lowercase()) {
                names.push(name);
            }
        }
    }
    names
}

/// True if a string looks like a plausible author name after cleaning (not a URL, not a date, not too long, has letters).
pub fn is_plausible_name(s: &str) -> bool {
    let s = s.trim();
    if s.is_empty() || s.chars().count() > MAX_NAME_CHARS {
        return false;
    }
    if s.split_whitespace().count() > MAX_NAME_WORDS {
        return false;
    }
    let lower = s.to_lowercase();
    if lower.contains("://") || lower.starts_with("www.") || s.contains('@') {
        return false;
    }
    if s.contains(['<', '>', '{', '}', '=']) {
        return false;
    }
    let letters = s.chars().filter(|c| c.is_alphabetic()).count();
    let visible = s.chars().filter(|c| !c.is_whitespace()).count();
    if letters < MIN_NAME_LETTERS || letters * PERCENT < visible * MIN_LETTER_PERCENT {
        return false;
    }
    let has_bare_number = s.split_whitespace().any(|word| {
        let word = word.trim_matches(|c: char| !c.is_alphanumeric());
        !word.is_empty() && word.chars().all(|c| c.is_ascii_digit())
    });
    !has_bare_number && dates::find_date_span(s).is_none()
}

/// All names found in one raw author string, in order.
fn names_in(raw: &str) -> Vec<String> {
    let text: String = raw.chars().filter(|c| !INVISIBLE_CHARS.contains(c)).collect();
    let text = collapse_ws_with(&text, char::is_whitespace, |_| false);
    if text.is_empty() {
        return Vec::new();
    }
    if looks_like_url(&text) {
        return name_from_url(&text).into_iter().collect();
    }
    let text = EMAIL_RE.replace_all(&text, CUT);
    let text = URL_RE.replace_all(&text, CUT);
    let text = HANDLE_RE.replace_all(&text, CUT);
    let text = PARENTHESES_RE.replace_all(&text, "");
    let text: String = text
        .chars()
        .map(|c| if BRACKETS.contains(&c) { '|' } else { c })
        .collect();
    let text = AFTER_NAME_RE.replace(&text, "");
    let text = remove_dates(&text);
    let text = OTHER_ROLES_RE.replace(&text, "");
    let text = STRONG_PREFIX_RE.replace(text.trim(), "");
    if let Some(name) = inverted_name(&text) {
        return vec![name];
    }

    let mut names: Vec<String> = Vec::new();
    for part in SPLIT_RE.split(&text) {
        if CREDIT_RE.is_match(part.trim()) {
            continue;
        }
        let part = TRAILING_LABEL_RE.replace(part.trim(), "");
        let part = clean(&part);
        let part = LEADING_CONJUNCTION_RE.replace(&part, "");
        let part = clean(&strip_prefixes(&part));
        if part.is_empty() {
            continue;
        }
        if SUFFIX_RE.is_match(&part) {
            if let Some(previous) = names.last_mut() {
                previous.push_str(", ");
                previous.push_str(&part);
            }
            continue;
        }
        for piece in split_conjunctions(&part) {
            let head = SENTENCE_RE.replace(&piece, "");
            if head.len() < piece.len() && !is_proper_name(&head) {
                continue;
            }
            let piece = strip_role_tail(&clean(&strip_prefixes(&head)));
            if piece.is_empty()
                || ROLE_RE.is_match(&piece)
                || LABEL_RE.is_match(&piece)
                || JUNK_RE.is_match(&piece)
                || !is_plausible_name(&piece)
            {
                continue;
            }
            names.push(piece);
        }
    }
    names
}

/// Cuts dates and clock times (with a label right before them) out of a byline.
fn remove_dates(text: &str) -> String {
    let mut text = text.to_string();
    for _ in 0..MAX_DATE_STRIPS {
        let Some((start, end, _)) = dates::find_date_span(&text) else {
            break;
        };
        let (Some(before), Some(after)) = (text.get(..start), text.get(end..)) else {
            break;
        };
        let before = LABEL_TAIL_RE.replace(before, "");
        text = format!("{before}{CUT}{after}");
    }
    TIME_RE.replace_all(&text, CUT).into_owned()
}

/// Strips a "by"-style prefix, then a "Von"/"Di" particle prefix.
fn strip_prefixes(s: &str) -> String {
    let s = STRONG_PREFIX_RE.replace(s.trim(), "");
    strip_particle_prefix(&s).to_string()
}

/// Strips "Von"/"Di" unless what follows is a single capitalised word (a surname like "Von Trier").
fn strip_particle_prefix(s: &str) -> &str {
    let Some(rest) = PARTICLE_PREFIX_RE.captures(s).and_then(|caps| caps.name("rest")) else {
        return s;
    };
    let rest = rest.as_str();
    let enough_words = rest.split_whitespace().count() >= MIN_WORDS_AFTER_PARTICLE;
    if enough_words || !is_capitalised_word(rest) {
        rest
    } else {
        s
    }
}

/// True when every word is capitalised or a lower-case surname particle ("Jan de Vries").
fn is_proper_name(s: &str) -> bool {
    s.split_whitespace()
        .all(|word| word.chars().next().is_some_and(char::is_uppercase) || NAME_PARTICLES.contains(&word))
}

/// True for a word like "Trier": an upper-case letter followed by lower-case ones.
fn is_capitalised_word(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(char::is_uppercase) && chars.any(char::is_lowercase)
}

/// Splits one part on conjunctions, guarding one-letter conjunctions inside names.
fn split_conjunctions(part: &str) -> Vec<String> {
    let mut out = Vec::new();
    for piece in STRONG_CONJUNCTION_RE.split(part) {
        let weak: &Regex = if piece.chars().any(char::is_lowercase) {
            &WEAK_CONJUNCTION_RE
        } else {
            &WEAK_CONJUNCTION_ANY_CASE_RE
        };
        let mut segments = Vec::new();
        let mut separators = Vec::new();
        let mut last = 0;
        for m in weak.find_iter(piece) {
            segments.push(piece.get(last..m.start()).unwrap_or(""));
            separators.push(m.as_str());
            last = m.end();
        }
        segments.push(piece.get(last..).unwrap_or(""));
        let mut current = segments.first().copied().unwrap_or("").to_string();
        for (separator, segment) in separators.iter().zip(segments.iter().skip(1)) {
            if word_count(&current) >= MIN_WORDS_AROUND_WEAK_CONJUNCTION
                && word_count(segment) >= MIN_WORDS_AROUND_WEAK_CONJUNCTION
            {
                out.push(std::mem::take(&mut current));
            } else {
                current.push_str(separator);
            }
            current.push_str(segment);
        }
        out.push(current);
    }
    out
}

/// Number of whitespace-separated words.
fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Collapses whitespace and trims punctuation from both ends, keeping the dot of "Jr."/initials.
fn clean(s: &str) -> String {
    let collapsed = collapse_ws_with(s, char::is_whitespace, |_| false);
    let trimmed = collapsed
        .trim_start_matches(|c: char| EDGE_PUNCTUATION.contains(&c) || c == '.' || c.is_whitespace())
        .trim_end_matches(|c: char| EDGE_PUNCTUATION.contains(&c) || c.is_whitespace());
    let mut out = trimmed.to_string();
    while out.ends_with('.') && !ends_with_abbreviation(&out) {
        out.pop();
        let kept = out
            .trim_end_matches(|c: char| EDGE_PUNCTUATION.contains(&c) || c.is_whitespace())
            .len();
        out.truncate(kept);
    }
    out
}

/// True when `s` ends with an initial ("J.") or a known abbreviation ("Jr.").
fn ends_with_abbreviation(s: &str) -> bool {
    let last = s.trim_end_matches('.').rsplit([' ', '.']).next().unwrap_or("");
    let single_letter = last.chars().count() == 1 && last.chars().all(char::is_alphabetic);
    single_letter || DOTTED_ABBREVIATIONS.contains(&last.to_lowercase().as_str())
}

/// True when the whole string is a URL or a site-relative path.
fn looks_like_url(s: &str) -> bool {
    let lower = s.to_lowercase();
    if s.contains(char::is_whitespace) {
        return false;
    }
    lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("www.")
        || (lower.starts_with('/') && lower.len() > 1)
}

/// "https://example.com/author/jane-doe/" -> "Jane Doe", when the slug follows an author folder.
fn name_from_url(url: &str) -> Option<String> {
    let without_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = if url.starts_with('/') {
        without_scheme
    } else {
        without_scheme.split_once('/').map_or("", |(_, path)| path)
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let [.., dir, slug] = segments.as_slice() else {
        return None;
    };
    let dir = dir.to_lowercase();
    if !AUTHOR_PAGE_DIRS.contains(&dir.as_str()) && !SLUG_ONLY_AUTHOR_DIRS.contains(&dir.as_str()) {
        return None;
    }
    let slug = slug
        .trim_end_matches(".html")
        .trim_end_matches(".htm")
        .trim_end_matches(".php");
    let words: Vec<&str> = slug
        .split(['-', '_', '+', '.'])
        .filter(|w| !w.is_empty() && !w.chars().all(|c| c.is_ascii_digit()))
        .collect();
    if words.is_empty()
        || words.len() > MAX_SLUG_WORDS
        || !words.iter().all(|w| w.chars().all(char::is_alphabetic))
    {
        return None;
    }
    Some(words.iter().map(|w| capitalise(w)).collect::<Vec<_>>().join(" "))
}

/// Upper-cases the first letter of a slug word.
fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(raw: &[&str]) -> Vec<String> {
        normalize_authors(raw)
    }

    #[test]
    fn by_two_names_with_and() {
        assert_eq!(norm(&["By Jane Doe and John Smith"]), ["Jane Doe", "John Smith"]);
    }

    #[test]
    fn german_von_with_date() {
        assert_eq!(norm(&["Von Max Mustermann, 03.05.2021"]), ["Max Mustermann"]);
    }

    #[test]
    fn spanish_por_with_y() {
        assert_eq!(
            norm(&["Por María López y Juan Pérez"]),
            ["María López", "Juan Pérez"]
        );
    }

    #[test]
    fn compound_surname_with_y_is_not_split() {
        assert_eq!(norm(&["José Ortega y Gasset"]), ["José Ortega y Gasset"]);
    }

    #[test]
    fn all_caps_with_pipe_role() {
        assert_eq!(norm(&["By JANE DOE | Staff Writer"]), ["JANE DOE"]);
    }

    #[test]
    fn trailing_role_after_comma() {
        assert_eq!(norm(&["Jane Doe, Senior Reporter"]), ["Jane Doe"]);
    }

    #[test]
    fn trailing_role_after_dash() {
        assert_eq!(norm(&["Written by Jane Doe - Staff Writer"]), ["Jane Doe"]);
        assert_eq!(norm(&["Jane Doe — Correspondent for CNN"]), ["Jane Doe"]);
    }

    #[test]
    fn role_only_parts_are_dropped() {
        assert_eq!(norm(&["Editor", "Redakteur", "Staff"]), Vec::<String>::new());
    }

    #[test]
    fn email_only_is_dropped() {
        assert_eq!(norm(&["jane@example.com"]), Vec::<String>::new());
    }

    #[test]
    fn email_and_handle_are_removed() {
        assert_eq!(norm(&["Jane Doe (@janedoe) jane@example.com"]), ["Jane Doe"]);
    }

    #[test]
    fn duplicates_keep_first_spelling() {
        assert_eq!(
            norm(&["Jane Doe", "jane  doe", "By JANE DOE", "John Smith"]),
            ["Jane Doe", "John Smith"]
        );
    }

    #[test]
    fn organisation_stays() {
        assert_eq!(norm(&["Associated Press"]), ["Associated Press"]);
        assert_eq!(norm(&["Redaktion"]), ["Redaktion"]);
    }

    #[test]
    fn all_caps_list_with_oxford_and() {
        assert_eq!(
            norm(&["JOSH HASKELL, DAVID CAPLAN and PATRICK REEVELL"]),
            ["JOSH HASKELL", "DAVID CAPLAN", "PATRICK REEVELL"]
        );
        assert_eq!(
            norm(&["Jane Doe, John Smith, and Mary Major"]),
            ["Jane Doe", "John Smith", "Mary Major"]
        );
    }

    #[test]
    fn roles_places_and_inverted_names() {
        assert_eq!(norm(&["Sam Stein Senior Politics Editor"]), ["Sam Stein"]);
        assert_eq!(norm(&["Howard BlumeStaff Writer"]), ["Howard Blume"]);
        assert_eq!(
            norm(&["Cécile Ducourtieux (Bruxelles, bureau européen)"]),
            ["Cécile Ducourtieux"]
        );
        assert_eq!(norm(&["Gillman, Steve"]), ["Steve Gillman"]);
        // A surname that is also a job word stays: only capitalised role phrases after a
        // two-word name are cut, and "Editor" alone is a role, not a name.
        assert_eq!(norm(&["Anna Writer"]), ["Anna Writer"]);
        assert_eq!(norm(&["Jane Doe, John Roe"]), ["Jane Doe", "John Roe"]);
    }

    #[test]
    fn agency_after_comma_is_its_own_author() {
        assert_eq!(norm(&["John Doe, Reuters"]), ["John Doe", "Reuters"]);
        assert_eq!(norm(&["John Doe (AP)"]), ["John Doe", "AP"]);
    }

    #[test]
    fn french_par_et() {
        assert_eq!(
            norm(&["Par Jean Dupont et Marie Curie"]),
            ["Jean Dupont", "Marie Curie"]
        );
        assert_eq!(norm(&["Texte : Jean Dupont"]), ["Jean Dupont"]);
        assert_eq!(norm(&["Par AFP"]), ["AFP"]);
    }

    #[test]
    fn german_labels_and_und() {
        assert_eq!(norm(&["Autor: Max Mustermann"]), ["Max Mustermann"]);
        assert_eq!(
            norm(&["Von Max Mustermann und Erika Musterfrau"]),
            ["Max Mustermann", "Erika Musterfrau"]
        );
        assert_eq!(norm(&["von dpa"]), ["dpa"]);
        assert_eq!(norm(&["Von Trier"]), ["Von Trier"]);
    }

    #[test]
    fn italian_di_e_and_polish_i() {
        assert_eq!(
            norm(&["Di Mario Rossi e Luca Bianchi"]),
            ["Mario Rossi", "Luca Bianchi"]
        );
        assert_eq!(
            norm(&["Jan Kowalski i Anna Nowak"]),
            ["Jan Kowalski", "Anna Nowak"]
        );
    }

    #[test]
    fn dutch_door() {
        assert_eq!(norm(&["Door Jan de Vries"]), ["Jan de Vries"]);
    }

    #[test]
    fn ampersand_semicolon_and_slash() {
        assert_eq!(
            norm(&["Jane Doe & John Smith; Mary Major / AP"]),
            ["Jane Doe", "John Smith", "Mary Major", "AP"]
        );
    }

    #[test]
    fn trailing_dates_and_times_are_cut() {
        assert_eq!(
            norm(&["By Jane Doe Published May 3, 2021 10:15 AM EDT"]),
            ["Jane Doe"]
        );
        assert_eq!(norm(&["Jane Doe | Updated 10:15 AM ET"]), ["Jane Doe"]);
        assert_eq!(norm(&["May 3, 2021"]), Vec::<String>::new());
    }

    #[test]
    fn reuters_credit_line() {
        assert_eq!(
            norm(&["Reporting by Jane Doe; Editing by John Smith and Mary Major"]),
            ["Jane Doe"]
        );
        assert_eq!(norm(&["Jane Doe", "Photo: Getty Images"]), ["Jane Doe"]);
        assert_eq!(norm(&["BY STAFF REPORTS"]), Vec::<String>::new());
    }

    #[test]
    fn multiline_byline_with_update_stamp() {
        assert_eq!(
            norm(&["By Jane Doe\nUpdated 3:14 PM EST, Mon May 3, 2021"]),
            ["Jane Doe"]
        );
    }

    #[test]
    fn name_suffix_is_kept() {
        assert_eq!(norm(&["John Doe, Jr."]), ["John Doe, Jr."]);
        assert_eq!(norm(&["By John F. Smith."]), ["John F. Smith"]);
    }

    #[test]
    fn author_url_slug() {
        assert_eq!(norm(&["https://example.com/author/jane-doe/"]), ["Jane Doe"]);
        assert_eq!(norm(&["/authors/john_smith-42"]), ["John Smith"]);
        assert_eq!(
            norm(&["https://example.com/news/world-politics"]),
            Vec::<String>::new()
        );
        assert_eq!(norm(&["https://twitter.com/janedoe"]), Vec::<String>::new());
    }

    #[test]
    fn sentences_and_bios_are_dropped_or_cut() {
        assert_eq!(
            norm(&["This story was produced with help from many people in our newsroom"]),
            Vec::<String>::new()
        );
        assert_eq!(
            norm(&["Jane Doe is a senior reporter covering technology"]),
            ["Jane Doe"]
        );
    }

    #[test]
    fn junk_and_empty_inputs() {
        assert_eq!(
            norm(&["", "   ", "null", "Facebook", "Twitter", "By"]),
            Vec::<String>::new()
        );
    }

    #[test]
    fn plausible_name_checks() {
        assert!(is_plausible_name("Jane Doe"));
        assert!(is_plausible_name("JOSH HASKELL"));
        assert!(is_plausible_name("9to5Mac"));
        assert!(!is_plausible_name("https://example.com/jane"));
        assert!(!is_plausible_name("2021-05-03"));
        assert!(!is_plausible_name("May 3, 2021"));
        assert!(!is_plausible_name("J"));
        assert!(!is_plausible_name(""));
        assert!(!is_plausible_name(&"a".repeat(81)));
        assert!(!is_plausible_name("one two three four five six seven"));
        assert!(!is_plausible_name("jane@example.com"));
    }
}
