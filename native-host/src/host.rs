//! Native messaging host mode: a thin relay between the browser and the store daemon.
//!
//! # How browsers start us
//! The browser runs the `path` of our host manifest (`vrdndi install` points it at a wrapper script
//! that sets `VRDNDI_*` and execs the binary) with stdin and stdout as the message pipes:
//! - Chrome, Chromium, Edge, Brave, Vivaldi: `argv[1]` is the caller's origin,
//!   `chrome-extension://<id>/`; on Windows `argv[2]` may be `--parent-window=<hwnd>`.
//! - Firefox (and LibreWolf): `argv[1]` is the absolute path of our host manifest and `argv[2]` the
//!   add-on id (`vrdndi@vrdndi.org`).
//!
//! `launch::detect` tells these apart from the command line. The working directory is the
//! browser's, and the environment is whatever the browser had (often nothing of ours), which is
//! why settings come from the wrapper's environment and never from the current directory.
//!
//! # The loop
//! Frames are read from stdin one at a time (`host::frames`), answered locally or relayed to the
//! daemon (`host::relay`, `host::daemon_link`), and the replies handed to the one stdout writer
//! (`host::stdout`). Bad frames get an error reply and the loop goes on; stdin closing between
//! frames is the normal end (exit 0); stdin ending inside a frame gets a `malformed_frame` reply,
//! then the host exits (exit 0: the browser is gone). Only a failing read exits 1.

pub mod daemon_link;
pub mod frames;
pub mod relay;
pub mod stdout;

use std::io::Read;
use std::process::ExitCode;

use crate::config::Config;
use crate::launch::Caller;
use crate::logging;
use frames::read_frame;
use relay::{Ending, Relay, Store};
use stdout::Replies;

/// Serves the browser on stdin/stdout until it disconnects.
pub fn run(caller: Caller) -> ExitCode {
    let config = Config::from_env();
    logging::init(&config, logging::Mode::Host);
    let _span = tracing::info_span!("host", pid = std::process::id(), caller = %describe(&caller)).entered();
    tracing::info!(data_dir = %config.data_dir.display(), version = env!("CARGO_PKG_VERSION"), "started by the browser");

    let replies = Replies::stdout();
    let mut relay = Relay::new(daemon_link::DaemonLink::new(config, crate::daemon::idle_exit_after()));
    let ending = serve(&mut std::io::stdin().lock(), &replies, &mut relay);
    if let Err(error) = replies.finish() {
        tracing::warn!("could not write every reply: {error}");
    }
    tracing::info!(?ending, "stopped");
    exit_code(ending)
}

/// Reads and answers frames until the input ends or the browser stops reading.
pub fn serve<R: Read, S: Store>(input: &mut R, replies: &Replies, relay: &mut Relay<S>) -> Ending {
    loop {
        let handled = relay.handle(read_frame(input));
        if let Some(reply) = handled.reply {
            if replies.send(reply).is_err() {
                return Ending::OutputClosed;
            }
        }
        if let Some(ending) = handled.end {
            return ending;
        }
    }
}

/// The browser's going away, however it happens, is a normal end; only a failed read is not.
fn exit_code(ending: Ending) -> ExitCode {
    match ending {
        Ending::Disconnected | Ending::Truncated | Ending::OutputClosed => ExitCode::SUCCESS,
        Ending::InputFailed => ExitCode::FAILURE,
    }
}

fn describe(caller: &Caller) -> String {
    match caller {
        Caller::Chromium { origin } => origin.clone(),
        Caller::Firefox { addon_id } => format!("firefox:{addon_id}"),
    }
}
