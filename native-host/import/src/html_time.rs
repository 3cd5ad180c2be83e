//! The HTML watch history writes local times as the account's locale prints them, ending in a
//! zone abbreviation: "Nov 18, 2023, 9:15:03 PM EST" (en-US), "29 Nov 2021, 18:06:16 AEDT"
//! (en-AU, the B3 sample, with "Sept" for September). An abbreviation is read as the fixed offset
//! it names.
//!
//! Caveat seen in the B3 sample: Takeout prints ONE abbreviation for the whole file (AEDT on April
//! to September dates, when Sydney was on AEST), so times across a daylight-saving change from the
//! export date may be an hour off. The JSON export carries exact UTC; prefer it when both exist.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};

/// Abbreviations and their UTC offsets in minutes. Where one is ambiguous the reading used by
/// Google's English locales wins (CST is US Central, IST is India, BST is British Summer Time).
const ZONES: &[(&str, i32)] = &[
    ("UTC", 0),
    ("GMT", 0),
    ("Z", 0),
    ("WET", 0),
    ("WEST", 60),
    ("BST", 60),
    ("IST", 330),
    ("CET", 60),
    ("CEST", 120),
    ("MEZ", 60),
    ("MESZ", 120),
    ("EET", 120),
    ("EEST", 180),
    ("MSK", 180),
    ("TRT", 180),
    ("GST", 240),
    ("PKT", 300),
    ("NPT", 345),
    ("ICT", 420),
    ("WIB", 420),
    ("HKT", 480),
    ("SGT", 480),
    ("PHT", 480),
    ("PST", -480),
    ("PDT", -420),
    ("MST", -420),
    ("MDT", -360),
    ("CST", -360),
    ("CDT", -300),
    ("EST", -300),
    ("EDT", -240),
    ("AST", -240),
    ("ADT", -180),
    ("NST", -210),
    ("NDT", -150),
    ("AKST", -540),
    ("AKDT", -480),
    ("HST", -600),
    ("HDT", -540),
    ("BRT", -180),
    ("ART", -180),
    ("JST", 540),
    ("KST", 540),
    ("AWST", 480),
    ("ACST", 570),
    ("ACDT", 630),
    ("AEST", 600),
    ("AEDT", 660),
    ("NZST", 720),
    ("NZDT", 780),
    ("SAST", 120),
    ("WAT", 60),
    ("CAT", 120),
    ("EAT", 180),
];

/// Date and time layouts of Google's English locales, after month names are made chrono's.
const LAYOUTS: &[&str] = &[
    "%b %d, %Y, %I:%M:%S %p", // en-US
    "%d %b %Y, %H:%M:%S",     // en-GB, en-AU, en-NZ, en-IE
    "%d %b %Y, %I:%M:%S %p",  // en-IN
    "%b %d, %Y, %H:%M:%S",
    "%Y-%m-%d, %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
];

/// Why a time could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    #[error("unknown time zone `{0}`")]
    UnknownZone(String),
    #[error("unrecognised date and time `{0}`")]
    Layout(String),
}

/// Parses one HTML time into UTC.
pub fn parse(text: &str) -> Result<DateTime<Utc>, TimeError> {
    let text: String = text.chars().map(|c| if c.is_whitespace() { ' ' } else { c }).collect();
    let text = text.trim();
    let (local, offset_minutes) = split_zone(text)?;
    let local = english_months(local);
    let naive = LAYOUTS
        .iter()
        .find_map(|layout| NaiveDateTime::parse_from_str(&local, layout).ok())
        .ok_or_else(|| TimeError::Layout(text.to_owned()))?;
    let offset = FixedOffset::east_opt(offset_minutes * 60).ok_or_else(|| TimeError::UnknownZone(text.to_owned()))?;
    offset.from_local_datetime(&naive).single().map(|t| t.with_timezone(&Utc)).ok_or_else(|| TimeError::Layout(text.to_owned()))
}

/// Splits off the zone: an abbreviation, `GMT+3`/`UTC-03:30`, or nothing (old exports, UTC).
fn split_zone(text: &str) -> Result<(&str, i32), TimeError> {
    let Some((rest, last)) = text.rsplit_once(' ') else { return Ok((text, 0)) };
    if last.eq_ignore_ascii_case("AM") || last.eq_ignore_ascii_case("PM") || last.contains(':') && !last.starts_with(['G', 'U']) {
        return Ok((text, 0));
    }
    if let Some(offset) = numeric_offset(last) {
        return Ok((rest, offset));
    }
    match ZONES.iter().find(|(name, _)| *name == last) {
        Some((_, minutes)) => Ok((rest, *minutes)),
        None => Err(TimeError::UnknownZone(last.to_owned())),
    }
}

/// `GMT+3`, `GMT+03:00`, `UTC-0530`, `+0100`.
fn numeric_offset(zone: &str) -> Option<i32> {
    let signed = zone.strip_prefix("GMT").or_else(|| zone.strip_prefix("UTC")).unwrap_or(zone);
    let (sign, digits) = match signed.chars().next()? {
        '+' => (1, &signed[1..]),
        '-' | '\u{2212}' => (-1, &signed[signed.chars().next()?.len_utf8()..]),
        _ => return None,
    };
    let (hours, minutes) = match digits.split_once(':') {
        Some((h, m)) => (h.parse::<i32>().ok()?, m.parse::<i32>().ok()?),
        None if digits.len() > 2 => (digits[..digits.len() - 2].parse().ok()?, digits[digits.len() - 2..].parse().ok()?),
        None => (digits.parse().ok()?, 0),
    };
    (hours <= 14 && minutes < 60).then_some(sign * (hours * 60 + minutes))
}

/// chrono reads "Sep" and "September" but not the British "Sept".
fn english_months(text: &str) -> String {
    text.split(' ').map(|word| if word == "Sept" { "Sep" } else { word }).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> String {
        parse(text).map(|t| t.to_rfc3339()).unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn each_english_locale_and_zone_is_read() {
        assert_eq!(utc("Nov 18, 2023, 9:15:03 PM EST"), "2023-11-19T02:15:03+00:00");
        assert_eq!(utc("Nov 18, 2023, 9:15:03\u{202f}PM EST"), "2023-11-19T02:15:03+00:00");
        assert_eq!(utc("29 Nov 2021, 18:06:16 AEDT"), "2021-11-29T07:06:16+00:00");
        assert_eq!(utc("9 Sept 2021, 08:00:00 AEDT"), "2021-09-08T21:00:00+00:00");
        assert_eq!(utc("Jun 23, 2015, 2:43:45 PM"), "2015-06-23T14:43:45+00:00");
        assert_eq!(utc("Sep 10, 2019, 8:51:45 PM MSK"), "2019-09-10T17:51:45+00:00");
        assert_eq!(utc("Jan 5, 2024, 10:00:00 AM GMT+05:30"), "2024-01-05T04:30:00+00:00");
        assert_eq!(utc("Jan 5, 2024, 10:00:00 AM GMT-3"), "2024-01-05T13:00:00+00:00");
    }

    #[test]
    fn unknown_zones_and_layouts_are_errors_not_guesses() {
        assert_eq!(parse("Nov 18, 2023, 9:15:03 PM XYZT"), Err(TimeError::UnknownZone("XYZT".into())));
        assert!(matches!(parse("yesterday EST"), Err(TimeError::Layout(_))));
    }
}
