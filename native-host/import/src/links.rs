//! What a YouTube link points at. Takeout writes the same video as `watch?v=`, `youtu.be/`,
//! `/shorts/` or `music.youtube.com` links depending on the year and the app; everything else
//! in the importer asks this module instead of matching strings itself.

use url::Url;
use vrdndi_protocol::Video;

/// Where a link goes, as far as the importer cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    /// A video; `short` when the link is a `/shorts/` one, `music` when it is on YouTube Music.
    Video { id: String, short: bool, music: bool },
    /// A YouTube search results page, with its query.
    Search { query: String },
    /// Anything else on YouTube (community posts, playables, channels, YouTube Music's home).
    OtherYouTube,
    /// Off YouTube (an ad's landing page, another Google product).
    Elsewhere,
}

fn is_youtube_host(host: &str) -> bool {
    let host = host.trim_start_matches("www.").trim_start_matches("m.");
    matches!(host, "youtube.com" | "music.youtube.com" | "youtu.be" | "youtube-nocookie.com")
}

/// Classifies a link. Unparseable text is `Elsewhere`.
pub fn classify(link: &str) -> Link {
    let Ok(url) = Url::parse(link.trim()) else { return Link::Elsewhere };
    let Some(host) = url.host_str().map(str::to_ascii_lowercase) else { return Link::Elsewhere };
    if !is_youtube_host(&host) {
        return Link::Elsewhere;
    }
    let music = host == "music.youtube.com";
    let segments = url.path_segments().map(|s| s.filter(|p| !p.is_empty()).collect::<Vec<_>>()).unwrap_or_default();
    let video = |id: &str, short: bool| {
        if Video::is_valid_id(id) {
            Link::Video { id: id.to_owned(), short, music }
        } else {
            Link::OtherYouTube
        }
    };
    if host.ends_with("youtu.be") {
        return match segments.first() {
            Some(id) => video(id, false),
            None => Link::OtherYouTube,
        };
    }
    match segments.as_slice() {
        ["watch"] => match url.query_pairs().find(|(k, _)| k == "v") {
            Some((_, id)) => video(&id, false),
            None => Link::OtherYouTube,
        },
        ["shorts", id] | ["shorts", id, ..] => video(id, true),
        ["embed", id] | ["live", id] | ["v", id] => video(id, false),
        ["results"] => match url.query_pairs().find(|(k, _)| k == "search_query" || k == "q") {
            Some((_, query)) => Link::Search { query: query.into_owned() },
            None => Link::OtherYouTube,
        },
        _ => Link::OtherYouTube,
    }
}

/// The channel id (`UC…`) or handle (`@name`) a channel link names.
pub fn channel_id(link: &str) -> Option<String> {
    let url = Url::parse(link.trim()).ok()?;
    if !is_youtube_host(&url.host_str()?.to_ascii_lowercase()) {
        return None;
    }
    let segments: Vec<&str> = url.path_segments()?.filter(|p| !p.is_empty()).collect();
    match segments.as_slice() {
        ["channel", id, ..] if id.starts_with("UC") => Some((*id).to_owned()),
        [handle, ..] if handle.starts_with('@') && handle.len() > 1 => Some((*handle).to_owned()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(link: &str) -> Option<(String, bool, bool)> {
        match classify(link) {
            Link::Video { id, short, music } => Some((id, short, music)),
            _ => None,
        }
    }

    #[test]
    fn every_video_link_form_gives_the_id() {
        let plain = Some(("dQw4w9WgXcQ".to_owned(), false, false));
        assert_eq!(id("https://www.youtube.com/watch?v=dQw4w9WgXcQ"), plain);
        assert_eq!(id("https://youtube.com/watch?app=desktop&v=dQw4w9WgXcQ&t=10s"), plain);
        assert_eq!(id("https://m.youtube.com/watch?v=dQw4w9WgXcQ"), plain);
        assert_eq!(id("https://youtu.be/dQw4w9WgXcQ?t=3"), plain);
        assert_eq!(id("https://www.youtube.com/shorts/dQw4w9WgXcQ"), Some(("dQw4w9WgXcQ".to_owned(), true, false)));
        assert_eq!(id("https://music.youtube.com/watch?v=dQw4w9WgXcQ"), Some(("dQw4w9WgXcQ".to_owned(), false, true)));
    }

    #[test]
    fn other_links_are_told_apart() {
        assert_eq!(classify("https://www.youtube.com/results?search_query=rust+%C4%8Das"), Link::Search { query: "rust čas".to_owned() });
        assert_eq!(classify("https://www.youtube.com/post/UgkxaZwm6GLrfO9C0O11e5gEL8xXlpB8-wks"), Link::OtherYouTube);
        assert_eq!(classify("https://www.youtube.com/watch?v=short"), Link::OtherYouTube);
        assert_eq!(classify("https://www.google.com/url?q=https://example.com"), Link::Elsewhere);
        assert_eq!(classify("a video that has been removed"), Link::Elsewhere);
    }

    #[test]
    fn channel_links_give_ids_or_handles() {
        assert_eq!(channel_id("https://www.youtube.com/channel/UCVTlvUkGslCV_h-nSAId8Sw").as_deref(), Some("UCVTlvUkGslCV_h-nSAId8Sw"));
        assert_eq!(channel_id("http://www.youtube.com/@LearnCode").as_deref(), Some("@LearnCode"));
        assert_eq!(channel_id("https://www.youtube.com/user/someone"), None);
    }
}
