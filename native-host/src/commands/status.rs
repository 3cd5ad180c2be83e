//! `vrdndi status [--json]`: asks the daemon (starting it if needed) what it knows, and prints a
//! short summary or the `StatusReply` as JSON.

use anyhow::{bail, Context};
use vrdndi_protocol::{RequestBody, ResponseBody, StatusReply, StatusRequest};

use crate::config::Config;
use crate::daemon::DaemonClient;
use crate::output;

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// Print the full status as JSON
    #[arg(long)]
    pub json: bool,
}

pub fn run(config: &Config, args: StatusArgs) -> anyhow::Result<()> {
    let mut client = DaemonClient::connect_or_spawn(config).context("cannot reach the Vrdndi daemon")?;
    let status = match client.call(RequestBody::Status(StatusRequest {}))? {
        ResponseBody::Status(status) => *status,
        ResponseBody::Error(error) => bail!("the daemon refused: {} ({})", error.message, error.name),
        other => bail!("the daemon answered status with {other:?}"),
    };
    if args.json {
        return output::json(&status);
    }
    for line in summary(&status) {
        output::line(line);
    }
    Ok(())
}

fn summary(status: &StatusReply) -> Vec<String> {
    let c = &status.counts;
    let model = &status.model;
    let aw = &status.activitywatch;
    let problem = |p: &Option<String>| p.as_ref().map(|p| format!(" ({p})")).unwrap_or_default();
    vec![
        format!("vrdndi {} (protocol {})", status.host_version, status.protocol),
        format!("data dir       {}", status.data_dir),
        format!(
            "store          {} videos, {} labels, {} impressions, {} watches, {} history records, {} embeddings",
            c.videos, c.labels, c.impressions, c.watches, c.history, c.embeddings
        ),
        format!(
            "model          {}{} on {}{}",
            model.embedder.as_deref().unwrap_or("none"),
            model.precision.as_deref().map(|p| format!(" ({p})")).unwrap_or_default(),
            model.device.as_deref().unwrap_or("-"),
            problem(&model.problem)
        ),
        format!("last training  {}", model.trained_at.map(|t| t.to_rfc3339()).unwrap_or_else(|| "never".to_owned())),
        if aw.reachable {
            format!("ActivityWatch  {}: buckets {}", aw.url, aw.buckets.join(", "))
        } else {
            format!("ActivityWatch  {}: not reachable{}", aw.url, problem(&aw.problem))
        },
        if status.browsers.is_empty() {
            "browsers       none registered (run `vrdndi install`)".to_owned()
        } else {
            format!("browsers       {}", status.browsers.join(", "))
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_names_counts_and_problems() {
        let mut status = StatusReply { host_version: "0.1.0".into(), protocol: 1, data_dir: "/tmp/v".into(), ..StatusReply::default() };
        status.counts.labels = 400;
        status.model.problem = Some("no model yet".into());
        status.activitywatch.url = "http://127.0.0.1:5600".into();
        let text = summary(&status).join("\n");
        assert!(text.contains("400 labels"), "{text}");
        assert!(text.contains("none on - (no model yet)"), "{text}");
        assert!(text.contains("http://127.0.0.1:5600: not reachable"), "{text}");
        assert!(text.contains("last training  never"), "{text}");
    }
}
