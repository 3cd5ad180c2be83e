//! vrdndi-activitywatch
