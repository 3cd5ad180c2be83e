//! Requests, replies and the envelope that carries them.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{ErrorCode, ErrorReply};
use crate::video::Video;

/// Every request echoes this in its reply. The extension counts up from 1 per connection.
pub type RequestId = u64;

/// A request: `{"id": 7, "type": "rank", ...fields of the body}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub id: RequestId,
    #[serde(flatten)]
    pub body: RequestBody,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RequestBody {
    /// First message on a connection: versions and capabilities.
    Hello(Hello),
    /// Order a slate of tiles for now (or for `at`).
    Rank(RankRequest),
    /// A like, dislike, un-like, or one of the four labels.
    Feedback(FeedbackRequest),
    /// Take back an earlier feedback by its id.
    Undo(UndoRequest),
    /// How much of a video the person actually watched.
    Watched(WatchedRequest),
    /// Counts, model, ActivityWatch and training state.
    Status(StatusRequest),
    /// The ActivityWatch context the model sees at a time.
    Context(ContextRequest),
    /// Records read by an importer (the command line sends these in batches).
    Import(ImportRequest),
    /// Train the model on the labels in the store.
    Train(TrainRequest),
    /// A page of the imported watch history and likes with their labels (the labelling studio).
    HistoryPage(HistoryPageRequest),
    /// A page of the labels and settings, for an export file.
    Export(ExportRequest),
    /// Labels (and settings) from an export file, stored idempotently by `feedback_id`.
    ImportLabels(ImportLabelsRequest),
    /// The personal feed: recent candidates and the history's channels' videos, ranked for now.
    Feed(FeedRequest),
}

impl RequestBody {
    /// The wire name of this request's `type`.
    pub fn type_name(&self) -> &'static str {
        match self {
            RequestBody::Hello(_) => "hello",
            RequestBody::Rank(_) => "rank",
            RequestBody::Feedback(_) => "feedback",
            RequestBody::Undo(_) => "undo",
            RequestBody::Watched(_) => "watched",
            RequestBody::Status(_) => "status",
            RequestBody::Context(_) => "context",
            RequestBody::Import(_) => "import",
            RequestBody::Train(_) => "train",
            RequestBody::HistoryPage(_) => "history_page",
            RequestBody::Export(_) => "export",
            RequestBody::ImportLabels(_) => "import_labels",
            RequestBody::Feed(_) => "feed",
        }
    }
}

/// Every request `type` this protocol version defines.
pub const REQUEST_TYPES: [&str; 13] = [
    "hello",
    "rank",
    "feedback",
    "undo",
    "watched",
    "status",
    "context",
    "import",
    "train",
    "history_page",
    "export",
    "import_labels",
    "feed",
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hello {
    /// The protocol version the sender speaks.
    pub protocol: u32,
    /// Who is asking, e.g. `vrdndi-extension/0.1.0 (chrome)`.
    #[serde(default)]
    pub client: String,
}

/// Which YouTube page the slate comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Surface {
    #[default]
    Home,
    Subscriptions,
    Watch,
    /// A slate given on the command line (`vrdndi score`).
    Cli,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankRequest {
    #[serde(default)]
    pub surface: Surface,
    pub tiles: Vec<Video>,
    /// Rank as of this time instead of now (the context is the ActivityWatch events before it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<DateTime<Utc>>,
}

/// What the person said about a video.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackKind {
    /// YouTube's like button (interest = 1).
    Like,
    /// YouTube's dislike button (interest = 0).
    Dislike,
    /// A like or dislike taken back on YouTube.
    RemoveLike,
    /// "Interesting" in the popup or feed (interest = 1).
    Interesting,
    /// "Not interesting" (interest = 0).
    NotInteresting,
    /// "Right time": this fits what I am doing now (productive = 1).
    RightTime,
    /// "Not now" (productive = 0).
    NotNow,
}

/// Where a feedback was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackSource {
    #[default]
    Youtube,
    Popup,
    FeedPage,
    Studio,
    Import,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedbackRequest {
    /// Made by the sender (a UUID or similar); sending the same id twice stores it once.
    pub feedback_id: String,
    pub video: Video,
    pub kind: FeedbackKind,
    #[serde(default)]
    pub source: FeedbackSource,
    /// When it was given; the host uses its own clock when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UndoRequest {
    pub feedback_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WatchedRequest {
    pub video: Video,
    /// Share of the video's duration really played (ads excluded, playback rate counted), 0..=1.
    pub fraction: f32,
    /// Seconds of the video really played.
    #[serde(default)]
    pub watched_s: f32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StatusRequest {}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ContextRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<DateTime<Utc>>,
    /// Every event of this many minutes before `at`; absent: what the model reads (its 30-minute
    /// window, repeats of a window merged, the longest kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<u32>,
}

/// What an imported record says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HistoryKind {
    Watch,
    Like,
    Dislike,
    Search,
    Subscription,
    /// A video in a playlist other than likes.
    Playlist,
}

/// One record read from a Takeout or another export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryRecord {
    pub kind: HistoryKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video: Option<Video>,
    /// For searches: the query; for subscriptions: the channel's title; for playlists: its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportRequest {
    /// Where the records came from, e.g. `takeout:watch-history.json`.
    pub source: String,
    pub records: Vec<HistoryRecord>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TrainRequest {
    /// Number of time-ordered folds to report; 1 trains once on a single time split.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kfold: Option<u32>,
}

/// A reply: `{"id": 7, "type": "ranked", ...}`. `id` is null only when the request's id could
/// not be read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Response {
    pub id: Option<RequestId>,
    #[serde(flatten)]
    pub body: ResponseBody,
}

impl Response {
    pub fn error(id: Option<RequestId>, code: ErrorCode, message: impl Into<String>) -> Self {
        Response { id, body: ResponseBody::Error(ErrorReply::new(code, message)) }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ResponseBody {
    Hello(HelloReply),
    Ranked(RankReply),
    /// For `feedback`, `undo`, `watched`.
    Ack(Ack),
    Status(Box<StatusReply>),
    Context(ContextReply),
    Imported(ImportReply),
    Trained(TrainReply),
    Error(ErrorReply),
    /// For `history_page`.
    HistoryPage(HistoryPageReply),
    /// For `export`.
    Exported(ExportReply),
    /// For `import_labels`.
    LabelsImported(ImportReply),
    /// For `feed`.
    Feed(FeedReply),
}

impl ResponseBody {
    /// The wire name of this reply's `type` (serde's tag). Exhaustive, so a new variant must be
    /// named here, and in [`RESPONSE_TYPES`], before the crate compiles.
    pub fn type_name(&self) -> &'static str {
        match self {
            ResponseBody::Hello(_) => "hello",
            ResponseBody::Ranked(_) => "ranked",
            ResponseBody::Ack(_) => "ack",
            ResponseBody::Status(_) => "status",
            ResponseBody::Context(_) => "context",
            ResponseBody::Imported(_) => "imported",
            ResponseBody::Trained(_) => "trained",
            ResponseBody::Error(_) => "error",
            ResponseBody::HistoryPage(_) => "history_page",
            ResponseBody::Exported(_) => "exported",
            ResponseBody::LabelsImported(_) => "labels_imported",
            ResponseBody::Feed(_) => "feed",
        }
    }
}

/// Every reply `type` this protocol version defines.
pub const RESPONSE_TYPES: [&str; 12] =
    ["hello", "ranked", "ack", "status", "context", "imported", "trained", "error", "history_page", "exported", "labels_imported", "feed"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HelloReply {
    pub protocol: u32,
    pub host_version: String,
    /// Request types this host serves.
    pub capabilities: Vec<String>,
}

/// The scores of one tile and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TileScore {
    pub video_id: String,
    /// What the order is sorted by, higher first.
    #[serde(rename = "final")]
    pub final_score: f32,
    /// Probability the person finds it interesting, 0..=1.
    pub interest: f32,
    /// Probability it fits what the person is doing now, 0..=1.
    pub productive: f32,
    /// Up to three reasons a person understands.
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankReply {
    /// The tiles' ids, best first. Holds every tile of the request exactly once.
    pub order: Vec<String>,
    /// One entry per tile, in the request's order.
    pub scores: Vec<TileScore>,
    /// The model that scored them, e.g. `multilingual-e5-small+cold-start`.
    pub model: String,
    /// How many ActivityWatch events formed the context.
    pub context_events: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ack {
    /// False when the message repeated one already stored (nothing was added).
    pub stored: bool,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StoreCounts {
    pub videos: u64,
    pub labels: u64,
    pub impressions: u64,
    pub watches: u64,
    pub history: u64,
    pub embeddings: u64,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ModelStatus {
    /// The embedding model in use, e.g. `multilingual-e5-small`.
    pub embedder: Option<String>,
    /// `cpu` or `cuda`.
    pub device: Option<String>,
    /// `full` or `int8`: the weights loaded (absent until the model is loaded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<String>,
    /// Why no model is loaded, when none is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trained_at: Option<DateTime<Utc>>,
    /// Validation F1 of each head at the last training.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_metrics: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ActivityWatchStatus {
    pub url: String,
    pub reachable: bool,
    pub buckets: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StatusReply {
    pub host_version: String,
    pub protocol: u32,
    pub data_dir: String,
    pub counts: StoreCounts,
    pub model: ModelStatus,
    pub activitywatch: ActivityWatchStatus,
    /// Browsers with our native host manifest installed.
    pub browsers: Vec<String>,
    /// The newest training run (in the background or asked for), absent before the first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_training: Option<TrainingRun>,
}

/// One training run as the daemon recorded it: when, why, and what changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingRun {
    pub at: DateTime<Utc>,
    /// `labels` (enough new labels), `daily`, or `request` (`vrdndi train` or a client's `train`).
    pub why: String,
    /// Labels in force when it started.
    pub labels: u64,
    /// Whether the new model replaced the one in use.
    pub replaced: bool,
    /// Why it replaced or kept the model in use, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
    /// Validation F1 of the new model per head (`interest`, `productive`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub f1: BTreeMap<String, f64>,
    /// Validation F1 per head of the model that was in use before, when it had one.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub previous_f1: BTreeMap<String, f64>,
    /// When set, `f1` and `previous_f1` are both models on these same labels, the newest ones
    /// the old model never saw; else each model's own validation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_labels: Option<u64>,
    /// Why the run failed, when it did (the model in use stays).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One ActivityWatch event as the model sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContextEvent {
    pub start: DateTime<Utc>,
    pub duration_s: f64,
    /// The application (a category, never words for the model).
    pub app: String,
    /// Window or tab title with browser/editor suffixes removed.
    pub title: String,
    /// The user's ActivityWatch category path, e.g. `["Work", "Programming"]`; empty when uncategorized.
    #[serde(default)]
    pub category: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContextReply {
    pub at: DateTime<Utc>,
    pub minutes: u32,
    /// Oldest first; every event starts before `at`.
    pub events: Vec<ContextEvent>,
    /// Set when ActivityWatch could not be read; the context is then empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ImportReply {
    pub added: u64,
    /// Records already in the store (a second import adds nothing).
    pub duplicates: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainReply {
    /// Per head, per fold and mean: precision, recall, F1, AUC.
    pub report: Value,
    /// Whether the new model replaced the one in use.
    pub replaced: bool,
}

/// The most items one `history_page`, `export` or `feed` request may ask for.
pub const MAX_PAGE_LIMIT: u32 = 200;

fn default_page_limit() -> u32 {
    20
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryPageRequest {
    /// Position in the history's videos, newest first.
    #[serde(default)]
    pub offset: u32,
    /// 1 to [`MAX_PAGE_LIMIT`].
    #[serde(default = "default_page_limit")]
    pub limit: u32,
    /// Only videos with no label in force.
    #[serde(default)]
    pub unlabeled_only: bool,
}

/// One label as it is in force (undone labels are left out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelSummary {
    pub feedback_id: String,
    pub kind: FeedbackKind,
    pub source: FeedbackSource,
    pub at: DateTime<Utc>,
}

/// A video of the imported history, once, with what the history and the labels say about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryItem {
    pub video: Video,
    /// The latest time it was watched or liked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<DateTime<Utc>>,
    /// What the history says happened (`watch`, `like`, `dislike`), each once.
    pub kinds: Vec<HistoryKind>,
    /// Labels in force for this video, oldest first.
    pub labels: Vec<LabelSummary>,
}

/// Labels in force per kind, across the whole store.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LabelCounts {
    pub interesting: u64,
    pub not_interesting: u64,
    pub right_time: u64,
    pub not_now: u64,
    pub like: u64,
    pub dislike: u64,
    pub remove_like: u64,
    /// Labels taken back (kept, skipped by training).
    pub undone: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryPageReply {
    /// History videos matching the request (all, or the unlabeled ones).
    pub total: u64,
    /// Every history video, labeled or not.
    pub videos: u64,
    /// History videos with at least one of the four labels in force.
    pub labeled: u64,
    pub offset: u32,
    pub items: Vec<HistoryItem>,
    pub counts: LabelCounts,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportRequest {
    /// Position in the labels, oldest first.
    #[serde(default)]
    pub offset: u32,
    #[serde(default = "default_page_limit")]
    pub limit: u32,
}

/// A label with everything needed to store it again elsewhere.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedLabel {
    pub feedback_id: String,
    pub kind: FeedbackKind,
    pub source: FeedbackSource,
    pub at: DateTime<Utc>,
    /// The video as the store knows it.
    pub video: Video,
    /// The context stored with it, oldest first.
    #[serde(default)]
    pub context: Vec<ContextEvent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undone_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportReply {
    /// Every label in the store (undone ones included).
    pub total: u64,
    pub offset: u32,
    pub labels: Vec<ExportedLabel>,
    /// Every setting by name (sent with each page; small).
    pub settings: serde_json::Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportLabelsRequest {
    pub labels: Vec<ExportedLabel>,
    /// Settings to set; absent names are left as they are.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub settings: serde_json::Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedRequest {
    #[serde(default)]
    pub offset: u32,
    #[serde(default = "default_page_limit")]
    pub limit: u32,
    /// Rank as of this time instead of now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<DateTime<Utc>>,
}

/// One video of the feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedItem {
    pub video: Video,
    /// The model's scores and reasons; absent when no model could score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<TileScore>,
    /// Where it came from: `home`, `subscriptions`, `watch`, `history_channel`.
    pub sources: Vec<String>,
    /// Watched or labeled already: shown lower.
    pub seen: bool,
    /// Why it is where it is, for a person.
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedReply {
    /// Candidates in the whole feed.
    pub total: u64,
    pub offset: u32,
    pub items: Vec<FeedItem>,
    /// The model that ranked, or empty when none could.
    pub model: String,
    /// Why the feed is not ranked by the model, when it is not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// Why a frame's text is not a request, with the id when one could be read.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseFailure {
    pub id: Option<RequestId>,
    pub reply: ErrorReply,
}

impl ParseFailure {
    pub fn into_response(self) -> Response {
        Response { id: self.id, body: ResponseBody::Error(self.reply) }
    }
}

/// Parses one request, telling apart bad JSON, an unknown type and a bad field, so that the
/// sender learns which it was and the host can keep serving.
pub fn parse_request(text: &str) -> Result<Request, ParseFailure> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| ParseFailure { id: None, reply: ErrorReply::new(ErrorCode::InvalidJson, format!("not JSON: {e}")) })?;
    let Value::Object(ref object) = value else {
        return Err(ParseFailure { id: None, reply: ErrorReply::new(ErrorCode::InvalidJson, "a message must be a JSON object") });
    };
    let id = object.get("id").and_then(Value::as_u64);
    let fail = |code, message: String| ParseFailure { id, reply: ErrorReply::new(code, message) };
    if id.is_none() {
        return Err(fail(ErrorCode::InvalidRequest, "`id` must be a non-negative integer".into()));
    }
    match object.get("type").and_then(Value::as_str) {
        None => return Err(fail(ErrorCode::InvalidRequest, "`type` must be a string".into())),
        Some(kind) if !REQUEST_TYPES.contains(&kind) => {
            return Err(fail(ErrorCode::UnknownType, format!("unknown message type `{kind}`")));
        }
        Some(_) => {}
    }
    let request: Request = serde_json::from_value(value).map_err(|e| fail(ErrorCode::InvalidRequest, format!("bad request: {e}")))?;
    if let RequestBody::Hello(Hello { protocol, .. }) = &request.body {
        if *protocol != crate::PROTOCOL_VERSION {
            return Err(fail(
                ErrorCode::UnsupportedVersion,
                format!("this host speaks protocol {}, the extension {protocol}: update both to the same release", crate::PROTOCOL_VERSION),
            ));
        }
    }
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rank_request_parses_from_the_documented_json() {
        let text = r#"{"id":3,"type":"rank","surface":"home","tiles":[
            {"video_id":"dQw4w9WgXcQ","title":"Never Gonna Give You Up","channel":"Rick Astley","duration_s":213}]}"#;
        let request = parse_request(text).expect("parses");
        assert_eq!(request.id, 3);
        let RequestBody::Rank(rank) = request.body else { panic!("not a rank request") };
        assert_eq!(rank.tiles[0].duration_s, Some(213));
        assert_eq!(rank.surface, Surface::Home);
    }

    #[test]
    fn failures_are_told_apart() {
        let code = |text: &str| parse_request(text).map(|_| ()).map_err(|f| (f.id, f.reply.code));
        assert_eq!(code("{not json"), Err((None, ErrorCode::InvalidJson)));
        assert_eq!(code("[1,2]"), Err((None, ErrorCode::InvalidJson)));
        assert_eq!(code(r#"{"type":"status"}"#), Err((None, ErrorCode::InvalidRequest)));
        assert_eq!(code(r#"{"id":4,"type":"dance"}"#), Err((Some(4), ErrorCode::UnknownType)));
        assert_eq!(code(r#"{"id":5,"type":"rank"}"#), Err((Some(5), ErrorCode::InvalidRequest)));
        assert_eq!(code(r#"{"id":6,"type":"hello","protocol":99}"#), Err((Some(6), ErrorCode::UnsupportedVersion)));
        assert_eq!(code(r#"{"id":7,"type":"status"}"#), Ok(()));
    }

    #[test]
    fn every_request_type_is_listed() {
        let bodies = [
            RequestBody::Hello(Hello { protocol: 1, client: String::new() }),
            RequestBody::Rank(RankRequest { surface: Surface::Home, tiles: vec![], at: None }),
            RequestBody::Feedback(FeedbackRequest {
                feedback_id: "f".into(),
                video: Video::new("dQw4w9WgXcQ", ""),
                kind: FeedbackKind::Like,
                source: FeedbackSource::Youtube,
                at: None,
            }),
            RequestBody::Undo(UndoRequest { feedback_id: "f".into() }),
            RequestBody::Watched(WatchedRequest { video: Video::new("dQw4w9WgXcQ", ""), fraction: 0.5, watched_s: 1.0, at: None }),
            RequestBody::Status(StatusRequest {}),
            RequestBody::Context(ContextRequest::default()),
            RequestBody::Import(ImportRequest { source: "s".into(), records: vec![] }),
            RequestBody::Train(TrainRequest::default()),
            RequestBody::HistoryPage(HistoryPageRequest { offset: 0, limit: 20, unlabeled_only: true }),
            RequestBody::Export(ExportRequest { offset: 0, limit: 50 }),
            RequestBody::ImportLabels(ImportLabelsRequest { labels: vec![], settings: serde_json::Map::new() }),
            RequestBody::Feed(FeedRequest { offset: 0, limit: 20, at: None }),
        ];
        let names: Vec<&str> = bodies.iter().map(RequestBody::type_name).collect();
        assert_eq!(names, REQUEST_TYPES);
        for body in bodies {
            let json = serde_json::to_string(&Request { id: 1, body: body.clone() }).expect("serializes");
            assert_eq!(parse_request(&json).expect("round trip").body, body);
        }
    }

    #[test]
    fn every_reply_type_name_is_its_serde_tag_and_listed() {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let bodies = [
            ResponseBody::Hello(HelloReply { protocol: 1, host_version: String::new(), capabilities: vec![] }),
            ResponseBody::Ranked(RankReply { order: vec![], scores: vec![], model: String::new(), context_events: 0 }),
            ResponseBody::Ack(Ack { stored: true }),
            ResponseBody::Status(Box::default()),
            ResponseBody::Context(ContextReply { at, minutes: 30, events: vec![], problem: None }),
            ResponseBody::Imported(ImportReply::default()),
            ResponseBody::Trained(TrainReply { report: Value::Null, replaced: false }),
            ResponseBody::Error(ErrorReply::new(ErrorCode::Internal, "")),
            ResponseBody::HistoryPage(HistoryPageReply {
                total: 0,
                videos: 0,
                labeled: 0,
                offset: 0,
                items: vec![],
                counts: LabelCounts::default(),
            }),
            ResponseBody::Exported(ExportReply { total: 0, offset: 0, labels: vec![], settings: serde_json::Map::new() }),
            ResponseBody::LabelsImported(ImportReply::default()),
            ResponseBody::Feed(FeedReply { total: 0, offset: 0, items: vec![], model: String::new(), problem: None }),
        ];
        let names: Vec<&str> = bodies.iter().map(ResponseBody::type_name).collect();
        assert_eq!(names, RESPONSE_TYPES);
        for body in bodies {
            let json = serde_json::to_value(Response { id: Some(1), body: body.clone() }).expect("serializes");
            assert_eq!(json["type"], body.type_name(), "serde names {body:?} differently");
            let back: Response = serde_json::from_value(json).expect("round trip");
            assert_eq!(back.body, body);
        }
    }

    #[test]
    fn the_page_requests_default_their_offset_and_limit() {
        for text in [r#"{"id":1,"type":"history_page"}"#, r#"{"id":1,"type":"export"}"#, r#"{"id":1,"type":"feed"}"#] {
            let body = parse_request(text).expect("parses").body;
            let (offset, limit) = match body {
                RequestBody::HistoryPage(r) => (r.offset, r.limit),
                RequestBody::Export(r) => (r.offset, r.limit),
                RequestBody::Feed(r) => (r.offset, r.limit),
                other => panic!("unexpected {other:?}"),
            };
            assert_eq!((offset, limit), (0, 20));
        }
    }

    #[test]
    fn an_exported_label_round_trips_with_its_context_and_undo() {
        let text = r#"{"id":2,"type":"import_labels","labels":[{"feedback_id":"f1","kind":"not_now","source":"studio",
            "at":"2024-05-01T10:00:00Z","video":{"video_id":"dQw4w9WgXcQ","title":"t"},"undone_at":"2024-05-01T10:01:00Z"}],
            "settings":{"studio_position":3}}"#;
        let RequestBody::ImportLabels(request) = parse_request(text).expect("parses").body else { panic!("not import_labels") };
        assert_eq!(request.labels[0].kind, FeedbackKind::NotNow);
        assert!(request.labels[0].context.is_empty());
        assert!(request.labels[0].undone_at.is_some());
        assert_eq!(request.settings["studio_position"], 3);
        let reply = Response { id: Some(2), body: ResponseBody::LabelsImported(ImportReply { added: 1, duplicates: 0 }) };
        let json = serde_json::to_value(&reply).expect("serializes");
        assert_eq!(json["type"], "labels_imported");
    }

    #[test]
    fn the_final_score_is_named_final_on_the_wire() {
        let score = TileScore { video_id: "a".into(), final_score: 0.5, interest: 0.5, productive: 0.5, reasons: vec![] };
        let json = serde_json::to_value(&score).expect("serializes");
        assert!(json.get("final").is_some());
    }
}
