//! Stable error codes. Codes are append-only: never change or reuse a value (a test pins them).

use serde::{Deserialize, Serialize};

/// Why a request failed. Serialized as its integer code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "u16", try_from = "u16")]
#[repr(u16)]
pub enum ErrorCode {
    /// The frame was cut short or its length prefix is unreadable.
    MalformedFrame = 1,
    /// The message is larger than [`crate::MAX_MESSAGE_BYTES`].
    MessageTooLarge = 2,
    /// The message bytes are not UTF-8.
    InvalidUtf8 = 3,
    /// The message is not JSON, or not a JSON object.
    InvalidJson = 4,
    /// The `type` is not one this host knows.
    UnknownType = 5,
    /// The message is JSON of a known type but a field is missing or has the wrong shape.
    InvalidRequest = 6,
    /// The peer speaks another protocol version.
    UnsupportedVersion = 7,
    /// A bug or an unexpected failure inside the host; details are in its log.
    Internal = 8,
    /// The local store could not be opened or written.
    StoreUnavailable = 9,
    /// No embedding model is installed or it failed to load.
    ModelUnavailable = 10,
    /// The request names something the store does not hold.
    NotFound = 11,
    /// The host did not answer in time.
    Timeout = 12,
    /// Not enough labels or data for what was asked (for example training).
    NotEnoughData = 13,
}

impl ErrorCode {
    /// Every code, in order; used by tests and by `PROTOCOL.md`.
    pub const ALL: [ErrorCode; 13] = [
        ErrorCode::MalformedFrame,
        ErrorCode::MessageTooLarge,
        ErrorCode::InvalidUtf8,
        ErrorCode::InvalidJson,
        ErrorCode::UnknownType,
        ErrorCode::InvalidRequest,
        ErrorCode::UnsupportedVersion,
        ErrorCode::Internal,
        ErrorCode::StoreUnavailable,
        ErrorCode::ModelUnavailable,
        ErrorCode::NotFound,
        ErrorCode::Timeout,
        ErrorCode::NotEnoughData,
    ];

    /// A short, stable, snake_case name for logs and for the extension.
    pub fn name(self) -> &'static str {
        match self {
            ErrorCode::MalformedFrame => "malformed_frame",
            ErrorCode::MessageTooLarge => "message_too_large",
            ErrorCode::InvalidUtf8 => "invalid_utf8",
            ErrorCode::InvalidJson => "invalid_json",
            ErrorCode::UnknownType => "unknown_type",
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::UnsupportedVersion => "unsupported_version",
            ErrorCode::Internal => "internal",
            ErrorCode::StoreUnavailable => "store_unavailable",
            ErrorCode::ModelUnavailable => "model_unavailable",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Timeout => "timeout",
            ErrorCode::NotEnoughData => "not_enough_data",
        }
    }
}

impl From<ErrorCode> for u16 {
    fn from(code: ErrorCode) -> u16 {
        code as u16
    }
}

impl TryFrom<u16> for ErrorCode {
    type Error = String;
    fn try_from(value: u16) -> Result<Self, String> {
        ErrorCode::ALL.into_iter().find(|code| *code as u16 == value).ok_or_else(|| format!("unknown error code {value}"))
    }
}

/// The body of an `error` reply: a stable code and a message a person can act on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorReply {
    pub code: ErrorCode,
    /// `code`'s name, for readers of raw JSON.
    pub name: String,
    pub message: String,
}

impl ErrorReply {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ErrorReply { code, name: code.name().to_owned(), message: message.into() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Codes are append-only: this table must only ever grow.
    #[test]
    fn error_codes_are_pinned() {
        let pinned: Vec<(u16, &str)> = ErrorCode::ALL.iter().map(|c| (*c as u16, c.name())).collect();
        assert_eq!(
            pinned,
            vec![
                (1, "malformed_frame"),
                (2, "message_too_large"),
                (3, "invalid_utf8"),
                (4, "invalid_json"),
                (5, "unknown_type"),
                (6, "invalid_request"),
                (7, "unsupported_version"),
                (8, "internal"),
                (9, "store_unavailable"),
                (10, "model_unavailable"),
                (11, "not_found"),
                (12, "timeout"),
                (13, "not_enough_data"),
            ]
        );
    }

    #[test]
    fn codes_round_trip_through_json() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(&code).expect("serializes");
            assert_eq!(json, (code as u16).to_string());
            let back: ErrorCode = serde_json::from_str(&json).expect("parses");
            assert_eq!(back, code);
        }
        assert!(serde_json::from_str::<ErrorCode>("999").is_err());
    }
}
