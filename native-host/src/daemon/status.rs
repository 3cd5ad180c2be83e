//! `status`: what the daemon knows, one small function per part so that each owner fills in
//! their own (the model's in `ranking`, ActivityWatch's in the context provider, the browsers'
//! from the installer, the last training run from `retrain`'s record).

use vrdndi_protocol::{StatusReply, PROTOCOL_VERSION};

use super::service::Service;
use crate::config::Config;

impl Service {
    pub(crate) fn status(&self) -> StatusReply {
        StatusReply {
            host_version: env!("CARGO_PKG_VERSION").to_owned(),
            protocol: PROTOCOL_VERSION,
            data_dir: self.config.data_dir.display().to_string(),
            counts: self.store.counts(),
            model: self.ranker.status(),
            activitywatch: self.context.status(),
            browsers: registered_browsers(&self.config),
            last_training: super::retrain::last_run(self),
        }
    }
}

/// Browsers whose per-user location holds our native host manifest (read from this process's
/// `HOME`, as the installer wrote it).
fn registered_browsers(_config: &Config) -> Vec<String> {
    crate::install::registered_browsers()
}
