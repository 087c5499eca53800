//! Tests of the date parser: every accepted spelling, the rejected ones, dates in URLs and
//! the plausibility bounds.

use super::names::{fold, MONTH_NAMES};
use super::*;
use chrono::TimeZone;

fn full(iso: &str) -> Option<PageDate> {
    Some(PageDate {
        iso: iso.to_string(),
        has_time: true,
        has_offset: true,
    })
}

fn local(iso: &str) -> Option<PageDate> {
    Some(PageDate {
        iso: iso.to_string(),
        has_time: true,
        has_offset: false,
    })
}

fn day(iso: &str) -> Option<PageDate> {
    Some(PageDate {
        iso: iso.to_string(),
        has_time: false,
        has_offset: false,
    })
}

#[test]
fn month_table_is_consistent() {
    let mut seen: HashMap<String, u32> = HashMap::new();
    for (name, month) in MONTH_NAMES {
        let previous = seen.insert(fold(name), *month);
        assert!(previous.is_none_or(|p| p == *month), "{name}");
    }
}

#[test]
fn rfc3339_zulu() {
    assert_eq!(
        parse_date("2021-05-03T10:15:00Z"),
        full("2021-05-03T10:15:00+00:00")
    );
}

#[test]
fn rfc3339_fractional_seconds() {
    assert_eq!(
        parse_date("2021-05-03T10:15:00.000Z"),
        full("2021-05-03T10:15:00+00:00")
    );
}

#[test]
fn iso_offset_without_colon() {
    assert_eq!(
        parse_date("2021-05-03T10:15:00+0200"),
        full("2021-05-03T10:15:00+02:00")
    );
}

#[test]
fn iso_negative_offset_with_colon() {
    assert_eq!(
        parse_date("2021-05-03T10:15:00-05:00"),
        full("2021-05-03T10:15:00-05:00")
    );
}

#[test]
fn iso_space_separated_without_offset() {
    assert_eq!(parse_date("2021-05-03 10:15:00"), local("2021-05-03T10:15:00"));
}

#[test]
fn iso_without_seconds() {
    assert_eq!(parse_date("2021-05-03T10:15"), local("2021-05-03T10:15:00"));
}

#[test]
fn iso_basic_format() {
    assert_eq!(parse_date("20210503T101500Z"), full("2021-05-03T10:15:00+00:00"));
}

#[test]
fn compact_date() {
    assert_eq!(parse_date("20210503"), day("2021-05-03"));
}

#[test]
fn iso_date_only() {
    assert_eq!(parse_date("2021-05-03"), day("2021-05-03"));
    assert_eq!(parse_date("  2021-05-03 "), day("2021-05-03"));
}

#[test]
fn rfc2822_gmt() {
    assert_eq!(
        parse_date("Mon, 03 May 2021 10:15:00 GMT"),
        full("2021-05-03T10:15:00+00:00")
    );
}

#[test]
fn rfc2822_numeric_offset() {
    assert_eq!(
        parse_date("Mon, 03 May 2021 10:15:00 +0200"),
        full("2021-05-03T10:15:00+02:00")
    );
}

#[test]
fn us_month_day_year() {
    assert_eq!(parse_date("May 3, 2021"), day("2021-05-03"));
}

#[test]
fn us_ordinal_with_time() {
    assert_eq!(parse_date("May 3rd, 2021 10:15 AM"), local("2021-05-03T10:15:00"));
}

#[test]
fn us_pm_midnight_and_zone() {
    assert_eq!(parse_date("May 3, 2021 10:15 p.m."), local("2021-05-03T22:15:00"));
    assert_eq!(parse_date("May 3, 2021 12:05 AM"), local("2021-05-03T00:05:00"));
    assert_eq!(
        parse_date("May 3, 2021, 10:15 AM EDT"),
        full("2021-05-03T10:15:00-04:00")
    );
    assert_eq!(
        parse_date("May 3, 2021 at 10:15 a.m. ET"),
        local("2021-05-03T10:15:00")
    );
    assert_eq!(parse_date("May 3, 2021 13:15 PM"), None);
}

#[test]
fn dotted_time_with_zone() {
    assert_eq!(
        parse_date("Thursday 6 May 2021 12.30 BST"),
        full("2021-05-06T12:30:00+01:00")
    );
}

#[test]
fn us_with_weekday() {
    assert_eq!(parse_date("Monday, May 3, 2021"), day("2021-05-03"));
}

#[test]
fn abbreviated_month_with_dot() {
    assert_eq!(parse_date("Sept. 3, 2021"), day("2021-09-03"));
    assert_eq!(parse_date("Jan 15 2021"), day("2021-01-15"));
}

#[test]
fn day_month_year() {
    assert_eq!(parse_date("3 May 2021"), day("2021-05-03"));
}

#[test]
fn day_month_year_at_time() {
    assert_eq!(parse_date("03 May 2021 at 10:15"), local("2021-05-03T10:15:00"));
}

#[test]
fn european_dotted() {
    assert_eq!(parse_date("03.05.2021"), day("2021-05-03"));
    assert_eq!(parse_date("3.5.2021"), day("2021-05-03"));
    assert_eq!(parse_date("03.05.2021, 10:15 Uhr"), local("2021-05-03T10:15:00"));
}

#[test]
fn european_dotted_two_digit_year() {
    assert_eq!(parse_date("03.02.22"), day("2022-02-03"));
    assert_eq!(parse_date("3.2.98"), day("1998-02-03"));
    assert_eq!(
        find_date_in_text("Eingestellt von Anna Keller am 03.02.22 – 14:10"),
        local("2022-02-03T14:10:00")
    );
    // Version numbers are not dates.
    assert_eq!(find_date_in_text("Release 1.2.10.4 is out"), None);
    assert_eq!(find_date_in_text("Am 03.02.2022 beschlossen"), day("2022-02-03"));
}

#[test]
fn seconds_with_a_colon_before_the_fraction() {
    assert_eq!(
        parse_date("2022-01-10T22:06:08:684Z"),
        full("2022-01-10T22:06:08+00:00")
    );
}

#[test]
fn year_first_slashes() {
    assert_eq!(parse_date("2021/05/03"), day("2021-05-03"));
}

#[test]
fn ambiguous_slashes_are_us_unless_impossible() {
    assert_eq!(parse_date("05/03/2021"), day("2021-05-03"));
    assert_eq!(parse_date("13/05/2021"), day("2021-05-13"));
    assert_eq!(parse_date("13/13/2021"), None);
}

#[test]
fn german() {
    assert_eq!(parse_date("3. Mai 2021"), day("2021-05-03"));
    assert_eq!(parse_date("03. März 2021"), day("2021-03-03"));
    assert_eq!(parse_date("03. MÄRZ 2021"), day("2021-03-03"));
    assert_eq!(parse_date("3. Maerz 2021"), day("2021-03-03"));
    assert_eq!(parse_date("3. Okt. 2021"), day("2021-10-03"));
    assert_eq!(parse_date("Montag, 3. Mai 2021"), day("2021-05-03"));
}

#[test]
fn french() {
    assert_eq!(parse_date("3 mai 2021"), day("2021-05-03"));
    assert_eq!(parse_date("le 3 février 2021"), day("2021-02-03"));
    assert_eq!(parse_date("3 fevrier 2021"), day("2021-02-03"));
    assert_eq!(parse_date("1er mars 2021"), day("2021-03-01"));
    assert_eq!(parse_date("3 janv. 2021"), day("2021-01-03"));
    assert_eq!(parse_date("3 févr. 2021"), day("2021-02-03"));
    assert_eq!(parse_date("3 août 2021 à 10h15"), local("2021-08-03T10:15:00"));
}

#[test]
fn spanish_and_portuguese() {
    assert_eq!(parse_date("3 de mayo de 2021"), day("2021-05-03"));
    assert_eq!(parse_date("3 de maio de 2021"), day("2021-05-03"));
    assert_eq!(parse_date("3 de março de 2021"), day("2021-03-03"));
}

#[test]
fn italian() {
    assert_eq!(parse_date("3 maggio 2021"), day("2021-05-03"));
}

#[test]
fn polish_genitive() {
    assert_eq!(parse_date("3 maja 2021"), day("2021-05-03"));
    assert_eq!(parse_date("15 października 2021"), day("2021-10-15"));
    assert_eq!(parse_date("15 pazdziernika 2021"), day("2021-10-15"));
}

#[test]
fn dutch() {
    assert_eq!(parse_date("3 mei 2021"), day("2021-05-03"));
    assert_eq!(parse_date("3 maart 2021"), day("2021-03-03"));
}

#[test]
fn unix_seconds() {
    assert_eq!(parse_date("1620036900"), full("2021-05-03T10:15:00+00:00"));
}

#[test]
fn unix_milliseconds() {
    assert_eq!(parse_date("1620036900123"), full("2021-05-03T10:15:00+00:00"));
}

#[test]
fn other_digit_counts_are_rejected() {
    assert_eq!(parse_date("12345"), None);
    assert_eq!(parse_date("162003690"), None);
}

#[test]
fn invalid_dates_are_rejected() {
    assert_eq!(parse_date("2021-02-30"), None);
    assert_eq!(parse_date("February 30, 2021"), None);
    assert_eq!(parse_date("30.02.2021"), None);
    assert_eq!(parse_date("20210230"), None);
    assert_eq!(parse_date("2021-05-03T25:00:00Z"), None);
    assert_eq!(parse_date("2021-05-03T10:15:00+1900"), None);
}

#[test]
fn non_dates_are_rejected() {
    assert_eq!(parse_date(""), None);
    assert_eq!(parse_date("hello world"), None);
    assert_eq!(parse_date("May 2021"), None);
}

#[test]
fn leading_labels_are_tolerated() {
    assert_eq!(parse_date("Published: May 3, 2021"), day("2021-05-03"));
    assert_eq!(parse_date("Posted on 2021-05-03"), day("2021-05-03"));
    assert_eq!(
        parse_date("Updated 03.05.2021 10:15"),
        local("2021-05-03T10:15:00")
    );
    assert_eq!(parse_date("Publié le 3 mai 2021"), day("2021-05-03"));
}

#[test]
fn parse_date_rejects_surrounding_noise() {
    assert_eq!(parse_date("Published: May 3, 2021 | Updated May 4, 2021"), None);
}

#[test]
fn find_in_noisy_text() {
    assert_eq!(
        find_date_in_text("Published: May 3, 2021 | Updated May 4, 2021"),
        day("2021-05-03")
    );
    assert_eq!(
        find_date_in_text("Von Max Mustermann, 03.05.2021, 10:15 Uhr"),
        local("2021-05-03T10:15:00")
    );
    assert_eq!(
        find_date_in_text("By Jane Doe Mon, 03 May 2021 10:15:00 GMT share"),
        full("2021-05-03T10:15:00+00:00")
    );
    assert_eq!(
        find_date_in_text("Madrid, 3 de mayo de 2021 (EFE)"),
        day("2021-05-03")
    );
}

#[test]
fn find_skips_invalid_candidates() {
    assert_eq!(
        find_date_in_text("ref 31.02.2021, published 2021-05-03"),
        day("2021-05-03")
    );
}

#[test]
fn find_returns_none_without_date() {
    assert_eq!(find_date_in_text("By Jane Doe, Staff Writer"), None);
}

#[test]
fn url_slash_path() {
    assert_eq!(
        date_from_url("https://example.com/2021/05/03/some-story/"),
        day("2021-05-03")
    );
}

#[test]
fn url_day_first_path() {
    assert_eq!(
        date_from_url("https://example.test/it/newsroom/23-01-2024-la-coppa/17-412.html"),
        day("2024-01-23")
    );
    assert_eq!(
        date_from_url("https://example.test/media-news/meldungen/29-10-2021"),
        day("2021-10-29")
    );
    // Day and month without a year are not a date.
    assert_eq!(
        date_from_url("https://example.test/artikel/30-11-buch-der-woche-1619"),
        None
    );
}

#[test]
fn url_dashed_path() {
    assert_eq!(
        date_from_url("https://example.com/news/2021-05-03/story.html"),
        day("2021-05-03")
    );
}

#[test]
fn url_compact_path() {
    assert_eq!(
        date_from_url("https://example.com/20210503/story"),
        day("2021-05-03")
    );
}

#[test]
fn url_month_only_or_invalid_is_none() {
    assert_eq!(date_from_url("https://example.com/2021/05/story"), None);
    assert_eq!(date_from_url("https://example.com/2021/05/12345-story"), None);
    assert_eq!(date_from_url("https://example.com/2021/02/30/story"), None);
    assert_eq!(date_from_url("https://example.com/story?d=2021-05-03"), None);
    assert_eq!(date_from_url("https://news2021.example.com/story"), None);
}

#[test]
fn plausibility_bounds() {
    let now = Utc.with_ymd_and_hms(2024, 6, 1, 12, 0, 0).unwrap();
    let check = |s: &str| is_plausible(&parse_date(s).unwrap(), now);
    assert!(!check("1994-12-31"));
    assert!(check("1995-01-01"));
    assert!(check("2024-06-02"));
    assert!(!check("2024-06-03"));
    assert!(check("2024-06-02T11:00:00Z"));
    assert!(!check("2024-06-02T13:00:00Z"));
    assert!(check("2024-06-02T13:00:00+02:00"));
    assert!(!check("2024-06-02T13:00:00"));
    let garbage = PageDate {
        iso: "not a date".to_string(),
        has_time: false,
        has_offset: false,
    };
    assert!(!is_plausible(&garbage, now));
}
