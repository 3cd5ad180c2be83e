//! `vrdndi status`.

use crate::config::Config;

#[derive(Debug, clap::Args)]
pub struct StatusArgs {}

pub fn run(_config: &Config, _args: StatusArgs) -> anyhow::Result<()> {
    anyhow::bail!("`vrdndi status` is not built yet")
}
