//! An ActivityWatch "export all buckets" file as a context source, for the past.
//!
//! The importer and `vrdndi eval context` need the context a person had weeks ago, often from
//! another machine's export. The file is read once and indexed; each `context_at` then goes
//! through the same bucket choice and selection as the live server, and reads events by the
//! same rule aw-server's storage uses, so both sources give the same context for the same data.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Deserialize;
use vrdndi_protocol::ContextEvent;

use crate::buckets::{pick, HostChoice, Picked};
use crate::categories::CategoryRules;
use crate::event::{seconds, BucketInfo, RawEvent, Span};
use crate::select::{self, Fetched, MAX_EVENT_SPAN};
use crate::Error;

/// The file's layout: `{"buckets": {"<id>": {"id", "type", "client", "hostname", "events": [..]}}}`
/// (events newest first, as aw-server writes them; we do not rely on the order).
#[derive(Debug, Deserialize)]
struct ExportFile {
    buckets: BTreeMap<String, ExportBucket>,
}

#[derive(Debug, Deserialize)]
struct ExportBucket {
    #[serde(default)]
    id: Option<String>,
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    client: String,
    #[serde(default)]
    hostname: String,
    #[serde(default)]
    events: Vec<RawEvent>,
}

/// An export, indexed for reading the context at any time it covers.
#[derive(Debug, Clone)]
pub struct AwExport {
    buckets: Vec<BucketInfo>,
    /// Per bucket id, sorted by start.
    events: HashMap<String, Vec<RawEvent>>,
    rules: CategoryRules,
    host: HostChoice,
}

impl AwExport {
    /// Reads and indexes an export file.
    pub fn open(path: &Path) -> Result<AwExport, Error> {
        let bytes = std::fs::read(path).map_err(|source| Error::ReadExport { path: path.to_owned(), source })?;
        AwExport::from_slice(&bytes, path)
    }

    /// Reads an export from memory; `origin` names it in errors.
    pub fn from_slice(bytes: &[u8], origin: &Path) -> Result<AwExport, Error> {
        let file: ExportFile =
            serde_json::from_slice(bytes).map_err(|source| Error::ParseExport { path: PathBuf::from(origin), source })?;
        let mut buckets = Vec::with_capacity(file.buckets.len());
        let mut events = HashMap::with_capacity(file.buckets.len());
        for (key, bucket) in file.buckets {
            let id = bucket.id.unwrap_or(key);
            let mut list = bucket.events;
            list.sort_by_key(|e| e.timestamp);
            buckets.push(BucketInfo {
                last_updated: list.iter().map(|e| e.span().end).max(),
                id: id.clone(),
                kind: bucket.kind,
                client: bucket.client,
                hostname: bucket.hostname,
            });
            events.insert(id, list);
        }
        Ok(AwExport { buckets, events, rules: CategoryRules::default(), host: HostChoice::this_machine() })
    }

    /// Applies these category rules (an export does not carry the user's settings).
    pub fn with_rules(mut self, rules: CategoryRules) -> AwExport {
        self.rules = rules;
        self
    }

    /// Reads this host's buckets instead of choosing one.
    pub fn with_host(mut self, host: HostChoice) -> AwExport {
        self.host = host;
        self
    }

    pub fn buckets(&self) -> &[BucketInfo] {
        &self.buckets
    }

    /// The buckets `context_at` reads.
    pub fn picked(&self) -> Result<Picked, Error> {
        pick(&self.buckets, &self.host)
    }

    /// When the chosen host's window data starts and ends.
    pub fn window_range(&self) -> Result<Option<Span>, Error> {
        let picked = self.picked()?;
        let list = self.events.get(&picked.window).map(Vec::as_slice).unwrap_or_default();
        Ok(list.first().zip(list.iter().map(|e| e.span().end).max()).map(|(first, end)| Span::new(first.timestamp, end)))
    }

    /// The events of one bucket that overlap `[start, end]`, clipped to it: exactly what
    /// aw-server's `GET /api/0/buckets/ID/events?start=&end=` answers, including its rule that
    /// an event starts at most a day before `start`.
    pub fn events(&self, bucket: &str, start: DateTime<Utc>, end: DateTime<Utc>) -> Vec<RawEvent> {
        let Some(list) = self.events.get(bucket) else { return Vec::new() };
        let first = list.partition_point(|e| e.timestamp < start - MAX_EVENT_SPAN);
        let last = list.partition_point(|e| e.timestamp <= end);
        list.get(first..last)
            .unwrap_or_default()
            .iter()
            .filter(|e| e.timestamp + seconds(e.duration) >= start)
            .map(|e| {
                let span = e.span();
                let (from, to) = (span.start.max(start), span.end.min(end));
                RawEvent { timestamp: from, duration: Span::new(from, to).seconds().max(0.0), data: e.data.clone() }
            })
            .collect()
    }

    /// The context at `at` over the last `minutes`, oldest first (see `select`).
    pub fn context_at(&self, at: DateTime<Utc>, minutes: u32) -> Result<Vec<ContextEvent>, Error> {
        let range = select::range(at, minutes)?;
        let picked = self.picked()?;
        let read = |id: &str| self.events(id, range.start, range.end);
        let fetched = Fetched {
            window: read(&picked.window),
            afk: picked.afk.as_deref().map(read),
            web: picked.web.iter().map(|w| read(&w.id)).collect(),
            picked,
        };
        Ok(select::build(&fetched, &self.rules, range))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"{"buckets": {
        "aw-watcher-window_h": {"id": "aw-watcher-window_h", "type": "currentwindow", "client": "aw-watcher-window",
            "hostname": "h", "events": [
            {"timestamp": "2024-03-01T09:59:30+00:00", "duration": 60.0, "data": {"app": "firefox", "title": "Docs \u2014 Mozilla Firefox"}},
            {"timestamp": "2024-03-01T09:50:00+00:00", "duration": 570.0, "data": {"app": "code", "title": "lib.rs - x - Visual Studio Code"}}
        ]},
        "aw-watcher-afk_h": {"id": "aw-watcher-afk_h", "type": "afkstatus", "client": "aw-watcher-afk", "hostname": "h",
            "events": [{"timestamp": "2024-03-01T09:00:00+00:00", "duration": 7200.0, "data": {"status": "not-afk"}}]},
        "aw-watcher-web-firefox": {"id": "aw-watcher-web-firefox", "type": "web.tab.current", "client": "aw-client-web",
            "hostname": "unknown", "events": [{"timestamp": "2024-03-01T09:59:40+00:00", "duration": 100.0,
            "data": {"url": "https://docs.rs/regex", "title": "regex - Rust", "audible": false, "incognito": false}}]}
    }}"#;

    fn t(text: &str) -> DateTime<Utc> {
        text.parse().expect("test time")
    }

    #[test]
    fn a_small_export_gives_the_context_before_at() {
        let export = AwExport::from_slice(SMALL.as_bytes(), Path::new("small.json")).expect("export");
        let events = export.context_at(t("2024-03-01T10:00:00Z"), 60).expect("context");
        let got: Vec<(&str, &str, f64)> = events.iter().map(|e| (e.app.as_str(), e.title.as_str(), e.duration_s)).collect();
        assert_eq!(got, [("code", "lib.rs - x", 570.0), ("firefox", "Docs", 10.0), ("firefox", "regex - Rust", 20.0)]);
        assert_eq!(events[2].url.as_deref(), Some("https://docs.rs/regex"));
        let range = export.window_range().expect("picked").expect("data");
        assert_eq!((range.start, range.end), (t("2024-03-01T09:50:00Z"), t("2024-03-01T10:00:30Z")));
    }

    #[test]
    fn a_file_that_is_not_an_export_names_itself() {
        let err = AwExport::from_slice(br#"{"events": []}"#, Path::new("notes.json")).expect_err("not an export");
        assert!(err.to_string().contains("notes.json"), "{err}");
        let err = AwExport::open(Path::new("/nonexistent/aw.json")).expect_err("missing");
        assert!(matches!(err, Error::ReadExport { .. }));
    }
}
