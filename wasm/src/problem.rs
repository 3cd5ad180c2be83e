//! What can go wrong in the page, each with a stable code the popup explains.
//!
//! The page never sees these: every exported method catches them and the content script reports
//! them to the background, which keeps the last one per tab for the popup. The codes are listed in
//! `extension/protocol.js` (`PROBLEMS`), next to the background's own; a test keeps both in step.

use wasm_bindgen::{JsCast, JsValue};

use crate::settings::SettingsError;

#[derive(Debug, thiserror::Error)]
pub enum Problem {
    /// The Home grid is there but none of its items reads as a tile.
    #[error("YouTube's Home grid changed: {0}; the page was left as YouTube made it")]
    MarkupChanged(String),
    /// Home without a grid (history off, or a layout we do not know).
    #[error("no video grid found on Home; the page was left as YouTube made it")]
    GridNotFound,
    /// A DOM call threw.
    #[error("a page call failed: {0}")]
    Dom(String),
    /// A message could not be written.
    #[error("could not encode a message: {0}")]
    Encode(#[from] serde_json::Error),
    /// The background or host answered something we cannot read.
    #[error("unreadable reply: {0}")]
    BadReply(String),
    /// The stored settings are not usable; the previous ones stay in force.
    #[error("settings not applied: {0}")]
    Settings(#[from] SettingsError),
    /// The content script's messenger (`Bridge`) refused a message.
    #[error("could not reach the extension: {0}")]
    Bridge(String),
}

impl Problem {
    /// Every code, for the test that checks `extension/protocol.js` knows each.
    pub const CODES: [&'static str; 7] =
        ["markup_changed", "grid_not_found", "internal", "encode_failed", "reply_invalid", "settings_invalid", "extension_error"];

    pub fn code(&self) -> &'static str {
        match self {
            Problem::MarkupChanged(_) => "markup_changed",
            Problem::GridNotFound => "grid_not_found",
            Problem::Dom(_) => "internal",
            Problem::Encode(_) => "encode_failed",
            Problem::BadReply(_) => "reply_invalid",
            Problem::Settings(_) => "settings_invalid",
            Problem::Bridge(_) => "extension_error",
        }
    }

    /// A DOM exception, with its message.
    pub fn dom(error: JsValue) -> Problem {
        Problem::Dom(describe(&error))
    }
}

/// The best text a thrown JavaScript value offers.
pub fn describe(error: &JsValue) -> String {
    if let Some(error) = error.dyn_ref::<js_sys::Error>() {
        return String::from(error.message());
    }
    error.as_string().unwrap_or_else(|| "a non-Error value was thrown".to_owned())
}

/// A problem as a JavaScript `Error` whose `name` is the problem's code, for the content script.
impl From<Problem> for JsValue {
    fn from(problem: Problem) -> JsValue {
        let error = js_sys::Error::new(&problem.to_string());
        error.set_name(problem.code());
        error.into()
    }
}
