//! `vrdndi install` and `vrdndi uninstall`.

use crate::config::Config;

#[derive(Debug, clap::Args)]
pub struct InstallArgs {}

#[derive(Debug, clap::Args)]
pub struct UninstallArgs {}

pub fn run(_config: &Config, _args: InstallArgs) -> anyhow::Result<()> {
    anyhow::bail!("`vrdndi install` is not built yet")
}

pub fn run_uninstall(_config: &Config, _args: UninstallArgs) -> anyhow::Result<()> {
    anyhow::bail!("`vrdndi uninstall` is not built yet")
}
