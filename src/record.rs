//! Article → Record: adds the stable id, the content hash, the source domain, the word
//! count and the schema version (and, for a fetched page, the fetch). Blank strings become
//! `null`. In: an [`Article`]. Out: a [`Record`]; writing it is the output's job.

use crate::html::text;
use crate::model::{Article, HttpInfo, Record, SCHEMA_VERSION};
use sha2::{Digest, Sha256};

/// Hex characters kept of the SHA-256 for `id`.
const ID_HEX: usize = 16;
/// Hex characters kept of the SHA-256 for `content_hash`.
const HASH_HEX: usize = 32;

fn sha_hex(s: &str, n: usize) -> String {
    let digest = Sha256::digest(s.as_bytes());
    let mut out = String::with_capacity(n);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
        if out.len() >= n {
            break;
        }
    }
    out.truncate(n);
    out
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

/// Host without `www.`.
pub fn source_domain(url: &str) -> Option<String> {
    let u = url::Url::parse(url).ok()?;
    let h = u.host_str()?.to_lowercase();
    Some(h.strip_prefix("www.").unwrap_or(&h).to_string())
}

/// Build the record of an article; `source_path` names the file it came from.
pub fn to_record(mut a: Article, source_path: Option<String>) -> Record {
    let key_url = a.canonical_url.clone().or_else(|| a.url.clone());
    let content_hash = sha_hex(&a.text, HASH_HEX);
    let id = match &key_url {
        Some(u) => sha_hex(u, ID_HEX),
        None => sha_hex(&a.text, ID_HEX),
    };
    let source_domain = key_url.as_deref().and_then(source_domain);
    for field in [
        &mut a.url,
        &mut a.canonical_url,
        &mut a.site_name,
        &mut a.title,
        &mut a.date_published,
        &mut a.date_modified,
        &mut a.language,
        &mut a.description,
        &mut a.image_url,
        &mut a.section,
    ] {
        *field = non_empty(field.take());
    }
    Record {
        id,
        source_domain,
        word_count: text::word_count(&a.text),
        content_hash,
        source_path,
        schema_version: SCHEMA_VERSION,
        date_fetched: None,
        http: None,
        crawl: None,
        revision: None,
        duplicate_of: None,
        article: a,
    }
}

/// The record of a fetched page (crawled, or read from a WARC archive): [`to_record`] with
/// when it was fetched and the HTTP response it came in.
pub fn to_fetched_record(
    a: Article,
    source_path: Option<String>,
    date_fetched: Option<String>,
    http: HttpInfo,
) -> Record {
    Record {
        date_fetched,
        http: Some(http),
        ..to_record(a, source_path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_is_stable_and_empty_is_null() {
        let a = Article {
            url: Some("https://www.example.test/a".into()),
            title: Some("  ".into()),
            text: "Hello world".into(),
            ..Default::default()
        };
        let r1 = to_record(a.clone(), None);
        let r2 = to_record(a, None);
        assert_eq!(r1.id, r2.id);
        assert_eq!(r1.id.len(), ID_HEX);
        assert_eq!(r1.article.title, None);
        assert_eq!(r1.source_domain.as_deref(), Some("example.test"));
        assert_eq!(r1.word_count, 2);
    }

    #[test]
    fn json_keys_come_in_schema_order_and_read_back() {
        use crate::model::{DateSource, Extraction, Method};
        let a = Article {
            url: Some("https://x.test/a".into()),
            text: "Body text".into(),
            date_published: Some("2024-01-01".into()),
            date_published_source: Some(DateSource::Meta),
            extraction: Extraction {
                method: Method::Site("x.test.toml".into()),
                ..Default::default()
            },
            ..Default::default()
        };
        let http = HttpInfo::new(200, Some("text/html; charset=UTF-8".into()), None, None);
        let mut r = to_fetched_record(
            a,
            Some("p.html".into()),
            Some("2024-01-02T00:00:00Z".into()),
            http,
        );
        r.revision = Some(2);
        let json = serde_json::to_string(&r).expect("serialises");
        let keys = [
            "id",
            "url",
            "canonical_url",
            "source_domain",
            "site_name",
            "title",
            "page_type",
            "text",
            "authors",
            "date_published",
            "date_published_source",
            "date_modified",
            "date_modified_source",
            "language",
            "description",
            "image_url",
            "section",
            "tags",
            "breadcrumbs",
            "word_count",
            "content_hash",
            "source_path",
            "extraction",
            "schema_version",
            "date_fetched",
            "http",
            "revision",
        ];
        let at: Vec<usize> = keys
            .iter()
            .map(|k| {
                json.find(&format!("\"{k}\":"))
                    .unwrap_or_else(|| panic!("{k} in {json}"))
            })
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{json}");
        assert!(!json.contains("\"crawl\":") && !json.contains("\"duplicate_of\":"));
        assert!(json.contains(r#""date_published_source":"meta""#), "{json}");
        assert!(json.contains(r#""method":"site:x.test.toml""#), "{json}");
        let back: Record = serde_json::from_str(&json).expect("reads back");
        assert_eq!(back, r);
    }

    #[test]
    fn page_types_are_written_lowercase_and_old_records_read_as_articles() {
        use crate::model::PageType;
        let mut a = Article {
            text: "Body text".into(),
            page_type: PageType::Documentation,
            ..Default::default()
        };
        a.extraction.page_type_evidence = vec!["url:docs".into()];
        let json = serde_json::to_value(to_record(a, None)).expect("serialises");
        assert_eq!(json["page_type"], "documentation");
        assert_eq!(json["extraction"]["page_type_evidence"][0], "url:docs");
        for t in PageType::ALL {
            let name = serde_json::to_value(t).expect("serialises");
            assert_eq!(name, t.as_str());
            assert_eq!(t.as_str().parse::<PageType>(), Ok(t));
        }
        // A record of schema v1 from before the field: no `page_type`, no evidence.
        let mut old = json;
        let obj = old.as_object_mut().expect("an object");
        obj.remove("page_type");
        obj["extraction"]
            .as_object_mut()
            .expect("an object")
            .remove("page_type_evidence");
        let back: Record = serde_json::from_value(old).expect("an old record reads");
        assert_eq!(back.article.page_type, PageType::Article);
        assert!(back.article.extraction.page_type_evidence.is_empty());
    }
}
