//! The network's building blocks, each masking padding itself so that a padded batch gives the
//! same numbers as an unpadded one.

use candle_core::{Tensor, Var, D};

use crate::error::Result;
use crate::net::params::{Init, Params};

/// `x @ w + b` over the last dimension.
#[derive(Debug, Clone)]
pub(crate) struct Linear {
    w: Var,
    b: Var,
}

impl Linear {
    pub(crate) fn new(p: &mut Params, name: &str, input: usize, output: usize) -> Result<Self> {
        Ok(Linear {
            w: p.var(&format!("{name}.weight"), &[input, output], Init::FanIn(input))?,
            b: p.var(&format!("{name}.bias"), &[output], Init::Zeros)?,
        })
    }

    /// All zeros: the layer's output starts at exactly 0.
    pub(crate) fn zeros(p: &mut Params, name: &str, input: usize, output: usize) -> Result<Self> {
        Ok(Linear {
            w: p.var(&format!("{name}.weight"), &[input, output], Init::Zeros)?,
            b: p.var(&format!("{name}.bias"), &[output], Init::Zeros)?,
        })
    }

    /// One matrix product over all leading dimensions (a batched product per row would be far
    /// slower on CPU, forward and backward).
    pub(crate) fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let dims = x.dims();
        let input = dims[dims.len() - 1];
        let rows = x.elem_count() / input.max(1);
        let y = x.reshape((rows, input))?.matmul(self.w.as_tensor())?.broadcast_add(self.b.as_tensor())?;
        let mut out_dims = dims.to_vec();
        let last = out_dims.len() - 1;
        out_dims[last] = self.w.dim(1)?;
        Ok(y.reshape(out_dims)?)
    }
}

/// LayerNorm over the last dimension, without affine parameters.
pub(crate) fn layer_norm(x: &Tensor) -> Result<Tensor> {
    let mean = x.mean_keepdim(D::Minus1)?;
    let centered = x.broadcast_sub(&mean)?;
    let var = centered.sqr()?.mean_keepdim(D::Minus1)?;
    Ok(centered.broadcast_div(&(var + 1e-5)?.sqrt()?)?)
}

/// Adaptive LayerNorm: `LN(x) * (1 + scale) + shift`, scale and shift from SiLU(condition) through
/// a zero-initialised linear layer, so an untrained AdaLN is a plain LayerNorm.
#[derive(Debug, Clone)]
pub(crate) struct AdaLn {
    modulation: Linear,
    width: usize,
}

impl AdaLn {
    pub(crate) fn new(p: &mut Params, name: &str, condition: usize, width: usize) -> Result<Self> {
        Ok(AdaLn { modulation: Linear::zeros(p, &format!("{name}.modulation"), condition, 2 * width)?, width })
    }

    /// `x`: [B, T, C]; `condition`: [B, cond].
    pub(crate) fn forward(&self, x: &Tensor, condition: &Tensor) -> Result<Tensor> {
        let m = self.modulation.forward(&condition.silu()?)?.unsqueeze(1)?;
        let scale = m.narrow(D::Minus1, 0, self.width)?;
        let shift = m.narrow(D::Minus1, self.width, self.width)?;
        Ok(layer_norm(x)?.broadcast_mul(&(scale + 1.0)?)?.broadcast_add(&shift)?)
    }
}

/// Mean over real (unmasked) time steps: [B, T, C] with mask [Bc, T, 1] -> [B, C].
/// An all-padding row gives zeros.
pub(crate) fn masked_mean(x: &Tensor, mask: &Tensor) -> Result<Tensor> {
    let sum = x.broadcast_mul(mask)?.sum(1)?;
    let count = mask.sum(1)?.maximum(1.0)?;
    Ok(sum.broadcast_div(&count)?)
}

/// A "same" 1-D convolution over time, as one matrix product of the k shifted copies.
/// Inputs must already be zero at padded steps; outputs are zeroed there.
#[derive(Debug, Clone)]
pub(crate) struct Conv1d {
    kernel: usize,
    proj: Linear,
}

impl Conv1d {
    pub(crate) fn new(p: &mut Params, name: &str, channels: usize, kernel: usize) -> Result<Self> {
        Ok(Conv1d { kernel, proj: Linear::new(p, name, kernel * channels, channels)? })
    }

    pub(crate) fn forward(&self, x: &Tensor, mask: &Tensor) -> Result<Tensor> {
        let t = x.dim(1)?;
        let half = self.kernel / 2;
        let padded = x.pad_with_zeros(1, half, self.kernel - 1 - half)?;
        let shifted: Vec<Tensor> = (0..self.kernel).map(|j| padded.narrow(1, j, t)).collect::<Result<_, _>>()?;
        let stacked = Tensor::cat(&shifted, D::Minus1)?;
        Ok(self.proj.forward(&stacked)?.broadcast_mul(mask)?)
    }
}

/// Squeeze-and-excitation: a per-channel gate from the masked mean over time.
#[derive(Debug, Clone)]
pub(crate) struct SqueezeExcite {
    down: Linear,
    up: Linear,
}

impl SqueezeExcite {
    pub(crate) fn new(p: &mut Params, name: &str, channels: usize, reduction: usize) -> Result<Self> {
        let inner = (channels / reduction).max(1);
        Ok(SqueezeExcite {
            down: Linear::new(p, &format!("{name}.down"), channels, inner)?,
            up: Linear::new(p, &format!("{name}.up"), inner, channels)?,
        })
    }

    pub(crate) fn forward(&self, x: &Tensor, mask: &Tensor) -> Result<Tensor> {
        let squeezed = masked_mean(x, mask)?;
        let gate = candle_nn::ops::sigmoid(&self.up.forward(&self.down.forward(&squeezed)?.silu()?)?)?;
        Ok(x.broadcast_mul(&gate.unsqueeze(1)?)?)
    }
}

/// A pre-activation residual block: `x + SE(conv(SiLU(AdaLN(x, condition))))`.
#[derive(Debug, Clone)]
pub(crate) struct ResidualBlock {
    norm: AdaLn,
    conv: Conv1d,
    se: SqueezeExcite,
}

impl ResidualBlock {
    pub(crate) fn new(p: &mut Params, name: &str, channels: usize, kernel: usize, condition: usize, reduction: usize) -> Result<Self> {
        Ok(ResidualBlock {
            norm: AdaLn::new(p, &format!("{name}.norm"), condition, channels)?,
            conv: Conv1d::new(p, &format!("{name}.conv"), channels, kernel)?,
            se: SqueezeExcite::new(p, &format!("{name}.se"), channels, reduction)?,
        })
    }

    /// `x` [B, T, C] zero at padding; `mask` [Bc, T, 1]; `condition` [B, cond].
    pub(crate) fn forward(&self, x: &Tensor, mask: &Tensor, condition: &Tensor) -> Result<Tensor> {
        let h = self.norm.forward(x, condition)?.silu()?.broadcast_mul(mask)?;
        let h = self.conv.forward(&h, mask)?;
        let h = self.se.forward(&h, mask)?;
        Ok((x + h)?)
    }
}
