//! Logging to a rotating file in the data dir; never to stdout.
