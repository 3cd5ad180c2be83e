//! The command line's standard output. In host mode stdout belongs to the protocol, so nothing
//! outside this module and the host's frame writer may write there.
//!
//! A reader that goes away early (`vrdndi context | head`) is not an error: output stops quietly.

use std::io::{ErrorKind, Write};

use serde::Serialize;

/// One line for the person at the terminal.
pub fn line(text: impl std::fmt::Display) {
    ignore_broken_pipe(writeln!(std::io::stdout().lock(), "{text}"));
}

/// A value as pretty JSON, for `--json`.
pub fn json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    let written = serde_json::to_writer_pretty(&mut out, value).map_err(std::io::Error::from).and_then(|()| writeln!(out));
    match written {
        Err(e) if e.kind() != ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

fn ignore_broken_pipe(result: std::io::Result<()>) {
    if let Err(e) = result {
        if e.kind() != ErrorKind::BrokenPipe {
            tracing::warn!("could not write to stdout: {e}");
        }
    }
}
