//! Reading a model's tokenizer.json into the tokenizer the embedder uses.
//!
//! Unigram tokenizers (XLM-R's, shared by e5 and BGE-M3) get the compact model of [`crate::unigram`]
//! with the file's own normaliser, pre-tokeniser, post-processor and special tokens; anything else
//! (a BPE or WordPiece tokenizer.json) loads with the `tokenizers` crate as it is.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use tokenizers::{
    AddedToken, DecoderWrapper, NormalizerWrapper, PaddingParams, PostProcessorWrapper, PreTokenizerWrapper, Tokenizer, TokenizerImpl,
    TruncationParams,
};

use crate::error::{EmbedError, Result};
use crate::unigram::CompactUnigram;

type CompactTokenizer = TokenizerImpl<CompactUnigram, NormalizerWrapper, PreTokenizerWrapper, PostProcessorWrapper, DecoderWrapper>;

/// A tokenizer with truncation at the embedder's cap and no padding (batches pad themselves).
pub enum TextTokenizer {
    Compact(Box<CompactTokenizer>),
    Standard(Box<Tokenizer>),
}

/// The parts of tokenizer.json a Unigram tokenizer needs.
#[derive(Deserialize)]
struct TokenizerFile {
    #[serde(default)]
    added_tokens: Vec<AddedTokenWithId>,
    normalizer: Option<NormalizerWrapper>,
    pre_tokenizer: Option<PreTokenizerWrapper>,
    post_processor: Option<PostProcessorWrapper>,
    decoder: Option<DecoderWrapper>,
    padding: Option<PaddingParams>,
    model: UnigramFile,
}

#[derive(Deserialize)]
struct AddedTokenWithId {
    id: u32,
    #[serde(flatten)]
    token: AddedToken,
}

#[derive(Deserialize)]
struct UnigramFile {
    #[serde(rename = "type")]
    kind: String,
    vocab: Vec<(String, f64)>,
    unk_id: Option<usize>,
    #[serde(default)]
    byte_fallback: bool,
}

impl TextTokenizer {
    /// Loads `path`, compact when it is a Unigram tokenizer, and returns the id to pad with.
    pub fn from_file(path: &Path, max_length: usize) -> Result<(TextTokenizer, u32)> {
        let bytes = std::fs::read(path).map_err(|e| EmbedError::io(path, e))?;
        match compact(&bytes) {
            Some((mut tokenizer, padding)) => {
                truncate(&mut tokenizer, max_length, path)?;
                let pad_id = padding.map(|p| p.pad_id).or_else(|| tokenizer.token_to_id("<pad>")).unwrap_or(0);
                Ok((TextTokenizer::Compact(Box::new(tokenizer)), pad_id))
            }
            None => TextTokenizer::standard_from_bytes(&bytes, path, max_length),
        }
    }

    /// Loads `path` with the `tokenizers` crate's own model (what [`TextTokenizer::from_file`] does
    /// for non-Unigram files; public so tests can compare the two).
    pub fn standard_from_file(path: &Path, max_length: usize) -> Result<(TextTokenizer, u32)> {
        let bytes = std::fs::read(path).map_err(|e| EmbedError::io(path, e))?;
        TextTokenizer::standard_from_bytes(&bytes, path, max_length)
    }

    fn standard_from_bytes(bytes: &[u8], path: &Path, max_length: usize) -> Result<(TextTokenizer, u32)> {
        let mut tokenizer = Tokenizer::from_bytes(bytes).map_err(|e| error(path, e.to_string()))?;
        let pad_id = tokenizer
            .get_padding()
            .map(|p| p.pad_id)
            .or_else(|| tokenizer.token_to_id("<pad>"))
            .or_else(|| tokenizer.token_to_id("[PAD]"))
            .unwrap_or(0);
        tokenizer.with_padding(None);
        truncate(&mut tokenizer, max_length, path)?;
        Ok((TextTokenizer::Standard(Box::new(tokenizer)), pad_id))
    }

    pub fn is_compact(&self) -> bool {
        matches!(self, TextTokenizer::Compact(_))
    }

    /// Token ids of each text, special tokens added, truncated.
    pub fn encode_ids(&self, texts: Vec<String>) -> Result<Vec<Vec<u32>>> {
        let encodings = match self {
            TextTokenizer::Compact(t) => t.encode_batch_fast(texts, true),
            TextTokenizer::Standard(t) => t.encode_batch_fast(texts, true),
        }
        .map_err(|e| EmbedError::Tokenize(e.to_string()))?;
        Ok(encodings.into_iter().map(|e| e.get_ids().to_vec()).collect())
    }
}

fn error(path: &Path, message: String) -> EmbedError {
    EmbedError::Tokenizer { path: PathBuf::from(path), message }
}

/// The compact tokenizer, or `None` when the file is not a plain Unigram one (then the crate's
/// loader handles it and reports its errors).
fn compact(bytes: &[u8]) -> Option<(CompactTokenizer, Option<PaddingParams>)> {
    let file: TokenizerFile = serde_json::from_slice(bytes).ok()?;
    if file.model.kind != "Unigram" || file.model.byte_fallback {
        return None;
    }
    let model = CompactUnigram::new(file.model.vocab, file.model.unk_id).ok()?;
    let mut tokenizer = TokenizerImpl::new(model);
    tokenizer
        .with_normalizer(file.normalizer)
        .with_pre_tokenizer(file.pre_tokenizer)
        .with_post_processor(file.post_processor)
        .with_decoder(file.decoder);
    let added: Vec<AddedToken> = file.added_tokens.iter().map(|t| t.token.clone()).collect();
    tokenizer.add_tokens(&added);
    // Special tokens must keep the ids the file gives them, or the model sees other tokens.
    if file.added_tokens.iter().any(|t| tokenizer.token_to_id(&t.token.content) != Some(t.id)) {
        return None;
    }
    Some((tokenizer, file.padding))
}

fn truncate<M, N, PT, PP, D>(tokenizer: &mut TokenizerImpl<M, N, PT, PP, D>, max_length: usize, path: &Path) -> Result<()>
where
    M: tokenizers::Model,
    N: tokenizers::Normalizer,
    PT: tokenizers::PreTokenizer,
    PP: tokenizers::PostProcessor,
    D: tokenizers::Decoder,
{
    tokenizer
        .with_truncation(Some(TruncationParams { max_length, ..TruncationParams::default() }))
        .map(|_| ())
        .map_err(|e| error(path, e.to_string()))
}
