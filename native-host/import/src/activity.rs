//! One YouTube activity (a watch, a search, an ad, a visit) as both the JSON and the HTML
//! watch history describe it, and the single place that decides what record it becomes or why it
//! is skipped, so that the two formats can never disagree.

use chrono::{DateTime, Utc};
use vrdndi_protocol::{HistoryKind, HistoryRecord, Video};

use crate::classify::{self, Signals};
use crate::links::{self, Link};
use crate::summary::SkipReason;
use crate::titles::{self, Template};

/// An activity as read from either format.
#[derive(Debug, Clone, Default)]
pub struct Activity {
    /// "YouTube", "YouTube Music", or another Google product's name.
    pub header: Option<String>,
    /// The sentence Takeout wrote ("Watched <title>"); in HTML, the link's text.
    pub text: String,
    /// Whether `text` is the bare title (HTML) rather than a sentence around it (JSON).
    pub bare_title: bool,
    pub link: Option<String>,
    pub channel: Option<String>,
    pub channel_link: Option<String>,
    pub time: Option<DateTime<Utc>>,
    /// Why `time` is missing, when the entry had an unreadable one.
    pub time_problem: Option<String>,
    pub ad: bool,
}

/// What an activity becomes.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Record(Box<HistoryRecord>),
    Skip(SkipReason),
    /// A malformed entry, with what is wrong.
    Problem(String),
}

/// The words around titles in one file, learned separately for watches and searches.
#[derive(Debug, Clone, Default)]
pub struct Templates {
    pub watch: Option<Template>,
    pub search: Option<Template>,
}

impl Templates {
    /// Learns both templates from a file's activities.
    pub fn learn(activities: &[&Activity]) -> Templates {
        let with_link = |want_search: bool| {
            activities.iter().filter_map(move |a| {
                let link = a.link.as_deref()?;
                let is_search = matches!(links::classify(link), Link::Search { .. });
                let is_video = matches!(links::classify(link), Link::Video { .. });
                ((want_search && is_search) || (!want_search && is_video)).then_some((a.text.as_str(), link))
            })
        };
        Templates { watch: Template::learn(with_link(false)), search: Template::learn(with_link(true)) }
    }
}

fn is_youtube_header(header: Option<&str>) -> bool {
    header.is_some_and(|h| h.trim().starts_with("YouTube"))
}

/// Decides what one activity becomes.
pub fn convert(activity: &Activity, templates: &Templates) -> Outcome {
    let link = activity.link.as_deref().map(links::classify);
    let record = |kind, video: Option<Video>, text: Option<String>| match activity.time {
        Some(at) => Outcome::Record(Box::new(HistoryRecord { kind, video, text, channel_id: None, at: Some(at) })),
        None => Outcome::Problem(activity.time_problem.clone().unwrap_or_else(|| "no time".to_owned())),
    };
    match link {
        Some(Link::Video { id, short, music }) => {
            let title = if activity.bare_title { activity.text.trim() } else { titles::title_of(&activity.text, templates.watch.as_ref()) };
            if title.is_empty() {
                return Outcome::Skip(SkipReason::VideoWithoutTitle);
            }
            if matches!(links::classify(title), Link::Video { .. }) || activity.link.as_deref() == Some(title) {
                return Outcome::Skip(SkipReason::VideoWithoutTitle);
            }
            let kind = classify::video_kind(Signals {
                header: activity.header.as_deref(),
                ad: activity.ad,
                music_link: music,
                shorts_link: short,
                title,
            });
            let video = Video {
                video_id: id,
                title: title.to_owned(),
                channel: activity.channel.as_ref().map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()),
                channel_id: activity.channel_link.as_deref().and_then(links::channel_id),
                kind,
                ..Video::default()
            };
            record(HistoryKind::Watch, Some(video), None)
        }
        Some(Link::Search { query }) => {
            let query = if query.trim().is_empty() {
                titles::title_of(&activity.text, templates.search.as_ref()).to_owned()
            } else {
                query.trim().to_owned()
            };
            if query.is_empty() {
                return Outcome::Problem("a search without a query".to_owned());
            }
            record(HistoryKind::Search, None, Some(query))
        }
        Some(Link::OtherYouTube) => Outcome::Skip(SkipReason::NotAVideo),
        Some(Link::Elsewhere) if activity.ad => Outcome::Skip(SkipReason::AdWithoutVideo),
        Some(Link::Elsewhere) if !is_youtube_header(activity.header.as_deref()) => Outcome::Skip(SkipReason::NotYouTube),
        Some(Link::Elsewhere) => Outcome::Skip(SkipReason::NotAVideo),
        None if activity.ad => Outcome::Skip(SkipReason::AdWithoutVideo),
        None if !is_youtube_header(activity.header.as_deref()) => Outcome::Skip(SkipReason::NotYouTube),
        None => {
            // "Watched a video that has been removed" follows the watch template; "Visited
            // YouTube Music" does not.
            let watched = match &templates.watch {
                Some(template) => template.strip(&activity.text).is_some(),
                None => titles::starts_with_known_phrase(&activity.text),
            };
            Outcome::Skip(if watched { SkipReason::RemovedVideo } else { SkipReason::NotAVideo })
        }
    }
}
