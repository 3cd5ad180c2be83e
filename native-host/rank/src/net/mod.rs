//! The learned model: a context encoder (tokens from event embeddings and numbers, residual 1-D
//! conv blocks with AdaLN conditioned on the candidate, SE gating, masked mean pooling, a learned
//! token for an empty context), fused with the video embedding into two one-logit heads.
//!
//! ```text
//! event i: Linear(E->d)(embedding_i) + Linear(3->d)([tod sin, tod cos, z log duration])
//!   -> blocks: x + SE(conv(SiLU(AdaLN(x, c))))   (kernels 5, 3, 3; pads zeroed before every conv)
//!   -> masked mean over events -> context token (the learned `empty` token when there are none)
//! c = Linear(18->dc)([one-hot duration class, one-hot upload-age class]) of the candidate
//! v = Linear(E->d)(video embedding)
//! f = SiLU(Linear(3d+dc -> d)([v, ctx, v*ctx, c]))
//! interest   = Linear(h->1)(SwiGLU(Linear(2d -> 2h)([v, f])))
//! productive = Linear(h->1)(SiLU(Linear(d -> h)(f)))
//! ```

pub(crate) mod layers;
pub(crate) mod params;

use candle_core::{Tensor, Var, D};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::features::{Batch, ContextInputs, COND_DIM, TOKEN_NUMBERS};
use layers::{masked_mean, Linear, ResidualBlock};
use params::{Init, Params};

/// The network's shape. Saved with the weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetConfig {
    /// Width of the text embeddings (384 for e5-small).
    pub embed_dim: usize,
    /// Width of tokens, the context token and the fused vector. Default 64.
    pub hidden: usize,
    /// Width of the condition embedding. Default 16.
    pub condition_hidden: usize,
    /// Width inside the heads. Default 64.
    pub head_hidden: usize,
    /// One residual block per kernel size. Default [5, 3, 3].
    pub kernels: Vec<usize>,
    /// Squeeze-and-excitation reduction. Default 4.
    pub se_reduction: usize,
    /// The most recent events kept per context. Default 32.
    pub max_context: usize,
}

impl NetConfig {
    pub fn new(embed_dim: usize) -> Self {
        NetConfig {
            embed_dim,
            hidden: 64,
            condition_hidden: 16,
            head_hidden: 64,
            kernels: vec![5, 3, 3],
            se_reduction: 4,
            max_context: crate::input::DEFAULT_MAX_EVENTS,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Network {
    pub(crate) config: NetConfig,
    token_embedding: Linear,
    token_numbers: Linear,
    blocks: Vec<ResidualBlock>,
    empty_context: Var,
    condition: Linear,
    video: Linear,
    fuse: Linear,
    interest_up: Linear,
    interest_out: Linear,
    productive_hidden: Linear,
    productive_out: Linear,
    vars: Vec<(String, Var)>,
}

/// The two heads' logits, each [B].
pub(crate) struct Logits {
    pub interest: Tensor,
    pub productive: Tensor,
}

impl Network {
    /// Builds the network from `params`; returns it with the problems a loaded file had.
    pub(crate) fn build(config: NetConfig, mut p: Params) -> Result<(Self, Vec<String>)> {
        let (e, d, dc, h) = (config.embed_dim, config.hidden, config.condition_hidden, config.head_hidden);
        let token_embedding = Linear::new(&mut p, "context.token_embedding", e, d)?;
        let token_numbers = Linear::new(&mut p, "context.token_numbers", TOKEN_NUMBERS, d)?;
        let blocks = config
            .kernels
            .iter()
            .enumerate()
            .map(|(i, &k)| ResidualBlock::new(&mut p, &format!("context.block{i}"), d, k, dc, config.se_reduction))
            .collect::<Result<Vec<_>>>()?;
        let empty_context = p.var("context.empty", &[d], Init::Normal(0.5))?;
        let condition = Linear::new(&mut p, "condition", COND_DIM, dc)?;
        let video = Linear::new(&mut p, "video", e, d)?;
        let fuse = Linear::new(&mut p, "fuse", 3 * d + dc, d)?;
        let interest_up = Linear::new(&mut p, "interest.up", 2 * d, 2 * h)?;
        let interest_out = Linear::new(&mut p, "interest.out", h, 1)?;
        let productive_hidden = Linear::new(&mut p, "productive.hidden", d, h)?;
        let productive_out = Linear::new(&mut p, "productive.out", h, 1)?;
        let (vars, problems) = p.finish();
        let net = Network {
            config,
            token_embedding,
            token_numbers,
            blocks,
            empty_context,
            condition,
            video,
            fuse,
            interest_up,
            interest_out,
            productive_hidden,
            productive_out,
            vars,
        };
        Ok((net, problems))
    }

    pub(crate) fn vars(&self) -> &[(String, Var)] {
        &self.vars
    }

    pub(crate) fn parameter_count(&self) -> usize {
        self.vars.iter().map(|(_, v)| v.elem_count()).sum()
    }

    /// Condition embeddings [n, dc] of condition rows [n, COND_DIM].
    pub(crate) fn condition(&self, condition: &Tensor) -> Result<Tensor> {
        self.condition.forward(condition)
    }

    /// The context token for each condition row, [B, d]. `context` has 1 row (shared by all) or B.
    pub(crate) fn encode_context(&self, context: &ContextInputs, condition: &Tensor) -> Result<Tensor> {
        let b = condition.dim(0)?;
        let (_, t, _) = context.embedding.dims3()?;
        let d = self.config.hidden;
        let tokens = (self.token_embedding.forward(&context.embedding)? + self.token_numbers.forward(&context.numbers)?)?
            .broadcast_mul(&context.mask)?;
        let mut x = tokens.broadcast_as((b, t, d))?.contiguous()?;
        for block in &self.blocks {
            x = block.forward(&x, &context.mask, condition)?;
        }
        let pooled = masked_mean(&x, &context.mask)?;
        let empty = self.empty_context.as_tensor().unsqueeze(0)?;
        let has = &context.has_context;
        Ok(pooled.broadcast_mul(has)?.broadcast_add(&empty.broadcast_mul(&has.affine(-1.0, 1.0)?)?)?)
    }

    /// The heads, from video rows [B, E], context tokens [B, d] and condition embeddings [B, dc].
    pub(crate) fn heads(&self, video: &Tensor, context: &Tensor, condition: &Tensor) -> Result<Logits> {
        let video = self.video.forward(video)?;
        let joint = Tensor::cat(&[&video, context, &(&video * context)?, condition], D::Minus1)?;
        let fused = self.fuse.forward(&joint)?.silu()?;
        let up = self.interest_up.forward(&Tensor::cat(&[&video, &fused], D::Minus1)?)?;
        let interest = self.interest_out.forward(&candle_nn::ops::swiglu(&up)?)?.squeeze(D::Minus1)?;
        let productive = self.productive_out.forward(&self.productive_hidden.forward(&fused)?.silu()?)?.squeeze(D::Minus1)?;
        Ok(Logits { interest, productive })
    }

    pub(crate) fn forward(&self, batch: &Batch) -> Result<Logits> {
        let condition = self.condition(&batch.condition)?;
        let context = self.encode_context(&batch.context, &condition)?;
        self.heads(&batch.video, &context, &condition)
    }
}

#[cfg(test)]
mod tests;
