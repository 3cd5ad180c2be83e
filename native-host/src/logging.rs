//! Logging to a daily-rotated file in `<data_dir>/logs/`, and to stderr on the command line; never to
//! stdout, which belongs to the native messaging protocol in host mode and to command output otherwise.
//!
//! The browser starts host processes with no terminal, so the file is where a failure's details
//! live; the reply to the extension carries only a short message and a code. `VRDNDI_LOG` takes
//! `tracing_subscriber::EnvFilter` syntax (`debug`, `vrdndi=trace,info`) and applies to every
//! destination. The file is opened on the first event, so a command that logs nothing (`install
//! --dry-run`) creates nothing. Host processes, the daemon and the command line all append to the
//! same daily file; each host run logs inside a span that names its process id.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use tracing_appender::rolling::{RollingFileAppender, RollingWriter, Rotation};
use tracing_subscriber::fmt::writer::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::config::Config;

/// The environment variable that sets the log filter.
pub const LOG_ENV: &str = "VRDNDI_LOG";
/// Log files are `vrdndi.YYYY-MM-DD.log`.
pub const LOG_FILE_PREFIX: &str = "vrdndi";
pub const LOG_FILE_SUFFIX: &str = "log";
/// A week of daily files; older ones are deleted when a new day's file is opened.
pub const KEEP_LOG_FILES: usize = 7;

/// Which process is logging, which decides the destinations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Started by a browser: the file only (stderr if the file cannot be opened; stdout never).
    Host,
    /// The store daemon: its stdio is /dev/null, so the file only.
    Daemon,
    /// A person at a terminal: the file, and warnings and errors on stderr.
    Cli,
}

/// Installs the global subscriber for this process. A second call does nothing.
///
/// Never fails: a log dir that cannot be created must not stop the host from serving, so the
/// host falls back to stderr and the command line keeps its stderr output.
pub fn init(config: &Config, mode: Mode) {
    let (file_filter, filter_problem) = filter_from_env("info");
    let file = LazyFile::new(config.log_dir());
    let file_ok = match mode {
        // Open now, so that a host whose file fails can log to stderr instead.
        Mode::Host | Mode::Daemon => file.appender().is_some(),
        Mode::Cli => true,
    };
    let file_layer = file_ok.then(|| tracing_subscriber::fmt::layer().with_ansi(false).with_writer(file).with_filter(file_filter));
    let stderr_layer = (mode == Mode::Cli || !file_ok).then(|| {
        let (filter, _) = filter_from_env(if mode == Mode::Cli { "warn" } else { "info" });
        tracing_subscriber::fmt::layer().with_ansi(io::stderr().is_terminal()).with_writer(io::stderr).with_filter(filter)
    });
    let installed = tracing_subscriber::registry().with(file_layer).with(stderr_layer).try_init().is_ok();
    if installed {
        if let Some(problem) = filter_problem {
            tracing::warn!("{LOG_ENV} ignored: {problem}");
        }
        if !file_ok {
            tracing::warn!(dir = %config.log_dir().display(), "cannot open the log file; logging to stderr");
        }
    }
}

/// The filter from `VRDNDI_LOG`, or `default` (with the reason) when it is unset or invalid.
fn filter_from_env(default: &str) -> (EnvFilter, Option<String>) {
    match std::env::var(LOG_ENV) {
        Ok(text) if !text.trim().is_empty() => match EnvFilter::try_new(&text) {
            Ok(filter) => (filter, None),
            Err(e) => (EnvFilter::new(default), Some(format!("`{text}` is not a filter: {e}"))),
        },
        _ => (EnvFilter::new(default), None),
    }
}

/// The rotating file, opened (and its directory created) on the first write.
pub struct LazyFile {
    dir: PathBuf,
    appender: OnceLock<Option<RollingFileAppender>>,
}

impl LazyFile {
    pub fn new(dir: PathBuf) -> LazyFile {
        LazyFile { dir, appender: OnceLock::new() }
    }

    /// The appender, or `None` when the directory or file cannot be created.
    pub fn appender(&self) -> Option<&RollingFileAppender> {
        self.appender.get_or_init(|| open_appender(&self.dir).ok()).as_ref()
    }
}

fn open_appender(dir: &Path) -> Result<RollingFileAppender, Box<dyn std::error::Error>> {
    // The appender prunes old files before it creates the directory, and complains on stderr
    // when there is none yet.
    std::fs::create_dir_all(dir)?;
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(LOG_FILE_PREFIX)
        .filename_suffix(LOG_FILE_SUFFIX)
        .max_log_files(KEEP_LOG_FILES)
        .build(dir)?;
    Ok(appender)
}

/// One event's writer: the file, or nothing when it could not be opened.
pub enum FileWriter<'a> {
    File(RollingWriter<'a>),
    Discard,
}

impl Write for FileWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            FileWriter::File(w) => w.write(buf),
            FileWriter::Discard => Ok(buf.len()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            FileWriter::File(w) => w.flush(),
            FileWriter::Discard => Ok(()),
        }
    }
}

impl<'a> MakeWriter<'a> for LazyFile {
    type Writer = FileWriter<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        match self.appender() {
            Some(appender) => FileWriter::File(appender.make_writer()),
            None => FileWriter::Discard,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_and_its_dir_appear_only_on_the_first_write() {
        let dir = tempfile::tempdir().expect("temp dir");
        let logs = dir.path().join("logs");
        let file = LazyFile::new(logs.clone());
        assert!(!logs.exists(), "nothing is created before an event");
        writeln!(file.make_writer(), "hello from the test").expect("write");
        let names: Vec<String> = std::fs::read_dir(&logs)
            .expect("log dir exists")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 1);
        assert!(names[0].starts_with("vrdndi.") && names[0].ends_with(".log"), "{names:?}");
        let text = std::fs::read_to_string(logs.join(&names[0])).expect("read");
        assert_eq!(text, "hello from the test\n");
    }

    #[test]
    fn an_unusable_log_dir_discards_instead_of_failing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let blocker = dir.path().join("not-a-dir");
        std::fs::write(&blocker, "").expect("write");
        let file = LazyFile::new(blocker.join("logs"));
        assert!(file.appender().is_none());
        writeln!(file.make_writer(), "dropped").expect("a discarded write still succeeds");
    }
}
