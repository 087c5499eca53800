//! Article metadata from the whole page, before any cleaning: JSON-LD, `<meta>` tags,
//! microdata, `<time>`, bylines, the URL. Each value is taken from the most reliable source
//! that has it; dates keep their source (`jsonld|meta|time|url|text`). In: the parsed page
//! and its URL. Out: [`Metadata`]. The title is chosen later (it needs the content).

pub mod authors;
pub mod dates;
use crate::html::dom;
use crate::html::select::{DocKeys, Sel};
use crate::html::text::{collapse_ws, squash};
use scraper::{ElementRef, Html};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::LazyLock;

/// A byline or date element with more text than this is prose, not a byline.
const MAX_BYLINE_CHARS: usize = 200;
/// The element around several author links is a byline up to this many characters.
const MAX_BYLINE_GROUP_CHARS: usize = 400;
/// More author elements than this are a list of people, not a byline.
const MAX_AUTHORS: usize = 6;
/// A byline text node is climbed at most this many elements up to find the name.
const BYLINE_CLIMB: usize = 3;

/// Labels that introduce a name: "By", "Von", "Por", "Par" (capitalised or not), and the
/// longer forms "Written by", "Posted by", "Eingestellt von", "Escrito por", "Écrit par"….
const BYLINE_LABELS: &str = r"(?:[Bb]y|BY|[Vv]on|VON|[Pp]or|POR|[Pp]ar|PAR|(?i:written|posted|article|story|words|reported|text|photos? and text)\s+by|(?i:eingestellt|erstellt|gespeichert|verfasst|geschrieben|gepostet|ein\s+beitrag)\s+von|(?i:escrito|publicado|redactado)\s+por|(?i:écrit|publié|rédigé)\s+par|(?i:scritto|pubblicato)\s+da)";
/// Nouns that label a name only with a colon or standing alone before it: "Autor: Max",
/// `<h4>Author</h4><p>Max</p>`.
const BYLINE_NOUNS: &str = r"(?i:authors?|autor(?:in|en)?|auteur|autore|contributors?)";

/// Text that starts a byline: "By", "By Jane", "Von Max", "Written by:", "Autor:".
static BYLINE_START: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(&format!(
        r"^(?:{BYLINE_LABELS}(?:\s*:?\s+\p{{Lu}}|\s*:\s*\p{{Lu}}|\s*:?\s*$)|(?:By|Von|Por|Par)\p{{Lu}}\p{{Ll}}|{BYLINE_NOUNS}(?:\s*:\s*\p{{Lu}}|\s*:?\s*$))"
    ))
    .expect("constant regex")
});
/// A whole byline: the label then a capitalised name.
static BYLINE_FULL: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(&format!(
        r"^(?:(?:{BYLINE_LABELS}|{BYLINE_NOUNS})(?:\s*:?\s+|\s*:\s*)\p{{Lu}}\p{{L}}|(?:By|Von|Por|Par)\p{{Lu}}\p{{Ll}})"
    ))
    .expect("constant regex")
});
/// A byline label of two words or more, which nothing but a byline starts with.
static LONG_LABEL: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"^\S+\s+\S+").expect("constant regex"));
/// A label standing alone, its name in the next element ("Written by", "Autor:").
static BYLINE_LABEL_ONLY: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(&format!(r"^(?:{BYLINE_LABELS}|{BYLINE_NOUNS})\s*:?$")).expect("constant regex")
});
/// Words that join two names in a byline ("A und B").
const NAME_CONJUNCTIONS: &[&str] = &["and", "und", "y", "e", "et", "&"];
/// After "von", "por" or "par" a single capitalised word is a place or a thing ("Von
/// Hamburg", "Par Avion"), not a writer.
const MIN_STRICT_NAME_WORDS: usize = 2;
/// A byline label and the space or colon after it.
static BYLINE_PREFIX: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(&format!(r"^(?:{BYLINE_LABELS}|{BYLINE_NOUNS})\s*:?\s*")).expect("constant regex")
});
/// Labels that also start ordinary phrases: a lowercase "by", and "von"/"por"/"par".
static STRICT_LABEL: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"^(?:by|(?i:von|por|par)\b)").expect("constant regex"));
/// A name after a lowercase byline label has at most this many words.
const MAX_BYLINE_NAME_WORDS: usize = 5;
/// An h1 shorter than this is a logo or a section name, not the headline.
const MIN_HEADLINE_CHARS: usize = 15;
/// Elements whose text is not page text a reader sees (a byline or a date there is not one).
const NOT_PAGE_TEXT: &[&str] = &[
    "script", "style", "noscript", "head", "title", "option", "pre", "code",
];
/// Label elements standing alone whose next text is a column or a link, not a name.
const NOT_BYLINE_LABEL: &[&str] = &["th", "button", "label", "option"];
/// Inline elements a byline label may sit in: `<p><em>by</em> …`.
const INLINE_WRAPPERS: &[&str] = &["em", "i", "b", "strong", "span", "small", "font", "a", "time"];
/// A breadcrumb item longer than this is not a crumb.
const MAX_CRUMB_CHARS: usize = 150;
/// JSON-LD types of pages that list other pages.
const LISTING_TYPES: &[&str] = &["collectionpage", "itemlist", "searchresultspage", "profilepage"];
/// An h1 longer than this wraps more than a headline.
const MAX_HEADLINE_TEXT_CHARS: usize = 400;
/// How many long h1s are tried as the headline when looking for the date next to it.
const MAX_HEADLINE_H1S: usize = 3;
/// How many non-empty texts after (and before) the headline may hold its date.
const HEADLINE_DATE_TEXTS: usize = 12;
/// A text holding only a date, with at most a label around it ("Published on …").
const MAX_DATE_TEXT_CHARS: usize = 40;
/// How many elements up a menu or comment class marks a byline candidate as page chrome.
const CHROME_CLASS_LEVELS: usize = 5;
/// A bare "By" label: in a heading or a menu it sorts things ("By Company Size").
static BARE_BY: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"^(?:[Bb]y|BY)\b").expect("constant regex"));

/// A label glued to the name.
static BYLINE_GLUED: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"^(By|Von|Por|Par)(\p{Lu}\p{Ll})").expect("constant regex"));

/// Elements that hold an author's name by their markup.
static AUTHOR_ELEMENT: LazyLock<Sel> = LazyLock::new(|| {
    sel(
        r#"[itemprop~="author"] [itemprop~="name"], [class*="author-name" i], [class*="authorname" i], [class*="author__name" i], [class*="byline-name" i], [class*="byline__name" i], [class*="author" i]:not([class*="comment" i]) .fn, .the-author, [class*="byline" i]"#,
    )
});
/// An author element longer than this is a bio box, not a name.
const MAX_AUTHOR_ELEMENT_CHARS: usize = 60;

/// JSON-LD nesting deeper than this is not followed.
const MAX_JSONLD_DEPTH: usize = 6;

/// Compile a constant selector (a typo is a programming error, caught by every test).
pub(crate) fn sel(s: &str) -> Sel {
    Sel::parse(s).unwrap_or_else(|_| panic!("constant selector `{s}`"))
}

static META: LazyLock<Sel> = LazyLock::new(|| sel("meta"));
static JSONLD: LazyLock<Sel> = LazyLock::new(|| sel(r#"script[type="application/ld+json" i]"#));
static TITLE: LazyLock<Sel> = LazyLock::new(|| sel("title"));
static H1: LazyLock<Sel> = LazyLock::new(|| sel("h1"));
/// Links with a target.
pub(crate) static LINKS: LazyLock<Sel> = LazyLock::new(|| sel("a[href]"));
/// The path of an author's page: `/author/jane-doe`, `/autoren/max-muster/`, `/editors/jon-fingas/`.
static AUTHOR_URL: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"(?i)/(?:author|authors|autor|autoren|auteur|auteurs|editors|contributors?|writers?|journalists?)/[\w%.\-]+/?(?:[?#].*)?$")
        .expect("constant regex")
});
static H2: LazyLock<Sel> = LazyLock::new(|| sel("h2"));
/// How many h2 headings are kept as title candidates.
const MAX_H2S: usize = 10;
static CANONICAL: LazyLock<Sel> = LazyLock::new(|| sel(r#"link[rel~="canonical" i]"#));
static HTML_LANG: LazyLock<Sel> = LazyLock::new(|| sel("html[lang], html[xml\\:lang]"));
static TIME: LazyLock<Sel> = LazyLock::new(|| {
    sel("time[datetime], relative-time[datetime], [itemprop~=datePublished], [itemprop~=dateModified]")
});
static REL_AUTHOR: LazyLock<Sel> = LazyLock::new(|| {
    sel(
        r#"a[rel~="author"], [itemprop~="author"] [itemprop~="name"], [itemprop~="author"], .byline a, .author-name, .byline__name, .byline-name, [class*="byline"] [class*="author"], .author a, a.author, span.author, .entry-author a, .post-author a, [data-testid*=byline] a, .article-author, [class$="__author" i] > a, [class$="-author" i] > a, a[class*="author-link" i], a[class*="authorlink" i], a[class*="author-name" i]"#,
    )
});
static DATE_TEXT: LazyLock<Sel> = LazyLock::new(|| {
    sel(
        r#"[class*="date" i], [class*="time" i], [class*="published" i], [class*="byline" i], [class*="meta" i], [id*="date" i]"#,
    )
});
static BREADCRUMB: LazyLock<Sel> = LazyLock::new(|| {
    sel(
        r#"[itemtype*="BreadcrumbList"] [itemprop~="name"], [class*="breadcrumb" i] a, [class*="breadcrumb" i] li, [class*="breadcrumb" i] span, [id*="breadcrumb" i] a, nav[aria-label*="readcrumb"] a, .entry-crumbs .entry-crumb, .crumbs a"#,
    )
});

/// Meta tags naming authors, most specific first: `article:author` is the article's own,
/// `author` is often the site's or its publisher's on every page.
const AUTHOR_META_KEYS: &[&str] = &[
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

/// Names of the site itself (site name, publisher, the host's main label), squashed: an
/// "author" equal to one of them is the organisation, not a writer.
/// True if `name` is one of the site's own names, with or without a leading "The".
fn is_org(orgs: &[String], name: &str) -> bool {
    let n = squash(name);
    orgs.contains(&n)
        || n.strip_prefix("the")
            .is_some_and(|rest| orgs.iter().any(|o| o == rest))
}

fn org_names(site: Option<&str>, publisher: Option<&str>, url: Option<&url::Url>) -> Vec<String> {
    let mut v: Vec<String> = site.into_iter().chain(publisher).map(squash).collect();
    if let Some(main) = url
        .and_then(|u| u.host_str())
        .and_then(crate::html::text::host_main_label)
    {
        v.push(squash(main));
    }
    v.retain(|s| s.len() >= 3);
    v
}

/// JSON-LD `@type`s that describe an article.
const ARTICLE_TYPES: &[&str] = &[
    "newsarticle",
    "article",
    "blogposting",
    "reportagenews",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "livebloggosting",
    "liveblogposting",
    "report",
    "scholarlyarticle",
    "techarticle",
    "socialmediaposting",
    "posting",
    "webpage",
    "medicalwebpage",
    "review",
    "recipe",
    "howto",
];

/// Metadata found on the page.
#[derive(Debug, Default, Clone)]
pub struct Metadata {
    /// Titles by source: JSON-LD headline, og:title, twitter:title, the page's h1s, `<title>`.
    pub jsonld_title: Option<String>,
    /// Dublin Core title (`dc:title`, `dcterm:title`): declared for this document only, so
    /// preferred over og:title (Readability's order).
    pub dc_title: Option<String>,
    /// og:title.
    pub og_title: Option<String>,
    /// twitter:title / dc.title / parsely-title.
    pub other_meta_title: Option<String>,
    /// Texts of the `<h1>` elements in document order.
    pub h1s: Vec<String>,
    /// Texts of the first `<h2>` elements (old blog themes put the post title there and the
    /// site name in the h1).
    pub h2s: Vec<String>,
    /// `<title>`.
    pub html_title: Option<String>,
    /// Site name.
    pub site_name: Option<String>,
    /// Authors, normalised.
    pub authors: Vec<String>,
    /// Publication date and source.
    pub published: Option<(String, &'static str)>,
    /// Modification date and source.
    pub modified: Option<(String, &'static str)>,
    /// Language.
    pub language: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Lead image.
    pub image_url: Option<String>,
    /// Canonical URL.
    pub canonical_url: Option<String>,
    /// Section.
    pub section: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Breadcrumbs.
    pub breadcrumbs: Vec<String>,
    /// True when the breadcrumbs came from JSON-LD.
    pub breadcrumbs_from_jsonld: bool,
    /// The JSON-LD `articleBody`, when present (a fallback for the body).
    pub jsonld_body: Option<String>,
    /// `og:type`, lowercased (the crawler tells articles from listings with it).
    pub og_type: Option<String>,
    /// Every JSON-LD `@type` on the page, lowercased, in document order.
    pub jsonld_types: Vec<String>,
}

/// Meta tag values by lowercased `name`/`property`/`itemprop`, in document order.
struct Metas(HashMap<String, Vec<String>>);

/// Meta labels (`twitter:labelN`, as Yoast SEO writes them in the site's language) whose
/// `twitter:dataN` is the writer.
static WRITTEN_BY_LABEL: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(
        r"^(?i:written by|author|verfasst von|geschrieben von|autor(?:in)?|escrito por|écrit par|rédigé par|scritto da|geschreven door|napisane przez|skrevet av|skrivet av|kirjoittanut)$",
    )
    .expect("constant regex")
});
/// How many label/data pairs Yoast-style meta tags may carry.
const MAX_META_LABELS: usize = 4;

/// The writer named by a `twitter:labelN` = "Written by" / `twitter:dataN` pair.
fn labelled_author(metas: &Metas) -> Vec<String> {
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

impl Metas {
    fn collect(html: &Html) -> Self {
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        for m in META.select(html) {
            let e = m.value();
            // `value` instead of `content` occurs in saved and hand-made pages.
            let content = e.attr("content").or_else(|| e.attr("value"));
            let Some(content) = content.map(collapse_ws).filter(|c| !c.is_empty()) else {
                continue;
            };
            for key in [
                e.attr("property"),
                e.attr("name"),
                e.attr("itemprop"),
                e.attr("http-equiv"),
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
    fn first(&self, keys: &[&str]) -> Option<String> {
        keys.iter()
            .find_map(|k| self.0.get(*k).and_then(|v| v.first().cloned()))
    }
    fn all(&self, key: &str) -> Vec<String> {
        self.0.get(key).cloned().unwrap_or_default()
    }
}

/// Collect the metadata of a page. `url` resolves relative links and gives a date fallback;
/// `content_language` is the HTTP header.
///
/// `doc` is [`DocKeys::of`] the same `html`: the selectors it rules out are not walked.
pub fn extract(
    html: &Html,
    doc: &DocKeys<'_>,
    url: Option<&url::Url>,
    content_language: Option<&str>,
) -> Metadata {
    let metas = Metas::collect(html);
    let ld = JsonLd::collect(html);
    let mut md = Metadata::default();
    let now = chrono::Utc::now();

    md.html_title = TITLE
        .select(html)
        .next()
        .map(|t| collapse_ws(&t.text().collect::<String>()))
        .filter(|t| !t.is_empty());
    md.h1s = H1
        .select(html)
        .map(|h| dom::inner_text(*h))
        .filter(|t| !t.is_empty())
        .collect();
    md.h2s = H2
        .select(html)
        .map(|h| dom::inner_text(*h))
        .filter(|t| !t.is_empty())
        .take(MAX_H2S)
        .collect();
    md.jsonld_title = ld
        .article
        .as_ref()
        .and_then(|a| jsonld_title(a, md.html_title.as_deref(), &md.h1s));
    md.dc_title = metas.first(&["dc:title", "dcterm:title", "dcterms:title"]);
    md.og_title = metas.first(&["og:title"]);
    md.other_meta_title = metas.first(&[
        "twitter:title",
        "dc.title",
        "dcterms.title",
        "parsely-title",
        "sailthru.title",
        "headline",
    ]);

    md.og_type = metas.first(&["og:type"]).map(|t| t.to_lowercase());
    md.jsonld_types = ld.types.clone();
    md.site_name = metas
        .first(&[
            "og:site_name",
            "application-name",
            "apple-mobile-web-app-title",
            "twitter:app:name:iphone",
        ])
        .or_else(|| ld.publisher_name.clone());

    // Authors: JSON-LD, then meta tags, then bylines in the page. A source naming only the
    // site or its publisher (`<meta name=author content="ABC News">`) is kept as a fallback
    // while a later source names people.
    let orgs = org_names(md.site_name.as_deref(), ld.publisher_name.as_deref(), url);
    let mut fallback: Vec<String> = Vec::new();
    // Built lazily: most pages stop at the first source.
    let meta_sources = AUTHOR_META_KEYS.iter().map(|key| {
        metas
            .all(key)
            .into_iter()
            // twitter:creator is an account: only a value with a space is a person's name.
            .filter(|v| !(v.starts_with("http") || *key == "twitter:creator" && !v.contains(' ')))
            .collect::<Vec<String>>()
    });
    let sources = std::iter::once(ld.authors.clone()).chain(meta_sources);
    for raw in sources {
        let names = authors::normalize_authors(&raw);
        if names.is_empty() {
            continue;
        }
        if names.iter().all(|a| is_org(&orgs, a)) {
            if fallback.is_empty() {
                fallback = names;
            }
            continue;
        }
        // People first: "Sam Stein; The Huffington Post" → "Sam Stein".
        md.authors = names.into_iter().filter(|a| !is_org(&orgs, a)).collect();
        break;
    }
    if md.authors.is_empty() {
        md.authors = authors::normalize_authors(&rel_authors(html, doc));
    }
    if md.authors.is_empty() {
        md.authors = byline_scan(html);
    }
    if md.authors.is_empty() {
        md.authors = authors::normalize_authors(&class_authors(html, doc));
    }
    if md.authors.is_empty() {
        md.authors = author_link(html);
    }
    if md.authors.is_empty() {
        // Yoast's "Written by" names the account that posted, which the visible byline
        // corrects on magazines ("Sameer Rahim" posts what "Duncan Bell" wrote).
        md.authors = authors::normalize_authors(&labelled_author(&metas));
    }
    if md.authors.is_empty() {
        md.authors = fallback;
    }

    // Dates.
    let pick = |cands: Vec<(Option<String>, &'static str)>| -> Option<(String, &'static str)> {
        cands.into_iter().find_map(|(v, src)| {
            let d = dates::parse_date(v.as_deref()?)?;
            dates::is_plausible(&d, now).then_some((d.iso, src))
        })
    };
    md.published = pick(vec![
        (
            ld.article
                .as_ref()
                .and_then(|a| str_field(a, &["datePublished", "dateCreated", "uploadDate"])),
            "jsonld",
        ),
        (
            metas.first(&[
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
            ]),
            "meta",
        ),
        (time_value(html, doc, true), "time"),
    ])
    .or_else(|| {
        let d = url.and_then(|u| dates::date_from_url(u.as_str()))?;
        dates::is_plausible(&d, now).then_some((d.iso, "url"))
    })
    .or_else(|| text_date(html, doc, now).map(|d| (d, "text")))
    .or_else(|| {
        // A listing's h1 ("Archive for Politics") sits above other articles' dates.
        let listing = md
            .jsonld_types
            .iter()
            .any(|t| LISTING_TYPES.contains(&t.as_str()))
            && !md
                .jsonld_types
                .iter()
                .any(|t| ARTICLE_TYPES.contains(&t.as_str()));
        (!listing)
            .then(|| headline_date(html, now))
            .flatten()
            .map(|d| (d, "text"))
    });
    md.modified = pick(vec![
        (
            ld.article.as_ref().and_then(|a| str_field(a, &["dateModified"])),
            "jsonld",
        ),
        (
            metas.first(&[
                "article:modified_time",
                "og:updated_time",
                "datemodified",
                "dcterms.modified",
                "last-modified",
                "article.updated",
                "sailthru.lastmodified",
            ]),
            "meta",
        ),
        (time_value(html, doc, false), "time"),
    ]);

    md.language = HTML_LANG
        .select(html)
        .next()
        .and_then(|h| h.value().attr("lang").or_else(|| h.value().attr("xml:lang")))
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .or_else(|| ld.article.as_ref().and_then(|a| str_field(a, &["inLanguage"])))
        .or_else(|| metas.first(&["og:locale", "content-language", "language", "dc.language"]))
        .or_else(|| content_language.map(|c| c.split(',').next().unwrap_or(c).trim().to_string()))
        .and_then(|l| normalize_lang(&l));

    md.description = metas
        .first(&[
            "og:description",
            "description",
            "twitter:description",
            "dc.description",
        ])
        .or_else(|| ld.article.as_ref().and_then(|a| str_field(a, &["description"])));
    md.image_url = metas
        .first(&[
            "og:image",
            "og:image:url",
            "og:image:secure_url",
            "twitter:image",
            "twitter:image:src",
        ])
        .or_else(|| ld.article.as_ref().and_then(|a| image_field(a.get("image")?)))
        .and_then(|u| absolutize(url, &u));
    md.canonical_url = CANONICAL
        .select(html)
        .filter_map(|l| l.value().attr("href"))
        .find_map(|h| absolutize(url, h))
        .or_else(|| metas.first(&["og:url"]).and_then(|u| absolutize(url, &u)));
    md.section = metas
        .first(&[
            "article:section",
            "section",
            "parsely-section",
            "sailthru.section",
        ])
        .or_else(|| {
            ld.article
                .as_ref()
                .and_then(|a| str_field(a, &["articleSection"]))
        });
    let mut tags = metas.all("article:tag");
    if tags.is_empty() {
        tags = ld.keywords.clone();
    }
    if tags.is_empty() {
        if let Some(k) = metas.first(&["news_keywords", "keywords", "parsely-tags"]) {
            tags = k
                .split([',', ';'])
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect();
        }
    }
    dedup(&mut tags);
    md.tags = tags;
    md.breadcrumbs_from_jsonld = !ld.breadcrumbs.is_empty();
    md.breadcrumbs = if ld.breadcrumbs.is_empty() {
        dom_breadcrumbs(html, doc)
    } else {
        ld.breadcrumbs.clone()
    };
    md.jsonld_body = ld.article.as_ref().and_then(|a| str_field(a, &["articleBody"]));
    md
}

/// Texts of the author elements: the first match and the matches that look like it (same
/// tag and class), so a byline's several `rel=author` links are kept but a "related
/// authors" box elsewhere is not.
fn rel_authors(html: &Html, doc: &DocKeys<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let mut shape: Option<(String, String)> = None;
    // The byline around the first match: its largest ancestor still short enough to be a
    // byline. Later matches count only inside it (not a list of other articles' authors).
    let mut group: Option<ego_tree::NodeId> = None;
    for e in REL_AUTHOR.select_in(html, doc) {
        let Some(t) = dom::short_inner_text(*e, MAX_BYLINE_CHARS) else {
            continue;
        };
        if t.is_empty() || in_chrome(*e) {
            continue;
        }
        let this = (
            e.value().name().to_string(),
            e.value().attr("class").unwrap_or("").to_string(),
        );
        match (&shape, group) {
            (None, _) => {
                shape = Some(this);
                group = Some(byline_group(*e));
            }
            (Some(s), Some(g)) if *s == this && dom::is_within(*e, g) => {}
            _ => continue,
        }
        if !out.contains(&t) {
            out.push(t);
        }
        if out.len() >= MAX_AUTHORS {
            break;
        }
    }
    out
}

/// The largest element around `e` whose text is still byline-sized.
fn byline_group(e: ego_tree::NodeRef<'_, scraper::Node>) -> ego_tree::NodeId {
    let mut group = e.id();
    for anc in e.ancestors() {
        if anc.value().as_element().is_none() || dom::short_inner_text(anc, MAX_BYLINE_GROUP_CHARS).is_none()
        {
            break;
        }
        group = anc.id();
    }
    group
}

/// Author names in elements marked as such (`itemprop=author`, `author-name`,
/// `byline-name`, `byline` classes), when no label or metadata names them.
fn class_authors(html: &Html, doc: &DocKeys<'_>) -> Vec<String> {
    AUTHOR_ELEMENT
        .select_in(html, doc)
        .filter_map(|e| dom::short_inner_text(*e, MAX_AUTHOR_ELEMENT_CHARS))
        .find(|t| !t.is_empty())
        .into_iter()
        .collect()
}

/// The text of the first link to an author page (`/author/jane-doe`, `/editors/…`) outside
/// menus and comments, as a name.
fn author_link(html: &Html) -> Vec<String> {
    LINKS
        .select(html)
        .filter(|a| a.value().attr("href").is_some_and(|h| AUTHOR_URL.is_match(h)) && !in_chrome(**a))
        .filter_map(|a| dom::short_inner_text(*a, MAX_AUTHOR_ELEMENT_CHARS))
        .map(|t| authors::normalize_authors(&[t]))
        .find(|names| !names.is_empty())
        .unwrap_or_default()
}

/// A visible byline anywhere on the page: the smallest element whose text starts with
/// "By"/"Von"/"Por"/"Par" (or a longer label) followed by a capitalised name, e.g.
/// `<span>By</span>Jane Doe`, or a label standing alone before the element with the name.
fn byline_scan(html: &Html) -> Vec<String> {
    for node in html.tree.root().descendants() {
        let Some(t) = node.value().as_text() else { continue };
        let t = t.trim();
        if !BYLINE_START.is_match(t)
            || in_chrome(node)
            || node.ancestors().any(|a| dom::is_tag(&a, NOT_PAGE_TEXT))
        {
            continue;
        }
        let raw = if BYLINE_LABEL_ONLY.is_match(t) {
            // "Written by" / `<h4>Autor</h4>`: the name is the next thing on the page. The
            // label must open its block ("uunf by <a>Daniel</a>" is a sentence) and not be
            // a table header or a menu link.
            // A table header, a button, or a link whose whole text is the label ("Authors"
            // in a menu) is not a byline.
            let not_byline = node.ancestors().take(BYLINE_CLIMB).any(|a| {
                dom::is_tag(&a, NOT_BYLINE_LABEL)
                    || (dom::is_tag(&a, &["a"])
                        && dom::short_inner_text(a, MAX_BYLINE_CHARS).is_some_and(|x| x.trim() == t))
            });
            if not_byline {
                continue;
            }
            if starts_block(node) {
                // After a short label ("By", "Autor") the next text must read as a name;
                // after "Posted by", "Gespeichert von" any handle will do ("rasos").
                let long = LONG_LABEL.is_match(t);
                next_text(node, long).filter(|n| long || name_follows(n))
            } else {
                climb_byline(node, t)
            }
        } else {
            climb_byline(node, t)
        };
        let names = authors::normalize_authors(&raw.into_iter().collect::<Vec<_>>());
        if !names.is_empty() {
            return names;
        }
    }
    Vec::new()
}

/// The element around a byline text node whose whole text is the label and the name.
fn climb_byline(node: ego_tree::NodeRef<'_, scraper::Node>, label: &str) -> Option<String> {
    let bare_by = BARE_BY.is_match(label);
    // "von", "por", "par" and a lowercase "by" also start phrases in running text ("Von
    // Berlin aus…", "von Wertpapieren des Sektors"): the name must follow them directly.
    let strict = STRICT_LABEL.is_match(label);
    for anc in node.ancestors().take(BYLINE_CLIMB) {
        if anc.value().as_element().is_none()
            || dom::is_tag(&anc, NOT_PAGE_TEXT)
            || ((bare_by || strict) && dom::is_tag(&anc, dom::HEADING_TAGS))
        {
            return None;
        }
        let text = dom::short_inner_text(anc, MAX_BYLINE_CHARS)?;
        if BYLINE_FULL.is_match(&text) {
            let rest = BYLINE_PREFIX
                .find(&text)
                .map_or(text.as_str(), |m| &text[m.end()..]);
            if strict && name_words(rest).is_none_or(|n| n < MIN_STRICT_NAME_WORDS) {
                return None;
            }
            // `<span>By</span>Jane` renders as "ByJane": put the space back.
            return Some(BYLINE_GLUED.replace(&text, "$1 $2").into_owned());
        }
    }
    None
}

/// The first text after `node` in document order (its later siblings, then its parents'),
/// looking at most [`BYLINE_CLIMB`] levels up.
fn next_text(node: ego_tree::NodeRef<'_, scraper::Node>, allow_list: bool) -> Option<String> {
    let mut cur = node;
    for _ in 0..BYLINE_CLIMB {
        for sib in cur.next_siblings() {
            let text = match sib.value() {
                scraper::Node::Text(t) => t.trim().to_string(),
                scraper::Node::Element(e) if !matches!(e.name(), "script" | "style" | "img" | "svg") => {
                    // A list after a heading "Authors" is a menu ("Privacy Policy"), unless
                    // the label says "Written by:" before it.
                    if !allow_list && matches!(e.name(), "ul" | "ol" | "li" | "nav") {
                        return None;
                    }
                    sib.descendants()
                        .filter_map(|d| d.value().as_text().map(|t| t.trim().to_string()))
                        .find(|t| !t.is_empty())
                        .unwrap_or_default()
                }
                _ => String::new(),
            };
            if !text.is_empty() {
                return (text.chars().count() <= MAX_AUTHOR_ELEMENT_CHARS).then_some(text);
            }
        }
        cur = cur.parent().filter(|p| p.value().as_element().is_some())?;
    }
    None
}

/// True when nothing but inline wrappers and whitespace comes before `node` in its block.
fn starts_block(node: ego_tree::NodeRef<'_, scraper::Node>) -> bool {
    let mut cur = node;
    loop {
        if !cur
            .prev_siblings()
            .all(|p| p.value().as_text().is_some_and(|t| t.trim().is_empty()) || p.value().is_comment())
        {
            return false;
        }
        match cur.parent() {
            Some(p)
                if p.value()
                    .as_element()
                    .is_some_and(|e| INLINE_WRAPPERS.contains(&e.name())) =>
            {
                cur = p
            }
            _ => return true,
        }
    }
}

/// True when `rest` (the text after a byline label) starts with names: one to five
/// capitalised words, name particles or "and" before any punctuation or number.
fn name_follows(rest: &str) -> bool {
    name_words(rest).is_some()
}

/// How many words the names at the start of `rest` have, if they look like names.
fn name_words(rest: &str) -> Option<usize> {
    let head = rest
        .split([',', '|', '•', '·', '–', '—', '(', ';'])
        .next()
        .unwrap_or("");
    let words: Vec<&str> = head
        .split_whitespace()
        .take_while(|w| !w.starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    let name_like = |w: &&str| {
        let lower = w.to_lowercase();
        w.starts_with(char::is_uppercase)
            || authors::NAME_PARTICLES.contains(&lower.as_str())
            || NAME_CONJUNCTIONS.contains(&lower.as_str())
    };
    ((1..=MAX_BYLINE_NAME_WORDS).contains(&words.len()) && words.iter().all(name_like)).then_some(words.len())
}

/// True inside navigation, menus and comment threads, where "By …" sorts links or names
/// a commenter: a `nav`/`menu` element or navigation role anywhere above, or a menu,
/// dropdown or comment class on one of the nearest [`CHROME_CLASS_LEVELS`] elements (page
/// wrappers far up carry such words as states: "under-menu", "menu-open").
fn in_chrome(node: ego_tree::NodeRef<'_, scraper::Node>) -> bool {
    node.ancestors().enumerate().any(|(level, a)| {
        let Some(e) = a.value().as_element() else {
            return false;
        };
        if matches!(e.name(), "nav" | "menu" | "select")
            || e.attr("role")
                .is_some_and(|r| matches!(r, "navigation" | "menu" | "menubar"))
        {
            return true;
        }
        level < CHROME_CLASS_LEVELS
            && e.attr("class")
                .into_iter()
                .chain(e.attr("id"))
                .flat_map(str::split_whitespace)
                .any(|tok| {
                    let tok = tok.to_ascii_lowercase();
                    let comment = tok == "comment"
                        || tok == "comments"
                        || tok.starts_with("comment-")
                        || tok.starts_with("comments-")
                        || tok.starts_with("comment_")
                        || tok.starts_with("commentlist");
                    tok.contains("menu")
                        || tok.contains("dropdown")
                        || tok.contains("navbar")
                        || (comment && !["open", "closed", "count"].iter().any(|w| tok.contains(w)))
                })
    })
}

fn dedup(v: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    v.retain(|t| seen.insert(t.to_lowercase()));
}

/// The primary language subtag, lowercase: `en_US` → `en`, `pt-BR` → `pt`; junk → None.
/// One form whatever the source, so records group by language without a lookup table.
fn normalize_lang(l: &str) -> Option<String> {
    let l = l.trim().replace('_', "-");
    let primary = l.split('-').next()?.to_lowercase();
    if !(2..=3).contains(&primary.len()) || !primary.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    Some(primary)
}

fn absolutize(base: Option<&url::Url>, href: &str) -> Option<String> {
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    match url::Url::parse(href) {
        Ok(u) if u.scheme() == "http" || u.scheme() == "https" => Some(u.to_string()),
        Ok(_) => None,
        Err(_) => base.and_then(|b| b.join(href).ok()).map(|u| u.to_string()),
    }
}

fn time_value(html: &Html, doc: &DocKeys<'_>, published: bool) -> Option<String> {
    let mut fallback = None;
    for t in TIME.select_in(html, doc) {
        let e = t.value();
        let prop = e.attr("itemprop").unwrap_or("").to_lowercase();
        let class = e.attr("class").unwrap_or("").to_lowercase();
        let v = e
            .attr("datetime")
            .or_else(|| e.attr("content"))
            .map(str::to_string);
        let Some(v) = v else { continue };
        let is_mod = prop.contains("modified")
            || class.contains("updated") && !class.contains("published")
            || class.contains("modified");
        let is_pub = prop.contains("published")
            || e.attr("pubdate").is_some()
            || class.contains("published")
            || class.contains("entry-date")
            || class.contains("pub");
        if published && is_pub || !published && is_mod {
            return Some(v);
        }
        if published && !is_mod && fallback.is_none() {
            fallback = Some(v);
        }
    }
    fallback
}

fn text_date(html: &Html, doc: &DocKeys<'_>, now: chrono::DateTime<chrono::Utc>) -> Option<String> {
    for e in DATE_TEXT.select_in(html, doc).take(200) {
        let Some(t) = dom::short_inner_text(*e, MAX_BYLINE_CHARS) else {
            continue;
        };
        if t.is_empty() {
            continue;
        }
        if let Some(d) = dates::find_date_in_text(&t) {
            if dates::is_plausible(&d, now) {
                return Some(d.iso);
            }
        }
    }
    None
}

/// A date standing alone in a short text right below the headline (or just above it, as a
/// kicker): "Dec 17, 2025", "Published on Oct 21, 2025", "17.05.2021". Pages built with
/// utility classes (`text-sm`, `_1zZc`) give no other sign of it.
fn headline_date(html: &Html, now: chrono::DateTime<chrono::Utc>) -> Option<String> {
    // Screen-reader h1s ("Navigation und Service") and logo h1s come first on some pages:
    // the first few long h1s are tried in turn.
    H1.select(html)
        .filter(|h| {
            dom::short_inner_text(**h, MAX_HEADLINE_TEXT_CHARS)
                .is_some_and(|t| t.chars().count() >= MIN_HEADLINE_CHARS)
                && !in_chrome(**h)
        })
        .take(MAX_HEADLINE_H1S)
        .find_map(|h1| date_around(*h1, now))
}

/// The first date in a short text after `h1` (or, failing that, before it), or in a longer
/// text that opens with it ("01.02.2022 – Der Arbeitsmarkt …", a dateline).
fn date_around(
    h1: ego_tree::NodeRef<'_, scraper::Node>,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<String> {
    let first_date =
        |nodes: &mut dyn Iterator<Item = ego_tree::NodeRef<'_, scraper::Node>>| -> Option<String> {
            nodes
                .filter(|n| n.value().is_text() && !n.ancestors().any(|a| dom::is_tag(&a, NOT_PAGE_TEXT)))
                .filter_map(|n| n.value().as_text().map(|t| t.trim().to_string()))
                .filter(|t| !t.is_empty())
                .take(HEADLINE_DATE_TEXTS)
                .find_map(|t| {
                    let short = t.chars().count() <= MAX_DATE_TEXT_CHARS;
                    let opens_with_digit = t.starts_with(|c: char| c.is_ascii_digit());
                    // A long text counts only as a dateline: no need to search it otherwise.
                    if !short && !opens_with_digit {
                        return None;
                    }
                    let (start, _, d) = dates::find_date_span(&t)?;
                    let dateline = start == 0 && opens_with_digit;
                    ((short || dateline) && dates::is_plausible(&d, now)).then_some(d.iso)
                })
        };
    // Document order from the h1 on, then backwards from it, without entering it.
    let following = std::iter::successors(Some(h1), |n| {
        n.next_sibling()
            .or_else(|| n.ancestors().find_map(|a| a.next_sibling()))
    });
    let mut following_texts = following.skip(1).flat_map(|n| n.descendants());
    if let Some(d) = first_date(&mut following_texts) {
        return Some(d);
    }
    // Reverse document order, lazily: the previous sibling's last descendant, else the
    // parent (the h1's own ancestors hold no text before it but their earlier children's).
    let mut preceding = std::iter::successors(Some(h1), |n| match n.prev_sibling() {
        Some(mut p) => {
            while let Some(c) = p.last_child() {
                p = c;
            }
            Some(p)
        }
        None => n.parent(),
    })
    .skip(1);
    first_date(&mut preceding)
}

fn dom_breadcrumbs(html: &Html, doc: &DocKeys<'_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen_parent = None;
    for e in BREADCRUMB.select_in(html, doc) {
        // Only one breadcrumb trail: the first container that yields items.
        let container = e.ancestors().find(|a| {
            ElementRef::wrap(*a).is_some_and(|el| {
                let c = dom::class_id(a);
                c.contains("breadcrumb")
                    || c.contains("crumbs")
                    || el
                        .value()
                        .attr("itemtype")
                        .is_some_and(|t| t.contains("BreadcrumbList"))
                    || el.value().name() == "nav"
            })
        });
        let cid = container.map(|c| c.id());
        if seen_parent.is_some() && cid != seen_parent {
            continue;
        }
        seen_parent = cid;
        if e.children()
            .any(|c| ElementRef::wrap(c).is_some_and(|el| matches!(el.value().name(), "a" | "span" | "li")))
            && e.value().name() != "a"
        {
            continue;
        }
        let Some(t) = dom::short_inner_text(*e, MAX_CRUMB_CHARS) else {
            continue;
        };
        let t = t.trim_matches(|c: char| {
            c == '›' || c == '»' || c == '>' || c == '/' || c == '|' || c.is_whitespace()
        });
        if t.is_empty() {
            continue;
        }
        if out.last().is_none_or(|l| l != t) {
            out.push(t.to_string());
        }
        if out.len() >= 8 {
            break;
        }
    }
    out
}

/// What JSON-LD says about the article.
#[derive(Default)]
struct JsonLd {
    article: Option<Value>,
    types: Vec<String>,
    authors: Vec<String>,
    publisher_name: Option<String>,
    breadcrumbs: Vec<String>,
    keywords: Vec<String>,
}

/// Wrappers that pages put around the JSON of a script: HTML comments and CDATA sections,
/// bare or behind JavaScript comments (`//<![CDATA[`, `/*<![CDATA[*/`); longest first.
const SCRIPT_WRAPPERS: &[(&str, &str)] = &[
    ("//<![CDATA[", "//]]>"),
    ("/*<![CDATA[*/", "/*]]>*/"),
    ("<![CDATA[", "]]>"),
    ("<!--", "-->"),
];

/// The JSON value of a JSON-LD script: wrappers removed, and raw line breaks or tabs inside
/// strings (invalid JSON that browsers' consumers often tolerate) read as spaces.
fn parse_script_json(raw: &str) -> Option<Value> {
    let mut s = raw.trim();
    loop {
        let before = s.len();
        for (open, close) in SCRIPT_WRAPPERS {
            if let Some(rest) = s.strip_prefix(open) {
                s = rest.trim_start();
            }
            if let Some(rest) = s.strip_suffix(close) {
                s = rest.trim_end();
            }
        }
        if s.len() == before {
            break;
        }
    }
    serde_json::from_str(s).ok().or_else(|| {
        let relaxed: String = s
            .chars()
            .map(|c| if matches!(c, '\n' | '\r' | '\t') { ' ' } else { c })
            .collect();
        serde_json::from_str(&relaxed).ok()
    })
}

impl JsonLd {
    fn collect(html: &Html) -> Self {
        let mut objects = Vec::new();
        for s in JSONLD.select(html) {
            let raw: String = s.text().collect();
            let Some(v) = parse_script_json(&raw) else {
                continue;
            };
            flatten(v, &mut objects, 0);
        }
        let mut ld = JsonLd::default();
        let mut best: Option<(usize, Value)> = None;
        for o in &objects {
            let types = types_of(o);
            ld.types.extend(types.iter().cloned());
            if types.iter().any(|t| t == "breadcrumblist") && ld.breadcrumbs.is_empty() {
                ld.breadcrumbs = breadcrumb_names(o);
            }
            if let Some(rank) = types
                .iter()
                .filter_map(|t| ARTICLE_TYPES.iter().position(|a| a == t))
                .min()
            {
                // Prefer real article types over WebPage; among equals the first.
                let rank = if types.iter().any(|t| t == "webpage" || t == "medicalwebpage") && rank >= 14 {
                    rank + 100
                } else {
                    rank.min(13)
                };
                if best.as_ref().is_none_or(|(r, _)| rank < *r) {
                    best = Some((rank, o.clone()));
                }
            }
        }
        // Graph nodes with a name, by `@id`: the targets of `{"@id": …}` references.
        let mut named: HashMap<&str, &Value> = HashMap::new();
        for o in objects.iter().filter(|o| o.get("name").is_some()) {
            if let Some(id) = o.get("@id").and_then(Value::as_str) {
                named.entry(id).or_insert(o);
            }
        }
        if let Some((_, a)) = best {
            ld.authors = a
                .get("author")
                .or_else(|| a.get("creator"))
                .map(|v| names_of(&resolve_refs(v, &named)))
                .unwrap_or_default();
            ld.publisher_name = a
                .get("publisher")
                .and_then(|p| names_of(&resolve_refs(p, &named)).into_iter().next());
            ld.keywords = match a.get("keywords") {
                Some(Value::String(s)) => s
                    .split(',')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_string)
                    .collect(),
                Some(Value::Array(v)) => v
                    .iter()
                    .filter_map(|x| x.as_str())
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect(),
                _ => Vec::new(),
            };
            if let Some(Value::Object(_)) = a.get("breadcrumb") {
                if ld.breadcrumbs.is_empty() {
                    ld.breadcrumbs = a.get("breadcrumb").map(breadcrumb_names).unwrap_or_default();
                }
            }
            ld.article = Some(a);
        }
        if ld.publisher_name.is_none() {
            ld.publisher_name = objects
                .iter()
                .find(|o| {
                    types_of(o)
                        .iter()
                        .any(|t| t == "newsmediaorganization" || t == "organization" || t == "website")
                })
                .and_then(|o| str_field(o, &["name"]));
        }
        ld
    }
}

/// `{"@id": "…#person"}` references replaced by the graph node with that `@id` (Yoast and
/// most SEO plugins name the author only there).
fn resolve_refs(v: &Value, named: &HashMap<&str, &Value>) -> Value {
    match v {
        Value::Array(items) => Value::Array(items.iter().map(|i| resolve_refs(i, named)).collect()),
        Value::Object(map) if !map.contains_key("name") => map
            .get("@id")
            .and_then(Value::as_str)
            .and_then(|id| named.get(id))
            .map_or_else(|| v.clone(), |o| (*o).clone()),
        _ => v.clone(),
    }
}

fn flatten(v: Value, out: &mut Vec<Value>, depth: usize) {
    if depth > MAX_JSONLD_DEPTH {
        return;
    }
    match v {
        Value::Array(items) => items.into_iter().for_each(|i| flatten(i, out, depth + 1)),
        Value::Object(mut map) => {
            if let Some(graph) = map.remove("@graph") {
                flatten(graph, out, depth + 1);
            }
            if let Some(main) = map.get("mainEntity").cloned() {
                if main.is_object() {
                    flatten(main, out, depth + 1);
                }
            }
            out.push(Value::Object(map));
        }
        _ => {}
    }
}

fn types_of(v: &Value) -> Vec<String> {
    match v.get("@type") {
        Some(Value::String(s)) => vec![s.to_lowercase()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|t| t.as_str())
            .map(str::to_lowercase)
            .collect(),
        _ => Vec::new(),
    }
}

/// The title an article object declares: its `headline`, or its `name` when the name is in
/// the page's `<title>` or h1 and the headline is in neither (Wikipedia's headline is a
/// one-line description).
fn jsonld_title(article: &Value, html_title: Option<&str>, h1s: &[String]) -> Option<String> {
    let headline = str_field(article, &["headline"]);
    let name = str_field(article, &["name"]);
    let title = squash(html_title.unwrap_or_default());
    let h1s: Vec<String> = h1s.iter().map(|h| squash(h)).collect();
    // The page's own title: an h1, or what `<title>` starts with (a site name comes last).
    let is_page_title = |t: &str| {
        let t = squash(t);
        !t.is_empty() && (h1s.contains(&t) || title.starts_with(&t))
    };
    let shown = |t: &str| {
        let t = squash(t);
        !t.is_empty() && (title.contains(&t) || h1s.iter().any(|h| h.contains(&t)))
    };
    let publisher = article
        .get("publisher")
        .and_then(|p| str_field(p, &["name"]))
        .map(|p| squash(&p));
    if let Some(n) = &name {
        if is_page_title(n) && !headline.as_deref().is_some_and(shown) && publisher != Some(squash(n)) {
            return name;
        }
    }
    headline
        .or(name)
        .or_else(|| str_field(article, &["alternativeHeadline"]))
}

fn str_field(v: &Value, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| match v.get(*k)? {
        Value::String(s) => Some(collapse_ws(&decode_entities(s))).filter(|s| !s.is_empty()),
        Value::Array(a) => a
            .iter()
            .find_map(|x| x.as_str())
            .map(|s| collapse_ws(&decode_entities(s)))
            .filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// JSON-LD strings sometimes carry HTML entities; decode the common ones.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    // The bounded parser: a JSON-LD string is page input like any other.
    match crate::html::parse::fragment(s, &crate::Limits::default()) {
        Ok(frag) => frag.root_element().text().collect(),
        Err(_) => s.to_string(),
    }
}

fn names_of(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().flat_map(names_of).collect(),
        Value::Object(_) => str_field(v, &["name"])
            .or_else(|| {
                let g = str_field(v, &["givenName"])?;
                Some(match str_field(v, &["familyName"]) {
                    Some(f) => format!("{g} {f}"),
                    None => g,
                })
            })
            .into_iter()
            .collect(),
        _ => Vec::new(),
    }
}

fn image_field(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Array(a) => a.iter().find_map(image_field),
        Value::Object(_) => str_field(v, &["url", "contentUrl"]),
        _ => None,
    }
}

fn breadcrumb_names(v: &Value) -> Vec<String> {
    let Some(Value::Array(items)) = v.get("itemListElement") else {
        return Vec::new();
    };
    let mut items: Vec<&Value> = items.iter().collect();
    items.sort_by_key(|i| {
        i.get("position")
            .and_then(|p| p.as_u64().or_else(|| p.as_str()?.parse().ok()))
            .unwrap_or(0)
    });
    items
        .into_iter()
        .filter_map(|i| {
            str_field(i, &["name"]).or_else(|| i.get("item").and_then(|it| str_field(it, &["name"])))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`super::extract`] with the document's keys read from the same page.
    fn extract(html: &Html, url: Option<&url::Url>, content_language: Option<&str>) -> Metadata {
        super::extract(html, &DocKeys::of(html), url, content_language)
    }

    fn md(html: &str) -> Metadata {
        extract(
            &Html::parse_document(html),
            url::Url::parse("https://news.example.test/2021/05/03/story")
                .ok()
                .as_ref(),
            None,
        )
    }

    #[test]
    fn jsonld_article_wins() {
        let m = md(
            r#"<html lang="en-us"><head><script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"Example News"},{"@type":"NewsArticle","headline":"A &amp; B","author":[{"@type":"Person","name":"Jane Doe"},{"@type":"Person","name":"John Roe"}],"datePublished":"2021-05-03T10:15:00+02:00","dateModified":"2021-05-04T08:00:00Z","keywords":"a, b"},{"@type":"BreadcrumbList","itemListElement":[{"@type":"ListItem","position":2,"name":"World"},{"@type":"ListItem","position":1,"name":"Home"}]}]}</script></head><body></body></html>"#,
        );
        assert_eq!(m.jsonld_title.as_deref(), Some("A & B"));
        assert_eq!(m.authors, vec!["Jane Doe", "John Roe"]);
        assert_eq!(
            m.published,
            Some(("2021-05-03T10:15:00+02:00".to_string(), "jsonld"))
        );
        assert_eq!(
            m.modified,
            Some(("2021-05-04T08:00:00+00:00".to_string(), "jsonld"))
        );
        assert_eq!(m.site_name.as_deref(), Some("Example News"));
        assert_eq!(m.breadcrumbs, vec!["Home", "World"]);
        assert_eq!(m.tags, vec!["a", "b"]);
        assert_eq!(m.language.as_deref(), Some("en"));
    }

    #[test]
    fn jsonld_in_cdata_or_with_raw_line_breaks() {
        let m = md(
            "<html><head><script type=\"application/ld+json\">\n  <![CDATA[\n  {\"@type\":\"NewsArticle\",\"headline\":\"Wrapped headline\"}\n  ]]>\n</script></head><body></body></html>",
        );
        assert_eq!(m.jsonld_title.as_deref(), Some("Wrapped headline"));
        let m = md(
            "<html><head><script type=\"application/ld+json\">//<![CDATA[\n{\"@type\":\"NewsArticle\",\"headline\":\"Two\nlines\"}\n//]]></script></head><body></body></html>",
        );
        assert_eq!(m.jsonld_title.as_deref(), Some("Two lines"));
        // A headline that is a description, a name that is the page's title.
        let m = md(
            r#"<html><head><title>New Zealand - Wikipedia</title><script type="application/ld+json">{"@type":"Article","name":"New Zealand","headline":"country in Oceania"}</script></head><body></body></html>"#,
        );
        assert_eq!(m.jsonld_title.as_deref(), Some("New Zealand"));
    }

    #[test]
    fn bylines_in_their_many_shapes() {
        let authors = |body: &str| md(&format!("<html><head></head><body>{body}</body></html>")).authors;
        // A label alone, the name in the next element.
        assert_eq!(
            authors(r#"<div><p>Written by</p><p>Edzel Tabing</p></div><p>Body text here.</p>"#),
            vec!["Edzel Tabing"]
        );
        assert_eq!(
            authors(
                r#"<p><strong>Autor:</strong> <a href="/p/1">Klausmartin Friedrich</a><br><strong>Tags:</strong> <a>nag</a></p>"#
            ),
            vec!["Klausmartin Friedrich"]
        );
        assert_eq!(
            authors(r#"<div class="caption">Author</div><div class="the-author">Isaiah Shelton</div>"#),
            vec!["Isaiah Shelton"]
        );
        // Lowercase and German labels.
        assert_eq!(
            authors(r#"<p><i>von Daniela Obers</i></p>"#),
            vec!["Daniela Obers"]
        );
        assert_eq!(
            authors(r#"<span class="documentAuthor">erstellt von <a href="/author/d">Dominique</a></span>"#),
            vec!["Dominique"]
        );
        // "von" starting a phrase, "by" inside a sentence, "By" sorting a menu: no author.
        assert!(authors(r#"<p><em>von Wertpapieren des öffentlichen Sektors</em></p>"#).is_empty());
        assert!(authors(r#"<p>The libraries <a>uunf</a> by <a>Daniel Bünzli</a> are good.</p>"#).is_empty());
        assert!(
            authors(r#"<ul class="sub-menu"><li>By Company Size</li></ul><h3>By Functionality</h3>"#)
                .is_empty()
        );
        // Editors and reviewers are not authors; credentials stay with the name.
        assert_eq!(
            authors(r#"<p class="byline">By Shelby Loos, DVM. Reviewed by Molly Price, DVM</p>"#),
            vec!["Shelby Loos, DVM"]
        );
    }

    #[test]
    fn texts_that_only_look_like_bylines() {
        let authors = |body: &str| md(&format!("<html><head></head><body>{body}</body></html>")).authors;
        for body in [
            r#"<h2>Von Äpfeln und Birnen</h2>"#,
            r#"<p>Von Hamburg</p>"#,
            r#"<h3>Por Amor al Arte</h3>"#,
            r#"<p>Par Avion</p>"#,
            r#"<table><tr><th>Author</th><th>Title</th></tr></table>"#,
            r#"<ul><li><a href="/authors">Authors</a></li><li><a href="/contact">Contact Us</a></li></ul>"#,
            r#"<p>Autor</p><p>Mehr lesen</p>"#,
            r#"<h4>Authors</h4><ul><li>Privacy Policy</li></ul>"#,
            r#"<p>The library <a>uunf</a> <em>by</em> <a>Daniel Bünzli</a> is good.</p>"#,
        ] {
            assert!(authors(body).is_empty(), "{body} gave {:?}", authors(body));
        }
        // A commentary column is not a comment thread.
        assert_eq!(
            authors(r#"<article class="commentary"><p class="byline">By Jane Doe</p><p>Text.</p></article>"#),
            vec!["Jane Doe"]
        );
    }

    #[test]
    fn byline_scan_on_a_huge_container_stays_linear() {
        // 20,000 lines that each start like a byline, in one container: every candidate must
        // be rejected without reading the whole container again.
        let mut body = String::from("<div>");
        for i in 0..20_000 {
            body.push_str(&format!("Von Berlin nach Hamburg fährt Zug {i}<br>"));
        }
        body.push_str("</div>");
        assert!(md(&format!("<html><body>{body}</body></html>"))
            .authors
            .is_empty());
    }

    #[test]
    fn jsonld_name_that_is_the_site_is_not_the_title() {
        let m = md(
            r#"<html><head><title>Council OKs budget | Springfield News</title><script type="application/ld+json">{"@type":"NewsArticle","headline":"Council approves budget after long debate","name":"Springfield News"}</script></head><body></body></html>"#,
        );
        assert_eq!(
            m.jsonld_title.as_deref(),
            Some("Council approves budget after long debate")
        );
    }

    #[test]
    fn authors_from_author_links_and_byline_classes() {
        let authors = |body: &str| md(&format!("<html><head></head><body>{body}</body></html>")).authors;
        assert_eq!(
            authors(
                r#"<nav><a href="/author/menu-person/">Menu Person</a></nav><div class="t-meta"><a href="https://www.engadget.com/about/editors/jon-fingas/" class="th-meta">Jon Fingas</a></div>"#
            ),
            vec!["Jon Fingas"]
        );
        assert_eq!(
            authors(
                r#"<div class="css-1wkce1i-Byline"><div class="avatar"></div><span>Stewart Perrie</span></div>"#
            ),
            vec!["Stewart Perrie"]
        );
        assert_eq!(
            authors(
                r#"<div class="content__author"><a href="/news/x#author" class="line">Christie Wilcox</a></div>"#
            ),
            vec!["Christie Wilcox"]
        );
        // A link label is not a name.
        assert!(authors(r#"<p><a href="/authors/jane-doe/">See all</a></p>"#).is_empty());
    }

    #[test]
    fn authors_from_yoast_labels_and_jsonld_references() {
        let m = md(
            r#"<html><head><meta name="twitter:label1" content="Est. reading time"><meta name="twitter:data1" content="7 minutes"><meta name="twitter:label2" content="Verfasst von"><meta name="twitter:data2" content="Karoline Herr"></head><body></body></html>"#,
        );
        assert_eq!(m.authors, vec!["Karoline Herr"]);
        let m = md(
            r#"<html><head><script type="application/ld+json">{"@graph":[{"@type":"BlogPosting","headline":"H","author":{"@id":"https://x.test/#p1"}},{"@type":"Person","@id":"https://x.test/#p1","name":"Christian Dupuis"}]}</script></head><body></body></html>"#,
        );
        assert_eq!(m.authors, vec!["Christian Dupuis"]);
    }

    #[test]
    fn date_standing_below_or_above_the_headline() {
        let m = extract(
            &Html::parse_document(
                r#"<html><body><div class="hero"><h1 class="h0">How robot vacuums map a home</h1><div class="x"><span class="_1zZc h5"> Dec 17, 2025 </span></div></div><p>On March 3, 2020 the company said a lot of things in a long paragraph that goes on.</p></body></html>"#,
            ),
            None,
            None,
        );
        assert_eq!(m.published, Some(("2025-12-17".to_string(), "text")));
        let m = extract(
            &Html::parse_document(
                r#"<html><body><h5 class="hero-preheadline"> January 23, 2025 </h5><h1>Why project budgets slip every year</h1><p>Body.</p></body></html>"#,
            ),
            None,
            None,
        );
        assert_eq!(m.published, Some(("2025-01-23".to_string(), "text")));
        // A screen-reader h1 first; the dateline opens the lead paragraph.
        let m = extract(
            &Html::parse_document(
                r#"<html><body><h1 class="aural">Navigation und Service</h1><nav>x</nav><h1>Arbeitslosenquote im Januar 2022</h1><p><strong>01.02.2022 „Der Arbeitsmarkt ist gut in das neue Jahr gestartet“, sagte der Vorstand.</strong></p></body></html>"#,
            ),
            None,
            None,
        );
        assert_eq!(m.published, Some(("2022-02-01".to_string(), "text")));
        // A page that says it is a listing: the dates under its h1 belong to other articles.
        let m = extract(
            &Html::parse_document(
                r#"<html><head><script type="application/ld+json">{"@type":"CollectionPage","name":"Politics"}</script></head><body><h1>Archive for the Politics category</h1><ul><li><a href="/a">Senate passes bill</a></li><li>March 3, 2019</li></ul></body></html>"#,
            ),
            None,
            None,
        );
        assert_eq!(m.published, None);
        // The page's <title> is not a date near the headline.
        let m = extract(
            &Html::parse_document(
                r#"<html><head><title>Weekly briefing 3 March 2024</title></head><body><h1>Weekly briefing for the whole team</h1><p>Body text without any date in it at all, long enough.</p></body></html>"#,
            ),
            None,
            None,
        );
        assert_eq!(m.published, None);
        // A date inside a sentence of the body is not the page's date.
        let m = extract(
            &Html::parse_document(
                r#"<html><body><h1>Why project budgets slip every year</h1><p>On March 3, 2020 the company said a lot of things in a long paragraph that goes on.</p></body></html>"#,
            ),
            None,
            None,
        );
        assert_eq!(m.published, None);
    }

    #[test]
    fn code_is_not_a_byline() {
        let m = md(
            r#"<html><body><pre><code><span class="k">PARTITION</span> <span class="k">BY</span> status</code></pre><p>PARTITION BY Status is a clause.</p></body></html>"#,
        );
        assert!(m.authors.is_empty(), "{:?}", m.authors);
    }

    #[test]
    fn meta_tags_and_url_date() {
        let m = md(
            r#"<html><head><meta property="og:site_name" content="Site"><meta name="author" content="By Max Mustermann"><link rel="canonical" href="/2021/05/03/story"></head><body><p>x</p></body></html>"#,
        );
        assert_eq!(m.authors, vec!["Max Mustermann"]);
        assert_eq!(m.published, Some(("2021-05-03".to_string(), "url")));
        assert_eq!(
            m.canonical_url.as_deref(),
            Some("https://news.example.test/2021/05/03/story")
        );
        assert_eq!(m.language, None);
    }

    #[test]
    fn rejects_future_dates() {
        let m = md(
            r#"<html><head><meta property="article:published_time" content="2999-01-01T00:00:00Z"></head><body><time datetime="2020-02-02">x</time></body></html>"#,
        );
        assert_eq!(m.published, Some(("2020-02-02".to_string(), "time")));
    }

    #[test]
    fn authors_prefer_people_over_the_site_or_publisher() {
        // The site-wide `author` meta names the publisher; article:author names the writer.
        let m = md(
            r#"<html><head><meta property="og:site_name" content="Pitchfork"><meta name="author" content="Condé Nast"><meta name="article:author" content="Larry Fitzmaurice"></head><body></body></html>"#,
        );
        assert_eq!(m.authors, vec!["Larry Fitzmaurice"]);
        // Only the site's own name in metadata: the visible byline wins; the site name stays
        // the last resort.
        let m = md(
            r#"<html><head><meta property="og:site_name" content="ABC News"><meta name="author" content="ABC News"></head><body><p class="byline">By Josh Haskell</p></body></html>"#,
        );
        assert_eq!(m.authors, vec!["Josh Haskell"]);
        let m = md(
            r#"<html><head><meta property="og:site_name" content="Rick Steves"><meta name="author" content="Rick Steves"></head><body></body></html>"#,
        );
        assert_eq!(m.authors, vec!["Rick Steves"]);
        // A twitter account is not a name; an author-name element is.
        let m = md(
            r#"<html><head><meta name="twitter:creator" content="TodayShow"></head><body><span class="authorname-txt">Lizette Borreli</span></body></html>"#,
        );
        assert_eq!(m.authors, vec!["Lizette Borreli"]);
    }
}
