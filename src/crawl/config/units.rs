//! The units of the crawl settings, as written in a `--config` file and on the command
//! line: durations (`90s`, `1h30m`, `500ms`), byte sizes (`256MiB`), dates (`2026-11-01`,
//! RFC 3339), URL patterns (regexes), `--resolve` rules and seed URLs. Each parses from its
//! text and prints back to a text that parses to the same value, which is what lets
//! `crawl --dry-run` print a config file. Serde glue only: no setting and no default lives
//! here (they are in [`super::CrawlConfig`]).

pub use crate::crawl::error::UnitError;
use crate::crawl::fetch::ResolveRule;
use chrono::{DateTime, FixedOffset};
use regex::Regex;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;
use std::time::Duration;
use url::Url;

/// `90`, `90s`, `15m`, `2h`, `1h30m`, `500ms`, `7d` (a bare number is seconds).
pub fn parse_duration(s: &str) -> Result<Duration, UnitError> {
    let s = s.trim();
    let bad = || UnitError::Duration(s.to_string());
    if let Ok(secs) = s.parse::<f64>() {
        if secs.is_finite() && secs >= 0.0 {
            return Ok(Duration::from_secs_f64(secs));
        }
    }
    let mut total = 0f64;
    let mut num = String::new();
    let mut chars = s.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let unit = if c == 'm' && chars.peek() == Some(&'s') {
            chars.next();
            0.001
        } else {
            match c {
                's' => 1.0,
                'm' => 60.0,
                'h' => 3600.0,
                'd' => 86400.0,
                _ => return Err(bad()),
            }
        };
        let n: f64 = num.parse().map_err(|_| bad())?;
        total += n * unit;
        num.clear();
        any = true;
    }
    if !num.is_empty() || !any {
        return Err(bad());
    }
    Duration::try_from_secs_f64(total).map_err(|_| bad())
}

/// A duration as [`parse_duration`] reads it back: `1h30m`, `90s`, `500ms`, `0s`.
pub fn format_duration(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        let mut secs = d.as_secs();
        if secs == 0 {
            return "0s".into();
        }
        let mut out = String::new();
        for (unit, len) in [("d", 86400), ("h", 3600), ("m", 60), ("s", 1)] {
            if secs >= len {
                out.push_str(&format!("{}{unit}", secs / len));
                secs %= len;
            }
        }
        out
    } else if d.subsec_nanos().is_multiple_of(1_000_000) {
        format!("{}ms", d.as_millis())
    } else {
        format!("{}s", d.as_secs_f64())
    }
}

/// `2026-11-01` (midnight UTC) or an RFC 3339 time.
pub fn parse_since(s: &str) -> Result<DateTime<FixedOffset>, UnitError> {
    if let Ok(d) = DateTime::parse_from_rfc3339(s.trim()) {
        return Ok(d);
    }
    let bad = || UnitError::Date(s.to_string());
    let d = chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| bad())?;
    let dt = d.and_hms_opt(0, 0, 0).ok_or_else(bad)?;
    let utc = FixedOffset::east_opt(0).ok_or_else(bad)?;
    Ok(DateTime::from_naive_utc_and_offset(dt, utc))
}

/// A seed: an absolute http(s) URL with a host.
pub fn parse_seed(s: &str) -> Result<Url, UnitError> {
    let u = Url::parse(s.trim()).map_err(|source| UnitError::SeedUrl {
        seed: s.to_string(),
        source,
    })?;
    if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none() {
        return Err(UnitError::SeedScheme(s.to_string()));
    }
    Ok(u)
}

/// A `--resolve` rule.
pub fn parse_resolve(s: &str) -> Result<ResolveRule, UnitError> {
    s.parse::<ResolveRule>().map_err(UnitError::Resolve)
}

/// A byte count written as `256MiB`, `500KB` or plain bytes (see
/// [`crate::limits::parse_size`]); printed in the largest binary unit that divides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ByteSize(pub u64);

impl ByteSize {
    /// Parse `256MiB`, `32KB`, `1048576`.
    pub fn parse(s: &str) -> Result<ByteSize, UnitError> {
        crate::limits::parse_size(s)
            .map(|n| ByteSize(n as u64))
            .map_err(UnitError::Size)
    }

    /// The count as a `usize` (saturating on 32-bit targets).
    pub fn as_usize(self) -> usize {
        usize::try_from(self.0).unwrap_or(usize::MAX)
    }
}

impl fmt::Display for ByteSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0;
        for (unit, shift) in [("GiB", 30), ("MiB", 20), ("KiB", 10)] {
            if n != 0 && n.is_multiple_of(1u64 << shift) {
                return write!(f, "{}{unit}", n >> shift);
            }
        }
        write!(f, "{n}")
    }
}

impl Serialize for ByteSize {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ByteSize {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ByteSize, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = ByteSize;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a size such as \"256MiB\" or a number of bytes")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ByteSize, E> {
                ByteSize::parse(v).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ByteSize, E> {
                Ok(ByteSize(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ByteSize, E> {
                u64::try_from(v).map(ByteSize).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// A regular expression over canonical URLs (`include`, `exclude`); compared and printed
/// as written.
#[derive(Debug, Clone)]
pub struct Pattern(pub Regex);

impl Pattern {
    /// Compile `s`.
    pub fn parse(s: &str) -> Result<Pattern, UnitError> {
        Regex::new(s).map(Pattern).map_err(|source| UnitError::Regex {
            pattern: s.to_string(),
            source,
        })
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Pattern) -> bool {
        self.0.as_str() == other.0.as_str()
    }
}

impl std::ops::Deref for Pattern {
    type Target = Regex;
    fn deref(&self) -> &Regex {
        &self.0
    }
}

impl Serialize for Pattern {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.as_str())
    }
}

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Pattern, D::Error> {
        let s = String::deserialize(d)?;
        Pattern::parse(&s).map_err(de::Error::custom)
    }
}

impl fmt::Display for ResolveRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `HOST:PORT:IP:PORT` (an IPv6 address in brackets) parses back to the same rule.
        write!(f, "{}:{}:{}", self.host, self.port, self.addr)
    }
}

impl Serialize for ResolveRule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ResolveRule {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ResolveRule, D::Error> {
        let s = String::deserialize(d)?;
        parse_resolve(&s).map_err(de::Error::custom)
    }
}

/// Serde for a [`Duration`] written as a duration text (`90s`) or a number of seconds.
pub mod duration {
    use crate::crawl::config::units::{format_duration, parse_duration};
    use serde::de::{self, Deserializer, Visitor};
    use serde::Serializer;
    use std::fmt;
    use std::time::Duration;

    /// Reads a duration text or a number of seconds.
    pub(crate) struct V;
    impl Visitor<'_> for V {
        type Value = Duration;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a duration such as \"90s\", \"15m\", \"1h30m\" or a number of seconds")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Duration, E> {
            parse_duration(v).map_err(E::custom)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Duration, E> {
            Ok(Duration::from_secs(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Duration, E> {
            u64::try_from(v).map(Duration::from_secs).map_err(E::custom)
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Duration, E> {
            Duration::try_from_secs_f64(v).map_err(E::custom)
        }
    }

    /// Print as `1h30m`.
    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_duration(*d))
    }

    /// Read a duration text or seconds.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        d.deserialize_any(V)
    }

    /// The same for an optional duration (absent: `None`).
    pub mod option {
        use crate::crawl::config::units::{duration::V, format_duration};
        use serde::{Deserializer, Serializer};
        use std::time::Duration;

        /// Print as `1h30m` (only called for `Some`: the field skips `None`).
        pub fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
            match d {
                Some(d) => s.serialize_str(&format_duration(*d)),
                None => s.serialize_none(),
            }
        }

        /// Read a duration text or seconds.
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
            d.deserialize_any(V).map(Some)
        }
    }
}

/// Serde for a [`Duration`] written as a number of seconds (`timeout = 2.5`), as the
/// `--timeout` flags take it.
pub mod seconds {
    use serde::{de, Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    /// Print as a float number of seconds.
    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(d.as_secs_f64())
    }

    /// Read a number of seconds.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let secs = f64::deserialize(d)?;
        Duration::try_from_secs_f64(secs).map_err(de::Error::custom)
    }
}

/// Serde for an optional date (`since`): `2026-11-01` or RFC 3339 in, RFC 3339 out.
pub mod since {
    use crate::crawl::config::units::parse_since;
    use chrono::{DateTime, FixedOffset};
    use serde::{de, Deserialize, Deserializer, Serializer};

    /// Print as RFC 3339 (only called for `Some`: the field skips `None`).
    pub fn serialize<S: Serializer>(d: &Option<DateTime<FixedOffset>>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&d.to_rfc3339()),
            None => s.serialize_none(),
        }
    }

    /// Read `2026-11-01` or RFC 3339.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<FixedOffset>>, D::Error> {
        let s = String::deserialize(d)?;
        parse_since(&s).map(Some).map_err(de::Error::custom)
    }
}

/// Serde for the seed list: absolute http(s) URLs.
pub mod seeds {
    use crate::crawl::config::units::parse_seed;
    use serde::{de, Deserialize, Deserializer, Serializer};
    use url::Url;

    /// Print the URLs.
    pub fn serialize<S: Serializer>(v: &[Url], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(Url::as_str))
    }

    /// Read and check the URLs.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Url>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|s| parse_seed(s).map_err(de::Error::custom))
            .collect()
    }
}

/// The field names of a struct as serde sees them (its `--config` keys): what
/// `#[derive(Deserialize)]` passes to `deserialize_struct`, asked of a deserializer that
/// records them and reads nothing.
pub fn struct_fields<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    struct Probe(&'static [&'static str]);
    #[derive(Debug)]
    struct Stop;
    impl fmt::Display for Stop {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("field probe")
        }
    }
    impl std::error::Error for Stop {}
    impl de::Error for Stop {
        fn custom<M: fmt::Display>(_: M) -> Stop {
            Stop
        }
    }
    impl<'de> Deserializer<'de> for &mut Probe {
        type Error = Stop;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            self.0 = fields;
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }
    let mut probe = Probe(&[]);
    let _ = T::deserialize(&mut probe);
    probe.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("90s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("15m").unwrap(), Duration::from_secs(900));
        assert_eq!(parse_duration("1h30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("5x").is_err());
    }

    #[test]
    fn durations_print_back_to_themselves() {
        for d in [
            Duration::ZERO,
            Duration::from_millis(400),
            Duration::from_millis(1500),
            Duration::from_secs(90),
            Duration::from_secs(5400),
            Duration::from_secs(7 * 86400 + 1),
            Duration::from_nanos(1_500_000_001),
        ] {
            let text = format_duration(d);
            let back = parse_duration(&text).unwrap();
            assert!(
                back.abs_diff(d) < Duration::from_micros(1),
                "{d:?} → {text} → {back:?}"
            );
        }
        assert_eq!(format_duration(Duration::from_secs(5400)), "1h30m");
    }

    #[test]
    fn since_dates() {
        assert_eq!(
            parse_since("2026-11-01").unwrap().to_rfc3339(),
            "2026-11-01T00:00:00+00:00"
        );
        assert!(parse_since("yesterday").is_err());
    }

    #[test]
    fn sizes_and_rules_print_back_to_themselves() {
        for s in ["256MiB", "32KiB", "1000", "3GiB"] {
            assert_eq!(ByteSize::parse(s).unwrap().to_string(), s);
        }
        assert_eq!(ByteSize::parse("1MB").unwrap(), ByteSize(1 << 20));
        for r in ["a.test:80:127.0.0.1:8080", "b.test:443:[::1]:8443"] {
            assert_eq!(parse_resolve(r).unwrap().to_string(), r);
        }
    }

    #[test]
    fn seeds_must_be_http_urls_with_a_host() {
        assert!(parse_seed("https://a.test/").is_ok());
        assert!(matches!(parse_seed("not a url"), Err(UnitError::SeedUrl { .. })));
        assert!(matches!(
            parse_seed("ftp://a.test/"),
            Err(UnitError::SeedScheme(_))
        ));
    }
}
