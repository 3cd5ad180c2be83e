//! The pool negatives are drawn from: trending lists (Kaggle's "Trending YouTube Video
//! Statistics" CSVs, both releases) and other people's watch histories.
//!
//! A negative must look like a tile in every way a method can see except the person's taste:
//! rows without a channel are skipped (every real tile shows its channel, and a text without one
//! would be told apart by its shape), and upload times are dropped (a Takeout has none for the
//! positives, so a model could learn "has an upload time" instead of the person). How often a
//! video appears in the sources is kept as its popularity.
//!
//! The pool is cut in two halves by a seeded hash of the video id: slates draw only from the
//! test half, and the learned model's sampled negatives only from the training half, so the
//! model never meets a test negative while training.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};
use vrdndi_protocol::Video;

use crate::error::{io, EvalError, Result};
use crate::history::History;

/// One video of the pool.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolVideo {
    pub video: Video,
    /// Rows (trending days per country) and watch events that named it.
    pub appearances: u32,
    /// In the half that slates draw from.
    pub test_half: bool,
}

/// What each negatives file gave.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SourceSummary {
    pub file: String,
    pub rows: u64,
    pub videos: u64,
    pub skipped_no_channel: u64,
    pub skipped_bad_id: u64,
}

/// The negatives pool.
#[derive(Debug, Clone, Default)]
pub struct Pool {
    videos: Vec<PoolVideo>,
    index: HashMap<String, usize>,
    pub sources: Vec<SourceSummary>,
    seed: u64,
    /// When set, popularity is read here instead of from the appearances (see
    /// [`Pool::count_people`]).
    people: Option<HashMap<String, u32>>,
}

impl Pool {
    /// An empty pool whose halves are drawn with `seed`.
    pub fn new(seed: u64) -> Pool {
        Pool { seed, ..Pool::default() }
    }

    /// Reads every file: `.csv` as a trending list, anything else as a Takeout.
    pub fn load(paths: &[PathBuf], seed: u64) -> Result<Pool> {
        let mut pool = Pool::new(seed);
        for path in paths {
            let is_csv = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
            let summary = if is_csv { pool.add_trending_csv(path)? } else { pool.add_history(&History::load(path)?, path) };
            pool.sources.push(summary);
        }
        Ok(pool)
    }

    /// Adds a trending CSV of either release (11 columns with `channel_title`, or 16), or a
    /// reduced one (whose rows, having no channel, are all skipped and counted).
    pub fn add_trending_csv(&mut self, path: &Path) -> Result<SourceSummary> {
        let file = std::fs::File::open(path).map_err(io("open", path))?;
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(std::io::BufReader::new(file));
        let csv_error = |source| EvalError::NegativesCsv { path: path.to_owned(), source };
        let headers: Vec<String> =
            reader.headers().map_err(csv_error)?.iter().map(|h| h.trim_start_matches('\u{feff}').trim().to_ascii_lowercase()).collect();
        let column = |name: &str| headers.iter().position(|h| h == name);
        let (Some(id_col), Some(title_col)) = (column("video_id"), column("title")) else {
            return Err(EvalError::NegativesFormat {
                path: path.to_owned(),
                detail: format!("no `video_id` and `title` columns (columns: {})", headers.join(",")),
            });
        };
        let channel_col = column("channel_title");
        let mut summary = SourceSummary { file: path.display().to_string(), ..SourceSummary::default() };
        let before = self.videos.len();
        for row in reader.records() {
            let row = row.map_err(csv_error)?;
            summary.rows += 1;
            let id = row.get(id_col).unwrap_or_default().trim();
            if !Video::is_valid_id(id) {
                summary.skipped_bad_id += 1;
                continue;
            }
            let channel = channel_col.and_then(|c| row.get(c)).map(str::trim).filter(|c| !c.is_empty());
            let Some(channel) = channel else {
                summary.skipped_no_channel += 1;
                continue;
            };
            let mut video = Video::new(id, row.get(title_col).unwrap_or_default().trim());
            video.channel = Some(channel.to_owned());
            self.add(video);
        }
        summary.videos = (self.videos.len() - before) as u64;
        Ok(summary)
    }

    /// Adds another person's watches: each watch is one appearance.
    pub fn add_history(&mut self, history: &History, path: &Path) -> SourceSummary {
        let before = self.videos.len();
        for watch in &history.watches {
            let mut video = watch.video.clone();
            video.uploaded_at = None;
            video.duration_s = None;
            self.add(video);
        }
        SourceSummary {
            file: path.display().to_string(),
            rows: history.watches.len() as u64,
            videos: (self.videos.len() - before) as u64,
            ..SourceSummary::default()
        }
    }

    fn add(&mut self, video: Video) {
        if let Some(&i) = self.index.get(&video.video_id) {
            self.videos[i].appearances += 1;
            return;
        }
        let test_half = in_test_half(&video.video_id, self.seed);
        self.index.insert(video.video_id.clone(), self.videos.len());
        self.videos.push(PoolVideo { video, appearances: 1, test_half });
    }

    pub fn videos(&self) -> &[PoolVideo] {
        &self.videos
    }

    pub fn len(&self) -> usize {
        self.videos.len()
    }

    pub fn is_empty(&self) -> bool {
        self.videos.is_empty()
    }

    /// How popular `video_id` is: how often it appears in the sources (0 when it does not), or,
    /// after [`Pool::count_people`], how many of those people watched it.
    pub fn appearances(&self, video_id: &str) -> u32 {
        match &self.people {
            Some(people) => people.get(video_id).copied().unwrap_or(0),
            None => self.index.get(video_id).map_or(0, |&i| self.videos[i].appearances),
        }
    }

    /// Popularity becomes the number of `histories` (everyone evaluated, the person included)
    /// that watched the video. When negatives are other people's watches, counting only the
    /// others would give every negative at least 1 (it was drawn from someone's history) and
    /// every positive 0: a perfect, meaningless separator. Counted over everyone, a positive has
    /// its watcher and a negative its own, and only popularity beyond that is left.
    pub fn count_people(&mut self, histories: &[History]) {
        let mut people: HashMap<String, u32> = HashMap::new();
        for history in histories {
            let ids: std::collections::HashSet<&str> = history.watches.iter().map(|w| w.video.video_id.as_str()).collect();
            for id in ids {
                *people.entry(id.to_owned()).or_default() += 1;
            }
        }
        self.people = Some(people);
    }

    /// Indices of the videos in one half.
    pub fn half(&self, test: bool) -> Vec<usize> {
        (0..self.videos.len()).filter(|&i| self.videos[i].test_half == test).collect()
    }
}

/// Which half a video id falls in: the first byte of sha256(seed, id).
fn in_test_half(video_id: &str, seed: u64) -> bool {
    let mut hasher = Sha256::new();
    hasher.update(seed.to_le_bytes());
    hasher.update(video_id.as_bytes());
    hasher.finalize()[0] & 1 == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_trending_layouts_and_counts_what_it_skips() {
        let dir = tempfile::tempdir().expect("temp dir");
        let v1 = dir.path().join("US.csv");
        std::fs::write(
            &v1,
            "\u{feff}video_id,title,channel_title,category_id,tags,views,likes,dislikes,comment_total,thumbnail_link,date\n\
             XpVt6Z1Gjjo,1 YEAR OF VLOGGING,Logan Paul Vlogs,24,a|b,1,2,3,4,x,13.09\n\
             XpVt6Z1Gjjo,1 YEAR OF VLOGGING,Logan Paul Vlogs,24,a|b,1,2,3,4,x,14.09\n\
             short,bad id,Someone,24,a,1,2,3,4,x,13.09\n",
        )
        .expect("write");
        let reduced = dir.path().join("IN.csv");
        std::fs::write(&reduced, "video_id,trending_date,title,category_id,views\nn1ghtmare_1,17.14.11,\"A, title\",24,1\n")
            .expect("write");
        let pool = Pool::load(&[v1, reduced], 1).expect("loads");
        assert_eq!(pool.len(), 1);
        assert_eq!(pool.appearances("XpVt6Z1Gjjo"), 2);
        assert_eq!(pool.videos()[0].video.channel.as_deref(), Some("Logan Paul Vlogs"));
        assert_eq!((pool.sources[0].rows, pool.sources[0].skipped_bad_id), (3, 1));
        assert_eq!(pool.sources[1].skipped_no_channel, 1);
    }

    #[test]
    fn a_csv_without_ids_is_refused_with_its_columns() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("x.csv");
        std::fs::write(&path, "a,b\n1,2\n").expect("write");
        let error = Pool::load(&[path], 1).expect_err("not trending");
        assert!(error.to_string().contains("columns: a,b"), "{error}");
    }

    #[test]
    fn the_halves_split_evenly_and_depend_on_the_seed() {
        let ids: Vec<String> = (0..2000).map(|i| format!("{i:011}")).collect();
        let share = |seed| ids.iter().filter(|id| in_test_half(id, seed)).count();
        assert!((900..1100).contains(&share(1)), "{}", share(1));
        let differ = ids.iter().filter(|id| in_test_half(id, 1) != in_test_half(id, 2)).count();
        assert!(differ > 800, "{differ}");
    }
}
