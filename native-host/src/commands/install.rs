//! `vrdndi install` and `vrdndi uninstall`: register the native host with browsers, or remove it.

use std::path::PathBuf;

use crate::config::Config;
use crate::install::{self, InstallRequest, Plan};
use crate::output;

/// A browser on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Browser {
    Chrome,
    Chromium,
    Brave,
    Edge,
    Vivaldi,
    Firefox,
    /// Every browser the installer knows on this system.
    All,
}

#[derive(Debug, clap::Args)]
pub struct BrowserArgs {
    /// Which browsers; repeat or separate with commas [default: all, unless only --user-data-dir is given]
    #[arg(long = "browser", value_enum, value_delimiter = ',')]
    pub browsers: Vec<Browser>,
    /// Also register in this Chromium --user-data-dir (as DIR/NativeMessagingHosts/); repeatable
    #[arg(long = "user-data-dir", value_name = "DIR")]
    pub user_data_dirs: Vec<PathBuf>,
}

impl BrowserArgs {
    /// The installer's browser keys for these arguments.
    fn keys(&self) -> Vec<String> {
        if self.browsers.is_empty() && !self.user_data_dirs.is_empty() {
            return Vec::new();
        }
        if self.browsers.is_empty() || self.browsers.contains(&Browser::All) {
            return install::known_browsers();
        }
        let mut keys: Vec<String> = self
            .browsers
            .iter()
            .map(|b| <Browser as clap::ValueEnum>::to_possible_value(b).map_or_else(String::new, |v| v.get_name().to_owned()))
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }
}

#[derive(Debug, clap::Args)]
pub struct InstallArgs {
    #[command(flatten)]
    pub target: BrowserArgs,
    /// Chrome extension id allowed to start the host (32 letters a-p); repeatable; replaces the default
    #[arg(long = "extension-id", value_name = "ID", default_value = install::DEV_EXTENSION_ID)]
    pub extension_ids: Vec<String>,
    /// Print each manifest and where it would go; write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, clap::Args)]
pub struct UninstallArgs {
    #[command(flatten)]
    pub target: BrowserArgs,
}

pub fn run(config: &Config, args: InstallArgs) -> anyhow::Result<()> {
    let request =
        InstallRequest { browsers: args.target.keys(), extension_ids: args.extension_ids, user_data_dirs: args.target.user_data_dirs };
    let plan = install::plan(config, &request)?;
    if args.dry_run {
        print_dry_run(&plan);
        return Ok(());
    }
    install::apply(&plan)?;
    output::line(format_args!("installed {} (from {})", plan.binary.display(), plan.source.display()));
    output::line(format_args!("wrote {}", plan.wrapper.display()));
    for target in &plan.targets {
        output::line(format_args!("{}: wrote {}", target.browser, target.path.display()));
    }
    print_summary(&plan);
    Ok(())
}

fn print_dry_run(plan: &Plan) {
    output::line("dry run: nothing is written");
    output::line(format_args!("would copy {} to {}", plan.source.display(), plan.binary.display()));
    output::line(format_args!("would write {}:", plan.wrapper.display()));
    output::line(plan.wrapper_text.trim_end());
    for target in &plan.targets {
        output::line("");
        output::line(format_args!("{}: would write {}", target.browser, target.path.display()));
        output::line(&target.json);
    }
    output::line("");
    print_summary(plan);
}

fn print_summary(plan: &Plan) {
    output::line(format_args!("allowed origins: {}", plan.allowed_origins.join(" ")));
    output::line(format_args!("allowed extensions: {}", plan.allowed_extensions.join(" ")));
    if !plan.skipped_settings.is_empty() {
        output::line(format_args!("not passed to the host (not UTF-8): {}", plan.skipped_settings.join(", ")));
    }
}

pub fn run_uninstall(_config: &Config, args: UninstallArgs) -> anyhow::Result<()> {
    let removals = install::uninstall(&args.target.keys(), &args.target.user_data_dirs)?;
    for removal in &removals {
        let what = if removal.removed { "removed" } else { "nothing at" };
        output::line(format_args!("{}: {what} {}", removal.browser, removal.path.display()));
    }
    Ok(())
}
