//! The context at a time, built from raw events: the one code path both sources share.
//!
//! Window events are cut to the not-AFK periods and to `[at - minutes, at)`, so nothing at or
//! after `at` ever enters (the old project's context leaked eight hours of the future). Where a
//! browser window was in front while its web watcher recorded a tab, the tab's title and url
//! replace the window title for that stretch. Touching pieces with the same app and title are
//! joined, pieces shorter than [`MIN_EVENT_SECONDS`] dropped, titles cleaned of app names,
//! categories applied, oldest first.

use chrono::{DateTime, TimeDelta, Utc};
use vrdndi_protocol::ContextEvent;

use crate::buckets::Picked;
use crate::categories::CategoryRules;
use crate::event::{clip_to, union, RawEvent, Span};
use crate::title::clean_title;
use crate::Error;

/// How far back the context looks unless told otherwise.
pub const DEFAULT_MINUTES: u32 = 60;
/// The longest context window: one day.
pub const MAX_MINUTES: u32 = 24 * 60;
/// Shorter events are window switches in passing, not activity.
pub const MIN_EVENT_SECONDS: f64 = 1.0;
/// aw-server reads no event that starts more than this before the asked range (its storage's
/// own assumption); the export source does the same so both give the same context.
pub const MAX_EVENT_SPAN: TimeDelta = TimeDelta::hours(24);
/// Pieces of one window separated by less than this are one event (same app and title; the url
/// may change within a page, e.g. a chat's threads, and the first one is kept).
const JOIN_GAP: TimeDelta = TimeDelta::seconds(1);

/// What a source read for one context window.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub picked: Picked,
    pub window: Vec<RawEvent>,
    /// None when the host has no AFK bucket: then all window time counts as active.
    pub afk: Option<Vec<RawEvent>>,
    /// One list per `picked.web` bucket, in the same order.
    pub web: Vec<Vec<RawEvent>>,
}

/// The context window `[at - minutes, at)`.
pub fn range(at: DateTime<Utc>, minutes: u32) -> Result<Span, Error> {
    if minutes == 0 || minutes > MAX_MINUTES {
        return Err(Error::InvalidMinutes { minutes, max: MAX_MINUTES });
    }
    Ok(Span::new(at - TimeDelta::minutes(i64::from(minutes)), at))
}

/// A stretch of one window: the title as recorded (what category rules match) and as shown.
#[derive(Debug, Clone)]
struct Piece<'a> {
    span: Span,
    app: &'a str,
    raw_title: &'a str,
    title: String,
    url: Option<&'a str>,
}

impl<'a> Piece<'a> {
    fn new(span: Span, app: &'a str, raw_title: &'a str, url: Option<&'a str>) -> Piece<'a> {
        Piece { span, app, raw_title, title: clean_title(app, raw_title), url }
    }
}

/// The context events in `range` (see the module doc for the rules).
pub fn build(fetched: &Fetched, rules: &CategoryRules, range: Span) -> Vec<ContextEvent> {
    let active = match &fetched.afk {
        Some(afk) => {
            union(afk.iter().filter(|e| e.field("status") == Some("not-afk")).filter_map(|e| e.span().intersect(&range)).collect())
        }
        None => vec![range],
    };
    let web: Vec<Vec<(Span, &RawEvent)>> = fetched.web.iter().map(|events| timeline(events, range)).collect();

    let mut pieces = Vec::new();
    for (span, event) in timeline(&fetched.window, range) {
        let app = event.field("app").unwrap_or("");
        let title = event.field("title").unwrap_or("");
        let tabs: Vec<&[(Span, &RawEvent)]> =
            fetched.picked.web_for_app(app).into_iter().filter_map(|i| web.get(i).map(Vec::as_slice)).collect();
        for part in clip_to(&span, &active) {
            split_by_tabs(Piece::new(part, app, title, None), &tabs, &mut pieces);
        }
    }

    join_touching(pieces)
        .into_iter()
        .filter(|p| p.span.seconds() >= MIN_EVENT_SECONDS)
        .map(|p| {
            let mut fields = vec![("app", p.app), ("title", p.raw_title)];
            fields.extend(p.url.map(|u| ("url", u)));
            ContextEvent {
                start: p.span.start,
                duration_s: p.span.seconds(),
                app: p.app.to_owned(),
                category: rules.categorize(&fields),
                title: p.title,
                url: p.url.map(str::to_owned),
            }
        })
        .collect()
}

/// Events clipped to `range`, sorted, made disjoint (a later event cuts short an earlier one it
/// overlaps: the watcher's newest report is the current one).
fn timeline(events: &[RawEvent], range: Span) -> Vec<(Span, &RawEvent)> {
    let mut spans: Vec<(Span, &RawEvent)> = events.iter().filter_map(|e| e.span().intersect(&range).map(|s| (s, e))).collect();
    spans.sort_by_key(|(s, _)| *s);
    let mut out: Vec<(Span, &RawEvent)> = Vec::with_capacity(spans.len());
    for (span, event) in spans {
        if let Some((last, _)) = out.last_mut() {
            last.end = last.end.min(span.start);
            if last.is_empty() {
                out.pop();
            }
        }
        out.push((span, event));
    }
    out
}

/// Splits a browser window's piece where tabs were recorded: those stretches take the tab's
/// title and url, the rest keeps the window title. Gaps shorter than `JOIN_GAP` between tab
/// reports are the watchers' timing jitter, not a stretch of their own.
fn split_by_tabs<'a>(piece: Piece<'a>, tabs: &[&[(Span, &'a RawEvent)]], out: &mut Vec<Piece<'a>>) {
    let mut overlapping: Vec<(Span, &RawEvent)> = Vec::new();
    for timeline in tabs {
        let first = timeline.partition_point(|(s, _)| s.end <= piece.span.start);
        overlapping.extend(
            timeline[first..]
                .iter()
                .take_while(|(s, _)| s.start < piece.span.end)
                .filter_map(|(s, e)| s.intersect(&piece.span).map(|s| (s, *e))),
        );
    }
    overlapping.sort_by_key(|(s, _)| *s);
    let mut cursor = piece.span.start;
    for (span, tab) in overlapping {
        let start = span.start.max(cursor);
        if start >= span.end {
            continue;
        }
        if start - cursor >= JOIN_GAP {
            out.push(Piece { span: Span::new(cursor, start), ..piece.clone() });
        }
        let title = tab.field("title").filter(|t| !t.trim().is_empty()).unwrap_or(piece.raw_title);
        out.push(Piece::new(Span::new(start, span.end), piece.app, title, tab.field("url")));
        cursor = span.end;
    }
    if piece.span.end - cursor >= JOIN_GAP || cursor == piece.span.start {
        out.push(Piece { span: Span::new(cursor, piece.span.end), ..piece });
    }
}

fn join_touching(mut pieces: Vec<Piece<'_>>) -> Vec<Piece<'_>> {
    pieces.sort_by_key(|p| p.span);
    let mut out: Vec<Piece<'_>> = Vec::with_capacity(pieces.len());
    for piece in pieces {
        match out.last_mut() {
            Some(last) if last.app == piece.app && last.title == piece.title && piece.span.start - last.span.end < JOIN_GAP => {
                last.span.end = last.span.end.max(piece.span.end);
            }
            _ => out.push(piece),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::buckets::{Browser, WebBucket};
    use serde_json::json;

    fn t(text: &str) -> DateTime<Utc> {
        text.parse().expect("test time")
    }

    fn ev(start: &str, seconds: f64, data: serde_json::Value) -> RawEvent {
        let serde_json::Value::Object(data) = data else { panic!("data must be an object") };
        RawEvent { timestamp: t(start), duration: seconds, data }
    }

    fn fetched(window: Vec<RawEvent>, afk: Option<Vec<RawEvent>>, web: Vec<RawEvent>) -> Fetched {
        Fetched {
            picked: Picked {
                host: "h".into(),
                window: "w".into(),
                afk: Some("a".into()),
                web: vec![WebBucket { id: "aw-watcher-web-firefox".into(), browser: Some(Browser::Firefox) }],
            },
            window,
            afk,
            web: vec![web],
        }
    }

    fn at_ten() -> Span {
        range(t("2024-03-01T10:00:00Z"), 60).expect("range")
    }

    #[test]
    fn nothing_at_or_after_at_and_nothing_before_the_window() {
        let f = fetched(
            vec![
                ev("2024-03-01T08:30:00Z", 3600.0, json!({"app": "Code.exe", "title": "a.rs - p - Visual Studio Code"})),
                ev("2024-03-01T09:59:00Z", 120.0, json!({"app": "Code.exe", "title": "b.rs - p - Visual Studio Code"})),
                ev("2024-03-01T10:00:00Z", 60.0, json!({"app": "Code.exe", "title": "future.rs"})),
            ],
            None,
            vec![],
        );
        let events = build(&f, &CategoryRules::default(), at_ten());
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].start, t("2024-03-01T09:00:00Z"));
        assert_eq!(events[0].duration_s, 1800.0);
        assert_eq!(events[0].title, "a.rs - p");
        assert_eq!(events[1].duration_s, 60.0);
        assert!(events.iter().all(|e| e.start < t("2024-03-01T10:00:00Z")));
    }

    #[test]
    fn afk_time_is_left_out() {
        let f = fetched(
            vec![ev("2024-03-01T09:10:00Z", 1200.0, json!({"app": "Code.exe", "title": "a.rs"}))],
            Some(vec![
                ev("2024-03-01T09:00:00Z", 900.0, json!({"status": "not-afk"})),
                ev("2024-03-01T09:15:00Z", 300.0, json!({"status": "afk"})),
                ev("2024-03-01T09:20:00Z", 600.0, json!({"status": "not-afk"})),
            ]),
            vec![],
        );
        let events = build(&f, &CategoryRules::default(), at_ten());
        let spans: Vec<(DateTime<Utc>, f64)> = events.iter().map(|e| (e.start, e.duration_s)).collect();
        assert_eq!(spans, [(t("2024-03-01T09:10:00Z"), 300.0), (t("2024-03-01T09:20:00Z"), 600.0)]);
    }

    #[test]
    fn tab_titles_replace_the_browser_window_title_only_where_they_overlap() {
        let f = fetched(
            vec![
                ev("2024-03-01T09:30:00Z", 600.0, json!({"app": "firefox.exe", "title": "Rust \u{2014} Mozilla Firefox"})),
                ev("2024-03-01T09:40:00Z", 60.0, json!({"app": "Code.exe", "title": "main.rs"})),
            ],
            None,
            vec![
                ev("2024-03-01T09:35:00Z", 180.0, json!({"url": "https://doc.rust-lang.org/book/", "title": "The Rust Book"})),
                // A tab while the editor was in front: not what the person looked at.
                ev("2024-03-01T09:40:00Z", 60.0, json!({"url": "https://news.example/", "title": "News"})),
            ],
        );
        let events = build(&f, &CategoryRules::default(), at_ten());
        let got: Vec<(&str, &str, Option<&str>, f64)> =
            events.iter().map(|e| (e.app.as_str(), e.title.as_str(), e.url.as_deref(), e.duration_s)).collect();
        assert_eq!(
            got,
            [
                ("firefox.exe", "Rust", None, 300.0),
                ("firefox.exe", "The Rust Book", Some("https://doc.rust-lang.org/book/"), 180.0),
                ("firefox.exe", "Rust", None, 120.0),
                ("Code.exe", "main.rs", None, 60.0),
            ]
        );
    }

    #[test]
    fn touching_pieces_join_and_tiny_ones_drop() {
        let f = fetched(
            vec![
                ev("2024-03-01T09:30:00.000Z", 10.0, json!({"app": "Code.exe", "title": "a.rs"})),
                ev("2024-03-01T09:30:10.500Z", 10.0, json!({"app": "Code.exe", "title": "a.rs"})),
                ev("2024-03-01T09:30:20.500Z", 0.4, json!({"app": "explorer.exe", "title": "Downloads"})),
            ],
            None,
            vec![],
        );
        let events = build(&f, &CategoryRules::default(), at_ten());
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].duration_s, 20.5);
    }

    #[test]
    fn one_page_whose_url_changes_is_one_event() {
        let f = fetched(
            vec![ev("2024-03-01T09:30:00Z", 30.0, json!({"app": "firefox.exe", "title": "general - Slack \u{2014} Mozilla Firefox"}))],
            None,
            vec![
                ev("2024-03-01T09:30:00Z", 10.0, json!({"url": "https://app.slack.com/client/T/C", "title": "general - Slack"})),
                ev("2024-03-01T09:30:10Z", 20.0, json!({"url": "https://app.slack.com/client/T/C/thread/1", "title": "general - Slack"})),
            ],
        );
        let events = build(&f, &CategoryRules::default(), at_ten());
        assert_eq!(events.len(), 1, "{events:#?}");
        assert_eq!((events[0].duration_s, events[0].url.as_deref()), (30.0, Some("https://app.slack.com/client/T/C")));
    }

    #[test]
    fn a_tab_and_its_window_title_are_one_event_across_watcher_jitter() {
        // Real pattern (C1): web reports 1 ms apart inside one Firefox window event.
        let f = fetched(
            vec![ev("2024-03-01T09:30:00Z", 20.0, json!({"app": "firefox.exe", "title": "general - Slack \u{2014} Mozilla Firefox"}))],
            None,
            vec![
                ev("2024-03-01T09:30:00.000Z", 5.359, json!({"url": "https://app.slack.com/a", "title": "general - Slack"})),
                ev("2024-03-01T09:30:05.360Z", 5.0, json!({"url": "https://app.slack.com/b", "title": "general - Slack"})),
            ],
        );
        let events = build(&f, &CategoryRules::default(), at_ten());
        let got: Vec<(&str, f64)> = events.iter().map(|e| (e.title.as_str(), e.duration_s)).collect();
        assert_eq!(got, [("general - Slack", 20.0)]);
    }

    #[test]
    fn the_window_is_one_minute_to_one_day() {
        assert!(range(t("2024-03-01T10:00:00Z"), 0).is_err());
        assert!(range(t("2024-03-01T10:00:00Z"), MAX_MINUTES + 1).is_err());
        assert!(range(t("2024-03-01T10:00:00Z"), MAX_MINUTES).is_ok());
    }
}
