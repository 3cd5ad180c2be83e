//! Reading native messaging frames from the browser, one outcome per frame.
//!
//! The wire format is a 4-byte length in native byte order followed by that many bytes of UTF-8
//! JSON. `native_messaging::host::decode_message_opt` does the reading; this module turns its
//! results into outcomes the relay can answer, and keeps the stream in step: the crate leaves the
//! body of an oversized frame unread, so it is drained here before the next frame is read.
//!
//! This file depends only on std, `native_messaging` and `vrdndi_protocol`, because the fuzz target
//! (`native-host/fuzz`) compiles it on its own to keep sled, ort and reqwest out of the fuzz build.

use std::io::{self, Read};

use native_messaging::host::{decode_message_opt, NmError};
use vrdndi_protocol::MAX_MESSAGE_BYTES;

/// What one read from the browser produced.
#[derive(Debug)]
pub enum Frame {
    /// A complete frame whose body is UTF-8 (not yet known to be JSON).
    Message(String),
    /// The length prefix announced more than [`MAX_MESSAGE_BYTES`]; the body was read and dropped.
    TooLarge { len: usize },
    /// A complete frame whose body is not UTF-8.
    NotUtf8 { len: usize, error: String },
    /// The input ended inside a length prefix or a body. Nothing more can be read.
    Truncated { detail: String },
    /// The input ended between frames: the browser closed the port.
    End,
    /// Reading failed for another reason. Nothing more can be read.
    Failed(io::Error),
}

impl Frame {
    /// Whether the stream is over after this outcome.
    pub fn is_final(&self) -> bool {
        matches!(self, Frame::Truncated { .. } | Frame::End | Frame::Failed(_))
    }
}

/// Reads the next frame. Never panics and never reads past the frame it reports.
pub fn read_frame<R: Read>(reader: &mut R) -> Frame {
    match decode_message_opt(reader, MAX_MESSAGE_BYTES) {
        Ok(Some(text)) => Frame::Message(text),
        Ok(None) => Frame::End,
        Err(NmError::IncomingTooLarge { len, .. }) => drain(reader, len),
        Err(NmError::IncomingNotUtf8(error)) => Frame::NotUtf8 { len: error.as_bytes().len(), error: error.utf8_error().to_string() },
        Err(NmError::Io(error)) if error.kind() == io::ErrorKind::UnexpectedEof => {
            Frame::Truncated { detail: "the input ended inside a frame".to_owned() }
        }
        Err(NmError::Io(error)) => Frame::Failed(error),
        Err(other) => Frame::Failed(io::Error::other(other.to_string())),
    }
}

/// Skips the body of an oversized frame so that the next frame starts where the browser put it.
fn drain<R: Read>(reader: &mut R, len: usize) -> Frame {
    let announced = len as u64;
    match io::copy(&mut reader.by_ref().take(announced), &mut io::sink()) {
        Ok(skipped) if skipped == announced => Frame::TooLarge { len },
        Ok(skipped) => Frame::Truncated { detail: format!("an oversized frame announced {len} bytes but the input ended after {skipped}") },
        Err(error) => Frame::Failed(error),
    }
}

/// One frame as the browser writes it: length prefix and body. Used by tests and the fuzz target.
pub fn encode(body: &[u8]) -> Vec<u8> {
    let mut frame = Vec::with_capacity(4 + body.len());
    frame.extend_from_slice(&(body.len() as u32).to_ne_bytes());
    frame.extend_from_slice(body);
    frame
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn read_all(bytes: Vec<u8>) -> Vec<Frame> {
        let mut input = Cursor::new(bytes);
        let mut frames = Vec::new();
        loop {
            let frame = read_frame(&mut input);
            let last = frame.is_final();
            frames.push(frame);
            if last {
                return frames;
            }
        }
    }

    #[test]
    fn an_oversized_frame_is_skipped_and_the_next_one_is_read() {
        let mut bytes = encode(&vec![b' '; MAX_MESSAGE_BYTES + 1]);
        bytes.extend(encode(br#"{"id":1,"type":"status"}"#));
        let frames = read_all(bytes);
        assert!(matches!(frames[0], Frame::TooLarge { len } if len == MAX_MESSAGE_BYTES + 1));
        assert!(matches!(&frames[1], Frame::Message(text) if text == r#"{"id":1,"type":"status"}"#));
        assert!(matches!(frames[2], Frame::End));
    }

    #[test]
    fn a_frame_of_exactly_the_cap_is_accepted() {
        let frames = read_all(encode(&vec![b' '; MAX_MESSAGE_BYTES]));
        assert!(matches!(&frames[0], Frame::Message(text) if text.len() == MAX_MESSAGE_BYTES));
    }

    #[test]
    fn bad_utf8_is_reported_and_reading_goes_on() {
        let mut bytes = encode(b"{\"id\":1,\xff}");
        bytes.extend(encode(b"{}"));
        let frames = read_all(bytes);
        assert!(matches!(frames[0], Frame::NotUtf8 { len: 10, .. }));
        assert!(matches!(&frames[1], Frame::Message(text) if text == "{}"));
    }

    #[test]
    fn input_ending_inside_a_frame_is_truncated() {
        for cut in [1, 3, 4, 10] {
            let mut bytes = encode(br#"{"id":1,"type":"status"}"#);
            bytes.truncate(cut);
            let frames = read_all(bytes);
            assert_eq!(frames.len(), 1, "cut at {cut}");
            assert!(matches!(frames[0], Frame::Truncated { .. }), "cut at {cut}: {:?}", frames[0]);
        }
        let mut bytes = encode(&vec![b' '; MAX_MESSAGE_BYTES + 10]);
        bytes.truncate(100);
        assert!(matches!(read_all(bytes)[0], Frame::Truncated { .. }));
    }

    #[test]
    fn empty_input_is_a_clean_end() {
        assert!(matches!(read_all(Vec::new())[0], Frame::End));
    }
}
