//! Browser registration.
