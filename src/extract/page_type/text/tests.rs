//! The fast paths of the text matchers against the plain versions they replace: the label
//! lookup, the ASCII label, words and digits in one pass, the currency-code and byline
//! prefilters.

use super::*;

/// Short texts of every shape the label, word and price readers meet.
const SAMPLES: &[&str] = &[
    "",
    "  Add to Cart  ",
    "ADD TO\tCART!",
    "Get started today",
    "Get startedtoday",
    "get_started",
    "Book now →",
    "Request a demo",
    "requesting",
    "Contact",
    "contacts",
    "12",
    " 3 ",
    "Read more…",
    "Ärger bei der Bahn",
    "Prix: 12 €",
    "USD 40",
    "40USD",
    "kr 100",
    "Kč 5",
    "$ 9.99",
    "日本語のテキスト 2024",
    "By Jane Doe",
    "  — von Max",
    "written\u{a0}by someone",
    "Schedule\u{b}a call",
    "vor 3 Tagen, 2 days ago",
];

/// The lists scanned one by one, as before the lookup table.
fn by_lists(text: &str) -> Label {
    let mut buf = String::new();
    let l = label(text, &mut buf).to_string();
    let starts = |p: &str| l.starts_with(p) && boundary_after(&l, p.len());
    Label {
        cart: CART_LABELS.contains(&l.as_str()),
        reply: REPLY_LABELS.contains(&l.as_str()),
        list: LIST_LABELS.contains(&l.as_str()) || (!l.is_empty() && l.bytes().all(|c| c.is_ascii_digit())),
        cta: CTA_STARTS.iter().any(|p| starts(p)),
    }
}

#[test]
fn label_lookup_equals_the_list_scans() {
    let mut buf = String::new();
    let all = SAMPLES
        .iter()
        .copied()
        .chain(CART_LABELS.iter().copied())
        .chain(REPLY_LABELS.iter().copied())
        .chain(LIST_LABELS.iter().copied())
        .chain(CTA_STARTS.iter().copied())
        .flat_map(|s| [s.to_string(), format!("{s} x"), format!("{s}x"), s.to_uppercase()]);
    for t in all {
        let (a, b) = (classify_label(&t, &mut buf), by_lists(&t));
        assert_eq!(
            (a.cart, a.reply, a.list, a.cta),
            (b.cart, b.reply, b.list, b.cta),
            "{t:?}"
        );
    }
}

#[test]
fn ascii_label_is_the_char_by_char_one() {
    let mut buf = String::new();
    for t in SAMPLES {
        let chars: String = {
            let t = t.trim_matches(|c: char| !is_word_char(c));
            let mut out = String::new();
            let mut space = false;
            for c in t.chars() {
                if c.is_whitespace() {
                    space = true;
                    continue;
                }
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.extend(c.to_lowercase());
            }
            out
        };
        assert_eq!(label(t, &mut buf), chars, "{t:?}");
    }
}

#[test]
fn words_and_digits_in_one_pass() {
    for t in SAMPLES {
        let (n, digit) = count_words_digits(t);
        assert_eq!(n, count_words(t));
        assert_eq!(digit, t.bytes().any(|b| b.is_ascii_digit()), "{t:?}");
    }
    assert_eq!(count_words_digits("a1 b_c, d"), (3, true));
}

#[test]
fn currency_code_lengths_bound_the_list() {
    let lens = CURRENCY_CODES.iter().map(|c| c.len());
    assert_eq!(lens.clone().min(), Some(CURRENCY_CODE_BYTES.0));
    assert_eq!(lens.max(), Some(CURRENCY_CODE_BYTES.1));
    assert!(has_price("Prix: 12 €") && has_price("40 USD") && !has_price("40USD") && has_price("kr 100"));
    assert!(!has_price("USD") && !has_price("12 Kčx"));
}

#[test]
fn byline_starts_after_the_first_byte_filter() {
    assert!(starts_by("By Jane Doe") && starts_by("  — von Max") && starts_by("POSTED BY x"));
    assert!(!starts_by("Bylines") && !starts_by("Jane Doe") && !starts_by(""));
}
