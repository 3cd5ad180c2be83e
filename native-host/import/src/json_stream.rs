//! Reads a top-level JSON array one element at a time, so that a history of any length never sits
//! in memory as one tree, and so that a file cut short (an interrupted download) still yields every
//! entry before the cut, followed by an error that says where it broke.

use std::fmt;
use std::io::Read;
use std::ops::ControlFlow;

use serde::de::{DeserializeSeed, SeqAccess, Visitor};
use serde_json::Value;

use crate::error::FileError;

/// Calls `each(index, element)` for each element of the array in `reader`, in order, until it
/// breaks (then the rest of the input is not read).
pub fn for_each_element(reader: impl Read, mut each: impl FnMut(usize, Value) -> ControlFlow<()>) -> Result<(), FileError> {
    let mut state = State { count: 0, stopped: false };
    let mut deserializer = serde_json::Deserializer::from_reader(std::io::BufReader::new(reader));
    let result = Elements { each: &mut each, state: &mut state }.deserialize(&mut deserializer);
    if state.stopped {
        // serde_json reports the unread rest of the array as an error: not a fault of the file.
        return Ok(());
    }
    result.and_then(|()| deserializer.end()).map_err(|e| match e.classify() {
        serde_json::error::Category::Io => FileError::Io(std::io::Error::other(e.to_string())),
        serde_json::error::Category::Data => FileError::JsonShape(e.to_string()),
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            FileError::Json { line: e.line(), column: e.column(), entries: state.count, detail: e.to_string() }
        }
    })
}

struct State {
    count: usize,
    stopped: bool,
}

struct Elements<'a, F> {
    each: &'a mut F,
    state: &'a mut State,
}

impl<'de, F: FnMut(usize, Value) -> ControlFlow<()>> DeserializeSeed<'de> for Elements<'_, F> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(usize, Value) -> ControlFlow<()>> Visitor<'de> for Elements<'_, F> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array of entries")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(value) = seq.next_element::<Value>()? {
            let flow = (self.each)(self.state.count, value);
            self.state.count += 1;
            if flow.is_break() {
                self.state.stopped = true;
                return Ok(());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(text: &str) -> (Vec<Value>, Result<(), FileError>) {
        let mut seen = Vec::new();
        let result = for_each_element(text.as_bytes(), |_, v| {
            seen.push(v);
            ControlFlow::Continue(())
        });
        (seen, result)
    }

    #[test]
    fn a_cut_file_keeps_the_entries_before_the_cut() {
        let (seen, result) = collect(r#"[{"a":1},{"a":2},{"a":"#);
        assert_eq!(seen.len(), 2);
        let Err(FileError::Json { entries, line, .. }) = result else { panic!("not a syntax error: {result:?}") };
        assert_eq!((entries, line), (2, 1));
    }

    #[test]
    fn a_non_array_is_a_shape_error() {
        let (seen, result) = collect(r#"{"a":1}"#);
        assert!(seen.is_empty());
        assert!(matches!(result, Err(FileError::JsonShape(_))), "{result:?}");
    }

    #[test]
    fn breaking_stops_reading_without_an_error() {
        let mut first = None;
        let result = for_each_element(r#"[{"a":1},{"a":2}]"#.as_bytes(), |_, v| {
            first = Some(v);
            ControlFlow::Break(())
        });
        assert!(result.is_ok());
        assert_eq!(first, Some(serde_json::json!({"a":1})));
    }
}
