//! `vrdndi import takeout PATH [--json] [--dry-run]`: reads a Google Takeout with
//! `vrdndi-import`, sends its records to the daemon in batches, and prints what was read, added,
//! already there, and skipped and why. Importing the same Takeout again adds nothing: the store
//! keys a record by kind, video, time and text, none of which depend on when it was imported.
//!
//! `vrdndi import activitywatch EXPORT.json` is in `import/activitywatch.rs`.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use vrdndi_import::{FileSummary, ImportSummary, Imported, SkipReason};
use vrdndi_protocol::{HistoryRecord, ImportReply, ImportRequest, RequestBody, ResponseBody, MAX_MESSAGE_BYTES};

use crate::config::Config;
use crate::daemon::DaemonClient;
use crate::output;

mod activitywatch;

/// Records per `import` request: small enough for the 1 MiB frame cap with long titles, large
/// enough that 10k records take a few dozen round trips.
pub const BATCH_RECORDS: usize = 250;
/// A batch is also cut when its JSON would pass half the frame cap.
const BATCH_BYTES: usize = MAX_MESSAGE_BYTES / 2;

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub source: ImportSource,
}

#[derive(Debug, clap::Subcommand)]
pub enum ImportSource {
    /// A Google Takeout of YouTube: the .zip, the unpacked folder, or one file from it
    Takeout(TakeoutArgs),
    /// An ActivityWatch export ("Export all buckets" JSON) as historical context
    Activitywatch(ActivityWatchArgs),
}

#[derive(Debug, clap::Args)]
pub struct TakeoutArgs {
    /// takeout-*.zip, an unpacked Takeout folder, or a single watch-history.json/.html, CSV
    pub path: PathBuf,
    /// Print the summary as JSON
    #[arg(long)]
    pub json: bool,
    /// Read and report, store nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, clap::Args)]
pub struct ActivityWatchArgs {
    /// The export file written by ActivityWatch's "Export all buckets as JSON"
    pub path: PathBuf,
    /// Print the summary as JSON
    #[arg(long)]
    pub json: bool,
}

pub fn run(config: &Config, args: ImportArgs) -> anyhow::Result<()> {
    match args.source {
        ImportSource::Takeout(args) => run_takeout(config, args),
        ImportSource::Activitywatch(args) => activitywatch::run(config, &args),
    }
}

/// What the daemon said about one file's records.
#[derive(Debug, Clone, Default, Serialize)]
struct Stored {
    added: u64,
    already_there: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    refused: Option<String>,
}

#[derive(Debug, Serialize)]
struct FileReport<'a> {
    #[serde(flatten)]
    summary: &'a FileSummary,
    #[serde(flatten)]
    stored: Option<Stored>,
}

#[derive(Debug, Serialize)]
struct Report<'a> {
    path: String,
    entries: u64,
    records: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    added: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    already_there: Option<u64>,
    skipped: BTreeMap<SkipReason, u64>,
    files: Vec<FileReport<'a>>,
    ignored: &'a [vrdndi_import::IgnoredFile],
    other_files: u64,
}

fn hidden_unless_terminal(bar: ProgressBar) -> ProgressBar {
    if std::io::stderr().is_terminal() {
        bar
    } else {
        ProgressBar::hidden()
    }
}

fn run_takeout(config: &Config, args: TakeoutArgs) -> anyhow::Result<()> {
    let reading = hidden_unless_terminal(ProgressBar::new_spinner());
    reading.enable_steady_tick(Duration::from_millis(120));
    let imported = vrdndi_import::import_path_with(&args.path, &mut |file| reading.set_message(format!("reading {file}")));
    reading.finish_and_clear();
    let imported = imported?;
    let stored = if args.dry_run { None } else { Some(send(config, &imported)?) };
    let report = report(&args.path, &imported.summary, stored.as_deref());
    if args.json {
        output::json(&report)?;
    } else {
        for line in lines(&report) {
            output::line(line);
        }
    }
    let failed: Vec<String> = imported
        .summary
        .failed_files()
        .map(|f| f.file.clone())
        .chain(report.files.iter().filter(|f| f.stored.as_ref().is_some_and(|s| s.refused.is_some())).map(|f| f.summary.file.clone()))
        .collect();
    if !failed.is_empty() {
        bail!("{} file(s) were not imported in full: {}; everything else was", failed.len(), failed.join(", "));
    }
    Ok(())
}

/// Sends every file's records; returns what was stored, in `summary.files` order.
fn send(config: &Config, imported: &Imported) -> anyhow::Result<Vec<Stored>> {
    let total: usize = imported.files.iter().map(|f| f.records.len()).sum();
    let bar = hidden_unless_terminal(ProgressBar::new(total as u64));
    bar.set_style(ProgressStyle::with_template("{msg} {wide_bar} {pos}/{len} records").unwrap_or_else(|_| ProgressStyle::default_bar()));
    bar.set_message("storing");
    let mut client = DaemonClient::connect_or_spawn(config).context("cannot reach the Vrdndi daemon")?;
    let mut stored = vec![Stored::default(); imported.summary.files.len()];
    for file in &imported.files {
        let Some(index) = imported.summary.files.iter().position(|s| s.file == file.file) else { continue };
        let slot = &mut stored[index];
        for batch in batches(&file.records) {
            let request = ImportRequest { source: format!("takeout:{}", file.file), records: batch.to_vec() };
            let reply = client.call(RequestBody::Import(request)).with_context(|| {
                format!("the daemon connection broke while storing {}; run the import again, nothing is stored twice", file.file)
            })?;
            match reply {
                ResponseBody::Imported(ImportReply { added, duplicates }) => {
                    slot.added += added;
                    slot.already_there += duplicates;
                }
                ResponseBody::Error(error) => {
                    slot.refused = Some(format!("{} ({})", error.message, error.name));
                    break;
                }
                other => bail!("the daemon answered import with {other:?}"),
            }
            bar.inc(batch.len() as u64);
        }
    }
    bar.finish_and_clear();
    Ok(stored)
}

/// Splits records into batches of at most [`BATCH_RECORDS`] and about [`BATCH_BYTES`].
pub fn batches(records: &[HistoryRecord]) -> Vec<&[HistoryRecord]> {
    let mut batches = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, record) in records.iter().enumerate() {
        let size = serde_json::to_vec(record).map(|v| v.len()).unwrap_or(BATCH_BYTES);
        if i > start && (i - start >= BATCH_RECORDS || bytes + size > BATCH_BYTES) {
            batches.push(&records[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += size;
    }
    if start < records.len() {
        batches.push(&records[start..]);
    }
    batches
}

fn report<'a>(path: &std::path::Path, summary: &'a ImportSummary, stored: Option<&[Stored]>) -> Report<'a> {
    let files: Vec<FileReport<'a>> = summary
        .files
        .iter()
        .enumerate()
        .map(|(i, s)| FileReport { summary: s, stored: stored.and_then(|st| st.get(i).cloned()) })
        .collect();
    let sum = |f: fn(&Stored) -> u64| stored.map(|st| st.iter().map(f).sum());
    Report {
        path: path.display().to_string(),
        entries: summary.entries(),
        records: summary.records().total(),
        added: sum(|s| s.added),
        already_there: sum(|s| s.already_there),
        skipped: summary.skipped(),
        files,
        ignored: &summary.ignored,
        other_files: summary.other_files,
    }
}

fn skipped_text(skipped: &BTreeMap<SkipReason, u64>) -> String {
    skipped.iter().map(|(reason, n)| format!("{n} {}", reason.describe())).collect::<Vec<_>>().join(", ")
}

fn lines(report: &Report<'_>) -> Vec<String> {
    let mut lines = vec![format!("Read {} entries from {} files in {}", report.entries, report.files.len(), report.path)];
    for file in &report.files {
        let s = file.summary;
        let r = &s.records;
        let kinds: Vec<String> = [
            (r.watch, "watches"),
            (r.like, "likes"),
            (r.dislike, "dislikes"),
            (r.search, "searches"),
            (r.subscription, "subscriptions"),
            (r.playlist, "playlist entries"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        let v = &s.videos;
        let apart: Vec<String> = [(v.short, "Shorts"), (v.music, "music"), (v.ad, "ads")]
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, what)| format!("{n} {what}"))
            .collect();
        let mut line = format!("  {}: {}", s.file, if kinds.is_empty() { "no records".to_owned() } else { kinds.join(", ") });
        if !apart.is_empty() {
            line.push_str(&format!(" (kept apart: {})", apart.join(", ")));
        }
        if s.skipped_total() > 0 {
            line.push_str(&format!("; skipped {}", skipped_text(&s.skipped)));
        }
        if let Some(stored) = &file.stored {
            line.push_str(&format!("; added {}, already there {}", stored.added, stored.already_there));
            if let Some(refused) = &stored.refused {
                line.push_str(&format!("; the daemon refused a batch: {refused}"));
            }
        }
        lines.push(line);
        for problem in &s.problems {
            lines.push(format!("    {}: {}: {}", s.file, problem.position, problem.message));
        }
        if let Some(error) = &s.error {
            lines.push(format!("    {}: {error}", s.file));
        }
    }
    match (report.added, report.already_there) {
        (Some(added), Some(already)) => lines.push(format!("Added {added}, already there {already}.")),
        _ => lines.push(format!("Dry run: {} records read, nothing stored.", report.records)),
    }
    if !report.skipped.is_empty() {
        lines.push(format!("Skipped {}.", skipped_text(&report.skipped)));
    }
    if !report.ignored.is_empty() {
        let names: Vec<String> = report.ignored.iter().map(|i| format!("{} ({})", i.file, i.reason)).collect();
        lines.push(format!("Not read: {}.", names.join("; ")));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use vrdndi_protocol::{HistoryKind, Video};

    fn watch(title_len: usize) -> HistoryRecord {
        HistoryRecord {
            kind: HistoryKind::Watch,
            video: Some(Video::new("dQw4w9WgXcQ", "t".repeat(title_len))),
            text: None,
            channel_id: None,
            at: None,
        }
    }

    #[test]
    fn batches_keep_every_record_once_under_both_caps() {
        let records: Vec<HistoryRecord> = (0..1001).map(|i| watch(if i % 100 == 0 { 200_000 } else { 40 })).collect();
        let split = batches(&records);
        assert_eq!(split.iter().map(|b| b.len()).sum::<usize>(), 1001);
        for batch in &split {
            let bytes = serde_json::to_vec(batch).expect("serializes").len();
            assert!(batch.len() <= BATCH_RECORDS && (bytes <= BATCH_BYTES || batch.len() == 1), "{} records, {bytes} bytes", batch.len());
        }
        assert!(batches(&[]).is_empty());
    }
}
