//! `vrdndi context`.

use crate::config::Config;

#[derive(Debug, clap::Args)]
pub struct ContextArgs {}

pub fn run(_config: &Config, _args: ContextArgs) -> anyhow::Result<()> {
    anyhow::bail!("`vrdndi context` is not built yet")
}
