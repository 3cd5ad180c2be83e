//! `vrdndi install` and `vrdndi uninstall` with the real binary and a throwaway HOME: what the
//! dry run prints, what an install writes, that a browser could start the host from it, and that
//! uninstall takes it away.

#![cfg(target_os = "linux")]

mod protocol_util;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use protocol_util::{frame, VRDNDI};
use serde_json::{json, Value};

const DEV_ID: &str = "pceeajkljpiinfgnhnakckppgpdkepcm";
const ORIGIN: &str = "chrome-extension://pceeajkljpiinfgnhnakckppgpdkepcm/";
const ADDON: &str = "vrdndi@vrdndi.org";

/// Where each browser reads per-user host manifests on Linux (FIELD-NOTES, and the browsers' docs).
const LINUX_MANIFESTS: [(&str, &str); 8] = [
    ("brave", ".config/BraveSoftware/Brave-Browser/NativeMessagingHosts/org.vrdndi.host.json"),
    ("chrome", ".config/google-chrome/NativeMessagingHosts/org.vrdndi.host.json"),
    ("chrome_for_testing", ".config/google-chrome-for-testing/NativeMessagingHosts/org.vrdndi.host.json"),
    ("chromium", ".config/chromium/NativeMessagingHosts/org.vrdndi.host.json"),
    ("edge", ".config/microsoft-edge/NativeMessagingHosts/org.vrdndi.host.json"),
    ("firefox", ".mozilla/native-messaging-hosts/org.vrdndi.host.json"),
    ("librewolf", ".librewolf/native-messaging-hosts/org.vrdndi.host.json"),
    ("vivaldi", ".config/vivaldi/NativeMessagingHosts/org.vrdndi.host.json"),
];

fn is_firefox_family(browser: &str) -> bool {
    matches!(browser, "firefox" | "librewolf")
}

/// A throwaway HOME with the data dir inside it.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Home {
        Home { dir: tempfile::Builder::new().prefix("vi").tempdir_in("/tmp").expect("temp dir") }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn data(&self) -> PathBuf {
        self.path().join("data")
    }

    fn vrdndi(&self, args: &[&str]) -> Output {
        self.command(VRDNDI, args).output().expect("runs vrdndi")
    }

    fn command(&self, program: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> Command {
        let mut command = Command::new(program);
        command
            .args(args)
            .env_clear()
            .env("HOME", self.path())
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("VRDNDI_DATA_DIR", self.data())
            .env("VRDNDI_AW_URL", protocol_util::DEAD_AW_URL)
            .env("VRDNDI_IDLE_EXIT_SECS", "2");
        command
    }

    /// Every file under HOME, relative to it.
    fn files(&self) -> Vec<String> {
        let mut found = Vec::new();
        let mut stack = vec![self.path().to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("read dir") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    found.push(path.strip_prefix(self.path()).expect("under HOME").display().to_string());
                }
            }
        }
        found.sort();
        found
    }
}

fn stdout(output: &Output) -> String {
    assert!(output.status.success(), "vrdndi failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout.clone()).expect("utf-8 output")
}

/// The manifests a dry run printed: path -> JSON.
fn printed_manifests(text: &str) -> BTreeMap<String, (String, Value)> {
    let mut manifests = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some((browser, path)) = line.split_once(": would write ") else { continue };
        let json: Vec<&str> = lines.by_ref().take_while(|l| !l.is_empty()).collect();
        let value: Value = serde_json::from_str(&json.join("\n")).expect("each printed manifest is JSON");
        manifests.insert(path.to_owned(), (browser.to_owned(), value));
    }
    manifests
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("manifest exists")).expect("manifest is JSON")
}

fn expected_manifest(browser: &str, wrapper: &Path, origins: &[&str]) -> Value {
    let mut manifest = json!({
        "name": "org.vrdndi.host",
        "description": "Vrdndi: orders your YouTube homepage for what you are doing now",
        "path": wrapper.to_str().expect("utf-8"),
        "type": "stdio",
    });
    if is_firefox_family(browser) {
        manifest["allowed_extensions"] = json!([ADDON]);
    } else {
        manifest["allowed_origins"] = json!(origins);
    }
    manifest
}

/// Starts the host the way a browser would from a manifest: its `path`, an empty environment.
fn hello_through(path: &str, args: &[&str]) -> Value {
    let mut child = Command::new(path)
        .args(args)
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the manifest's path runs");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(&frame(br#"{"id":1,"type":"hello","protocol":1}"#)).expect("write");
    }
    let output = child.wait_with_output().expect("host exits");
    assert_eq!(output.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&output.stderr));
    let reply = &output.stdout;
    assert!(reply.len() > 4, "a reply frame");
    let len = u32::from_ne_bytes([reply[0], reply[1], reply[2], reply[3]]) as usize;
    assert_eq!(reply.len(), 4 + len, "exactly one frame on stdout");
    serde_json::from_slice(&reply[4..]).expect("JSON reply")
}

#[test]
fn dry_run_prints_every_manifest_and_where_it_goes_and_writes_nothing() {
    let home = Home::new();
    let text = stdout(&home.vrdndi(&["install", "--browser", "all", "--dry-run"]));
    assert_eq!(home.files(), Vec::<String>::new(), "a dry run writes nothing");
    assert!(!home.data().exists());

    let wrapper = home.data().join("bin/vrdndi-host");
    let manifests = printed_manifests(&text);
    let expected: Vec<String> = LINUX_MANIFESTS.iter().map(|(_, p)| home.path().join(p).display().to_string()).collect();
    assert_eq!(manifests.keys().cloned().collect::<Vec<_>>(), {
        let mut e = expected.clone();
        e.sort();
        e
    });
    for (browser, relative) in LINUX_MANIFESTS {
        let (printed_for, manifest) = &manifests[&home.path().join(relative).display().to_string()];
        assert_eq!(printed_for, browser);
        assert_eq!(manifest, &expected_manifest(browser, &wrapper, &[ORIGIN]), "{browser}");
    }
    assert!(text.contains(&format!("would copy {VRDNDI} to {}", home.data().join("bin/vrdndi").display())), "{text}");
    assert!(text.contains(&format!("export VRDNDI_DATA_DIR='{}'", home.data().display())), "the wrapper is shown: {text}");
}

#[test]
fn install_writes_what_the_dry_run_printed_a_browser_can_start_it_and_uninstall_removes_it() {
    let home = Home::new();
    let printed = printed_manifests(&stdout(&home.vrdndi(&["install", "--dry-run"])));
    let text = stdout(&home.vrdndi(&["install"]));

    let wrapper = home.data().join("bin/vrdndi-host");
    for (browser, relative) in LINUX_MANIFESTS {
        let path = home.path().join(relative);
        assert!(text.contains(&format!("{browser}: wrote {}", path.display())), "{text}");
        let written = read_json(&path);
        assert_eq!(written, expected_manifest(browser, &wrapper, &[ORIGIN]), "{browser}: exactly our ids");
        assert_eq!(written, printed[&path.display().to_string()].1, "{browser}: the dry run printed what was written");
    }
    let installed = home.data().join("bin/vrdndi");
    assert_eq!(std::fs::metadata(&installed).expect("binary copied").len(), std::fs::metadata(VRDNDI).expect("built binary").len());
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&wrapper).expect("wrapper").permissions().mode() & 0o111, 0o111, "executable");

    // Chrome: the manifest path with the origin; Firefox: with the manifest path and add-on id.
    let path = wrapper.to_str().expect("utf-8");
    assert_eq!(hello_through(path, &[ORIGIN])["type"], "hello");
    let firefox_manifest = home.path().join(LINUX_MANIFESTS[5].1);
    assert_eq!(hello_through(path, &[firefox_manifest.to_str().expect("utf-8"), ADDON])["type"], "hello");
    let logs = std::fs::read_dir(home.data().join("logs")).expect("the wrapper's data dir reached the host").count();
    assert!(logs >= 1);

    let status: Value = serde_json::from_str(&stdout(&home.vrdndi(&["status", "--json"]))).expect("status JSON");
    let browsers: Vec<&str> = status["browsers"].as_array().expect("list").iter().filter_map(Value::as_str).collect();
    assert_eq!(browsers, LINUX_MANIFESTS.map(|(b, _)| b), "status lists the registered browsers");

    let text = stdout(&home.vrdndi(&["uninstall", "--browser", "chrome,firefox"]));
    assert!(text.contains(&format!("chrome: removed {}", home.path().join(LINUX_MANIFESTS[1].1).display())), "{text}");
    assert!(!home.path().join(LINUX_MANIFESTS[1].1).exists());
    assert!(!home.path().join(LINUX_MANIFESTS[5].1).exists());
    assert!(home.path().join(LINUX_MANIFESTS[3].1).exists(), "only the named browsers are removed");

    let text = stdout(&home.vrdndi(&["uninstall"]));
    assert!(text.contains("chrome: nothing at"), "{text}");
    let left: Vec<String> = home.files().into_iter().filter(|f| f.ends_with("org.vrdndi.host.json")).collect();
    assert_eq!(left, Vec::<String>::new(), "every manifest is gone");
}

#[test]
fn extension_ids_replace_the_default_and_bad_ones_are_refused_before_anything_is_written() {
    let home = Home::new();
    let bad = home.vrdndi(&["install", "--extension-id", "not-an-id"]);
    assert!(!bad.status.success());
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(stderr.contains("not-an-id") && stderr.contains("32 letters from a to p"), "{stderr}");
    assert_eq!(home.files(), Vec::<String>::new());

    let other = "abcdefghijklmnopabcdefghijklmnop";
    stdout(&home.vrdndi(&["install", "--browser", "chromium", "--extension-id", other, "--extension-id", DEV_ID]));
    let manifest = read_json(&home.path().join(LINUX_MANIFESTS[3].1));
    assert_eq!(manifest["allowed_origins"], json!([format!("chrome-extension://{other}/"), ORIGIN]));
    assert!(!home.path().join(LINUX_MANIFESTS[1].1).exists(), "only chromium was asked for");
}

#[test]
fn a_user_data_dir_gets_its_own_manifest_and_nothing_else() {
    let home = Home::new();
    let profile = home.path().join("profile");
    let profile_arg = profile.to_str().expect("utf-8");
    stdout(&home.vrdndi(&["install", "--user-data-dir", profile_arg]));
    let path = profile.join("NativeMessagingHosts/org.vrdndi.host.json");
    assert_eq!(read_json(&path), expected_manifest("chromium", &home.data().join("bin/vrdndi-host"), &[ORIGIN]));
    assert!(!home.path().join(".config").exists(), "no per-user manifests without --browser");

    let text = stdout(&home.vrdndi(&["uninstall", "--user-data-dir", profile_arg]));
    assert!(text.contains("user-data-dir: removed"), "{text}");
    assert!(!path.exists());
}

#[test]
fn installing_again_from_the_installed_copy_while_a_host_runs_from_it_works() {
    let home = Home::new();
    stdout(&home.vrdndi(&["install", "--browser", "chromium"]));
    let installed = home.data().join("bin/vrdndi");
    let wrapper = home.data().join("bin/vrdndi-host");

    // A host the browser started keeps running from the installed binary.
    let mut running = Command::new(&wrapper).arg(ORIGIN).env_clear().stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().expect("starts");
    let output = home.command(&installed, &["install", "--browser", "chromium"]).output().expect("runs");
    stdout(&output);
    let output = home.vrdndi(&["install", "--browser", "chromium"]);
    stdout(&output);
    assert_eq!(hello_through(wrapper.to_str().expect("utf-8"), &[ORIGIN])["type"], "hello");
    drop(running.stdin.take());
    assert_eq!(running.wait().expect("exits").code(), Some(0));
}
