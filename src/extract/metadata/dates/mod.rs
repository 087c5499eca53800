//! Publication-date parsing for news pages.
//!
//! Dates reach the extractor from JSON-LD, `<meta>` tags, `<time datetime>` attributes,
//! URL paths and visible bylines, in many spellings: RFC 3339 / ISO 8601, RFC 2822,
//! numeric day/month/year forms, Unix timestamps and written month names in English,
//! German, French, Spanish, Portuguese, Italian, Polish and Dutch. Every accepted form is
//! normalised into a [`PageDate`] whose `iso` field is one of
//! `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SS` or `YYYY-MM-DDTHH:MM:SS+HH:MM`.
//!
//! In: strings. Out: [`PageDate`]s. The names it knows are in `names`; where on a page a
//! date stands is `page`'s business.

mod names;
pub(super) mod page;

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};
use regex::{Captures, Regex};

use names::{alternation, fold, MONTH_NAMES, UNRESOLVED_ZONE_NAMES, WEEKDAY_NAMES, ZONE_NAMES};

/// A date parsed from a page, normalised to ISO 8601.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageDate {
    /// `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SS` or `YYYY-MM-DDTHH:MM:SS±HH:MM` (`+00:00` for UTC).
    pub iso: String,
    /// True when the source gave a time of day.
    pub has_time: bool,
    /// True when the source gave a UTC offset or a known zone name.
    pub has_offset: bool,
}

/// Earliest plausible year: news sites only appeared on the web in the mid-1990s.
const MIN_PLAUSIBLE_YEAR: i32 = 1995;

/// Days a date may lie after "now": absorbs time-zone skew and slightly early timestamps.
const MAX_FUTURE_DAYS: i64 = 1;

/// A two-digit year from this one up is of the 1900s (the web's news pages start in
/// [`MIN_PLAUSIBLE_YEAR`]); below it, of the 2000s.
const TWO_DIGIT_YEARS_IN_1900S: i32 = 95;

/// Length of a compact `YYYYMMDD` date.
const COMPACT_DATE_LEN: usize = 8;

/// Digits of a Unix timestamp in seconds (10 digits cover 2001-09-09 to 2286).
const UNIX_SECONDS_LEN: usize = 10;

/// Digits of a Unix timestamp in milliseconds (JavaScript `Date.now()` style).
const UNIX_MILLIS_LEN: usize = 13;

/// Highest month number: in `a/b/yyyy` a leading number above it must be the day.
const MAX_MONTH: u32 = 12;

/// Largest UTC offset in real use (UTC+14, Line Islands); anything larger is junk.
const MAX_OFFSET_HOURS: u32 = 14;

/// Hours on a 12-hour clock face, used to convert AM/PM times.
const HALF_DAY_HOURS: u32 = 12;

/// Minutes in an hour, for offset arithmetic.
const MINUTES_PER_HOUR: u32 = 60;

/// Length of the `YYYY-MM-DD` prefix that every [`PageDate::iso`] starts with.
const ISO_DATE_LEN: usize = 10;

/// Folded month name -> month number.
static MONTH_LOOKUP: LazyLock<HashMap<String, u32>> = LazyLock::new(|| {
    MONTH_NAMES
        .iter()
        .map(|(name, month)| (fold(name), *month))
        .collect()
});

/// One date shape, compiled for a whole-string match and for a search inside text.
struct Pattern {
    anchored: Regex,
    search: Regex,
}

/// All date shapes. Capture names: `y`, `m`, `d` (numbers), `mname` (month name),
/// `a`/`b` (ambiguous numeric day/month), `h`, `mi`, `s`, `ap`, `tzo`, `tzn` (time).
static PATTERNS: LazyLock<Vec<Pattern>> = LazyLock::new(|| {
    let months = alternation(MONTH_NAMES.iter().map(|(name, _)| *name));
    let weekdays = alternation(WEEKDAY_NAMES.iter().copied());
    let mut zones: Vec<&str> = ZONE_NAMES.iter().map(|(name, _)| *name).collect();
    zones.sort_by_key(|z| std::cmp::Reverse(z.len()));
    let zones = zones.join("|");
    let unresolved = UNRESOLVED_ZONE_NAMES.join("|");
    let time = format!(
        r"(?:(?:\s*(?i:,|\||at|um|à|a\s+las|às|alle|om|kl\.|-|–)\s*|\s+|T)(?P<h>[0-9]{{1,2}})[:h.](?P<mi>[0-9]{{2}})(?::(?P<s>[0-9]{{2}})(?:[.,:][0-9]{{1,9}})?)?(?:\s*(?P<ap>[AaPp])\.?\s?[Mm]\b\.?)?(?:\s*(?:Uhr|h)\b)?(?:\s*(?:(?:GMT|UTC)?(?P<tzo>[+-][0-9]{{1,2}}(?::?[0-9]{{2}})?)\b|(?P<tzn>{zones})\b|(?:{unresolved})\b))?)"
    );
    let weekday = format!(r"(?:(?i:{weekdays})\b\.?,?\s*)?");
    let article = r"(?:(?i:le|el|am|on|den|il|em|op|dnia)\s+)?";
    let sources = [
        // 2021-05-03, 2021/05/03, 2021.05.03, optionally with a time (ISO 8601 / RFC 3339).
        format!(
            r"\b(?P<y>[0-9]{{4}})[-/.](?P<m>[0-9]{{1,2}})[-/.](?P<d>[0-9]{{1,2}})(?:{time}|\b)"
        ),
        // ISO 8601 basic format: 20210503T101500Z.
        r"\b(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})T(?P<h>[0-9]{2})(?P<mi>[0-9]{2})(?P<s>[0-9]{2})?(?:(?P<tzo>[+-][0-9]{2}(?::?[0-9]{2})?)|(?P<tzn>Z))?\b".to_string(),
        // European 03.05.2021 / 3.5.2021.
        format!(
            r"\b(?P<d>[0-9]{{1,2}})\.\s?(?P<m>[0-9]{{1,2}})\.\s?(?P<y>[0-9]{{4}})(?:{time}|\b)"
        ),
        // European with a two-digit year: 03.02.22 (a version number has more parts).
        format!(
            r"\b(?P<d>[0-9]{{1,2}})\.(?P<m>[0-9]{{1,2}})\.(?P<yy>[0-9]{{2}})(?:{time}|\b)(?:[^.0-9]|\.(?:[^0-9]|$)|$)"
        ),
        // 05/03/2021 or 05-03-2021: month first unless the first number cannot be a month.
        format!(
            r"\b(?P<a>[0-9]{{1,2}})[/-](?P<b>[0-9]{{1,2}})[/-](?P<y>[0-9]{{4}})(?:{time}|\b)"
        ),
        // Day before month name: 3 May 2021, 3. Mai 2021, 1er mars 2021, 3 de mayo de 2021.
        format!(
            r"{weekday}{article}\b(?P<d>[0-9]{{1,2}})(?i:st|nd|rd|th|er|º|°|ª)?\.?[\s\-]*(?:(?i:de|of)\s+)?(?P<mname>(?i:{months}))\b\.?,?[\s\-]*(?:(?i:de|del|of)\s+)?(?P<y>[0-9]{{4}})(?:{time}|\b)"
        ),
        // Month name before day: May 3, 2021, Sept. 3rd 2021.
        format!(
            r"{weekday}{article}\b(?P<mname>(?i:{months}))\b\.?[\s\-]*(?P<d>[0-9]{{1,2}})(?i:st|nd|rd|th)?\b(?:,\s*|\s+)(?P<y>[0-9]{{4}})(?:{time}|\b)"
        ),
    ];
    sources
        .iter()
        .map(|src| Pattern {
            anchored: Regex::new(&format!(r"^\s*(?:{src})\s*[.,;]?\s*$")).expect("constant regex"),
            search: Regex::new(src).expect("constant regex"),
        })
        .collect()
});

/// Leading label such as "Published:", "Posted on", "Mis à jour le".
static LABEL_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*(?i:(?:last\s+)?(?:published|updated|modified|posted|created|dated|date|veröffentlicht|aktualisiert|erstellt|stand|publiée|publié|mise?\s+à\s+jour|publicada|publicado|actualizado|atualizado|pubblicato|aggiornato|opublikowano|zaktualizowano|gepubliceerd|bijgewerkt|geplaatst))\b(?:\s+(?i:on|at|am|le|el|em|il|op|in))?\s*[:\-–]?\s*",
    )
    .expect("constant regex")
});

/// Dates in URL paths, tried in order: /2021/05/03/, /2021-05-03/, /20210503/.
static URL_PATTERNS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        r"/(?P<y>(?:19|20)[0-9]{2})/(?P<m>[0-9]{1,2})/(?P<d>[0-9]{1,2})(?:[/_.\-]|$)",
        r"(?:^|[/_.\-])(?P<y>(?:19|20)[0-9]{2})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})(?:[/_.\-]|$)",
        r"(?:^|[/_.\-])(?P<y>(?:19|20)[0-9]{2})(?P<m>[01][0-9])(?P<d>[0-3][0-9])(?:[/_.\-]|$)",
        // Day first, as European CMSs write it: /23-01-2024-slug/, /meldungen/29-10-2021.
        r"/(?P<d>[0-3]?[0-9])-(?P<m>[01]?[0-9])-(?P<y>(?:19|20)[0-9]{2})(?:[/_.\-]|$)",
    ]
    .iter()
    .map(|src| Regex::new(src).expect("constant regex"))
    .collect()
});

/// Parse one date string as found in JSON-LD, meta tags, `<time datetime>`, or visible text.
///
/// The whole string must be a date (a leading "Published"/"Updated"/"Posted on" label
/// is tolerated); use [`find_date_in_text`] for dates surrounded by other text.
pub fn parse_date(s: &str) -> Option<PageDate> {
    let s = LABEL_RE.replace(s, "");
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return parse_digits(s);
    }
    PATTERNS
        .iter()
        .find_map(|p| p.anchored.captures(s).and_then(|caps| build(&caps)))
}

/// Date embedded in a URL path: /2021/05/03/, /2021-05-03/, /20210503/, /2021/05/ (month only -> None).
pub fn date_from_url(url: &str) -> Option<PageDate> {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = if url.contains("://") {
        after_scheme.find('/').map_or("", |i| &after_scheme[i..])
    } else {
        after_scheme
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    URL_PATTERNS.iter().find_map(|re| {
        re.captures_iter(path).find_map(|caps| {
            let date = NaiveDate::from_ymd_opt(
                caps.name("y")?.as_str().parse().ok()?,
                num(&caps, "m")?,
                num(&caps, "d")?,
            )?;
            Some(render(date, None, None))
        })
    })
}

/// Find the first date-like expression in a short visible text (a byline, a dateline), using parse_date's text patterns.
pub fn find_date_in_text(s: &str) -> Option<PageDate> {
    find_date_span(s).map(|(_, _, date)| date)
}

/// Like [`find_date_in_text`], also returning the byte range of the matched text.
///
/// The earliest match wins; among matches starting at the same place the longest wins.
pub(crate) fn find_date_span(s: &str) -> Option<(usize, usize, PageDate)> {
    let mut best: Option<(usize, usize, PageDate)> = None;
    for pattern in PATTERNS.iter() {
        for caps in pattern.search.captures_iter(s) {
            let Some(whole) = caps.get(0) else { continue };
            if best.as_ref().is_some_and(|(start, _, _)| whole.start() > *start) {
                break;
            }
            let Some(date) = build(&caps) else { continue };
            let better = best.as_ref().is_none_or(|(start, end, _)| {
                whole.start() < *start || (whole.start() == *start && whole.end() > *end)
            });
            if better {
                best = Some((whole.start(), whole.end(), date));
            }
            break;
        }
    }
    best
}

/// True when the date is plausible for a news page: not before 1995-01-01 and not more than 1 day after `now`.
pub fn is_plausible(d: &PageDate, now: DateTime<Utc>) -> bool {
    let Some(date) = d
        .iso
        .get(..ISO_DATE_LEN)
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
    else {
        return false;
    };
    let Some(earliest) = NaiveDate::from_ymd_opt(MIN_PLAUSIBLE_YEAR, 1, 1) else {
        return false;
    };
    if date < earliest {
        return false;
    }
    let latest = now
        .checked_add_signed(TimeDelta::days(MAX_FUTURE_DAYS))
        .unwrap_or(now);
    if d.has_offset {
        DateTime::parse_from_rfc3339(&d.iso).is_ok_and(|t| t.with_timezone(&Utc) <= latest)
    } else if d.has_time {
        NaiveDateTime::parse_from_str(&d.iso, "%Y-%m-%dT%H:%M:%S").is_ok_and(|t| t <= latest.naive_utc())
    } else {
        date <= latest.date_naive()
    }
}

/// All-digit input: compact `YYYYMMDD` or a Unix timestamp in seconds or milliseconds.
fn parse_digits(s: &str) -> Option<PageDate> {
    let utc = match s.len() {
        COMPACT_DATE_LEN => {
            let date = NaiveDate::from_ymd_opt(
                s.get(0..4)?.parse().ok()?,
                s.get(4..6)?.parse().ok()?,
                s.get(6..8)?.parse().ok()?,
            )?;
            return Some(render(date, None, None));
        }
        UNIX_SECONDS_LEN => DateTime::from_timestamp(s.parse().ok()?, 0)?,
        UNIX_MILLIS_LEN => DateTime::from_timestamp_millis(s.parse().ok()?)?,
        _ => return None,
    };
    Some(render(utc.date_naive(), Some(utc.time()), Some(0)))
}

/// Number in capture group `name`, if present.
fn num(caps: &Captures, name: &str) -> Option<u32> {
    caps.name(name)?.as_str().parse().ok()
}

/// Month number for a (possibly accented, abbreviated, capitalised) month name.
fn month_number(name: &str) -> Option<u32> {
    MONTH_LOOKUP.get(&fold(name)).copied()
}

/// Turns the captures of one [`PATTERNS`] match into a validated date.
fn build(caps: &Captures) -> Option<PageDate> {
    let year: i32 = match caps.name("y") {
        Some(y) => y.as_str().parse().ok()?,
        None => full_year(caps.name("yy")?.as_str().parse().ok()?),
    };
    let (month, day) = if let Some(name) = caps.name("mname") {
        (month_number(name.as_str())?, num(caps, "d")?)
    } else if let (Some(a), Some(b)) = (num(caps, "a"), num(caps, "b")) {
        if a > MAX_MONTH {
            (b, a)
        } else {
            (a, b)
        }
    } else {
        (num(caps, "m")?, num(caps, "d")?)
    };
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    let Some(hour) = num(caps, "h") else {
        return Some(render(date, None, None));
    };
    let hour = match caps.name("ap") {
        Some(ap) => to_24_hour(hour, ap.as_str())?,
        None => hour,
    };
    let time = NaiveTime::from_hms_opt(hour, num(caps, "mi")?, num(caps, "s").unwrap_or(0))?;
    Some(render(date, Some(time), zone_offset(caps)?))
}

/// The century of a two-digit year: news pages with such dates are from the web's years,
/// so `95`–`99` are the 1990s and the rest this century.
fn full_year(yy: i32) -> i32 {
    if yy >= TWO_DIGIT_YEARS_IN_1900S {
        1900 + yy
    } else {
        2000 + yy
    }
}

/// Converts a 12-hour clock hour with an "a"/"p" marker to 0..=23.
fn to_24_hour(hour: u32, marker: &str) -> Option<u32> {
    if hour == 0 || hour > HALF_DAY_HOURS {
        return None;
    }
    let pm = marker.eq_ignore_ascii_case("p");
    Some(match (pm, hour == HALF_DAY_HOURS) {
        (false, true) => 0,
        (false, false) | (true, true) => hour,
        (true, false) => hour + HALF_DAY_HOURS,
    })
}

/// Offset in minutes from the `tzo`/`tzn` groups: `Some(None)` when none was given,
/// `None` when the given one is invalid.
fn zone_offset(caps: &Captures) -> Option<Option<i32>> {
    if let Some(zone) = caps.name("tzn") {
        return ZONE_NAMES
            .iter()
            .find(|(name, _)| *name == zone.as_str())
            .map(|(_, minutes)| Some(*minutes));
    }
    match caps.name("tzo") {
        None => Some(None),
        Some(offset) => numeric_offset(offset.as_str()).map(Some),
    }
}

/// Parses "+02:00", "+0200", "+2" or "-530" into signed minutes.
fn numeric_offset(s: &str) -> Option<i32> {
    let (sign, rest) = if let Some(rest) = s.strip_prefix('+') {
        (1, rest)
    } else {
        (-1, s.strip_prefix('-')?)
    };
    let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    let split = digits.len().checked_sub(2).filter(|_| digits.len() > 2);
    let (hours, minutes) = match split {
        Some(i) => (digits.get(..i)?.parse().ok()?, digits.get(i..)?.parse().ok()?),
        None => (digits.parse::<u32>().ok()?, 0),
    };
    if hours > MAX_OFFSET_HOURS || minutes >= MINUTES_PER_HOUR {
        return None;
    }
    i32::try_from(hours * MINUTES_PER_HOUR + minutes)
        .ok()
        .map(|m| sign * m)
}

/// Builds the normalised [`PageDate`].
fn render(date: NaiveDate, time: Option<NaiveTime>, offset_minutes: Option<i32>) -> PageDate {
    let mut iso = date.format("%Y-%m-%d").to_string();
    let Some(time) = time else {
        return PageDate {
            iso,
            has_time: false,
            has_offset: false,
        };
    };
    iso.push('T');
    iso.push_str(&time.format("%H:%M:%S").to_string());
    if let Some(minutes) = offset_minutes {
        let sign = if minutes < 0 { '-' } else { '+' };
        let total = minutes.unsigned_abs();
        iso.push_str(&format!(
            "{sign}{:02}:{:02}",
            total / MINUTES_PER_HOUR,
            total % MINUTES_PER_HOUR
        ));
    }
    PageDate {
        iso,
        has_time: true,
        has_offset: offset_minutes.is_some(),
    }
}

#[cfg(test)]
mod tests;
