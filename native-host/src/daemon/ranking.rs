//! Ranking and training, the model's side of the daemon.
//!
//! PLACEHOLDER until the model lands (issue 3): every `rank` and `train` answers
//! `model_unavailable` with "no model yet". The service already records an impression for every
//! successful `rank` (see `service::rank`), so a real [`Ranker::rank`] needs no other change there.

use vrdndi_protocol::{ContextReply, ErrorCode, ModelStatus, RankReply, RankRequest, TrainReply, TrainRequest};
use vrdndi_store::Store;

use super::failure::Failure;
use crate::config::Config;

const NO_MODEL_YET: &str = "no model yet";

pub struct Ranker {
    device: String,
}

impl Ranker {
    pub fn new(config: &Config, _store: &Store) -> Ranker {
        Ranker { device: config.device.name().to_owned() }
    }

    /// Orders `request.tiles` for `context`.
    pub fn rank(&self, _request: &RankRequest, _context: &ContextReply) -> Result<RankReply, Failure> {
        Err(Failure::new(ErrorCode::ModelUnavailable, NO_MODEL_YET))
    }

    /// Trains on the store's labels.
    pub fn train(&self, _request: &TrainRequest) -> Result<TrainReply, Failure> {
        Err(Failure::new(ErrorCode::ModelUnavailable, NO_MODEL_YET))
    }

    pub fn status(&self) -> ModelStatus {
        ModelStatus { embedder: None, device: Some(self.device.clone()), problem: Some(NO_MODEL_YET.to_owned()), ..ModelStatus::default() }
    }
}
