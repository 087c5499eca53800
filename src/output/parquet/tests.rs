//! The Parquet writer against the `parquet` crate's own reader: every field of a record
//! round-trips (nulls, empty and full lists, the map, nested structs), the schema has
//! exactly the record's fields, a record that does not fit is refused without harm, row
//! groups are bounded, and docs/output.md lists every column.

use super::schema::{self, Field, Kind};
use super::ParquetWriter;
use crate::model::{
    Article, CrawlInfo, DateSource, DuplicateOf, Extraction, HttpInfo, Image, Method, PageType, Removal,
};
use crate::output::OutputError;
use crate::Record;
use serde_json::{Map, Value};
use std::path::Path;

/// A record with every field set, lists and map non-empty.
pub(crate) fn full_record() -> Record {
    let s = |v: &str| Some(v.to_string());
    Record {
        id: "8f3a".into(),
        article: Article {
            url: s("https://news.test/a"),
            canonical_url: s("https://news.test/a?c"),
            site_name: s("News"),
            title: s("Title — with “quotes”"),
            page_type: PageType::Forum,
            text: "First paragraph.\n\nSecond, ünïcode ✓.".into(),
            markdown: s("First paragraph.\n\nSecond, ünïcode ✓."),
            article_html: s("<p>First paragraph.</p>\n<p>Second, ünïcode ✓.</p>\n"),
            images: vec![Image {
                url: "https://news.test/i.jpg".into(),
                alt: s("A photo"),
                caption: None,
            }],
            authors: vec!["Ana".into(), "Bo".into()],
            date_published: s("2026-11-02T10:00:00Z"),
            date_published_source: Some(DateSource::JsonLd),
            date_modified: s("2026-11-03"),
            date_modified_source: Some(DateSource::Meta),
            language: s("en"),
            description: s("desc"),
            image_url: s("https://news.test/i.jpg"),
            section: s("World"),
            tags: vec!["a".into(), "b".into(), "c".into()],
            breadcrumbs: vec!["Home".into(), "World".into()],
            extraction: Extraction {
                method: Method::Readability,
                removed: [("nav".to_string(), 3), ("share".to_string(), u32::MAX)].into(),
                explain: Some(vec![
                    Removal {
                        rule: "nav".into(),
                        text: "Menu".into(),
                    },
                    Removal {
                        rule: "share".into(),
                        text: "Share this".into(),
                    },
                ]),
                charset: "utf-8 (http)".into(),
                page_type_evidence: vec!["jsonld:discussionforumposting".into(), "markup:posts=12".into()],
            },
        },
        source_domain: s("news.test"),
        word_count: 5,
        content_hash: "0123abcd".into(),
        source_path: s("pages/a.html"),
        schema_version: crate::model::SCHEMA_VERSION,
        date_fetched: s("2026-11-04T00:00:00Z"),
        http: Some(HttpInfo::new(
            200,
            s("text/html; charset=utf-8"),
            s("\"etag\""),
            s("Tue, 03 Nov 2026 10:00:00 GMT"),
        )),
        crawl: Some(CrawlInfo {
            discovered_via: "sitemap".into(),
            depth: 1,
        }),
        revision: Some(2),
        duplicate_of: Some(DuplicateOf {
            id: "77aa".into(),
            url: "https://other.test/a".into(),
        }),
    }
}

/// A record of `extract` from a bare page: nulls, empty lists, an empty map, no crawl fields.
fn sparse_record() -> Record {
    Record {
        id: "1".into(),
        article: Article {
            url: None,
            canonical_url: None,
            site_name: None,
            title: None,
            page_type: PageType::Article,
            text: String::new(),
            markdown: None,
            article_html: None,
            images: Vec::new(),
            authors: vec![],
            date_published: None,
            date_published_source: None,
            date_modified: None,
            date_modified_source: None,
            language: None,
            description: None,
            image_url: None,
            section: None,
            tags: vec![],
            breadcrumbs: vec![],
            extraction: Extraction::default(),
        },
        source_domain: None,
        word_count: 0,
        content_hash: String::new(),
        source_path: None,
        schema_version: crate::model::SCHEMA_VERSION,
        date_fetched: None,
        http: None,
        crawl: None,
        revision: None,
        duplicate_of: None,
    }
}

/// The records of a Parquet file, read with the `parquet` crate.
pub(crate) fn read_back(path: &Path) -> Vec<Value> {
    super::read::values(path).expect("a readable Parquet file")
}

/// `v` without its null fields, at every depth: JSON leaves absent what Parquet stores null.
fn without_nulls(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

fn write(path: &Path, records: &[Value]) {
    let mut w = ParquetWriter::new(std::fs::File::create(path).unwrap()).unwrap();
    for r in records {
        w.push(r.clone()).unwrap();
    }
    w.close().unwrap();
}

/// Every field of `json` is in `fields` and the other way round, at every depth.
fn assert_same_fields(fields: &[Field], json: &Map<String, Value>, at: &str) {
    let mut schema: Vec<&str> = fields.iter().map(|f| f.name).collect();
    let mut record: Vec<&str> = json.keys().map(String::as_str).collect();
    schema.sort_unstable();
    record.sort_unstable();
    assert_eq!(schema, record, "the fields of {at}");
    for f in fields {
        let inner = match (f.kind, &json[f.name]) {
            (Kind::Struct(inner), Value::Object(o)) => Some((inner, o)),
            (Kind::List(Kind::Struct(inner)), Value::Array(items)) => {
                items.first().and_then(Value::as_object).map(|o| (*inner, o))
            }
            _ => None,
        };
        if let Some((inner, o)) = inner {
            assert_same_fields(inner, o, &format!("{at}.{}", f.name));
        }
    }
}

#[test]
fn the_schema_has_exactly_the_fields_of_a_record() {
    // Fails when a field is added to `Record` (or its parts) and not to the schema.
    let json = serde_json::to_value(full_record()).unwrap();
    let Value::Object(obj) = &json else {
        panic!("a record is an object");
    };
    assert_same_fields(schema::RECORD, obj, "record");
    assert_eq!(
        schema::message_type().unwrap().get_fields().len(),
        obj.len(),
        "one top-level column per field"
    );
}

#[test]
fn every_field_round_trips_through_the_parquet_reader() {
    let dir = crate::test_dir("parquet-round-trip");
    let path = dir.join("r.parquet");
    let mut with_empty_explain = sparse_record();
    with_empty_explain.article.extraction.explain = Some(vec![]);
    with_empty_explain.http = Some(HttpInfo::new(304, None, None, None));
    let records = [full_record(), sparse_record(), with_empty_explain, full_record()];
    let json: Vec<Value> = records.iter().map(|r| serde_json::to_value(r).unwrap()).collect();
    write(&path, &json);
    let back = read_back(&path);
    assert_eq!(back.len(), records.len());
    for ((got, want), rec) in back.into_iter().zip(json).zip(&records) {
        // Column by column: the same values; nulls where JSON leaves a field out.
        assert_eq!(without_nulls(got.clone()), without_nulls(want), "{}", rec.id);
        // And the same record when read as one.
        assert_eq!(&serde_json::from_value::<Record>(got).unwrap(), rec);
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_record_that_does_not_fit_is_refused_and_the_file_stays_whole() {
    let dir = crate::test_dir("parquet-misfit");
    let path = dir.join("m.parquet");
    let mut w = ParquetWriter::new(std::fs::File::create(&path).unwrap()).unwrap();
    let good = serde_json::to_value(full_record()).unwrap();
    let misfits = [
        ("new_field", Value::from("x"), "new_field"),
        ("word_count", Value::from(-1), "word_count"),
        ("title", Value::from(3), "title"),
        ("id", Value::Null, "id"),
    ];
    for (key, value, path_in_error) in misfits {
        let mut bad = good.clone();
        bad[key] = value;
        match w.push(bad) {
            Err(OutputError::Schema { path, .. }) => assert_eq!(path, path_in_error, "{key}"),
            other => panic!("{key}: {other:?}"),
        }
    }
    // A nested misfit, after some of the record's columns were already filled.
    let mut bad = good.clone();
    bad["crawl"]["depth"] = Value::from(u64::from(u32::MAX) + 1);
    assert!(matches!(w.push(bad), Err(OutputError::Schema { path, .. }) if path == "crawl.depth"));
    w.push(good.clone()).unwrap();
    w.close().unwrap();
    let back = read_back(&path);
    assert_eq!(back.len(), 1, "only the record that fits");
    assert_eq!(without_nulls(back[0].clone()), without_nulls(good));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn row_groups_are_written_as_the_buffers_fill() {
    use ::parquet::file::reader::{FileReader, SerializedFileReader};
    let dir = crate::test_dir("parquet-row-groups");
    let path = dir.join("g.parquet");
    let mut big = sparse_record();
    big.article.text = "x".repeat(1 << 20);
    let n = (super::ROW_GROUP_BYTES >> 20) + 3;
    let mut w = ParquetWriter::new(std::fs::File::create(&path).unwrap()).unwrap();
    for _ in 0..n {
        w.push(serde_json::to_value(&big).unwrap()).unwrap();
    }
    w.close().unwrap();
    let reader = SerializedFileReader::new(std::fs::File::open(&path).unwrap()).unwrap();
    let groups = reader.metadata().num_row_groups();
    assert_eq!(
        groups,
        2,
        "a full row group of {} MiB, then the rest",
        super::ROW_GROUP_BYTES >> 20
    );
    assert_eq!(reader.metadata().file_metadata().num_rows(), n as i64);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn docs_list_every_column() {
    let docs = include_str!("../../../docs/output.md");
    for (path, ty, nullable) in schema::columns_for_docs() {
        let row = format!("| `{path}` | {ty} | {} |", if nullable { "yes" } else { "no" });
        assert!(docs.contains(&row), "docs/output.md lacks the row: {row}");
    }
}
