//! Frames on the daemon socket: exactly native messaging's (4-byte native-endian length + UTF-8
//! JSON), capped at [`MAX_MESSAGE_BYTES`] both ways, so the host relays a browser's frame text
//! unchanged and a reply the daemon sends always fits back into the browser.

use std::io::{Read, Write};

use native_messaging::host::{decode_message_opt, encode_message, send_frame, NmError, MAX_TO_BROWSER};
use serde::Serialize;
use vrdndi_protocol::MAX_MESSAGE_BYTES;

// `encode_message` enforces the browser's cap; ours must be the same for replies to fit.
const _: () = assert!(MAX_TO_BROWSER == MAX_MESSAGE_BYTES);

/// The next frame's text; `None` when the peer closed between frames.
pub fn read_text<R: Read>(reader: &mut R) -> Result<Option<String>, NmError> {
    decode_message_opt(reader, MAX_MESSAGE_BYTES)
}

/// Serializes `message` and writes it as one frame.
pub fn write_message<W: Write, T: Serialize>(writer: &mut W, message: &T) -> Result<(), NmError> {
    send_frame(writer, &encode_message(message)?)
}

/// Writes already-serialized JSON text as one frame, unchanged.
pub fn write_text<W: Write>(writer: &mut W, text: &str) -> Result<(), NmError> {
    let len = text.len();
    let prefix = u32::try_from(len).ok().filter(|_| len <= MAX_MESSAGE_BYTES);
    let Some(prefix) = prefix else { return Err(NmError::OutgoingTooLarge { len, max: MAX_MESSAGE_BYTES }) };
    let mut frame = Vec::with_capacity(4 + len);
    frame.extend_from_slice(&prefix.to_ne_bytes());
    frame.extend_from_slice(text.as_bytes());
    send_frame(writer, &frame)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_message_frames_read_back_the_same() {
        let mut buffer = Vec::new();
        write_text(&mut buffer, r#"{"id":1,"type":"status"}"#).expect("writes");
        write_message(&mut buffer, &serde_json::json!({"id": 2, "type": "status"})).expect("writes");
        let mut reader = buffer.as_slice();
        assert_eq!(read_text(&mut reader).expect("reads").as_deref(), Some(r#"{"id":1,"type":"status"}"#));
        assert_eq!(read_text(&mut reader).expect("reads").as_deref(), Some(r#"{"id":2,"type":"status"}"#));
        assert_eq!(read_text(&mut reader).expect("reads"), None);
    }

    #[test]
    fn text_over_the_cap_is_refused_before_writing() {
        let mut buffer = Vec::new();
        let big = "x".repeat(MAX_MESSAGE_BYTES + 1);
        assert!(matches!(write_text(&mut buffer, &big), Err(NmError::OutgoingTooLarge { .. })));
        assert!(buffer.is_empty());
    }
}
