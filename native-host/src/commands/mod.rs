//! One module per subcommand; each has its clap `Args` and a `run`.

pub mod context;
pub mod daemon;
pub mod eval;
pub mod import;
pub mod install;
pub mod labels;
pub mod model;
pub mod score;
pub mod status;
pub mod train;
