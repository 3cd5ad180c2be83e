//! Historical context: the ActivityWatch exports imported with `vrdndi import activitywatch`,
//! and the provider that falls back on them when the live aw-server has nothing for a time.
//!
//! A label given in the past (imported, or sent with its own `at`) must be trained with the
//! context it had, which the live aw-server often no longer holds: it may be another machine, a
//! reinstall, or down. The importer only copies a validated export into
//! `<data_dir>/context/<sha256 prefix>.json`; the daemon lists that folder at every ask (a
//! directory read costs microseconds) and indexes files it has not seen, so an import takes effect
//! without a restart and without a protocol message.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Duration, Utc};
use vrdndi_activitywatch::event::Span;
use vrdndi_activitywatch::AwExport;
use vrdndi_protocol::{ActivityWatchStatus, ContextEvent, ContextReply};

use super::context::ContextProvider;
use crate::config::Config;

/// Where imported exports are kept, under the data dir.
pub fn context_dir(config: &Config) -> PathBuf {
    config.data_dir.join("context")
}

/// Whether a file in the context folder is an imported export (and not the importer's
/// half-written temporary file).
pub fn is_export_name(name: &str) -> bool {
    name.ends_with(".json") && !name.starts_with('.')
}

/// One indexed export, or why it could not be read (remembered, so it is reported once).
enum Entry {
    Ready { export: Arc<AwExport>, range: Option<Span> },
    Unreadable,
}

/// The imported exports, answering `context_at` for the times they cover.
pub struct HistoricalContext {
    dir: PathBuf,
    /// By file name; names are content hashes, so a known name never needs re-reading.
    loaded: Mutex<BTreeMap<String, Entry>>,
}

impl HistoricalContext {
    pub fn new(dir: PathBuf) -> HistoricalContext {
        HistoricalContext { dir, loaded: Mutex::new(BTreeMap::new()) }
    }

    /// Indexes files that appeared since the last call; forgets files that were removed.
    fn refresh(&self) -> Vec<(String, Arc<AwExport>, Option<Span>)> {
        let names: Vec<String> = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries.filter_map(|e| e.ok()?.file_name().into_string().ok()).filter(|name| is_export_name(name)).collect(),
            Err(_) => Vec::new(),
        };
        let mut loaded = self.loaded.lock().unwrap_or_else(PoisonError::into_inner);
        loaded.retain(|name, _| names.contains(name));
        for name in names {
            if loaded.contains_key(&name) {
                continue;
            }
            let path = self.dir.join(&name);
            let entry = match AwExport::open(&path) {
                Ok(export) => {
                    let range = export.window_range().ok().flatten();
                    tracing::info!(file = %path.display(), "imported ActivityWatch export indexed for historical context");
                    Entry::Ready { export: Arc::new(export), range }
                }
                Err(e) => {
                    tracing::warn!("ignoring an imported ActivityWatch export: {e}");
                    Entry::Unreadable
                }
            };
            loaded.insert(name, entry);
        }
        loaded
            .iter()
            .filter_map(|(name, entry)| match entry {
                Entry::Ready { export, range } => Some((name.clone(), export.clone(), *range)),
                Entry::Unreadable => None,
            })
            .collect()
    }

    /// The context at `at` from the export covering it (the one with the newest data first when
    /// several do), and that export's file name; `None` when no export has events then.
    pub fn context_at(&self, at: DateTime<Utc>, minutes: u32) -> Option<(String, Vec<ContextEvent>)> {
        let from = at - Duration::minutes(i64::from(minutes));
        let mut covering: Vec<_> =
            self.refresh().into_iter().filter(|(_, _, range)| range.is_some_and(|r| r.start < at && r.end > from)).collect();
        covering.sort_by_key(|(_, _, range)| std::cmp::Reverse(range.map(|r| r.end)));
        covering.into_iter().find_map(|(name, export, _)| match export.context_at(at, minutes) {
            Ok(events) if !events.is_empty() => Some((name, events)),
            Ok(_) => None,
            Err(e) => {
                tracing::debug!(file = %name, "no context from an imported export: {e}");
                None
            }
        })
    }
}

/// The live provider first; the imported exports when it has no events for the time asked
/// (it is down, or that time is before it, or on another machine).
pub struct WithHistory {
    live: Arc<dyn ContextProvider>,
    history: HistoricalContext,
    /// The source that answered last, so the log says when it changes rather than every time.
    last_source: Mutex<Option<String>>,
}

impl WithHistory {
    pub fn new(live: Arc<dyn ContextProvider>, history: HistoricalContext) -> WithHistory {
        WithHistory { live, history, last_source: Mutex::new(None) }
    }

    fn note(&self, source: String, at: DateTime<Utc>, why: Option<&str>) {
        let mut last = self.last_source.lock().unwrap_or_else(PoisonError::into_inner);
        if last.as_deref() != Some(source.as_str()) {
            match why {
                Some(why) => tracing::info!(%at, "context read from {source} (aw-server: {why})"),
                None => tracing::info!(%at, "context read from {source}"),
            }
            *last = Some(source);
        }
    }
}

/// The live provider wrapped so imported exports in `<data_dir>/context` answer where it cannot.
pub fn with_history(live: Arc<dyn ContextProvider>, config: &Config) -> Arc<dyn ContextProvider> {
    Arc::new(WithHistory::new(live, HistoricalContext::new(context_dir(config))))
}

impl ContextProvider for WithHistory {
    fn context(&self, at: DateTime<Utc>, minutes: u32) -> ContextReply {
        let live = self.live.context(at, minutes);
        if !live.events.is_empty() {
            self.note("aw-server".to_owned(), at, None);
            return live;
        }
        match self.history.context_at(at, minutes) {
            // `problem` means an empty context (protocol): the log says which source answered.
            Some((name, events)) => {
                self.note(format!("the imported export {name}"), at, Some(live.problem.as_deref().unwrap_or("no events then")));
                ContextReply { at, minutes, events, problem: None }
            }
            None => live,
        }
    }

    fn status(&self) -> ActivityWatchStatus {
        self.live.status()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::daemon::context::NoContext;

    const EXPORT: &str = r#"{"buckets": {
        "aw-watcher-window_h": {"id": "aw-watcher-window_h", "type": "currentwindow", "client": "aw-watcher-window",
            "hostname": "h", "events": [
            {"timestamp": "2024-03-01T09:50:00+00:00", "duration": 570.0, "data": {"app": "code", "title": "lib.rs - x - Visual Studio Code"}}
        ]},
        "aw-watcher-afk_h": {"id": "aw-watcher-afk_h", "type": "afkstatus", "client": "aw-watcher-afk", "hostname": "h",
            "events": [{"timestamp": "2024-03-01T09:00:00+00:00", "duration": 7200.0, "data": {"status": "not-afk"}}]}
    }}"#;

    fn t(text: &str) -> DateTime<Utc> {
        text.parse().expect("test time")
    }

    #[test]
    fn an_export_added_while_running_answers_where_the_live_source_has_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let provider = WithHistory::new(
            Arc::new(NoContext { aw_url: "http://127.0.0.1:9".into() }),
            HistoricalContext::new(dir.path().join("context")),
        );
        let at = t("2024-03-01T10:00:00Z");
        let before = provider.context(at, 30);
        assert!(before.events.is_empty() && before.problem.is_some(), "{before:?}");

        std::fs::create_dir_all(dir.path().join("context")).expect("dir");
        std::fs::write(dir.path().join("context/.partial.json"), "{").expect("write");
        std::fs::write(dir.path().join("context/broken.json"), "{\"not\": 1}").expect("write");
        std::fs::write(dir.path().join("context/abc.json"), EXPORT).expect("write");
        let after = provider.context(at, 30);
        assert_eq!(after.problem, None);
        let titles: Vec<&str> = after.events.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(titles, ["lib.rs - x"]);
        // Outside the export's range the live answer stands.
        let outside = provider.context(t("2025-01-01T00:00:00Z"), 30);
        assert!(outside.events.is_empty() && outside.problem.is_some());

        std::fs::remove_file(dir.path().join("context/abc.json")).expect("remove");
        assert!(provider.context(at, 30).events.is_empty(), "a removed export is forgotten");
    }
}
