//! Impressions: every slate that was ranked, with each tile's position before and after and its
//! scores, so that later clicks and labels can be read against what the person was shown.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sled::Transactional;
use vrdndi_protocol::{RankReply, RankRequest, Surface};

use crate::codec::{decode, encode, time_key};
use crate::error::Result;
use crate::Store;

pub(crate) const TREE: &str = "impressions";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImpressionTile {
    pub video_id: String,
    /// Position on the page as YouTube laid it out, from 0.
    pub before: u32,
    /// Position after our reordering, from 0.
    pub after: u32,
    #[serde(rename = "final")]
    pub final_score: f32,
    pub interest: f32,
    pub productive: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Impression {
    pub at: DateTime<Utc>,
    pub surface: Surface,
    pub model: String,
    pub context_events: u32,
    /// In the page's original order.
    pub tiles: Vec<ImpressionTile>,
}

impl Impression {
    /// What was shown for `request` as ranked by `reply`. A tile missing from the reply's order or
    /// scores (a ranker bug) keeps its original position and zero scores rather than being dropped.
    pub fn from_ranking(at: DateTime<Utc>, request: &RankRequest, reply: &RankReply) -> Impression {
        let position = |id: &str| reply.order.iter().position(|o| o == id);
        let tiles = request
            .tiles
            .iter()
            .enumerate()
            .map(|(before, tile)| {
                let score = reply.scores.iter().find(|s| s.video_id == tile.video_id);
                ImpressionTile {
                    video_id: tile.video_id.clone(),
                    before: u32::try_from(before).unwrap_or(u32::MAX),
                    after: position(&tile.video_id).and_then(|p| u32::try_from(p).ok()).unwrap_or(before as u32),
                    final_score: score.map_or(0.0, |s| s.final_score),
                    interest: score.map_or(0.0, |s| s.interest),
                    productive: score.map_or(0.0, |s| s.productive),
                }
            })
            .collect();
        Impression { at, surface: request.surface, model: reply.model.clone(), context_events: reply.context_events, tiles }
    }
}

impl Store {
    /// Appends an impression, merges the slate's videos (tiles carry titles and channels), and flushes.
    pub fn record_impression(&self, impression: &Impression, request: &RankRequest) -> Result<()> {
        let key = time_key(impression.at, self.db.generate_id()?);
        let value = encode("impression", impression)?;
        (&self.impressions, &self.videos).transaction(|(impressions, videos)| {
            impressions.insert(&key[..], value.as_slice())?;
            for tile in &request.tiles {
                crate::videos::upsert_in(videos, tile)?;
            }
            Ok(())
        })?;
        self.flush()
    }

    /// Every impression, oldest first.
    pub fn impressions(&self) -> impl Iterator<Item = Result<Impression>> + '_ {
        self.impressions.iter().values().map(|value| decode("impression", &value?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vrdndi_protocol::{TileScore, Video};

    #[test]
    fn an_impression_keeps_positions_before_and_after_and_the_slate_videos() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(dir.path()).expect("opens");
        let request = RankRequest {
            surface: Surface::Home,
            tiles: vec![Video::new("aaaaaaaaaaa", "First on the page"), Video::new("bbbbbbbbbbb", "Second on the page")],
            at: None,
        };
        let score = |id: &str, s: f32| TileScore { video_id: id.into(), final_score: s, interest: s, productive: s, reasons: vec![] };
        let reply = RankReply {
            order: vec!["bbbbbbbbbbb".into(), "aaaaaaaaaaa".into()],
            scores: vec![score("aaaaaaaaaaa", 0.2), score("bbbbbbbbbbb", 0.9)],
            model: "test".into(),
            context_events: 3,
        };
        let impression = Impression::from_ranking(Utc::now(), &request, &reply);
        store.record_impression(&impression, &request).expect("records");

        let stored: Vec<Impression> = store.impressions().collect::<Result<_>>().expect("reads");
        assert_eq!(stored, vec![impression]);
        let tiles = &stored[0].tiles;
        assert_eq!((tiles[0].before, tiles[0].after, tiles[0].final_score), (0, 1, 0.2));
        assert_eq!((tiles[1].before, tiles[1].after, tiles[1].final_score), (1, 0, 0.9));
        assert_eq!(store.counts().videos, 2);
    }
}
