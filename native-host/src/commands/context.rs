//! `vrdndi context [--at RFC3339] [--minutes N] [--json] [--export FILE] [--host NAME]`: the
//! ActivityWatch context the model sees at a time (or, with `--minutes`, every event before it).
//!
//! It reads ActivityWatch directly (no daemon), so it answers even when the store is busy and
//! shows exactly what the ranking would get. A dead or slow aw-server is not a failure: the
//! context is then empty, the problem is printed, and the exit code is 0, as for a ranking. An
//! export file that cannot be read is the user's mistake and fails.

use std::path::PathBuf;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use vrdndi_activitywatch::{local_zone_or_utc, AwClient, AwExport, ContextEvent, ContextReply, EventSource, HostChoice, Tz, MAX_MINUTES};

use crate::config::Config;
use crate::daemon::context::{model_view, MODEL_CONTEXT_MINUTES};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct ContextArgs {
    /// The time the context ends at (nothing at or after it is read) [default: now]
    #[arg(long, value_parser = crate::cli::parse_time)]
    pub at: Option<DateTime<Utc>>,
    /// Show every event of this many minutes before `--at` [default: what the model reads: the
    /// 30 minutes before, repeats of a window merged, the longest 32]
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_MINUTES)))]
    pub minutes: Option<u32>,
    /// Print the protocol's ContextReply as JSON
    #[arg(long)]
    pub json: bool,
    /// Read an ActivityWatch "export all buckets" file instead of the server
    #[arg(long, value_name = "FILE")]
    pub export: Option<PathBuf>,
    /// Read this host's buckets [default: this machine's, else the host with the newest data]
    #[arg(long, value_name = "NAME")]
    pub host: Option<String>,
}

pub fn run(config: &Config, args: ContextArgs) -> anyhow::Result<()> {
    let at = args.at.unwrap_or_else(Utc::now);
    let host = args.host.clone().map_or_else(HostChoice::this_machine, HostChoice::Exact);
    let (source, origin) = match &args.export {
        Some(path) => {
            let export = AwExport::open(path)?.with_host(host);
            (EventSource::Export(export.into()), path.display().to_string())
        }
        None => (EventSource::Server(AwClient::new(&config.aw_url)?.with_host(host)), config.aw_url.clone()),
    };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().context("cannot start the async runtime")?;
    let reply = match args.minutes {
        Some(minutes) => runtime.block_on(source.context_reply(at, minutes)),
        None => model_view(runtime.block_on(source.context_reply(at, MODEL_CONTEXT_MINUTES))),
    };
    if args.json {
        return output::json(&reply);
    }
    let (zone, zone_problem) = local_zone_or_utc();
    if let Some(problem) = zone_problem {
        tracing::warn!("{problem}");
    }
    for line in table(&reply, &origin, zone) {
        output::line(line);
    }
    Ok(())
}

/// The reply as lines for a terminal: a heading, then one row per event in local time.
fn table(reply: &ContextReply, origin: &str, zone: Tz) -> Vec<String> {
    let local = |t: DateTime<Utc>| t.with_timezone(&zone);
    let mut lines = vec![format!(
        "Context for the {} min before {} ({}), from {}",
        reply.minutes,
        local(reply.at).format("%Y-%m-%d %H:%M:%S %Z"),
        reply.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        origin
    )];
    if let Some(problem) = &reply.problem {
        lines.push(format!("no context: {problem}"));
        return lines;
    }
    if reply.events.is_empty() {
        lines.push("no activity (nothing recorded, or away from the computer)".to_owned());
        return lines;
    }
    let app_width = reply.events.iter().map(|e| e.app.chars().count()).max().unwrap_or(0).clamp(3, 24);
    lines.push(format!("{:<8}  {:>8}  {:<app_width$}  TITLE", "START", "DURATION", "APP"));
    for event in &reply.events {
        lines.push(row(event, local(event.start).format("%H:%M:%S").to_string(), app_width));
    }
    let total: f64 = reply.events.iter().map(|e| e.duration_s).sum();
    lines.push(format!("{} events, {} active", reply.events.len(), duration(total)));
    lines
}

fn row(event: &ContextEvent, start: String, app_width: usize) -> String {
    let mut title = shorten(&event.title, 90);
    if !event.category.is_empty() {
        title.push_str(&format!("  [{}]", event.category.join(" > ")));
    }
    format!("{start:<8}  {:>8}  {:<app_width$}  {title}", duration(event.duration_s), shorten(&event.app, app_width))
}

fn duration(seconds: f64) -> String {
    let total = seconds.round() as u64;
    match (total / 3600, total % 3600 / 60, total % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, s) => format!("{m}m {s:02}s"),
        (h, m, _) => format!("{h}h {m:02}m"),
    }
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(max.saturating_sub(1)).collect();
    short.push('\u{2026}');
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(start: &str, seconds: f64, app: &str, title: &str) -> ContextEvent {
        ContextEvent {
            start: start.parse().expect("time"),
            duration_s: seconds,
            app: app.into(),
            title: title.into(),
            category: Vec::new(),
            url: None,
        }
    }

    #[test]
    fn the_table_shows_local_times_apps_titles_and_durations() {
        let reply = ContextReply {
            at: "2023-11-19T03:00:00Z".parse().expect("time"),
            minutes: 60,
            events: vec![
                event("2023-11-19T02:10:00Z", 75.4, "Code.exe", "main.py - MHacks"),
                event("2023-11-19T02:11:16Z", 3900.0, "firefox.exe", "Slack"),
            ],
            problem: None,
        };
        let text = table(&reply, "http://127.0.0.1:5600", Tz::Asia__Tokyo).join("\n");
        assert!(text.contains("2023-11-19 12:00:00 JST"), "{text}");
        assert!(text.contains("11:10:00    1m 15s  Code.exe     main.py - MHacks"), "{text}");
        assert!(text.contains("1h 05m"), "{text}");
        assert!(text.contains("2 events"), "{text}");
    }

    #[test]
    fn a_problem_is_shown_instead_of_rows() {
        let reply = ContextReply {
            at: "2023-11-19T03:00:00Z".parse().expect("time"),
            minutes: 60,
            events: Vec::new(),
            problem: Some("cannot reach ActivityWatch".into()),
        };
        let text = table(&reply, "http://127.0.0.1:9", Tz::UTC).join("\n");
        assert!(text.contains("no context: cannot reach ActivityWatch"), "{text}");
    }
}
