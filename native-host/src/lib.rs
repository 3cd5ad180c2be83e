//! The `vrdndi` binary's modules: how it was launched, the command line, the native messaging relay,
//! the daemon that owns the store and the model, and the browser registration.

pub mod cli;
pub mod commands;
pub mod config;
pub mod daemon;
pub mod host;
pub mod install;
pub mod launch;
pub mod logging;
pub mod output;
