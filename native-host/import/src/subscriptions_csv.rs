//! `subscriptions/subscriptions.csv`: `Channel Id,Channel Url,Channel Title` (2021-22 and 2024)
//! or `Channel ID,Channel URL,Channel title` (the B3 HTML-era sample). Columns are found by their
//! content (a `UC…` id, a channel link), so header spelling and language do not matter.

use vrdndi_protocol::{HistoryKind, HistoryRecord};

use crate::csv_rows::Row;
use crate::links;
use crate::summary::{FileSummary, Position};

fn is_channel_id(text: &str) -> bool {
    text.len() == 24 && text.starts_with("UC") && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// True for a file whose rows are channels with their links, or an empty one whose header names
/// channels. The link matters: the 2024 `channel.csv` (the person's own channel) has ids alone.
pub fn looks_like(rows: &[Row]) -> bool {
    let Some(header) = rows.first() else { return false };
    let channel_rows = rows.get(1).is_some_and(|r| links::channel_id(r.cell(1)).is_some());
    let channel_header = rows.len() == 1 && header.cells.len() == 3 && header.cell(0).to_lowercase().contains("channel");
    header.cells.len() >= 3 && (channel_rows || channel_header)
}

pub fn read(rows: &[Row], summary: &mut FileSummary) -> Vec<HistoryRecord> {
    let mut records = Vec::new();
    for row in rows.iter().skip(1) {
        let id = Some(row.cell(0).to_owned()).filter(|id| is_channel_id(id)).or_else(|| links::channel_id(row.cell(1)));
        let Some(channel_id) = id else {
            summary.problem(Position::Line(row.line), format!("`{}` is not a channel id", row.cell(0)));
            continue;
        };
        let title = row.cell(2).to_owned();
        let record = HistoryRecord {
            kind: HistoryKind::Subscription,
            video: None,
            text: (!title.is_empty()).then_some(title),
            channel_id: Some(channel_id),
            at: None,
        };
        summary.record(&record);
        records.push(record);
    }
    records
}
