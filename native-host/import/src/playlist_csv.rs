//! 2021-22 `playlists/<Name>.csv` (and `Liked videos.csv`): a header row and one playlist row
//! (`Playlist Id,Channel Id,Time Created,Time Updated,Title,Description,Visibility`), a blank
//! line, then `Video Id,Time Added` and one row per video. The headers follow the account's
//! language (the B3 Slovenian sample: `ID seznama predvajanja,…` / `ID videoposnetka,Čas
//! dodajanja`), so the layout is recognised by its shape and the likes playlist by its id, which
//! YouTube always starts with `LL`, never by header words.

use vrdndi_protocol::{HistoryKind, HistoryRecord, Video};

use crate::csv_rows::{self, Row};
use crate::summary::{FileSummary, Position};

/// True when `rows` have this layout: a wide header, a playlist row, then a two-column header.
pub fn looks_like(rows: &[Row]) -> bool {
    rows.len() >= 3 && rows[0].cells.len() >= 5 && rows[1].cells.len() >= 5 && rows[2].cells.len() == 2
}

/// Reads the video rows; likes become `Like` records, other playlists `Playlist` records named
/// by their title.
pub fn read(rows: &[Row], summary: &mut FileSummary) -> Vec<HistoryRecord> {
    let (Some(playlist), Some(video_header)) = (rows.get(1), rows.get(2)) else { return Vec::new() };
    let likes = playlist.cell(0).starts_with("LL");
    let name = playlist.cell(4).to_owned();
    let mut records = Vec::new();
    for row in &rows[3..] {
        if row.cells == video_header.cells {
            continue; // an empty playlist repeats its video header
        }
        match video_record(row, likes, &name) {
            Ok(record) => {
                summary.record(&record);
                records.push(record);
            }
            Err(message) => summary.problem(Position::Line(row.line), message),
        }
    }
    records
}

/// One `id,time` row as a like or a playlist entry (shared with the 2024 layout).
pub fn video_record(row: &Row, likes: bool, playlist: &str) -> Result<HistoryRecord, String> {
    let id = row.cell(0);
    if !Video::is_valid_id(id) {
        return Err(format!("`{id}` is not a video id"));
    }
    let at = match row.cell(1) {
        "" => None,
        text => Some(csv_rows::parse_time(text)?),
    };
    let (kind, text) = if likes { (HistoryKind::Like, None) } else { (HistoryKind::Playlist, Some(playlist.to_owned())) };
    Ok(HistoryRecord { kind, video: Some(Video::new(id, "")), text, channel_id: None, at })
}
