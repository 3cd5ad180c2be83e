//! Time of day and weekday in the person's own time zone.
//!
//! Every time in this crate is UTC; only these features look at the clock on the wall, and they
//! use the machine's zone (the `TZ` variable when it names an IANA zone, else the system's
//! setting), never a fixed one: the old project hard-coded Hong Kong. Tests and the importer of
//! another person's data pass a zone explicitly.

use std::f64::consts::TAU;

use chrono::{DateTime, Datelike, Offset, Timelike, Utc};
pub use chrono_tz::Tz;
use serde::Serialize;

use crate::Error;

/// What the model sees of the clock at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LocalTimeFeatures {
    /// Hours since local midnight, 0 to 24 (exclusive), with minutes and seconds as fractions.
    pub hour: f64,
    /// The hour on the unit circle, so that 23:59 and 00:00 are neighbours.
    pub hour_sin: f64,
    pub hour_cos: f64,
    /// Local weekday, Monday = 0 to Sunday = 6.
    pub weekday: u8,
    /// The zone's offset from UTC at that instant, in minutes (changes with daylight saving).
    pub utc_offset_minutes: i32,
}

/// The features of `at` as the clock in `tz` showed it.
pub fn local_time_features(at: DateTime<Utc>, tz: Tz) -> LocalTimeFeatures {
    let local = at.with_timezone(&tz);
    let hour = f64::from(local.num_seconds_from_midnight()) / 3600.0 + f64::from(local.nanosecond().min(999_999_999)) / 3.6e12;
    let angle = TAU * hour / 24.0;
    LocalTimeFeatures {
        hour,
        hour_sin: angle.sin(),
        hour_cos: angle.cos(),
        weekday: local.weekday().num_days_from_monday() as u8,
        utc_offset_minutes: local.offset().fix().local_minus_utc() / 60,
    }
}

/// An IANA zone by name ("Europe/Ljubljana", "UTC").
pub fn parse_zone(name: &str) -> Result<Tz, Error> {
    name.trim().parse::<Tz>().map_err(|_| Error::UnknownTimeZone(name.to_owned()))
}

/// This machine's time zone.
pub fn local_zone() -> Result<Tz, Error> {
    if let Some(tz) = std::env::var("TZ").ok().as_deref().and_then(zone_from_tz_var) {
        return Ok(tz);
    }
    let name = iana_time_zone::get_timezone().map_err(|e| Error::NoLocalTimeZone(e.to_string()))?;
    parse_zone(&name)
}

/// This machine's time zone, or UTC and the reason when it cannot be told.
pub fn local_zone_or_utc() -> (Tz, Option<String>) {
    match local_zone() {
        Ok(tz) => (tz, None),
        Err(e) => (Tz::UTC, Some(format!("{e}; using UTC"))),
    }
}

/// `TZ` as POSIX allows an IANA name in it: "Europe/Paris" or ":Europe/Paris". Other forms
/// ("CET-1CEST") are left to the system.
fn zone_from_tz_var(value: &str) -> Option<Tz> {
    value.strip_prefix(':').unwrap_or(value).parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> DateTime<Utc> {
        text.parse().expect("test time")
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn spring_forward_skips_an_hour_of_local_time() {
        // Slovenia leaves CET for CEST at 01:00 UTC on 31 March 2024: 02:00 local becomes 03:00.
        let tz = parse_zone("Europe/Ljubljana").expect("zone");
        let before = local_time_features(t("2024-03-31T00:30:00Z"), tz);
        let after = local_time_features(t("2024-03-31T01:30:00Z"), tz);
        assert!(close(before.hour, 1.5) && before.utc_offset_minutes == 60, "{before:?}");
        assert!(close(after.hour, 3.5) && after.utc_offset_minutes == 120, "{after:?}");
        assert_eq!((before.weekday, after.weekday), (6, 6)); // Sunday
    }

    #[test]
    fn fall_back_repeats_an_hour_and_the_features_follow_the_wall_clock() {
        // New York returns to EST at 06:00 UTC on 3 November 2024: 01:30 happens twice.
        let tz = parse_zone("America/New_York").expect("zone");
        let first = local_time_features(t("2024-11-03T05:30:00Z"), tz);
        let second = local_time_features(t("2024-11-03T06:30:00Z"), tz);
        assert!(close(first.hour, 1.5) && close(second.hour, 1.5));
        assert_eq!((first.utc_offset_minutes, second.utc_offset_minutes), (-240, -300));
        assert!(close(first.hour_sin, second.hour_sin));
    }

    #[test]
    fn the_same_instant_is_a_different_day_elsewhere() {
        let at = t("2023-11-19T03:00:00Z"); // a Sunday in UTC
        let detroit = local_time_features(at, parse_zone("America/Detroit").expect("zone"));
        let tokyo = local_time_features(at, parse_zone("Asia/Tokyo").expect("zone"));
        assert!(close(detroit.hour, 22.0) && detroit.weekday == 5, "{detroit:?}"); // Saturday 22:00
        assert!(close(tokyo.hour, 12.0) && tokyo.weekday == 6, "{tokyo:?}"); // Sunday noon
        let midnight = local_time_features(t("2024-01-01T00:00:00Z"), Tz::UTC);
        assert!(close(midnight.hour_sin, 0.0) && close(midnight.hour_cos, 1.0));
        let six = local_time_features(t("2024-01-01T06:00:00Z"), Tz::UTC);
        assert!(close(six.hour_sin, 1.0) && close(six.hour_cos, 0.0));
    }

    #[test]
    fn zones_come_from_names_never_from_a_default() {
        assert_eq!(zone_from_tz_var(":Europe/Paris"), Some(Tz::Europe__Paris));
        assert_eq!(zone_from_tz_var("CET-1CEST"), None);
        assert!(matches!(parse_zone("Mars/Olympus"), Err(Error::UnknownTimeZone(_))));
        assert!(local_zone_or_utc().1.is_none() || local_zone().is_err());
    }
}
