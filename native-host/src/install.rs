//! Registering the native host with browsers: the manifests, and the binary they point at.
//!
//! `native_messaging::install` knows each browser's per-user manifest location (a file on Linux
//! and macOS; a file plus an `HKCU` registry value on Windows) and writes the manifest. Around it,
//! this module copies the running binary to `<data_dir>/bin/` (so a registration survives `cargo
//! clean` or a moved checkout), writes the wrapper script the manifest points at
//! (`install::wrapper`), allows exactly our extension ids, and writes manifests into Chromium
//! `--user-data-dir` profiles, which read hosts from `<dir>/NativeMessagingHosts/` instead of the
//! per-user location. [`plan`] decides everything and touches nothing, so `--dry-run` prints
//! exactly what [`apply`] would write.

pub mod manifest;
pub mod wrapper;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use native_messaging::install::paths;
use native_messaging::Scope;
use vrdndi_protocol::HOST_NAME;

use crate::config::Config;
use manifest::{Family, HostEntry};

/// The unpacked development build's id, fixed by the manifest `key` (see TEAM.md).
pub const DEV_EXTENSION_ID: &str = "pceeajkljpiinfgnhnakckppgpdkepcm";
/// The Firefox add-on id (`browser_specific_settings.gecko.id`).
pub const FIREFOX_ADDON_ID: &str = "vrdndi@vrdndi.org";
pub const DESCRIPTION: &str = "Vrdndi: orders your YouTube homepage for what you are doing now";

/// Where a Chromium profile dir keeps its own host manifests.
pub const USER_DATA_DIR_HOSTS: &str = "NativeMessagingHosts";

#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    #[error("`{0}` is not a Chrome extension id: it must be 32 letters from a to p")]
    BadExtensionId(String),
    #[error("`{0}` is not a browser this installer knows on this system (known: {1})")]
    UnknownBrowser(String, String),
    #[error("{0} is not valid UTF-8, which manifests require; install from a path without such characters")]
    NotUtf8(PathBuf),
    #[error("cannot find this program's own file to install it: {0}")]
    CurrentExe(#[source] io::Error),
    #[error("cannot {action} {}: {source}", path.display())]
    Io { action: &'static str, path: PathBuf, source: io::Error },
    #[error("cannot register with {browser}: {source}")]
    Register { browser: String, source: io::Error },
    #[error("the {browser} manifest was written but does not verify; check {}", path.display())]
    NotVerified { browser: String, path: PathBuf },
    #[error("{0}")]
    Internal(String),
}

/// Checks a Chrome extension id: 32 characters `a`-`p` (the hex digits of a key hash, shifted).
pub fn validate_extension_id(id: &str) -> Result<(), InstallError> {
    if id.len() == 32 && id.bytes().all(|b| (b'a'..=b'p').contains(&b)) {
        Ok(())
    } else {
        Err(InstallError::BadExtensionId(id.to_owned()))
    }
}

/// The `allowed_origins` entry for an extension id.
pub fn origin(id: &str) -> String {
    format!("chrome-extension://{id}/")
}

/// Every browser `native_messaging` can register with for this user on this OS, sorted.
pub fn known_browsers() -> Vec<String> {
    let mut keys: Vec<String> =
        paths::config().browsers.keys().filter(|key| paths::browser_supports_scope(key, Scope::User).unwrap_or(false)).cloned().collect();
    keys.sort();
    keys
}

fn family(browser: &str) -> Result<Family, InstallError> {
    let unknown = || InstallError::UnknownBrowser(browser.to_owned(), known_browsers().join(", "));
    if !known_browsers().iter().any(|k| k == browser) {
        return Err(unknown());
    }
    match paths::browser_cfg(browser).map(|cfg| cfg.family.as_str()) {
        Ok("chromium") => Ok(Family::Chromium),
        Ok("firefox") => Ok(Family::Firefox),
        _ => Err(unknown()),
    }
}

/// What to register.
#[derive(Debug, Clone)]
pub struct InstallRequest {
    /// `native_messaging` browser keys (`chrome`, `firefox`, …).
    pub browsers: Vec<String>,
    /// Chrome extension ids allowed to start the host.
    pub extension_ids: Vec<String>,
    /// Chromium `--user-data-dir` profiles to register in as well.
    pub user_data_dirs: Vec<PathBuf>,
}

/// One manifest to write.
#[derive(Debug, Clone)]
pub struct Target {
    /// A browser key, or `user-data-dir` for a profile dir.
    pub browser: String,
    pub family: Family,
    pub path: PathBuf,
    pub json: String,
    /// Written by `native_messaging` (and registered in the Windows registry) rather than by us.
    pub per_user: bool,
}

/// Everything an install does, decided before anything is written.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The running binary, copied to [`Plan::binary`].
    pub source: PathBuf,
    pub binary: PathBuf,
    /// The wrapper script the manifests point at, and its text.
    pub wrapper: PathBuf,
    pub wrapper_text: String,
    /// Settings the wrapper sets, and variables left out because they are not UTF-8.
    pub settings: Vec<(String, String)>,
    pub skipped_settings: Vec<String>,
    pub allowed_origins: Vec<String>,
    pub allowed_extensions: Vec<String>,
    pub targets: Vec<Target>,
}

/// Where the installed binary and wrapper live.
pub fn bin_dir(config: &Config) -> PathBuf {
    absolute(&config.data_dir).join("bin")
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Decides what an install writes; reads the environment and the running binary's path only.
pub fn plan(config: &Config, request: &InstallRequest) -> Result<Plan, InstallError> {
    for id in &request.extension_ids {
        validate_extension_id(id)?;
    }
    let mut allowed_origins: Vec<String> = request.extension_ids.iter().map(|id| origin(id)).collect();
    allowed_origins.dedup();
    let allowed_extensions = vec![FIREFOX_ADDON_ID.to_owned()];

    let source = std::env::current_exe().map_err(InstallError::CurrentExe)?;
    let bin = bin_dir(config);
    let (binary, wrapper) =
        if cfg!(windows) { (bin.join("vrdndi.exe"), bin.join("vrdndi-host.cmd")) } else { (bin.join("vrdndi"), bin.join("vrdndi-host")) };
    let mut config = config.clone();
    config.data_dir = absolute(&config.data_dir);
    config.models_dir = absolute(&config.models_dir);
    let (settings, skipped_settings) = wrapper::settings(&config, std::env::vars_os());
    let wrapper_text = if cfg!(windows) {
        wrapper::windows_script(&binary, &settings)
    } else {
        let home = std::env::var("HOME").ok().filter(|h| !h.is_empty());
        wrapper::unix_script(&binary, &settings, home.as_deref())
    };

    let entry = HostEntry {
        name: HOST_NAME,
        description: DESCRIPTION,
        path: &wrapper,
        allowed_origins: &allowed_origins,
        allowed_extensions: &allowed_extensions,
    };
    let mut targets = Vec::new();
    for browser in &request.browsers {
        let family = family(browser)?;
        let path = paths::manifest_path(browser, Scope::User, HOST_NAME)
            .map_err(|source| InstallError::Register { browser: browser.clone(), source })?;
        let json = manifest::render(family, &entry)?;
        targets.push(Target { browser: browser.clone(), family, path, json, per_user: true });
    }
    for dir in &request.user_data_dirs {
        let path = absolute(dir).join(USER_DATA_DIR_HOSTS).join(format!("{HOST_NAME}.json"));
        let json = manifest::render(Family::Chromium, &entry)?;
        targets.push(Target { browser: "user-data-dir".to_owned(), family: Family::Chromium, path, json, per_user: false });
    }
    Ok(Plan { source, binary, wrapper, wrapper_text, settings, skipped_settings, allowed_origins, allowed_extensions, targets })
}

/// Writes what `plan` decided: the binary, the wrapper, then each manifest, verifying each.
pub fn apply(plan: &Plan) -> Result<(), InstallError> {
    install_binary(&plan.source, &plan.binary)?;
    write_executable(&plan.wrapper, plan.wrapper_text.as_bytes())?;
    for target in &plan.targets {
        if target.per_user {
            native_messaging::install(
                HOST_NAME,
                DESCRIPTION,
                &plan.wrapper,
                &plan.allowed_origins,
                &plan.allowed_extensions,
                &[target.browser.as_str()],
                Scope::User,
            )
            .map_err(|source| InstallError::Register { browser: target.browser.clone(), source })?;
            let verified = native_messaging::verify_installed(HOST_NAME, Some(&[target.browser.as_str()]), Scope::User).unwrap_or(false);
            if !verified {
                return Err(InstallError::NotVerified { browser: target.browser.clone(), path: target.path.clone() });
            }
        } else {
            if let Some(dir) = target.path.parent() {
                fs::create_dir_all(dir).map_err(|source| io_error("create", dir, source))?;
            }
            fs::write(&target.path, &target.json).map_err(|source| io_error("write", &target.path, source))?;
        }
        tracing::info!(browser = %target.browser, path = %target.path.display(), "registered the native host");
    }
    Ok(())
}

/// Copies the binary next to a temporary name and renames it over the old copy, which a running
/// host may still be executing (writing into it in place would fail with "text file busy").
fn install_binary(source: &Path, dest: &Path) -> Result<(), InstallError> {
    if let (Ok(a), Ok(b)) = (fs::canonicalize(source), fs::canonicalize(dest)) {
        if a == b {
            return Ok(());
        }
    }
    if let Some(dir) = dest.parent() {
        fs::create_dir_all(dir).map_err(|source| io_error("create", dir, source))?;
    }
    let staging = dest.with_extension("new");
    fs::copy(source, &staging).map_err(|e| io_error("copy the binary to", &staging, e))?;
    make_executable(&staging)?;
    fs::rename(&staging, dest).map_err(|source| io_error("move the binary to", dest, source))
}

fn write_executable(path: &Path, bytes: &[u8]) -> Result<(), InstallError> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|source| io_error("create", dir, source))?;
    }
    let staging = path.with_extension("new");
    fs::write(&staging, bytes).map_err(|source| io_error("write", &staging, source))?;
    make_executable(&staging)?;
    fs::rename(&staging, path).map_err(|source| io_error("write", path, source))
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<(), InstallError> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).map_err(|source| io_error("make executable", path, source))
}

#[cfg(not(unix))]
fn make_executable(_path: &Path) -> Result<(), InstallError> {
    Ok(())
}

fn io_error(action: &'static str, path: &Path, source: io::Error) -> InstallError {
    InstallError::Io { action, path: path.to_path_buf(), source }
}

/// What an uninstall found at one place.
#[derive(Debug, Clone)]
pub struct Removal {
    pub browser: String,
    pub path: PathBuf,
    /// False when there was nothing to remove.
    pub removed: bool,
}

/// Removes our manifests (and Windows registry values) for these browsers and profile dirs. The
/// installed binary stays: other registrations may still point at it.
pub fn uninstall(browsers: &[String], user_data_dirs: &[PathBuf]) -> Result<Vec<Removal>, InstallError> {
    let mut removals = Vec::new();
    for browser in browsers {
        family(browser)?;
        let register = |source| InstallError::Register { browser: browser.clone(), source };
        let present: Vec<PathBuf> =
            paths::manifest_paths(browser, Scope::User, HOST_NAME).map_err(register)?.into_iter().filter(|p| p.exists()).collect();
        native_messaging::remove(HOST_NAME, &[browser.as_str()], Scope::User).map_err(register)?;
        let path = paths::manifest_path(browser, Scope::User, HOST_NAME).map_err(register)?;
        removals.push(Removal { browser: browser.clone(), path, removed: !present.is_empty() });
    }
    for dir in user_data_dirs {
        let path = absolute(dir).join(USER_DATA_DIR_HOSTS).join(format!("{HOST_NAME}.json"));
        let removed = match fs::remove_file(&path) {
            Ok(()) => true,
            Err(e) if e.kind() == io::ErrorKind::NotFound => false,
            Err(source) => return Err(io_error("remove", &path, source)),
        };
        removals.push(Removal { browser: "user-data-dir".to_owned(), path, removed });
    }
    Ok(removals)
}

/// Browsers whose per-user location holds a valid manifest for our host (for `vrdndi status`).
pub fn registered_browsers() -> Vec<String> {
    known_browsers()
        .into_iter()
        .filter(|browser| {
            native_messaging::verify_installed(HOST_NAME, Some(&[browser.as_str()]), Scope::User).unwrap_or_else(|e| {
                tracing::warn!(%browser, "cannot read the host manifest: {e}");
                false
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_ids_are_32_letters_a_to_p() {
        assert!(validate_extension_id(DEV_EXTENSION_ID).is_ok());
        for bad in [
            "",
            "pceeajkljpiinfgnhnakckppgpdkepc",
            "pceeajkljpiinfgnhnakckppgpdkepcmm",
            "qceeajkljpiinfgnhnakckppgpdkepcm",
            "PCEEAJKLJPIINFGNHNAKCKPPGPDKEPCM",
            "pceeajkljpiinfgnhnakckppgpdkep/m",
        ] {
            assert!(validate_extension_id(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn the_browsers_the_cli_names_are_known_here() {
        let known = known_browsers();
        for browser in ["chrome", "chromium", "brave", "edge", "vivaldi", "firefox"] {
            if cfg!(target_os = "linux") || cfg!(target_os = "macos") || cfg!(windows) {
                assert!(known.iter().any(|k| k == browser), "{browser} missing from {known:?}");
            }
        }
        assert!(matches!(family("netscape"), Err(InstallError::UnknownBrowser(..))));
    }
}
