//! A Unigram (SentencePiece) tokenizer model that keeps its vocabulary in a few flat arrays.
//!
//! Why it exists: the `tokenizers` crate's own Unigram model indexes the 250,002 XLM-R pieces in a
//! byte trie with one hash map per node, which costs about 290 MB of memory for a 9.5 MB
//! tokenizer.json: more than the model itself, and most of the host's 400 MB budget. This model
//! gives the same tokens (the same Viterbi search over the same scores, checked against the crate's
//! model on real titles in the tests) from one string buffer, one score array and one open-addressing
//! table of ids: about 10 MB. Normalisation, pre-tokenisation and special tokens stay the crate's.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use tokenizers::models::unigram::UnigramTrainer;
use tokenizers::{Model, Token};

/// sentencepiece's penalty for an unknown character, below the lowest piece score.
const UNK_PENALTY: f64 = 10.0;
const EMPTY: u32 = u32::MAX;

#[derive(Debug)]
pub struct CompactUnigram {
    /// All pieces, concatenated.
    text: String,
    /// Piece `i` is `text[starts[i]..starts[i + 1]]`.
    starts: Vec<u32>,
    scores: Vec<f64>,
    /// Open addressing, linear probing: piece ids by hash of their text; `EMPTY` marks a free slot.
    slots: Vec<u32>,
    unk_id: Option<u32>,
    min_score: f64,
    /// The longest piece in bytes: no match can be longer.
    longest: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum UnigramError {
    #[error("the vocabulary is empty")]
    Empty,
    #[error("the vocabulary is larger than 4 GB or 4 billion pieces")]
    TooLarge,
    #[error("unk_id {0} is outside the vocabulary")]
    UnkOutside(usize),
    #[error("a character matches no piece and the model has no unknown token")]
    NoUnk,
}

/// FNV-1a: short keys, no need for DoS resistance (the vocabulary is ours).
fn hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

impl CompactUnigram {
    pub fn new(vocab: Vec<(String, f64)>, unk_id: Option<usize>) -> Result<CompactUnigram, UnigramError> {
        if vocab.is_empty() {
            return Err(UnigramError::Empty);
        }
        if let Some(unk) = unk_id.filter(|&u| u >= vocab.len()) {
            return Err(UnigramError::UnkOutside(unk));
        }
        let total: usize = vocab.iter().map(|(piece, _)| piece.len()).sum();
        if total >= u32::MAX as usize || vocab.len() >= (EMPTY / 2) as usize {
            return Err(UnigramError::TooLarge);
        }
        let mut model = CompactUnigram {
            text: String::with_capacity(total),
            starts: Vec::with_capacity(vocab.len() + 1),
            scores: Vec::with_capacity(vocab.len()),
            slots: vec![EMPTY; (vocab.len() * 2).next_power_of_two()],
            unk_id: unk_id.map(|u| u as u32),
            min_score: f64::INFINITY,
            longest: 0,
        };
        for (piece, score) in &vocab {
            model.starts.push(model.text.len() as u32);
            model.text.push_str(piece);
            model.scores.push(*score);
            model.min_score = model.min_score.min(*score);
            model.longest = model.longest.max(piece.len());
        }
        model.starts.push(model.text.len() as u32);
        for id in 0..vocab.len() as u32 {
            // A repeated piece resolves to its last id, as in the crate (its map insert overwrites).
            let slot = model.slot_of(model.piece(id));
            if model.slots[slot] == EMPTY || model.piece(model.slots[slot]) == model.piece(id) {
                model.slots[slot] = id;
            }
        }
        Ok(model)
    }

    fn piece(&self, id: u32) -> &str {
        let i = id as usize;
        &self.text[self.starts[i] as usize..self.starts[i + 1] as usize]
    }

    /// The slot holding `key`, or the free slot where it would go.
    fn slot_of(&self, key: &str) -> usize {
        let mask = self.slots.len() - 1;
        let mut slot = hash(key.as_bytes()) as usize & mask;
        loop {
            let id = self.slots[slot];
            if id == EMPTY || self.piece(id) == key {
                return slot;
            }
            slot = (slot + 1) & mask;
        }
    }

    fn id_of(&self, key: &str) -> Option<u32> {
        Some(self.slots[self.slot_of(key)]).filter(|&id| id != EMPTY)
    }

    /// The best segmentation of `sentence` (sentencepiece's optimised Viterbi, as the `tokenizers`
    /// crate implements it: ties keep the shorter, earlier-found piece; consecutive unknown
    /// characters are fused into one unknown token).
    pub fn encode(&self, sentence: &str) -> Result<Vec<(u32, std::ops::Range<usize>)>, UnigramError> {
        #[derive(Clone, Copy)]
        struct Best {
            id: u32,
            score: f64,
            start: Option<usize>,
        }
        let size = sentence.len();
        let unk_score = self.min_score - UNK_PENALTY;
        let mut best = vec![Best { id: 0, score: 0.0, start: None }; size + 1];
        let mut start = 0;
        while start < size {
            let here = best[start].score;
            let rest = &sentence[start..];
            let first_char = rest.chars().next().map_or(1, char::len_utf8);
            let mut single = false;
            let limit = rest.len().min(self.longest);
            for (offset, c) in rest.char_indices() {
                let end = offset + c.len_utf8();
                if end > limit {
                    break;
                }
                if let Some(id) = self.id_of(&rest[..end]) {
                    let candidate = here + self.scores[id as usize];
                    let node = &mut best[start + end];
                    if node.start.is_none() || candidate > node.score {
                        *node = Best { id, score: candidate, start: Some(start) };
                    }
                    single |= end == first_char;
                }
            }
            if !single {
                let unk = self.unk_id.ok_or(UnigramError::NoUnk)?;
                let candidate = here + unk_score;
                let node = &mut best[start + first_char];
                if node.start.is_none() || candidate > node.score {
                    *node = Best { id: unk, score: candidate, start: Some(start) };
                }
            }
            start += first_char;
        }
        let mut pieces: Vec<(u32, std::ops::Range<usize>)> = Vec::new();
        let mut end = size;
        while end > 0 {
            let node = best[end];
            let begin = node.start.unwrap_or(0);
            match pieces.last_mut() {
                // Fuse runs of unknown characters into one token.
                Some((id, range)) if Some(node.id) == self.unk_id && Some(*id) == self.unk_id => {
                    *range = begin..range.end;
                }
                _ => pieces.push((node.id, begin..end)),
            }
            end = begin;
        }
        pieces.reverse();
        // A fused run of unknowns is looked up again, as the crate does (it is almost never a piece).
        for (id, range) in &mut pieces {
            if Some(*id) == self.unk_id {
                *id = self.id_of(&sentence[range.clone()]).unwrap_or(*id);
            }
        }
        Ok(pieces)
    }
}

impl Model for CompactUnigram {
    type Trainer = UnigramTrainer;

    fn tokenize(&self, sequence: &str) -> tokenizers::Result<Vec<Token>> {
        Ok(self
            .encode(sequence)?
            .into_iter()
            .map(|(id, range)| Token::new(id, sequence[range.clone()].to_owned(), (range.start, range.end)))
            .collect())
    }

    fn token_to_id(&self, token: &str) -> Option<u32> {
        self.id_of(token)
    }

    fn id_to_token(&self, id: u32) -> Option<String> {
        ((id as usize) < self.scores.len()).then(|| self.piece(id).to_owned())
    }

    fn get_vocab(&self) -> HashMap<String, u32> {
        (0..self.scores.len() as u32).map(|id| (self.piece(id).to_owned(), id)).collect()
    }

    fn get_vocab_size(&self) -> usize {
        self.scores.len()
    }

    fn save(&self, _folder: &Path, _prefix: Option<&str>) -> tokenizers::Result<Vec<PathBuf>> {
        Err("CompactUnigram is read-only: save the original tokenizer.json".into())
    }

    fn get_trainer(&self) -> UnigramTrainer {
        UnigramTrainer::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokenizers::models::unigram::Unigram;

    fn vocab() -> Vec<(String, f64)> {
        [("<unk>", 0.0), ("a", -1.0), ("b", -1.5), ("ab", -1.0), ("abc", -4.0), ("c", -2.0), ("cd", -1.2), ("é", -1.0), ("ab", -0.5)]
            .into_iter()
            .map(|(p, s)| (p.to_owned(), s))
            .collect()
    }

    #[test]
    fn segments_exactly_like_the_tokenizers_crate() {
        let ours = CompactUnigram::new(vocab(), Some(0)).expect("build");
        let theirs = Unigram::from(vocab(), Some(0), false).expect("build");
        for text in ["abcd", "abc", "xxabyyé", "", "é", "cdcdab", "zzzz", "abé€€cd"] {
            let a: Vec<(u32, String)> = ours.tokenize(text).expect("ours").into_iter().map(|t| (t.id, t.value)).collect();
            let b: Vec<(u32, String)> = theirs.tokenize(text).expect("theirs").into_iter().map(|t| (t.id, t.value)).collect();
            assert_eq!(a, b, "{text:?}");
        }
        assert_eq!(ours.token_to_id("ab"), theirs.token_to_id("ab"), "a repeated piece resolves like the crate");
    }

    #[test]
    fn no_unknown_token_and_an_unknown_character_is_an_error() {
        let model = CompactUnigram::new(vec![("a".to_owned(), -1.0)], None).expect("build");
        assert!(model.encode("ab").is_err());
        assert!(CompactUnigram::new(Vec::new(), None).is_err());
        assert!(CompactUnigram::new(vec![("a".to_owned(), -1.0)], Some(3)).is_err());
    }
}
