//! `vrdndi import`.

use crate::config::Config;

#[derive(Debug, clap::Args)]
pub struct ImportArgs {}

pub fn run(_config: &Config, _args: ImportArgs) -> anyhow::Result<()> {
    anyhow::bail!("`vrdndi import` is not built yet")
}
