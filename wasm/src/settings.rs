//! The person's options (hide below a score, hide Shorts, boost or block channels) as strict types.
//!
//! The popup stores them in `chrome.storage.local` under [`STORAGE_KEY`] as loosely typed JSON (a
//! threshold may arrive as `"0.3"`, a channel list as one comma- or newline-separated string);
//! [`Settings::from_json`] accepts that and hands the rest of the crate strict values, or says
//! which field is wrong. The key names are mirrored in `extension/protocol.js` (checked by a test).

use serde_json::Value;
use vrdndi_protocol::{Video, VideoKind};

/// Where the extension keeps the settings object in `chrome.storage.local`.
pub const STORAGE_KEY: &str = "settings";

/// The settings object's keys, as the popup writes them.
pub const KEYS: [&str; 4] = ["hideBelow", "hideShorts", "boostChannels", "blockChannels"];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("settings must be a JSON object")]
    NotAnObject,
    #[error("`hideBelow` must be a number from 0 to 1 or empty, not {0}")]
    Threshold(String),
    #[error("`{0}` must be true or false")]
    Flag(&'static str),
    #[error("`{0}` must be a list of channels or a comma-separated text")]
    Channels(&'static str),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    /// Hide tiles whose final score is below this (0..=1); `None` hides nothing.
    pub hide_below: Option<f32>,
    /// Hide the Shorts shelf and single Shorts tiles.
    pub hide_shorts: bool,
    /// Channels whose tiles go first, each a handle (`@name`), a channel id (`UC…`) or a display
    /// name; compared without case.
    pub boost_channels: Vec<String>,
    /// Channels whose tiles are hidden.
    pub block_channels: Vec<String>,
}

impl Settings {
    /// Reads the stored settings object; absent keys keep their defaults.
    pub fn from_json(value: &Value) -> Result<Settings, SettingsError> {
        let object = match value {
            Value::Null => return Ok(Settings::default()),
            Value::Object(object) => object,
            _ => return Err(SettingsError::NotAnObject),
        };
        let hide_below = match object.get("hideBelow") {
            None | Some(Value::Null) => None,
            Some(Value::String(text)) if text.trim().is_empty() => None,
            Some(Value::String(text)) => Some(threshold(text.trim().parse::<f64>().ok(), text)?),
            Some(Value::Number(number)) => Some(threshold(number.as_f64(), &number.to_string())?),
            Some(other) => return Err(SettingsError::Threshold(other.to_string())),
        };
        let hide_shorts = match object.get("hideShorts") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(flag)) => *flag,
            Some(_) => return Err(SettingsError::Flag("hideShorts")),
        };
        Ok(Settings {
            hide_below,
            hide_shorts,
            boost_channels: channels(object.get("boostChannels"), "boostChannels")?,
            block_channels: channels(object.get("blockChannels"), "blockChannels")?,
        })
    }

    /// Whether this tile stays out of sight: blocked channel, a short while Shorts are hidden, or a
    /// score below the threshold. A tile not scored yet is never hidden for its score.
    pub fn hides(&self, video: &Video, final_score: Option<f32>) -> bool {
        (self.hide_shorts && video.kind == VideoKind::Short)
            || matches_any(&self.block_channels, video)
            || matches!((self.hide_below, final_score), (Some(limit), Some(score)) if score < limit)
    }

    /// Whether this tile's channel is boosted.
    pub fn boosts(&self, video: &Video) -> bool {
        matches_any(&self.boost_channels, video)
    }
}

fn threshold(value: Option<f64>, shown: &str) -> Result<f32, SettingsError> {
    match value {
        Some(value) if (0.0..=1.0).contains(&value) => Ok(value as f32),
        _ => Err(SettingsError::Threshold(shown.to_owned())),
    }
}

fn channels(value: Option<&Value>, key: &'static str) -> Result<Vec<String>, SettingsError> {
    let names: Vec<String> = match value {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(text)) => text.split([',', '\n']).map(str::to_owned).collect(),
        Some(Value::Array(items)) => {
            items.iter().map(|item| item.as_str().map(str::to_owned).ok_or(SettingsError::Channels(key))).collect::<Result<_, _>>()?
        }
        Some(_) => return Err(SettingsError::Channels(key)),
    };
    Ok(names.iter().map(|name| name.trim().to_lowercase()).filter(|name| !name.is_empty()).collect())
}

fn matches_any(list: &[String], video: &Video) -> bool {
    if list.is_empty() {
        return false;
    }
    let id = video.channel_id.as_deref().map(str::to_lowercase);
    let name = video.channel.as_deref().map(str::to_lowercase);
    list.iter().any(|entry| Some(entry) == id.as_ref() || Some(entry) == name.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn video(channel: &str, handle: &str) -> Video {
        Video { channel: Some(channel.into()), channel_id: Some(handle.into()), ..Video::new("dQw4w9WgXcQ", "t") }
    }

    #[test]
    fn loose_input_becomes_strict_settings() {
        let settings = Settings::from_json(&json!({
            "hideBelow": "0.25", "hideShorts": true,
            "boostChannels": "@3Blue1Brown,\n Veritasium ", "blockChannels": ["@Spam", ""],
        }))
        .expect("valid");
        assert_eq!(settings.hide_below, Some(0.25));
        assert!(settings.hide_shorts);
        assert_eq!(settings.boost_channels, vec!["@3blue1brown", "veritasium"]);
        assert_eq!(settings.block_channels, vec!["@spam"]);
        assert_eq!(Settings::from_json(&json!({"hideBelow": ""})).expect("valid").hide_below, None);
        assert_eq!(Settings::from_json(&Value::Null).expect("valid"), Settings::default());
    }

    #[test]
    fn wrong_fields_are_named() {
        assert_eq!(Settings::from_json(&json!({"hideBelow": 2})), Err(SettingsError::Threshold("2".into())));
        assert_eq!(Settings::from_json(&json!({"hideBelow": "lots"})), Err(SettingsError::Threshold("lots".into())));
        assert_eq!(Settings::from_json(&json!({"hideShorts": "yes"})), Err(SettingsError::Flag("hideShorts")));
        assert_eq!(Settings::from_json(&json!({"blockChannels": [1]})), Err(SettingsError::Channels("blockChannels")));
        assert_eq!(Settings::from_json(&json!([1])), Err(SettingsError::NotAnObject));
    }

    #[test]
    fn channels_match_by_handle_or_name_without_case() {
        let settings = Settings::from_json(&json!({"boostChannels": "veritasium", "blockChannels": "@SPAM"})).expect("valid");
        assert!(settings.boosts(&video("Veritasium", "@veritasium")));
        assert!(settings.hides(&video("Spam Inc", "@spam"), None));
        assert!(!settings.hides(&video("Veritasium", "@veritasium"), Some(0.0)));
    }

    #[test]
    fn only_scored_tiles_hide_for_their_score() {
        let settings = Settings::from_json(&json!({"hideBelow": 0.5})).expect("valid");
        let tile = video("A", "@a");
        assert!(settings.hides(&tile, Some(0.4)));
        assert!(!settings.hides(&tile, Some(0.5)));
        assert!(!settings.hides(&tile, None));
        let short = Video { kind: VideoKind::Short, ..tile };
        assert!(!settings.hides(&short, None));
        assert!(Settings { hide_shorts: true, ..Settings::default() }.hides(&short, None));
    }
}
