//! Article → Record: adds the stable id, the content hash, the source domain, the word
//! count and the schema version. Empty strings become `null`.

use crate::html::text;
use crate::model::{Article, Record, SCHEMA_VERSION};
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
pub fn to_record(a: Article, source_path: Option<String>) -> Record {
    let key_url = a.canonical_url.clone().or_else(|| a.url.clone());
    let content_hash = sha_hex(&a.text, HASH_HEX);
    let id = match &key_url {
        Some(u) => sha_hex(u, ID_HEX),
        None => sha_hex(&a.text, ID_HEX),
    };
    let source_domain = key_url.as_deref().and_then(source_domain);
    Record {
        id,
        url: non_empty(a.url),
        canonical_url: non_empty(a.canonical_url),
        source_domain,
        site_name: non_empty(a.site_name),
        title: non_empty(a.title),
        word_count: text::word_count(&a.text),
        text: a.text,
        authors: a.authors,
        date_published: non_empty(a.date_published),
        date_published_source: non_empty(a.date_published_source),
        date_modified: non_empty(a.date_modified),
        date_modified_source: non_empty(a.date_modified_source),
        language: non_empty(a.language),
        description: non_empty(a.description),
        image_url: non_empty(a.image_url),
        section: non_empty(a.section),
        tags: a.tags,
        breadcrumbs: a.breadcrumbs,
        content_hash,
        source_path,
        extraction: a.extraction,
        schema_version: SCHEMA_VERSION,
        date_fetched: None,
        http: None,
        crawl: None,
        revision: None,
        duplicate_of: None,
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
        assert_eq!(r1.title, None);
        assert_eq!(r1.source_domain.as_deref(), Some("example.test"));
        assert_eq!(r1.word_count, 2);
    }
}
