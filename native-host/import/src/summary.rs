//! What an import read, made and left out, per file: the person sees it after every import and
//! tests assert it against the counts the samples are documented to hold. Every entry of a file
//! is either a record or a counted skip, so nothing disappears without a reason.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use vrdndi_protocol::{HistoryKind, HistoryRecord, VideoKind};

/// Which layout a file was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// `watch-history.json` / `search-history.json` (Google's activity JSON).
    ActivityJson,
    /// `watch-history.html` / `search-history.html`.
    ActivityHtml,
    /// 2019-20 `playlists/likes.json` and friends: YouTube Data API playlistItem objects.
    PlaylistItemsJson,
    /// 2021-22 `playlists/<Name>.csv`: a playlist header block, a blank line, then video rows.
    PlaylistCsv,
    /// 2024 `playlists/<Name>-videos.csv`: `Video ID,Playlist Video Creation Timestamp` rows.
    PlaylistVideosCsv,
    /// `subscriptions/subscriptions.csv`.
    SubscriptionsCsv,
}

/// Why an entry made no record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// "Watched a video that has been removed": no link, no title.
    RemovedVideo,
    /// The title is the video's own link: the video was deleted or made private before the export.
    VideoWithoutTitle,
    /// A community post, a playable, "Visited YouTube Music" and the like.
    NotAVideo,
    /// An ad click that leads off YouTube (ads that are videos are kept as `VideoKind::Ad`).
    AdWithoutVideo,
    /// Activity of another Google product (a "My Activity" export holds them side by side).
    NotYouTube,
    /// A record with a missing or malformed field; see the file's `problems` for where.
    Malformed,
}

impl SkipReason {
    pub fn describe(self) -> &'static str {
        match self {
            SkipReason::RemovedVideo => "removed videos",
            SkipReason::VideoWithoutTitle => "videos without a title (deleted or private)",
            SkipReason::NotAVideo => "not videos (posts, playables, visits)",
            SkipReason::AdWithoutVideo => "ad clicks that are not videos",
            SkipReason::NotYouTube => "not YouTube",
            SkipReason::Malformed => "malformed",
        }
    }
}

/// Where in its file a problem is: the 1-based entry of a JSON array or HTML page, or a CSV line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Position {
    Entry(usize),
    Line(u64),
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::Entry(n) => write!(f, "entry {n}"),
            Position::Line(n) => write!(f, "line {n}"),
        }
    }
}

/// One bad record: where it is and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub position: Position,
    pub message: String,
}

/// Records made, by [`HistoryKind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct KindCounts {
    pub watch: u64,
    pub like: u64,
    pub dislike: u64,
    pub search: u64,
    pub subscription: u64,
    pub playlist: u64,
}

impl KindCounts {
    pub fn total(&self) -> u64 {
        self.watch + self.like + self.dislike + self.search + self.subscription + self.playlist
    }

    fn add(&mut self, kind: HistoryKind) {
        let slot = match kind {
            HistoryKind::Watch => &mut self.watch,
            HistoryKind::Like => &mut self.like,
            HistoryKind::Dislike => &mut self.dislike,
            HistoryKind::Search => &mut self.search,
            HistoryKind::Subscription => &mut self.subscription,
            HistoryKind::Playlist => &mut self.playlist,
        };
        *slot += 1;
    }

    fn merge(&mut self, other: &KindCounts) {
        self.watch += other.watch;
        self.like += other.like;
        self.dislike += other.dislike;
        self.search += other.search;
        self.subscription += other.subscription;
        self.playlist += other.playlist;
    }
}

/// Records that carry a video, by what the video is: ads, music and Shorts are kept apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct VideoKindCounts {
    pub video: u64,
    pub short: u64,
    pub music: u64,
    pub ad: u64,
    /// Live, upcoming and premieres (Takeout does not tell these apart today).
    pub other: u64,
}

impl VideoKindCounts {
    fn add(&mut self, kind: VideoKind) {
        let slot = match kind {
            VideoKind::Video => &mut self.video,
            VideoKind::Short => &mut self.short,
            VideoKind::Music => &mut self.music,
            VideoKind::Ad => &mut self.ad,
            VideoKind::Live | VideoKind::Upcoming | VideoKind::Premiere => &mut self.other,
        };
        *slot += 1;
    }

    fn merge(&mut self, other: &VideoKindCounts) {
        self.video += other.video;
        self.short += other.short;
        self.music += other.music;
        self.ad += other.ad;
        self.other += other.other;
    }
}

/// How many problems a file keeps with their positions; the rest are only counted.
pub const MAX_PROBLEMS_LISTED: usize = 50;

/// One file's outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileSummary {
    /// The file's path inside the import (relative to the folder, or inside the zip).
    pub file: String,
    /// `None` when the file broke before its layout could be told.
    pub format: Option<Format>,
    /// Entries the file holds (JSON array items, HTML cells, CSV video rows).
    pub entries: u64,
    pub records: KindCounts,
    pub videos: VideoKindCounts,
    pub skipped: BTreeMap<SkipReason, u64>,
    /// Bad records with their positions (the first [`MAX_PROBLEMS_LISTED`]).
    pub problems: Vec<Problem>,
    /// Set when the file could not be read to its end; the records before the fault are kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl FileSummary {
    pub fn new(file: impl Into<String>, format: Option<Format>) -> Self {
        FileSummary {
            file: file.into(),
            format,
            entries: 0,
            records: KindCounts::default(),
            videos: VideoKindCounts::default(),
            skipped: BTreeMap::new(),
            problems: Vec::new(),
            error: None,
        }
    }

    pub(crate) fn record(&mut self, record: &HistoryRecord) {
        self.entries += 1;
        self.records.add(record.kind);
        if let Some(video) = &record.video {
            self.videos.add(video.kind);
        }
    }

    pub(crate) fn skip(&mut self, reason: SkipReason) {
        self.entries += 1;
        *self.skipped.entry(reason).or_insert(0) += 1;
    }

    /// A bad record: counted as malformed and listed with its position.
    pub(crate) fn problem(&mut self, position: Position, message: impl Into<String>) {
        self.skip(SkipReason::Malformed);
        if self.problems.len() < MAX_PROBLEMS_LISTED {
            self.problems.push(Problem { position, message: message.into() });
        }
    }

    pub fn skipped_total(&self) -> u64 {
        self.skipped.values().sum()
    }

    pub fn skipped_for(&self, reason: SkipReason) -> u64 {
        self.skipped.get(&reason).copied().unwrap_or(0)
    }
}

/// A file that was looked at and left alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IgnoredFile {
    pub file: String,
    pub reason: String,
}

/// The whole import's outcome.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ImportSummary {
    pub files: Vec<FileSummary>,
    /// JSON, HTML and CSV files that hold none of the formats read here (comments, other products).
    pub ignored: Vec<IgnoredFile>,
    /// Files of other types (images, videos) that were not opened.
    pub other_files: u64,
}

impl ImportSummary {
    pub fn entries(&self) -> u64 {
        self.files.iter().map(|f| f.entries).sum()
    }

    pub fn records(&self) -> KindCounts {
        let mut total = KindCounts::default();
        self.files.iter().for_each(|f| total.merge(&f.records));
        total
    }

    pub fn videos(&self) -> VideoKindCounts {
        let mut total = VideoKindCounts::default();
        self.files.iter().for_each(|f| total.merge(&f.videos));
        total
    }

    pub fn skipped(&self) -> BTreeMap<SkipReason, u64> {
        let mut total = BTreeMap::new();
        for (reason, n) in self.files.iter().flat_map(|f| f.skipped.iter()) {
            *total.entry(*reason).or_insert(0) += n;
        }
        total
    }

    /// Files that could not be read to their end.
    pub fn failed_files(&self) -> impl Iterator<Item = &FileSummary> {
        self.files.iter().filter(|f| f.error.is_some())
    }

    /// The summary of the file whose path ends with `suffix`.
    pub fn file(&self, suffix: &str) -> Option<&FileSummary> {
        self.files.iter().find(|f| f.file.ends_with(suffix))
    }
}
