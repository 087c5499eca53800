//! Tests of sitemap and feed parsing: real-shaped documents, gzip (and gzip bombs), broken
//! input, dates, sniffing and feed links.

use super::*;
use chrono::{DateTime, FixedOffset};
use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::Write;
use url::Url;

const MB: usize = 1024 * 1024;

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

fn dt(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

fn urlset(s: &str) -> (Vec<SitemapEntry>, bool) {
    match parse_sitemap(s.as_bytes(), MB).unwrap() {
        Sitemap::UrlSet { entries, news } => (entries, news),
        other => panic!("expected urlset, got {other:?}"),
    }
}

const INDEX: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://ex.test/sitemap-1.xml</loc><lastmod>2026-11-20T08:30:00+01:00</lastmod></sitemap>
  <sitemap>
<loc>
  https://ex.test/sitemap-2.xml.gz
</loc>
  </sitemap>
  <sitemap><lastmod>2026-11-20</lastmod></sitemap>
</sitemapindex>"#;

#[test]
fn sitemap_index() {
    let Sitemap::Index(entries) = parse_sitemap(INDEX.as_bytes(), MB).unwrap() else {
        panic!("expected index")
    };
    assert_eq!(entries.len(), 2, "entry without loc is skipped");
    assert_eq!(entries[0].loc, "https://ex.test/sitemap-1.xml");
    assert_eq!(entries[0].lastmod, Some(dt("2026-11-20T08:30:00+01:00")));
    assert_eq!(entries[1].loc, "https://ex.test/sitemap-2.xml.gz");
    assert_eq!(entries[1].lastmod, None);
}

const NEWS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
    xmlns:n="http://www.google.com/schemas/sitemap-news/0.9"
    xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url>
<loc>https://ex.test/2026/11/20/harbour-reopens?a=1&amp;b=2</loc>
<image:image><image:loc>https://ex.test/p.jpg</image:loc><image:title>Photo caption</image:title></image:image>
<n:news>
  <n:publication><n:name>Harbour Times</n:name><n:language>en</n:language></n:publication>
  <n:publication_date>2026-11-20T08:30:00Z</n:publication_date>
  <n:title>Harbour &#8220;reopens&#8221; &amp; ships return</n:title>
</n:news>
<lastmod>2026-11-20</lastmod>
  </url>
  <url>
<loc>https://ex.test/2026/11/19/other</loc>
<image:image><image:title>Only an image title</image:title></image:image>
  </url>
</urlset>"#;

#[test]
fn news_sitemap_with_image_title() {
    let (entries, news) = urlset(NEWS);
    assert!(news);
    assert_eq!(entries.len(), 2);
    let e = &entries[0];
    assert_eq!(e.loc, "https://ex.test/2026/11/20/harbour-reopens?a=1&b=2");
    assert_eq!(
        e.news_title.as_deref(),
        Some("Harbour \u{201c}reopens\u{201d} & ships return")
    );
    assert_eq!(e.news_publication_date, Some(dt("2026-11-20T08:30:00Z")));
    assert_eq!(e.lastmod, Some(dt("2026-11-20T00:00:00Z")));
    assert_eq!(entries[1].news_title, None, "image:title is not a news title");
    assert_eq!(entries[1].news_publication_date, None);
}

#[test]
fn plain_urlset_is_not_news() {
    let (entries, news) =
        urlset("<urlset><url><loc>https://ex.test/a</loc></url><url><loc/></url><url/></urlset>");
    assert!(!news);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].loc, "https://ex.test/a");
}

#[test]
fn empty_urlset() {
    assert_eq!(urlset("<urlset/>"), (vec![], false));
    assert_eq!(urlset("<urlset></urlset>"), (vec![], false));
}

#[test]
fn cdata_loc_and_bom() {
    let xml =
        "\u{feff}<?xml version=\"1.0\"?>\n<urlset><url><loc><![CDATA[ https://ex.test/a?x=1&y=2 ]]></loc>\
               <lastmod> 2026-11 </lastmod></url></urlset>";
    let (entries, _) = urlset(xml);
    assert_eq!(entries[0].loc, "https://ex.test/a?x=1&y=2");
    assert_eq!(entries[0].lastmod, Some(dt("2026-11-01T00:00:00Z")));
}

#[test]
fn gzipped_sitemap() {
    let gz = gzip(NEWS.as_bytes());
    assert_eq!(&gz[..2], GZIP_MAGIC);
    let Sitemap::UrlSet { entries, news } = parse_sitemap(&gz, MB).unwrap() else {
        panic!()
    };
    assert!(news);
    assert_eq!(entries.len(), 2);
}

#[test]
fn gzip_bomb_is_too_large() {
    let bomb = gzip(&vec![0u8; 20 * MB]);
    assert!(bomb.len() < 100 * 1024, "the test bomb is small: {}", bomb.len());
    let err = parse_sitemap(&bomb, MB).unwrap_err();
    assert!(
        matches!(err, DiscoverError::TooLarge { limit } if limit == MB),
        "{err:?}"
    );
    let err = parse_feed(&bomb, None, MB).unwrap_err();
    assert!(matches!(err, DiscoverError::TooLarge { .. }), "{err:?}");
}

#[test]
fn read_capped_never_exceeds_cap() {
    let data = vec![7u8; 300 * 1024];
    let out = read_capped(&data[..], 100_001).unwrap();
    assert_eq!(out.len(), 100_001);
    assert!(out.capacity() <= 100_001);
}

#[test]
fn uncompressed_body_over_cap_is_too_large() {
    let err = parse_sitemap(NEWS.as_bytes(), 100).unwrap_err();
    assert!(matches!(err, DiscoverError::TooLarge { limit: 100 }));
}

#[test]
fn corrupt_gzip_is_gzip_error() {
    let mut gz = gzip(NEWS.as_bytes());
    gz.truncate(20);
    assert!(matches!(parse_sitemap(&gz, MB), Err(DiscoverError::Gzip(_))));
}

#[test]
fn malformed_xml() {
    for bad in [
        "<urlset><url><loc>https://ex.test/a</loc></url>",
        "<urlset><url><loc>https://ex.test/a</url></urlset>",
        "<urlset><url><loc>https://ex.test/a</loc></url></urlset",
        "<<<>>> garbage",
        "<?xml version=\"1.0\"?>",
    ] {
        let err = parse_sitemap(bad.as_bytes(), MB).unwrap_err();
        assert!(matches!(err, DiscoverError::Malformed(_)), "{bad:?} gave {err:?}");
    }
    let err = parse_sitemap(b"<urlset><url><loc>x</loc></url>", MB).unwrap_err();
    assert!(err.to_string().contains("<urlset> is not closed"), "{err}");
}

#[test]
fn non_sitemap_roots() {
    for other in [
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel/></rss>",
        "<!DOCTYPE html><html><head><title>404</title></head><body><p>Not found<br></body></html>",
        "hello, this is not a sitemap\n",
        "",
        "{\"version\": \"https://jsonfeed.org/version/1.1\"}",
    ] {
        let err = parse_sitemap(other.as_bytes(), MB).unwrap_err();
        assert!(
            matches!(err, DiscoverError::NotASitemap),
            "{other:?} gave {err:?}"
        );
    }
}

#[test]
fn plain_text_sitemap() {
    let body = "https://ex.test/a\r\n\n  http://ex.test/b  \nnot a url\nftp://ex.test/c\n/relative\n";
    let (entries, news) = urlset(body);
    assert!(!news);
    let locs: Vec<_> = entries.iter().map(|e| e.loc.as_str()).collect();
    assert_eq!(locs, ["https://ex.test/a", "http://ex.test/b"]);
}

#[test]
fn entry_cap() {
    let mut xml = String::from("<urlset>");
    for i in 0..MAX_ENTRIES_PER_FILE + 10 {
        xml.push_str(&format!("<url><loc>https://ex.test/{i}</loc></url>"));
    }
    xml.push_str("</urlset>");
    let Sitemap::UrlSet { entries, .. } = parse_sitemap(xml.as_bytes(), 16 * MB).unwrap() else {
        panic!("expected urlset")
    };
    assert_eq!(entries.len(), MAX_ENTRIES_PER_FILE);
}

#[test]
fn w3c_datetimes() {
    let cases = [
        ("2026-11-20", "2026-11-20T00:00:00Z"),
        ("2026-11", "2026-11-01T00:00:00Z"),
        ("2026", "2026-01-01T00:00:00Z"),
        ("2026-11-20T08:30Z", "2026-11-20T08:30:00Z"),
        ("2026-11-20T08:30+01:00", "2026-11-20T08:30:00+01:00"),
        ("2026-11-20T08:30:00+01:00", "2026-11-20T08:30:00+01:00"),
        ("2026-11-20T08:30:00.123Z", "2026-11-20T08:30:00.123Z"),
        ("2026-11-20T08:30:00+0100", "2026-11-20T08:30:00+01:00"),
        ("2026-11-20 08:30:00", "2026-11-20T08:30:00Z"),
        ("Fri, 20 Nov 2026 08:30:00 GMT", "2026-11-20T08:30:00Z"),
        ("Fri, 20 Nov 2026 08:30:00 +0200", "2026-11-20T08:30:00+02:00"),
        ("  2026-11-20T08:30:00Z \n", "2026-11-20T08:30:00Z"),
    ];
    for (input, want) in cases {
        assert_eq!(parse_w3c_datetime(input), Some(dt(want)), "{input:?}");
    }
    let offset = parse_w3c_datetime("2026-11-20T08:30:00+01:00").unwrap();
    assert_eq!(offset.offset().local_minus_utc(), 3600, "the offset is kept");
    for bad in [
        "",
        "yesterday",
        "2026-13-01",
        "2026-02-30",
        "26-11-20",
        "2026-11-20T25:00Z",
        "2026-1-2-3",
    ] {
        assert_eq!(parse_w3c_datetime(bad), None, "{bad:?}");
    }
}

const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Harbour Times</title><link>https://ex.test/</link>
  <item><title>Harbour reopens</title><link>https://ex.test/2026/11/20/harbour-reopens?utm_source=rss</link>
<pubDate>Fri, 20 Nov 2026 08:30:00 +0100</pubDate></item>
  <item><title>  </title><link>/2026/11/19/relative-story</link></item>
  <item><title>No link</title></item>
  <item><title>Guid only</title><guid isPermaLink="true">https://ex.test/p/4821</guid></item>
</channel></rss>"#;

#[test]
fn rss2_feed() {
    let base = Url::parse("https://ex.test/feed/").unwrap();
    let items = parse_feed(RSS.as_bytes(), Some(&base), MB).unwrap();
    assert_eq!(items.len(), 3, "{items:?}");
    assert_eq!(items[0].url, "https://ex.test/2026/11/20/harbour-reopens");
    assert_eq!(items[0].title.as_deref(), Some("Harbour reopens"));
    assert_eq!(
        items[0].published.map(|d| d.timestamp()),
        Some(dt("2026-11-20T07:30:00Z").timestamp())
    );
    assert_eq!(items[1].url, "https://ex.test/2026/11/19/relative-story");
    assert_eq!(items[1].title, None);
    assert_eq!(items[1].published, None);
    assert_eq!(items[2].url, "https://ex.test/p/4821");
}

const ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Harbour Times</title><id>urn:uuid:feed</id><updated>2026-11-20T09:00:00Z</updated>
  <entry>
<title>Ships return</title><id>tag:ex.test,2026:1</id>
<link rel="self" href="https://ex.test/api/entries/1"/>
<link rel="alternate" type="text/html" href="/2026/11/20/ships-return"/>
<link rel="enclosure" href="https://ex.test/audio.mp3"/>
<updated>2026-11-20T09:00:00Z</updated>
  </entry>
  <entry>
<title>Published wins</title><id>tag:ex.test,2026:2</id>
<link href="story-two.html"/>
<published>2026-11-19T10:00:00+02:00</published><updated>2026-11-20T10:00:00Z</updated>
  </entry>
  <entry><title>Tag id only</title><id>tag:ex.test,2026:3</id></entry>
</feed>"#;

#[test]
fn atom_feed_prefers_alternate_and_resolves_relative() {
    let base = Url::parse("https://ex.test/news/atom.xml").unwrap();
    let items = parse_feed(ATOM.as_bytes(), Some(&base), MB).unwrap();
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(items[0].url, "https://ex.test/2026/11/20/ships-return");
    assert_eq!(
        items[0].published,
        Some(dt("2026-11-20T09:00:00Z")),
        "updated as fallback"
    );
    assert_eq!(items[0].title.as_deref(), Some("Ships return"));
    assert_eq!(items[1].url, "https://ex.test/news/story-two.html");
    assert_eq!(
        items[1].published.map(|d| d.timestamp()),
        Some(dt("2026-11-19T08:00:00Z").timestamp())
    );
}

#[test]
fn json_feed_and_gzip_feed() {
    let json = r#"{"version": "https://jsonfeed.org/version/1.1", "title": "T",
        "items": [{"id": "1", "url": "https://ex.test/a-story", "title": "A story",
                   "date_published": "2026-11-20T08:30:00Z"}]}"#;
    let items = parse_feed(json.as_bytes(), None, MB).unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].url, "https://ex.test/a-story");
    let items = parse_feed(&gzip(RSS.as_bytes()), None, MB).unwrap();
    assert_eq!(items.len(), 2, "relative link dropped without a base: {items:?}");
}

#[test]
fn unparseable_feed() {
    for bad in [
        "just text",
        "<html><body>hi</body></html>",
        "{\"not\": \"a feed\"}",
    ] {
        let err = parse_feed(bad.as_bytes(), None, MB).unwrap_err();
        assert!(matches!(err, DiscoverError::Feed(_)), "{bad:?} gave {err:?}");
    }
}

#[test]
fn feed_sniffing() {
    assert!(looks_like_feed(RSS.as_bytes()));
    assert!(looks_like_feed(ATOM.as_bytes()));
    assert!(looks_like_feed(&gzip(ATOM.as_bytes())));
    assert!(looks_like_feed(
        b"<?xml version=\"1.0\"?>\n<!-- c --><rdf:RDF xmlns:rdf=\"x\"><channel/></rdf:RDF>"
    ));
    assert!(looks_like_feed(
        b"\xef\xbb\xbf  {\"title\": \"x\", \"version\" : \"https://jsonfeed.org/version/1\"}"
    ));
    assert!(!looks_like_feed(NEWS.as_bytes()));
    assert!(!looks_like_feed(INDEX.as_bytes()));
    assert!(!looks_like_feed(b"{\"version\": \"2\"}"));
    assert!(!looks_like_feed(b"https://ex.test/a\n"));
    assert!(!looks_like_feed(b""));
    assert!(!looks_like_feed(&[0x1f, 0x8b, 0, 0]));
}

#[test]
fn feed_links_from_html() {
    let html = crate::html::engine::parse_document(
        r#"<html><head>
        <link rel="alternate" type="application/rss+xml" title="All" href="/feed/">
        <link rel="Alternate" type="application/atom+xml; charset=utf-8" href="https://ex.test/atom.xml">
        <link rel="alternate" type="application/feed+json" href="feed.json">
        <link rel="alternate" type="text/html" hreflang="de" href="/de/">
        <link rel="stylesheet" type="text/css" href="/s.css">
        <link rel="alternate" type="application/rss+xml" href="/feed/#dup">
        <link rel="alternate" type="application/rss+xml" href="javascript:void(0)">
        <link rel="alternate" type="application/rss+xml">
        </head><body><a rel="alternate" type="application/rss+xml" href="/body-a">x</a></body></html>"#,
        &crate::Limits::default(),
    )
    .unwrap();
    let base = Url::parse("https://ex.test/news/").unwrap();
    let links: Vec<String> = feed_links(&html, &base).iter().map(Url::to_string).collect();
    assert_eq!(
        links,
        [
            "https://ex.test/feed/",
            "https://ex.test/atom.xml",
            "https://ex.test/news/feed.json"
        ]
    );
}

#[test]
fn conventional_paths_are_absolute() {
    assert!(CONVENTIONAL_SITEMAPS
        .iter()
        .chain(CONVENTIONAL_FEEDS)
        .all(|p| p.starts_with('/')));
}
