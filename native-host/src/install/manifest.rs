//! The host manifest we register, exactly as the browser will read it.
//!
//! `native_messaging::install` writes the same fields for the browsers it knows; this copy exists
//! so that `--dry-run` can print the manifest and `--user-data-dir` can write one into a
//! Chromium profile dir, which the crate has no notion of. A test checks the two agree.

use std::path::Path;

use serde::Serialize;

use super::InstallError;

/// Which manifest shape a browser reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Chrome, Chromium, Edge, Brave, Vivaldi: `allowed_origins`.
    Chromium,
    /// Firefox, LibreWolf: `allowed_extensions`.
    Firefox,
}

#[derive(Debug, Serialize)]
struct ChromiumManifest<'a> {
    name: &'a str,
    description: &'a str,
    path: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    allowed_origins: &'a [String],
}

#[derive(Debug, Serialize)]
struct FirefoxManifest<'a> {
    name: &'a str,
    description: &'a str,
    path: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    allowed_extensions: &'a [String],
}

/// What every manifest says about the host.
pub struct HostEntry<'a> {
    pub name: &'a str,
    pub description: &'a str,
    /// The absolute path the browser runs.
    pub path: &'a Path,
    pub allowed_origins: &'a [String],
    pub allowed_extensions: &'a [String],
}

/// The manifest's JSON text for a browser family.
pub fn render(family: Family, entry: &HostEntry<'_>) -> Result<String, InstallError> {
    let path = entry.path.to_str().ok_or_else(|| InstallError::NotUtf8(entry.path.to_path_buf()))?;
    let json = match family {
        Family::Chromium => serde_json::to_string_pretty(&ChromiumManifest {
            name: entry.name,
            description: entry.description,
            path,
            kind: "stdio",
            allowed_origins: entry.allowed_origins,
        }),
        Family::Firefox => serde_json::to_string_pretty(&FirefoxManifest {
            name: entry.name,
            description: entry.description,
            path,
            kind: "stdio",
            allowed_extensions: entry.allowed_extensions,
        }),
    };
    json.map_err(|e| InstallError::Internal(format!("cannot encode the manifest: {e}")))
}
