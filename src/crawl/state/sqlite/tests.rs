//! The SQLite store's tests: frontier order, the seen-set and rounds, failure backoff, a
//! failed publish, and migrations (schema version 1, a JSON Lines state).

use super::*;
use crate::crawl::dedup;
use crate::crawl::state::item::{Kind, Via};
use crate::crawl::state::store::{Outcome, Push, StateStore, Written};
use std::path::PathBuf;
use std::time::Duration;

fn item(url: &str, kind: Kind, via: Via) -> Item {
    Item::new(url::Url::parse(url).expect("url"), kind, via, 1)
}

fn open(name: &str) -> (SqliteStore, PathBuf) {
    let dir = crate::test_dir("sqlite");
    let p = dir.join(name);
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", p.display()));
    }
    let (s, o) = SqliteStore::open(&p).expect("open");
    assert!(o.created);
    (s, p)
}

fn w(url: &str, id: &str, hash: &str) -> Written {
    Written {
        url: url.into(),
        id: id.into(),
        content_hash: hash.into(),
        revision: 1,
        signature: Vec::new(),
        duplicate: false,
    }
}

#[test]
fn frontier_order_seen_set_and_rounds() {
    let (s, p) = open("rounds.db");
    let start = s.begin(1_000, None).expect("begin");
    assert_eq!((start.round, start.continued), (1, false));
    let a = item("http://h.test/a", Kind::Page, Via::Link);
    let sm = item("http://h.test/sitemap.xml", Kind::Sitemap, Via::Sitemap);
    let pushed = s
        .push_many(&[
            ("h.test".into(), a.clone()),
            ("h.test".into(), sm.clone()),
            ("h.test".into(), a.clone()),
        ])
        .expect("push");
    assert_eq!(pushed, vec![Push::Queued, Push::Queued, Push::Seen]);
    // Priority first: the sitemap before the link.
    let (first, hist) = s.pop("h.test").expect("pop").expect("item");
    assert_eq!(first.url.as_str(), "http://h.test/sitemap.xml");
    assert!(hist.is_none(), "never fetched");
    s.response(sm.url.as_str(), 200, Some("\"v1\""), None, 1_001)
        .expect("response");
    s.outcome(sm.url.as_str(), Outcome::Done { listing: false }, 1_001)
        .expect("outcome");
    // A kill with the link in flight: the next run continues the round with it queued.
    let (_link, _) = s.pop("h.test").expect("pop").expect("item");
    drop(s);
    let (s, _) = SqliteStore::open(&p).expect("reopen");
    let start = s.begin(1_002, None).expect("begin");
    assert_eq!((start.round, start.continued), (1, true));
    assert_eq!(start.queued, vec![("h.test".to_string(), 1)]);
    assert_eq!(
        s.push_many(&[("h.test".into(), sm.clone())]).expect("push"),
        vec![Push::Seen]
    );
    let (link, _) = s.pop("h.test").expect("pop").expect("item");
    s.response(
        link.url.as_str(),
        200,
        None,
        Some("Tue, 01 Dec 2026 10:00:00 GMT"),
        1_003,
    )
    .expect("response");
    s.outcome(link.url.as_str(), Outcome::Pending, 1_003)
        .expect("pending");
    s.commit(&[w(link.url.as_str(), "id-a", "h1")], None, &mut || Ok(()), 1_003)
        .expect("commit");
    assert!(s.has_record("id-a").expect("has"));
    // A new round: the sitemap is queued again (with its validators), the article not.
    let start = s.begin(2_000, None).expect("begin");
    assert_eq!((start.round, start.continued), (2, false));
    let pushed = s
        .push_many(&[
            ("h.test".into(), sm.clone()),
            ("h.test".into(), a.clone()),
            ("h.test".into(), a.clone()),
        ])
        .expect("push");
    assert_eq!(pushed, vec![Push::Queued, Push::Written, Push::Seen]);
    let (_, hist) = s.pop("h.test").expect("pop").expect("sitemap");
    assert_eq!(hist.and_then(|h| h.etag).as_deref(), Some("\"v1\""));
    assert!(s.pop("h.test").expect("pop").is_none());
    s.response(sm.url.as_str(), 304, None, None, 2_001).expect("304");
    s.outcome(sm.url.as_str(), Outcome::Done { listing: false }, 2_001)
        .expect("done");
    // --recrawl-after: the written article comes back in the next round, with its record.
    let start = s.begin(3_000, Some(Duration::from_secs(0))).expect("begin");
    assert_eq!(start.recrawl, 1);
    let (again, hist) = s.pop("h.test").expect("pop").expect("recrawl");
    assert_eq!(again.url.as_str(), "http://h.test/a");
    let hist = hist.expect("history");
    assert_eq!(
        (
            hist.record_id.as_deref(),
            hist.content_hash.as_deref(),
            hist.revision
        ),
        (Some("id-a"), Some("h1"), 1)
    );
    // Unchanged: it stays written.
    s.outcome(again.url.as_str(), Outcome::Done { listing: false }, 3_001)
        .expect("done");
    assert_eq!(s.summary().expect("summary").written, 1);
}

#[test]
fn failures_back_off_across_rounds() {
    let (s, _) = open("failures.db");
    s.begin(0, None).expect("begin");
    let a = item("http://h.test/broken", Kind::Page, Via::Link);
    s.push_many(&[("h.test".into(), a.clone())]).expect("push");
    s.pop("h.test").expect("pop");
    s.outcome(a.url.as_str(), Outcome::Failed, 100).expect("failed");
    s.begin(200, None).expect("new round");
    // Within the hour of backoff: seen, not retried.
    assert_eq!(
        s.push_many(&[("h.test".into(), a.clone())]).expect("push"),
        vec![Push::Seen]
    );
    s.begin(100 + 3_600, None).expect("new round");
    assert_eq!(
        s.push_many(&[("h.test".into(), a.clone())]).expect("push"),
        vec![Push::Queued]
    );
    assert_eq!(s.summary().expect("summary").failed, 0, "queued again");
}

#[test]
fn a_failed_publish_changes_nothing_and_shards_robots_blocks_are_kept() {
    let (s, _) = open("commit.db");
    s.begin(0, None).expect("begin");
    let a = item("http://h.test/a", Kind::Page, Via::Link);
    s.push_many(&[("h.test".into(), a.clone())]).expect("push");
    s.pop("h.test").expect("pop");
    s.outcome(a.url.as_str(), Outcome::Pending, 1).expect("pending");
    let err = s.commit(
        &[w(a.url.as_str(), "id-a", "h")],
        Some("part-00000.jsonl"),
        &mut || Err(std::io::Error::other("disk full")),
        1,
    );
    assert!(matches!(err, Err(StoreError::Publish(_))));
    assert!(!s.has_record("id-a").expect("has"));
    assert!(s.shards().expect("shards").is_empty());
    let mut sig = vec![7u32; dedup::SIGNATURE_LEN];
    sig[0] = 1;
    let mut written = w(a.url.as_str(), "id-a", "h");
    written.signature = sig.clone();
    let mut published = false;
    s.commit(
        &[written],
        Some("part-00000.jsonl"),
        &mut || {
            published = true;
            Ok(())
        },
        2,
    )
    .expect("commit");
    assert!(published);
    assert_eq!(
        s.shards().expect("shards"),
        ["part-00000.jsonl".to_string()].into()
    );
    let c = s
        .candidates("other-hash", &dedup::bands(&sig))
        .expect("candidates");
    assert_eq!(c.len(), 1);
    assert_eq!((c[0].id.as_str(), c[0].signature.clone()), ("id-a", sig.clone()));
    assert_eq!(s.candidates("h", &[]).expect("by hash").len(), 1);
    // Copies of it are written but not indexed: a later copy is compared with the
    // original only, however many copies there are.
    let copies: Vec<Written> = (0..5)
        .map(|i| {
            let mut c = w(&format!("http://h.test/copy{i}"), &format!("copy-{i}"), "h");
            c.signature = sig.clone();
            c.duplicate = true;
            c
        })
        .collect();
    s.commit(&copies, None, &mut || Ok(()), 3).expect("commit copies");
    let c = s.candidates("h", &dedup::bands(&sig)).expect("candidates");
    assert_eq!(c.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), vec!["id-a"]);
    s.set_robots("h.test", b"User-agent: *\nDisallow: /x", 5)
        .expect("robots");
    assert_eq!(
        s.robots("h.test").expect("robots"),
        Some((b"User-agent: *\nDisallow: /x".to_vec(), 5))
    );
    s.block("h.test", 100).expect("block");
    s.block("h.test", 50)
        .expect("an earlier block does not shorten it");
    assert_eq!(s.blocks(10).expect("blocks"), vec![("h.test".to_string(), 100)]);
    assert!(s.blocks(100).expect("blocks").is_empty());
    let sum = s.summary().expect("summary");
    assert_eq!(
        (sum.written, sum.shards, sum.schema_version),
        (1, 1, SCHEMA_VERSION)
    );
    assert_eq!(sum.hosts[0].blocked_until, Some(100));
}

#[test]
fn a_version_1_state_is_migrated_to_the_partial_index() {
    let (s, p) = open("v1.db");
    s.begin(0, None).expect("begin");
    let a = item("http://h.test/a", Kind::Page, Via::Link);
    s.push_many(&[("h.test".into(), a.clone())]).expect("push");
    drop(s);
    // Turn it into what version 1 wrote.
    let conn = Connection::open(&p).expect("raw");
    conn.execute_batch(
        "DROP INDEX urls_state; CREATE INDEX urls_state ON urls(state, host);
         UPDATE meta SET value = '1' WHERE key = 'schema_version';",
    )
    .expect("v1");
    drop(conn);
    let (s, _) = SqliteStore::open(&p).expect("migrate");
    assert_eq!(s.summary().expect("summary").schema_version, SCHEMA_VERSION);
    let conn = s.lock();
    let sql: String = conn
        .query_row(
            "SELECT sql FROM sqlite_master WHERE name = 'urls_state'",
            [],
            |r| r.get(0),
        )
        .expect("index");
    assert!(sql.contains("WHERE state <> 0"), "{sql}");
    // The queries that filter on state use it.
    let plan: String = conn
        .query_row(
            "EXPLAIN QUERY PLAN UPDATE urls SET state = 0 WHERE state IN (1, 5) AND state <> 0",
            [],
            |r| r.get(3),
        )
        .expect("plan");
    assert!(plan.contains("urls_state"), "{plan}");
    drop(conn);
    assert_eq!(s.summary().expect("summary").queued, 1, "the frontier survived");
}

#[test]
fn a_json_lines_state_is_migrated_and_kept() {
    let dir = crate::test_dir("sqlite-migrate");
    let p = dir.join("state.jsonl");
    let _ = std::fs::remove_file(dir.join("state.jsonl.bak"));
    std::fs::write(
        &p,
        "{\"url\":\"http://h.test/a\",\"canonical_url\":\"http://h.test/a/\",\"id\":\"id-a\",\"date_fetched\":null}\n",
    )
    .expect("write");
    let (s, opened) = SqliteStore::open(&p).expect("open");
    assert_eq!(opened.migrated.as_ref().map(|m| m.0), Some(1));
    assert!(dir.join("state.jsonl.bak").exists());
    s.begin(0, None).expect("begin");
    for u in ["http://h.test/a", "http://h.test/a/"] {
        let pushed = s
            .push_many(&[("h.test".into(), item(u, Kind::Page, Via::Link))])
            .expect("push");
        assert_eq!(pushed, vec![Push::Written], "{u}");
    }
    assert!(s.has_record("id-a").expect("has"));
    // A newer schema is refused with a clear message.
    drop(s);
    let conn = Connection::open(&p).expect("raw");
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'", [])
        .expect("bump");
    drop(conn);
    let err = SqliteStore::open(&p).err().expect("refused").to_string();
    assert!(err.contains("newer than this build"), "{err}");
}
