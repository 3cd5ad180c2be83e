//! vrdndi-embed
