//! The table a person reads after an evaluation, small enough to keep in the store: which data,
//! when, and methods × metrics as means with intervals, plus the findings in words.
//!
//! A full report holds every label's score and the cold-start curve; the "what the model learned"
//! page needs only this. `vrdndi eval` keeps the last one in the store's settings under
//! [`LAST_EVAL_SETTING`], the same shape for both evaluations.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::bootstrap::Interval;
use crate::context::ContextReport;
use crate::report::Report;

/// The store's setting that holds the last evaluation's [`Summary`].
pub const LAST_EVAL_SETTING: &str = "last_eval";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// `takeout` or `context`.
    pub kind: String,
    /// When the evaluation finished.
    pub at: DateTime<Utc>,
    /// What it read, one line each.
    pub data: Vec<String>,
    /// The metric of each column.
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
    /// What the intervals are, e.g. "95% bootstrap interval over test days, 1000 resamples, seed 7".
    pub intervals: String,
    /// The findings in words (comparisons, leak check).
    pub notes: Vec<String>,
}

/// One method (or score) with a cell per column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub name: String,
    pub cells: Vec<Interval>,
}

fn cell(i: &Interval) -> String {
    format!("{:.3} [{:.3}, {:.3}]", i.mean, i.lo, i.hi)
}

impl Summary {
    /// From `vrdndi eval takeout`: the methods averaged over users (each counts once).
    pub fn from_takeout(report: &Report, histories: &[String], negatives: &[String], at: DateTime<Utc>) -> Summary {
        let mut data = vec![format!("histories: {}", histories.join(", ")), format!("negatives: {}", negatives.join(", "))];
        for user in &report.users {
            let days = match (user.first_test_day, user.last_test_day) {
                (Some(first), Some(last)) => format!(" ({} to {})", first.date_naive(), last.date_naive()),
                _ => String::new(),
            };
            data.push(format!(
                "{}: trained on {} watches before {}; {} test days{days}, {} positives, {} negatives per slate",
                user.user,
                user.train_watches,
                user.split.date_naive(),
                user.test_days,
                user.positives,
                user.negatives_per_slate
            ));
        }
        let rows = report
            .method_order
            .iter()
            .filter_map(|name| report.methods.get(name).map(|m| Row { name: name.clone(), cells: vec![m.ndcg, m.recall, m.mrr, m.auc] }))
            .collect();
        let mut notes: Vec<String> = report
            .comparisons
            .iter()
            .map(|c| format!("{} vs {}: nDCG@10 difference {} ({})", c.model, c.baseline, cell(&c.ndcg_difference), c.verdict()))
            .collect();
        notes.push(format!("leak check: {} slates, {} violations", report.leak_check.slates, report.leak_check.violations()));
        Summary {
            kind: "takeout".into(),
            at,
            data,
            columns: ["nDCG@10", "Recall@10", "MRR", "AUC"].map(str::to_owned).to_vec(),
            rows,
            intervals: format!(
                "{}% bootstrap interval over test days{}, {} resamples, seed {}",
                (report.level * 100.0).round(),
                if report.users.len() > 1 { " (stratified by user)" } else { "" },
                report.resamples,
                report.seed
            ),
            notes,
        }
    }

    /// From `vrdndi eval context`: the AUC of each score with and without its context.
    pub fn from_context(report: &ContextReport, level: f64, resamples: usize, seed: u64, at: DateTime<Utc>) -> Summary {
        let row = |name: &str, way: &crate::context::BothWays| Row {
            name: name.to_owned(),
            cells: vec![way.with_context, way.without_context, way.difference],
        };
        Summary {
            kind: "context".into(),
            at,
            data: vec![
                format!("ActivityWatch export: {}", report.export),
                format!(
                    "labels: {} ({} on-task, {} off-task, {} placed at YouTube videos in the export's titles)",
                    report.labels_file, report.on_task, report.off_task, report.labels_from_titles
                ),
                format!("model: {}", report.model),
            ],
            columns: ["AUC with context", "AUC context removed", "difference"].map(str::to_owned).to_vec(),
            rows: vec![row("productive score", &report.productive_auc), row("final score", &report.final_auc)],
            intervals: format!("{}% bootstrap interval over labels, {resamples} resamples, seed {seed}", (level * 100.0).round()),
            notes: vec![format!("{} labels had an empty context (outside the export, or away from the computer)", report.empty_contexts)],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::BothWays;

    #[test]
    fn a_context_report_becomes_two_rows_of_three_intervals() {
        let i = |mean| Interval { mean, lo: mean - 0.1, hi: mean + 0.1 };
        let way = BothWays { with_context: i(0.8), without_context: i(0.6), difference: i(0.2) };
        let report = ContextReport {
            export: "aw.json".into(),
            labels_file: "labels.jsonl".into(),
            model: "multilingual-e5-small".into(),
            on_task: 30,
            off_task: 20,
            youtube_in_titles: 4,
            labels_from_titles: 4,
            empty_contexts: 1,
            productive_auc: way,
            final_auc: way,
            labels: vec![],
            seconds: 1.0,
        };
        let at = "2025-01-01T00:00:00Z".parse().expect("time");
        let summary = Summary::from_context(&report, 0.95, 1000, 7, at);
        assert_eq!(summary.rows.len(), 2);
        assert!(summary.rows.iter().all(|r| r.cells.len() == summary.columns.len()));
        assert_eq!(summary.intervals, "95% bootstrap interval over labels, 1000 resamples, seed 7");
        let json = serde_json::to_value(&summary).expect("serializes");
        assert_eq!(json["rows"][0]["cells"][2]["mean"], 0.2);
        assert_eq!(serde_json::from_value::<Summary>(json).expect("reads back"), summary);
    }
}
