//! `vrdndi score`.

use crate::config::Config;

#[derive(Debug, clap::Args)]
pub struct ScoreArgs {}

pub fn run(_config: &Config, _args: ScoreArgs) -> anyhow::Result<()> {
    anyhow::bail!("`vrdndi score` is not built yet")
}
