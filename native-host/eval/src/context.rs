//! `vrdndi eval context`: does knowing what the person was doing help tell on-task videos from
//! off-task ones?
//!
//! Each labelled video is scored at its time twice by the same ranker: with the ActivityWatch
//! context read from the export (the six hours before that time, never after it) and with the
//! context removed. The separation of on-task from off-task is the ROC AUC of each score, with
//! a bootstrap interval over labels and the paired difference.
//!
//! Labels come from a JSON-lines file, one video per line:
//! `{"at": "2023-11-19T01:25:00Z", "title": "...", "channel": "...", "video_id": "...",
//! "label": "on-task" | "off-task"}`. A line without `at` labels a video found in the export's
//! window or tab titles ("<title> - YouTube"), at every time it was opened there.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{DateTime, FixedOffset, Offset, Utc};
use serde::{Deserialize, Serialize};
use vrdndi_activitywatch::{clean_title, AwExport, HostChoice};
use vrdndi_protocol::Video;
use vrdndi_rank::{
    context_text, select_context_events, video_text, Candidate, Context, ContextToken, Preferences, Ranker, UserProfile, DEFAULT_LOOKBACK,
    DEFAULT_MAX_EVENTS,
};

use crate::bootstrap::{statistic_interval, Interval};
use crate::embeddings::{Embeddings, Kind, TextEmbedder};
use crate::error::{io, EvalError, Result};
use crate::metrics::auc;
use crate::run::Progress;

/// Settings; see [`ContextOptions::default`].
#[derive(Debug, Clone, PartialEq)]
pub struct ContextOptions {
    /// Read this host's buckets; None = the host with the newest data.
    pub host: Option<String>,
    /// The person's offset from UTC at the labels' times (for working hours in the final score).
    pub utc_offset: FixedOffset,
    pub seed: u64,
    pub resamples: usize,
    pub level: f64,
    /// How far back before each label the context reaches (the daemon's window by default).
    pub lookback: chrono::Duration,
}

impl Default for ContextOptions {
    /// Newest host, UTC, seed 7, 1000 resamples, 95% intervals, the ranker's default lookback.
    fn default() -> Self {
        ContextOptions {
            host: None,
            lookback: DEFAULT_LOOKBACK,
            utc_offset: Utc.fix(),
            seed: 7,
            resamples: crate::bootstrap::DEFAULT_RESAMPLES,
            level: crate::bootstrap::DEFAULT_LEVEL,
        }
    }
}

#[derive(Debug, Deserialize)]
struct LabelLine {
    at: Option<DateTime<Utc>>,
    title: String,
    #[serde(default)]
    channel: Option<String>,
    #[serde(default)]
    video_id: Option<String>,
    label: String,
}

/// One line of the labels file.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelEntry {
    /// None: place it wherever the export's titles show it.
    pub at: Option<DateTime<Utc>>,
    pub video: Video,
    pub on_task: bool,
}

/// One labelled video at one time.
#[derive(Debug, Clone, PartialEq)]
pub struct Labelled {
    pub at: DateTime<Utc>,
    pub video: Video,
    pub on_task: bool,
    /// Found in the export's titles rather than given a time in the file.
    pub from_titles: bool,
}

/// A YouTube video the export shows in a window or tab title.
#[derive(Debug, Clone, PartialEq)]
pub struct SeenVideo {
    pub at: DateTime<Utc>,
    pub title: String,
    pub video_id: Option<String>,
}

/// The scores of one label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelScore {
    pub at: DateTime<Utc>,
    pub title: String,
    pub on_task: bool,
    pub from_titles: bool,
    pub context_events: usize,
    pub productive: f32,
    pub productive_without_context: f32,
    #[serde(rename = "final")]
    pub final_score: f32,
    pub final_without_context: f32,
}

/// AUC of a score with and without context, and their paired difference.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BothWays {
    pub with_context: Interval,
    pub without_context: Interval,
    pub difference: Interval,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContextReport {
    pub export: String,
    pub labels_file: String,
    pub model: String,
    pub on_task: usize,
    pub off_task: usize,
    /// YouTube videos found in the export's window and tab titles.
    pub youtube_in_titles: usize,
    /// Labels placed at those videos' times.
    pub labels_from_titles: usize,
    /// Labels whose context came out empty (outside the export, or AFK).
    pub empty_contexts: usize,
    pub productive_auc: BothWays,
    pub final_auc: BothWays,
    pub labels: Vec<LabelScore>,
    pub seconds: f64,
}

impl ContextReport {
    pub fn to_text(&self) -> String {
        let cell = |i: &Interval| format!("{:.3} [{:.3}, {:.3}]", i.mean, i.lo, i.hi);
        let mut lines = vec![
            format!(
                "{} labels ({} on-task, {} off-task) from {}; {} YouTube videos in the export's titles, {} labels placed there; {} empty contexts",
                self.on_task + self.off_task,
                self.on_task,
                self.off_task,
                self.labels_file,
                self.youtube_in_titles,
                self.labels_from_titles,
                self.empty_contexts
            ),
            format!("{:<12} {:<24} {:<24} {:<24}", "AUC", "with context", "context removed", "difference"),
        ];
        for (name, way) in [("productive", &self.productive_auc), ("final", &self.final_auc)] {
            lines.push(format!(
                "{:<12} {:<24} {:<24} {:<24}",
                name,
                cell(&way.with_context),
                cell(&way.without_context),
                cell(&way.difference)
            ));
        }
        lines.push(format!("model {}; {:.1}s", self.model, self.seconds));
        lines.join("\n")
    }
}

/// Reads the labels file.
pub fn read_labels(path: &Path) -> Result<Vec<LabelEntry>> {
    let text = std::fs::read_to_string(path).map_err(io("read", path))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |detail: String| EvalError::Labels { path: path.to_owned(), line: i + 1, detail };
        let parsed: LabelLine = serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
        let on_task = match parsed.label.as_str() {
            "on-task" => true,
            "off-task" => false,
            other => return Err(bad(format!("label `{other}` is neither `on-task` nor `off-task`"))),
        };
        if parsed.title.trim().is_empty() {
            return Err(bad("an empty title".into()));
        }
        let id = parsed.video_id.unwrap_or_else(|| format!("label-{:05}", i + 1));
        let mut video = Video::new(id, parsed.title.trim());
        video.channel = parsed.channel.filter(|c| !c.trim().is_empty());
        out.push(LabelEntry { at: parsed.at, video, on_task });
    }
    Ok(out)
}

/// The YouTube videos in an export's window and tab titles ("<title> - YouTube").
pub fn youtube_in_titles(export: &AwExport) -> Result<Vec<SeenVideo>> {
    let picked = export.picked()?;
    let Some(range) = export.window_range()? else { return Ok(Vec::new()) };
    let mut seen = Vec::new();
    let buckets = std::iter::once(picked.window.clone()).chain(picked.web.iter().map(|w| w.id.clone()));
    for bucket in buckets {
        for event in export.events(&bucket, range.start, range.end) {
            let Some(title) = event.field("title") else { continue };
            let title = clean_title(event.field("app").unwrap_or_default(), title);
            let Some(video) = title.strip_suffix(" - YouTube").map(str::trim).filter(|t| !t.is_empty()) else { continue };
            let video_id = event.field("url").and_then(watch_id);
            seen.push(SeenVideo { at: event.timestamp, title: video.to_owned(), video_id });
        }
    }
    seen.sort_by_key(|s| s.at);
    Ok(seen)
}

fn watch_id(url: &str) -> Option<String> {
    let query = url.split_once("youtube.com/watch?")?.1;
    query.split('&').find_map(|kv| kv.strip_prefix("v=")).filter(|id| Video::is_valid_id(id)).map(str::to_owned)
}

/// Runs the context evaluation.
pub fn run_context(
    export_path: &Path,
    labels_path: &Path,
    embedder: &dyn TextEmbedder,
    embeddings: &mut Embeddings,
    options: &ContextOptions,
    progress: &mut dyn Progress,
) -> Result<ContextReport> {
    let started = Instant::now();
    let host = options.host.clone().map_or_else(HostChoice::this_machine, HostChoice::Exact);
    let export = AwExport::open(export_path)?.with_host(host);
    let seen = youtube_in_titles(&export)?;
    let mut labelled = Vec::new();
    let mut untimed: HashMap<String, (Video, bool)> = HashMap::new();
    for LabelEntry { at, video, on_task } in read_labels(labels_path)? {
        match at {
            Some(at) => labelled.push(Labelled { at, video, on_task, from_titles: false }),
            None => {
                untimed.insert(video.title.to_lowercase(), (video, on_task));
            }
        }
    }
    for s in &seen {
        if let Some((video, on_task)) = untimed.get(&s.title.to_lowercase()) {
            let mut video = video.clone();
            if let Some(id) = &s.video_id {
                video.video_id = id.clone();
            }
            labelled.push(Labelled { at: s.at, video, on_task: *on_task, from_titles: true });
        }
    }
    let on_task = labelled.iter().filter(|l| l.on_task).count();
    if on_task == 0 || on_task == labelled.len() {
        return Err(EvalError::Labels {
            path: PathBuf::from(labels_path),
            line: 0,
            detail: format!("{} usable labels, {on_task} on-task: both kinds are needed for an AUC", labelled.len()),
        });
    }

    progress.stage(&format!("reading the context of {} labels", labelled.len()));
    let mut contexts = Vec::with_capacity(labelled.len());
    for l in &labelled {
        let minutes = u32::try_from(options.lookback.num_minutes()).unwrap_or(u32::MAX);
        let events = export.context_at(l.at, minutes)?;
        contexts.push(select_context_events(&events, l.at, options.lookback, DEFAULT_MAX_EVENTS));
    }
    let queries: Vec<String> = contexts.iter().flatten().map(context_text).collect();
    let passages: Vec<String> = labelled.iter().map(|l| video_text(&l.video)).collect();
    embeddings.ensure(embedder, Kind::Query, queries, &mut |d, t| progress.embedded(d, t))?;
    embeddings.ensure(embedder, Kind::Passage, passages, &mut |d, t| progress.embedded(d, t))?;

    let ranker = Ranker::cold_start(embeddings.key());
    let profile = UserProfile::new();
    let preferences = Preferences::default();
    let missing = |what: &str| EvalError::InvalidOption(format!("no embedding for {what} (a bug: all are embedded first)"));
    let mut scores = Vec::with_capacity(labelled.len());
    for (l, events) in labelled.iter().zip(&contexts) {
        let tokens = events
            .iter()
            .map(|e| {
                let v = embeddings.get(Kind::Query, &context_text(e)).ok_or_else(|| missing(&e.title))?;
                Ok(ContextToken::from_event(e, v.to_vec()))
            })
            .collect::<Result<Vec<ContextToken>>>()?;
        let embedding = embeddings.get(Kind::Passage, &video_text(&l.video)).ok_or_else(|| missing(&l.video.title))?;
        let candidate = [Candidate { video: l.video.clone(), embedding: embedding.to_vec() }];
        let with = ranker.score(&profile, &Context::new(l.at, options.utc_offset, tokens), &candidate, &preferences)?;
        let without = ranker.score(&profile, &Context::empty(l.at, options.utc_offset), &candidate, &preferences)?;
        let (Some(with), Some(without)) = (with.first(), without.first()) else {
            return Err(EvalError::InvalidOption("the ranker returned no score".into()));
        };
        scores.push(LabelScore {
            at: l.at,
            title: l.video.title.clone(),
            on_task: l.on_task,
            from_titles: l.from_titles,
            context_events: events.len(),
            productive: with.productive,
            productive_without_context: without.productive,
            final_score: with.final_score,
            final_without_context: without.final_score,
        });
    }

    let both = |pick_with: fn(&LabelScore) -> f32, pick_without: fn(&LabelScore) -> f32, salt: u64| {
        let auc_of = |idx: &[usize], pick: fn(&LabelScore) -> f32| {
            let s: Vec<f64> = idx.iter().map(|&i| f64::from(pick(&scores[i]))).collect();
            let y: Vec<bool> = idx.iter().map(|&i| scores[i].on_task).collect();
            auc(&s, &y)
        };
        let n = scores.len();
        let (r, level, seed) = (options.resamples, options.level, options.seed ^ salt);
        let with_context = statistic_interval(n, r, level, seed, |idx| auc_of(idx, pick_with));
        let without_context = statistic_interval(n, r, level, seed, |idx| auc_of(idx, pick_without));
        let difference = statistic_interval(n, r, level, seed, |idx| Some(auc_of(idx, pick_with)? - auc_of(idx, pick_without)?));
        match (with_context, without_context, difference) {
            (Some(with_context), Some(without_context), Some(difference)) => Ok(BothWays { with_context, without_context, difference }),
            _ => Err(EvalError::InvalidOption("AUC is undefined for these labels".into())),
        }
    };
    let productive_auc = both(|s| s.productive, |s| s.productive_without_context, 1)?;
    let final_auc = both(|s| s.final_score, |s| s.final_without_context, 2)?;
    Ok(ContextReport {
        export: export_path.display().to_string(),
        labels_file: labels_path.display().to_string(),
        model: ranker.name(),
        on_task,
        off_task: labelled.len() - on_task,
        youtube_in_titles: seen.len(),
        labels_from_titles: labelled.iter().filter(|l| l.from_titles).count(),
        empty_contexts: contexts.iter().filter(|c| c.is_empty()).count(),
        productive_auc,
        final_auc,
        labels: scores,
        seconds: started.elapsed().as_secs_f64(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_read_and_bad_lines_named() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("labels.jsonl");
        std::fs::write(
            &path,
            "# a comment\n{\"at\":\"2023-11-19T01:25:00Z\",\"title\":\"Build a chatbot\",\"channel\":\"AI\",\"label\":\"on-task\"}\n\
             {\"title\":\"Cats\",\"video_id\":\"abcdefghijk\",\"label\":\"off-task\"}\n",
        )
        .expect("write");
        let labels = read_labels(&path).expect("reads");
        assert_eq!(labels.len(), 2);
        assert!(labels[0].at.is_some() && labels[0].on_task);
        assert_eq!((labels[1].video.video_id.as_str(), labels[1].on_task), ("abcdefghijk", false));
        std::fs::write(&path, "{\"title\":\"x\",\"label\":\"maybe\"}\n").expect("write");
        let error = read_labels(&path).expect_err("bad label");
        assert!(error.to_string().contains("line 1") && error.to_string().contains("maybe"), "{error}");
    }

    #[test]
    fn watch_ids_come_from_youtube_urls_only() {
        assert_eq!(watch_id("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=3"), Some("dQw4w9WgXcQ".into()));
        assert_eq!(watch_id("https://example.com/watch?v=dQw4w9WgXcQ"), None);
    }

    #[test]
    fn youtube_titles_are_found_in_window_and_tab_titles() {
        let export = r#"{"buckets": {
            "aw-watcher-window_h": {"id": "aw-watcher-window_h", "type": "currentwindow", "client": "aw-watcher-window", "hostname": "h",
              "events": [{"timestamp": "2024-03-01T10:00:00+00:00", "duration": 60.0,
                          "data": {"app": "firefox", "title": "Rust in 100 Seconds - YouTube \u2014 Mozilla Firefox"}},
                         {"timestamp": "2024-03-01T09:00:00+00:00", "duration": 60.0, "data": {"app": "code", "title": "main.rs - x - Visual Studio Code"}}]},
            "aw-watcher-web-firefox": {"id": "aw-watcher-web-firefox", "type": "web.tab.current", "client": "aw-client-web", "hostname": "unknown",
              "events": [{"timestamp": "2024-03-01T10:00:01+00:00", "duration": 50.0,
                          "data": {"url": "https://www.youtube.com/watch?v=5C_HPTJg5ek", "title": "Rust in 100 Seconds - YouTube", "audible": true, "incognito": false}}]}
        }}"#;
        let export = AwExport::from_slice(export.as_bytes(), Path::new("x.json")).expect("export").with_host(HostChoice::Exact("h".into()));
        let seen = youtube_in_titles(&export).expect("reads");
        assert_eq!(seen.len(), 2, "{seen:?}");
        assert!(seen.iter().all(|s| s.title == "Rust in 100 Seconds"));
        assert_eq!(seen[1].video_id.as_deref(), Some("5C_HPTJg5ek"));
    }
}
