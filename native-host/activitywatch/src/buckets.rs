//! Which buckets hold the context: the window, AFK and web-browser buckets of one host.
//!
//! aw-server may hold buckets of several machines (a synced or imported database, or an export
//! from another computer). We prefer this machine's host name; when it has no window bucket we take
//! the host whose window data is newest. aw-watcher-web's buckets often say host "unknown" (older
//! versions do not know it), so those belong to every host.

use crate::event::{BucketInfo, AFK_TYPE, WEB_TYPE, WINDOW_TYPE};
use crate::Error;

/// How to choose the host whose buckets are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostChoice {
    /// This host if it has a window bucket, else the one with the newest window data.
    Prefer(String),
    /// Exactly this host; no window bucket for it is an error.
    Exact(String),
}

impl HostChoice {
    /// Prefer this machine's own host name (what aw-watcher-window records).
    pub fn this_machine() -> HostChoice {
        HostChoice::Prefer(gethostname::gethostname().to_string_lossy().into_owned())
    }
}

/// Browsers whose windows a web bucket can describe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Browser {
    Firefox,
    Chrome,
    Edge,
    Brave,
    Opera,
    Vivaldi,
    Arc,
    Safari,
}

impl Browser {
    fn chromium_based(self) -> bool {
        !matches!(self, Browser::Firefox | Browser::Safari)
    }

    /// The browser a window's app name belongs to (aw-watcher-window's `app`: "firefox.exe",
    /// "Google-chrome", "Microsoft Edge", "org.mozilla.firefox", ...).
    pub fn of_app(app: &str) -> Option<Browser> {
        let base = app.rsplit(['/', '\\']).next().unwrap_or(app).to_lowercase();
        let name = base.strip_suffix(".exe").unwrap_or(&base);
        let has = |needle: &str| name.contains(needle);
        Some(if has("firefox") || ["nightly", "librewolf", "waterfox"].contains(&name) {
            Browser::Firefox
        } else if has("msedge") || has("microsoft edge") || has("microsoft-edge") {
            Browser::Edge
        } else if has("brave") {
            Browser::Brave
        } else if has("vivaldi") {
            Browser::Vivaldi
        } else if has("opera") {
            Browser::Opera
        } else if has("chrome") || has("chromium") {
            Browser::Chrome
        } else if name == "arc" {
            Browser::Arc
        } else if name == "safari" {
            Browser::Safari
        } else {
            return None;
        })
    }

    /// The browser named in a web bucket's id: `aw-watcher-web-firefox`,
    /// `aw-watcher-web-chrome_myhost`.
    pub fn of_bucket(id: &str) -> Option<Browser> {
        let rest = id.strip_prefix("aw-watcher-web-")?;
        let name = rest.split('_').next().unwrap_or(rest).to_lowercase();
        Some(match name.as_str() {
            "firefox" => Browser::Firefox,
            "chrome" | "chromium" => Browser::Chrome,
            "edge" => Browser::Edge,
            "brave" => Browser::Brave,
            "opera" => Browser::Opera,
            "vivaldi" => Browser::Vivaldi,
            "arc" => Browser::Arc,
            "safari" => Browser::Safari,
            _ => return None,
        })
    }
}

/// A web bucket and the browser it describes (None: not told by its id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebBucket {
    pub id: String,
    pub browser: Option<Browser>,
}

/// The buckets chosen for one host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picked {
    pub host: String,
    pub window: String,
    pub afk: Option<String>,
    pub web: Vec<WebBucket>,
}

impl Picked {
    /// Every chosen bucket id, window first.
    pub fn ids(&self) -> Vec<String> {
        let mut ids = vec![self.window.clone()];
        ids.extend(self.afk.clone());
        ids.extend(self.web.iter().map(|w| w.id.clone()));
        ids
    }

    /// Indexes into `web` of the buckets that describe windows of `app`: the bucket of the
    /// same browser; failing that, for Chromium-based browsers, a "chrome" bucket (the one
    /// extension runs in all of them); failing that, buckets that do not name their browser.
    pub fn web_for_app(&self, app: &str) -> Vec<usize> {
        let Some(browser) = Browser::of_app(app) else { return Vec::new() };
        let matching = |want: Option<Browser>| -> Vec<usize> {
            self.web.iter().enumerate().filter(|(_, w)| w.browser == want).map(|(i, _)| i).collect()
        };
        let exact = matching(Some(browser));
        if !exact.is_empty() {
            return exact;
        }
        if browser.chromium_based() {
            let chrome = matching(Some(Browser::Chrome));
            if !chrome.is_empty() {
                return chrome;
            }
        }
        matching(None)
    }
}

/// Chooses the host and its buckets.
pub fn pick(buckets: &[BucketInfo], choice: &HostChoice) -> Result<Picked, Error> {
    let newest_first = |kind: &str, host: Option<&str>| -> Vec<&BucketInfo> {
        let mut found: Vec<&BucketInfo> =
            buckets.iter().filter(|b| b.kind == kind && host.is_none_or(|h| b.hostname.eq_ignore_ascii_case(h))).collect();
        found.sort_by(|a, b| b.last_updated.cmp(&a.last_updated).then_with(|| a.id.cmp(&b.id)));
        found
    };
    let window = match choice {
        HostChoice::Exact(host) => newest_first(WINDOW_TYPE, Some(host)).first().copied(),
        HostChoice::Prefer(host) => {
            newest_first(WINDOW_TYPE, Some(host)).first().copied().or_else(|| newest_first(WINDOW_TYPE, None).first().copied())
        }
    };
    let Some(window) = window else {
        return Err(Error::NoWindowBucket {
            host: match choice {
                HostChoice::Exact(host) => Some(host.clone()),
                HostChoice::Prefer(_) => None,
            },
        });
    };
    let host = window.hostname.clone();
    let afk = newest_first(AFK_TYPE, Some(&host)).first().map(|b| b.id.clone());
    let web = newest_first(WEB_TYPE, None)
        .into_iter()
        .filter(|b| b.hostname.eq_ignore_ascii_case(&host) || b.hostname.is_empty() || b.hostname == "unknown")
        .map(|b| WebBucket { id: b.id.clone(), browser: Browser::of_bucket(&b.id) })
        .collect();
    Ok(Picked { host, window: window.id.clone(), afk, web })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bucket(id: &str, kind: &str, host: &str, updated: &str) -> BucketInfo {
        BucketInfo { id: id.into(), kind: kind.into(), client: String::new(), hostname: host.into(), last_updated: updated.parse().ok() }
    }

    fn two_hosts() -> Vec<BucketInfo> {
        vec![
            bucket("aw-watcher-window_old", WINDOW_TYPE, "old", "2023-01-01T00:00:00Z"),
            bucket("aw-watcher-afk_old", AFK_TYPE, "old", "2023-01-01T00:00:00Z"),
            bucket("aw-watcher-window_LAPTOP", WINDOW_TYPE, "LAPTOP", "2023-11-19T13:25:58Z"),
            bucket("aw-watcher-afk_LAPTOP", AFK_TYPE, "LAPTOP", "2023-11-19T13:25:52Z"),
            bucket("aw-watcher-web-firefox", WEB_TYPE, "unknown", "2023-11-19T13:26:00Z"),
            bucket("aw-watcher-web-chrome_old", WEB_TYPE, "old", "2023-01-01T00:00:00Z"),
            bucket("aw-stopwatch", "general.stopwatch", "unknown", ""),
        ]
    }

    #[test]
    fn this_machine_wins_when_it_has_window_data() {
        let picked = pick(&two_hosts(), &HostChoice::Prefer("OLD".into())).expect("picked");
        assert_eq!(picked.window, "aw-watcher-window_old");
        assert_eq!(picked.afk.as_deref(), Some("aw-watcher-afk_old"));
        let web: Vec<&str> = picked.web.iter().map(|w| w.id.as_str()).collect();
        assert_eq!(web, ["aw-watcher-web-firefox", "aw-watcher-web-chrome_old"]);
    }

    #[test]
    fn otherwise_the_host_with_the_newest_window_data() {
        let picked = pick(&two_hosts(), &HostChoice::Prefer("this-vm".into())).expect("picked");
        assert_eq!(picked.host, "LAPTOP");
        assert_eq!(picked.ids(), ["aw-watcher-window_LAPTOP", "aw-watcher-afk_LAPTOP", "aw-watcher-web-firefox"]);
    }

    #[test]
    fn an_exact_host_without_a_window_bucket_is_an_error() {
        let err = pick(&two_hosts(), &HostChoice::Exact("nope".into())).expect_err("no bucket");
        assert!(err.to_string().contains("`nope`"), "{err}");
        assert!(matches!(pick(&[], &HostChoice::this_machine()), Err(Error::NoWindowBucket { .. })));
    }

    #[test]
    fn browser_windows_find_their_web_bucket() {
        let picked = Picked {
            host: "h".into(),
            window: "w".into(),
            afk: None,
            web: vec![
                WebBucket { id: "aw-watcher-web-firefox".into(), browser: Some(Browser::Firefox) },
                WebBucket { id: "aw-watcher-web-chrome".into(), browser: Some(Browser::Chrome) },
            ],
        };
        assert_eq!(picked.web_for_app("firefox.exe"), [0]);
        assert_eq!(picked.web_for_app("Firefox Developer Edition"), [0]);
        assert_eq!(picked.web_for_app("Google-chrome"), [1]);
        assert_eq!(picked.web_for_app("msedge.exe"), [1]);
        assert!(picked.web_for_app("Code.exe").is_empty());
        assert_eq!(Browser::of_bucket("aw-watcher-web-edge_LAPTOP"), Some(Browser::Edge));
        assert_eq!(Browser::of_bucket("aw-watcher-window_x"), None);
    }
}
