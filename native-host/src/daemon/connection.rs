//! One client connection: read a frame, answer it, repeat until the client closes.
//!
//! Peers are our own host relays and commands, but a bad frame still gets an error reply and the
//! connection keeps serving when the stream is still in step (an oversized frame is skipped by its
//! length); a cut-off frame ends the connection. A panic in a handler becomes an `internal` error
//! reply: one bad request must not take the store away from every browser.

use std::io::{self, BufReader, Read};
use std::os::unix::net::UnixStream;
use std::panic::{catch_unwind, AssertUnwindSafe};

use native_messaging::host::NmError;
use vrdndi_protocol::{parse_request, ErrorCode, Response, MAX_MESSAGE_BYTES};

use super::framing;
use super::server::ConnectionGuard;
use super::service::Service;

pub(crate) fn serve(stream: UnixStream, service: &Service, _guard: ConnectionGuard) {
    let mut reader = match stream.try_clone() {
        Ok(read_half) => BufReader::new(read_half),
        Err(e) => {
            tracing::warn!("cannot split a connection: {e}");
            return;
        }
    };
    let mut writer = stream;
    loop {
        let response = match framing::read_text(&mut reader) {
            Ok(None) => break,
            Ok(Some(text)) => answer(service, &text),
            Err(NmError::IncomingTooLarge { len, .. }) => {
                if !skip(&mut reader, len) {
                    break;
                }
                Response::error(None, ErrorCode::MessageTooLarge, format!("the message is {len} bytes; the cap is {MAX_MESSAGE_BYTES}"))
            }
            Err(NmError::IncomingNotUtf8(_)) => Response::error(None, ErrorCode::InvalidUtf8, "the message is not UTF-8"),
            Err(e) => {
                tracing::debug!("connection ended: {e}");
                break;
            }
        };
        if !send(&mut writer, &response) {
            break;
        }
    }
}

fn answer(service: &Service, text: &str) -> Response {
    let request = match parse_request(text) {
        Ok(request) => request,
        Err(failure) => return failure.into_response(),
    };
    let id = request.id;
    let kind = request.body.type_name();
    catch_unwind(AssertUnwindSafe(|| service.handle(request))).unwrap_or_else(|_| {
        tracing::error!(id, kind, "handler panicked");
        Response::error(Some(id), ErrorCode::Internal, "the daemon hit a bug; details are in its log")
    })
}

/// Sends a reply; a reply over the cap is replaced by an error with the same id.
fn send(writer: &mut UnixStream, response: &Response) -> bool {
    let result = match framing::write_message(writer, response) {
        Err(NmError::OutgoingTooLarge { len, .. }) => {
            tracing::error!(id = ?response.id, len, "reply over the message cap");
            let error = Response::error(response.id, ErrorCode::MessageTooLarge, format!("the reply would be {len} bytes, over the cap"));
            framing::write_message(writer, &error)
        }
        other => other,
    };
    match result {
        Ok(()) => true,
        Err(e) => {
            tracing::debug!("cannot reply, closing the connection: {e}");
            false
        }
    }
}

/// Reads and drops `len` bytes; false when the stream ended first.
fn skip(reader: &mut impl Read, len: usize) -> bool {
    let wanted = len as u64;
    matches!(io::copy(&mut reader.take(wanted), &mut io::sink()), Ok(n) if n == wanted)
}
