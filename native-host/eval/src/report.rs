//! What `vrdndi eval takeout` reports, as JSON (`--json`) and as a table for people.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::bootstrap::Interval;
use crate::embeddings::EnsureStats;
use crate::history::Left;
use crate::leak::LeakCheck;
use crate::learned::TrainSummary;
use crate::pool::SourceSummary;

/// The four metrics of one method, each with its interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MethodMetrics {
    #[serde(rename = "ndcg@10")]
    pub ndcg: Interval,
    #[serde(rename = "recall@10")]
    pub recall: Interval,
    pub mrr: Interval,
    pub auc: Interval,
}

/// Vrdndi minus a baseline in nDCG@10, paired by day (same slates, same resampled days).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub model: String,
    pub baseline: String,
    #[serde(rename = "ndcg@10_difference")]
    pub ndcg_difference: Interval,
}

impl Comparison {
    /// "better", "worse" or "no clear difference" at the intervals' level.
    pub fn verdict(&self) -> &'static str {
        if self.ndcg_difference.lo > 0.0 {
            "better"
        } else if self.ndcg_difference.hi < 0.0 {
            "worse"
        } else {
            "no clear difference"
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UserReport {
    pub user: String,
    /// Training is every watch before this (a UTC day start).
    pub split: DateTime<Utc>,
    pub train_watches: usize,
    pub train_videos: usize,
    pub test_days: usize,
    pub first_test_day: Option<DateTime<Utc>>,
    pub last_test_day: Option<DateTime<Utc>>,
    /// Slate positives over all test days.
    pub positives: usize,
    pub negatives_per_slate: usize,
    pub methods: BTreeMap<String, MethodMetrics>,
    pub comparisons: Vec<Comparison>,
    pub learned: Option<TrainSummary>,
    /// Watch records left out (music, shorts, ads; non-watch records).
    pub left_out: Left,
    /// Where this person's negatives came from.
    pub negatives: PoolSummary,
    /// Validation days before the split (what fitted weights were fitted on).
    pub validation_days: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurvePoint {
    /// Watch events each method was given (the most recent ones before the day); None = all.
    pub events: Option<usize>,
    /// nDCG@10 of each method, averaged over users as in the main table.
    pub methods: BTreeMap<String, Interval>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Curve {
    pub metric: String,
    pub points: Vec<CurvePoint>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PoolSummary {
    pub videos: usize,
    pub test_half: usize,
    pub train_half: usize,
    pub sources: Vec<SourceSummary>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Timings {
    pub plan_s: f64,
    pub embed: EnsureStats,
    pub train_s: f64,
    /// Scoring time per method over all users and days (curve excluded).
    pub score_s: BTreeMap<String, f64>,
    pub curve_s: f64,
    pub total_s: f64,
}

/// The whole run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub k: usize,
    pub seed: u64,
    pub resamples: usize,
    pub level: f64,
    /// Method names in table order.
    pub method_order: Vec<String>,
    /// Averaged over users (each user counts once; intervals by a bootstrap stratified by user).
    pub methods: BTreeMap<String, MethodMetrics>,
    pub comparisons: Vec<Comparison>,
    pub users: Vec<UserReport>,
    pub curve: Option<Curve>,
    pub leak_check: LeakCheck,
    pub timings: Timings,
    /// The product's interest weights fitted on every person's validation days, when asked.
    pub prior: Option<FittedPrior>,
}

/// Interest weights fitted on the validation days (before each split) of the evaluated people.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FittedPrior {
    pub features: Vec<String>,
    pub weights: Vec<f64>,
    pub bias: f64,
    pub rows: usize,
    pub positives: usize,
    /// Per person, nDCG@10 on their validation days of the prior fitted without them.
    pub validation_unseen: Vec<(String, f64)>,
}

fn cell(i: &Interval) -> String {
    format!("{:.3} [{:.3}, {:.3}]", i.mean, i.lo, i.hi)
}

fn table(out: &mut String, order: &[String], methods: &BTreeMap<String, MethodMetrics>) {
    let _ = writeln!(out, "  {:<16} {:<22} {:<22} {:<22} {:<22}", "method", "nDCG@10", "Recall@10", "MRR", "AUC");
    for name in order {
        if let Some(m) = methods.get(name) {
            let _ = writeln!(out, "  {:<16} {:<22} {:<22} {:<22} {:<22}", name, cell(&m.ndcg), cell(&m.recall), cell(&m.mrr), cell(&m.auc));
        }
    }
}

impl Report {
    /// The report as text for a terminal.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let level = (self.level * 100.0).round();
        for user in &self.users {
            let _ = writeln!(
                out,
                "{}: trained on {} watches ({} videos) before {}; {} test days, {} positives, {} negatives per slate",
                user.user,
                user.train_watches,
                user.train_videos,
                user.split.date_naive(),
                user.test_days,
                user.positives,
                user.negatives_per_slate
            );
            table(&mut out, &self.method_order, &user.methods);
        }
        if self.users.len() > 1 {
            let _ = writeln!(out, "average over {} users (each counts once)", self.users.len());
            table(&mut out, &self.method_order, &self.methods);
        }
        let _ = writeln!(out, "mean [{level}% interval], bootstrap over test days, {} resamples, seed {}", self.resamples, self.seed);
        for c in &self.comparisons {
            let _ = writeln!(out, "{} vs {}: nDCG@10 difference {} ({})", c.model, c.baseline, cell(&c.ndcg_difference), c.verdict());
        }
        if let Some(curve) = &self.curve {
            let _ = writeln!(out, "cold-start curve ({}):", curve.metric);
            for p in &curve.points {
                let label = p.events.map_or("all".to_owned(), |n| n.to_string());
                let cells: Vec<String> =
                    self.method_order.iter().filter_map(|m| p.methods.get(m).map(|i| format!("{m} {:.3}", i.mean))).collect();
                let _ = writeln!(out, "  {label:>5} events: {}", cells.join(", "));
            }
        }
        if let Some(p) = &self.prior {
            let _ = writeln!(out, "interest prior fitted on {} validation rows ({} positives): bias {:.3}", p.rows, p.positives, p.bias);
            for (name, w) in p.features.iter().zip(&p.weights) {
                let _ = writeln!(out, "  {name:<28} {w:+.3}");
            }
            if !p.validation_unseen.is_empty() {
                let mean = p.validation_unseen.iter().map(|(_, n)| n).sum::<f64>() / p.validation_unseen.len() as f64;
                let cells: Vec<String> = p.validation_unseen.iter().map(|(u, n)| format!("{u} {n:.3}")).collect();
                let _ =
                    writeln!(out, "  validation nDCG@10 of the prior fitted without each person: mean {mean:.3} ({})", cells.join(", "));
            }
        }
        let _ = writeln!(out, "leak check: {} slates, {} violations", self.leak_check.slates, self.leak_check.violations());
        let t = &self.timings;
        let score: f64 = t.score_s.values().sum();
        let _ = writeln!(
            out,
            "timings: plan {:.1}s, embed {:.1}s ({} new, {} cached), train {:.1}s, score {:.1}s, curve {:.1}s, total {:.1}s",
            t.plan_s, t.embed.seconds, t.embed.embedded, t.embed.cached, t.train_s, score, t.curve_s, t.total_s
        );
        out
    }
}
