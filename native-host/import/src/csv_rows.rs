//! The Takeout CSVs read as plain rows with their line numbers, so that each layout module sees
//! the same thing and a bad row can be reported by its line. Cells are trimmed: Takeout pads
//! video ids that start with `-` with a space (so spreadsheets do not read them as formulas).

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::error::FileError;

/// One non-empty row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: u64,
    pub cells: Vec<String>,
}

impl Row {
    pub fn cell(&self, index: usize) -> &str {
        self.cells.get(index).map(String::as_str).unwrap_or("")
    }
}

/// Every non-empty row of a CSV file (the csv crate skips blank lines and a UTF-8 BOM).
pub fn rows(bytes: &[u8]) -> Result<Vec<Row>, FileError> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).trim(csv::Trim::All).from_reader(bytes);
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record?;
        let line = line_of(bytes, record.position().map(|p| p.byte()).unwrap_or(0));
        let cells: Vec<String> = record.iter().map(str::to_owned).collect();
        if cells.iter().any(|c| !c.is_empty()) {
            rows.push(Row { line, cells });
        }
    }
    Ok(rows)
}

/// The 1-based line a record starts on. The csv crate's own line count does not advance over
/// blank CRLF lines, and its byte offset can point at the line break before the record.
fn line_of(bytes: &[u8], offset: u64) -> u64 {
    let mut start = usize::try_from(offset).unwrap_or(usize::MAX).min(bytes.len());
    while bytes.get(start).is_some_and(|b| *b == b'\r' || *b == b'\n') {
        start += 1;
    }
    bytes[..start].iter().filter(|b| **b == b'\n').count() as u64 + 1
}

/// Takeout CSV times: `2021-12-03 02:29:59 UTC` (2021-22) or RFC 3339 (2024).
pub fn parse_time(text: &str) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    let naive = text.strip_suffix(" UTC").unwrap_or(text);
    NaiveDateTime::parse_from_str(naive, "%Y-%m-%d %H:%M:%S").map(|t| t.and_utc()).map_err(|_| format!("unreadable time `{text}`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines_are_skipped_and_lines_are_counted() {
        let rows = rows(b"\xEF\xBB\xBFa,b\r\n\r\n -x,2021-12-03 02:29:59 UTC\n").expect("reads");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].cells, vec!["a", "b"]);
        assert_eq!((rows[1].line, rows[1].cell(0)), (3, "-x"));
    }

    #[test]
    fn both_time_layouts_are_read() {
        assert_eq!(parse_time("2021-12-03 02:29:59 UTC").map(|t| t.to_rfc3339()), Ok("2021-12-03T02:29:59+00:00".into()));
        assert_eq!(parse_time("2023-12-07T15:57:57+00:00").map(|t| t.to_rfc3339()), Ok("2023-12-07T15:57:57+00:00".into()));
        assert!(parse_time("yesterday").is_err());
    }
}
