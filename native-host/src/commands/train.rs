//! `vrdndi train`.

use crate::config::Config;

#[derive(Debug, clap::Args)]
pub struct TrainArgs {}

pub fn run(_config: &Config, _args: TrainArgs) -> anyhow::Result<()> {
    anyhow::bail!("`vrdndi train` is not built yet")
}
