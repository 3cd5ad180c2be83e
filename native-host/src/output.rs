//! The command line's standard output. In host mode stdout belongs to the protocol, so nothing
//! outside this module and `host::stdout` may write there.

#![allow(clippy::print_stdout)]

use std::io::Write;

use serde::Serialize;

/// One line for the person at the terminal.
pub fn line(text: impl std::fmt::Display) {
    println!("{text}");
}

/// A value as pretty JSON, for `--json`.
pub fn json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}
