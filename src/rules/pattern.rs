//! A rule's text pattern: the regex as written, plus a looser twin that rejects most texts
//! cheaply. In: the pattern string of a `[[block]]` or `[[dom]]` rule. Out: [`Pattern`],
//! whose [`Pattern::is_match`] answers exactly as the written regex does.
//!
//! Why: a Unicode word boundary (`\b` under the default Unicode mode) stops the regex crate's
//! lazy DFA at the first non-ASCII byte of the text, and the search restarts in the much
//! slower PikeVM. Unanchored patterns with `\b` (a caption credit, a channel promotion) then
//! cost microseconds on every block of a page with a curly quote or an accented letter.
//! The looser twin is the same pattern with every Unicode word-boundary assertion removed:
//! an assertion only ever narrows what matches, so whatever the written pattern matches the
//! twin matches too, and a text the twin rejects is rejected without the slow search. The
//! twin has no assertion that stops the DFA, so it answers at DFA speed.

use regex::Regex;
use regex_syntax::hir::{Hir, HirKind, Look};

/// A compiled text pattern (see the module comment).
#[derive(Debug, Clone)]
pub struct Pattern {
    /// The pattern as written.
    regex: Regex,
    /// The pattern without its Unicode word boundaries, when it has any.
    loose: Option<Regex>,
}

impl Pattern {
    /// Compile `pattern` (regex crate syntax) and its looser twin.
    pub fn new(pattern: &str) -> Result<Pattern, regex::Error> {
        let regex = Regex::new(pattern)?;
        Ok(Pattern {
            loose: loose_twin(pattern),
            regex,
        })
    }

    /// Whether the pattern matches somewhere in `text` (exactly [`Regex::is_match`]).
    pub fn is_match(&self, text: &str) -> bool {
        self.loose.as_ref().is_none_or(|l| l.is_match(text)) && self.regex.is_match(text)
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        self.regex.as_str()
    }

    /// The compiled pattern as written.
    pub fn regex(&self) -> &Regex {
        &self.regex
    }
}

/// The pattern with its Unicode word boundaries removed, or `None` when it has none, when
/// it is anchored at the start (the DFA then stops within the first bytes of nearly every
/// text, before a non-ASCII byte can stop it, so a twin would only add its compile time), or
/// when the twin does not compile (the written pattern alone decides).
fn loose_twin(pattern: &str) -> Option<Regex> {
    let hir = regex_syntax::parse(pattern).ok()?;
    if hir.properties().look_set_prefix().contains(Look::Start) {
        return None;
    }
    let mut found = false;
    let loose = without_word_boundaries(&hir, &mut found);
    if !found {
        return None;
    }
    Regex::new(&loose.to_string()).ok()
}

/// Whether a look-around is a Unicode word-boundary assertion (the ones the lazy DFA gives
/// up on for non-ASCII text).
fn is_unicode_word_look(l: Look) -> bool {
    matches!(
        l,
        Look::WordUnicode
            | Look::WordUnicodeNegate
            | Look::WordStartUnicode
            | Look::WordEndUnicode
            | Look::WordStartHalfUnicode
            | Look::WordEndHalfUnicode
    )
}

/// `hir` with every Unicode word-boundary assertion replaced by the empty match; `found` is
/// set when there was one.
fn without_word_boundaries(hir: &Hir, found: &mut bool) -> Hir {
    match hir.kind() {
        HirKind::Look(l) if is_unicode_word_look(*l) => {
            *found = true;
            Hir::empty()
        }
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => hir.clone(),
        HirKind::Repetition(r) => {
            let mut r = r.clone();
            r.sub = Box::new(without_word_boundaries(&r.sub, found));
            Hir::repetition(r)
        }
        HirKind::Capture(c) => {
            let mut c = c.clone();
            c.sub = Box::new(without_word_boundaries(&c.sub, found));
            Hir::capture(c)
        }
        HirKind::Concat(v) => Hir::concat(v.iter().map(|h| without_word_boundaries(h, found)).collect()),
        HirKind::Alternation(v) => {
            Hir::alternation(v.iter().map(|h| without_word_boundaries(h, found)).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Texts with and without non-ASCII letters around the places a `\b` decides.
    const TEXTS: &[&str] = &[
        "Photo: Jane Doe",
        "Photos: Jane Doe",
        "Photographer: Jane Doe",
        "photo:x",
        "Fotó: Anna",
        "Éphoto: Anna",
        "© Reuters",
        "Getty Images",
        "Getty Imagesé",
        "éGetty Images",
        "Watch more of our videos on our YouTube channel",
        "Watching our YouTube channel",
        "Follow «us» on our Telegram group",
        "Sígueme: tenemos canal de Telegram",
        "Write a letter to the editor",
        "Write a letter to the editors",
        "The views expressed in this column are their own",
        "The views expressedé are their own",
        "Read: Ukraine — head to head",
        "Readé: Ukraine",
        "Lire aussi : La grève",
        "à lire aussi",
        "",
        "   ",
        "naïve café résumé",
    ];

    const PATTERNS: &[&str] = &[
        r"(?i)(?:\b(?:photo|photos|foto|fotos|image|credit|crédit|source)\s*:\s*\S|©|\b(?:getty images|reuters|afp)\b)",
        r"(?i)(?:\b(?:watch|subscribe to|follow|join)\b.{0,60}\bour (?:youtube|telegram) (?:channel|group)|\btenemos (?:un )?canal de (?:telegram|whatsapp)|\b(?:write|send) (?:us )?(?:a |your )?letters? to the editor\b|^\s*the views expressed\b.{0,80}\bare (?:their|his))",
        r"(?i)^\s*(?:read|more|watch|lire|à lire aussi)\b",
        r"\Bé\B|\bcaf\B",
        r"(?i)^\s*(?:read also|lire aussi)\s*:",
    ];

    #[test]
    fn answers_as_the_written_pattern() {
        for p in PATTERNS {
            let pattern = Pattern::new(p).expect("pattern");
            let written = Regex::new(p).expect("regex");
            for t in TEXTS {
                assert_eq!(pattern.is_match(t), written.is_match(t), "{p} on {t:?}");
            }
        }
    }

    #[test]
    fn the_twin_accepts_a_superset_and_only_unanchored_word_patterns_have_one() {
        let p = Pattern::new(PATTERNS[1]).expect("pattern");
        let loose = p
            .loose
            .as_ref()
            .expect("a twin for an unanchored pattern with \\b");
        for t in TEXTS {
            assert!(!p.regex.is_match(t) || loose.is_match(t), "{t:?}");
        }
        let has_twin = |i: usize| Pattern::new(PATTERNS[i]).expect("pattern").loose.is_some();
        assert_eq!([0, 1, 2, 3, 4].map(has_twin), [true, true, false, true, false]);
    }

    #[test]
    fn bundled_patterns_answer_as_written() {
        let rules = crate::rules::Rules::bundled().expect("rules");
        let blocks = rules.block.iter().filter_map(|r| r.pattern.as_ref());
        for p in blocks.chain(rules.dom.iter().filter_map(|r| r.text_pattern.as_ref())) {
            for t in TEXTS {
                assert_eq!(p.is_match(t), p.regex().is_match(t), "{} on {t:?}", p.as_str());
            }
        }
    }
}
