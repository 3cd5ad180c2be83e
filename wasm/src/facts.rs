//! Page facts as tiny pure functions: what a link, a badge or a location says.
//!
//! They take strings that the DOM layer read and return typed answers, so they are tested natively
//! (`cargo test -p vrdndi-wasm`) against the strings YouTube really shows.

use vrdndi_protocol::Video;

/// The video id in a YouTube link: `/watch?v=ID&...`, `/shorts/ID`, absolute or relative, with or
/// without extra query parameters. `None` for anything that is not a valid 11-character id.
pub fn video_id_from_href(href: &str) -> Option<String> {
    let path_and_query = strip_origin(href);
    let id = if let Some(rest) = path_and_query.strip_prefix("/shorts/") {
        rest.split(['?', '#', '/']).next()
    } else if let Some(query) = path_and_query.strip_prefix("/watch?") {
        query_param(query, "v")
    } else {
        None
    }?;
    Video::is_valid_id(id).then(|| id.to_owned())
}

/// True when the link points at a short rather than a video.
pub fn is_shorts_href(href: &str) -> bool {
    strip_origin(href).starts_with("/shorts/")
}

/// Whether a link opens a playlist or a mix (`list=`) rather than one video.
pub fn is_list_href(href: &str) -> bool {
    strip_origin(href).split_once('?').is_some_and(|(_, query)| query_param(query, "list").is_some())
}

/// The channel a link names: `/@handle` gives `@handle`, `/channel/UC…` gives `UC…`. Older
/// `/c/name` and `/user/name` links name no stable id and give `None`.
pub fn channel_from_href(href: &str) -> Option<String> {
    let path = strip_origin(href).split(['?', '#']).next().unwrap_or_default();
    if let Some(rest) = path.strip_prefix("/@") {
        let handle = rest.split('/').next().unwrap_or_default();
        return (!handle.is_empty()).then(|| format!("@{}", percent_decode(handle)));
    }
    if let Some(rest) = path.strip_prefix("/channel/") {
        let id = rest.split('/').next().unwrap_or_default();
        return (id.starts_with("UC") && id.len() > 2).then(|| id.to_owned());
    }
    None
}

/// Seconds in a duration badge: `"4:05"`, `"12:34"`, `"1:02:03"`, with the whitespace and newlines
/// the badge carries. `None` for `"LIVE"`, `"SHORTS"`, `"UPCOMING"` and anything else.
pub fn parse_duration(text: &str) -> Option<u32> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let parts: Vec<&str> = text.split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return None;
    }
    let mut seconds: u32 = 0;
    for (index, part) in parts.iter().enumerate() {
        if part.is_empty() || part.len() > 3 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let value: u32 = part.parse().ok()?;
        // Minutes and seconds after the first field are two digits below 60.
        if index > 0 && (part.len() != 2 || value >= 60) {
            return None;
        }
        seconds = seconds.checked_mul(60)?.checked_add(value)?;
    }
    Some(seconds)
}

/// Which YouTube page a location is, from its path and query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Page {
    Home,
    /// The subscriptions feed: its videos are read, never reordered.
    Subscriptions,
    /// A watch page and its video id.
    Watch(String),
    Other,
}

/// Classifies `location.pathname` + `location.search`.
pub fn page_of(pathname: &str, search: &str) -> Page {
    match pathname {
        "" | "/" => Page::Home,
        "/feed/subscriptions" => Page::Subscriptions,
        "/watch" => match query_param(search.trim_start_matches('?'), "v") {
            Some(id) if Video::is_valid_id(id) => Page::Watch(id.to_owned()),
            _ => Page::Other,
        },
        _ => Page::Other,
    }
}

/// A title as YouTube's document title shows it, without the trailing " - YouTube" and the
/// leading notification count "(3) ".
pub fn title_from_document_title(title: &str) -> String {
    let title = title.trim();
    let title = title.strip_suffix(" - YouTube").unwrap_or(title);
    let title = match title.strip_prefix('(') {
        Some(rest) => match rest.split_once(") ") {
            Some((count, after)) if !count.is_empty() && count.bytes().all(|b| b.is_ascii_digit() || b == b'+') => after,
            _ => title,
        },
        None => title,
    };
    title.trim().to_owned()
}

/// Collapses the runs of whitespace and newlines that YouTube's templates leave in text.
pub fn clean_text(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn strip_origin(href: &str) -> &str {
    let href = href.trim();
    for origin in ["https://www.youtube.com", "https://youtube.com", "https://m.youtube.com", "http://www.youtube.com"] {
        if let Some(rest) = href.strip_prefix(origin) {
            return rest;
        }
    }
    href
}

fn query_param<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query
        .split('#')
        .next()
        .unwrap_or_default()
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// Handles may hold non-ASCII letters, which links carry percent-encoded.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if byte == b'%' {
            let hex = bytes.get(index + 1..index + 3).and_then(|h| std::str::from_utf8(h).ok());
            if let Some(value) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(value);
                index += 3;
                continue;
            }
        }
        out.push(byte);
        index += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn video_ids_come_from_watch_and_shorts_links() {
        assert_eq!(video_id_from_href("/watch?v=dQw4w9WgXcQ").as_deref(), Some("dQw4w9WgXcQ"));
        assert_eq!(video_id_from_href("/watch?v=dQw4w9WgXcQ&pp=ygUJcmljayByb2xs").as_deref(), Some("dQw4w9WgXcQ"));
        assert_eq!(video_id_from_href("/watch?pp=abc&v=dQw4w9WgXcQ&t=42s").as_deref(), Some("dQw4w9WgXcQ"));
        assert_eq!(video_id_from_href("https://www.youtube.com/watch?v=dQw4w9WgXcQ").as_deref(), Some("dQw4w9WgXcQ"));
        assert_eq!(video_id_from_href("/shorts/aBcD_-12345").as_deref(), Some("aBcD_-12345"));
        assert_eq!(video_id_from_href("/shorts/aBcD_-12345?feature=share").as_deref(), Some("aBcD_-12345"));
        assert!(is_shorts_href("https://www.youtube.com/shorts/aBcD_-12345"));
        assert!(!is_shorts_href("/watch?v=dQw4w9WgXcQ"));
    }

    #[test]
    fn links_without_a_valid_id_give_none() {
        for href in [
            "",
            "/",
            "/watch",
            "/watch?v=",
            "/watch?v=short",
            "/watch?list=PL123",
            "/@someone",
            "/watch?v=dQw4w9WgXcQextra",
            "/shorts/",
            "/playlist?list=PL",
            "javascript:alert(1)",
            "/watch?v=dQw4w9WgX<Q",
        ] {
            assert_eq!(video_id_from_href(href), None, "{href}");
        }
    }

    #[test]
    fn channels_come_from_handle_and_channel_links() {
        assert_eq!(channel_from_href("/@LinusTechTips").as_deref(), Some("@LinusTechTips"));
        assert_eq!(channel_from_href("/@LinusTechTips/videos").as_deref(), Some("@LinusTechTips"));
        assert_eq!(channel_from_href("https://www.youtube.com/@3blue1brown").as_deref(), Some("@3blue1brown"));
        assert_eq!(channel_from_href("/@%C3%A9tienne").as_deref(), Some("@étienne"));
        assert_eq!(channel_from_href("/channel/UCYO_jab_esuFRV4b17AJtAw").as_deref(), Some("UCYO_jab_esuFRV4b17AJtAw"));
        assert_eq!(channel_from_href("/c/someone"), None);
        assert_eq!(channel_from_href("/user/someone"), None);
        assert_eq!(channel_from_href("/@"), None);
        assert_eq!(channel_from_href("/watch?v=dQw4w9WgXcQ"), None);
    }

    #[test]
    fn durations_parse_as_the_badge_shows_them() {
        assert_eq!(parse_duration("4:05"), Some(245));
        assert_eq!(parse_duration("12:34"), Some(754));
        assert_eq!(parse_duration("\n   1:02:03\n  "), Some(3723));
        assert_eq!(parse_duration("0:59"), Some(59));
        assert_eq!(parse_duration("100:00:00"), Some(360_000));
        for text in ["", "LIVE", "SHORTS", "UPCOMING", "12", "1:2", "1:60", "1:02:60", ":30", "1::30", "1:02:03:04", "-1:30", "1:3a"] {
            assert_eq!(parse_duration(text), None, "{text}");
        }
    }

    #[test]
    fn playlist_and_mix_links_are_told_from_video_links() {
        assert!(is_list_href("/watch?v=dQw4w9WgXcQ&list=RDdQw4w9WgXcQ&start_radio=1"));
        assert!(is_list_href("https://www.youtube.com/playlist?list=PL1"));
        assert!(!is_list_href("/watch?v=dQw4w9WgXcQ&t=3"));
        assert!(!is_list_href("/watch?v=dQw4w9WgXcQ&playlist_like=1"));
    }

    #[test]
    fn pages_are_told_apart_by_location() {
        assert_eq!(page_of("/", ""), Page::Home);
        assert_eq!(page_of("/", "?bp=wgUCEAE%3D"), Page::Home);
        assert_eq!(page_of("/watch", "?v=dQw4w9WgXcQ&t=3"), Page::Watch("dQw4w9WgXcQ".into()));
        assert_eq!(page_of("/watch", "?list=PL1"), Page::Other);
        assert_eq!(page_of("/feed/subscriptions", ""), Page::Subscriptions);
        assert_eq!(page_of("/feed/subscriptions", "?flow=2"), Page::Subscriptions);
        assert_eq!(page_of("/feed/history", ""), Page::Other);
        assert_eq!(page_of("/shorts/aBcD_-12345", ""), Page::Other);
    }

    #[test]
    fn document_titles_lose_youtube_decorations() {
        assert_eq!(title_from_document_title("(3) Never Gonna Give You Up - YouTube"), "Never Gonna Give You Up");
        assert_eq!(title_from_document_title("(99+) A - YouTube"), "A");
        assert_eq!(title_from_document_title("(Live) Concert - YouTube"), "(Live) Concert");
        assert_eq!(title_from_document_title("YouTube"), "YouTube");
    }

    #[test]
    fn text_is_collapsed() {
        assert_eq!(clean_text("\n  Rick   Astley \n"), "Rick Astley");
    }
}
