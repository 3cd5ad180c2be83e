//! `vrdndi`: the native messaging host that the browser starts, and the command line.
//!
//! The browser starts us with its caller's origin (Chrome) or our manifest path and add-on id
//! (Firefox); anything else is the command line. Exit codes are decided here and nowhere else.

use std::process::ExitCode;

fn main() -> ExitCode {
    one_thread_for_the_ranking_network();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    match vrdndi::launch::detect(&args) {
        vrdndi::launch::Launch::NativeHost(caller) => vrdndi::host::run(caller),
        vrdndi::launch::Launch::CommandLine => vrdndi::cli::run(args),
    }
}

/// The ranking network (candle, on the CPU) is small: one thread trains and scores it faster than
/// two, in wall time as in CPU time (5,000 labels: 10.6 s against 19.5 s; a 48-tile slate: 4.8 ms
/// against 7.1 ms; BENCHMARKS.md), and leaves a core to the browser. The embedding model has its
/// own threads. Set before any thread starts; a `RAYON_NUM_THREADS` the person set wins.
fn one_thread_for_the_ranking_network() {
    if std::env::var_os("RAYON_NUM_THREADS").is_none() {
        std::env::set_var("RAYON_NUM_THREADS", "1");
    }
}
