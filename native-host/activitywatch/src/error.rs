//! Why reading ActivityWatch failed, one variant per cause.
//!
//! Callers that rank never see these as failures: `context_or_problem` turns them into the
//! `problem` line of an empty context. They matter to `vrdndi status`, the importer and tests,
//! which must say exactly what went wrong.

use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("`{url}` is not an ActivityWatch server address: {reason}")]
    InvalidUrl { url: String, reason: String },

    #[error("ActivityWatch at {url} did not answer within {} ms", budget.as_millis())]
    Timeout { url: String, budget: Duration },

    #[error("cannot reach ActivityWatch at {url}: {source}")]
    Unreachable {
        url: String,
        #[source]
        source: reqwest::Error,
    },

    #[error("ActivityWatch at {url} answered HTTP {status} to {path}")]
    HttpStatus { url: String, path: String, status: u16 },

    #[error("ActivityWatch at {url} sent an unreadable answer to {path}: {source}")]
    BadAnswer {
        url: String,
        path: String,
        #[source]
        source: reqwest::Error,
    },

    #[error("cannot read the ActivityWatch export {}: {source}", path.display())]
    ReadExport {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{} is not an ActivityWatch \"export all buckets\" file: {source}", path.display())]
    ParseExport {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },

    #[error("ActivityWatch has no window bucket (is aw-watcher-window running?){}",
        host.as_ref().map(|h| format!(" for host `{h}`")).unwrap_or_default())]
    NoWindowBucket { host: Option<String> },

    #[error("the context window must be 1 to {max} minutes, not {minutes}")]
    InvalidMinutes { minutes: u32, max: u32 },

    #[error("unknown time zone `{0}` (expected an IANA name such as Europe/Ljubljana)")]
    UnknownTimeZone(String),

    #[error("cannot tell this machine's time zone: {0}")]
    NoLocalTimeZone(String),
}
