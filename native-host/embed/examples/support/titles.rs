//! Real video titles for tests and benchmarks, read at run time from the shared data set
//! (never copied into the repository): the first distinct titles of A1's USvideos.csv, in file order,
//! the same ones `models/check-model.py --bench` reads.

use std::path::PathBuf;

/// `$VRDNDI_SHARED`, else `<repo>/../shared`.
pub fn shared_dir() -> PathBuf {
    std::env::var_os("VRDNDI_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
}

pub fn trending_csv() -> PathBuf {
    shared_dir().join("data/A1-yt-trending-v1-us-gb/USvideos.csv")
}

/// The first `limit` distinct titles of USvideos.csv.
pub fn trending_titles(limit: usize) -> Result<Vec<String>, String> {
    let path = trending_csv();
    let mut reader =
        csv::Reader::from_path(&path).map_err(|e| format!("{}: {e} (set VRDNDI_SHARED to the shared folder)", path.display()))?;
    let mut seen = std::collections::HashSet::new();
    let mut titles = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("{}: {e}", path.display()))?;
        // Column 1 is `title` (column 0's header carries the file's UTF-8 BOM).
        let title = record.get(1).unwrap_or_default();
        if !title.is_empty() && seen.insert(title.to_owned()) {
            titles.push(title.to_owned());
            if titles.len() == limit {
                break;
            }
        }
    }
    Ok(titles)
}
