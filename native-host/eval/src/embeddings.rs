//! Embeddings for an evaluation, cached on disk so a second run embeds nothing.
//!
//! On two CPU cores e5-small embeds about 60-250 titles a second, and a run over three
//! histories and their negatives needs tens of thousands of titles. The cache is one append-only
//! file per embedding model key (`<model>@<graph hash>`, so vectors of two models or builds never
//! mix), holding records of (kind, text, vector). A record cut short by a crash is dropped on the
//! next open and the file is truncated back to the last whole record.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::error::{io, Result};

/// What a text is, for e5's prefixes (see `vrdndi_embed::TextKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Videos (`passage: `), as `vrdndi-rank` embeds them.
    Passage,
    /// Context events (`query: `).
    Query,
}

/// Something that embeds texts: the real embedder, or a stand-in in unit tests.
pub trait TextEmbedder {
    /// Identifies the model and build; vectors are cached under it.
    fn key(&self) -> String;
    fn embed(&self, texts: &[String], kind: Kind) -> Result<Vec<Vec<f32>>>;
}

impl TextEmbedder for vrdndi_embed::Embedder {
    fn key(&self) -> String {
        self.model_key().to_owned()
    }

    fn embed(&self, texts: &[String], kind: Kind) -> Result<Vec<Vec<f32>>> {
        let kind = match kind {
            Kind::Passage => vrdndi_embed::TextKind::Passage,
            Kind::Query => vrdndi_embed::TextKind::Query,
        };
        Ok(vrdndi_embed::Embedder::embed(self, texts, kind)?)
    }
}

/// What one [`Embeddings::ensure`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct EnsureStats {
    /// Texts asked for, repeats included.
    pub requested: usize,
    /// Distinct texts already in the cache.
    pub cached: usize,
    pub embedded: usize,
    pub seconds: f64,
}

/// Vectors by (kind, text), backed by a file when a directory is given.
pub struct Embeddings {
    key: String,
    /// Per kind, by text (two maps, so a lookup by `&str` allocates nothing).
    vectors: HashMap<Kind, HashMap<String, Vec<f32>>>,
    file: Option<(PathBuf, std::fs::File)>,
}

/// Texts embedded per model call batch group between progress reports and appends.
const CHUNK: usize = 256;

impl Embeddings {
    /// An in-memory table (nothing is kept after the run).
    pub fn in_memory(key: &str) -> Embeddings {
        Embeddings { key: key.to_owned(), vectors: HashMap::new(), file: None }
    }

    /// Opens (or creates) the cache for `key` in `dir`.
    pub fn open(dir: &Path, key: &str) -> Result<Embeddings> {
        std::fs::create_dir_all(dir).map_err(io("create", dir))?;
        let safe: String = key.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.@".contains(c) { c } else { '_' }).collect();
        let path = dir.join(format!("{safe}.vectors"));
        let mut bytes = Vec::new();
        if path.exists() {
            std::fs::File::open(&path).and_then(|mut f| f.read_to_end(&mut bytes)).map_err(io("read", &path))?;
        }
        let (vectors, good) = parse(&bytes);
        let file = std::fs::OpenOptions::new().create(true).append(true).open(&path).map_err(io("open", &path))?;
        if good < bytes.len() {
            tracing::warn!(path = %path.display(), dropped = bytes.len() - good, "dropping a cut-short record at the end of the embedding cache");
            file.set_len(good as u64).map_err(io("truncate", &path))?;
        }
        Ok(Embeddings { key: key.to_owned(), vectors, file: Some((path, file)) })
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    pub fn get(&self, kind: Kind, text: &str) -> Option<&[f32]> {
        self.vectors.get(&kind)?.get(text).map(Vec::as_slice)
    }

    pub fn len(&self) -> usize {
        self.vectors.values().map(HashMap::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Embeds the texts not yet known, calling `progress(done, to_embed)` after each chunk.
    pub fn ensure(
        &mut self,
        embedder: &dyn TextEmbedder,
        kind: Kind,
        texts: impl IntoIterator<Item = String>,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<EnsureStats> {
        let started = Instant::now();
        let mut requested = 0;
        let mut cached = 0;
        let mut missing: Vec<String> = Vec::new();
        let mut distinct: std::collections::HashSet<String> = std::collections::HashSet::new();
        for text in texts {
            requested += 1;
            if distinct.insert(text.clone()) {
                if self.get(kind, &text).is_some() {
                    cached += 1;
                } else {
                    missing.push(text);
                }
            }
        }
        let to_embed = missing.len();
        let mut done = 0;
        for chunk in missing.chunks(CHUNK) {
            let vectors = embedder.embed(chunk, kind)?;
            let mut record = Vec::new();
            for (text, vector) in chunk.iter().zip(vectors) {
                encode(&mut record, kind, text, &vector);
                self.vectors.entry(kind).or_default().insert(text.clone(), vector);
            }
            if let Some((path, file)) = &mut self.file {
                file.write_all(&record).map_err(io("append to", path.as_path()))?;
            }
            done += chunk.len();
            progress(done, to_embed);
        }
        if let Some((path, file)) = &mut self.file {
            file.flush().map_err(io("flush", path.as_path()))?;
        }
        Ok(EnsureStats { requested, cached, embedded: to_embed, seconds: started.elapsed().as_secs_f64() })
    }
}

/// Record: kind (1 byte), text length (u32 LE), text, dimension (u32 LE), floats (f32 LE).
fn encode(out: &mut Vec<u8>, kind: Kind, text: &str, vector: &[f32]) {
    out.push(match kind {
        Kind::Passage => 0,
        Kind::Query => 1,
    });
    out.extend((text.len() as u32).to_le_bytes());
    out.extend(text.as_bytes());
    out.extend((vector.len() as u32).to_le_bytes());
    for x in vector {
        out.extend(x.to_le_bytes());
    }
}

/// The records of a cache file and the length of its whole records.
fn parse(bytes: &[u8]) -> (HashMap<Kind, HashMap<String, Vec<f32>>>, usize) {
    let mut map: HashMap<Kind, HashMap<String, Vec<f32>>> = HashMap::new();
    let mut at = 0;
    let u32_at = |i: usize| bytes.get(i..i + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
    while let Some(&kind) = bytes.get(at) {
        let kind = match kind {
            0 => Kind::Passage,
            1 => Kind::Query,
            _ => break,
        };
        let Some(len) = u32_at(at + 1) else { break };
        let Some(text) = bytes.get(at + 5..at + 5 + len).and_then(|t| std::str::from_utf8(t).ok()) else { break };
        let Some(dim) = u32_at(at + 5 + len) else { break };
        let start = at + 9 + len;
        let Some(raw) = bytes.get(start..start + 4 * dim) else { break };
        let vector: Vec<f32> = raw.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
        map.entry(kind).or_default().insert(text.to_owned(), vector);
        at = start + 4 * dim;
    }
    (map, at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    struct Counting(Cell<usize>);

    impl TextEmbedder for Counting {
        fn key(&self) -> String {
            "fake@000".into()
        }
        fn embed(&self, texts: &[String], _kind: Kind) -> Result<Vec<Vec<f32>>> {
            self.0.set(self.0.get() + texts.len());
            Ok(texts.iter().map(|t| vec![t.len() as f32, 1.0]).collect())
        }
    }

    #[test]
    fn a_second_run_embeds_nothing_and_a_cut_record_is_dropped() {
        let dir = tempfile::tempdir().expect("temp dir");
        let embedder = Counting(Cell::new(0));
        let texts = || ["a".to_owned(), "bb".to_owned(), "a".to_owned()];
        {
            let mut cache = Embeddings::open(dir.path(), "fake@000").expect("opens");
            let stats = cache.ensure(&embedder, Kind::Passage, texts(), &mut |_, _| {}).expect("embeds");
            assert_eq!((stats.requested, stats.embedded), (3, 2));
        }
        let mut cache = Embeddings::open(dir.path(), "fake@000").expect("reopens");
        let stats = cache.ensure(&embedder, Kind::Passage, texts(), &mut |_, _| {}).expect("cached");
        assert_eq!((stats.requested, stats.cached, stats.embedded, embedder.0.get()), (3, 2, 0, 2));
        assert_eq!(cache.get(Kind::Passage, "bb"), Some(&[2.0, 1.0][..]));
        assert_eq!(cache.get(Kind::Query, "bb"), None, "kinds are kept apart");
        drop(cache);

        let path = dir.path().join("fake@000.vectors");
        let mut bytes = std::fs::read(&path).expect("read");
        let whole = bytes.len();
        bytes.extend([0u8, 9, 0, 0, 0, b'x']);
        std::fs::write(&path, &bytes).expect("write");
        let mut cache = Embeddings::open(dir.path(), "fake@000").expect("recovers");
        assert_eq!(cache.len(), 2);
        assert_eq!(std::fs::metadata(&path).expect("meta").len() as usize, whole);
        cache.ensure(&embedder, Kind::Query, ["c".to_owned()], &mut |_, _| {}).expect("appends");
        assert_eq!(Embeddings::open(dir.path(), "fake@000").expect("reopens").len(), 3);
    }
}
