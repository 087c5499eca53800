//! Bad input never panics: malformed, empty, binary, huge and hostile pages give an error or
//! a record.

use newsharvest::{process, Error, Options, Page, Rules};

fn run(bytes: &[u8]) -> Result<newsharvest::Article, Error> {
    let rules = Rules::bundled().expect("rules");
    process(
        &Page {
            bytes,
            url: Some("https://example.test/a"),
            ..Default::default()
        },
        &rules,
        &Options::default(),
    )
}

#[test]
fn empty_and_whitespace_pages_are_errors() {
    assert!(matches!(run(b""), Err(Error::EmptyPage)));
    assert!(matches!(run(b"  \n\t "), Err(Error::EmptyPage)));
}

#[test]
fn binary_input_is_an_error() {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend((0..5000u32).map(|i| (i * 7919 % 251) as u8));
    assert!(matches!(run(&png), Err(Error::Binary)));
}

#[test]
fn malformed_html_gives_a_record_or_error() {
    let cases: &[&[u8]] = &[
        b"<html><body><p>unclosed <b>bold <i>italic",
        b"<<<>>><p>></p><div <p>text",
        b"<p>Only one paragraph without structure at all but with enough words to be text.</p>",
        b"\xff\xfe\x00<\x00p\x00>",
        b"<html><head><meta charset=\"bogus-charset\"></head><body><article><p>x</p></article>",
        b"<script>never closed",
    ];
    for c in cases {
        let _ = run(c);
    }
    let r = run(b"<html><body><article><p>This is a long enough paragraph, written so, that the scorer picks it up as prose for sure.</p></article></body></html>")
        .expect("a simple article extracts");
    assert!(r.text.starts_with("This is a long enough paragraph"));
}

#[test]
fn deeply_nested_and_huge_pages_do_not_panic() {
    let mut deep = String::from("<html><body>");
    for _ in 0..5000 {
        deep.push_str("<div>");
    }
    deep.push_str("<p>Deep text, with commas, and enough characters to count as a paragraph.</p>");
    let _ = run(deep.as_bytes());

    // A 20 MB page of repeated paragraphs.
    let para = "<p>The council met on Tuesday, and the budget, after long debate, was approved by a narrow margin.</p>\n";
    let mut big = String::with_capacity(21_000_000);
    big.push_str("<html><body><article>");
    while big.len() < 20_000_000 {
        big.push_str(para);
    }
    big.push_str("</article></body></html>");
    let a = run(big.as_bytes()).expect("a huge page still extracts");
    assert!(a.text.len() > 1_000_000);
}
