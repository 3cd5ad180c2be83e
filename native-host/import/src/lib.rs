//! vrdndi-import
