//! Text statistics of text nodes, read once per node: characters (a whitespace run counts
//! as one), commas, and whether the text is empty, starts or ends with whitespace. The
//! passes after the parse summarize the same subtrees several times (the dom rules,
//! the scoring, the conditional cleaning); text is never edited in place, so what a text
//! node holds is counted on first use and kept in its [`Arena`].

use super::{Arena, NodeId, NodeKind};
use crate::html::text::is_space;

/// The facts of one text node (see the module comment).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TextFacts {
    /// Characters, each whitespace run after a non-space counting as one.
    pub chars: u32,
    /// Commas (Latin, Arabic, full-width).
    pub commas: u32,
    flags: u8,
}

/// Set once the facts are read.
const KNOWN: u8 = 1;
/// The text is not empty.
const HAS_TEXT: u8 = 2;
/// The text starts with whitespace.
const LEAD_SPACE: u8 = 4;
/// The text ends with whitespace.
const TRAIL_SPACE: u8 = 8;

impl TextFacts {
    /// Count the facts of a text.
    pub fn read(t: &str) -> TextFacts {
        let (mut chars, mut commas) = (0u32, 0u32);
        let mut last_space = true;
        let mut count = |space: bool, comma: bool| {
            if space {
                if !last_space {
                    last_space = true;
                    chars += 1;
                }
            } else {
                last_space = false;
                chars += 1;
                commas += u32::from(comma);
            }
        };
        let bytes = t.as_bytes();
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            if b.is_ascii() {
                // ASCII whitespace as `char::is_whitespace` has it: tab to carriage return, space.
                count(matches!(b, b'\t'..=b'\r' | b' '), b == b',');
                i += 1;
            } else {
                let Some(c) = t.get(i..).and_then(|rest| rest.chars().next()) else {
                    break;
                };
                count(is_space(c), c == '،' || c == '，');
                i += c.len_utf8();
            }
        }
        let first = t.chars().next();
        let mut flags = KNOWN;
        if first.is_some() {
            flags |= HAS_TEXT;
        }
        if first.is_some_and(is_space) {
            flags |= LEAD_SPACE;
        }
        if t.chars().next_back().is_some_and(is_space) {
            flags |= TRAIL_SPACE;
        }
        TextFacts { chars, commas, flags }
    }

    /// The text is not empty.
    pub fn has_text(&self) -> bool {
        self.flags & HAS_TEXT != 0
    }

    /// The text starts with whitespace.
    pub fn lead_space(&self) -> bool {
        self.flags & LEAD_SPACE != 0
    }

    /// The text ends with whitespace.
    pub fn trail_space(&self) -> bool {
        self.flags & TRAIL_SPACE != 0
    }
}

impl Arena {
    /// The facts of a text node's text (of "" for other nodes), counted on the first ask.
    pub fn text_facts(&self, id: NodeId) -> TextFacts {
        if self.kind(id) != NodeKind::Text {
            return TextFacts::read("");
        }
        let mut cache = self.texts.borrow_mut();
        if cache.len() < self.nodes.len() {
            cache.resize(self.nodes.len(), TextFacts::default());
        }
        match cache.get_mut(id.index()) {
            Some(f) if f.flags & KNOWN != 0 => *f,
            Some(f) => {
                *f = TextFacts::read(self.text(id));
                *f
            }
            None => TextFacts::read(self.text(id)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte loop counts what a loop over the characters counts.
    #[test]
    fn facts_equal_a_char_count() {
        for t in [
            "",
            " ",
            "a, b",
            " x\u{a0} y ",
            "\t\u{3000}é,，،\u{85}z\r\n",
            "\u{b}\u{c}\u{1c}q",
        ] {
            let (mut chars, mut commas, mut last_space) = (0u32, 0u32, true);
            for c in t.chars() {
                if is_space(c) {
                    chars += u32::from(!last_space);
                    last_space = true;
                } else {
                    last_space = false;
                    chars += 1;
                    commas += u32::from(matches!(c, ',' | '،' | '，'));
                }
            }
            let f = TextFacts::read(t);
            assert_eq!((f.chars, f.commas), (chars, commas), "{t:?}");
        }
    }
}
