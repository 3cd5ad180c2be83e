//! `vrdndi daemon`: runs the store daemon in the foreground.

use crate::config::Config;

#[derive(Debug, clap::Args)]
pub struct DaemonArgs {}

pub fn run(_config: &Config, _args: DaemonArgs) -> anyhow::Result<()> {
    anyhow::bail!("`vrdndi daemon` is not built yet")
}
