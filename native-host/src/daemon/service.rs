//! The daemon's one entry point, [`Service::handle`]: a parsed request in, its reply out.
//!
//! Each request type has one small handler (here or in `feedback`, `import`, `status`); failures
//! become error replies with a stable code, never a dropped connection.

use std::sync::Arc;

use chrono::Utc;
use tokio::runtime::Handle;
use vrdndi_protocol::{
    ContextReply, ContextRequest, HelloReply, RankReply, RankRequest, Request, RequestBody, Response, ResponseBody, Video,
    PROTOCOL_VERSION, REQUEST_TYPES,
};
use vrdndi_store::{Impression, Store};

use super::context::{ContextProvider, NoContext};
use super::failure::Failure;
use super::ranking::Ranker;
use crate::config::Config;

/// The most minutes of context one request may ask for (a day).
const MAX_CONTEXT_MINUTES: u32 = 24 * 60;

pub struct Service {
    pub(crate) config: Config,
    pub(crate) store: Store,
    pub(crate) context: Arc<dyn ContextProvider>,
    pub(crate) ranker: Ranker,
    /// For async work (ActivityWatch); handlers run on plain threads and may `block_on` it.
    pub(crate) runtime: Handle,
}

impl Service {
    pub fn new(config: Config, store: Store, runtime: Handle) -> Service {
        let context = Arc::new(NoContext { aw_url: config.aw_url.clone() });
        let ranker = Ranker::new(&config, &store);
        Service { config, store, context, ranker, runtime }
    }

    /// Replaces the context source (the ActivityWatch provider plugs in here).
    pub fn with_context(mut self, provider: Arc<dyn ContextProvider>) -> Service {
        self.context = provider;
        self
    }

    pub fn runtime(&self) -> &Handle {
        &self.runtime
    }

    pub fn handle(&self, request: Request) -> Response {
        let id = request.id;
        let kind = request.body.type_name();
        let result = match request.body {
            RequestBody::Hello(_) => Ok(ResponseBody::Hello(hello())),
            RequestBody::Rank(rank) => self.rank(rank).map(ResponseBody::Ranked),
            RequestBody::Feedback(feedback) => self.feedback(feedback).map(ResponseBody::Ack),
            RequestBody::Undo(undo) => self.undo(&undo).map(ResponseBody::Ack),
            RequestBody::Watched(watched) => self.watched(watched).map(ResponseBody::Ack),
            RequestBody::Status(_) => Ok(ResponseBody::Status(Box::new(self.status()))),
            RequestBody::Context(context) => self.context(&context).map(ResponseBody::Context),
            RequestBody::Import(import) => self.import(import).map(ResponseBody::Imported),
            RequestBody::Train(train) => {
                super::retrain::train_and_record(self, &train, super::retrain::WHY_REQUEST, Utc::now()).0.map(ResponseBody::Trained)
            }
            RequestBody::HistoryPage(page) => self.history_page(&page).map(ResponseBody::HistoryPage),
            RequestBody::Export(export) => self.export(&export).map(ResponseBody::Exported),
            RequestBody::ImportLabels(import) => self.import_labels(import).map(ResponseBody::LabelsImported),
            RequestBody::Feed(feed) => self.feed(&feed).map(ResponseBody::Feed),
        };
        match result {
            Ok(body) => Response { id: Some(id), body },
            Err(failure) => {
                tracing::warn!(id, kind, code = failure.code.name(), "{}", failure.message);
                Response { id: Some(id), body: ResponseBody::Error(failure.reply()) }
            }
        }
    }

    fn context(&self, request: &ContextRequest) -> Result<ContextReply, Failure> {
        let at = request.at.unwrap_or_else(Utc::now);
        let Some(minutes) = request.minutes else {
            return Ok(self.context.model_context(at));
        };
        if !(1..=MAX_CONTEXT_MINUTES).contains(&minutes) {
            return Err(Failure::invalid(format!("`minutes` must be 1 to {MAX_CONTEXT_MINUTES}, not {minutes}")));
        }
        Ok(self.context.context(at, minutes))
    }

    /// Ranks a slate and records what was shown. A failed impression write is logged, not
    /// returned: the page's order matters more than the record of it.
    fn rank(&self, request: RankRequest) -> Result<RankReply, Failure> {
        for tile in &request.tiles {
            check_video(tile)?;
        }
        let at = request.at.unwrap_or_else(Utc::now);
        let context = self.context.model_context(at);
        let reply = self.ranker.rank(&request, &context)?;
        let impression = Impression::from_ranking(at, &request, &reply);
        if let Err(e) = self.store.record_impression(&impression, &request) {
            tracing::error!("cannot record the impression: {e}");
        }
        Ok(reply)
    }
}

fn hello() -> HelloReply {
    HelloReply {
        protocol: PROTOCOL_VERSION,
        host_version: env!("CARGO_PKG_VERSION").to_owned(),
        capabilities: REQUEST_TYPES.iter().map(|t| (*t).to_owned()).collect(),
    }
}

/// A video the store can key: YouTube's 11-character id.
pub(crate) fn check_video(video: &Video) -> Result<(), Failure> {
    if Video::is_valid_id(&video.video_id) {
        Ok(())
    } else {
        Err(Failure::invalid(format!("`{}` is not a YouTube video id (11 characters of A-Z a-z 0-9 - _)", video.video_id)))
    }
}
