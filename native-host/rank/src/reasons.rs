//! Up to three reasons a person understands, from the facts the cold start found, strongest first.

use crate::cold::Evidence;
use crate::input::Signal;

/// How many reasons a tile gets at most.
pub const MAX_REASONS: usize = 3;
/// A productive score from which "matches what you were doing" is said.
const CONTEXT_REASON_FROM: f32 = 0.6;
/// How far above unrelated (in spreads) a history video must be to be named as similar.
const SIMILAR_FROM_Z: f32 = 1.5;
/// Longest title quoted in a reason.
const TITLE_CHARS: usize = 60;

pub(crate) fn reasons(evidence: &Evidence, productive: f32) -> Vec<String> {
    let mut out = Vec::new();
    let ch = evidence.channel;
    if ch.liked > 0 {
        out.push(count_phrase("you liked", ch.liked, "from this channel"));
    }
    if productive >= CONTEXT_REASON_FROM {
        if let Some((app, title)) = &evidence.context_match {
            out.push(format!("matches what you were doing: {}", activity(app, title)));
        }
    }
    if let Some((title, signal, z)) = &evidence.closest {
        if *z >= SIMILAR_FROM_Z {
            let what = if *signal == Signal::Liked { "like videos you liked" } else { "like videos you watched" };
            out.push(format!("{what}: {}", clip(title)));
        }
    }
    if ch.watched >= 2 && ch.liked == 0 {
        out.push(count_phrase("you watched", ch.watched, "from this channel"));
    }
    if ch.disliked > 0 {
        out.push(count_phrase("you disliked", ch.disliked, "from this channel"));
    }
    out.truncate(MAX_REASONS);
    out
}

fn count_phrase(verb: &str, n: u32, tail: &str) -> String {
    if n == 1 {
        format!("{verb} a video {tail}")
    } else {
        format!("{verb} {n} videos {tail}")
    }
}

/// "Code - navbar.js": the app without a Windows `.exe`, then the title.
fn activity(app: &str, title: &str) -> String {
    let app = app.strip_suffix(".exe").or_else(|| app.strip_suffix(".EXE")).unwrap_or(app).trim();
    let title = clip(title);
    match (app.is_empty(), title.is_empty()) {
        (true, _) => title,
        (false, true) => app.to_owned(),
        (false, false) => format!("{app} - {title}"),
    }
}

fn clip(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() <= TITLE_CHARS {
        return text.to_owned();
    }
    let mut clipped: String = text.chars().take(TITLE_CHARS - 1).collect();
    clipped.push('…');
    clipped
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::ChannelStats;

    #[test]
    fn reasons_read_like_sentences() {
        let evidence = Evidence {
            interest: 0.8,
            features: [0.0; crate::interest::FEATURES],
            productive: 0.7,
            channel: ChannelStats { watched: 9, liked: 4, disliked: 0 },
            closest: Some(("CSS Grid in 100 Seconds".into(), Signal::Watched, 2.0)),
            context_match: Some(("Code.exe".into(), "navbar.js".into())),
        };
        assert_eq!(
            reasons(&evidence, 0.7),
            [
                "you liked 4 videos from this channel",
                "matches what you were doing: Code - navbar.js",
                "like videos you watched: CSS Grid in 100 Seconds",
            ]
        );
        let quiet = Evidence { channel: ChannelStats { watched: 1, liked: 0, disliked: 1 }, ..evidence };
        assert_eq!(reasons(&quiet, 0.4), ["like videos you watched: CSS Grid in 100 Seconds", "you disliked a video from this channel"]);
    }
}
