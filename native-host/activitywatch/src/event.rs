//! ActivityWatch's own records, buckets and events, as both sources deliver them, and the
//! half-open UTC time spans the selection works in.
//!
//! Times are UTC from the moment they are read: aw-server stores UTC, and a timestamp written
//! without an offset is read as UTC too, which is aw-core's own rule. Mixing naive and UTC times
//! is what shifted the old project's context windows by eight hours.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

/// Bucket types written by the watchers we read.
pub const WINDOW_TYPE: &str = "currentwindow";
pub const AFK_TYPE: &str = "afkstatus";
pub const WEB_TYPE: &str = "web.tab.current";

/// One bucket as `GET /api/0/buckets/` or an export lists it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct BucketInfo {
    pub id: String,
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub client: String,
    #[serde(default)]
    pub hostname: String,
    /// End of the newest event; aw-server computes it, for an export we do.
    #[serde(default, deserialize_with = "optional_utc")]
    pub last_updated: Option<DateTime<Utc>>,
}

/// One event: a start, a length in seconds and the watcher's fields.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RawEvent {
    #[serde(deserialize_with = "utc")]
    pub timestamp: DateTime<Utc>,
    #[serde(default)]
    pub duration: f64,
    #[serde(default)]
    pub data: Map<String, Value>,
}

impl RawEvent {
    pub fn span(&self) -> Span {
        Span { start: self.timestamp, end: self.timestamp + seconds(self.duration) }
    }

    /// A string field of `data`, e.g. `app`, `title`, `url`, `status`.
    pub fn field(&self, key: &str) -> Option<&str> {
        self.data.get(key).and_then(Value::as_str)
    }
}

/// A length in seconds as a time delta; negative or non-finite lengths count as zero.
pub fn seconds(duration: f64) -> TimeDelta {
    if duration.is_finite() && duration > 0.0 {
        // Microseconds are aw-server's own resolution.
        TimeDelta::microseconds((duration * 1e6).round() as i64)
    } else {
        TimeDelta::zero()
    }
}

/// A half-open time span `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Span {
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Span {
        Span { start, end }
    }

    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    pub fn seconds(&self) -> f64 {
        (self.end - self.start).num_microseconds().map_or(0.0, |us| us as f64 / 1e6)
    }

    pub fn intersect(&self, other: &Span) -> Option<Span> {
        let span = Span { start: self.start.max(other.start), end: self.end.min(other.end) };
        (!span.is_empty()).then_some(span)
    }
}

/// The union of spans, sorted and disjoint (touching spans are joined).
pub fn union(mut spans: Vec<Span>) -> Vec<Span> {
    spans.retain(|s| !s.is_empty());
    spans.sort();
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for span in spans {
        match out.last_mut() {
            Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
            _ => out.push(span),
        }
    }
    out
}

/// The parts of `span` that lie inside `cover` (sorted and disjoint, as `union` makes it).
pub fn clip_to(span: &Span, cover: &[Span]) -> Vec<Span> {
    let first = cover.partition_point(|c| c.end <= span.start);
    cover[first..].iter().take_while(|c| c.start < span.end).filter_map(|c| span.intersect(c)).collect()
}

fn parse_utc(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| text.parse::<NaiveDateTime>().ok().map(|naive| naive.and_utc()))
}

fn utc<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse_utc(&text).ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not an ISO 8601 time")))
}

fn optional_utc<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    Ok(Option::<String>::deserialize(deserializer)?.as_deref().and_then(parse_utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> DateTime<Utc> {
        parse_utc(text).expect("test time")
    }

    #[test]
    fn offsets_and_naive_times_are_read_as_the_same_utc_instant() {
        let with_offset: RawEvent =
            serde_json::from_str(r#"{"timestamp":"2023-11-19T04:00:00+01:00","duration":1,"data":{}}"#).expect("event");
        let naive: RawEvent = serde_json::from_str(r#"{"timestamp":"2023-11-19T03:00:00.000","duration":1}"#).expect("event");
        assert_eq!(with_offset.timestamp, t("2023-11-19T03:00:00Z"));
        assert_eq!(naive.timestamp, with_offset.timestamp);
    }

    #[test]
    fn negative_and_nan_durations_are_empty() {
        assert_eq!(seconds(-3.0), TimeDelta::zero());
        assert_eq!(seconds(f64::NAN), TimeDelta::zero());
        assert_eq!(seconds(1.5), TimeDelta::milliseconds(1500));
    }

    #[test]
    fn union_joins_overlapping_and_touching_spans() {
        let s = |a: &str, b: &str| Span::new(t(a), t(b));
        let joined = union(vec![
            s("2023-01-01T10:05:00Z", "2023-01-01T10:10:00Z"),
            s("2023-01-01T10:00:00Z", "2023-01-01T10:06:00Z"),
            s("2023-01-01T10:10:00Z", "2023-01-01T10:11:00Z"),
            s("2023-01-01T11:00:00Z", "2023-01-01T11:00:00Z"),
            s("2023-01-01T12:00:00Z", "2023-01-01T12:01:00Z"),
        ]);
        assert_eq!(joined, vec![s("2023-01-01T10:00:00Z", "2023-01-01T10:11:00Z"), s("2023-01-01T12:00:00Z", "2023-01-01T12:01:00Z")]);
        let clipped = clip_to(&s("2023-01-01T10:10:30Z", "2023-01-01T12:00:30Z"), &joined);
        assert_eq!(clipped, vec![s("2023-01-01T10:10:30Z", "2023-01-01T10:11:00Z"), s("2023-01-01T12:00:00Z", "2023-01-01T12:00:30Z")]);
    }
}
