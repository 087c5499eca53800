//! `<meta>` tags: every `content` (or `value`) by its lowercased `property`, `name`,
//! `itemprop` and `http-equiv`, in document order, and the keys each metadata field is read
//! from, most specific first. Also the writer Yoast SEO names in its `twitter:labelN` /
//! `twitter:dataN` pairs. In: the parsed page. Out: [`Metas`]; which source wins is decided
//! in [`super::extract`].

use super::vocab::YOAST_WRITTEN_BY;
use crate::html::arena::{Arena, AttrName};
use crate::html::select::Sel;
use crate::html::text::collapse_ws;
use std::collections::HashMap;
use std::sync::LazyLock;

static META: LazyLock<Sel> = LazyLock::new(|| Sel::constant("meta"));

/// Meta tag values by lowercased `name`/`property`/`itemprop`, in document order.
pub(super) struct Metas(HashMap<String, Vec<String>>);

impl Metas {
    /// Every meta tag of the page.
    pub(super) fn collect(tree: &Arena) -> Self {
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        let attr = |m, name| tree.attr_by_id(m, name);
        for m in META.select(tree) {
            // `value` instead of `content` occurs in saved and hand-made pages.
            let content = attr(m, AttrName::CONTENT).or_else(|| attr(m, AttrName::VALUE));
            let Some(content) = content.map(collapse_ws).filter(|c| !c.is_empty()) else {
                continue;
            };
            for key in [
                attr(m, AttrName::PROPERTY),
                attr(m, AttrName::NAME),
                attr(m, AttrName::ITEMPROP),
                attr(m, AttrName::HTTP_EQUIV),
            ]
            .into_iter()
            .flatten()
            {
                for k in key.split_whitespace() {
                    map.entry(k.to_lowercase()).or_default().push(content.clone());
                }
            }
        }
        Metas(map)
    }

    /// The first value of the first key that has one.
    pub(super) fn first(&self, keys: &[&str]) -> Option<String> {
        keys.iter()
            .find_map(|k| self.0.get(*k).and_then(|v| v.first().cloned()))
    }

    /// All values of `key`, in document order.
    pub(super) fn all(&self, key: &str) -> Vec<String> {
        self.0.get(key).cloned().unwrap_or_default()
    }
}

/// Meta tags naming authors, most specific first: `article:author` is the article's own,
/// `author` is often the site's or its publisher's on every page.
pub(super) const AUTHOR_META_KEYS: &[&str] = &[
    "article:author",
    "parsely-author",
    "sailthru.author",
    "author",
    "dc.creator",
    "dcterms.creator",
    "citation_author",
    "byl",
    "twitter:creator",
];

/// Meta labels (`twitter:labelN`, as Yoast SEO writes them in the site's language) whose
/// `twitter:dataN` is the writer.
static WRITTEN_BY_LABEL: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(&format!("^(?i:{})$", YOAST_WRITTEN_BY.join("|"))).expect("constant regex")
});

/// How many label/data pairs Yoast-style meta tags may carry.
const MAX_META_LABELS: usize = 4;

/// The writer named by a `twitter:labelN` = "Written by" / `twitter:dataN` pair.
pub(super) fn labelled_author(metas: &Metas) -> Vec<String> {
    (1..=MAX_META_LABELS)
        .find(|i| {
            metas
                .first(&[format!("twitter:label{i}").as_str()])
                .is_some_and(|l| WRITTEN_BY_LABEL.is_match(l.trim()))
        })
        .and_then(|i| metas.first(&[format!("twitter:data{i}").as_str()]))
        .into_iter()
        .collect()
}

/// Dublin Core titles: declared for this document only, so preferred over `og:title`
/// (Readability's order).
pub(super) const DC_TITLE_KEYS: &[&str] = &["dc:title", "dcterm:title", "dcterms:title"];
/// The Open Graph title.
pub(super) const OG_TITLE_KEYS: &[&str] = &["og:title"];
/// The other title tags, in order of trust.
pub(super) const OTHER_TITLE_KEYS: &[&str] = &[
    "twitter:title",
    "dc.title",
    "dcterms.title",
    "parsely-title",
    "sailthru.title",
    "headline",
];
/// The Open Graph type (`article`, `website`): the crawler tells articles from listings by it.
pub(super) const OG_TYPE_KEYS: &[&str] = &["og:type"];
/// The site's name.
pub(super) const SITE_NAME_KEYS: &[&str] = &[
    "og:site_name",
    "application-name",
    "apple-mobile-web-app-title",
    "twitter:app:name:iphone",
];
/// The publication date, by the tags of Open Graph, schema.org, Parse.ly, Sailthru, Dublin
/// Core, Highwire (`citation_*`) and CMS habits. The keys are matched lowercased, so
/// `dateCreated` is found as `datecreated`.
pub(super) const PUBLISHED_KEYS: &[&str] = &[
    "article:published_time",
    "article:published",
    "og:article:published_time",
    "datepublished",
    "parsely-pub-date",
    "sailthru.date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "dcterms.issued",
    "date",
    "article.published",
    "citation_publication_date",
    "citation_date",
    "originalpublicationdate",
    "cxenseparse:recs:publishtime",
    "dateCreated",
    "datecreated",
    "release_date",
    "timestamp",
];
/// Generic date keys among [`PUBLISHED_KEYS`]: many CMSs fill them with the date of the
/// page's last change, so a date shown at the headline is trusted more.
pub(super) const WEAK_PUBLISHED_KEYS: &[&str] = &["date", "dc.date", "timestamp"];
/// The modification date.
pub(super) const MODIFIED_KEYS: &[&str] = &[
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "dcterms.modified",
    "last-modified",
    "article.updated",
    "sailthru.lastmodified",
];
/// The language, when `<html lang>` and JSON-LD do not give it.
pub(super) const LANGUAGE_KEYS: &[&str] = &["og:locale", "content-language", "language", "dc.language"];
/// The description.
pub(super) const DESCRIPTION_KEYS: &[&str] = &[
    "og:description",
    "description",
    "twitter:description",
    "dc.description",
];
/// The lead image.
pub(super) const IMAGE_KEYS: &[&str] = &[
    "og:image",
    "og:image:url",
    "og:image:secure_url",
    "twitter:image",
    "twitter:image:src",
];
/// The canonical URL, when there is no `<link rel=canonical>`.
pub(super) const URL_KEYS: &[&str] = &["og:url"];
/// The section of the site.
pub(super) const SECTION_KEYS: &[&str] = &[
    "article:section",
    "section",
    "parsely-section",
    "sailthru.section",
];
/// Tags, one per tag element.
pub(super) const TAG_KEY: &str = "article:tag";
/// Keywords in one value, separated by commas or semicolons.
pub(super) const KEYWORDS_KEYS: &[&str] = &["news_keywords", "keywords", "parsely-tags"];
