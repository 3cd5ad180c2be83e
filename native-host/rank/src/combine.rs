//! The final score: how interest and productive ("right time") combine, given the person's focus
//! setting and the time of day.
//!
//! `final = interest^(1 - w) * productive^w`, a weighted geometric mean, with
//! `w = focus * (OFF_HOURS_SHARE + (1 - OFF_HOURS_SHARE) * working)`, where `working` is 1 inside
//! the person's working hours on a working day, 0 outside, and ramps linearly over
//! [`RAMP_HOURS`] at both ends. So at full focus in working hours only the fit to what the person
//! is doing counts; off hours it weighs [`OFF_HOURS_SHARE`] of that. A geometric mean (not a sum)
//! means a video must be both interesting and timely to lead: a perfectly on-topic video nobody
//! wants still scores low. With an empty context productive is 0.5 for every tile, so the order
//! is then interest's order.

use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{RankError, Result};
use crate::input::Context;

/// Share of the focus weight that still applies outside working hours.
pub const OFF_HOURS_SHARE: f32 = 0.3;
/// Length of the linear ramp at the start and end of working hours.
pub const RAMP_HOURS: f64 = 1.0;

/// The person's settings that shape the final score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preferences {
    /// 0 = rank by interest only, 1 = let fit-to-context dominate in working hours. Default 0.5.
    pub focus: f32,
    /// Local hour working hours begin. Default 9.
    pub work_start_hour: f32,
    /// Local hour working hours end. Default 18.
    pub work_end_hour: f32,
    /// Working days, Monday first. Default Monday to Friday.
    pub work_days: [bool; 7],
}

impl Default for Preferences {
    fn default() -> Self {
        Preferences { focus: 0.5, work_start_hour: 9.0, work_end_hour: 18.0, work_days: [true, true, true, true, true, false, false] }
    }
}

impl Preferences {
    pub fn validate(&self) -> Result<()> {
        if !(0.0..=1.0).contains(&self.focus) {
            return Err(RankError::InvalidOption(format!("focus must be within 0..=1, got {}", self.focus)));
        }
        let hours = 0.0..=24.0;
        if !hours.contains(&self.work_start_hour) || !hours.contains(&self.work_end_hour) {
            return Err(RankError::InvalidOption("working hours must be within 0..=24".into()));
        }
        Ok(())
    }

    /// How much `time` lies in working hours for this person, 0..=1.
    pub fn working(&self, context: &Context, time: DateTime<Utc>) -> f32 {
        let local = time.with_timezone(&context.utc_offset());
        if !self.work_days[local.weekday().num_days_from_monday() as usize] {
            return 0.0;
        }
        let hour = context.local_hour(time);
        let (start, end) = (f64::from(self.work_start_hour), f64::from(self.work_end_hour));
        let rise = ((hour - start) / RAMP_HOURS + 0.5).clamp(0.0, 1.0);
        let fall = ((end - hour) / RAMP_HOURS + 0.5).clamp(0.0, 1.0);
        rise.min(fall) as f32
    }

    /// The weight of productive in the final score at the context's time.
    pub fn productive_weight(&self, context: &Context) -> f32 {
        let working = self.working(context, context.at());
        self.focus * (OFF_HOURS_SHARE + (1.0 - OFF_HOURS_SHARE) * working)
    }
}

/// Combines the two probabilities with the weight from [`Preferences::productive_weight`].
pub fn final_score(interest: f32, productive: f32, productive_weight: f32) -> f32 {
    let w = productive_weight.clamp(0.0, 1.0);
    let i = interest.clamp(1e-6, 1.0);
    let p = productive.clamp(1e-6, 1.0);
    i.powf(1.0 - w) * p.powf(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{FixedOffset, TimeZone};

    fn context_at(y: i32, m: u32, d: u32, h: u32, offset_h: i32) -> Context {
        let offset = FixedOffset::east_opt(offset_h * 3600).expect("offset");
        let local = offset.with_ymd_and_hms(y, m, d, h, 0, 0).single().expect("time");
        Context::empty(local.with_timezone(&Utc), offset)
    }

    #[test]
    fn working_hours_are_read_in_the_persons_own_zone() {
        let prefs = Preferences::default();
        // Monday 2024-03-04, 11:00 in Bangkok (UTC+7) is 04:00 UTC: working there.
        assert_eq!(prefs.working(&context_at(2024, 3, 4, 11, 7), context_at(2024, 3, 4, 11, 7).at()), 1.0);
        let evening = context_at(2024, 3, 4, 22, 7);
        assert_eq!(prefs.working(&evening, evening.at()), 0.0);
        let saturday = context_at(2024, 3, 9, 11, 7);
        assert_eq!(prefs.working(&saturday, saturday.at()), 0.0);
        let edge = context_at(2024, 3, 4, 9, -5);
        assert_eq!(prefs.working(&edge, edge.at()), 0.5);
    }

    #[test]
    fn focus_shifts_weight_to_productive_in_working_hours() {
        let prefs = Preferences { focus: 1.0, ..Preferences::default() };
        let work = context_at(2024, 3, 4, 11, 0);
        let night = context_at(2024, 3, 4, 23, 0);
        assert_eq!(prefs.productive_weight(&work), 1.0);
        assert!((prefs.productive_weight(&night) - OFF_HOURS_SHARE).abs() < 1e-6);
        // In working hours at full focus a timely video beats a more interesting untimely one.
        assert!(final_score(0.6, 0.9, 1.0) > final_score(0.9, 0.2, 1.0));
        // With no focus only interest counts.
        assert!(final_score(0.9, 0.1, 0.0) > final_score(0.6, 0.99, 0.0));
        // A neutral productive keeps interest's order.
        assert!(final_score(0.7, 0.5, 0.5) > final_score(0.6, 0.5, 0.5));
        assert!(Preferences { focus: 1.5, ..Preferences::default() }.validate().is_err());
    }
}
