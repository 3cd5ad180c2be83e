//! One definition of every message that crosses a process boundary in Vrdndi.
//!
//! The extension (through the WASM core), the native host that the browser starts, the store daemon
//! and the command line all speak these types; `PROTOCOL.md` documents them with examples. Messages are
//! JSON objects tagged by `"type"`; every request carries an integer `id` that its reply echoes.

mod error;
mod messages;
mod video;

pub use error::{ErrorCode, ErrorReply};
pub use messages::*;
pub use video::{Video, VideoKind};

/// Version of this protocol. A peer with a different major version gets `unsupported_version`.
pub const PROTOCOL_VERSION: u32 = 1;

/// The native messaging host name registered with the browsers.
pub const HOST_NAME: &str = "org.vrdndi.host";

/// Chrome caps host-to-browser messages at 1 MiB
/// (developer.chrome.com/docs/extensions/develop/concepts/native-messaging); we hold both
/// directions to the same cap so that a reply to any request we accept can always be delivered.
pub const MAX_MESSAGE_BYTES: usize = 1_048_576;
