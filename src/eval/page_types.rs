//! The page-type part of `newsharvest eval`: each page's gold type (`extra.page_type`) against
//! the record's `page_type`, as a confusion table with the two figures of issue 22:
//! article-vs-not F1 and the six-way accuracy (gold `collection` scored as `listing`; a
//! predicted `other` is wrong for every gold type). Only pages with a gold type count, except
//! on the sets that [`UNTYPED_ARTICLE_SETS`] names. In: (gold type, predicted type) pairs.
//! Out: a [`PageTypeScore`] and its text table.

use crate::model::PageType;
use serde::Serialize;
use std::collections::BTreeMap;

/// Sets whose gold has no `extra.page_type` because every page is an article, as
/// `../shared/eval/README.md` says of them ("wcxb-articles-dev (all `article`)"): their
/// untyped pages count as `article`. Untyped pages of any other set are left out.
pub const UNTYPED_ARTICLE_SETS: &[&str] = &["wcxb-articles-dev"];

/// The gold types, as rows, in this order (`collection` apart from `listing`).
const GOLD_ROWS: &[&str] = &[
    "article",
    "listing",
    "collection",
    "forum",
    "product",
    "documentation",
    "service",
    "other",
];

/// The column of a page whose extraction failed (no record, so no type).
pub const FAILED: &str = "failed";

/// The page-type scores of one set (or of several, summed).
#[derive(Debug, Clone, Default, Serialize)]
pub struct PageTypeScore {
    /// Pages counted, by gold type and then by predicted type (or [`FAILED`]).
    pub confusion: BTreeMap<String, BTreeMap<String, usize>>,
}

impl PageTypeScore {
    /// Count one page: its gold type and the predicted one (`None`: the extraction failed).
    pub fn add(&mut self, gold: &str, pred: Option<PageType>) {
        let col = pred.map_or(FAILED, PageType::as_str);
        *self
            .confusion
            .entry(gold.to_string())
            .or_default()
            .entry(col.to_string())
            .or_default() += 1;
    }

    /// Add another set's counts.
    pub fn merge(&mut self, other: &PageTypeScore) {
        for (g, row) in &other.confusion {
            for (p, n) in row {
                *self
                    .confusion
                    .entry(g.clone())
                    .or_default()
                    .entry(p.clone())
                    .or_default() += n;
            }
        }
    }

    /// (gold, predicted, count) of every cell.
    fn cells(&self) -> impl Iterator<Item = (&str, &str, usize)> {
        self.confusion
            .iter()
            .flat_map(|(g, row)| row.iter().map(move |(p, n)| (g.as_str(), p.as_str(), *n)))
    }

    /// Pages counted.
    pub fn pages(&self) -> usize {
        self.cells().map(|(_, _, n)| n).sum()
    }

    /// Article vs not: (precision, recall, F1).
    pub fn article_prf(&self) -> (f64, f64, f64) {
        let art = PageType::Article.as_str();
        let (mut tp, mut fp, mut fneg) = (0usize, 0usize, 0usize);
        for (g, p, n) in self.cells() {
            match (g == art, p == art) {
                (true, true) => tp += n,
                (false, true) => fp += n,
                (true, false) => fneg += n,
                (false, false) => {}
            }
        }
        let p = tp as f64 / (tp + fp).max(1) as f64;
        let r = tp as f64 / (tp + fneg).max(1) as f64;
        let f1 = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
        (p, r, f1)
    }

    /// Six-way accuracy: the predicted type is the gold one, `collection` counting as
    /// `listing`.
    pub fn six_way(&self) -> f64 {
        let right: usize = self
            .cells()
            .filter(|(g, p, _)| six(g) == *p)
            .map(|(_, _, n)| n)
            .sum();
        right as f64 / self.pages().max(1) as f64
    }

    /// The confusion table and the two figures, as text.
    pub fn table(&self, name: &str) -> String {
        let cols: Vec<&str> = PageType::ALL.iter().map(|t| t.as_str()).chain([FAILED]).collect();
        let mut s = format!("page types, {name} (gold rows, predicted columns)\n");
        s.push_str(&format!("{:<14}", "gold \\ pred"));
        for c in &cols {
            s.push_str(&format!(" {:>8}", c.get(..8).unwrap_or(c)));
        }
        s.push_str("  | total\n");
        let rows = GOLD_ROWS.iter().copied().chain(
            self.confusion
                .keys()
                .map(String::as_str)
                .filter(|g| !GOLD_ROWS.contains(g)),
        );
        for g in rows {
            let Some(row) = self.confusion.get(g) else {
                continue;
            };
            s.push_str(&format!("{g:<14}"));
            for c in &cols {
                s.push_str(&format!(" {:>8}", row.get(*c).copied().unwrap_or(0)));
            }
            s.push_str(&format!("  | {}\n", row.values().sum::<usize>()));
        }
        let gold_articles: usize = self
            .confusion
            .get(PageType::Article.as_str())
            .map_or(0, |row| row.values().sum());
        let article = if gold_articles == 0 {
            let called: usize = self
                .cells()
                .filter(|(_, p, _)| *p == PageType::Article.as_str())
                .map(|(_, _, n)| n)
                .sum();
            format!("no gold article, {called} pages called article")
        } else {
            let (p, r, f1) = self.article_prf();
            format!("P {p:.3} R {r:.3} F1 {f1:.3}")
        };
        s.push_str(&format!(
            "article vs not: {article}; six-way accuracy {:.3} ({} pages)\n",
            self.six_way(),
            self.pages()
        ));
        s
    }
}

/// The six-way name of a gold type: `collection` is a `listing`.
fn six(gold: &str) -> &str {
    if gold == "collection" {
        PageType::Listing.as_str()
    } else {
        gold
    }
}

/// The gold type of a page of set `set`: its `extra.page_type`, else `article` on the sets of
/// [`UNTYPED_ARTICLE_SETS`], else none (the page is not counted).
pub fn gold_type<'a>(set: &str, typed: Option<&'a str>) -> Option<&'a str> {
    typed.or_else(|| UNTYPED_ARTICLE_SETS.contains(&set).then_some("article"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_count_collection_as_listing_and_failures_as_wrong() {
        let mut s = PageTypeScore::default();
        s.add("article", Some(PageType::Article));
        s.add("article", Some(PageType::Listing));
        s.add("collection", Some(PageType::Listing));
        s.add("forum", None);
        s.add("service", Some(PageType::Article));
        assert_eq!(s.pages(), 5);
        assert!((s.six_way() - 0.4).abs() < 1e-9);
        let (p, r, f1) = s.article_prf();
        assert!((p - 0.5).abs() < 1e-9 && (r - 0.5).abs() < 1e-9 && (f1 - 0.5).abs() < 1e-9);
        let t = s.table("x");
        assert!(t.contains("collection") && t.contains(FAILED) && t.contains("F1 0.500"));
        let mut none = PageTypeScore::default();
        none.add("forum", Some(PageType::Article));
        assert!(none
            .table("y")
            .contains("no gold article, 1 pages called article"));
        assert_eq!(gold_type("wcxb-articles-dev", None), Some("article"));
        assert_eq!(gold_type("readability", None), None);
        assert_eq!(gold_type("readability", Some("forum")), Some("forum"));
    }
}
