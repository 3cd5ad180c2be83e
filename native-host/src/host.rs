//! Native messaging host mode: relays framed requests from the browser to the daemon.

use std::process::ExitCode;

use crate::launch::Caller;

pub fn run(_caller: Caller) -> ExitCode {
    ExitCode::FAILURE
}
