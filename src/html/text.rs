//! Small text utilities shared by the stages: whitespace collapsing, word counts and the
//! character classes the heuristics look at. Pure functions on `&str`, no DOM here.

/// Collapse every run of whitespace (including non-breaking and zero-width spaces) to one
/// ASCII space and trim both ends.
pub fn collapse_ws(s: &str) -> String {
    collapse_ws_with(s, is_space, is_invisible)
}

/// The one whitespace collapser, for the stages that define spacing their own way (the
/// author normaliser: Unicode `White_Space` only; the eval scorer: Python's `str.split()`):
/// every run of `space` characters becomes one ASCII space, `invisible` characters are
/// dropped, and both ends are trimmed.
pub fn collapse_ws_with(s: &str, space: impl Fn(char) -> bool, invisible: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if space(c) {
            pending_space = !out.is_empty();
        } else if invisible(c) {
            // carries no text
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Characters that carry no text: zero-width space, BOM and soft hyphen.
pub fn is_invisible(c: char) -> bool {
    c == '\u{200b}' || c == '\u{feff}' || c == '\u{ad}'
}

/// True for characters treated as spacing in page text.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}' || c == '\u{2007}'
}

/// Number of words (runs of alphanumeric characters) in a text.
pub fn word_count(s: &str) -> usize {
    let mut n = 0;
    let mut in_word = false;
    for c in s.chars() {
        let w = c.is_alphanumeric();
        if w && !in_word {
            n += 1;
        }
        in_word = w;
    }
    n
}

/// Number of characters (not bytes).
pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// Truncate to at most `max` characters on a char boundary.
pub fn truncate_chars(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// True when the text ends like a sentence.
pub fn ends_sentence(s: &str) -> bool {
    matches!(
        s.trim_end().chars().last(),
        Some('.' | '!' | '?' | '…' | '"' | '”' | '»' | ':' | ')' | '。' | '！' | '？')
    )
}

/// A host's registrable name without its suffix: "example" for news.example.com, "bbc" for
/// www.bbc.co.uk (a second-level label of at most three letters counts as suffix); `None`
/// for a single-label host.
pub fn host_main_label(host: &str) -> Option<&str> {
    let labels: Vec<&str> = host.split('.').collect();
    let n = labels.len();
    if n < 2 {
        return None;
    }
    let main = labels[n - 2];
    Some(if main.len() <= SHORT_SUFFIX_LABEL && n >= 3 {
        labels[n - 3]
    } else {
        main
    })
}

/// A second-level label this short is part of a public suffix ("co.uk", "com.au").
const SHORT_SUFFIX_LABEL: usize = 3;

/// Lowercase letters and digits only: "ABC News" and "abcnews" compare equal.
pub fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapses_all_spaces() {
        assert_eq!(collapse_ws("  a\u{a0}\n b\t\tc  "), "a b c");
        assert_eq!(collapse_ws("x\u{200b}y"), "xy");
        assert_eq!(collapse_ws(""), "");
    }

    #[test]
    fn counts_words() {
        assert_eq!(word_count("Hello, wide world!"), 3);
        assert_eq!(word_count("l'été 2021"), 3);
    }

    #[test]
    fn truncates_on_char_boundary() {
        assert_eq!(truncate_chars("été", 2), "ét");
        assert_eq!(truncate_chars("ab", 5), "ab");
    }
}
