//! Where each child of the grid goes, decided without touching the DOM.
//!
//! The grid's list mixes tiles with things that must not move (shelves, ad slots, the continuation
//! spinner, tiles the person has already seen, tiles of another batch). The plan keeps every one of
//! those at its index and fills the remaining slots, in their order, with the ranked tiles: so a
//! shelf stays between the same rows and an ad keeps its place, and only unseen tiles change place.

use std::collections::{HashMap, HashSet};

use vrdndi_protocol::Video;

use crate::settings::Settings;

/// The new order of a list's children. `slots[i]` is the id child `i` shows when it may move, `None`
/// when it stays where it is. Returns, for each position, the index of the child that goes there.
/// A movable id that `ranked` does not name keeps its relative order after the ranked ones; an id
/// seen twice moves only its first occurrence.
pub fn reorder(slots: &[Option<&str>], ranked: &[String]) -> Vec<usize> {
    let mut seen = HashSet::new();
    let mut movable_at = Vec::new();
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    for (index, slot) in slots.iter().enumerate() {
        if let Some(id) = slot {
            if seen.insert(*id) {
                movable_at.push(index);
                by_id.insert(id, index);
            }
        }
    }
    let mut fill: Vec<usize> = Vec::with_capacity(movable_at.len());
    let mut placed = HashSet::new();
    for id in ranked {
        if let Some(&index) = by_id.get(id.as_str()) {
            if placed.insert(index) {
                fill.push(index);
            }
        }
    }
    fill.extend(movable_at.iter().copied().filter(|index| !placed.contains(index)));

    let mut order: Vec<usize> = (0..slots.len()).collect();
    for (slot, child) in movable_at.iter().zip(fill) {
        if let Some(position) = order.get_mut(*slot) {
            *position = child;
        }
    }
    order
}

/// The host's order adjusted by the person's settings: tiles of boosted channels first (keeping
/// the host's order among them), tiles the settings hide last (they keep a slot but show nothing).
pub fn apply_settings(
    order: &[String],
    videos: &HashMap<String, Video>,
    scores: &HashMap<String, f32>,
    settings: &Settings,
) -> Vec<String> {
    let mut boosted = Vec::new();
    let mut plain = Vec::new();
    let mut hidden = Vec::new();
    for id in order {
        let Some(video) = videos.get(id) else {
            plain.push(id.clone());
            continue;
        };
        if settings.hides(video, scores.get(id).copied()) {
            hidden.push(id.clone());
        } else if settings.boosts(video) {
            boosted.push(id.clone());
        } else {
            plain.push(id.clone());
        }
    }
    boosted.into_iter().chain(plain).chain(hidden).collect()
}

/// Merges several batches' tiles into one order by their final score, best first; ties keep the
/// order given (the host's order within a batch, then page order).
pub fn by_score(ids: Vec<String>, scores: &HashMap<String, f32>) -> Vec<String> {
    let mut ids = ids;
    ids.sort_by(|a, b| {
        let a = scores.get(a).copied().unwrap_or(f32::NEG_INFINITY);
        let b = scores.get(b).copied().unwrap_or(f32::NEG_INFINITY);
        b.total_cmp(&a)
    });
    ids
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn apply(slots: &[Option<&str>], order: &[usize]) -> Vec<Option<String>> {
        order.iter().map(|&i| slots[i].map(str::to_owned)).collect()
    }

    #[test]
    fn tiles_take_the_ranked_order_around_fixed_children() {
        // a b [shelf] c d [ad] e [spinner]
        let slots = [Some("a"), Some("b"), None, Some("c"), Some("d"), None, Some("e"), None];
        let order = reorder(&slots, &ids(&["e", "c", "a", "d", "b"]));
        assert_eq!(order, vec![6, 3, 2, 0, 4, 5, 1, 7]);
        assert_eq!(
            apply(&slots, &order),
            vec![Some("e".into()), Some("c".into()), None, Some("a".into()), Some("d".into()), None, Some("b".into()), None]
        );
    }

    #[test]
    fn unranked_and_duplicate_tiles_keep_their_relative_order() {
        let slots = [Some("a"), Some("b"), Some("a"), Some("c")];
        let order = reorder(&slots, &ids(&["c", "zz"]));
        // "a" at index 2 is a duplicate and stays; a and b follow c in page order.
        assert_eq!(order, vec![3, 0, 2, 1]);
    }

    #[test]
    fn nothing_movable_is_the_identity() {
        assert_eq!(reorder(&[None, None], &ids(&["a"])), vec![0, 1]);
        assert_eq!(reorder(&[], &ids(&[])), Vec::<usize>::new());
    }

    #[test]
    fn settings_boost_first_and_hide_last() {
        let videos: HashMap<String, Video> = [("a", "@x"), ("b", "@boost"), ("c", "@block"), ("d", "@x")]
            .into_iter()
            .map(|(id, channel)| (id.to_string(), Video { channel_id: Some(channel.into()), ..Video::new(id, id) }))
            .collect();
        let scores: HashMap<String, f32> =
            [("a", 0.9), ("b", 0.5), ("c", 0.8), ("d", 0.1)].into_iter().map(|(id, s)| (id.to_string(), s)).collect();
        let settings =
            Settings::from_json(&json!({"boostChannels": "@boost", "blockChannels": "@block", "hideBelow": 0.2})).expect("valid");
        assert_eq!(apply_settings(&ids(&["a", "c", "b", "d"]), &videos, &scores, &settings), ids(&["b", "a", "c", "d"]));
    }

    #[test]
    fn merging_batches_sorts_by_final_score() {
        let scores: HashMap<String, f32> = [("a", 0.1), ("b", 0.7), ("c", 0.7)].into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        assert_eq!(by_score(ids(&["a", "c", "b", "x"]), &scores), ids(&["c", "b", "a", "x"]));
    }
}
