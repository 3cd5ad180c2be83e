//! The one place that writes to stdout in host mode: a thread that frames replies and writes them.
//!
//! Everything else hands it replies through a channel, so no log line or stray print can land
//! between a length prefix and its body. It holds the 1 MiB cap for replies: a reply over the cap
//! is never written; the browser gets a `message_too_large` error with the same id instead.

use std::io::{self, Write};
use std::sync::mpsc;
use std::thread;

use vrdndi_protocol::{ErrorCode, RequestId, Response, MAX_MESSAGE_BYTES};

/// One reply: its JSON text, and the request id for the error that replaces it if it is too large.
#[derive(Debug)]
pub struct Outgoing {
    pub id: Option<RequestId>,
    pub json: String,
}

impl Outgoing {
    pub fn response(response: &Response) -> Outgoing {
        Outgoing { id: response.id, json: to_json(response) }
    }
}

/// The writer could not deliver: the browser closed our stdout.
#[derive(Debug, thiserror::Error)]
#[error("the browser stopped reading replies")]
pub struct Closed;

/// The sending side of the writer thread.
pub struct Replies {
    sender: mpsc::Sender<Outgoing>,
    thread: thread::JoinHandle<io::Result<()>>,
}

impl Replies {
    /// Starts the writer on this process's stdout.
    pub fn stdout() -> Replies {
        Replies::spawn(io::stdout())
    }

    /// Starts the writer on any output (tests use a buffer).
    pub fn spawn<W: Write + Send + 'static>(mut output: W) -> Replies {
        let (sender, receiver) = mpsc::channel::<Outgoing>();
        let thread = thread::spawn(move || {
            for reply in receiver {
                write_reply(&mut output, reply)?;
            }
            Ok(())
        });
        Replies { sender, thread }
    }

    pub fn send(&self, reply: Outgoing) -> Result<(), Closed> {
        self.sender.send(reply).map_err(|_| Closed)
    }

    /// Waits until every reply sent so far is written.
    pub fn finish(self) -> io::Result<()> {
        drop(self.sender);
        self.thread.join().unwrap_or_else(|_| Err(io::Error::other("the stdout writer panicked")))
    }
}

fn write_reply<W: Write>(output: &mut W, reply: Outgoing) -> io::Result<()> {
    let json = if reply.json.len() > MAX_MESSAGE_BYTES {
        tracing::error!(id = ?reply.id, bytes = reply.json.len(), "reply over the 1 MiB cap replaced by an error");
        to_json(&too_large(reply.id, reply.json.len()))
    } else {
        reply.json
    };
    output.write_all(&(json.len() as u32).to_ne_bytes())?;
    output.write_all(json.as_bytes())?;
    output.flush()
}

/// The error that replaces a reply of `len` bytes.
pub fn too_large(id: Option<RequestId>, len: usize) -> Response {
    Response::error(
        id,
        ErrorCode::MessageTooLarge,
        format!("the reply would be {len} bytes, over the {MAX_MESSAGE_BYTES}-byte limit; ask for less at once"),
    )
}

/// Serializes a reply. Our own types always serialize; the fallback keeps that an error reply too.
pub fn to_json(response: &Response) -> String {
    serde_json::to_string(response).unwrap_or_else(|e| {
        tracing::error!("cannot serialize a reply: {e}");
        r#"{"id":null,"type":"error","code":8,"name":"internal","message":"the host could not encode its reply"}"#.to_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().expect("lock").extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn frames(bytes: &[u8]) -> Vec<serde_json::Value> {
        let mut input = io::Cursor::new(bytes.to_vec());
        let mut out = Vec::new();
        while let Some(text) = native_messaging::host::decode_message_opt(&mut input, usize::MAX).expect("frame") {
            out.push(serde_json::from_str(&text).expect("json"));
        }
        out
    }

    #[test]
    fn replies_are_framed_in_order() {
        let buffer = Shared::default();
        let replies = Replies::spawn(buffer.clone());
        for id in 1..=3 {
            replies.send(Outgoing::response(&Response::error(Some(id), ErrorCode::NotFound, "x"))).expect("send");
        }
        replies.finish().expect("finish");
        let ids: Vec<u64> = frames(&buffer.0.lock().expect("lock")).iter().map(|v| v["id"].as_u64().expect("id")).collect();
        assert_eq!(ids, [1, 2, 3]);
    }

    #[test]
    fn a_reply_over_the_cap_is_replaced_by_an_error_with_its_id() {
        let buffer = Shared::default();
        let replies = Replies::spawn(buffer.clone());
        replies.send(Outgoing { id: Some(9), json: format!("\"{}\"", "x".repeat(MAX_MESSAGE_BYTES)) }).expect("send");
        replies.finish().expect("finish");
        let bytes = buffer.0.lock().expect("lock").clone();
        assert!(bytes.len() < 1000, "the big reply was not written");
        let sent = frames(&bytes);
        assert_eq!(sent[0]["id"], 9);
        assert_eq!(sent[0]["name"], "message_too_large");
    }

    #[test]
    fn a_closed_output_ends_the_writer_with_its_error() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::from(io::ErrorKind::BrokenPipe))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let replies = Replies::spawn(Broken);
        let _ = replies.send(Outgoing::response(&Response::error(Some(1), ErrorCode::NotFound, "x")));
        let error = replies.finish().expect_err("broken pipe");
        assert_eq!(error.kind(), io::ErrorKind::BrokenPipe);
    }
}
