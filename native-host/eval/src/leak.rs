//! An independent check that no method was shown the future.
//!
//! The protocol is built so that leaks cannot happen; this module does not trust that. It looks
//! at what each method was actually given (the past of every slate, the learned model's training
//! examples) and counts every fact that should be impossible. A run reports the counts, a test
//! asserts they are zero, and another test plants a leak to show the check catches one.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::learned::Example;
use crate::methods::Past;
use crate::slates::Slate;

/// Counts of impossible facts; all zero in an honest run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LeakCheck {
    /// Slates checked.
    pub slates: usize,
    /// Watches in a method's past at or after the slate's ranking time.
    pub history_at_or_after_ranking_time: usize,
    /// Slate videos (positive or negative) found in the past the methods were given.
    pub slate_videos_in_history: usize,
    /// Negatives the person had watched by the end of the day.
    pub negatives_watched: usize,
    /// Training examples at or after the split.
    pub training_after_split: usize,
    /// Training positives found on a test slate, and training negatives that are also test
    /// negatives (the two halves of the pool must not meet). A training negative the person
    /// first watches after the split is not counted: as of the split it was unwatched.
    pub training_videos_on_slates: usize,
}

impl LeakCheck {
    pub fn violations(&self) -> usize {
        self.history_at_or_after_ranking_time
            + self.slate_videos_in_history
            + self.negatives_watched
            + self.training_after_split
            + self.training_videos_on_slates
    }

    /// Checks one slate against the past its methods got and what the person had watched by the
    /// end of the day.
    pub fn check_slate(&mut self, past: &Past<'_>, slate: &Slate, watched_by_day_end: &HashSet<&str>) {
        self.slates += 1;
        self.history_at_or_after_ranking_time += past.watches.iter().filter(|w| w.at >= slate.day.start).count();
        let in_past: HashSet<&str> = past.watches.iter().map(|w| w.video.video_id.as_str()).collect();
        self.slate_videos_in_history += slate.videos.iter().filter(|v| in_past.contains(v.video_id.as_str())).count();
        self.negatives_watched +=
            slate.videos.iter().zip(&slate.relevant).filter(|(v, &r)| !r && watched_by_day_end.contains(v.video_id.as_str())).count();
    }

    /// Checks a training set against the split and every slate of the same person.
    pub fn check_training(&mut self, examples: &[Example], split: DateTime<Utc>, slates: &[Slate]) {
        self.training_after_split += examples.iter().filter(|e| e.at >= split).count();
        let on_slates: HashSet<&str> = slates.iter().flat_map(|s| s.videos.iter().map(|v| v.video_id.as_str())).collect();
        let slate_negatives: HashSet<&str> =
            slates.iter().flat_map(|s| s.videos.iter().zip(&s.relevant).filter(|(_, &r)| !r).map(|(v, _)| v.video_id.as_str())).collect();
        self.training_videos_on_slates += examples
            .iter()
            .filter(|e| {
                let id = e.video.video_id.as_str();
                if e.watched {
                    on_slates.contains(id)
                } else {
                    slate_negatives.contains(id)
                }
            })
            .count();
    }
}
