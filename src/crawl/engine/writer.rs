//! The writer thread: the one place records reach the [`Sink`] and the WARC archive, in
//! order. It decides, per record, whether its text duplicates an earlier one (marked with
//! `duplicate_of`, or left out with `--drop-duplicates`), and when to commit: every
//! [`CHECKPOINT_RECORDS`] records, every [`CHECKPOINT_EVERY`] or when the sink's shard is
//! full, the output is made durable and, in the same state transaction that publishes it,
//! its articles become written. A record whose output is not durable is never marked
//! written, so a crash makes the next run fetch it again (exactly-once with shards).
//!
//! Every fetched page's [`PageEntry`] comes here too (with its record, or alone): it goes to
//! the sink and to the `--page-log` file after the record's fate is known, so its `written`
//! is true only for a record that reached the sink.
//!
//! In: [`Out`] messages from the crawl's tasks. Out: sink calls, page-log lines and state
//! commits. Fetches and extracts nothing.

use super::sink::Sink;
use crate::crawl::archive::{Archive, Exchange};
use crate::crawl::dedup;
use crate::crawl::page_log::{NotWritten, PageEntry, PageLog};
use crate::crawl::state::store::{Outcome, StateStore, Written};
use crate::crawl::stats::{ErrorRecord, Stats};
use crate::model::{DuplicateOf, Record};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// Records written between two checkpoints of the state: a crash repeats at most this many
/// fetches, and a commit costs one transaction per this many records.
pub const CHECKPOINT_RECORDS: usize = 200;
/// Longest time between two checkpoints of the state, so a slow crawl's records become
/// durable (and visible in `-o FILE`) within seconds.
pub const CHECKPOINT_EVERY: Duration = Duration::from_secs(10);

/// A record on its way to the writer, with what the state needs when it is committed.
pub struct Made {
    /// The record.
    pub record: Record,
    /// The frontier's URL of the page (the record's `url` may differ after a redirect).
    pub url: String,
    /// MinHash signature of the text (empty for short texts).
    pub signature: Vec<u32>,
    /// The page's page-log entry (written unless the writer drops the record).
    pub entry: PageEntry,
}

/// What the crawl's tasks send the writer.
pub enum Out {
    /// An article record.
    Record(Box<Made>),
    /// A failed URL.
    Error(ErrorRecord),
    /// A fetched page without a record: its page-log entry.
    Page(Box<PageEntry>),
    /// A request and its response, for the WARC archive.
    Exchange(Box<Exchange>),
    /// The crawl is over: commit and finish.
    Done,
}

/// The writer's state; [`Writer::run`] on its own thread.
pub struct Writer {
    sink: Box<dyn Sink>,
    archive: Option<Archive>,
    /// `--page-log`.
    page_log: Option<PageLog>,
    store: Arc<dyn StateStore>,
    stats: Arc<Mutex<Stats>>,
    /// `--drop-duplicates`.
    drop_duplicates: bool,
    /// Records written since the last commit: they become written in the state only once
    /// the output holding them is durable.
    uncommitted: Vec<Written>,
    last_checkpoint: Instant,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

impl Writer {
    /// A writer to `sink` (and `archive`), committing to `store`.
    pub fn new(
        sink: Box<dyn Sink>,
        archive: Option<Archive>,
        store: Arc<dyn StateStore>,
        stats: Arc<Mutex<Stats>>,
        drop_duplicates: bool,
    ) -> Writer {
        Writer {
            sink,
            archive,
            page_log: None,
            store,
            stats,
            drop_duplicates,
            uncommitted: Vec::new(),
            last_checkpoint: Instant::now(),
        }
    }

    /// Also write every page entry to `log` (`--page-log`).
    pub fn with_page_log(mut self, log: Option<PageLog>) -> Writer {
        self.page_log = log;
        self
    }

    /// Write what arrives until [`Out::Done`], then commit what is left and finish the
    /// sink. On the first output error `output_failed` is called (the crawl stops) and the
    /// writer keeps draining the channel, so no task waits on it forever; only records
    /// whose output is durable become state.
    pub fn run(mut self, mut rx: mpsc::Receiver<Out>, output_failed: impl Fn()) -> std::io::Result<()> {
        let mut result = Ok(());
        while let Some(o) = rx.blocking_recv() {
            let r = match o {
                Out::Record(made) => self.write_record(*made),
                Out::Error(e) => self.sink.error(&e),
                Out::Page(e) => self.page(&e),
                // Each record goes to the file whole, in one write: nothing to flush later.
                Out::Exchange(ex) => self.archive.as_mut().map_or(Ok(()), |a| a.write(&ex)),
                Out::Done => break,
            };
            let r = r.and_then(|()| {
                if result.is_ok() && self.checkpoint_due() {
                    self.last_checkpoint = Instant::now();
                    self.commit(false)
                } else {
                    Ok(())
                }
            });
            if let Err(e) = r {
                // Output is gone (disk full, closed pipe): stop crawling, keep draining.
                output_failed();
                if result.is_ok() {
                    result = Err(e);
                }
            }
        }
        let end = if result.is_ok() {
            self.commit(true)
        } else {
            self.sink.finish().map(|_| ())
        };
        let log = self.page_log.take().map_or(Ok(()), PageLog::finish);
        result.and(end).and(log)
    }

    /// A checkpoint is due: the sink wants one (a full shard), or enough records or time
    /// went by since the last.
    fn checkpoint_due(&self) -> bool {
        self.sink.rotate_due()
            || self.uncommitted.len() >= CHECKPOINT_RECORDS
            || !self.uncommitted.is_empty() && self.last_checkpoint.elapsed() >= CHECKPOINT_EVERY
    }

    /// A page's entry, to the sink and the page log.
    fn page(&mut self, e: &PageEntry) -> std::io::Result<()> {
        self.sink.page(e)?;
        match &mut self.page_log {
            Some(log) => log.write(e),
            None => Ok(()),
        }
    }

    /// Write one record (first asked whether its text duplicates one written before), then
    /// its page's entry.
    fn write_record(&mut self, made: Made) -> std::io::Result<()> {
        let Made {
            mut record,
            url,
            signature,
            mut entry,
        } = made;
        let dup = duplicate_of(&record, &signature, &self.uncommitted, self.store.as_ref());
        let duplicate = dup.is_some();
        if let Some(d) = dup {
            lock(&self.stats).near_duplicates += 1;
            if self.drop_duplicates {
                let _ = self
                    .store
                    .outcome(&url, Outcome::Done { listing: false }, unix_now());
                entry.not_written(NotWritten::Duplicate);
                return self.page(&entry);
            }
            record.duplicate_of = Some(d);
        }
        self.sink.record(&record)?;
        self.uncommitted.push(Written {
            url,
            id: record.id.clone(),
            content_hash: record.content_hash.clone(),
            revision: record.revision.unwrap_or(1),
            signature,
            duplicate,
        });
        self.page(&entry)
    }

    /// Make the output durable (`sink.checkpoint`, or `sink.finish` at the end) and the
    /// records in it written in the state, in one step with publishing a complete shard.
    fn commit(&mut self, end: bool) -> std::io::Result<()> {
        let publish = if end {
            Some(self.sink.finish()?)
        } else {
            self.sink.checkpoint()?
        };
        let Some(mut publish) = publish else {
            return Ok(());
        };
        let shard = publish.name.clone();
        self.store
            .commit(
                &self.uncommitted,
                shard.as_deref(),
                &mut || publish.run(),
                unix_now(),
            )
            .map_err(std::io::Error::other)?;
        let mut st = lock(&self.stats);
        st.committed += self.uncommitted.len() as u64;
        if shard.is_some() {
            st.shards += 1;
        }
        self.uncommitted.clear();
        Ok(())
    }
}

/// The earlier record this one's text duplicates: the same content hash, or a MinHash
/// similarity of at least [`dedup::NEAR_THRESHOLD`] (the committed ones first, then this
/// run's uncommitted ones). A record is never a duplicate of itself (a revision).
fn duplicate_of(
    record: &Record,
    signature: &[u32],
    uncommitted: &[Written],
    store: &dyn StateStore,
) -> Option<DuplicateOf> {
    let bands = dedup::bands(signature);
    let same = |hash: &str, sig: &[u32]| {
        hash == record.content_hash || dedup::similarity(sig, signature) >= dedup::NEAR_THRESHOLD
    };
    let committed = store.candidates(&record.content_hash, &bands).unwrap_or_default();
    let hit = committed
        .iter()
        .filter(|c| c.id != record.id && same(&c.content_hash, &c.signature))
        .map(|c| (c.id.clone(), c.url.clone()))
        .next()
        .or_else(|| {
            uncommitted
                .iter()
                .find(|w| !w.duplicate && w.id != record.id && same(&w.content_hash, &w.signature))
                .map(|w| (w.id.clone(), w.url.clone()))
        });
    hit.map(|(id, url)| DuplicateOf { id, url })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crawl::engine::sink::Publish;
    use crate::crawl::state::memory::MemoryStore;
    use crate::model::PageType;
    use std::sync::atomic::{AtomicBool, Ordering};

    /// What the test sink saw and how it answers checkpoints.
    #[derive(Default)]
    struct Seen {
        records: Vec<Record>,
        pages: Vec<PageEntry>,
        checkpoints: usize,
        finished: bool,
    }

    /// A sink that keeps records; `shards` makes each checkpoint publish a shard (after
    /// `hold` checkpoints answered "not durable yet"); `fail_publish` makes publishing fail.
    struct TestSink {
        seen: Arc<Mutex<Seen>>,
        shards: bool,
        hold: usize,
        fail_publish: bool,
    }

    impl TestSink {
        fn new(seen: &Arc<Mutex<Seen>>) -> TestSink {
            TestSink {
                seen: seen.clone(),
                shards: false,
                hold: 0,
                fail_publish: false,
            }
        }

        fn publish(&self, n: usize) -> Publish {
            if !self.shards {
                return Publish::none();
            }
            let fail = self.fail_publish;
            Publish::shard(format!("part-{n:05}"), move || {
                if fail {
                    Err(std::io::Error::other("disk full"))
                } else {
                    Ok(())
                }
            })
        }
    }

    impl Sink for TestSink {
        fn record(&mut self, r: &Record) -> std::io::Result<()> {
            lock(&self.seen).records.push(r.clone());
            Ok(())
        }
        fn error(&mut self, _: &ErrorRecord) -> std::io::Result<()> {
            Ok(())
        }
        fn page(&mut self, e: &PageEntry) -> std::io::Result<()> {
            lock(&self.seen).pages.push(e.clone());
            Ok(())
        }
        fn checkpoint(&mut self) -> std::io::Result<Option<Publish>> {
            let n = {
                let mut s = lock(&self.seen);
                s.checkpoints += 1;
                s.checkpoints
            };
            Ok((n > self.hold).then(|| self.publish(n)))
        }
        fn finish(&mut self) -> std::io::Result<Publish> {
            lock(&self.seen).finished = true;
            Ok(self.publish(0))
        }
    }

    fn record(id: &str, text: &str) -> Record {
        let mut r = crate::record::to_record(
            crate::model::Article {
                text: text.to_string(),
                ..Default::default()
            },
            None,
        );
        r.id = id.to_string();
        r.article.url = Some(format!("http://a.test/{id}"));
        r
    }

    fn made(id: &str, text: &str) -> Out {
        let r = record(id, text);
        let url = format!("http://a.test/{id}");
        let entry = PageEntry::read(
            url.clone(),
            url.clone(),
            200,
            PageType::Article,
            vec!["test".into()],
            None,
        );
        Out::Record(Box::new(Made {
            signature: dedup::signature(&r.article.text),
            url,
            record: r,
            entry,
        }))
    }

    const TEXT: &str = "The council voted on Tuesday to close the old bridge for repairs that \
        will last most of the winter, the mayor said, while a ferry takes cars across the river \
        and buses run every twenty minutes between the two banks until the spring.";

    /// Run a writer over `outs` (then `Done`); the store, what the sink saw, the stats, the
    /// result and whether the crawl was told the output failed.
    fn write(sink: TestSink, drop_duplicates: bool, outs: Vec<Out>) -> (Arc<MemoryStore>, Stats, bool, bool) {
        let store = Arc::new(MemoryStore::new());
        let stats = Arc::new(Mutex::new(Stats::default()));
        let w = Writer::new(
            Box::new(sink),
            None,
            store.clone(),
            stats.clone(),
            drop_duplicates,
        );
        let (tx, rx) = mpsc::channel(outs.len() + 1);
        for o in outs {
            assert!(tx.try_send(o).is_ok());
        }
        assert!(tx.try_send(Out::Done).is_ok());
        let failed = AtomicBool::new(false);
        let ok = w.run(rx, || failed.store(true, Ordering::SeqCst)).is_ok();
        let st = lock(&stats).clone();
        (store, st, ok, failed.load(Ordering::SeqCst))
    }

    #[test]
    fn a_second_copy_is_marked_or_dropped_and_a_revision_is_not_a_copy() {
        let seen = Arc::new(Mutex::new(Seen::default()));
        let (store, st, ok, _) = write(
            TestSink::new(&seen),
            false,
            vec![made("a", TEXT), made("b", TEXT), made("a", TEXT)],
        );
        assert!(ok);
        let recs = &lock(&seen).records;
        assert_eq!(recs.len(), 3);
        assert_eq!(recs[0].duplicate_of, None);
        assert_eq!(recs[1].duplicate_of.as_ref().map(|d| d.id.as_str()), Some("a"));
        assert_eq!(recs[2].duplicate_of, None, "a revision of `a` is no copy of `a`");
        assert_eq!((st.near_duplicates, st.committed), (1, 3));
        assert_eq!(store.summary().unwrap().written, 3, "the copy is written too");
        assert!(store.has_record("a").unwrap());

        let seen = Arc::new(Mutex::new(Seen::default()));
        let (store, st, ok, _) = write(TestSink::new(&seen), true, vec![made("a", TEXT), made("b", TEXT)]);
        assert!(ok);
        assert_eq!(lock(&seen).records.len(), 1, "the copy is left out");
        assert_eq!((st.near_duplicates, st.committed), (1, 1));
        assert!(!store.has_record("b").unwrap());
        assert_eq!(store.summary().unwrap().done, 1, "the copy's URL is done");
        let pages: Vec<(bool, Option<NotWritten>)> =
            lock(&seen).pages.iter().map(|p| (p.written, p.reason)).collect();
        assert_eq!(pages, [(true, None), (false, Some(NotWritten::Duplicate))]);
    }

    #[test]
    fn every_page_entry_reaches_the_sink_and_the_page_log_in_whole_lines() {
        let dir = crate::test_dir("writer-page-log");
        let path = dir.join("pages.jsonl");
        let seen = Arc::new(Mutex::new(Seen::default()));
        let store = Arc::new(MemoryStore::new());
        let stats = Arc::new(Mutex::new(Stats::default()));
        let w = Writer::new(Box::new(TestSink::new(&seen)), None, store, stats, false)
            .with_page_log(Some(PageLog::create(&path).unwrap()));
        let unread = PageEntry::unread(
            "http://a.test/x".into(),
            "http://a.test/x".into(),
            Some(304),
            NotWritten::NotModified,
            None,
        );
        let (tx, rx) = mpsc::channel(4);
        assert!(tx.try_send(made("a", TEXT)).is_ok());
        assert!(tx.try_send(Out::Page(Box::new(unread))).is_ok());
        assert!(tx.try_send(Out::Done).is_ok());
        w.run(rx, || {}).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<PageEntry> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines, lock(&seen).pages);
        assert_eq!(lines.len(), 2);
        assert!(lines[0].written && !lines[1].written);
        assert!(text.ends_with('\n'));
    }

    #[test]
    fn records_are_committed_only_once_their_output_is_durable() {
        // Checkpoints after CHECKPOINT_RECORDS records; the first one's shard is not complete.
        let seen = Arc::new(Mutex::new(Seen::default()));
        let mut sink = TestSink::new(&seen);
        sink.shards = true;
        sink.hold = 1;
        let store = Arc::new(MemoryStore::new());
        let stats = Arc::new(Mutex::new(Stats::default()));
        let mut w = Writer::new(Box::new(sink), None, store.clone(), stats.clone(), false);
        for o in (0..CHECKPOINT_RECORDS).map(|i| made(&format!("r{i}"), &format!("{TEXT} {i}"))) {
            let Out::Record(m) = o else { unreachable!() };
            w.write_record(*m).unwrap();
        }
        assert!(w.checkpoint_due());
        w.commit(false).unwrap();
        assert_eq!(lock(&seen).checkpoints, 1);
        assert!(
            !store.has_record("r0").unwrap(),
            "the shard in progress holds them"
        );
        assert_eq!(w.uncommitted.len(), CHECKPOINT_RECORDS);
        w.commit(false).unwrap();
        assert!(
            store.has_record("r0").unwrap(),
            "committed with the complete shard"
        );
        assert!(w.uncommitted.is_empty() && !w.checkpoint_due());
        let st = lock(&stats).clone();
        assert_eq!((st.committed, st.shards), (CHECKPOINT_RECORDS as u64, 1));
        assert_eq!(store.shards().unwrap().len(), 1);
    }

    #[test]
    fn a_failed_publish_commits_nothing_and_stops_the_crawl() {
        let seen = Arc::new(Mutex::new(Seen::default()));
        let mut sink = TestSink::new(&seen);
        sink.shards = true;
        sink.fail_publish = true;
        let outs = (0..CHECKPOINT_RECORDS + 1)
            .map(|i| made(&format!("r{i}"), &format!("{TEXT} {i}")))
            .collect();
        let (store, st, ok, failed) = write(sink, false, outs);
        assert!(!ok && failed);
        assert!(!store.has_record("r0").unwrap());
        assert_eq!((st.committed, st.shards), (0, 0));
        assert!(lock(&seen).finished, "the output is still ended");
    }
}
