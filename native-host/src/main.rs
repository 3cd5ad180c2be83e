//! `vrdndi`: the native messaging host that the browser starts, and the command line.
//!
//! The browser starts us with its caller's origin (Chrome) or our manifest path and add-on id
//! (Firefox); anything else is the command line. Exit codes are decided here and nowhere else.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    match vrdndi::launch::detect(&args) {
        vrdndi::launch::Launch::NativeHost(caller) => vrdndi::host::run(caller),
        vrdndi::launch::Launch::CommandLine => vrdndi::cli::run(args),
    }
}
