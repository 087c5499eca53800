//! Page-type tests on small synthetic pages shaped like real ones: the two articles the crawler
//! lost (an undated, unlabelled `<article>`; an old table-layout portal page dated only in its
//! text) and the non-articles that must not be taken for articles (a tag page claiming
//! `og:type=article`, an author page with a bio, an about page of prose, a paginated category,
//! search results, a contact form), plus one page of each other type (forum thread, product,
//! documentation). Each asserts the type and that the evidence names a signal or a guard.

use super::{classify, Classification, Hints, PageType, Signal};
use crate::html::engine;
use crate::Limits;

/// Sentences of news-like prose, cycled to make paragraphs of a given length.
const SENTENCES: &[&str] = &[
    "The harbour authority confirmed on Tuesday that the old cranes would return to the eastern quay after two years of repairs.",
    "Dock workers, who had campaigned for the restoration since the storm, gathered at the gate to watch the first crane arrive on a barge.",
    "According to the council, the work cost less than planned because most of the steel could be reused.",
    "Historians say the cranes were built in 1912 and handled timber, coal and grain for most of the century.",
    "The project manager explained that each crane had been taken apart, cleaned and painted before being assembled again.",
    "Engineers will test the machinery in the spring, although the cranes are not expected to lift cargo again.",
    "Local traders said the cranes were part of the town's identity and that visitors often asked about them.",
    "A small exhibition in the customs house will show photographs of the cranes from the last hundred years.",
];

/// About `words` words of prose in `<p>` paragraphs of three sentences, starting at sentence `from`.
fn prose(words: usize, from: usize) -> String {
    let mut out = String::new();
    let mut n = 0;
    let mut i = from;
    while n < words {
        out.push_str("<p>");
        for _ in 0..3 {
            let s = SENTENCES[i % SENTENCES.len()];
            out.push_str(s);
            out.push(' ');
            n += s.split_whitespace().count();
            i += 1;
        }
        out.push_str("</p>\n");
    }
    out
}

/// The same prose as text separated by `<br><br>` (an old table layout's paragraphs).
fn br_prose(words: usize) -> String {
    prose(words, 2).replace("<p>", "").replace("</p>\n", "<br><br>")
}

/// A site header: logo, section menu, search form.
const HEADER: &str = r#"<header><a href="/">Harbour Gazette</a><nav><ul>
<li><a href="/news/">News</a></li><li><a href="/sport/">Sport</a></li><li><a href="/culture/">Culture</a></li>
<li><a href="/about/">About</a></li><li><a href="/contact/">Contact</a></li></ul></nav>
<form action="/search" role="search"><input type="search" name="q"><button>Search</button></form></header>"#;

/// A site footer.
const FOOTER: &str =
    r#"<footer><p>© Harbour Gazette</p><a href="/privacy/">Privacy</a> <a href="/terms/">Terms</a></footer>"#;

/// Headlines of teasers.
const HEADLINES: &[&str] = &[
    "Cranes return to the eastern quay after repairs",
    "Council approves the new ferry timetable for winter",
    "Fishing fleet reports its best season in a decade",
    "Museum opens an exhibition of harbour photographs",
    "Storm damage to the sea wall will be repaired by May",
    "Schools invited to visit the restored customs house",
    "Traders welcome the reopening of the market square",
    "Lifeboat crew rescues two sailors off the headland",
    "New cycle path links the station and the beach",
    "Harbour festival returns with concerts and boat races",
];

/// `n` teasers: a linked headline, a date and a one-sentence summary each.
fn teasers(n: usize) -> String {
    let mut out = String::from("<ul class=\"post-list\">\n");
    for i in 0..n {
        let h = HEADLINES[i % HEADLINES.len()];
        let slug = h.to_lowercase().replace(' ', "-");
        out.push_str(&format!(
            "<li class=\"post\"><h2><a href=\"/2026/11/{:02}/{slug}/\">{h}</a></h2><time>{} November 2026</time><p>{}</p><a href=\"/2026/11/{:02}/{slug}/\">Read more</a></li>\n",
            i + 1,
            i + 1,
            SENTENCES[i % SENTENCES.len()],
            i + 1
        ));
    }
    out.push_str("</ul>\n");
    out
}

/// A numbered pager.
const PAGER: &str = r#"<nav class="pagination"><a href="page/1/">1</a> <span>2</span> <a href="page/3/">3</a> <a href="page/3/">Next</a></nav>"#;

/// A page: `head` inside `<head>` after the title, `body` between the header and the footer.
fn page(title: &str, head: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>{head}</head>\n<body>{HEADER}\n{body}\n{FOOTER}</body></html>"
    )
}

/// Parse and classify; assert the type and that the evidence is there and names a signal or a
/// guard of the page.
fn check(html: &str, url: &str, want: PageType) -> Classification {
    let doc = engine::parse_document(html, &Limits::default()).expect("the page parses");
    let c = classify(&doc, Some(url), &Hints::default());
    assert_eq!(c.page_type, want, "{url}: evidence {:?}", c.evidence);
    assert!(c.evidence.len() >= 2, "{url}: evidence {:?}", c.evidence);
    let names_one = c.evidence.iter().skip(1).any(|e| {
        Signal::ALL
            .iter()
            .any(|s| e.starts_with(s.name()) && c.signals.has(*s))
    }) || c.evidence[0].starts_with("guard:");
    assert!(names_one, "{url}: evidence names no signal: {:?}", c.evidence);
    c
}

#[test]
fn undated_unlabelled_article_element_is_an_article() {
    let body = format!(
        "<main><article><h1>Why the cranes matter</h1>\n{}</article></main>",
        prose(220, 0)
    );
    check(
        &page("Why the cranes matter", "", &body),
        "https://small.test/a/3.html",
        PageType::Article,
    );
}

#[test]
fn old_table_portal_page_dated_in_its_text_is_an_article() {
    let html = format!(
        r#"<html><head><title>Portal News - Cranes</title></head><body><table width="100%"><tr><td width="160" valign="top">
<a href="index.php">Home</a><br><a href="news.php">News</a><br><a href="forum.php">Forum</a><br><a href="links.php">Links</a></td>
<td valign="top"><font size="4"><b>Cranes return to the harbour</b></font><br>Posted 12.03.2005 by admin<br><br>{}</td></tr></table>
<center><font size="1">Powered by PortalNuke</font></center></body></html>"#,
        br_prose(350)
    );
    check(&html, "http://portal.test/news.php?id=123", PageType::Article);
}

#[test]
fn tag_page_claiming_og_article_is_a_listing() {
    let head = r#"<meta property="og:type" content="article"><meta property="og:title" content="Port">"#;
    let body = format!("<main><h1>Port</h1>\n{}{PAGER}</main>", teasers(10));
    check(
        &page("Port - Harbour Gazette", head, &body),
        "https://gazette.test/tag/port/",
        PageType::Listing,
    );
}

#[test]
fn author_page_with_a_bio_is_a_listing() {
    let body = format!(
        "<main><h1>Fiona Reed</h1><div class=\"author-bio\"><img src=\"/img/fiona.jpg\" alt=\"\"><p>Fiona Reed covers the harbour, shipping and the city council. She joined the Gazette in 2019 after ten years at regional papers.</p></div>\n<h2>Latest from Fiona Reed</h2>{}</main>",
        teasers(8)
    );
    check(
        &page("Fiona Reed - Harbour Gazette", "", &body),
        "https://gazette.test/author/fiona-reed/",
        PageType::Listing,
    );
}

#[test]
fn about_page_of_plain_prose_is_service() {
    let body = format!(
        "<main><h1>About us</h1>\n<p>The Harbour Gazette is an independent newspaper founded in 1921. We report on the town, its harbour and the villages around it, and we are owned by a trust of our readers.</p>\n{}</main>",
        prose(150, 4)
    );
    check(
        &page("About us - Harbour Gazette", "", &body),
        "https://gazette.test/about/",
        PageType::Service,
    );
}

#[test]
fn paginated_category_is_a_listing() {
    let body = format!("<main><h1>City</h1>\n{}{PAGER}</main>", teasers(10));
    check(
        &page("City - Page 2 - Harbour Gazette", "", &body),
        "https://gazette.test/category/city/page/2/",
        PageType::Listing,
    );
}

#[test]
fn search_results_are_a_listing() {
    let body = format!(
        "<main><h1>Search results for “harbour”</h1><p>10 results</p>\n{}{PAGER}</main>",
        teasers(10)
    );
    check(
        &page("Search: harbour - Harbour Gazette", "", &body),
        "https://gazette.test/search?q=harbour",
        PageType::Listing,
    );
}

#[test]
fn contact_form_is_service() {
    let body = r#"<main><h1>Contact us</h1><p>Write to the newsroom or call us on <a href="tel:+441234567890">01234 567890</a>.</p>
<address>Harbour Gazette, 1 Quay Street, Harbourtown</address>
<form class="contact-form" action="/contact/send" method="post"><label>Name <input name="name"></label>
<label>Email <input type="email" name="email"></label><label>Message <textarea name="message"></textarea></label>
<button type="submit">Send message</button></form></main>"#;
    check(
        &page("Contact - Harbour Gazette", "", body),
        "https://gazette.test/contact/",
        PageType::Service,
    );
}

/// One forum post: user box, date, text, reply buttons.
fn post(i: usize) -> String {
    format!(
        r#"<div class="post" id="post{i}"><div class="postauthor"><a href="/members/user{i}/">user{i}</a><span class="user-title">Member</span><span>Joined: Mar 2019</span><span>Posts: {}</span></div>
<div class="postdate">Posted on {} March 2024</div><div class="postbody"><p>I had the same problem with my boat engine last winter. {} I think you should check the fuel filter first.</p></div>
<div class="postfooter"><a href="/reply?p={i}">Reply</a> <a href="/quote?p={i}">Quote</a> <a href="/report?p={i}">Report</a></div></div>"#,
        40 + i * 7,
        i + 1,
        SENTENCES[i % SENTENCES.len()]
    )
}

#[test]
fn forum_thread_with_repeated_posts_is_a_forum() {
    let posts: String = (0..8).map(post).collect();
    let body = format!(
        "<main><div class=\"breadcrumb\"><a href=\"/forum/\">Forum</a> › <a href=\"/forum/engines/\">Engines</a></div><h1>Outboard engine will not start after winter</h1>\n<div class=\"thread\">{posts}</div><p>8 replies</p></main>"
    );
    check(
        &page(
            "Outboard engine will not start after winter - Boating Forum",
            "",
            &body,
        ),
        "https://boats.test/forum/threads/outboard-engine-will-not-start.4512/",
        PageType::Forum,
    );
}

#[test]
fn product_page_with_price_and_offer_markup_is_a_product() {
    let head = r#"<meta property="og:type" content="product"><script type="application/ld+json">{"@context":"https://schema.org","@type":"Product","name":"Harbour Lantern","sku":"HL-200","offers":{"@type":"Offer","price":"49.90","priceCurrency":"EUR","availability":"https://schema.org/InStock"}}</script>"#;
    let body = r#"<main><div class="product" itemscope itemtype="https://schema.org/Product"><h1 itemprop="name">Harbour Lantern</h1>
<div class="product-gallery"><img src="/img/lantern.jpg" alt="Harbour Lantern"></div>
<div class="price" itemprop="offers" itemscope itemtype="https://schema.org/Offer"><span itemprop="price">€49.90</span></div>
<form class="cart" action="/cart/add" method="post"><select name="colour"><option>Brass</option><option>Black</option></select>
<input type="number" name="qty" value="1"><button class="add-to-cart" type="submit">Add to cart</button></form>
<div class="product-description"><p>A hand-made brass lantern with a storm-proof glass and a wick that burns for twelve hours.</p></div>
<table class="specifications"><tr><th>Height</th><td>32 cm</td></tr><tr><th>Weight</th><td>1.2 kg</td></tr><tr><th>Material</th><td>Brass</td></tr></table>
<h2>Related products</h2><ul class="products"><li class="product"><a href="/p/ship-bell">Ship bell</a> <span class="price">€29.00</span></li><li class="product"><a href="/p/rope-mat">Rope mat</a> <span class="price">€19.50</span></li></ul></div></main>"#;
    check(
        &page("Harbour Lantern - Quay Shop", head, body),
        "https://shop.test/products/harbour-lantern",
        PageType::Product,
    );
}

#[test]
fn documentation_page_is_documentation() {
    let body = r##"<div class="docs-layout"><nav class="sidebar toc"><ul><li><a href="/docs/install">Installation</a></li><li><a href="/docs/config">Configuration</a></li>
<li><a href="/docs/api/client">Client</a></li><li><a href="/docs/api/request">Request</a></li><li><a href="/docs/api/response">Response</a></li></ul></nav>
<main class="docs-content"><h1>Client.send</h1><p>Sends a request and returns the response. The client keeps the connection open so that later requests reuse it.</p>
<pre><code>let client = Client::new();
let response = client.send(request)?;
println!("{}", response.status());</code></pre>
<h2>Parameters</h2><ul><li><code>request</code>: the request to send. It must have a URL.</li><li><code>timeout</code>: optional; how long to wait, in seconds.</li></ul>
<h2>Returns</h2><p>A <code>Response</code>, or an error when the connection fails. See also <a href="/docs/api/response">Response</a>.</p>
<div class="admonition note"><p>Deprecated since version 2.0: use <code>Client::execute</code> instead.</p></div>
<p class="edit"><a href="https://git.test/docs/edit/client.md">Edit this page</a></p></main><aside class="on-this-page"><p>On this page</p><a href="#parameters">Parameters</a> <a href="#returns">Returns</a></aside></div>"##;
    check(
        &page("Client.send — HarbourHTTP documentation", "", body),
        "https://docs.test/docs/api/client-send",
        PageType::Documentation,
    );
}

#[test]
fn the_extraction_fills_the_type_and_its_evidence_and_the_crawler_gets_them() {
    let rules = crate::rules::Rules::load(&[]).expect("built-in rules");
    let body = format!(
        "<main><article><h1>Why the cranes matter</h1>\n{}</article></main>",
        prose(220, 0)
    );
    let html = page("Why the cranes matter", "", &body);
    let p = |url| crate::model::Page {
        bytes: html.as_bytes(),
        url: Some(url),
        ..Default::default()
    };
    let opts = crate::Options::default();
    let a = crate::process(&p("https://small.test/a/3.html"), &rules, &opts).expect("an article");
    assert_eq!(a.page_type, PageType::Article);
    assert!(a.extraction.page_type_evidence[0].starts_with("article="));
    let (a, info) = crate::process_for_crawl(&p("https://small.test/tag/cranes/"), &rules, &opts);
    let a = a.expect("the same body");
    assert_eq!(a.page_type, PageType::Listing);
    assert_eq!(a.extraction.page_type_evidence[0], "guard:listing-url");
    assert_eq!(info.page_type, Some(PageType::Listing));
    assert_eq!(info.page_type_evidence, a.extraction.page_type_evidence);
}
