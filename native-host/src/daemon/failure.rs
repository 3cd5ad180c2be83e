//! Why a request failed, as the peer is told it: a stable code and a short message. Details go to
//! the log where the failure is turned into a reply.

use vrdndi_protocol::{ErrorCode, ErrorReply};
use vrdndi_store::StoreError;

#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub code: ErrorCode,
    pub message: String,
}

impl Failure {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Failure {
        Failure { code, message: message.into() }
    }

    pub fn invalid(message: impl Into<String>) -> Failure {
        Failure::new(ErrorCode::InvalidRequest, message)
    }

    pub fn reply(&self) -> ErrorReply {
        ErrorReply::new(self.code, self.message.clone())
    }
}

impl From<StoreError> for Failure {
    fn from(error: StoreError) -> Failure {
        match error {
            StoreError::NotFound { .. } => Failure::new(ErrorCode::NotFound, error.to_string()),
            other => {
                tracing::error!("store failure: {other}");
                Failure::new(ErrorCode::StoreUnavailable, "the store could not be read or written; details are in the log")
            }
        }
    }
}
