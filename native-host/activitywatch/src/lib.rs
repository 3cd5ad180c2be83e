//! The ActivityWatch context the model sees: what the person was doing in the minutes before a
//! time, read from a local aw-server or from an ActivityWatch export.
//!
//! Both sources go through one selection ([`select`]): the window events of one host's
//! buckets, cut to not-AFK time and to `[at - minutes, at)`, with browser tab titles where the
//! browser was in front, titles cleaned of app names, the user's categories when aw-server has
//! them. Times are UTC; [`local_time_features`] alone looks at the local clock.
//!
//! ```no_run
//! # async fn demo() {
//! use vrdndi_activitywatch::{AwClient, DEFAULT_URL};
//! let aw = AwClient::new(DEFAULT_URL).expect("a valid address");
//! let (events, problem) = aw.context_or_problem(chrono::Utc::now(), 60).await;
//! # }
//! ```

pub mod buckets;
pub mod categories;
pub mod client;
mod error;
pub mod event;
pub mod export;
pub mod local_time;
pub mod select;
pub mod source;
pub mod title;

pub use buckets::{Browser, HostChoice, Picked};
pub use categories::CategoryRules;
pub use client::{AwClient, DEFAULT_BUDGET, DEFAULT_URL};
pub use error::Error;
pub use export::AwExport;
pub use local_time::{local_time_features, local_zone, local_zone_or_utc, parse_zone, LocalTimeFeatures, Tz};
pub use select::{DEFAULT_MINUTES, MAX_MINUTES, MIN_EVENT_SECONDS};
pub use source::EventSource;
pub use title::clean_title;
pub use vrdndi_protocol::{ActivityWatchStatus, ContextEvent, ContextReply};
