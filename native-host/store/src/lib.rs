//! vrdndi-store
