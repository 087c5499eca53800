//! The page-type decision on the signals of real page shapes: labelled and unlabelled
//! articles, short briefs, listings that claim to be articles, service pages.

use super::*;
use PageType::{Article, Listing, Service};

fn u(s: &str) -> Url {
    Url::parse(s).expect("url")
}

/// Signals of a page with a date, 120 links and no notable markup.
fn sig(og: Option<&str>, ld: &[&str], words: usize, paras: usize) -> Signals {
    Signals {
        og_type: og.map(str::to_string),
        jsonld_types: ld.iter().map(|t| t.to_string()).collect(),
        body_words: words,
        body_paragraphs: paras,
        page_links: 120,
        has_date: true,
        from_news_sitemap: false,
        markup: Markup::default(),
    }
}

/// Signals of an undated page with `links` links.
fn undated(words: usize, paras: usize, links: usize, markup: Markup) -> Signals {
    Signals {
        has_date: false,
        page_links: links,
        markup,
        ..sig(None, &[], words, paras)
    }
}

fn headlined() -> Markup {
    Markup {
        articles: 1,
        h1s: 1,
        h1_in_article: true,
        ..Markup::default()
    }
}

#[test]
fn decisions() {
    let cases = [
        // a news article with og:type
        (
            "https://a.test/2026/11/20/cranes-return/",
            sig(Some("article"), &["newsarticle"], 400, 6),
            Article,
        ),
        // no metadata, long text, slug URL
        (
            "https://a.test/news/local/council-faces-budget-gap",
            sig(None, &[], 350, 5),
            Article,
        ),
        // home page, even with article items in its JSON-LD
        (
            "https://a.test/",
            sig(Some("website"), &["website", "itemlist", "newsarticle"], 300, 4),
            Listing,
        ),
        // section page with og:type website
        (
            "https://a.test/news/local/",
            sig(Some("website"), &["collectionpage"], 250, 3),
            Listing,
        ),
        // WordPress tag page: og:type article (Yoast), JSON-LD CollectionPage
        (
            "https://a.test/tag/port/",
            sig(Some("article"), &["collectionpage", "breadcrumblist"], 200, 2),
            Listing,
        ),
        // Yoast category page: og:type article, no JSON-LD, category URL
        (
            "https://a.test/category/city/",
            sig(Some("article"), &[], 220, 3),
            Listing,
        ),
        // author page
        (
            "https://a.test/author/fiona/",
            sig(Some("profile"), &["profilepage"], 150, 1),
            Listing,
        ),
        // pagination
        ("https://a.test/news/page/2/", sig(None, &[], 300, 3), Listing),
        // a short photo story with og:type article
        (
            "https://a.test/2026/11/20/photos-storm-damage/",
            sig(Some("article"), &[], 40, 0),
            Article,
        ),
        // too short without evidence
        ("https://a.test/news/local/brief", sig(None, &[], 40, 0), Listing),
        // about page
        (
            "https://a.test/about-us/",
            sig(Some("website"), &["webpage"], 300, 4),
            Service,
        ),
        // a JSON-LD contact page at a neutral URL
        (
            "https://a.test/help/write-to-us",
            sig(None, &["contactpage"], 120, 2),
            Service,
        ),
        // search results
        ("https://a.test/search?q=ferry", sig(None, &[], 260, 3), Listing),
    ];
    for (url, s, want) in cases {
        let v = classify(&u(url), &s);
        assert_eq!(v.page_type, want, "{url}: {:?}", v.evidence);
        assert!(!v.evidence.is_empty(), "{url}: evidence");
    }
}

#[test]
fn undated_unlabelled_articles_are_articles() {
    // An <article> with its <h1> and 220 words under /a/3.html.
    let v = classify(&u("https://a.test/a/3.html"), &undated(220, 4, 40, headlined()));
    assert_eq!(v.page_type, Article, "{:?}", v.evidence);
    assert_eq!(v.evidence[0], "markup:h1-in-article");
    // An old table layout: news.php?id=123, 350 words, its date only in the text.
    let v = classify(
        &u("http://a.test/news.php?id=123"),
        &undated(350, 5, 70, Markup::default()),
    );
    assert_eq!(
        (v.page_type, v.evidence[0].as_str()),
        (Article, "url:query-id=id")
    );
    // Microdata: one NewsArticle item with its articleBody.
    let m = Markup {
        microdata_types: vec!["newsarticle".into(), "person".into()],
        microdata_articles: 1,
        article_body: true,
        ..Markup::default()
    };
    let v = classify(&u("https://a.test/world/ferry-talks"), &undated(240, 3, 40, m));
    assert_eq!(v.page_type, Article);
    assert_eq!(
        v.evidence[..2],
        ["microdata:newsarticle", "microdata:articlebody"]
    );
    // Dated only in its text, under a neutral URL.
    let v = classify(&u("https://a.test/blog/market-day"), &sig(None, &[], 260, 4));
    assert_eq!((v.page_type, v.evidence[0].as_str()), (Article, "text:dated"));
}

#[test]
fn listings_that_look_like_articles_are_not() {
    // Ten teasers with microdata BlogPosting each: no label, repeated teasers.
    let m = Markup {
        articles: 10,
        linked_headings: 10,
        microdata_types: vec!["blogposting".into()],
        microdata_articles: 10,
        h1s: 1,
        ..Markup::default()
    };
    let v = classify(&u("https://a.test/news/local/"), &undated(400, 8, 90, m.clone()));
    assert_eq!(
        (v.page_type, v.evidence[0].as_str()),
        (Listing, "markup:teasers=10")
    );
    // A section wrapped in one <article> with its <h1>: teasers keep it from the h1 rule.
    let wrapped = Markup {
        h1_in_article: true,
        microdata_articles: 0,
        ..m
    };
    let v = classify(&u("https://a.test/news/local/"), &undated(320, 4, 200, wrapped));
    assert_eq!(v.page_type, Listing, "{:?}", v.evidence);
    // Many links for little prose, no date.
    let v = classify(
        &u("https://a.test/news/local/"),
        &undated(310, 4, 180, Markup::default()),
    );
    assert_eq!(
        (v.page_type, v.evidence[0].as_str()),
        (Listing, "text:link-heavy")
    );
    // The same prose with a normal menu is an article.
    let v = classify(
        &u("https://a.test/news/local/"),
        &undated(310, 4, 60, Markup::default()),
    );
    assert_eq!(v.page_type, Article, "{:?}", v.evidence);
    // A headline inside an <article> over a teaser's worth of text is no article.
    let v = classify(&u("https://a.test/a/4.html"), &undated(90, 1, 40, headlined()));
    assert_eq!(v.page_type, Listing, "{:?}", v.evidence);
}

#[test]
fn service_pages() {
    // An about page of plain prose.
    let v = classify(&u("https://a.test/about/"), &undated(320, 4, 40, headlined()));
    assert_eq!(
        (v.page_type, v.evidence[0].as_str()),
        (Service, "url:service=about")
    );
    // A contact form, also at an article-shaped URL: a slug is no evidence for a short text.
    let form = Markup {
        text_forms: 1,
        ..Markup::default()
    };
    let v = classify(
        &u("https://a.test/write-to-the-editor"),
        &undated(45, 0, 40, form.clone()),
    );
    assert_eq!((v.page_type, v.evidence[0].as_str()), (Service, "markup:form"));
    let v = classify(&u("https://a.test/letters/write"), &undated(45, 0, 40, form));
    assert_eq!((v.page_type, v.evidence[0].as_str()), (Service, "markup:form"));
    // A labelled article about the company is an article.
    let v = classify(
        &u("https://a.test/about/"),
        &sig(Some("article"), &["newsarticle"], 500, 6),
    );
    assert_eq!(v.page_type, Article);
}

#[test]
fn the_extractor_decision_wins() {
    let mut a = crate::model::Article {
        text: vec!["word ".repeat(60); 5].join("\n\n"),
        page_type: PageType::Forum,
        ..crate::model::Article::default()
    };
    let info = PageInfo::default();
    let v = page_type(Some(&a), &info, b"", &u("https://a.test/t/42"), Via::Link);
    assert_eq!(v.page_type, Article, "no evidence: the crawl decides");
    a.extraction.page_type_evidence = vec!["markup:posts=12".into()];
    let v = page_type(Some(&a), &info, b"", &u("https://a.test/t/42"), Via::Link);
    assert_eq!(
        (v.page_type, v.evidence),
        (PageType::Forum, vec!["markup:posts=12".to_string()])
    );
    let v = page_type(
        None,
        &info,
        b"<form><textarea></textarea></form>",
        &u("https://a.test/x/y"),
        Via::Link,
    );
    assert_eq!(v.page_type, Service, "{:?}", v.evidence);
}
