//! Publication-date parsing for news pages.
//!
//! Dates reach the extractor from JSON-LD, `<meta>` tags, `<time datetime>` attributes,
//! URL paths and visible bylines, in many spellings: RFC 3339 / ISO 8601, RFC 2822,
//! numeric day/month/year forms, Unix timestamps and written month names in English,
//! German, French, Spanish, Portuguese, Italian, Polish and Dutch. Every accepted form is
//! normalised into a [`PageDate`] whose `iso` field is one of
//! `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SS` or `YYYY-MM-DDTHH:MM:SS+HH:MM`.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};
use regex::{Captures, Regex};

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

/// Month names and abbreviations (lower case, accents kept; unaccented forms are derived).
const MONTH_NAMES: &[(&str, u32)] = &[
    // English
    ("january", 1),
    ("jan", 1),
    ("february", 2),
    ("feb", 2),
    ("febr", 2),
    ("march", 3),
    ("mar", 3),
    ("april", 4),
    ("apr", 4),
    ("may", 5),
    ("june", 6),
    ("jun", 6),
    ("july", 7),
    ("jul", 7),
    ("august", 8),
    ("aug", 8),
    ("september", 9),
    ("sept", 9),
    ("sep", 9),
    ("october", 10),
    ("oct", 10),
    ("november", 11),
    ("nov", 11),
    ("december", 12),
    ("dec", 12),
    // German
    ("januar", 1),
    ("jänner", 1),
    ("jaenner", 1),
    ("jän", 1),
    ("februar", 2),
    ("feber", 2),
    ("märz", 3),
    ("maerz", 3),
    ("mrz", 3),
    ("mai", 5),
    ("juni", 6),
    ("juli", 7),
    ("oktober", 10),
    ("okt", 10),
    ("dezember", 12),
    ("dez", 12),
    // French
    ("janvier", 1),
    ("janv", 1),
    ("février", 2),
    ("févr", 2),
    ("fév", 2),
    ("mars", 3),
    ("avril", 4),
    ("avr", 4),
    ("juin", 6),
    ("juillet", 7),
    ("juil", 7),
    ("août", 8),
    ("septembre", 9),
    ("octobre", 10),
    ("novembre", 11),
    ("décembre", 12),
    ("déc", 12),
    // Spanish
    ("enero", 1),
    ("ene", 1),
    ("febrero", 2),
    ("marzo", 3),
    ("abril", 4),
    ("abr", 4),
    ("mayo", 5),
    ("junio", 6),
    ("julio", 7),
    ("agosto", 8),
    ("ago", 8),
    ("septiembre", 9),
    ("setiembre", 9),
    ("set", 9),
    ("octubre", 10),
    ("noviembre", 11),
    ("diciembre", 12),
    ("dic", 12),
    // Portuguese
    ("janeiro", 1),
    ("fevereiro", 2),
    ("fev", 2),
    ("março", 3),
    ("maio", 5),
    ("junho", 6),
    ("julho", 7),
    ("setembro", 9),
    ("outubro", 10),
    ("out", 10),
    ("novembro", 11),
    ("dezembro", 12),
    // Italian
    ("gennaio", 1),
    ("gen", 1),
    ("febbraio", 2),
    ("aprile", 4),
    ("maggio", 5),
    ("mag", 5),
    ("giugno", 6),
    ("giu", 6),
    ("luglio", 7),
    ("lug", 7),
    ("settembre", 9),
    ("ottobre", 10),
    ("ott", 10),
    ("dicembre", 12),
    // Polish: nominative, genitive (used in dates) and abbreviations
    ("styczeń", 1),
    ("stycznia", 1),
    ("sty", 1),
    ("luty", 2),
    ("lutego", 2),
    ("lut", 2),
    ("marzec", 3),
    ("marca", 3),
    ("kwiecień", 4),
    ("kwietnia", 4),
    ("kwi", 4),
    ("maj", 5),
    ("maja", 5),
    ("czerwiec", 6),
    ("czerwca", 6),
    ("cze", 6),
    ("lipiec", 7),
    ("lipca", 7),
    ("lip", 7),
    ("sierpień", 8),
    ("sierpnia", 8),
    ("sie", 8),
    ("wrzesień", 9),
    ("września", 9),
    ("wrz", 9),
    ("październik", 10),
    ("października", 10),
    ("paź", 10),
    ("listopad", 11),
    ("listopada", 11),
    ("lis", 11),
    ("grudzień", 12),
    ("grudnia", 12),
    ("gru", 12),
    // Dutch
    ("januari", 1),
    ("februari", 2),
    ("maart", 3),
    ("mrt", 3),
    ("mei", 5),
    ("augustus", 8),
];

/// Weekday names that may precede a written date ("Monday, May 3, 2021").
const WEEKDAY_NAMES: &[&str] = &[
    // English
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thur",
    "thurs",
    "fri",
    "sat",
    "sun",
    // German
    "montag",
    "dienstag",
    "mittwoch",
    "donnerstag",
    "freitag",
    "samstag",
    "sonnabend",
    "sonntag",
    // French
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    // Spanish
    "lunes",
    "martes",
    "miércoles",
    "jueves",
    "viernes",
    "sábado",
    "domingo",
    // Portuguese
    "segunda-feira",
    "terça-feira",
    "quarta-feira",
    "quinta-feira",
    "sexta-feira",
    "segunda",
    "terça",
    "quarta",
    "quinta",
    "sexta",
    // Italian
    "lunedì",
    "martedì",
    "mercoledì",
    "giovedì",
    "venerdì",
    "sabato",
    "domenica",
    // Polish
    "poniedziałek",
    "wtorek",
    "środa",
    "czwartek",
    "piątek",
    "sobota",
    "niedziela",
    // Dutch
    "maandag",
    "dinsdag",
    "woensdag",
    "donderdag",
    "vrijdag",
    "zaterdag",
    "zondag",
];

/// Zone abbreviations accepted after a time, with their UTC offset in minutes.
const ZONE_NAMES: &[(&str, i32)] = &[
    ("Z", 0),
    ("UT", 0),
    ("UTC", 0),
    ("GMT", 0),
    ("EST", -300),
    ("EDT", -240),
    ("CST", -360),
    ("CDT", -300),
    ("MST", -420),
    ("MDT", -360),
    ("PST", -480),
    ("PDT", -420),
    ("BST", 60),
    ("CET", 60),
    ("CEST", 120),
    ("MEZ", 60),
    ("MESZ", 120),
];

/// Zone abbreviations whose offset depends on daylight saving ("10:15 a.m. ET"): accepted, not resolved.
const UNRESOLVED_ZONE_NAMES: &[&str] = &["ET", "CT", "MT", "PT"];

/// Lower-cases `s` and strips the diacritics used by the supported languages.
fn fold(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ą' => 'a',
            'ç' | 'ć' | 'č' => 'c',
            'è' | 'é' | 'ê' | 'ë' | 'ę' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ł' => 'l',
            'ñ' | 'ń' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
            'ś' | 'š' => 's',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ź' | 'ż' | 'ž' => 'z',
            other => other,
        })
        .collect()
}

/// Regex alternation of `words` in accented and folded forms, longest first.
fn alternation<'a>(words: impl IntoIterator<Item = &'a str>) -> String {
    let mut forms: Vec<String> = words
        .into_iter()
        .flat_map(|w| [w.to_lowercase(), fold(w)])
        .collect();
    forms.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then_with(|| a.cmp(b)));
    forms.dedup();
    forms
        .iter()
        .map(|f| regex::escape(f))
        .collect::<Vec<_>>()
        .join("|")
}

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
        r"(?:(?:\s*(?i:,|\||at|um|à|a\s+las|às|alle|om|kl\.|-|–)\s*|\s+|T)(?P<h>[0-9]{{1,2}})[:h.](?P<mi>[0-9]{{2}})(?::(?P<s>[0-9]{{2}})(?:[.,][0-9]{{1,9}})?)?(?:\s*(?P<ap>[AaPp])\.?\s?[Mm]\b\.?)?(?:\s*(?:Uhr|h)\b)?(?:\s*(?:(?:GMT|UTC)?(?P<tzo>[+-][0-9]{{1,2}}(?::?[0-9]{{2}})?)\b|(?P<tzn>{zones})\b|(?:{unresolved})\b))?)"
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
            anchored: Regex::new(&format!(r"^\s*(?:{src})\s*[.,;]?\s*$")).unwrap(),
            search: Regex::new(src).unwrap(),
        })
        .collect()
});

/// Leading label such as "Published:", "Posted on", "Mis à jour le".
static LABEL_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*(?i:(?:last\s+)?(?:published|updated|modified|posted|created|dated|date|veröffentlicht|aktualisiert|erstellt|stand|publiée|publié|mise?\s+à\s+jour|publicada|publicado|actualizado|atualizado|pubblicato|aggiornato|opublikowano|zaktualizowano|gepubliceerd|bijgewerkt|geplaatst))\b(?:\s+(?i:on|at|am|le|el|em|il|op|in))?\s*[:\-–]?\s*",
    )
    .unwrap()
});

/// Dates in URL paths, tried in order: /2021/05/03/, /2021-05-03/, /20210503/.
static URL_PATTERNS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        r"/(?P<y>(?:19|20)[0-9]{2})/(?P<m>[0-9]{1,2})/(?P<d>[0-9]{1,2})(?:[/_.\-]|$)",
        r"(?:^|[/_.\-])(?P<y>(?:19|20)[0-9]{2})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})(?:[/_.\-]|$)",
        r"(?:^|[/_.\-])(?P<y>(?:19|20)[0-9]{2})(?P<m>[01][0-9])(?P<d>[0-3][0-9])(?:[/_.\-]|$)",
    ]
    .iter()
    .map(|src| Regex::new(src).unwrap())
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
    let year: i32 = caps.name("y")?.as_str().parse().ok()?;
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
mod tests {
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
}
