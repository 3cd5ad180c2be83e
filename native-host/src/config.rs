//! Where things live and how to reach them: the settings every command and the host share.
//!
//! Each has a flag on the command line and an environment variable; the host, started by the
//! browser with no flags, reads only the environment and the defaults.

use std::path::PathBuf;

/// Default ActivityWatch server (aw-server's own default).
pub const DEFAULT_AW_URL: &str = "http://127.0.0.1:5600";

/// Which hardware runs the embedding model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Device {
    /// CUDA when the GPU runtime is present, else CPU.
    #[default]
    Auto,
    Cpu,
    Cuda,
}

impl Device {
    pub fn name(self) -> &'static str {
        match self {
            Device::Auto => "auto",
            Device::Cpu => "cpu",
            Device::Cuda => "cuda",
        }
    }
}

/// Settings shared by every part of the binary.
#[derive(Debug, Clone)]
pub struct Config {
    /// Store, logs, models, the daemon's socket.
    pub data_dir: PathBuf,
    pub aw_url: String,
    pub device: Device,
    /// Where embedding models are looked up; defaults to `<data_dir>/models`.
    pub models_dir: PathBuf,
}

impl Config {
    /// Settings from the environment alone (how the browser starts the host).
    pub fn from_env() -> Config {
        let data_dir = std::env::var_os("VRDNDI_DATA_DIR").map(PathBuf::from).unwrap_or_else(default_data_dir);
        Config::new(
            data_dir,
            std::env::var("VRDNDI_AW_URL").ok(),
            std::env::var("VRDNDI_DEVICE").ok().and_then(|d| <Device as clap::ValueEnum>::from_str(&d, true).ok()),
            std::env::var_os("VRDNDI_MODELS_DIR").map(PathBuf::from),
        )
    }

    pub fn new(data_dir: PathBuf, aw_url: Option<String>, device: Option<Device>, models_dir: Option<PathBuf>) -> Config {
        let models_dir = models_dir.unwrap_or_else(|| data_dir.join("models"));
        Config { data_dir, aw_url: aw_url.unwrap_or_else(|| DEFAULT_AW_URL.to_owned()), device: device.unwrap_or_default(), models_dir }
    }

    pub fn store_dir(&self) -> PathBuf {
        self.data_dir.join("store")
    }

    pub fn log_dir(&self) -> PathBuf {
        self.data_dir.join("logs")
    }

    /// The daemon's socket. Unix socket paths are limited to about 100 bytes; see `daemon`.
    pub fn socket_path(&self) -> PathBuf {
        self.data_dir.join("daemon.sock")
    }
}

/// The OS's per-user data dir: `~/.local/share/vrdndi` on Linux,
/// `~/Library/Application Support/vrdndi` on macOS, `%APPDATA%\vrdndi` on Windows.
pub fn default_data_dir() -> PathBuf {
    directories::ProjectDirs::from("", "", "vrdndi").map(|dirs| dirs.data_dir().to_path_buf()).unwrap_or_else(|| PathBuf::from(".vrdndi"))
}
