//! What the host does with each frame: answer it locally or pass it to the store daemon.
//!
//! Framing and parse failures are answered here, with the request's id when it could be read, and
//! the host keeps serving. `hello` is answered here too: it checks the extension against this
//! binary, and must work even when the store cannot start, so that the extension can tell "host
//! missing" from "store broken". Every other valid request goes to the daemon as the text the
//! browser sent; the daemon's reply is checked (it parses, it carries the request's id) before it
//! is passed back. Details of every failure go to the log; the reply carries a short message. A
//! hello also starts reaching the daemon in the background, for the request that follows.

use vrdndi_protocol::{
    parse_request, ErrorCode, HelloReply, Request, RequestBody, RequestId, Response, ResponseBody, MAX_MESSAGE_BYTES, PROTOCOL_VERSION,
    REQUEST_TYPES,
};

use super::frames::Frame;
use super::stdout::Outgoing;

/// The store daemon as the relay sees it.
pub trait Store {
    /// Sends one request's JSON and returns the reply's JSON. An error means no reply came: the
    /// daemon could not be reached, or the connection broke.
    fn roundtrip(&mut self, request: &Request, json: &str) -> Result<String, StoreError>;

    /// Starts reaching the daemon without waiting for it. Called after a successful hello: the
    /// extension says hello as a YouTube page starts loading, and the daemon's start and model load
    /// should overlap the page's load instead of delaying its first ranking.
    fn prepare(&mut self) {}
}

/// Why the daemon gave no reply, for the log.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct StoreError(pub String);

/// What the browser is told when the daemon cannot be reached.
pub const STORE_UNAVAILABLE_MESSAGE: &str =
    "the Vrdndi store is not running and could not be started; run `vrdndi status` in a terminal to see why";

/// Why the host stops serving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The browser closed stdin between frames.
    Disconnected,
    /// Stdin ended inside a frame.
    Truncated,
    /// Reading stdin failed.
    InputFailed,
    /// The browser stopped reading our replies.
    OutputClosed,
}

/// The outcome of one frame.
#[derive(Debug)]
pub struct Handled {
    pub reply: Option<Outgoing>,
    pub end: Option<Ending>,
}

impl Handled {
    fn reply(response: Response) -> Handled {
        Handled { reply: Some(Outgoing::response(&response)), end: None }
    }
}

pub struct Relay<S> {
    store: S,
}

impl<S: Store> Relay<S> {
    pub fn new(store: S) -> Relay<S> {
        Relay { store }
    }

    pub fn handle(&mut self, frame: Frame) -> Handled {
        match frame {
            Frame::Message(text) => self.handle_message(&text),
            Frame::TooLarge { len } => {
                tracing::warn!(bytes = len, "request over the 1 MiB cap skipped");
                Handled::reply(Response::error(
                    None,
                    ErrorCode::MessageTooLarge,
                    format!("the message is {len} bytes, over the {MAX_MESSAGE_BYTES}-byte limit"),
                ))
            }
            Frame::NotUtf8 { len, error } => {
                tracing::warn!(bytes = len, "request is not UTF-8: {error}");
                Handled::reply(Response::error(None, ErrorCode::InvalidUtf8, "the message is not valid UTF-8"))
            }
            Frame::Truncated { detail } => {
                tracing::warn!("input ended inside a frame: {detail}");
                let response = Response::error(None, ErrorCode::MalformedFrame, "the input ended inside a message");
                Handled { reply: Some(Outgoing::response(&response)), end: Some(Ending::Truncated) }
            }
            Frame::End => {
                tracing::info!("the browser closed the connection");
                Handled { reply: None, end: Some(Ending::Disconnected) }
            }
            Frame::Failed(error) => {
                tracing::error!("cannot read from the browser: {error}");
                Handled { reply: None, end: Some(Ending::InputFailed) }
            }
        }
    }

    fn handle_message(&mut self, text: &str) -> Handled {
        let request = match parse_request(text) {
            Ok(request) => request,
            Err(failure) => {
                tracing::warn!(
                    id = ?failure.id,
                    code = failure.reply.code.name(),
                    bytes = text.len(),
                    "bad request: {}",
                    failure.reply.message
                );
                return Handled::reply(failure.into_response());
            }
        };
        let id = request.id;
        let kind = request.body.type_name();
        tracing::debug!(id, kind, "request");
        if let RequestBody::Hello(hello) = &request.body {
            tracing::info!(id, client = %hello.client, "hello");
            self.store.prepare();
            return Handled::reply(hello_reply(id));
        }
        match self.store.roundtrip(&request, text) {
            Ok(json) => Handled { reply: Some(checked_reply(id, kind, json)), end: None },
            Err(error) => {
                tracing::error!(id, kind, "store daemon unreachable: {error}");
                Handled::reply(Response::error(Some(id), ErrorCode::StoreUnavailable, STORE_UNAVAILABLE_MESSAGE))
            }
        }
    }
}

/// The reply to `hello`: this binary's protocol, version and the request types it serves.
pub fn hello_reply(id: RequestId) -> Response {
    Response {
        id: Some(id),
        body: ResponseBody::Hello(HelloReply {
            protocol: PROTOCOL_VERSION,
            host_version: env!("CARGO_PKG_VERSION").to_owned(),
            capabilities: REQUEST_TYPES.iter().map(|t| (*t).to_owned()).collect(),
        }),
    }
}

/// Passes the daemon's reply on if it is a reply to this request; an internal error otherwise.
fn checked_reply(id: RequestId, kind: &str, json: String) -> Outgoing {
    match serde_json::from_str::<Response>(&json) {
        Ok(Response { id: Some(reply_id), body }) if reply_id == id => {
            if let ResponseBody::Error(error) = &body {
                tracing::warn!(id, kind, code = error.code.name(), "daemon refused: {}", error.message);
            }
            Outgoing { id: Some(id), json }
        }
        Ok(other) => {
            tracing::error!(id, kind, reply_id = ?other.id, "daemon answered with another request's id");
            Outgoing::response(&internal(id))
        }
        Err(e) => {
            let head: String = json.chars().take(200).collect();
            tracing::error!(id, kind, "daemon reply is not a protocol message ({e}): {head}");
            Outgoing::response(&internal(id))
        }
    }
}

fn internal(id: RequestId) -> Response {
    Response::error(Some(id), ErrorCode::Internal, "the store daemon sent a reply the host cannot read; see the log")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// A daemon that answers from a script, and records what it was sent.
    #[derive(Default)]
    struct Scripted {
        answers: Vec<Result<String, StoreError>>,
        sent: Vec<String>,
    }

    impl Store for Scripted {
        fn roundtrip(&mut self, _: &Request, json: &str) -> Result<String, StoreError> {
            self.sent.push(json.to_owned());
            if self.answers.is_empty() {
                return Err(StoreError("script exhausted".into()));
            }
            self.answers.remove(0)
        }
    }

    fn reply_of(relay: &mut Relay<Scripted>, text: &str) -> Value {
        let handled = relay.handle(Frame::Message(text.to_owned()));
        assert_eq!(handled.end, None);
        serde_json::from_str(&handled.reply.expect("a reply").json).expect("json")
    }

    #[test]
    fn hello_is_answered_without_the_daemon() {
        let mut relay = Relay::new(Scripted::default());
        let reply = reply_of(&mut relay, r#"{"id":1,"type":"hello","protocol":1,"client":"test"}"#);
        assert_eq!(reply["type"], "hello");
        assert_eq!(reply["id"], 1);
        assert_eq!(reply["capabilities"].as_array().expect("list").len(), REQUEST_TYPES.len());
        assert!(relay.store.sent.is_empty());
    }

    #[test]
    fn requests_go_to_the_daemon_as_sent_and_its_reply_comes_back_as_sent() {
        let answer = r#"{"id":2,"type":"ack","stored":true}"#;
        let mut relay = Relay::new(Scripted { answers: vec![Ok(answer.into())], sent: vec![] });
        let request = r#"{"id":2,"type":"undo","feedback_id":"f-1"}"#;
        let handled = relay.handle(Frame::Message(request.into()));
        assert_eq!(handled.reply.expect("reply").json, answer);
        assert_eq!(relay.store.sent, [request]);
    }

    #[test]
    fn an_unreachable_daemon_is_store_unavailable_and_the_next_request_tries_again() {
        let mut relay = Relay::new(Scripted {
            answers: vec![Err(StoreError("connection refused".into())), Ok(r#"{"id":4,"type":"ack","stored":false}"#.into())],
            sent: vec![],
        });
        let first = reply_of(&mut relay, r#"{"id":3,"type":"undo","feedback_id":"a"}"#);
        assert_eq!((first["id"].clone(), first["name"].clone()), (json!(3), json!("store_unavailable")));
        assert!(first["message"].as_str().expect("message").contains("vrdndi status"));
        let second = reply_of(&mut relay, r#"{"id":4,"type":"undo","feedback_id":"a"}"#);
        assert_eq!(second["type"], "ack");
    }

    #[test]
    fn a_daemon_reply_for_another_id_or_not_a_reply_is_internal() {
        let mut relay = Relay::new(Scripted {
            answers: vec![Ok(r#"{"id":99,"type":"ack","stored":true}"#.into()), Ok("garbage".into())],
            sent: vec![],
        });
        for id in [5, 6] {
            let reply = reply_of(&mut relay, &format!(r#"{{"id":{id},"type":"status"}}"#));
            assert_eq!(reply["id"], id);
            assert_eq!(reply["name"], "internal");
        }
    }

    #[test]
    fn parse_failures_are_answered_locally_with_the_id_when_known() {
        let mut relay = Relay::new(Scripted::default());
        let reply = reply_of(&mut relay, r#"{"id":7,"type":"dance"}"#);
        assert_eq!((reply["id"].clone(), reply["code"].clone()), (json!(7), json!(5)));
        let reply = reply_of(&mut relay, "[]");
        assert_eq!((reply["id"].clone(), reply["name"].clone()), (Value::Null, json!("invalid_json")));
        assert!(relay.store.sent.is_empty());
    }

    #[test]
    fn a_truncated_frame_is_answered_and_ends_the_session() {
        let mut relay = Relay::new(Scripted::default());
        let handled = relay.handle(Frame::Truncated { detail: "test".into() });
        assert_eq!(handled.end, Some(Ending::Truncated));
        assert!(handled.reply.expect("reply").json.contains("malformed_frame"));
    }
}
