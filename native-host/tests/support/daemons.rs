//! Finding and killing the `vrdndi daemon` processes a test's data dir started, so that a test's
//! throwaway dir never outlives its daemons (they detach into their own process group, so the
//! test cannot reap them as children). Shared by the daemon and protocol test helpers:
//! `#[path = "../support/daemons.rs"] mod daemons;`.

#![allow(dead_code)]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// SIGKILLs every daemon serving `dir` and waits (up to 5 s) until they are gone, so none
/// writes into the dir while it is being removed.
pub fn kill_daemons_serving(dir: &Path) {
    let pids = daemons_serving(dir);
    for pid in &pids {
        let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while pids.iter().any(|pid| is_alive(*pid)) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Running, as opposed to gone or a zombie waiting to be reaped.
pub fn is_alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| stat.rsplit_once(')').map(|(_, rest)| !rest.trim_start().starts_with('Z')))
        .unwrap_or(false)
}

/// Process ids of `vrdndi daemon --data-dir <dir>` processes, read from /proc.
pub fn daemons_serving(dir: &Path) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    let dir = dir.as_os_str().as_encoded_bytes();
    entries
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let cmdline = std::fs::read(entry.path().join("cmdline")).ok()?;
            let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
            let serves = args.contains(&&b"daemon"[..]) && args.windows(2).any(|w| w[0] == b"--data-dir" && w[1] == dir);
            serves.then_some(pid)
        })
        .collect()
}
