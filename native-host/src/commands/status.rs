//! `vrdndi status [--json]`: asks the daemon (starting it if needed) what it knows, and prints a
//! short summary or the `StatusReply` as JSON.

use anyhow::{bail, Context};
use vrdndi_protocol::{RequestBody, ResponseBody, StatusReply, StatusRequest, TrainingRun};

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
        format!("last run       {}", status.last_training.as_ref().map_or_else(|| "none yet".to_owned(), run_line)),
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

/// "2025-01-14T08:00:00+00:00 (labels, 232 labels): model replaced; interest F1 0.72 -> 0.73 (why)".
fn run_line(run: &TrainingRun) -> String {
    let head = format!("{} ({}, {} labels)", run.at.to_rfc3339(), run.why, run.labels);
    if let Some(error) = &run.error {
        return format!("{head}: failed: {error}");
    }
    let changes: Vec<String> = run
        .f1
        .iter()
        .map(|(name, f1)| match run.previous_f1.get(name) {
            Some(before) => format!("{name} F1 {before:.2} -> {f1:.2}"),
            None => format!("{name} F1 {f1:.2}"),
        })
        .collect();
    let outcome = if run.replaced { "model replaced" } else { "kept the model in use" };
    let why = run.decision.as_ref().map(|d| format!(" ({d})")).unwrap_or_default();
    format!("{head}: {outcome}; {}{why}", changes.join(", "))
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
        assert!(text.contains("last run       none yet"), "{text}");
        status.last_training = Some(TrainingRun {
            at: "2025-01-14T08:00:00Z".parse().expect("time"),
            why: "labels".into(),
            labels: 232,
            replaced: false,
            decision: Some("validation mean AUC 0.700 < 0.785".into()),
            f1: [("interest".to_owned(), 0.66)].into(),
            previous_f1: [("interest".to_owned(), 0.61)].into(),
            same_labels: None,
            error: None,
        });
        let text = summary(&status).join("\n");
        assert!(
            text.contains("(labels, 232 labels): kept the model in use; interest F1 0.61 -> 0.66 (validation mean AUC 0.700 < 0.785)"),
            "{text}"
        );
    }
}
