//! Block-level cleaning: drop rendered text blocks of the article that match a `[[block]]`
//! rule of `selectors/_global.toml` or a site's `strip_text` patterns ("Read also: …",
//! "Previous article …", "Advertisement", "Follow us on …"). In and out: `Vec<Block>`.

use super::Removals;
use crate::model::Block;
use crate::rules::BlockRule;
use regex::Regex;

/// A paragraph at least this long is article prose; `only_edges` rules apply before the
/// first and after the last such block.
const PROSE_CHARS: usize = 150;
/// The first and last this many blocks always count as edges (a standfirst may come
/// before a byline or dateline).
const EDGE_BLOCKS: usize = 3;

/// Apply the block rules and a site's extra patterns (`site_id` names them).
pub fn filter_blocks(
    blocks: Vec<Block>,
    rules: &[BlockRule],
    site_patterns: &[Regex],
    site_id: &str,
    rm: &mut Removals,
) -> Vec<Block> {
    let first_prose = blocks
        .iter()
        .position(|b| b.chars >= PROSE_CHARS && !b.is_heading());
    let last_prose = blocks
        .iter()
        .rposition(|b| b.chars >= PROSE_CHARS && !b.is_heading());
    let n = blocks.len();
    let mut out = Vec::with_capacity(n);
    let mut dropping: Option<String> = None;
    for (i, b) in blocks.into_iter().enumerate() {
        if let Some(rule) = &dropping {
            rm.add(rule, || b.text.clone());
            continue;
        }
        let at_edge = i < EDGE_BLOCKS
            || i + EDGE_BLOCKS >= n
            || match (first_prose, last_prose) {
                (Some(f), Some(l)) => i < f || i > l,
                _ => true,
            };
        if let Some(p) = site_patterns.iter().find(|p| p.is_match(&b.text)) {
            let _ = p;
            rm.add(site_id, || b.text.clone());
            continue;
        }
        let hit = rules.iter().find(|r| block_matches(r, &b, at_edge));
        match hit {
            Some(rule) => {
                rm.add(&rule.id, || b.text.clone());
                // Only a heading after the article has started closes it: a "Trending" label
                // above the first paragraph must not take the whole body with it.
                if rule.drop_rest && first_prose.is_some_and(|f| i > f) {
                    dropping = Some(rule.id.clone());
                }
            }
            None => out.push(b),
        }
    }
    out
}

fn block_matches(rule: &BlockRule, b: &Block, at_edge: bool) -> bool {
    if !rule.tags.is_empty() && !rule.tags.contains(&b.tag) {
        return false;
    }
    if rule.only_edges && !at_edge {
        return false;
    }
    if rule.max_chars.is_some_and(|m| b.chars > m) {
        return false;
    }
    if rule.min_link_ratio.is_some_and(|m| b.link_ratio() < m) {
        return false;
    }
    rule.pattern.as_ref().is_none_or(|p| p.is_match(&b.text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Rules;

    fn block(text: &str, link_chars: usize) -> Block {
        Block {
            link_chars,
            links: usize::from(link_chars > 0),
            ..Block::paragraph(text.to_string(), "p")
        }
    }

    fn kept(blocks: Vec<Block>) -> (Vec<String>, Removals) {
        let rules = Rules::bundled().expect("rules");
        let mut rm = Removals::new(true);
        let out = filter_blocks(blocks, &rules.block, &[], "site", &mut rm);
        (out.into_iter().map(|b| b.text).collect(), rm)
    }

    const PROSE: &str = "The announcement of this bilateral meeting came the day after the talks in Geneva between the Russian and American foreign ministers, which made it possible.";

    #[test]
    fn drops_labelled_inserts_in_many_languages() {
        for label in [
            "Read:  Ukraine: head to head",
            "READ MORE: Five things",
            "Lire aussi : La grève",
            "À lire aussi - Le budget",
            "Lesen Sie auch: Die Wahl",
            "Lee también: El precio",
            "Leggi anche: Il voto",
            "Czytaj też: Wybory",
        ] {
            let link = label.chars().count() / 2;
            let (out, rm) = kept(vec![block(PROSE, 0), block(label, link), block(PROSE, 0)]);
            assert_eq!(out.len(), 2, "{label} should be removed");
            assert_eq!(rm.counts.values().sum::<u32>(), 1);
        }
    }

    #[test]
    fn drops_read_more_link_lists() {
        let list = "READ MORE:\nFoundation: The Failure of Schooling in One Chart\nJournal: The Scandal of K-12 Education";
        let (out, rm) = kept(vec![block(PROSE, 0), block(list, 80), block(PROSE, 0)]);
        assert_eq!(out.len(), 2);
        assert_eq!(
            rm.counts
                .keys()
                .filter(|k| k.starts_with("insert.read-label"))
                .count(),
            1
        );
    }

    #[test]
    fn keeps_interview_lines_and_prose_starting_with_read() {
        let (out, _) = kept(vec![
            block(PROSE, 0),
            block("Lee: I think the market will recover next year.", 0),
            block(
                "Read the full report before the vote, the minister said on Friday.",
                0,
            ),
            block(PROSE, 0),
        ]);
        assert_eq!(out.len(), 4);
    }

    #[test]
    fn drops_prev_next_and_related_tail() {
        let (out, rm) = kept(vec![
            block(PROSE, 0),
            block(
                "Previous articleContainment of the islands Samoa and Kiribati",
                40,
            ),
            block(
                "Next articleWho says frozen sidewalks, says overwhelmed operating rooms",
                50,
            ),
        ]);
        assert_eq!(out, vec![PROSE.to_string()]);
        assert_eq!(rm.counts.get("navigation.prev-next"), Some(&2));
        let (out, _) = kept(vec![
            block(PROSE, 0),
            block("Related articles", 0),
            block("Some other story", 16),
        ]);
        assert_eq!(out, vec![PROSE.to_string()]);
    }
}
