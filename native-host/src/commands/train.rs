//! `vrdndi train [--kfold 5] [--json]`: trains the model on the person's labels through the
//! daemon and prints precision, recall, F1 and AUC per head for each time-ordered fold and their
//! mean, and whether the new model replaced the one in use.

use anyhow::{bail, Context as _};
use vrdndi_protocol::{RequestBody, ResponseBody, TrainReply, TrainRequest};
use vrdndi_rank::{HeadMetrics, MeanMetrics, TrainReport};

use crate::config::Config;
use crate::daemon::ranking::{DEFAULT_KFOLD, MAX_KFOLD};
use crate::daemon::DaemonClient;
use crate::output;

#[derive(Debug, clap::Args)]
pub struct TrainArgs {
    /// Time-ordered folds to validate on (each trains on the past and validates on the labels after it); 0 = none
    #[arg(long, default_value_t = DEFAULT_KFOLD, value_parser = clap::value_parser!(u32).range(0..=i64::from(MAX_KFOLD)))]
    pub kfold: u32,
    /// Print the training report as JSON
    #[arg(long)]
    pub json: bool,
}

pub fn run(config: &Config, args: TrainArgs) -> anyhow::Result<()> {
    let mut client = DaemonClient::connect_or_spawn(config).context("cannot reach the Vrdndi daemon")?;
    let reply = match client.call(RequestBody::Train(TrainRequest { kfold: Some(args.kfold) }))? {
        ResponseBody::Trained(reply) => reply,
        ResponseBody::Error(error) => bail!("{} ({})", error.message, error.name),
        other => bail!("the daemon answered train with {other:?}"),
    };
    if args.json {
        return output::json(&reply);
    }
    for line in summary(&reply)? {
        output::line(line);
    }
    Ok(())
}

/// The report as a table: one row per fold and head, then the means, then the decision.
fn summary(reply: &TrainReply) -> anyhow::Result<Vec<String>> {
    let report: TrainReport =
        serde_json::from_value(reply.report.clone()).context("the daemon's training report is not one this version reads")?;
    let l = report.labels;
    let mut lines = vec![format!(
        "Trained on {} interest labels ({} positive) and {} productive labels ({} positive){}: {} weights, {} passes, {:.1} s",
        l.interest,
        l.interest_positive,
        l.productive,
        l.productive_positive,
        if report.skipped > 0 { format!(", {} skipped", report.skipped) } else { String::new() },
        report.parameters,
        report.epochs,
        report.seconds
    )];
    if report.folds.is_empty() {
        lines.push("No validation folds (--kfold 0).".to_owned());
    } else {
        lines.push(format!(
            "{:<6} {:>6} {:>9}  {:<10} {:>9} {:>7} {:>6} {:>6}",
            "FOLD", "TRAIN", "VALIDATE", "HEAD", "PRECISION", "RECALL", "F1", "AUC"
        ));
        for fold in &report.folds {
            for (head, metrics) in [("interest", &fold.interest), ("productive", &fold.productive)] {
                lines.push(format!("{:<6} {:>6} {:>9}  {}", fold.fold, fold.train, fold.validate, head_row(head, metrics.as_ref())));
            }
        }
        for (head, mean) in [("interest", &report.mean.interest), ("productive", &report.mean.productive)] {
            lines.push(format!("{:<6} {:>6} {:>9}  {}", "mean", "", "", mean_row(head, mean.as_ref())));
        }
    }
    let decision = reply.report.get("decision").and_then(|d| d.as_str()).unwrap_or_default();
    lines.push(if reply.replaced { format!("Saved and in use: {decision}") } else { format!("Not used: {decision}") });
    Ok(lines)
}

fn head_row(head: &str, metrics: Option<&HeadMetrics>) -> String {
    match metrics {
        Some(m) => format!("{head:<10} {:>9.3} {:>7.3} {:>6.3} {:>6}", m.precision, m.recall, m.f1, auc(m.auc)),
        None => format!("{head:<10} {:>9} {:>7} {:>6} {:>6}", "-", "-", "-", "-"),
    }
}

fn mean_row(head: &str, mean: Option<&MeanMetrics>) -> String {
    match mean {
        Some(m) => format!("{head:<10} {:>9.3} {:>7.3} {:>6.3} {:>6}", m.precision, m.recall, m.f1, auc(m.auc)),
        None => format!("{head:<10} {:>9} {:>7} {:>6} {:>6}", "-", "-", "-", "-"),
    }
}

/// AUC is undefined when a validation part holds one class only.
fn auc(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| format!("{v:.3}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_summary_has_a_row_per_fold_and_head_and_the_means() {
        let head = |auc: Option<f64>| json!({"examples": 10, "positives": 4, "precision": 0.75, "recall": 0.5, "f1": 0.6, "auc": auc});
        let report = json!({
            "kfold": 2,
            "labels": {"interest": 40, "interest_positive": 20, "productive": 20, "productive_positive": 8},
            "skipped": 0,
            "folds": [
                {"fold": 1, "train": 20, "validate": 20, "train_until": "2023-11-18T21:00:00Z", "validate_from": "2023-11-18T21:10:00Z",
                 "validate_until": "2023-11-18T22:00:00Z", "interest": head(Some(0.8)), "productive": null},
                {"fold": 2, "train": 40, "validate": 20, "train_until": "2023-11-18T22:00:00Z", "validate_from": "2023-11-18T22:10:00Z",
                 "validate_until": "2023-11-18T23:00:00Z", "interest": head(None), "productive": head(Some(0.7))}
            ],
            "mean": {"interest": {"folds": 2, "precision": 0.75, "recall": 0.5, "f1": 0.6, "auc": 0.8}, "productive": null},
            "epochs": 30, "parameters": 12345, "seconds": 2.5, "final_seconds": 1.0,
            "decision": "no trained model yet: the new model is in use"
        });
        let lines = summary(&TrainReply { report, replaced: true }).expect("reads").join("\n");
        assert!(lines.contains("40 interest labels (20 positive)"), "{lines}");
        assert!(lines.contains("1          20        20  interest       0.750   0.500  0.600  0.800"), "{lines}");
        assert!(lines.contains("productive         -       -      -      -"), "{lines}");
        assert!(lines.contains("mean                     interest       0.750   0.500  0.600  0.800"), "{lines}");
        assert!(lines.ends_with("Saved and in use: no trained model yet: the new model is in use"), "{lines}");
    }
}
