//! The command line: parses arguments and hands each subcommand to its module in `commands`.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::{Args, Parser, Subcommand};

use crate::commands;
use crate::config::{Config, Device};

#[derive(Debug, Parser)]
#[command(name = "vrdndi", version, about = "Your YouTube homepage, ordered for what you are doing now")]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Where the store, logs and models live [default: the OS's per-user data dir]
    #[arg(long, global = true, env = "VRDNDI_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// ActivityWatch server
    #[arg(long, global = true, env = "VRDNDI_AW_URL", default_value = crate::config::DEFAULT_AW_URL)]
    pub aw_url: String,
    /// Hardware for the embedding model
    #[arg(long, global = true, env = "VRDNDI_DEVICE", value_enum, default_value_t = Device::Auto)]
    pub device: Device,
    /// Where embedding models are looked up [default: DATA_DIR/models]
    #[arg(long, global = true, env = "VRDNDI_MODELS_DIR")]
    pub models_dir: Option<PathBuf>,
}

impl GlobalArgs {
    pub fn config(&self) -> Config {
        Config::new(
            self.data_dir.clone().unwrap_or_else(crate::config::default_data_dir),
            Some(self.aw_url.clone()),
            Some(self.device),
            self.models_dir.clone(),
        )
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Register the native host with your browsers
    Install(commands::install::InstallArgs),
    /// Remove the native host registration
    Uninstall(commands::install::UninstallArgs),
    /// Store counts, model, ActivityWatch and browsers
    Status(commands::status::StatusArgs),
    /// The ActivityWatch context the model sees at a time
    Context(commands::context::ContextArgs),
    /// Read a Google Takeout or an ActivityWatch export into the store
    Import(commands::import::ImportArgs),
    /// Export or import your labels and settings as one JSON file
    Labels(commands::labels::LabelsArgs),
    /// Train the model on your labels and report per-fold metrics
    Train(commands::train::TrainArgs),
    /// Score a file of candidate videos
    Score(commands::score::ScoreArgs),
    /// Offline evaluation against baselines
    Eval(commands::eval::EvalArgs),
    /// List, choose or fetch embedding models
    Model(commands::model::ModelArgs),
    /// Run the store daemon in the foreground (the host starts it on demand)
    #[command(hide = true)]
    Daemon(commands::daemon::DaemonArgs),
}

/// Runs the command line and turns its outcome into the exit code.
pub fn run(args: Vec<OsString>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version to stdout and errors to stderr itself.
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    let config = cli.global.config();
    let log_mode = match cli.command {
        Command::Daemon(_) => crate::logging::Mode::Daemon,
        _ => crate::logging::Mode::Cli,
    };
    crate::logging::init(&config, log_mode);
    let result = match cli.command {
        Command::Install(args) => commands::install::run(&config, args),
        Command::Uninstall(args) => commands::install::run_uninstall(&config, args),
        Command::Status(args) => commands::status::run(&config, args),
        Command::Context(args) => commands::context::run(&config, args),
        Command::Import(args) => commands::import::run(&config, args),
        Command::Labels(args) => commands::labels::run(&config, args),
        Command::Train(args) => commands::train::run(&config, args),
        Command::Score(args) => commands::score::run(&config, args),
        Command::Eval(args) => commands::eval::run(&config, args),
        Command::Model(args) => commands::model::run(&config, args),
        Command::Daemon(args) => commands::daemon::run(&config, args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("vrdndi: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Parses an RFC 3339 time given on the command line.
pub fn parse_time(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("`{text}` is not an RFC 3339 time like 2023-11-19T03:00:00Z: {e}"))
}
