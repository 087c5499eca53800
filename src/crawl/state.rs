//! Crawl state across runs (`--state FILE`): the articles already written, so a scheduled
//! crawl (cron, Airflow, a Kubernetes CronJob) fetches and writes only what is new. The file
//! is JSON Lines of `{"url", "canonical_url", "id", "date_fetched"}`, append-only.
//!
//! Ordering makes it safe: a record's line is appended only after the output holding the
//! record was flushed (at checkpoints and at the end). A crash can therefore repeat a few
//! records in the next run (same `id`), never lose one.

use crate::model::Record;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

/// One written article.
#[derive(Debug, Clone, Serialize, Deserialize)]
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

impl Entry {
    /// The state entry of a record.
    pub fn of(r: &Record) -> Entry {
        Entry {
            url: r.url.clone(),
            canonical_url: r.canonical_url.clone(),
            id: r.id.clone(),
            date_fetched: r.date_fetched.clone(),
        }
    }
}

/// What earlier runs wrote.
#[derive(Debug, Default)]
pub struct Known {
    urls: HashSet<String>,
    ids: HashSet<String>,
}

impl Known {
    /// Read a state file; a missing file is an empty state. Unreadable lines (a line cut by
    /// a crash) are skipped and counted.
    pub fn load(path: &Path) -> io::Result<(Known, usize)> {
        let mut k = Known::default();
        let mut bad = 0;
        let f = match File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((k, 0)),
            Err(e) => return Err(e),
        };
        for line in BufReader::new(f).lines() {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<Entry>(&line) {
                Ok(e) => {
                    k.urls.extend(e.url.into_iter().chain(e.canonical_url));
                    k.ids.insert(e.id);
                }
                Err(_) => bad += 1,
            }
        }
        Ok((k, bad))
    }

    /// Articles known.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// No articles known.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Was this URL (fetched or canonical) written by an earlier run?
    pub fn has_url(&self, url: &str) -> bool {
        self.urls.contains(url)
    }

    /// Was a record with this id written by an earlier run?
    pub fn has_id(&self, id: &str) -> bool {
        self.ids.contains(id)
    }
}

/// Appends entries once the output holding their records is flushed.
pub struct Journal {
    path: PathBuf,
    pending: Vec<Entry>,
    /// The file ends inside a line (a crash mid-append): start on a fresh line.
    torn: bool,
}

impl Journal {
    /// A journal appending to `path`.
    pub fn new(path: &Path) -> Journal {
        let torn = std::fs::read(path).is_ok_and(|b| b.last().is_some_and(|c| *c != b'\n'));
        Journal {
            path: path.to_path_buf(),
            pending: Vec::new(),
            torn,
        }
    }

    /// Remember a record written to the (not yet flushed) output.
    pub fn add(&mut self, r: &Record) {
        self.pending.push(Entry::of(r));
    }

    /// Entries waiting for a flush of the output.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// The output was flushed: append what is pending and sync it.
    pub fn commit(&mut self) -> io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let mut f = OpenOptions::new().create(true).append(true).open(&self.path)?;
        let mut buf = Vec::new();
        if self.torn {
            buf.push(b'\n');
            self.torn = false;
        }
        for e in &self.pending {
            serde_json::to_writer(&mut buf, e).map_err(io::Error::other)?;
            buf.push(b'\n');
        }
        f.write_all(&buf)?;
        f.sync_data()?;
        self.pending.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_torn_lines() {
        let dir = crate::test_dir("state");
        let p = dir.join("state.jsonl");
        let _ = std::fs::remove_file(&p);
        let (k, bad) = Known::load(&p).unwrap();
        assert!(k.is_empty() && bad == 0);
        let mut rec = crate::record::to_record(
            crate::model::Article {
                url: Some("http://a.test/x".into()),
                canonical_url: Some("http://a.test/x/".into()),
                text: "t".into(),
                ..Default::default()
            },
            None,
        );
        rec.date_fetched = Some("2026-11-28T00:00:00Z".into());
        let mut j = Journal::new(&p);
        j.add(&rec);
        assert_eq!(j.pending(), 1);
        j.commit().unwrap();
        // a line cut by a crash
        let mut f = OpenOptions::new().append(true).open(&p).unwrap();
        f.write_all(b"{\"url\":\"http://a.test/y\",\"id\":").unwrap();
        drop(f);
        // the next run appends on a fresh line
        let mut rec2 = rec.clone();
        rec2.id = "other".into();
        rec2.url = Some("http://a.test/z".into());
        let mut j = Journal::new(&p);
        j.add(&rec2);
        j.commit().unwrap();
        let (k, bad) = Known::load(&p).unwrap();
        assert_eq!((k.len(), bad), (2, 1));
        assert!(k.has_url("http://a.test/z"));
        assert!(k.has_url("http://a.test/x") && k.has_url("http://a.test/x/"));
        assert!(k.has_id(&rec.id));
        let _ = std::fs::remove_dir_all(dir);
    }
}
