//! `vrdndi daemon`: runs the store daemon in the foreground. Clients start it on demand, detached;
//! a person runs it by hand only to watch its log.

use crate::config::Config;
use crate::daemon::{self, Exit};

#[derive(Debug, clap::Args)]
pub struct DaemonArgs {}

pub fn run(config: &Config, _args: DaemonArgs) -> anyhow::Result<()> {
    match daemon::run(config)? {
        // Not an error: the daemon that owns the store serves this data dir.
        Exit::AnotherDaemonOwnsTheStore | Exit::Idle | Exit::Signal(_) => Ok(()),
    }
}
