//! The daemon: the one process that owns the store and the model.
