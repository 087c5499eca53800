//! The crawl state file of earlier versions (`--state FILE`, JSON Lines of
//! `{"url", "canonical_url", "id", "date_fetched"}`, one line per article written), read once
//! to migrate it into the SQLite store (`super::sqlite`). Nothing writes this format now.

use serde::Deserialize;
use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::Path;

/// One written article of a JSON Lines state.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Entry {
    /// URL fetched.
    pub url: Option<String>,
    /// Canonical URL declared by the page.
    pub canonical_url: Option<String>,
    /// Record id.
    pub id: String,
    /// When it was fetched.
    pub date_fetched: Option<String>,
}

/// The entries of a JSON Lines state file, and how many lines could not be read (a line
/// cut by a crash).
pub fn read_legacy(path: &Path) -> io::Result<(Vec<Entry>, usize)> {
    let mut entries = Vec::new();
    let mut bad = 0;
    for line in BufReader::new(File::open(path)?).lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Entry>(&line) {
            Ok(e) => entries.push(e),
            Err(_) => bad += 1,
        }
    }
    Ok((entries, bad))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_entries_and_counts_torn_lines() {
        let dir = crate::test_dir("state");
        let p = dir.join("state.jsonl");
        std::fs::write(
            &p,
            "{\"url\":\"http://a.test/x\",\"canonical_url\":\"http://a.test/x/\",\"id\":\"1\",\"date_fetched\":null}\n\
             {\"url\":\"http://a.test/y\",\"id\":\n\
             {\"url\":\"http://a.test/z\",\"canonical_url\":null,\"id\":\"2\",\"date_fetched\":\"2026-11-28T00:00:00Z\"}\n",
        )
        .expect("write");
        let (entries, bad) = read_legacy(&p).expect("read");
        assert_eq!((entries.len(), bad), (2, 1));
        assert_eq!(entries[0].canonical_url.as_deref(), Some("http://a.test/x/"));
        let _ = std::fs::remove_dir_all(dir);
    }
}
