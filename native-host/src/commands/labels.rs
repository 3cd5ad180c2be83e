//! `vrdndi labels export FILE` / `vrdndi labels import FILE`: every label (with its context and
//! undo) and every setting as one JSON file, the same file the studio page's buttons write and
//! read. Both go through the daemon page by page (`export`, `import_labels`), so no frame passes
//! the 1 MiB cap; importing is idempotent by `feedback_id`.

use std::path::PathBuf;

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};
use vrdndi_protocol::{ExportRequest, ExportedLabel, ImportLabelsRequest, RequestBody, ResponseBody};

use crate::config::Config;
use crate::daemon::DaemonClient;
use crate::output;

pub const FORMAT: &str = "vrdndi-labels";
pub const VERSION: u32 = 1;
const PAGE: u32 = 100;
/// Labels per `import_labels` batch, by serialized size, well under the frame cap.
const BATCH_BYTES: usize = 512 * 1024;

#[derive(Debug, clap::Args)]
pub struct LabelsArgs {
    #[command(subcommand)]
    pub action: LabelsAction,
}

#[derive(Debug, clap::Subcommand)]
pub enum LabelsAction {
    /// Write every label and setting to FILE (JSON)
    Export { file: PathBuf },
    /// Store the labels and settings of FILE (labels already stored are left as they are)
    Import { file: PathBuf },
}

/// The file: what the studio page's export writes too.
#[derive(Debug, Serialize, Deserialize)]
pub struct LabelsFile {
    pub format: String,
    pub version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exported_at: Option<chrono::DateTime<chrono::Utc>>,
    pub labels: Vec<ExportedLabel>,
    #[serde(default)]
    pub settings: serde_json::Map<String, serde_json::Value>,
}

pub fn run(config: &Config, args: LabelsArgs) -> anyhow::Result<()> {
    let mut client = DaemonClient::connect_or_spawn(config).context("cannot reach the Vrdndi daemon")?;
    match args.action {
        LabelsAction::Export { file } => {
            let mut labels = Vec::new();
            let settings = loop {
                let offset = u32::try_from(labels.len()).context("too many labels")?;
                let reply = match client.call(RequestBody::Export(ExportRequest { offset, limit: PAGE }))? {
                    ResponseBody::Exported(reply) => reply,
                    ResponseBody::Error(error) => bail!("the daemon refused: {} ({})", error.message, error.name),
                    other => bail!("the daemon answered export with {other:?}"),
                };
                let done = reply.labels.is_empty();
                labels.extend(reply.labels);
                if done || labels.len() as u64 >= reply.total {
                    break reply.settings;
                }
            };
            let count = labels.len();
            let data = LabelsFile { format: FORMAT.into(), version: VERSION, exported_at: Some(chrono::Utc::now()), labels, settings };
            let text = serde_json::to_vec_pretty(&data).context("cannot write the export")?;
            std::fs::write(&file, text).with_context(|| format!("cannot write {}", file.display()))?;
            output::line(format!("exported {count} labels and {} settings to {}", data.settings.len(), file.display()));
        }
        LabelsAction::Import { file } => {
            let text = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let data: LabelsFile =
                serde_json::from_slice(&text).with_context(|| format!("{} is not a Vrdndi labels export", file.display()))?;
            if data.format != FORMAT || data.version != VERSION {
                bail!(
                    "{} is format {:?} version {}; this vrdndi reads {FORMAT:?} version {VERSION}",
                    file.display(),
                    data.format,
                    data.version
                );
            }
            let (mut added, mut duplicates) = (0, 0);
            let mut settings = data.settings;
            let mut batch: Vec<ExportedLabel> = Vec::new();
            let mut bytes = 0;
            let mut labels = data.labels.into_iter().peekable();
            while labels.peek().is_some() || !settings.is_empty() {
                while let Some(label) = labels.peek() {
                    let size = serde_json::to_vec(label).map(|v| v.len()).unwrap_or(0);
                    if !batch.is_empty() && bytes + size > BATCH_BYTES {
                        break;
                    }
                    bytes += size;
                    batch.extend(labels.next());
                }
                let request = ImportLabelsRequest { labels: std::mem::take(&mut batch), settings: std::mem::take(&mut settings) };
                bytes = 0;
                match client.call(RequestBody::ImportLabels(request))? {
                    ResponseBody::LabelsImported(reply) => {
                        added += reply.added;
                        duplicates += reply.duplicates;
                    }
                    ResponseBody::Error(error) => bail!("the daemon refused: {} ({})", error.message, error.name),
                    other => bail!("the daemon answered import_labels with {other:?}"),
                }
            }
            output::line(format!("imported {added} labels ({duplicates} already there) from {}", file.display()));
        }
    }
    Ok(())
}
