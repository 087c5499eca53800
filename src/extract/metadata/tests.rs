//! Tests of [`super::extract`] on small pages: which source wins for each field, and the
//! shapes of bylines and dates that are (and are not) found.

use super::*;

/// [`super::extract`] with the document's keys read from the same page.
fn extract(tree: &Arena, url: Option<&url::Url>, content_language: Option<&str>) -> Metadata {
    super::extract(tree, &DocKeys::of(tree), url, content_language)
}

/// A page parsed as `process` parses it.
fn parse(html: &str) -> Arena {
    crate::html::engine::parse_document(html, &crate::Limits::default()).expect("parses")
}

fn md(html: &str) -> Metadata {
    extract(
        &parse(html),
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
        Some(("2021-05-03T10:15:00+02:00".to_string(), DateSource::JsonLd))
    );
    assert_eq!(
        m.modified,
        Some(("2021-05-04T08:00:00+00:00".to_string(), DateSource::JsonLd))
    );
    assert_eq!(m.site_name.as_deref(), Some("Example News"));
    assert_eq!(m.breadcrumbs, vec!["Home", "World"]);
    assert_eq!(m.tags, vec!["a", "b"]);
    assert_eq!(m.language.as_deref(), Some("en"));
}

#[test]
fn jsonld_reportage_article_is_an_article_and_outranks_a_web_page() {
    // `ReportageNewsArticle` was misspelt in the type list and never matched.
    let m = md(
        r#"<html><head><script type="application/ld+json">{"@graph":[{"@type":"WebPage","headline":"Site page","datePublished":"2020-01-01"},{"@type":"ReportageNewsArticle","headline":"The report","datePublished":"2021-06-07T09:00:00Z"}]}</script></head><body></body></html>"#,
    );
    assert_eq!(m.jsonld_title.as_deref(), Some("The report"));
    assert_eq!(
        m.published,
        Some(("2021-06-07T09:00:00+00:00".to_string(), DateSource::JsonLd))
    );
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
        authors(r#"<ul class="sub-menu"><li>By Company Size</li></ul><h3>By Functionality</h3>"#).is_empty()
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
        &parse(
            r#"<html><body><div class="hero"><h1 class="h0">How robot vacuums map a home</h1><div class="x"><span class="_1zZc h5"> Dec 17, 2025 </span></div></div><p>On March 3, 2020 the company said a lot of things in a long paragraph that goes on.</p></body></html>"#,
        ),
        None,
        None,
    );
    assert_eq!(m.published, Some(("2025-12-17".to_string(), DateSource::Text)));
    let m = extract(
        &parse(
            r#"<html><body><h5 class="hero-preheadline"> January 23, 2025 </h5><h1>Why project budgets slip every year</h1><p>Body.</p></body></html>"#,
        ),
        None,
        None,
    );
    assert_eq!(m.published, Some(("2025-01-23".to_string(), DateSource::Text)));
    // A screen-reader h1 first; the dateline opens the lead paragraph.
    let m = extract(
        &parse(
            r#"<html><body><h1 class="aural">Navigation und Service</h1><nav>x</nav><h1>Arbeitslosenquote im Januar 2022</h1><p><strong>01.02.2022 „Der Arbeitsmarkt ist gut in das neue Jahr gestartet“, sagte der Vorstand.</strong></p></body></html>"#,
        ),
        None,
        None,
    );
    assert_eq!(m.published, Some(("2022-02-01".to_string(), DateSource::Text)));
    // A page that says it is a listing: the dates under its h1 belong to other articles.
    let m = extract(
        &parse(
            r#"<html><head><script type="application/ld+json">{"@type":"CollectionPage","name":"Politics"}</script></head><body><h1>Archive for the Politics category</h1><ul><li><a href="/a">Senate passes bill</a></li><li>March 3, 2019</li></ul></body></html>"#,
        ),
        None,
        None,
    );
    assert_eq!(m.published, None);
    // The page's <title> is not a date near the headline.
    let m = extract(
        &parse(
            r#"<html><head><title>Weekly briefing 3 March 2024</title></head><body><h1>Weekly briefing for the whole team</h1><p>Body text without any date in it at all, long enough.</p></body></html>"#,
        ),
        None,
        None,
    );
    assert_eq!(m.published, None);
    // A date inside a sentence of the body is not the page's date.
    let m = extract(
        &parse(
            r#"<html><body><h1>Why project budgets slip every year</h1><p>On March 3, 2020 the company said a lot of things in a long paragraph that goes on.</p></body></html>"#,
        ),
        None,
        None,
    );
    assert_eq!(m.published, None);
}

#[test]
fn labelled_dates_anywhere() {
    // A label alone in its element, the date in the next one, far from the headline.
    let m = extract(
        &parse(
            r#"<html><body><h1>Les gardiens du phare</h1><ol><li>00:00 a</li><li>02:15 b</li><li>06:40 c</li><li>10:05 d</li><li>13:30 e</li><li>17:45 f</li><li>21:10 g</li></ol><ul><li><p class="title">Mise en ligne</p><p class="content">23 mai 2024</p></li></ul></body></html>"#,
        ),
        None,
        None,
    );
    assert_eq!(m.published, Some(("2024-05-23".to_string(), DateSource::Text)));
    // A label of the last change is the date only when the page shows no other.
    let m = extract(
        &parse(
            r#"<html><body><h2>Download</h2><p>Text.</p><p id="pageinfo">BeginnersGuide/Download (last edited 2019-11-10 13:28:18 by Someone)</p></body></html>"#,
        ),
        None,
        None,
    );
    assert_eq!(
        m.published,
        Some(("2019-11-10T13:28:18".to_string(), DateSource::Text))
    );
    let m = extract(
        &parse(
            r#"<html><body><p>Aktualisiert am 17.01.2021</p><p><strong>Erschienen am:</strong> 01.11.2020</p></body></html>"#,
        ),
        None,
        None,
    );
    assert_eq!(m.published, Some(("2020-11-01".to_string(), DateSource::Text)));
}

#[test]
fn date_in_script_data_or_next_to_a_subheading() {
    let m = extract(
        &parse(
            r#"<html><body><div id="app"></div><script>window.__STATE__={"block":{"createdAt":"2022-01-31T15:58:43+01:00","enabled":true}}</script></body></html>"#,
        ),
        None,
        None,
    );
    assert_eq!(
        m.published,
        Some(("2022-01-31T15:58:43+01:00".to_string(), DateSource::Text))
    );
    // The headline is an h2 repeating <title>; the h1 is the site's name.
    let m = extract(
        &parse(
            r#"<html><head><title>Planting garlic before the first frost</title></head><body><h1>The Allotment Diary blog</h1><p>Notes from plot 14</p><p>a</p><p>b</p><p>c</p><p>d</p><p>e</p><p>f</p><p>g</p><p>h</p><p>i</p><p>j</p><p>k</p><p>l</p><h2>Planting garlic before the first frost</h2><p class="x">Sunday, 13 October 2024</p></body></html>"#,
        ),
        None,
        None,
    );
    assert_eq!(m.published, Some(("2024-10-13".to_string(), DateSource::Text)));
}

#[test]
fn generic_date_meta_yields_to_the_date_at_the_headline() {
    let m = md(
        r#"<html><head><meta name="date" content="2022-01-26T14:32:06+02:00"></head><body><h1>Riesling birthday posts win prizes</h1><p>21.01.2022</p><p>Text.</p></body></html>"#,
    );
    assert_eq!(m.published, Some(("2022-01-21".to_string(), DateSource::Text)));
    // A later date at the headline is another page's or an update: the meta stays.
    let m = md(
        r#"<html><head><meta name="date" content="2017-05-01T17:05:00+02:00"></head><body><h1>Riesling birthday posts win prizes</h1><p>26.02.2020</p></body></html>"#,
    );
    assert_eq!(
        m.published,
        Some(("2017-05-01T17:05:00+02:00".to_string(), DateSource::Meta))
    );
    // A specific key stays first.
    let m = md(
        r#"<html><head><meta property="article:published_time" content="2021-12-20T11:02:44+01:00"></head><body><h1>Riesling birthday posts win prizes</h1><p>27.01.2022</p></body></html>"#,
    );
    assert_eq!(
        m.published,
        Some(("2021-12-20T11:02:44+01:00".to_string(), DateSource::Meta))
    );
    // A date element with a two-digit year yields to one that writes the year in full.
    let m = extract(
        &parse(
            r#"<html><body><div class="seminar-datum">19.1.23, 10:00-11:30 Uhr</div><div class="post-date">20.12.2022</div></body></html>"#,
        ),
        None,
        None,
    );
    assert_eq!(m.published, Some(("2022-12-20".to_string(), DateSource::Text)));
}

#[test]
fn feed_link_names_the_site() {
    let m = md(
        r#"<html><head><title>x</title><link rel="alternate" type="application/rss+xml" title="ArchWiki Atom feed" href="/feed"><link rel="alternate" type="application/rss+xml" title="Other » Feed" href="/f2"></head><body><h3>Installation steps</h3></body></html>"#,
    );
    assert_eq!(m.feed_site.as_deref(), Some("ArchWiki"));
    assert_eq!(m.h3s, vec!["Installation steps"]);
    let m = md(
        r#"<html><head><link rel="alternate" type="application/atom+xml" title="Time 4 talks » Feed"></head><body></body></html>"#,
    );
    assert_eq!(m.feed_site.as_deref(), Some("Time 4 talks"));
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
    assert_eq!(m.published, Some(("2021-05-03".to_string(), DateSource::Url)));
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
    assert_eq!(m.published, Some(("2020-02-02".to_string(), DateSource::Time)));
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
