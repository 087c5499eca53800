//! The class and id tests of every `[[dom]]` rule at once. A rule's `class_tokens`,
//! `class_contains` and `unless_class_contains` are tested against an element's lowercased
//! `class` + `id`; asking each rule in turn costs hundreds of substring searches per
//! element. [`ClassIndex`] answers for all rules in one pass: a hash lookup per token and
//! one Aho-Corasick scan of the string for every substring of every rule.

use crate::rules::DomRule;
use aho_corasick::AhoCorasick;
use std::collections::HashMap;

/// Set for a rule when one of its `class_tokens` or `class_contains` is present.
pub const CLASS_HIT: u8 = 1;
/// Set for a rule when one of its `unless_class_contains` is present.
pub const UNLESS_HIT: u8 = 2;

/// The class and id patterns of a list of dom rules, compiled together.
#[derive(Debug)]
pub struct ClassIndex {
    rules: usize,
    /// Token → (rule, flag) pairs.
    tokens: HashMap<String, Vec<(usize, u8)>>,
    /// The distinct substrings of all rules (`None` when there are none).
    substrings: Option<AhoCorasick>,
    /// For each substring pattern, the (rule, flag) pairs it sets.
    pattern_hits: Vec<Vec<(usize, u8)>>,
}

impl ClassIndex {
    /// Compile the patterns of these rules (their index in the slice is the rule number).
    pub fn new(rules: &[DomRule]) -> ClassIndex {
        let mut tokens: HashMap<String, Vec<(usize, u8)>> = HashMap::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut pattern_hits: Vec<Vec<(usize, u8)>> = Vec::new();
        let mut add_pattern = |p: &str, hit: (usize, u8)| match patterns.iter().position(|q| q == p) {
            Some(i) => pattern_hits[i].push(hit),
            None => {
                patterns.push(p.to_string());
                pattern_hits.push(vec![hit]);
            }
        };
        for (i, r) in rules.iter().enumerate() {
            for t in &r.class_tokens {
                tokens.entry(t.clone()).or_default().push((i, CLASS_HIT));
            }
            for c in &r.class_contains {
                add_pattern(c, (i, CLASS_HIT));
            }
            for u in &r.unless_class_contains {
                add_pattern(u, (i, UNLESS_HIT));
            }
        }
        // The patterns are a few hundred short strings: building cannot fail.
        let substrings = (!patterns.is_empty())
            .then(|| AhoCorasick::new(&patterns).ok())
            .flatten();
        ClassIndex {
            rules: rules.len(),
            tokens,
            substrings,
            pattern_hits,
        }
    }

    /// Fill `hits` (one byte per rule, [`CLASS_HIT`] | [`UNLESS_HIT`]) for the lowercased
    /// class + id string `cid`. A rule's class tokens are the whole tokens of `cid` split on
    /// non-alphanumeric characters; its substrings may lie anywhere in `cid`.
    pub fn scan(&self, cid: &str, hits: &mut Vec<u8>) {
        hits.clear();
        hits.resize(self.rules, 0);
        for t in cid
            .split(|c: char| !c.is_alphanumeric())
            .filter(|t| !t.is_empty())
        {
            for (r, flag) in self.tokens.get(t).into_iter().flatten() {
                hits[*r] |= flag;
            }
        }
        if let Some(ac) = &self.substrings {
            for m in ac.find_overlapping_iter(cid) {
                for (r, flag) in &self.pattern_hits[m.pattern().as_usize()] {
                    hits[*r] |= flag;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Rules;

    /// The index answers as the rules' own lists do, for every bundled rule, on the class
    /// and id strings of every fixture page and some made-up ones.
    #[test]
    fn scan_equals_the_rules_lists() {
        let rules = Rules::bundled().expect("bundled rules");
        let index = ClassIndex::new(&rules.dom);
        let mut cids: Vec<String> = [
            "",
            "share",
            "post-share-wrap",
            "ad adsbygoogle",
            "header-ad",
            "entry-content related-posts",
            "Ünïcode-share_bar",
            "td-post-sharing-top comments-area",
        ]
        .map(String::from)
        .to_vec();
        for page in crate::fixture_pages() {
            let tree = crate::html::engine::parse_document(&page, &crate::Limits::default()).expect("parses");
            for n in tree.nodes() {
                if tree.is_element(n) {
                    cids.push(crate::html::dom::class_id(&tree, n));
                }
            }
        }
        assert!(cids.len() > 1000);
        let mut hits = Vec::new();
        for cid in &cids {
            index.scan(cid, &mut hits);
            let tokens: Vec<&str> = cid
                .split(|c: char| !c.is_alphanumeric())
                .filter(|t| !t.is_empty())
                .collect();
            for (i, r) in rules.dom.iter().enumerate() {
                let class_hit = r.class_tokens.iter().any(|t| tokens.contains(&t.as_str()))
                    || r.class_contains.iter().any(|c| cid.contains(c.as_str()));
                let unless = r.unless_class_contains.iter().any(|u| cid.contains(u.as_str()));
                assert_eq!(hits[i] & CLASS_HIT != 0, class_hit, "{} on {cid:?}", r.id);
                assert_eq!(hits[i] & UNLESS_HIT != 0, unless, "{} on {cid:?}", r.id);
            }
        }
    }
}
