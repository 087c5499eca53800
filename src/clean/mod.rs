//! The cleaner: removes what is not the article, by rules that are data (`selectors/`).
//! Two levels: [`elements`] removes DOM elements (share bars, newsletter boxes, related
//! widgets, captions…) before the article is searched, and [`blocks`] drops rendered text
//! blocks ("Read also: …" inserts, "Previous article …", ad labels…) from the article.
//! Every removal is counted under its rule id in [`Removals`].

pub mod blocks;
pub mod elements;

use crate::html::text;
use crate::model::Removal;
use std::collections::BTreeMap;

/// Longest removed text kept for `--explain`.
const EXPLAIN_MAX_CHARS: usize = 300;

/// What the cleaner removed, by rule id.
#[derive(Debug, Default, Clone)]
pub struct Removals {
    /// Count per rule id.
    pub counts: BTreeMap<String, u32>,
    /// Removed texts, when explaining.
    pub explain: Option<Vec<Removal>>,
}

impl Removals {
    /// A fresh record; `explain` keeps the removed texts too.
    pub fn new(explain: bool) -> Self {
        Removals {
            counts: BTreeMap::new(),
            explain: explain.then(Vec::new),
        }
    }

    /// Count one removal by `rule`; `text` is only computed when explaining.
    pub fn add(&mut self, rule: &str, text: impl FnOnce() -> String) {
        *self.counts.entry(rule.to_string()).or_insert(0) += 1;
        if let Some(list) = &mut self.explain {
            let t = text();
            if !t.is_empty() {
                list.push(Removal {
                    rule: rule.to_string(),
                    text: text::truncate_chars(&t, EXPLAIN_MAX_CHARS).to_string(),
                });
            }
        }
    }
}
