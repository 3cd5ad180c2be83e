//! `vrdndi model`.

use crate::config::Config;

#[derive(Debug, clap::Args)]
pub struct ModelArgs {}

pub fn run(_config: &Config, _args: ModelArgs) -> anyhow::Result<()> {
    anyhow::bail!("`vrdndi model` is not built yet")
}
