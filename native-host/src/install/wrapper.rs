//! The small script the manifest points at: it sets the settings in effect at install time and
//! runs the installed binary.
//!
//! Browsers start native hosts with their own environment, which rarely holds `VRDNDI_DATA_DIR`,
//! `VRDNDI_MODELS_DIR` or `ORT_DYLIB_PATH`; without them the host would open another data dir than
//! the command line and find no model. Paths are made absolute because the browser's working
//! directory is not the installer's.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::config::Config;

/// Variables passed through besides every `VRDNDI_*` one.
const PASSED_THROUGH: [&str; 1] = ["ORT_DYLIB_PATH"];
/// Variables whose value is a path, made absolute.
const PATH_VARIABLES: [&str; 4] = ["VRDNDI_DATA_DIR", "VRDNDI_MODELS_DIR", "VRDNDI_CACHE", "ORT_DYLIB_PATH"];

/// The settings the script sets, sorted by name, and the variables left out because they are
/// not UTF-8.
pub fn settings(config: &Config, environment: impl Iterator<Item = (OsString, OsString)>) -> (Vec<(String, String)>, Vec<String>) {
    let from_config = [
        ("VRDNDI_DATA_DIR", config.data_dir.to_string_lossy().into_owned()),
        ("VRDNDI_MODELS_DIR", config.models_dir.to_string_lossy().into_owned()),
        ("VRDNDI_AW_URL", config.aw_url.clone()),
        ("VRDNDI_DEVICE", config.device.name().to_owned()),
    ];
    let mut settings: Vec<(String, String)> = from_config.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
    let mut skipped = Vec::new();
    for (name, value) in environment {
        let Some(name) = name.to_str() else { continue };
        let wanted = name.starts_with("VRDNDI_") || PASSED_THROUGH.contains(&name);
        if !wanted || from_config.iter().any(|(k, _)| *k == name) {
            continue;
        }
        match value.into_string() {
            Ok(value) => settings.push((name.to_owned(), value)),
            Err(_) => skipped.push(name.to_owned()),
        }
    }
    for (name, value) in &mut settings {
        if PATH_VARIABLES.contains(&name.as_str()) && !value.is_empty() {
            *value = absolute(Path::new(value)).to_string_lossy().into_owned();
        }
    }
    settings.sort();
    (settings, skipped)
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// A POSIX sh script that sets `settings`, gives `HOME` a value when the browser passed none, and
/// execs `binary` with the browser's arguments.
pub fn unix_script(binary: &Path, settings: &[(String, String)], home: Option<&str>) -> String {
    let mut script = String::from(
        "#!/bin/sh\n\
         # Written by `vrdndi install`. Browsers start native hosts with their own environment,\n\
         # so this sets the Vrdndi settings in effect at install time. Run `vrdndi install` again\n\
         # to change them.\n",
    );
    for (name, value) in settings {
        script.push_str(&format!("export {name}={}\n", sh_quote(value)));
    }
    if let Some(home) = home {
        script.push_str(&format!("if [ -z \"${{HOME:-}}\" ]; then HOME={}; export HOME; fi\n", sh_quote(home)));
    }
    script.push_str(&format!("exec {} \"$@\"\n", sh_quote(&binary.to_string_lossy())));
    script
}

/// A Windows batch file doing the same; Chrome and Firefox run `.cmd` host paths through cmd.exe.
pub fn windows_script(binary: &Path, settings: &[(String, String)]) -> String {
    let mut script = String::from("@echo off\r\nrem Written by `vrdndi install`: the Vrdndi settings in effect at install time.\r\n");
    for (name, value) in settings {
        script.push_str(&format!("set \"{name}={}\"\r\n", value.replace('%', "%%")));
    }
    script.push_str(&format!("\"{}\" %*\r\n", binary.to_string_lossy().replace('%', "%%")));
    script
}

/// Single-quotes a value for sh: nothing inside is expanded.
fn sh_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Device;

    fn config() -> Config {
        Config::new(PathBuf::from("/home/ana/.local/share/vrdndi"), None, Some(Device::Cpu), None)
    }

    fn env(pairs: &[(&str, &str)]) -> impl Iterator<Item = (OsString, OsString)> {
        pairs.iter().map(|(k, v)| (OsString::from(k), OsString::from(v))).collect::<Vec<_>>().into_iter()
    }

    #[test]
    fn the_config_and_every_vrdndi_variable_are_kept_and_others_are_not() {
        let (settings, skipped) = settings(
            &config(),
            env(&[
                ("VRDNDI_DATA_DIR", "/elsewhere"),
                ("VRDNDI_LOG", "debug"),
                ("ORT_DYLIB_PATH", "/opt/ort/libonnxruntime.so"),
                ("PATH", "/usr/bin"),
                ("AWS_SECRET", "no"),
            ]),
        );
        assert!(skipped.is_empty());
        let names: Vec<&str> = settings.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["ORT_DYLIB_PATH", "VRDNDI_AW_URL", "VRDNDI_DATA_DIR", "VRDNDI_DEVICE", "VRDNDI_LOG", "VRDNDI_MODELS_DIR"]);
        let get = |name: &str| settings.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
        assert_eq!(get("VRDNDI_DATA_DIR"), Some("/home/ana/.local/share/vrdndi"), "the config wins over the environment");
        assert_eq!(get("VRDNDI_MODELS_DIR"), Some("/home/ana/.local/share/vrdndi/models"));
        assert_eq!(get("VRDNDI_DEVICE"), Some("cpu"));
    }

    #[test]
    fn relative_paths_are_made_absolute() {
        let (settings, _) = settings(&config(), env(&[("ORT_DYLIB_PATH", "ort/libonnxruntime.so")]));
        let ort = &settings.iter().find(|(k, _)| k == "ORT_DYLIB_PATH").expect("kept").1;
        assert!(Path::new(ort).is_absolute() && ort.ends_with("ort/libonnxruntime.so"), "{ort}");
    }

    #[test]
    fn the_sh_script_quotes_every_value() {
        let settings = vec![("VRDNDI_DATA_DIR".to_owned(), "/tmp/it's $HOME `x`".to_owned())];
        let script = unix_script(Path::new("/opt/v d/vrdndi"), &settings, Some("/home/ana"));
        assert!(script.starts_with("#!/bin/sh\n"));
        assert!(script.contains(r"export VRDNDI_DATA_DIR='/tmp/it'\''s $HOME `x`'"), "{script}");
        assert!(script.ends_with("exec '/opt/v d/vrdndi' \"$@\"\n"), "{script}");
    }

    #[test]
    fn the_batch_script_sets_and_runs() {
        let settings = vec![("VRDNDI_LOG".to_owned(), "100%".to_owned())];
        let script = windows_script(Path::new(r"C:\Users\ana\vrdndi\bin\vrdndi.exe"), &settings);
        assert!(script.contains("set \"VRDNDI_LOG=100%%\"\r\n"), "{script}");
        assert!(script.ends_with("\"C:\\Users\\ana\\vrdndi\\bin\\vrdndi.exe\" %*\r\n"), "{script}");
    }
}

#[cfg(all(test, unix))]
mod run_tests {
    use super::*;

    #[test]
    fn sh_runs_the_script_with_the_values_intact_and_the_arguments_passed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let tricky = "/tmp/it's $HOME `x` \"q\"";
        let settings = vec![("VRDNDI_DATA_DIR".to_owned(), tricky.to_owned())];
        let script_path = dir.path().join("host");
        std::fs::write(&script_path, unix_script(Path::new("/usr/bin/env"), &settings, Some("/home/ana"))).expect("write");
        let output =
            std::process::Command::new("sh").arg(&script_path).arg("A=chrome-extension://x/").env_clear().output().expect("sh runs");
        let text = String::from_utf8(output.stdout).expect("utf-8");
        assert!(text.lines().any(|l| l == format!("VRDNDI_DATA_DIR={tricky}")), "{text}");
        assert!(text.lines().any(|l| l == "HOME=/home/ana"), "HOME is given a value when the browser passed none: {text}");
        assert!(text.lines().any(|l| l == "A=chrome-extension://x/"), "the arguments reach the binary: {text}");
    }
}
