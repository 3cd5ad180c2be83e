//! Fuzzes what the host does with the bytes a browser sends: frame after frame through the real
//! frame reader (`native-host/src/host/frames.rs`, compiled here on its own so that the fuzz build
//! does not pull in sled, ort and reqwest), then `vrdndi_protocol::parse_request` on each message.
//!
//! Checked: nothing panics; the reader stops at the first final outcome and never reads past the
//! frame it reports; a message is within the cap; a parsed request serializes, and parses back to
//! itself whenever its serialization parses at all.

#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use vrdndi_protocol::{parse_request, MAX_MESSAGE_BYTES};

#[allow(dead_code)]
#[path = "../../src/host/frames.rs"]
mod frames;

use frames::{read_frame, Frame};

fuzz_target!(|data: &[u8]| {
    let mut input = Cursor::new(data);
    loop {
        let before = input.position() as usize;
        let frame = read_frame(&mut input);
        let after = input.position() as usize;
        match &frame {
            Frame::Message(text) => {
                assert!(text.len() <= MAX_MESSAGE_BYTES);
                assert_eq!(after, before + 4 + text.len(), "read exactly one frame");
                check_request(text);
            }
            Frame::TooLarge { len } => {
                assert!(*len > MAX_MESSAGE_BYTES);
                assert_eq!(after, before + 4 + len, "skipped exactly the announced body");
            }
            Frame::NotUtf8 { len, .. } => assert_eq!(after, before + 4 + len),
            Frame::End => assert_eq!(before, data.len()),
            Frame::Truncated { .. } => assert_eq!(after, data.len()),
            Frame::Failed(error) => panic!("reading from memory cannot fail: {error}"),
        }
        if frame.is_final() {
            return;
        }
    }
});

fn check_request(text: &str) {
    let Ok(request) = parse_request(text) else { return };
    let json = serde_json::to_string(&request).expect("a parsed request serializes");
    if let Ok(again) = parse_request(&json) {
        assert_eq!(again, request, "round trip of {text}");
    }
}
