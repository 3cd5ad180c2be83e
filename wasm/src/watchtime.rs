//! How much of a video was really watched, and what a change of the like buttons means.
//!
//! Pure rules, fed by the player's media events and the buttons' `aria-pressed` (see `watch.rs`),
//! tested natively. Watched time counts content seconds the player advanced while it played a
//! video (not an ad) at its playback rate, as Tournesol does; jumps (seeks, the switch from an ad
//! back to the video) count nothing.

use vrdndi_protocol::FeedbackKind;

/// Accumulates watched content seconds from (wall clock, media time) samples.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlayClock {
    watched_s: f64,
    last: Option<(f64, f64)>,
}

impl PlayClock {
    /// A sample at `wall_s` (monotonic seconds) with the player at `media_s` and playing at `rate`.
    /// `counting` is false while paused, seeking, or an ad plays: then nothing is added and the
    /// next sample starts a new stretch.
    pub fn sample(&mut self, wall_s: f64, media_s: f64, rate: f64, counting: bool) {
        if let (Some((wall0, media0)), true) = (self.last, counting) {
            let wall = wall_s - wall0;
            let media = media_s - media0;
            // A stretch plays `wall * rate` seconds of content; more than that (with slack for
            // event timing) is a jump, less than zero is a seek back.
            let rate = if rate.is_finite() && rate > 0.0 { rate } else { 1.0 };
            if wall > 0.0 && media > 0.0 && media <= wall * rate * 1.5 + 0.5 {
                self.watched_s += media;
            }
        }
        self.last = counting.then_some((wall_s, media_s));
    }

    /// Ends the current stretch (pause, seek, ad, navigation).
    pub fn pause(&mut self) {
        self.last = None;
    }

    pub fn watched_s(&self) -> f64 {
        self.watched_s
    }

    /// Share of `duration_s` watched, 0..=1; zero when the duration is unknown.
    pub fn fraction(&self, duration_s: Option<f64>) -> f32 {
        match duration_s {
            Some(duration) if duration.is_finite() && duration > 0.0 => (self.watched_s / duration).clamp(0.0, 1.0) as f32,
            _ => 0.0,
        }
    }
}

/// What the like buttons show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LikeState {
    Neither,
    Liked,
    Disliked,
}

impl LikeState {
    pub fn from_pressed(like: bool, dislike: bool) -> LikeState {
        match (like, dislike) {
            (true, _) => LikeState::Liked,
            (false, true) => LikeState::Disliked,
            (false, false) => LikeState::Neither,
        }
    }
}

/// The feedback a person gave by changing the buttons from `before` to `after`.
pub fn feedback_for(before: LikeState, after: LikeState) -> Option<FeedbackKind> {
    match (before, after) {
        (a, b) if a == b => None,
        (_, LikeState::Liked) => Some(FeedbackKind::Like),
        (_, LikeState::Disliked) => Some(FeedbackKind::Dislike),
        (_, LikeState::Neither) => Some(FeedbackKind::RemoveLike),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn playing_at_double_speed_counts_content_seconds() {
        let mut clock = PlayClock::default();
        for step in 0..=8 {
            let wall = step as f64 * 0.25;
            clock.sample(wall, wall * 2.0, 2.0, true);
        }
        assert!((clock.watched_s() - 4.0).abs() < 1e-9);
        assert!((clock.fraction(Some(8.0)) - 0.5).abs() < 1e-6);
    }

    #[test]
    fn ads_pauses_and_seeks_count_nothing() {
        let mut clock = PlayClock::default();
        clock.sample(0.0, 0.0, 1.0, false); // ad
        clock.sample(5.0, 5.0, 1.0, false); // still the ad
        clock.sample(5.1, 0.0, 1.0, true); // the video starts
        clock.sample(6.1, 1.0, 1.0, true); // 1 s watched
        clock.sample(6.3, 120.0, 1.0, true); // a seek forward
        clock.sample(7.3, 121.0, 1.0, true); // 1 s watched
        clock.pause();
        clock.sample(60.0, 122.0, 1.0, true); // after a long pause: a new stretch
        clock.sample(61.0, 121.0, 1.0, true); // seek back
        assert!((clock.watched_s() - 2.0).abs() < 1e-9, "{}", clock.watched_s());
    }

    #[test]
    fn fraction_is_bounded_and_needs_a_duration() {
        let mut clock = PlayClock::default();
        clock.sample(0.0, 0.0, 1.0, true);
        clock.sample(1.0, 1.0, 1.0, true);
        assert_eq!(clock.fraction(None), 0.0);
        assert_eq!(clock.fraction(Some(f64::INFINITY)), 0.0);
        assert_eq!(clock.fraction(Some(0.5)), 1.0);
    }

    #[test]
    fn button_changes_become_feedback() {
        use LikeState::*;
        assert_eq!(feedback_for(Neither, Liked), Some(FeedbackKind::Like));
        assert_eq!(feedback_for(Neither, Disliked), Some(FeedbackKind::Dislike));
        assert_eq!(feedback_for(Liked, Disliked), Some(FeedbackKind::Dislike));
        assert_eq!(feedback_for(Liked, Neither), Some(FeedbackKind::RemoveLike));
        assert_eq!(feedback_for(Disliked, Neither), Some(FeedbackKind::RemoveLike));
        assert_eq!(feedback_for(Liked, Liked), None);
        assert_eq!(LikeState::from_pressed(true, true), Liked);
    }
}
