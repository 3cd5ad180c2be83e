//! `watch-history.json` and `search-history.json`: Google's activity JSON, an array of
//! `{header, title, titleUrl, subtitles:[{name,url}], time, details:[{name}], products}`, newest
//! first, times in UTC. One reader serves both files because they share the envelope and a
//! "My Activity" export mixes them.

use std::io::Read;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use vrdndi_protocol::HistoryRecord;

use crate::activity::{self, Activity, Outcome, Templates};
use crate::classify;
use crate::json_stream;
use crate::summary::{FileSummary, Position};

#[derive(Debug, Deserialize)]
struct Entry {
    #[serde(default)]
    header: Option<String>,
    title: String,
    #[serde(default, rename = "titleUrl")]
    title_url: Option<String>,
    #[serde(default)]
    subtitles: Vec<Named>,
    time: String,
    #[serde(default)]
    details: Vec<Named>,
}

#[derive(Debug, Deserialize)]
struct Named {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    url: Option<String>,
}

impl From<Entry> for Activity {
    fn from(entry: Entry) -> Activity {
        let (time, time_problem) = match DateTime::parse_from_rfc3339(entry.time.trim()) {
            Ok(t) => (Some(t.with_timezone(&Utc)), None),
            Err(e) => (None, Some(format!("unreadable time `{}`: {e}", entry.time))),
        };
        // The channel is the subtitle that links to a channel; other subtitles are notes such
        // as "Served location-based recommendations".
        let channel =
            entry.subtitles.iter().find(|s| s.url.is_some()).or_else(|| entry.subtitles.first().filter(|_| entry.subtitles.len() == 1));
        Activity {
            header: entry.header,
            text: entry.title,
            bare_title: false,
            link: entry.title_url,
            channel: channel.and_then(|s| s.name.clone()),
            channel_link: channel.and_then(|s| s.url.clone()),
            time,
            time_problem,
            ad: entry.details.iter().filter_map(|d| d.name.as_deref()).any(classify::is_ad_detail),
        }
    }
}

/// True when a JSON array element looks like an activity entry (used to tell formats apart).
pub fn looks_like(element: &serde_json::Value) -> bool {
    element.get("title").is_some() && element.get("time").is_some()
}

/// Reads one activity JSON file. Bad entries are listed in `summary`; a broken file keeps the
/// records before the break and returns the error.
pub fn read(reader: impl Read, summary: &mut FileSummary) -> (Vec<HistoryRecord>, Option<crate::error::FileError>) {
    let mut entries: Vec<(usize, Result<Activity, String>)> = Vec::new();
    let result = json_stream::for_each_element(reader, |index, value| {
        let activity = serde_json::from_value::<Entry>(value).map(Activity::from).map_err(|e| e.to_string());
        entries.push((index, activity));
        std::ops::ControlFlow::Continue(())
    });
    let activities: Vec<&Activity> = entries.iter().filter_map(|(_, a)| a.as_ref().ok()).collect();
    let templates = Templates::learn(&activities);
    let mut records = Vec::new();
    for (index, entry) in entries {
        let position = Position::Entry(index + 1);
        match entry.map(|a| activity::convert(&a, &templates)) {
            Ok(Outcome::Record(record)) => {
                summary.record(&record);
                records.push(*record);
            }
            Ok(Outcome::Skip(reason)) => summary.skip(reason),
            Ok(Outcome::Problem(message)) | Err(message) => summary.problem(position, message),
        }
    }
    (records, result.err())
}
