//! Window titles without the browser's or editor's name.
//!
//! Browsers and editors end every window title with their own name (" — Mozilla Firefox",
//! " - Visual Studio Code"). Those words carry no topic, yet on real data they dominated the
//! embedding of a context so much that a leisure context scored coding videos as high as a coding
//! context did (FIELD-NOTES, "Context from window titles: a measured trap"). The app stays
//! available as a category (`ContextEvent::app`); the title keeps only the page or document.

/// Characters some apps put inside their names (Edge writes "Microsoft\u{200B} Edge").
const INVISIBLE: [char; 5] = ['\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}'];

/// How apps join the document title and their own name: hyphen, em dash (Firefox), en dash.
const SEPARATORS: [&str; 3] = [" - ", " \u{2014} ", " \u{2013} "];

/// App names that end window titles, lowercase, without any trailing "(Incognito)"-like note.
const APP_NAMES: &[&str] = &[
    "mozilla firefox",
    "mozilla firefox private browsing",
    "firefox",
    "firefox developer edition",
    "firefox nightly",
    "librewolf",
    "private browsing",
    "google chrome",
    "chromium",
    "brave",
    "microsoft edge",
    "opera",
    "vivaldi",
    "visual studio code",
    "visual studio code - insiders",
    "vscodium",
    "cursor",
];

/// Markers editors put before a title: unsaved changes in VS Code and its forks.
const LEADING_MARKERS: [&str; 2] = ["\u{25CF} ", "\u{2022} "];

/// The title without invisible characters, leading "unsaved" markers and trailing app names
/// (one of `APP_NAMES`, or `app` itself without ".exe"), plus the browser profile segment
/// ("Profile 1", "InPrivate") that sits before a browser's name. A title that is nothing but
/// the app's name becomes empty.
pub fn clean_title(app: &str, title: &str) -> String {
    let visible: String = title.chars().filter(|c| !INVISIBLE.contains(c)).collect();
    let mut rest = visible.trim();
    for marker in LEADING_MARKERS {
        rest = rest.strip_prefix(marker).unwrap_or(rest).trim_start();
    }
    let stem = app_stem(app);
    if is_app_name(rest, &stem) {
        return String::new();
    }
    let mut stripped_app = false;
    while let Some((head, tail)) = split_last(rest) {
        if !(is_app_name(tail, &stem) || (stripped_app && is_profile(tail))) {
            break;
        }
        rest = head.trim_end();
        stripped_app = true;
    }
    rest.to_owned()
}

/// The app's own name as it may appear in a title: lowercase, no directory, no ".exe".
fn app_stem(app: &str) -> String {
    let base = app.rsplit(['/', '\\']).next().unwrap_or(app).to_lowercase();
    base.strip_suffix(".exe").map(str::to_owned).unwrap_or(base)
}

fn split_last(title: &str) -> Option<(&str, &str)> {
    SEPARATORS
        .iter()
        .filter_map(|sep| title.rfind(sep).map(|at| (at, sep.len())))
        .max_by_key(|&(at, _)| at)
        .map(|(at, len)| (&title[..at], &title[at + len..]))
}

fn is_app_name(segment: &str, stem: &str) -> bool {
    let lower = without_note(segment).to_lowercase();
    APP_NAMES.contains(&lower.as_str()) || (stem.chars().count() >= 3 && lower == stem)
}

/// A browser profile or private-mode segment: "Profile 1", "InPrivate", "[InPrivate]".
fn is_profile(segment: &str) -> bool {
    let lower = segment.trim().trim_matches(['[', ']']).to_lowercase();
    lower == "inprivate" || lower.strip_prefix("profile ").is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// "Google Chrome (Incognito)" -> "Google Chrome".
fn without_note(segment: &str) -> &str {
    let segment = segment.trim();
    match segment.strip_suffix(')').and_then(|s| s.rfind(" (").map(|at| &segment[..at])) {
        Some(name) => name,
        None => segment,
    }
}

#[cfg(test)]
mod tests {
    use super::clean_title;

    #[test]
    fn browser_and_editor_names_are_removed_from_real_titles() {
        // Titles as they appear in shared/data/C1 (a Windows laptop).
        let cases = [
            ("firefox.exe", "ActivityWatch \u{2014} Mozilla Firefox", "ActivityWatch"),
            ("firefox.exe", "Hacker News \u{2014} Mozilla Firefox Private Browsing", "Hacker News"),
            ("firefox.exe", "Mozilla Firefox Private Browsing", ""),
            ("Code.exe", "activity_watch.py - MHacks [WSL: Ubuntu] - Visual Studio Code", "activity_watch.py - MHacks [WSL: Ubuntu]"),
            (
                "Code.exe",
                "\u{25CF} aw-buckets-export.json - MHacks [WSL: Ubuntu] - Visual Studio Code",
                "aw-buckets-export.json - MHacks [WSL: Ubuntu]",
            ),
            (
                "msedge.exe",
                "Adobe Firefly \u{2013} Generative AI for everyone - Profile 1 - Microsoft\u{200B} Edge",
                "Adobe Firefly \u{2013} Generative AI for everyone",
            ),
            ("firefox.exe", "Mozilla Firefox", ""),
            ("powershell.exe", "Windows PowerShell", "Windows PowerShell"),
        ];
        for (app, title, want) in cases {
            assert_eq!(clean_title(app, title), want, "{app}: {title}");
        }
    }

    #[test]
    fn other_browsers_and_the_app_name_itself() {
        let cases = [
            ("Google-chrome", "Rust - YouTube - Google Chrome", "Rust - YouTube"),
            ("chrome.exe", "Inbox - Google Chrome (Incognito)", "Inbox"),
            ("Chromium-browser", "New Tab - Chromium", "New Tab"),
            ("brave.exe", "GitHub - Brave", "GitHub"),
            ("firefox", "Docs \u{2014} Firefox Developer Edition", "Docs"),
            ("Slack", "general (Channel) - Team - Slack", "general (Channel) - Team"),
            ("obsidian", "notes - vault - Obsidian", "notes - vault"),
            ("Spotify", "Spotify", ""),
            // A site name is topic, not app: kept.
            ("firefox", "Why Rust? - YouTube \u{2014} Mozilla Firefox", "Why Rust? - YouTube"),
            // "Profile 1" is only a profile right before a browser name.
            ("gedit", "Profile 1 - notes.txt", "Profile 1 - notes.txt"),
        ];
        for (app, title, want) in cases {
            assert_eq!(clean_title(app, title), want, "{app}: {title}");
        }
    }
}
