//! Keeps the last evaluation's table in the store (setting [`LAST_EVAL_SETTING`]) so that the
//! "what the model learned" page can show it.
//!
//! Through the daemon, the store's one owner, with the request that already sets settings
//! (`import_labels` with no labels), so the protocol needs nothing new. Evaluation itself needs no
//! daemon: one started only for this exits after a minute, and a table that cannot be kept is a
//! warning, never a failed evaluation (the report is printed all the same).

use std::time::Duration;

use anyhow::bail;
use vrdndi_eval::{Summary, LAST_EVAL_SETTING};
use vrdndi_protocol::{ImportLabelsRequest, RequestBody, ResponseBody};

use crate::config::Config;
use crate::daemon::{idle_exit_after, DaemonClient, SpawnOptions};

/// How long a daemon started only to keep the table waits for another connection (or less, when
/// `VRDNDI_IDLE_EXIT_SECS` says less).
const IDLE_EXIT: Duration = Duration::from_secs(60);

fn idle_exit() -> Duration {
    idle_exit_after().min(IDLE_EXIT)
}

/// Stores `summary` as the last evaluation, replacing the one before.
pub fn keep(config: &Config, summary: &Summary) -> anyhow::Result<()> {
    let value = serde_json::to_value(summary)?;
    let mut client = DaemonClient::connect_or_spawn_with(config, &SpawnOptions::default().with_idle_exit(idle_exit()))?;
    let settings = serde_json::Map::from_iter([(LAST_EVAL_SETTING.to_owned(), value)]);
    match client.call(RequestBody::ImportLabels(ImportLabelsRequest { labels: Vec::new(), settings }))? {
        ResponseBody::LabelsImported(_) => Ok(()),
        ResponseBody::Error(error) => bail!("{} ({})", error.message, error.name),
        other => bail!("the daemon answered with {other:?}"),
    }
}
