//! `vrdndi score --candidates FILE.jsonl [--at RFC3339] [--json]`: scores a file of candidate
//! videos with the person's model, through the daemon's `rank` (surface `cli`), the same code
//! path as the browser's homepage.
//!
//! Each line of the file is one video as the protocol writes it (`video_id`, `title`, `channel`,
//! ...). A line that is not one is reported with its number and skipped: the rest is scored. The
//! file is one slate, as a Home page is: some features are standardised within it
//! (`vrdndi_rank::interest`). Files longer than [`BATCH_TILES`] go in several requests under the
//! frame cap, each a slate of its own.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use chrono::{DateTime, Utc};
use serde::Serialize;
use vrdndi_protocol::{RankReply, RankRequest, RequestBody, ResponseBody, Surface, TileScore, Video, MAX_MESSAGE_BYTES};

use crate::config::Config;
use crate::daemon::DaemonClient;
use crate::output;

/// Tiles per `rank` request: the reply (three reasons of up to ~100 bytes per tile) stays far
/// under the 1 MiB frame cap.
pub const BATCH_TILES: usize = 1000;
/// A request is also cut when its tiles' JSON passes this many bytes.
const BATCH_BYTES: usize = MAX_MESSAGE_BYTES / 4;

#[derive(Debug, clap::Args)]
pub struct ScoreArgs {
    /// A JSON Lines file: one video per line, e.g. {"video_id":"dQw4w9WgXcQ","title":"...","channel":"..."}
    #[arg(long, value_name = "FILE.jsonl")]
    pub candidates: PathBuf,
    /// Score as of this time: the context is the ActivityWatch activity before it [default: now]
    #[arg(long, value_parser = crate::cli::parse_time)]
    pub at: Option<DateTime<Utc>>,
    /// Print a JSON array of {id, final, interest, productive, reasons}, one per candidate, in the file's order
    #[arg(long)]
    pub json: bool,
}

/// One candidate's scores as `--json` prints them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoredCandidate {
    pub id: String,
    #[serde(rename = "final")]
    pub final_score: f32,
    pub interest: f32,
    pub productive: f32,
    pub reasons: Vec<String>,
}

pub fn run(config: &Config, args: ScoreArgs) -> anyhow::Result<()> {
    let (videos, skipped) = read_candidates(&args.candidates)?;
    for (line, reason) in &skipped {
        eprintln!("vrdndi: {}:{line}: skipped: {reason}", args.candidates.display());
    }
    if videos.is_empty() {
        bail!("no candidates to score in {} ({} lines skipped)", args.candidates.display(), skipped.len());
    }
    let mut client = DaemonClient::connect_or_spawn(config).context("cannot reach the Vrdndi daemon")?;
    let mut scores: Vec<TileScore> = Vec::with_capacity(videos.len());
    let mut model = String::new();
    let mut context_events = 0;
    for batch in batches(&videos) {
        let reply = rank(&mut client, batch.to_vec(), args.at)?;
        model = reply.model;
        context_events = reply.context_events;
        scores.extend(reply.scores);
    }
    if args.json {
        let out: Vec<ScoredCandidate> = scores
            .into_iter()
            .map(|s| ScoredCandidate {
                id: s.video_id,
                final_score: s.final_score,
                interest: s.interest,
                productive: s.productive,
                reasons: s.reasons,
            })
            .collect();
        return output::json(&out);
    }
    output::line(format!(
        "{} candidates scored by {model} with {context_events} ActivityWatch events of context{}",
        videos.len(),
        if skipped.is_empty() { String::new() } else { format!(" ({} lines skipped)", skipped.len()) }
    ));
    for line in table(&videos, &scores) {
        output::line(line);
    }
    Ok(())
}

/// A line of the file that is not a video: its 1-based number and why.
pub type Skipped = (usize, String);

/// The file's videos, and the lines that are not videos.
pub fn read_candidates(path: &Path) -> anyhow::Result<(Vec<Video>, Vec<Skipped>)> {
    let file = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut videos = Vec::new();
    let mut skipped = Vec::new();
    for (index, line) in std::io::BufReader::new(file).lines().enumerate() {
        let number = index + 1;
        let line = match line {
            Ok(line) => line,
            Err(e) => {
                skipped.push((number, format!("not readable text: {e}")));
                continue;
            }
        };
        let text = line.trim();
        if text.is_empty() {
            continue;
        }
        match serde_json::from_str::<Video>(text) {
            Ok(video) if Video::is_valid_id(&video.video_id) => videos.push(video),
            Ok(video) => skipped.push((number, format!("`{}` is not a YouTube video id (11 characters)", video.video_id))),
            Err(e) => skipped.push((number, format!("not a video: {e}"))),
        }
    }
    Ok((videos, skipped))
}

/// Consecutive runs of videos under [`BATCH_TILES`] and [`BATCH_BYTES`].
fn batches(videos: &[Video]) -> Vec<&[Video]> {
    let mut out = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, video) in videos.iter().enumerate() {
        let size = serde_json::to_vec(video).map_or(0, |v| v.len());
        if i > start && (i - start >= BATCH_TILES || bytes + size > BATCH_BYTES) {
            out.push(&videos[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += size;
    }
    if start < videos.len() {
        out.push(&videos[start..]);
    }
    out
}

fn rank(client: &mut DaemonClient, tiles: Vec<Video>, at: Option<DateTime<Utc>>) -> anyhow::Result<RankReply> {
    let sent = tiles.len();
    match client.call(RequestBody::Rank(RankRequest { surface: Surface::Cli, tiles, at }))? {
        ResponseBody::Ranked(reply) if reply.scores.len() == sent => Ok(reply),
        ResponseBody::Ranked(reply) => bail!("the daemon scored {} of {sent} candidates", reply.scores.len()),
        ResponseBody::Error(error) => bail!("{} ({})", error.message, error.name),
        other => bail!("the daemon answered rank with {other:?}"),
    }
}

/// Best first: rank, final, interest, productive, title, and the first reason.
fn table(videos: &[Video], scores: &[TileScore]) -> Vec<String> {
    let mut rows: Vec<usize> = (0..scores.len()).collect();
    rows.sort_by(|&a, &b| scores[b].final_score.total_cmp(&scores[a].final_score));
    let mut lines = vec![format!("{:>5}  {:>5}  {:>8}  {:>10}  {:<60}  {}", "RANK", "FINAL", "INTEREST", "PRODUCTIVE", "TITLE", "WHY")];
    for (rank, &i) in rows.iter().enumerate() {
        let s = &scores[i];
        let title = if videos[i].title.trim().is_empty() { videos[i].video_id.as_str() } else { videos[i].title.trim() };
        lines.push(format!(
            "{:>5}  {:>5.3}  {:>8.3}  {:>10.3}  {:<60}  {}",
            rank + 1,
            s.final_score,
            s.interest,
            s.productive,
            shorten(title, 60),
            s.reasons.first().map_or("", String::as_str)
        ));
    }
    lines
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(max - 1).collect();
    short.push('\u{2026}');
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_lines_are_reported_by_number_and_the_rest_is_read() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("c.jsonl");
        let text = concat!(
            "{\"video_id\":\"dQw4w9WgXcQ\",\"title\":\"Never Gonna Give You Up\",\"channel\":\"Rick Astley\"}\n",
            "\n",
            "{\"video_id\":\"short\",\"title\":\"x\"}\n",
            "not json\n",
            "{\"title\":\"no id\"}\n",
            "{\"video_id\":\"9bZkp7q19f0\",\"title\":\"Gangnam Style\"}\n",
        );
        std::fs::write(&path, text).expect("write");
        let (videos, skipped) = read_candidates(&path).expect("reads");
        let ids: Vec<&str> = videos.iter().map(|v| v.video_id.as_str()).collect();
        assert_eq!(ids, ["dQw4w9WgXcQ", "9bZkp7q19f0"]);
        let lines: Vec<usize> = skipped.iter().map(|(n, _)| *n).collect();
        assert_eq!(lines, [3, 4, 5]);
        assert!(skipped[0].1.contains("not a YouTube video id"), "{skipped:?}");
        assert!(skipped[2].1.contains("video_id"), "{skipped:?}");
    }

    #[test]
    fn batches_keep_order_and_respect_both_caps() {
        let videos: Vec<Video> = (0..2500).map(|i| Video::new(format!("{i:011}"), "t")).collect();
        let sizes: Vec<usize> = batches(&videos).iter().map(|b| b.len()).collect();
        assert_eq!(sizes, [1000, 1000, 500]);
        let long = "x".repeat(100_000);
        let videos: Vec<Video> = (0..5).map(|i| Video::new(format!("{i:011}"), long.clone())).collect();
        let batched = batches(&videos);
        assert!(batched.len() >= 2 && batched.iter().map(|b| b.len()).sum::<usize>() == 5);
        assert_eq!(batched[0][0].video_id, "00000000000");
    }

    #[test]
    fn the_table_is_best_first_with_the_first_reason() {
        let videos = vec![Video::new("aaaaaaaaaaa", "Cooking pasta"), Video::new("bbbbbbbbbbb", "Rust traits")];
        let score = |id: &str, f: f32, reasons: &[&str]| TileScore {
            video_id: id.into(),
            final_score: f,
            interest: f,
            productive: 0.5,
            reasons: reasons.iter().map(|r| (*r).to_owned()).collect(),
        };
        let scores = vec![score("aaaaaaaaaaa", 0.2, &[]), score("bbbbbbbbbbb", 0.9, &["you liked 4 videos from this channel"])];
        let lines = table(&videos, &scores);
        assert!(lines[1].starts_with("    1  0.900") && lines[1].contains("Rust traits") && lines[1].ends_with("from this channel"));
        assert!(lines[2].contains("Cooking pasta"), "{lines:?}");
    }
}
