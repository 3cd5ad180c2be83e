//! Tells a browser's launch of the native host from a person's use of the command line.
//!
//! What the browsers pass (developer.chrome.com native messaging; MDN native manifests):
//! - Chrome, Chromium, Edge, Brave, Vivaldi: `argv[1]` is the caller's origin,
//!   `chrome-extension://<id>/`; on Windows a `--parent-window=<hwnd>` may follow.
//! - Firefox: `argv[1]` is the path of our host manifest (a `.json` file), `argv[2]` the add-on id.

use std::ffi::OsString;
use std::path::Path;

/// Who started the host, as far as the arguments say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// A Chromium-family browser; the extension's origin.
    Chromium { origin: String },
    /// Firefox; the add-on id.
    Firefox { addon_id: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Launch {
    NativeHost(Caller),
    CommandLine,
}

pub fn detect(args: &[OsString]) -> Launch {
    let first = args.get(1).and_then(|a| a.to_str());
    let second = args.get(2).and_then(|a| a.to_str());
    match (first, second) {
        (Some(origin), _) if origin.starts_with("chrome-extension://") => {
            Launch::NativeHost(Caller::Chromium { origin: origin.to_owned() })
        }
        (Some(manifest), Some(addon_id)) if manifest.ends_with(".json") && Path::new(manifest).is_file() && !addon_id.starts_with('-') => {
            Launch::NativeHost(Caller::Firefox { addon_id: addon_id.to_owned() })
        }
        _ => Launch::CommandLine,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn chrome_passes_its_origin() {
        assert_eq!(
            detect(&args(&["vrdndi", "chrome-extension://pceeajkljpiinfgnhnakckppgpdkepcm/", "--parent-window=0"])),
            Launch::NativeHost(Caller::Chromium { origin: "chrome-extension://pceeajkljpiinfgnhnakckppgpdkepcm/".into() })
        );
    }

    #[test]
    fn firefox_passes_the_manifest_path_and_addon_id() {
        let dir = tempfile::tempdir().expect("temp dir");
        let manifest = dir.path().join("org.vrdndi.host.json");
        std::fs::write(&manifest, "{}").expect("write");
        let manifest = manifest.to_string_lossy().to_string();
        assert_eq!(
            detect(&args(&["vrdndi", &manifest, "vrdndi@vrdndi.org"])),
            Launch::NativeHost(Caller::Firefox { addon_id: "vrdndi@vrdndi.org".into() })
        );
    }

    #[test]
    fn anything_else_is_the_command_line() {
        assert_eq!(detect(&args(&["vrdndi"])), Launch::CommandLine);
        assert_eq!(detect(&args(&["vrdndi", "status", "--json"])), Launch::CommandLine);
        assert_eq!(detect(&args(&["vrdndi", "missing.json", "x"])), Launch::CommandLine);
    }
}
