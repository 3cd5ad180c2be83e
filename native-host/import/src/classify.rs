//! Ads, YouTube Music and Shorts are kept apart from ordinary videos: they say little about what
//! a person chooses to watch, and the ranker weighs them differently. Takeout marks each in its
//! own way: ads by a "From Google Ads" detail, music by the "YouTube Music" header or a
//! music.youtube.com link, Shorts by a `/shorts/` link or, in watch histories that write Shorts as
//! ordinary `watch?v=` links, by the `#shorts` hashtag in the title.

use vrdndi_protocol::VideoKind;

/// What one activity entry says about its video.
#[derive(Debug, Clone, Copy, Default)]
pub struct Signals<'a> {
    /// The entry's header ("YouTube", "YouTube Music").
    pub header: Option<&'a str>,
    /// A "From Google Ads" (or localized "… Google Ads") detail is present.
    pub ad: bool,
    pub music_link: bool,
    pub shorts_link: bool,
    pub title: &'a str,
}

/// Ads first (an ad can be a music video), then music, then Shorts.
pub fn video_kind(signals: Signals<'_>) -> VideoKind {
    if signals.ad {
        VideoKind::Ad
    } else if signals.music_link || signals.header.is_some_and(|h| h.trim() == "YouTube Music") {
        VideoKind::Music
    } else if signals.shorts_link || has_shorts_hashtag(signals.title) {
        VideoKind::Short
    } else {
        VideoKind::Video
    }
}

/// True for a detail line that marks an ad. The product name is not translated, the words
/// around it are ("From Google Ads", "Von Google Ads").
pub fn is_ad_detail(detail: &str) -> bool {
    detail.to_lowercase().contains("google ads")
}

/// `#shorts` or `#short` as a whole hashtag, in any case.
fn has_shorts_hashtag(title: &str) -> bool {
    let lower = title.to_lowercase();
    lower.match_indices('#').any(|(at, _)| {
        let tag: String = lower[at + 1..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        tag == "shorts" || tag == "short"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(header: &str, title: &str, ad: bool) -> VideoKind {
        video_kind(Signals { header: Some(header), ad, title, ..Signals::default() })
    }

    #[test]
    fn each_kind_is_recognised() {
        assert_eq!(kind("YouTube", "Yarn vs NPM", false), VideoKind::Video);
        assert_eq!(kind("YouTube Music", "Dynamite", false), VideoKind::Music);
        assert_eq!(kind("YouTube", "cat jumps #Shorts", false), VideoKind::Short);
        assert_eq!(kind("YouTube", "so tall #short #funny", false), VideoKind::Short);
        assert_eq!(kind("YouTube", "#shortstory reading", false), VideoKind::Video);
        assert_eq!(kind("YouTube Music", "an ad", true), VideoKind::Ad);
        assert!(is_ad_detail("From Google Ads"));
        assert!(!is_ad_detail("Watched at 15:34"));
    }
}
