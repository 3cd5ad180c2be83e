//! `vrdndi import activitywatch EXPORT.json [--json]`: keeps an ActivityWatch export as
//! historical context, so labels and watches from its time are trained with the context they had.
//!
//! The file is validated as the daemon will read it (`AwExport`, a window bucket with events),
//! then copied into `<data_dir>/context/` under the first 16 hex digits of its sha256: the same
//! file imported twice is stored once. The daemon notices new files there by itself, so no
//! request is sent. The copy is written to a dot-file and renamed, so the daemon never reads half
//! a file.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use vrdndi_activitywatch::AwExport;

use super::ActivityWatchArgs;
use crate::config::Config;
use crate::daemon::history_context::context_dir;
use crate::output;

/// Hex digits of the sha256 in the stored name: 64 bits, no collisions among one person's files.
const NAME_HEX_DIGITS: usize = 16;

#[derive(Debug, Serialize)]
struct BucketReport {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    hostname: String,
    events: usize,
}

#[derive(Debug, Serialize)]
struct Report {
    path: String,
    stored_as: String,
    /// False when the same file was imported before.
    added: bool,
    /// The host whose buckets give the context.
    host: String,
    hosts: Vec<String>,
    window_start: DateTime<Utc>,
    window_end: DateTime<Utc>,
    window_events: usize,
    events: usize,
    buckets: Vec<BucketReport>,
}

pub fn run(config: &Config, args: &ActivityWatchArgs) -> anyhow::Result<()> {
    let bytes = std::fs::read(&args.path).with_context(|| format!("cannot read {}", args.path.display()))?;
    let export = AwExport::from_slice(&bytes, &args.path).map_err(|e| anyhow!("{e}; nothing was imported"))?;
    let picked = export.picked().map_err(|e| anyhow!("{} gives no context: {e}; nothing was imported", args.path.display()))?;
    let Some(range) = export.window_range()? else {
        bail!("{} has no window events (bucket {}); nothing was imported", args.path.display(), picked.window);
    };

    // `events` clips to a range and never drops an event inside it: this one holds every real one.
    let (from, to) = (DateTime::UNIX_EPOCH, Utc::now() + chrono::Duration::days(365 * 100));
    let everything = |id: &str| export.events(id, from, to).len();
    let buckets: Vec<BucketReport> = export
        .buckets()
        .iter()
        .map(|b| BucketReport { id: b.id.clone(), kind: b.kind.clone(), hostname: b.hostname.clone(), events: everything(&b.id) })
        .collect();
    let hosts: BTreeSet<String> = buckets.iter().map(|b| b.hostname.clone()).filter(|h| !h.is_empty() && h != "unknown").collect();

    let (stored_as, added) = store(&context_dir(config), &bytes)?;
    let report = Report {
        path: args.path.display().to_string(),
        stored_as: stored_as.display().to_string(),
        added,
        host: picked.host.clone(),
        hosts: hosts.into_iter().collect(),
        window_start: range.start,
        window_end: range.end,
        window_events: buckets.iter().find(|b| b.id == picked.window).map_or(0, |b| b.events),
        events: buckets.iter().map(|b| b.events).sum(),
        buckets,
    };
    if args.json {
        output::json(&report)?;
    } else {
        for line in lines(&report) {
            output::line(line);
        }
    }
    Ok(())
}

/// Copies `bytes` into `dir` under their hash; false when that file is already there.
fn store(dir: &Path, bytes: &[u8]) -> anyhow::Result<(PathBuf, bool)> {
    let hash = format!("{:x}", Sha256::digest(bytes));
    let name = hash.get(..NAME_HEX_DIGITS).unwrap_or(&hash);
    let target = dir.join(format!("{name}.json"));
    if target.is_file() {
        return Ok((target, false));
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let partial = dir.join(format!(".{name}.{}.partial", std::process::id()));
    let written = (|| -> std::io::Result<()> {
        let mut file = std::fs::File::create(&partial)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&partial, &target)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(e).with_context(|| format!("cannot store the export in {}", dir.display()));
    }
    Ok((target, true))
}

fn lines(report: &Report) -> Vec<String> {
    let mut lines = vec![format!(
        "{} {} as {}",
        if report.added { "Imported" } else { "Already imported, nothing added:" },
        report.path,
        report.stored_as
    )];
    lines.push(format!(
        "Context from host {} (hosts in the file: {}): {} window events from {} to {}",
        report.host,
        if report.hosts.is_empty() { "none named".to_owned() } else { report.hosts.join(", ") },
        report.window_events,
        report.window_start.to_rfc3339(),
        report.window_end.to_rfc3339()
    ));
    lines.push(format!("{} buckets, {} events:", report.buckets.len(), report.events));
    for b in &report.buckets {
        lines.push(format!("  {} ({}, {}): {} events", b.id, b.kind, if b.hostname.is_empty() { "-" } else { &b.hostname }, b.events));
    }
    lines
}
