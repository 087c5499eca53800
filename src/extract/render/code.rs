//! Code blocks: a `<pre>`'s text byte for byte (a highlighter's `<span>`s are only markup),
//! its line-number gutter left out, and the language its markup names (`language-x`,
//! `lang-x`, `highlight-x`, SyntaxHighlighter's `brush: x`, `data-lang`).

use crate::html::arena::{Arena, AttrName, Edge, NodeId, NodeKind, Tag};
use crate::html::dom;

/// Classes of line-number gutters (Pygments, Rouge, SyntaxHighlighter, Prism, highlight.js
/// plugins).
const GUTTER_CLASSES: &[&str] = &[
    "gutter",
    "line-numbers-rows",
    "linenodiv",
    "lineno",
    "linenos",
    "ln-num",
    "rouge-gutter",
];

/// Class prefixes that name a language.
const LANG_PREFIXES: &[&str] = &["language-", "lang-", "highlight-source-", "highlight-"];

/// Language names that mean "no language".
const NO_LANG: &[&str] = &["none", "nohighlight", "plain", "plaintext", "text", "txt"];

/// A language name longer than this is not one.
const MAX_LANG_LEN: usize = 32;

/// How many ancestors of the `<pre>` may carry its language (Sphinx: `div.highlight-python
/// > div.highlight > pre`; Rouge: `div.language-ruby > div.highlight > pre`).
const LANG_ANCESTORS: usize = 3;

/// True for a line-number gutter: a gutter class and nothing but digits inside.
pub fn is_gutter(tree: &Arena, n: NodeId) -> bool {
    let Some(class) = tree.attr_by_id(n, AttrName::CLASS) else {
        return false;
    };
    if !class.contains("gutter") && !class.contains("line") && !class.contains("ln") {
        return false;
    }
    tree.classes(n).any(|c| GUTTER_CLASSES.contains(&c))
        && tree.descendants(n).all(|d| {
            tree.kind(d) != NodeKind::Text
                || tree
                    .text(d)
                    .chars()
                    .all(|c| c.is_ascii_digit() || c.is_whitespace())
        })
}

/// The code of a `<pre>` as written, gutters left out, without trailing blank lines.
pub fn code_text(tree: &Arena, pre: NodeId) -> String {
    let mut out = String::new();
    let mut walk = tree.traverse(pre);
    while let Some(edge) = walk.next() {
        let Edge::Open(n) = edge else { continue };
        match tree.kind(n) {
            NodeKind::Text => out.push_str(tree.text(n)),
            NodeKind::Element => {
                if tree.is(n, Tag::BR) {
                    out.push('\n');
                } else if n != pre && (dom::is_non_content(tree, n) || is_gutter(tree, n)) {
                    walk.skip_children(n);
                }
            }
            _ => walk.skip_children(n),
        }
    }
    let end = out.trim_end_matches(['\n', '\r', ' ', '\t']).len();
    out.truncate(end);
    out
}

/// The language the markup names for the `<pre>`, lowercased.
pub fn language(tree: &Arena, pre: NodeId) -> Option<String> {
    let code = tree.children(pre).find(|c| tree.is(*c, Tag::CODE));
    let near = std::iter::once(pre).chain(code);
    near.chain(tree.ancestors(pre).take(LANG_ANCESTORS))
        .find_map(|n| language_of(tree, n))
}

fn language_of(tree: &Arena, n: NodeId) -> Option<String> {
    if let Some(l) = tree.attr(n, "data-lang").and_then(clean_lang) {
        return Some(l);
    }
    let class = tree.attr_by_id(n, AttrName::CLASS)?;
    if let Some(rest) = class.split_once("brush:").map(|(_, r)| r) {
        return clean_lang(rest.split(';').next().unwrap_or(""));
    }
    class.split_ascii_whitespace().find_map(|c| {
        LANG_PREFIXES
            .iter()
            .find_map(|p| c.strip_prefix(p))
            .and_then(clean_lang)
    })
}

fn clean_lang(s: &str) -> Option<String> {
    let s = s.trim().to_ascii_lowercase();
    let ok = !s.is_empty()
        && s.len() <= MAX_LANG_LEN
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "+#_.-".contains(c))
        && !NO_LANG.contains(&s.as_str());
    ok.then_some(s)
}
